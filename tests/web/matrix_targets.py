"""Permission matrix entries of the targets and arena pages.

Targets, progress and arena sessions are read like published results: every role,
and visitors or role-less accounts only while the public boards are on. Reporting
an actual is for the office and the reporter of the target's own unit: a reporter
of another unit gets 403 whatever ids or fields the request carries. Evidence files
go to the office and the unit's own reporter only. Everything else is the office's.
"""

from __future__ import annotations

from tests.web.matrix import OFFICE_ONLY, PUBLISHED, Request, roles

SHIBEI = {"unit": "shibei", "target": "enterprise_contacts"}
LICANG = {"unit": "licang", "target": "urban_renewal"}
NOWHERE = {"unit": "shibei", "target": "nowhere"}
SESSION = {"session": "2023-05-27"}

# The office and the unit's own reporter; anyone else logged in is refused.
OWN_SHIBEI = roles(anonymous=302, reporter_shibei=200, office=200, rest=403)
OWN_LICANG = roles(anonymous=302, reporter_licang=200, office=200, rest=403)
A_REPORT = {"period": "2023-12", "value": "125", "note": "全年完成"}

ENTRIES: dict[str, list[Request]] = {
    "targets:board": [
        Request("get", {}, PUBLISHED),
        Request("get", {}, PUBLISHED, query="as_of=2023-06-30&status=red&unit=licang"),
        Request("post", {}, roles(rest=405)),
    ],
    "targets:unit": [
        Request("get", {"unit": "pingdu"}, PUBLISHED),
        Request(
            "get", {"unit": "nowhere"}, roles(anonymous=(404, 302), outsider=(404, 403), rest=404)
        ),
    ],
    "targets:report": [
        Request("get", SHIBEI, OWN_SHIBEI),
        Request("get", LICANG, OWN_LICANG),
        # A valid report: stored for the own unit, refused for every other.
        Request(
            "post",
            SHIBEI,
            roles(anonymous=302, reporter_shibei=302, office=302, rest=403),
            data=A_REPORT,
        ),
        Request(
            "post",
            LICANG,
            roles(anonymous=302, reporter_licang=302, office=302, rest=403),
            data=A_REPORT,
        ),
        # Crafted: the other unit's ids in the form change nothing about who may post here.
        Request(
            "post",
            LICANG,
            roles(anonymous=302, reporter_licang=302, office=302, rest=403),
            data={**A_REPORT, "unit": "shibei", "target": "enterprise_contacts"},
        ),
        Request("get", NOWHERE, roles(anonymous=302, rest=404)),
    ],
    "targets:evidence": [
        # The demo names evidence files it never uploaded: allowed roles get 404, others 403.
        Request(
            "get",
            {"unit": "pingdu", "target": "key_projects", "period": "2023-06"},
            roles(anonymous=302, office=404, rest=403),
        ),
        Request(
            "get",
            {**SHIBEI, "period": "2023-06"},
            roles(anonymous=302, reporter_shibei=404, office=404, rest=403),
        ),
        Request("post", {**SHIBEI, "period": "2023-06"}, roles(rest=405)),
    ],
    "targets:create": [
        Request("get", {}, OFFICE_ONLY),
        Request("post", {}, OFFICE_ONLY, data={"name": "", "value": "x"}),
    ],
    "targets:edit": [
        Request("get", SHIBEI, OFFICE_ONLY),
        Request("post", SHIBEI, OFFICE_ONLY, data={"name": "", "value": "x"}),
        Request("get", NOWHERE, roles(anonymous=302, office=404, rest=403)),
    ],
    "targets:delete": [
        Request("get", SHIBEI, roles(rest=405)),
        # Posted only for a target that does not exist: the matrix runs every request twice.
        Request("post", NOWHERE, roles(anonymous=302, office=404, rest=403)),
    ],
    "targets:import": [
        Request("get", {}, OFFICE_ONLY),
        Request("post", {}, OFFICE_ONLY, data={"kind": "targets"}),
    ],
    "arena:list": [
        Request("get", {}, PUBLISHED),
        Request("post", {}, roles(rest=405)),
    ],
    "arena:create": [
        Request("get", {}, OFFICE_ONLY),
        Request("post", {}, OFFICE_ONLY, data={"date": "not a date"}),
    ],
    "arena:detail": [
        Request("get", SESSION, PUBLISHED),
        Request(
            "get",
            {"session": "1999-01-01"},
            roles(anonymous=(404, 302), outsider=(404, 403), rest=404),
        ),
    ],
    "arena:edit": [
        Request("get", SESSION, OFFICE_ONLY),
        Request("post", SESSION, OFFICE_ONLY, data={"date": "not a date"}),
    ],
    "arena:present": [Request("get", SESSION, PUBLISHED)],
    "arena:deck": [Request("get", SESSION, PUBLISHED)],
    "arena:pledge": [
        Request("get", SESSION, roles(rest=405)),
        Request(
            "post",
            SESSION,
            roles(anonymous=302, office=302, rest=403),
            data={"unit": "shibei", "name": "走访重点企业", "value": "123"},
        ),
        Request(
            "post",
            SESSION,
            roles(anonymous=302, office=200, rest=403),
            data={"unit": "nowhere", "name": "x", "value": "1"},
        ),
    ],
}
