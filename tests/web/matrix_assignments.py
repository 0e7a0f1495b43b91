"""Permission matrix entries of the office's page of who supplies each indicator (issue 11).

Only the office sees or changes it; a posted choice that changes nothing (GDP stays with
the units) redirects back to the page; an unknown period or scheme version is not found.
"""

from __future__ import annotations

from tests.web.matrix import OFFICE_ONLY, Request, roles
from tests.web.matrix_workflow import GET_ONLY, SCHEME

OFFICE_POSTS = roles(anonymous=302, office=302, rest=403)
NOT_FOUND_FOR_OFFICE = roles(anonymous=302, office=404, rest=403)
UNCHANGED = {"key": "gdp_growth", "department": ""}
VERSION = {"scheme": SCHEME, "number": "2"}

ENTRIES: dict[str, list[Request]] = {
    "workflow:assignments": [
        Request("get", {"period": "2023Q4"}, OFFICE_ONLY),
        Request("post", {"period": "2023Q4"}, OFFICE_POSTS, data=UNCHANGED),
        Request("get", {"period": "1999Q1"}, NOT_FOUND_FOR_OFFICE),
        Request("put", {"period": "2023Q4"}, GET_ONLY),
    ],
    "workflow:version_assignments": [
        Request("get", VERSION, OFFICE_ONLY),
        Request("post", VERSION, OFFICE_POSTS, data=UNCHANGED),
        Request("get", {"scheme": "nothing", "number": "1"}, NOT_FOUND_FOR_OFFICE),
    ],
}
