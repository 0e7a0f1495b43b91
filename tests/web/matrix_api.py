"""Permission matrix entries of the write API and of the tokens page.

The write operations take a token, never a session: every role, logged in or not,
is answered 401 (tests/web/test_api_writes.py uses tokens). The tokens page is for
accounts with a role; only the office makes tokens unless it switches self-service
on (tested in test_api_writes).
"""

from __future__ import annotations

from tests.web.matrix import Request, roles

NO_TOKEN = roles(rest=401)
WITH_ROLE = roles(anonymous=302, outsider=403, rest=200)

ENTRIES = {
    "api:values_submit": [
        Request("post", {"period": "2023Q4"}, NO_TOKEN),
        Request("post", {"period": "1999Q1"}, NO_TOKEN),
        Request("get", {"period": "2023Q4"}, roles(rest=405)),
    ],
    "api:token_show": [Request("get", {}, NO_TOKEN), Request("post", {}, roles(rest=405))],
    "api_tokens:list": [
        Request("get", {}, WITH_ROLE),
        # An empty form: the office sees it again with its errors; nobody else may post.
        Request("post", {}, roles(anonymous=302, office=200, rest=403)),
    ],
    "api_tokens:revoke": [
        Request("post", {"pk": "999"}, roles(anonymous=302, outsider=403, rest=404)),
        Request("get", {"pk": "999"}, roles(rest=405)),
    ],
    "api_tokens:settings": [
        Request("post", {}, roles(anonymous=302, office=302, rest=403)),
        Request("get", {}, roles(rest=405)),
    ],
}
