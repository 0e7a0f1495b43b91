"""Permission matrix entries of the live scoring (现场评议).

The office's page is the office's only. The judges' pages need no account: the code
page answers everyone, a wrong code is refused to everyone, and the state and sheet
endpoints refuse every request without a judge session (whatever the person's role).
The hall's count and results are read like the presenter view.
"""

from __future__ import annotations

from tests.web.matrix import OFFICE_ONLY, PUBLISHED, Request, roles

SESSION = {"session": "2023-05-27"}
NOWHERE = {"session": "1999-01-01"}

ENTRIES = {
    "arena:scoring": [
        Request("get", SESSION, OFFICE_ONLY),
        # An empty sheet definition: the office sees the form's errors, nothing changes.
        Request("post", SESSION, OFFICE_ONLY, data={"action": "define"}),
        Request("get", NOWHERE, roles(anonymous=302, office=404, rest=403)),
    ],
    "arena:judge": [
        Request("get", SESSION, roles(rest=200)),
        Request("post", SESSION, roles(rest=403), data={"code": "ABCD-EFGH-JKMN-PQRS"}),
        Request("get", NOWHERE, roles(rest=404)),
    ],
    "arena:judge_state": [
        Request("get", SESSION, roles(rest=403)),
        Request("post", SESSION, roles(rest=405)),
    ],
    "arena:judge_sheet": [
        Request("post", SESSION, roles(rest=403), data={}),
        Request("get", SESSION, roles(rest=405)),
    ],
    "arena:live": [Request("get", SESSION, PUBLISHED)],
    "arena:results": [Request("get", SESSION, PUBLISHED)],
}

__all__ = ["ENTRIES"]
