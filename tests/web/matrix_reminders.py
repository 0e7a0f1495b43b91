"""Permission matrix entries of deadlines, reminders and notifications.

- notifications: each logged-in person their own (another's is not found);
- deadlines, robots and sending by hand: the office only.
"""

from __future__ import annotations

from tests.web.matrix import LOGGED_IN, OFFICE_ONLY, Request, roles

OFFICE_POSTS = roles(anonymous=302, office=302, rest=403)
NOT_FOUND_FOR_OFFICE = roles(anonymous=302, office=404, rest=403)
NOBODY = roles(rest=405)

ENTRIES: dict[str, list[Request]] = {
    "reminders:notifications": [Request("get", {}, LOGGED_IN), Request("post", {}, NOBODY)],
    "reminders:read_all": [Request("post", {}, roles(rest=302)), Request("get", {}, NOBODY)],
    "reminders:read": [
        Request("post", {"pk": "999999"}, roles(anonymous=302, rest=404)),
        Request("get", {"pk": "999999"}, NOBODY),
    ],
    "reminders:webhooks": [Request("get", {}, OFFICE_ONLY), Request("post", {}, NOBODY)],
    "reminders:webhook_new": [
        Request("get", {}, OFFICE_ONLY),
        Request("post", {}, OFFICE_ONLY, data={"name": "", "url": "not a url"}),
    ],
    "reminders:webhook_edit": [Request("get", {"pk": "999999"}, NOT_FOUND_FOR_OFFICE)],
    "reminders:webhook_delete": [
        Request("post", {"pk": "999999"}, NOT_FOUND_FOR_OFFICE),
        Request("get", {"pk": "999999"}, NOBODY),
    ],
    "reminders:period": [
        Request("get", {"period": "2023Q4"}, OFFICE_ONLY),
        Request("post", {"period": "2023Q4"}, OFFICE_ONLY, data={"days_before": "x"}),
        # The departments' own deadlines: a bad one comes back with its error.
        Request(
            "post",
            {"period": "2023Q4"},
            OFFICE_ONLY,
            data={"form": "departments", "dept-tongji": "x"},
        ),
        Request("get", {"period": "1999Q1"}, NOT_FOUND_FOR_OFFICE),
    ],
    "reminders:send": [
        Request("post", {"period": "2023Q4"}, OFFICE_POSTS),
        Request("post", {"period": "1999Q1"}, NOT_FOUND_FOR_OFFICE),
        Request("get", {"period": "2023Q4"}, NOBODY),
    ],
}
