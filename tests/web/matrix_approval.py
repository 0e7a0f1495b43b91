"""The permission matrix of approval inside a unit or a department (gathered by
test_permissions).

市北区's reporter is also its 审核人 (unit approver); 李沧区's reporter is not. Nothing
waits for approval in the demo's 2023Q4, so the approver of 市北区 asking to approve or
send back its own unit is sent back to the page with the reason (302); everyone else
is refused (403): 李沧区's plain reporter, the office (approval is the unit's own), and
市北区's approver reaching for 李沧区 (another unit's approver cannot approve).

The same for a department: 市住房城乡建设局's 审核人 (``approver_zhujian``) is sent back to
its page with the reason (302); its plain data provider cannot approve its own department
(403), nor can anyone else; its 审核人 reaching for 市统计局's submission (submitted, with
the office) or for a unit's is refused (403), and crafted POSTs change nothing.
"""

from __future__ import annotations

from tests.web.matrix import Request, roles
from tests.web.matrix_workflow import GET_ONLY

LICANG_Q4 = {"period": "2023Q4", "unit": "licang"}
SHIBEI_Q4 = {"period": "2023Q4", "unit": "shibei"}
# Only an approver of the unit named in the address gets past the door.
SHIBEI_APPROVER_ONLY = roles(anonymous=302, reporter_shibei=302, rest=403)
NOBODY_BUT_LOGIN = roles(anonymous=302, rest=403)


def _approval(data: dict[str, str] | None = None) -> list[Request]:
    return [
        Request("get", LICANG_Q4, GET_ONLY),
        Request("post", LICANG_Q4, NOBODY_BUT_LOGIN, data=data),
        Request("post", SHIBEI_Q4, SHIBEI_APPROVER_ONLY, data=data),
        # A unit outside the period's scheme, or unknown: nobody learns more than 403/404.
        Request(
            "post",
            {"period": "2023Q4", "unit": "nowhere"},
            roles(anonymous=302, outsider=403, viewer=403, provider=403, rest=404),
            data=data,
        ),
    ]


ZHUJIAN_Q4 = {"period": "2023Q4", "department": "zhujian"}
TONGJI_Q4 = {"period": "2023Q4", "department": "tongji"}
ZHUJIAN_APPROVER_ONLY = roles(anonymous=302, approver_zhujian=302, rest=403)


def _department_approval(data: dict[str, str] | None = None) -> list[Request]:
    return [
        Request("get", ZHUJIAN_Q4, GET_ONLY),
        Request("post", ZHUJIAN_Q4, ZHUJIAN_APPROVER_ONLY, data=data),
        # Another department's submission: no approver of 住建局 reaches it.
        Request("post", TONGJI_Q4, NOBODY_BUT_LOGIN, data=data),
        # A period in which 住建局 supplies nothing, and an unknown department.
        Request(
            "post",
            {"period": "2024Q1", "department": "zhujian"},
            roles(anonymous=302, provider=404, approver_zhujian=404, rest=403),
            data=data,
        ),
        Request(
            "post",
            {"period": "2023Q4", "department": "nowhere"},
            roles(anonymous=302, provider=404, approver_zhujian=404, rest=403),
            data=data,
        ),
    ]


ENTRIES: dict[str, list[Request]] = {
    "workflow:provider_approve": _department_approval(),
    "workflow:provider_send_back": _department_approval({"reason": "请核实"}),
    "workflow:unit_approve": _approval(),
    "workflow:unit_send_back": _approval({"reason": "请核实"}),
    "workflow:period_approval": [
        Request("get", {"period": "2023Q4"}, GET_ONLY),
        # Nothing chosen: approval stays off (no change, nothing recorded).
        Request("post", {"period": "2023Q4"}, roles(anonymous=302, office=302, rest=403)),
        Request(
            "post",
            {"period": "2023Q4"},
            roles(anonymous=302, office=302, rest=403),
            data={"units": ["nowhere"]},
        ),
        # 市统计局 has no approver account and has submitted: refused with the reason.
        Request(
            "post",
            {"period": "2023Q4"},
            roles(anonymous=302, office=302, rest=403),
            data={"departments": ["tongji"]},
        ),
    ],
}
