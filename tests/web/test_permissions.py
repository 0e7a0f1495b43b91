"""The permission matrix: every URL of the application, as every role, public boards on and off.

``MATRIX`` holds an entry per URL name. A URL added without an entry fails
``test_every_url_has_an_entry``. Each entry lists requests (method, URL arguments,
form data) and the expected status for each role, either one status or a pair
(public boards on, public boards off). The Django admin's URLs are generated per
registered model, so they are checked by one rule covering all of them.
"""

from __future__ import annotations

import importlib
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.models import Session
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.crypto import get_random_string

from leitai.web.accounts.models import LoginSession, User
from leitai.web.accounts.selectors import public_boards_enabled
from leitai.web.accounts.services import user_create
from leitai.web.assessments.models import Unit
from tests.web.base import PASSWORD, BaseTestCase
from tests.web.matrix import (
    DRAFT,
    LOGGED_IN,
    OFFICE_ONLY,
    PUBLISHED,
    ROLES,
    Request,
    admin_pages,
    period_pages,
    roles,
)

MATRIX: dict[str, list[Request]] = {
    "boards:home": [Request("get", {}, roles(rest=200))],
    "boards:healthz": [Request("get", {}, roles(rest=200))],
    "boards:league": period_pages("league"),
    "boards:stars": period_pages("stars"),
    "boards:posters": period_pages("posters"),
    "boards:year": [
        Request("get", {"year": "2023"}, PUBLISHED),
        Request(
            "get", {"year": "1999"}, roles(anonymous=(404, 302), outsider=(404, 403), rest=404)
        ),
    ],
    "boards:unit_year": [
        Request("get", {"year": "2023", "unit": "shibei"}, PUBLISHED),
        Request(
            "get",
            {"year": "2023", "unit": "nowhere"},
            roles(rest=404),
        ),
    ],
    "boards:city_table": [
        Request("get", {"period": "2023-Q3-grouped"}, roles(rest=405)),
        Request(
            "post",
            {"period": "2023-Q3-grouped"},
            roles(anonymous=302, office=302, rest=403),
            data={"on": "1"},
        ),
    ],
    "boards:compare": [
        *period_pages("compare"),
        Request("get", {"period": "2023Q3"}, PUBLISHED, query="with=2023Q1"),
        Request(
            "get",
            {"period": "2023Q3"},
            roles(anonymous=(404, 302), outsider=(404, 403), office=200, rest=404),
            query="with=2024Q1",
        ),
    ],
    "boards:book": [
        Request("get", {"period": "2023Q1"}, PUBLISHED),
        Request("get", {"period": "2024Q1"}, DRAFT),
        Request("get", {"period": "1999Q1"}, roles(rest=404)),
        # Whoever reads a result may ask for its book to be built (once, on the queue).
        Request("post", {"period": "2023Q1"}, roles(outsider=(302, 403), rest=302)),
        Request("post", {"period": "2024Q1"}, roles(office=302, rest=404)),
        Request("post", {"period": "1999Q1"}, roles(rest=404)),
    ],
    "boards:unit": [
        Request("get", {"period": "2023Q1", "unit": "shibei"}, PUBLISHED),
        Request("get", {"period": "2023Q1", "unit": "licang"}, PUBLISHED),
        Request(
            "get",
            {"period": "2024Q1", "unit": "shibei"},
            roles(reporter_shibei=200, office=200, rest=404),
        ),
        Request(
            "get",
            {"period": "2024Q1", "unit": "licang"},
            roles(reporter_licang=200, office=200, rest=404),
        ),
        Request("get", {"period": "2023Q1", "unit": "nowhere"}, roles(rest=404)),
    ],
    "boards:unit_data": [
        Request(
            "get",
            {"period": "2023Q1", "unit": "shibei"},
            roles(anonymous=302, reporter_shibei=200, office=200, rest=403),
        ),
        Request(
            "get",
            {"period": "2024Q1", "unit": "licang"},
            roles(anonymous=302, reporter_licang=200, office=200, rest=403),
        ),
    ],
    "boards:indicator": [
        Request("get", {"period": "2023Q1", "indicator": "gdp_growth"}, PUBLISHED),
        Request("get", {"period": "2024Q1", "indicator": "gdp_growth"}, DRAFT),
        Request(
            "get",
            {"period": "2023Q1", "indicator": "entity_growth"},
            roles(anonymous=(404, 302), outsider=(404, 403), rest=404),
        ),
    ],
    "accounts:login": [
        Request("get", {}, roles(anonymous=200, rest=302)),
        Request(
            "post",
            {},
            roles(anonymous=200, rest=302),
            data={"username": "nobody", "password": "wrong"},
        ),
    ],
    "accounts:logout": [
        Request("get", {}, roles(rest=405)),
        Request("post", {}, roles(rest=302)),
    ],
    "accounts:password_change": [
        Request("get", {}, LOGGED_IN),
        Request("post", {}, LOGGED_IN, data={"old_password": "wrong"}),
    ],
    "accounts:password_change_done": [Request("get", {}, LOGGED_IN)],
    "accounts:settings": [
        Request("get", {}, OFFICE_ONLY),
        Request(
            "post", {}, roles(anonymous=302, office=302, rest=403), data={"public_boards": "on"}
        ),
    ],
    # Account security (issue 18): the office's fixture has its second factor; the
    # others have none, so the code page sends them to the enrolment.
    "accounts:otp_verify": [
        Request("get", {}, roles(anonymous=302, office=200, rest=302)),
        Request("post", {}, roles(anonymous=302, office=200, rest=302), data={"code": "1"}),
    ],
    "accounts:otp_enrol": [
        Request("get", {}, LOGGED_IN),
        Request("post", {}, LOGGED_IN, data={"code": "000000"}),
    ],
    "accounts:my_logins": [Request("get", {}, LOGGED_IN)],
    # Passkeys: a person's own page; the WebAuthn endpoints answer JSON (403 to a
    # visitor, as there is no passwordless login), each ceremony in two steps.
    "accounts:passkeys": [
        Request("get", {}, LOGGED_IN),
        Request("post", {}, roles(rest=405)),
    ],
    "accounts:passkey_remove": [
        Request("get", {"pk": "999999"}, roles(rest=405)),
        # Another's or no passkey: not found, back to one's own list.
        Request("post", {"pk": "999999"}, roles(rest=302)),
    ],
    "accounts:passkey_register_begin": [
        Request("get", {}, roles(anonymous=403, rest=405)),
        Request("post", {}, roles(anonymous=403, rest=200), data={"name": "矩阵"}),
    ],
    "accounts:passkey_register_complete": [
        Request("get", {}, roles(anonymous=403, rest=405)),
        Request("post", {}, roles(anonymous=403, rest=400)),  # no registration begun
    ],
    "accounts:passkey_verify_begin": [
        Request("get", {}, roles(anonymous=403, rest=405)),
        Request("post", {}, roles(anonymous=403, rest=200)),
    ],
    "accounts:passkey_verify_complete": [
        Request("get", {}, roles(anonymous=403, rest=405)),
        Request("post", {}, roles(anonymous=403, rest=400)),  # no challenge given
    ],
    "accounts:security": [
        Request("get", {}, OFFICE_ONLY),
        Request("post", {}, OFFICE_ONLY, data={"form": "rules", "password_min_length": "1"}),
    ],
    # Single sign-on is off unless LEITAI_OIDC_ISSUER is set (test_security_oidc.py).
    "accounts:oidc_login": [Request("get", {}, roles(rest=404))],
    "accounts:oidc_callback": [Request("get", {}, roles(rest=404))],
    # And CAS unless LEITAI_CAS_SERVER_URL is set (test_security_cas.py).
    "accounts:cas_login": [
        Request("get", {}, roles(rest=404)),
        Request("post", {}, roles(rest=404), data={"logoutRequest": "<x/>"}),
    ],
    "set_language": [
        Request("get", {}, roles(rest=302)),
        Request("post", {}, roles(rest=302), data={"language": "en", "next": "/"}),
    ],
    "api:api-root": [Request("get", {}, roles(rest=404))],
    "api:openapi-json": [Request("get", {}, roles(rest=200))],
    "boards:api_docs": [Request("get", {}, roles(rest=200))],
    "api:openapi-view": [Request("get", {}, roles(rest=200))],
    "api:periods": [Request("get", {}, roles(rest=200))],
    "api:league": [
        Request(
            "get", {"period": "2023Q1"}, roles(anonymous=(200, 401), outsider=(200, 403), rest=200)
        ),
        Request("get", {"period": "2024Q1"}, DRAFT),
        Request("post", {"period": "2023Q1"}, roles(rest=405)),
    ],
    "api:card": [
        Request(
            "get",
            {"period": "2023Q1", "unit": "shibei"},
            roles(anonymous=(200, 401), outsider=(200, 403), rest=200),
        ),
        Request(
            "get",
            {"period": "2024Q1", "unit": "shibei"},
            roles(reporter_shibei=200, office=200, rest=404),
        ),
        Request(
            "get",
            {"period": "2024Q1", "unit": "licang"},
            roles(reporter_licang=200, office=200, rest=404),
        ),
    ],
}


# Entries of the other areas, one module each (tests/web/matrix_<area>.py).
for _part in sorted(Path(__file__).parent.glob("matrix_*.py")):
    _entries = importlib.import_module(f"tests.web.{_part.stem}").ENTRIES
    assert not (MATRIX.keys() & _entries.keys()), f"{_part.name} repeats entries"
    MATRIX.update(_entries)


def url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                walk(
                    pattern.url_patterns,
                    f"{namespace}:{inner}" if namespace and inner else inner or namespace,
                )
            elif isinstance(pattern, URLPattern):
                if namespace == "admin" and not pattern.name:
                    continue  # the admin's redirect of old change URLs
                assert pattern.name, f"every URL needs a name: {pattern.pattern}"
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


# With the public boards off, every request is made as the roles the switch decides for
# (visitors and accounts without a role) and as the viewer, the least of the roles; the
# other roles only where an entry expects the switch to change some role's answer. An
# account with a role reads published results whatever the switch says
# (``test_the_switch_decides_nothing_for_a_role``): making all of their requests again
# with the switch off had been 5/16 of the matrix's time.
SWITCH_ROLES = ("anonymous", "outsider", "viewer")


def off_roles(request: Request) -> tuple[str, ...]:
    """The roles a request of ``MATRIX`` is made as with the public boards off."""
    if any(isinstance(expected, tuple) for expected in request.expect.values()):
        return ROLES
    return SWITCH_ROLES


def matrix_parts() -> list[list[str]]:
    """``MATRIX``'s URL names in two parts of about as many requests each, in order."""
    names = list(MATRIX)
    total = sum(len(MATRIX[n]) for n in names)
    count = 0
    for i, name in enumerate(names):
        count += len(MATRIX[name])
        if count * 2 >= total:
            return [names[: i + 1], names[i + 1 :]]
    return [names, []]


class PermissionMatrixTests(BaseTestCase):
    approver_zhujian: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # 市住房城乡建设局's 审核人 (approval inside the department is off unless switched on).
        cls.approver_zhujian = user_create(
            username="shenhe-zhujian",
            password=PASSWORD,
            role=User.Role.PROVIDER,
            department=cls.provider.department,
        )
        cls.approver_zhujian.unit_approver = True
        cls.approver_zhujian.save(update_fields=["unit_approver"])

    def setUp(self) -> None:
        super().setUp()
        # role -> its session right after its login, and its login row
        self._logged_in: dict[str, tuple[Session, LoginSession]] = {}

    def as_role(self, role: str) -> None:
        """Act as ``role`` in a session of its own, as after a fresh login.

        The first time, the role logs in (``force_login``: the password and, for the
        office, the second factor); afterwards each request gets a new session (a new
        key) with the contents that login left, and its login row, instead of a logout
        and a login each time (which had been most of the matrix's time). No cookie
        survives from the request before, as after a logout.
        """
        users = {
            "anonymous": None,
            "outsider": self.outsider,
            "viewer": self.viewer,
            "reporter_shibei": self.reporter_shibei,
            "reporter_licang": self.reporter_licang,
            "provider": self.provider,
            "approver_zhujian": self.approver_zhujian,
            "office": self.office,
        }
        user = users[role]
        if user is None:
            self.client.cookies = SimpleCookie()
            return
        if role not in self._logged_in:
            self.login(user)
            key = self.client.cookies[settings.SESSION_COOKIE_NAME].value
            self._logged_in[role] = (
                Session.objects.get(session_key=key),
                LoginSession.objects.get(session_key=key),
            )
            return
        session, row = self._logged_in[role]
        key = get_random_string(32, VALID_KEY_CHARS)
        Session.objects.create(
            session_key=key, session_data=session.session_data, expire_date=session.expire_date
        )
        LoginSession.objects.create(
            user=row.user, session_key=key, address=row.address, user_agent=row.user_agent
        )
        self.client.cookies = SimpleCookie()
        self.client.cookies[settings.SESSION_COOKIE_NAME] = key

    def set_public_boards(self, public: bool) -> None:
        if public_boards_enabled() != public:
            self.public_boards(public)

    def test_every_url_has_an_entry(self) -> None:
        names = {n for n in url_names() if not n.startswith("admin:")}
        self.assertEqual(sorted(names - MATRIX.keys()), [], "URLs without an entry in MATRIX")
        self.assertEqual(sorted(MATRIX.keys() - names), [], "entries for URLs that do not exist")

    def check_matrix(self, public: bool, part: int) -> None:
        """Every request of one part of ``MATRIX`` (see :func:`matrix_parts`), as every
        role, with the public boards on; with them off, see :data:`SWITCH_ROLES`."""
        failures = []
        for name in matrix_parts()[part]:
            for request in MATRIX[name]:
                url = reverse(name, kwargs=request.kwargs) + (
                    f"?{request.query}" if request.query else ""
                )
                for role in ROLES if public else off_roles(request):
                    # Checked again each time: the office's own request may switch it.
                    self.set_public_boards(public)
                    self.as_role(role)
                    expected = request.expect[role]
                    if isinstance(expected, tuple):
                        expected = expected[0] if public else expected[1]
                    response = getattr(self.client, request.method)(url, request.data or {})
                    if response.status_code != expected:
                        failures.append(
                            f"{request.method.upper()} {url} as {role} (public {'on' if public else 'off'}): "
                            f"{response.status_code}, expected {expected}"
                        )
                    if role == "anonymous" and expected == 302 and request.expect["office"] != 302:
                        self.assertIn("/accounts/login/", response["Location"], url)
        self.assertEqual(failures, [], "\n" + "\n".join(failures))

    # One test per part (rather than one test of every request), so that the suite's
    # workers share the matrix between them.
    def test_every_url_answers_every_role_as_the_matrix_says_public_on_1(self) -> None:
        self.check_matrix(True, 0)

    def test_every_url_answers_every_role_as_the_matrix_says_public_on_2(self) -> None:
        self.check_matrix(True, 1)

    def test_every_url_answers_every_role_as_the_matrix_says_public_off_1(self) -> None:
        self.check_matrix(False, 0)

    def test_every_url_answers_every_role_as_the_matrix_says_public_off_2(self) -> None:
        self.check_matrix(False, 1)

    def test_the_switch_decides_nothing_for_a_role(self) -> None:
        """The premise of :data:`SWITCH_ROLES`: an account with a role reads published
        results whatever the switch says, without even reading it; the switch decides
        only for visitors and accounts without a role."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from leitai.web.accounts.selectors import user_can_read_published

        self.public_boards(False)
        for user in (
            self.viewer,
            self.reporter_shibei,
            self.reporter_licang,
            self.provider,
            self.approver_zhujian,
            self.office,
        ):
            with CaptureQueriesContext(connection) as queries:
                self.assertTrue(user_can_read_published(user), user)
            self.assertEqual(
                [q["sql"] for q in queries.captured_queries if "sitesettings" in q["sql"]],
                [],
                user,
            )
        for user in (AnonymousUser(), self.outsider):
            self.assertFalse(user_can_read_published(user), user)
        self.public_boards(True)
        for user in (AnonymousUser(), self.outsider):
            self.assertTrue(user_can_read_published(user), user)

    def test_the_parts_are_the_whole_matrix(self) -> None:
        parts = matrix_parts()
        self.assertEqual(len(parts), 2)
        self.assertEqual([n for part in parts for n in part], list(MATRIX))

    def test_every_admin_url_is_for_the_office_only(self) -> None:
        """The admin's URLs, one per registered model and action, with real objects."""
        self.public_boards(True)
        checked = 0
        failures = []
        unit_type = ContentType.objects.get_for_model(Unit)
        for model in admin.site._registry:
            pages, _first = admin_pages(model)
            for action, url in pages.items():
                office_ok = {200} if action == "changelist" else {200, 403}
                for role in ROLES:
                    self.as_role(role)
                    response = self.client.get(url)
                    ok = (
                        response.status_code in office_ok
                        if role == "office"
                        else (
                            response.status_code == 302 and "/admin/login/" in response["Location"]
                        )
                    )
                    if not ok:
                        failures.append(f"GET {url} as {role}: {response.status_code}")
                    checked += 1
        site_urls = [
            (reverse("admin:index"), 200),
            (reverse("admin:app_list", kwargs={"app_label": "assessments"}), 200),
            (reverse("admin:password_change"), 302),
            (reverse("admin:password_change_done"), 200),
            (reverse("admin:jsi18n"), 200),
            (reverse("admin:autocomplete"), 403),
            (reverse("admin:login"), 302),
        ]
        for url, office_status in site_urls:
            for role in ROLES:
                self.as_role(role)
                response = self.client.get(url)
                # The admin's login page leads everyone to the one login page.
                expected = office_status if role == "office" else 302
                if response.status_code != expected:
                    failures.append(
                        f"GET {url} as {role}: {response.status_code}, expected {expected}"
                    )
                checked += 1
        # The admin's "view on site" shortcut: none of leitai's models has a public page.
        shortcut = reverse("admin:view_on_site", args=[unit_type.pk, Unit.objects.first().pk])
        for role in ROLES:
            self.as_role(role)
            status = self.client.get(shortcut).status_code
            if status != (404 if role == "office" else 302):
                failures.append(f"GET {shortcut} as {role}: {status}")
        # Logging out of the admin is a POST, like every logout, and leads home.
        for role in ROLES:
            self.as_role(role)
            response = self.client.post(reverse("admin:logout"))
            if response.status_code != 302:
                failures.append(f"POST admin:logout as {role}: {response.status_code}")
        self.assertEqual(failures, [], "\n" + "\n".join(failures))
        admin_names = {n for n in url_names() if n.startswith("admin:")}
        self.assertGreater(checked, len(admin_names))
