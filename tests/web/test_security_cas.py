"""Single sign-on against a local CAS server started by the test: a stub that issues
service tickets at /login and answers /p3/serviceValidate (CAS 3) and /serviceValidate
(CAS 2) with the XML of the protocol, attributes included."""

from __future__ import annotations

import secrets
import time
from http.server import BaseHTTPRequestHandler
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode, urlsplit
from xml.sax.saxutils import escape

from django.test import Client, override_settings
from django.urls import reverse

from leitai.web.accounts.models import LoginSession, User
from leitai.web.audit.models import Action, AuditEntry
from tests.web.base import BaseTestCase
from tests.web.sso_helpers import QuietHandler, StubServer, sent_back


def _success(user: str, attributes: dict[str, Any]) -> str:
    values = []
    for name, value in attributes.items():
        for item in value if isinstance(value, list) else [value]:
            values.append(f"<cas:{name}>{escape(item)}</cas:{name}>")
    return (
        '<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">'
        f"<cas:authenticationSuccess><cas:user>{escape(user)}</cas:user>"
        f"<cas:attributes>{''.join(values)}</cas:attributes>"
        "</cas:authenticationSuccess></cas:serviceResponse>"
    )


def _failure(ticket: str) -> str:
    return (
        '<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">'
        '<cas:authenticationFailure code="INVALID_TICKET">'
        f"Ticket {escape(ticket)} not recognized</cas:authenticationFailure>"
        "</cas:serviceResponse>"
    )


class StubCASServer(StubServer):
    """A CAS server in a thread: /cas/login issues a ticket for the service it is given,
    the validation addresses accept each ticket once and for that service only."""

    def __init__(self) -> None:
        self.tickets: dict[str, tuple[str, str, dict[str, Any]]] = {}
        self.user = ""
        self.attributes: dict[str, Any] = {}
        self.validated: list[str] = []  # the paths validation came to
        self.delay = 0.0  # seconds the validation answer waits
        super().__init__()
        self.url = f"{self.base}/cas"

    def handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(QuietHandler):
            content_type = "application/xml; charset=utf-8"

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                service = query.get("service", "")
                if url.path == "/cas/login" and service:
                    ticket = f"ST-{secrets.token_urlsafe(16)}"
                    stub.tickets[ticket] = (service, stub.user, dict(stub.attributes))
                    joiner = "&" if "?" in service else "?"
                    self.answer(302, location=f"{service}{joiner}{urlencode({'ticket': ticket})}")
                elif url.path in ("/cas/p3/serviceValidate", "/cas/serviceValidate"):
                    stub.validated.append(url.path)
                    time.sleep(stub.delay)
                    ticket = query.get("ticket", "")
                    issued = stub.tickets.pop(ticket, None)
                    if issued is None or issued[0] != service:
                        self.answer(200, _failure(ticket).encode())
                    else:
                        self.answer(200, _success(issued[1], issued[2]).encode())
                else:
                    self.answer(404)

        return Handler


class CASLoginTests(BaseTestCase):
    cas: ClassVar[StubCASServer]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.cas = StubCASServer().__enter__()
        cls._cas = override_settings(CAS_SERVER_URL=cls.cas.url + "/", CAS_VERSION="3")
        cls._cas.enable()

    @classmethod
    def tearDownClass(cls) -> None:
        cls._cas.disable()
        cls.cas.__exit__()
        super().tearDownClass()

    def setUp(self) -> None:
        super().setUp()
        self.cas.validated.clear()
        self.cas.delay = 0.0

    def cas_login(self, user: str, attributes: dict[str, Any], start: str = "") -> Any:
        """Through the CAS server as a browser would; return leitai's answer to the ticket."""
        self.cas.user, self.cas.attributes = user, attributes
        begin = self.client.get(start or reverse("accounts:cas_login"))
        self.assertEqual(begin.status_code, 302)
        self.assertTrue(begin["Location"].startswith(self.cas.url + "/login?service="))
        back = sent_back(begin["Location"])
        self.assertEqual(back.netloc, "testserver")
        return self.client.get(f"{back.path}?{back.query}")

    def test_the_login_page_offers_cas_only_when_configured(self) -> None:
        page = self.client.get(reverse("accounts:login"))
        self.assertContains(page, reverse("accounts:cas_login"))
        self.assertContains(page, ">通过统一身份认证（CAS）登录</a>")
        with override_settings(CAS_SERVER_URL=None):
            page = self.client.get(reverse("accounts:login"))
            self.assertNotContains(page, reverse("accounts:cas_login"))
            self.assertEqual(self.client.get(reverse("accounts:cas_login")).status_code, 404)

    def test_with_both_platforms_each_button_says_which_platform_it_is(self) -> None:
        """OIDC and CAS side by side: two buttons that people can tell apart, by the names
        the installation gives the platforms, else by the kind of platform."""
        with override_settings(LEITAI_OIDC_ISSUER="https://idp.example"):
            page = self.client.get(reverse("accounts:login"))
            self.assertContains(page, ">通过统一身份认证平台登录</a>")
            self.assertContains(page, ">通过统一身份认证（CAS）登录</a>")
            with override_settings(LEITAI_OIDC_LABEL="山东通", LEITAI_CAS_LABEL="爱山东<b>"):
                page = self.client.get(reverse("accounts:login"))
        self.assertContains(page, ">通过山东通登录</a>")
        self.assertContains(page, ">通过爱山东&lt;b&gt;登录</a>")  # a setting is text, escaped
        self.assertNotContains(page, "统一身份认证")

    def test_attributes_of_a_reporter_of_one_unit_log_in_as_that_reporter(self) -> None:
        response = self.cas_login(
            "zhang.san",
            {"leitai_role": "reporter", "leitai_unit": "shibei", "name": "张三"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], "/")
        self.assertEqual(self.cas.validated, ["/cas/p3/serviceValidate"])
        user = User.objects.get(oidc_subject="cas:zhang.san")
        self.assertEqual(
            (user.username, user.role, user.unit.code, user.department, user.unit_approver),
            ("zhang.san", "reporter", "shibei", None, False),
        )
        self.assertEqual(user.first_name, "张三")
        self.assertFalse(user.has_usable_password())
        self.assertEqual(int(self.client.session["_auth_user_id"]), user.pk)
        self.assertTrue(LoginSession.objects.filter(user=user).exists())
        entry = AuditEntry.objects.filter(action=Action.ACCOUNT_LOGIN, actor=user).get()
        self.assertEqual(entry.after["method"], "cas")
        # The person's own login record names the way in.
        self.assertContains(self.client.get(reverse("accounts:my_logins")), "统一身份认证（CAS）")

    def test_attributes_mapping_to_no_role_are_refused(self) -> None:
        response = self.cas_login("li.si", {"leitai_role": "guest", "leitai_unit": "shibei"})
        self.assertEqual(response.status_code, 302)
        self.assertIn("sso=failed", response["Location"])
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertFalse(User.objects.filter(oidc_subject="cas:li.si").exists())
        entry = AuditEntry.objects.get(action=Action.ACCOUNT_LOGIN_FAILED)
        self.assertEqual(
            (entry.summary, entry.after["reason"], entry.after["method"]),
            ("li.si", "no role", "cas"),
        )
        self.assertContains(self.client.get(response["Location"]), "未给此账户分配")

    def test_a_provider_gets_the_department_and_the_approver_flag(self) -> None:
        response = self.cas_login(
            "wang.wu",
            # A role attribute with several values: the first one mapped counts.
            {
                "leitai_role": ["staff", "provider"],
                "leitai_department": "zhujian",
                "leitai_approver": "true",
            },
        )
        self.assertEqual(response.status_code, 302)
        self.assertNotIn("sso=failed", response["Location"])
        user = User.objects.get(oidc_subject="cas:wang.wu")
        self.assertEqual(
            (user.role, user.department.code, user.unit, user.unit_approver),
            ("provider", "zhujian", None, True),
        )
        self.assertTrue(user.is_department_approver)

    def test_a_provider_without_a_known_department_is_refused(self) -> None:
        response = self.cas_login(
            "zhao.liu", {"leitai_role": "provider", "leitai_department": "no-such-bureau"}
        )
        self.assertIn("sso=failed", response["Location"])
        self.assertFalse(User.objects.filter(oidc_subject="cas:zhao.liu").exists())
        entry = AuditEntry.objects.get(action=Action.ACCOUNT_LOGIN_FAILED)
        self.assertEqual(entry.after["reason"], "no department")

    def test_role_and_unit_follow_the_server_at_every_login(self) -> None:
        self.cas_login("zhang.san", {"leitai_role": "reporter", "leitai_unit": "shibei"})
        self.client.logout()
        self.cas_login("zhang.san", {"leitai_role": "viewer"})
        user = User.objects.get(oidc_subject="cas:zhang.san")
        self.assertEqual((user.role, user.unit), ("viewer", None))
        self.assertEqual(User.objects.filter(oidc_subject="cas:zhang.san").count(), 1)

    def test_a_cas_name_taken_by_a_local_account_gets_an_account_of_its_own(self) -> None:
        self.cas_login("lingdao", {"leitai_role": "reporter", "leitai_unit": "licang"})
        user = User.objects.get(oidc_subject="cas:lingdao")
        self.assertEqual(user.username, "lingdao-2")
        self.assertNotEqual(user.pk, self.viewer.pk)
        self.assertEqual(User.objects.get(pk=self.viewer.pk).role, "viewer")

    def test_a_deactivated_account_is_refused(self) -> None:
        self.cas_login("zhang.san", {"leitai_role": "viewer"})
        self.client.logout()
        User.objects.filter(oidc_subject="cas:zhang.san").update(is_active=False)
        response = self.cas_login("zhang.san", {"leitai_role": "viewer"})
        self.assertIn("sso=failed", response["Location"])
        self.assertNotIn("_auth_user_id", self.client.session)
        failed = AuditEntry.objects.get(action=Action.ACCOUNT_LOGIN_FAILED)
        self.assertEqual(failed.after["reason"], "inactive")

    def test_a_ticket_the_server_does_not_vouch_for_is_refused(self) -> None:
        url = f"{reverse('accounts:cas_login')}?{urlencode({'next': '/', 'ticket': 'ST-forged'})}"
        response = self.client.get(url)
        self.assertEqual(response.status_code, 403)
        self.assertNotIn("_auth_user_id", self.client.session)
        entry = AuditEntry.objects.get(action=Action.ACCOUNT_LOGIN_FAILED)
        self.assertEqual(
            (entry.after["reason"], entry.after["method"]), ("ticket not valid", "cas")
        )

    def test_a_ticket_is_good_once(self) -> None:
        self.cas.user, self.cas.attributes = "zhang.san", {"leitai_role": "viewer"}
        begin = self.client.get(reverse("accounts:cas_login"))
        query = parse_qs(urlsplit(begin["Location"]).query)
        service = query["service"][0]
        back = sent_back(begin["Location"])
        self.assertTrue(service.startswith("http://testserver/accounts/cas/login/"))
        first = self.client.get(f"{back.path}?{back.query}")
        self.assertEqual(first.status_code, 302)
        other = Client()
        self.assertEqual(other.get(f"{back.path}?{back.query}").status_code, 403)
        self.assertNotIn("_auth_user_id", other.session)

    def test_next_is_kept_and_must_be_local(self) -> None:
        start = f"{reverse('accounts:cas_login')}?next=/accounts/logins/"
        response = self.cas_login("zhang.san", {"leitai_role": "viewer"}, start=start)
        self.assertEqual(response["Location"], "/accounts/logins/")
        self.client.logout()
        for target in ("https://evil.example/", "//evil.example/", "/\\evil.example/"):
            with self.subTest(target=target):
                answer = self.client.get(reverse("accounts:cas_login"), {"next": target})
                self.assertEqual(answer.status_code, 403)

    @override_settings(CAS_VERSION="2")
    def test_cas_2_validates_at_service_validate_with_attributes(self) -> None:
        response = self.cas_login("zhang.san", {"leitai_role": "reporter", "leitai_unit": "licang"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.cas.validated, ["/cas/serviceValidate"])
        user = User.objects.get(oidc_subject="cas:zhang.san")
        self.assertEqual((user.role, user.unit.code), ("reporter", "licang"))

    def test_an_office_account_from_cas_still_owes_its_second_factor(self) -> None:
        self.cas_login("kaohe.sso", {"leitai_role": "office"})
        user = User.objects.get(oidc_subject="cas:kaohe.sso")
        self.assertTrue(user.is_office)
        response = self.client.get(reverse("accounts:security"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:otp_enrol"), response["Location"])

    def test_the_servers_single_logout_ends_the_session(self) -> None:
        self.cas.user, self.cas.attributes = "zhang.san", {"leitai_role": "viewer"}
        begin = self.client.get(reverse("accounts:cas_login"))
        back = sent_back(begin["Location"])
        ticket = parse_qs(back.query)["ticket"][0]
        self.client.get(f"{back.path}?{back.query}")
        user = User.objects.get(oidc_subject="cas:zhang.san")
        self.assertEqual(self.client.get(reverse("accounts:my_logins")).status_code, 200)
        self.assertEqual(LoginSession.objects.filter(user=user).count(), 1)

        logout = (
            '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
            'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="LR-1" Version="2.0" '
            'IssueInstant="2026-12-03T08:00:00Z"><saml:NameID>@NOT_USED@</saml:NameID>'
            f"<samlp:SessionIndex>{ticket}</samlp:SessionIndex></samlp:LogoutRequest>"
        )
        server = Client(enforce_csrf_checks=True)  # the CAS server has no session here
        url = reverse("accounts:cas_login")
        self.assertEqual(server.post(url, {"logoutRequest": "not xml <"}).status_code, 400)
        self.assertEqual(server.post(url, {"logoutRequest": logout}).status_code, 204)
        page = self.client.get(reverse("accounts:my_logins"))
        self.assertEqual(page.status_code, 302)
        self.assertIn(reverse("accounts:login"), page["Location"])
        self.assertFalse(LoginSession.objects.filter(user=user).exists())
        ended = AuditEntry.objects.get(action=Action.ACCOUNT_LOGGED_OUT, actor=user)
        self.assertEqual(ended.after["reason"], "single logout")

    @override_settings(LEITAI_CAS_TIMEOUT=0.5)
    def test_a_server_that_does_not_answer_in_time_is_not_waited_for(self) -> None:
        self.cas.delay = 3.0
        started = time.monotonic()
        response = self.cas_login("zhang.san", {"leitai_role": "viewer"})
        waited = time.monotonic() - started
        self.assertEqual(response.status_code, 403)
        self.assertLess(waited, 2.5)
        self.assertNotIn("_auth_user_id", self.client.session)
        entry = AuditEntry.objects.get(action=Action.ACCOUNT_LOGIN_FAILED)
        self.assertEqual(entry.after["reason"], "ticket not valid")
