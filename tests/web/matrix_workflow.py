"""The permission matrix of the workflow and the audit log (gathered by test_permissions).

Uploads and objections are addressed by number; ``Ref`` looks the number up (creating
李沧区's upload and objection the first time) when the matrix builds the URL, since
the objects exist only in the test's database. A reporter of 市北区 asking for
李沧区's figures gets 403 (the unit is named in the address) and for its uploads and
objections 404 (their existence is not confirmed).
"""

from __future__ import annotations

from collections.abc import Callable

from tests.web.matrix import OFFICE_ONLY, PUBLISHED, Request, roles

SCHEME = "qingdao-2023-quarterly"
# The office and the units' reporters; viewers, data providers and role-less accounts get 403.
WORKERS = roles(anonymous=302, outsider=403, viewer=403, provider=403, rest=200)
NOBODY = roles(
    anonymous=302,
    outsider=403,
    viewer=403,
    reporter_shibei=403,
    reporter_licang=403,
    provider=403,
    office=403,
)
GET_ONLY = roles(rest=405)


class Ref:
    """A primary key found (or made) when the URL is built, inside the test's database."""

    def __init__(self, find: Callable[[], int]) -> None:
        self.find = find

    def __str__(self) -> str:
        return str(self.find())


def licang_upload() -> int:
    """A checked upload of 李沧区's reporter, with its file (2024Q1 is open for it)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from leitai.web.accounts.models import User
    from leitai.web.assessments.models import Period
    from leitai.web.workflow.models import Upload
    from leitai.web.workflow.services import upload_check

    found = Upload.objects.filter(filename="matrix-licang.csv").first()
    if found is None:
        found = upload_check(
            period=Period.objects.get(code="2024Q1"),
            user=User.objects.get(username="tianbao-licang"),
            file=SimpleUploadedFile(
                "matrix-licang.csv", b"unit,indicator,value\nlicang,gdp_growth,6.6\n"
            ),
        )
    return found.pk


def licang_objection() -> int:
    """An objection of 李沧区 to its 2024Q1 draft, with an attachment."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from leitai.web.accounts.models import User
    from leitai.web.assessments.models import Period, Unit
    from leitai.web.workflow.models import Objection
    from leitai.web.workflow.services import objection_raise

    found = Objection.objects.filter(unit__code="licang", period__code="2024Q1").first()
    if found is None:
        found = objection_raise(
            period=Period.objects.get(code="2024Q1"),
            unit=Unit.objects.get(code="licang"),
            user=User.objects.get(username="tianbao-licang"),
            text="gdp_growth 应为 6.3",
            key="gdp_growth",
            attachment=SimpleUploadedFile("evidence.pdf", b"%PDF-1.4 matrix"),
        )
    return found.pk


def first_audit_entry() -> int:
    from leitai.web.audit.models import AuditEntry

    return AuditEntry.objects.order_by("pk").values_list("pk", flat=True).first()


UPLOAD = {"pk": Ref(licang_upload)}
OBJECTION = {"pk": Ref(licang_objection)}
# 李沧区's own things: its reporter and the office; 市北区's reporter is told nothing exists.
# A data provider is told nothing exists either (its uploads and evidence are its own).
LICANG_GET = roles(
    anonymous=302, outsider=403, viewer=403, reporter_shibei=404, provider=404, rest=200
)
LICANG_POST = roles(
    anonymous=302, outsider=403, viewer=403, reporter_shibei=404, provider=404, rest=302
)
# Objections are the units' and the office's: a data provider has no objection page.
LICANG_OBJECTION = roles(
    anonymous=302, outsider=403, viewer=403, reporter_shibei=404, provider=403, rest=200
)
SHIBEI_UNIT = roles(anonymous=302, outsider=403, viewer=403, reporter_licang=403, rest=200)
# A unit's page: not a data provider's (it has its own page of every unit's figures).
SHIBEI_PAGE = roles(
    anonymous=302, outsider=403, viewer=403, reporter_licang=403, provider=403, rest=200
)
LICANG_UNIT = roles(anonymous=302, outsider=403, viewer=403, reporter_shibei=403, rest=200)

ENTRIES: dict[str, list[Request]] = {
    # A data provider's home lists the periods its department supplies figures for.
    "workflow:home": [
        Request("get", {}, roles(anonymous=302, outsider=403, viewer=403, rest=200)),
        Request("post", {}, GET_ONLY),
    ],
    "workflow:scheme_list": [Request("get", {}, OFFICE_ONLY)],
    "workflow:scheme_new": [
        Request("get", {}, OFFICE_ONLY),
        # Without a comment or a text: the form comes back with its errors.
        Request("post", {}, OFFICE_ONLY, data={"text": "", "comment": ""}),
    ],
    "workflow:scheme_version": [
        Request("get", {"scheme": SCHEME, "number": "2"}, OFFICE_ONLY),
        Request(
            "get", {"scheme": SCHEME, "number": "9"}, roles(anonymous=302, office=404, rest=403)
        ),
        Request("post", {"scheme": SCHEME, "number": "2"}, GET_ONLY),
    ],
    "workflow:scheme_version_yaml": [
        Request("get", {"scheme": SCHEME, "number": "1"}, OFFICE_ONLY)
    ],
    "workflow:scheme_edit": [
        Request("get", {"scheme": SCHEME, "number": "2"}, OFFICE_ONLY),
        Request(
            "post", {"scheme": SCHEME, "number": "2"}, OFFICE_ONLY, data={"text": "", "comment": ""}
        ),
    ],
    "workflow:scheme_editor_new": [Request("get", {}, OFFICE_ONLY)],
    "workflow:scheme_editor": [
        Request("get", {"scheme": SCHEME, "number": "2"}, OFFICE_ONLY),
        Request(
            "get", {"scheme": SCHEME, "number": "9"}, roles(anonymous=302, office=404, rest=403)
        ),
    ],
    # The editor's JSON answers: a form post is not the editor's JSON (400 for the office).
    **{
        f"workflow:scheme_editor_{name}": [
            Request("get", {}, GET_ONLY),
            Request("post", {}, roles(anonymous=302, office=400, rest=403), data={"x": "1"}),
        ]
        for name in ("check", "preview", "save")
    },
    "workflow:scheme_compare": [
        Request("get", {"scheme": SCHEME}, OFFICE_ONLY),
        Request("get", {"scheme": SCHEME}, OFFICE_ONLY, query="a=2&b=1"),
        Request("get", {"scheme": SCHEME}, roles(anonymous=302, office=404, rest=403), query="a=7"),
    ],
    "workflow:period_new": [
        Request("get", {}, OFFICE_ONLY),
        Request("post", {}, OFFICE_ONLY, data={"code": "2023Q1"}),  # exists: form errors
    ],
    "workflow:period": [
        Request(
            "get",
            {"period": "2023Q4"},
            roles(
                anonymous=302,
                outsider=403,
                viewer=403,
                reporter_shibei=302,
                reporter_licang=302,
                provider=403,
                office=200,
            ),
        ),
        Request(
            "get",
            {"period": "1999Q1"},
            roles(anonymous=302, outsider=403, viewer=403, provider=403, rest=404),
        ),
    ],
    "workflow:period_step": [
        Request("get", {"period": "2023Q4"}, GET_ONLY),
        # Refused (units have not submitted and nothing is acknowledged): back to the board.
        Request(
            "post",
            {"period": "2023Q4"},
            roles(anonymous=302, office=302, rest=403),
            data={"step": "review"},
        ),
    ],
    "workflow:period_last_day": [
        Request("get", {"period": "2023-Q3-grouped"}, GET_ONLY),
        Request(
            "post",
            {"period": "2023-Q3-grouped"},
            roles(anonymous=302, office=302, rest=403),
            data={"ends_on": "2023-09-30"},
        ),
    ],
    "workflow:period_compute": [
        Request("get", {"period": "2024Q1"}, GET_ONLY),
        Request("post", {"period": "2024Q1"}, roles(anonymous=302, office=302, rest=403)),
    ],
    "workflow:period_publish": [
        Request("get", {"period": "2023Q4"}, OFFICE_ONLY),
        # Refused while collecting: the page comes back with the reason.
        Request("post", {"period": "2023Q4"}, OFFICE_ONLY, data={"acknowledge": "on"}),
    ],
    # A data provider's template is its department's (every unit, its indicators),
    # whatever unit the address names.
    "workflow:template": [
        Request(
            "get", {"period": "2023Q4"}, roles(anonymous=302, outsider=403, viewer=403, rest=200)
        ),
        Request("get", {"period": "2023Q4"}, SHIBEI_UNIT, query="unit=shibei"),
        Request("get", {"period": "2023Q4"}, LICANG_UNIT, query="unit=licang"),
        Request(
            "get",
            {"period": "2023Q4"},
            roles(anonymous=302, outsider=403, viewer=403, provider=200, rest=404),
            query="unit=nowhere",
        ),
    ],
    # 市统计局 supplies nothing in 2024Q1: its provider is told there is no such page.
    "workflow:upload": [
        Request(
            "get",
            {"period": "2024Q1"},
            roles(anonymous=302, outsider=403, viewer=403, provider=404, rest=200),
        ),
        # No file: the form comes back. A unit named in the form is not a reporter's to choose.
        Request(
            "post",
            {"period": "2024Q1"},
            roles(anonymous=302, outsider=403, viewer=403, provider=404, rest=200),
            data={"unit": "licang"},
        ),
    ],
    "workflow:upload_detail": [
        Request("get", UPLOAD, LICANG_GET),
        Request("get", {"pk": "999999"}, roles(anonymous=302, outsider=403, viewer=403, rest=404)),
    ],
    "workflow:upload_confirm": [
        Request("get", UPLOAD, GET_ONLY),
        # Saved by 李沧区's reporter; for the office then (saved already) refused: back to it.
        Request("post", UPLOAD, LICANG_POST),
    ],
    "workflow:upload_discard": [
        Request("get", UPLOAD, GET_ONLY),
        Request("post", UPLOAD, LICANG_POST),
    ],
    "workflow:upload_file": [Request("get", UPLOAD, LICANG_GET)],
    "workflow:objection_list": [Request("get", {"period": "2023Q4"}, WORKERS)],
    "workflow:unit": [
        Request("get", {"period": "2023Q4", "unit": "shibei"}, SHIBEI_PAGE),
        Request(
            "get",
            {"period": "2023Q4", "unit": "licang"},
            roles(
                anonymous=302, outsider=403, viewer=403, reporter_shibei=403, provider=403, rest=200
            ),
        ),
        Request(
            "get",
            {"period": "2023Q4", "unit": "nowhere"},
            roles(anonymous=302, outsider=403, viewer=403, provider=403, rest=404),
        ),
        # Nothing sent: nothing changes, back to the page; another unit's reporter: 403.
        Request(
            "post",
            {"period": "2024Q1", "unit": "licang"},
            roles(
                anonymous=302, outsider=403, viewer=403, reporter_shibei=403, provider=403, rest=302
            ),
        ),
        # A reporter's crafted field for a figure 市住房城乡建设局 supplies in 2023Q4: refused
        # before it is even checked (the office may write it: the bad value comes back marked).
        Request(
            "post",
            {"period": "2023Q4", "unit": "shibei"},
            roles(anonymous=302, office=200, rest=403),
            data={"v-estates_started": "abc"},
        ),
    ],
    "workflow:unit_submit": [
        Request("get", {"period": "2024Q1", "unit": "licang"}, GET_ONLY),
        # Only the unit's own reporter submits (the office does not submit for a unit).
        Request(
            "post",
            {"period": "2024Q1", "unit": "licang"},
            roles(
                anonymous=302,
                outsider=403,
                viewer=403,
                reporter_shibei=403,
                reporter_licang=302,
                provider=403,
                office=403,
            ),
        ),
    ],
    "workflow:unit_return": [
        Request("get", {"period": "2024Q1", "unit": "licang"}, GET_ONLY),
        Request(
            "post",
            {"period": "2024Q1", "unit": "licang"},
            roles(anonymous=302, office=302, rest=403),
            data={"reason": "请核实"},
        ),
    ],
    "workflow:objection_new": [
        Request(
            "get",
            {"period": "2023Q4", "unit": "shibei"},
            roles(anonymous=302, reporter_shibei=200, rest=403),
        ),
        Request(
            "get",
            {"period": "2023Q4", "unit": "licang"},
            roles(anonymous=302, reporter_licang=200, rest=403),
        ),
        Request(
            "post",
            {"period": "2023Q4", "unit": "licang"},
            roles(anonymous=302, reporter_licang=200, rest=403),
            data={"text": ""},  # no text: the form comes back
        ),
    ],
    "workflow:objection": [
        Request("get", OBJECTION, LICANG_OBJECTION),
        Request(
            "get",
            {"pk": "999999"},
            roles(anonymous=302, outsider=403, viewer=403, provider=403, rest=404),
        ),
    ],
    "workflow:objection_answer": [
        Request("get", OBJECTION, GET_ONLY),
        Request(
            "post", OBJECTION, roles(anonymous=302, office=302, rest=403), data={"decision": "x"}
        ),
    ],
    "workflow:objection_attachment": [Request("get", OBJECTION, LICANG_OBJECTION)],
    "workflow:revisions": [
        Request("get", {"period": "2023Q1"}, PUBLISHED),
        Request("get", {"period": "2024Q1"}, roles(rest=404)),
        Request("post", {"period": "2023Q1"}, GET_ONLY),
    ],
    "audit:log": [
        Request("get", {}, OFFICE_ONLY),
        Request("get", {}, OFFICE_ONLY, query="period=2023Q4&unit=licang&action=data.changed"),
        Request("post", {}, GET_ONLY),
    ],
    "audit:export": [
        Request("get", {}, OFFICE_ONLY),
        Request("get", {}, OFFICE_ONLY, query="format=xlsx&period=2023Q4"),
    ],
    "audit:entry": [
        Request("get", {"pk": Ref(first_audit_entry)}, OFFICE_ONLY),
        Request("get", {"pk": "999999"}, roles(anonymous=302, office=404, rest=403)),
    ],
}

__all__ = ["ENTRIES", "NOBODY"]
