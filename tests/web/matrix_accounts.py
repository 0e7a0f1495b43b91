"""The permission matrix of the office's account pages (gathered by test_permissions).

The office only: everyone else logged in gets 403, visitors the login page. Requests
that change an account act on an account of the matrix's own, so that deactivating it
or resetting its password leaves the roles' accounts as they are.
"""

from __future__ import annotations

from tests.web.matrix import OFFICE_ONLY, Request, roles
from tests.web.matrix_workflow import GET_ONLY, Ref


def matrix_account() -> int:
    from leitai.web.accounts.models import User
    from leitai.web.assessments.models import Unit

    found = User.objects.filter(username="matrix-account").first()
    if found is None:
        found = User.objects.create(
            username="matrix-account",
            role=User.Role.REPORTER,
            unit=Unit.objects.get(code="licang"),
            real_name="矩阵",
        )
    return found.pk


ACCOUNT = {"pk": Ref(matrix_account)}
OFFICE_POST = roles(anonymous=302, office=302, rest=403)
OFFICE_PAGE = roles(anonymous=302, office=200, rest=403)

ENTRIES: dict[str, list[Request]] = {
    "accounts:account_list": [
        Request("get", {}, OFFICE_ONLY),
        Request("get", {}, OFFICE_ONLY, query="role=approver&active=0&text=x"),
        Request("post", {}, GET_ONLY),
    ],
    "accounts:account_new": [
        Request("get", {}, OFFICE_ONLY),
        # An empty form: shown again with its errors, nothing created.
        Request("post", {}, OFFICE_PAGE),
    ],
    "accounts:account_detail": [
        Request("get", ACCOUNT, OFFICE_ONLY),
        Request("get", {"pk": "999999"}, roles(anonymous=302, office=404, rest=403)),
        Request("post", ACCOUNT, OFFICE_PAGE),
    ],
    "accounts:account_active": [
        Request("get", ACCOUNT, GET_ONLY),
        Request("post", ACCOUNT, OFFICE_POST, data={"active": "1"}),
    ],
    "accounts:account_password": [
        Request("get", ACCOUNT, GET_ONLY),
        Request("post", ACCOUNT, OFFICE_PAGE),
    ],
    "accounts:account_second_factor": [
        Request("get", ACCOUNT, GET_ONLY),
        Request("post", ACCOUNT, OFFICE_POST),
    ],
    "accounts:accounts_template": [Request("get", {}, OFFICE_ONLY)],
    "accounts:accounts_import": [
        Request("get", {}, OFFICE_ONLY),
        Request("post", {}, OFFICE_PAGE),
    ],
    "accounts:accounts_import_confirm": [
        Request("get", {}, GET_ONLY),
        Request("post", {}, OFFICE_POST, data={"token": "forged"}),
    ],
}
