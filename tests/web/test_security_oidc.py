"""Single sign-on against a local OpenID Connect provider started by the test: a stub
issuing real RS256-signed ID tokens with a key made here, with discovery and JWKS."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from http.server import BaseHTTPRequestHandler
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import override_settings
from django.urls import reverse

from leitai.web.accounts.models import User
from leitai.web.audit.models import Action, AuditEntry
from tests.web.base import BaseTestCase
from tests.web.sso_helpers import QuietHandler, StubServer, sent_back

CLIENT_ID = "leitai-test"
CLIENT_SECRET = "client-secret-of-the-test"


class StubProvider(StubServer):
    """An OIDC provider in a thread: discovery, authorize, token (PKCE) and JWKS."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, dict[str, Any]] = {}
        self.claims: dict[str, Any] = {}
        super().__init__()
        self.issuer = self.base

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": "test-key", "alg": "RS256", "use": "sig"}]}

    def id_token(self, grant: dict[str, Any]) -> str:
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            **grant["claims"],
        }
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": "test-key"})

    def handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(QuietHandler):
            content_type = "application/json"

            def answer(self, status: int, body: Any = None, location: str = "") -> None:  # type: ignore[override]
                super().answer(status, json.dumps(body or {}).encode(), location)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    base = provider.issuer
                    self.answer(
                        200,
                        {
                            "issuer": base,
                            "authorization_endpoint": f"{base}/authorize",
                            "token_endpoint": f"{base}/token",
                            "jwks_uri": f"{base}/jwks",
                            "id_token_signing_alg_values_supported": ["RS256"],
                        },
                    )
                elif url.path == "/jwks":
                    self.answer(200, provider.jwks())
                elif url.path == "/authorize" and query.get("client_id") == CLIENT_ID:
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = {
                        "nonce": query["nonce"],
                        "challenge": query.get("code_challenge"),
                        "redirect_uri": query["redirect_uri"],
                        "claims": dict(provider.claims),
                    }
                    back = urlencode({"code": code, "state": query["state"]})
                    self.answer(302, location=f"{query['redirect_uri']}?{back}")
                else:
                    self.answer(404)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                grant = provider.codes.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "")
                challenge = (
                    base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                    .decode()
                    .rstrip("=")
                )
                if (
                    self.path != "/token"
                    or grant is None
                    or form.get("client_secret") != CLIENT_SECRET
                    or grant["challenge"] != challenge
                    or grant["redirect_uri"] != form.get("redirect_uri")
                ):
                    self.answer(400, {"error": "invalid_grant"})
                    return
                self.answer(
                    200,
                    {
                        "access_token": secrets.token_urlsafe(16),
                        "token_type": "Bearer",
                        "id_token": provider.id_token(grant),
                    },
                )

        return Handler


class SingleSignOnTests(BaseTestCase):
    provider: ClassVar[StubProvider]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.provider = StubProvider().__enter__()
        cls._sso = override_settings(
            LEITAI_OIDC_ISSUER=cls.provider.issuer,
            OIDC_RP_CLIENT_ID=CLIENT_ID,
            OIDC_RP_CLIENT_SECRET=CLIENT_SECRET,
        )
        cls._sso.enable()

    @classmethod
    def tearDownClass(cls) -> None:
        cls._sso.disable()
        cls.provider.__exit__()
        super().tearDownClass()

    def sso_login(self, claims: dict[str, Any]):
        """Go through the code flow as a browser would; return the callback's answer."""
        self.provider.claims = claims
        start = self.client.get(reverse("accounts:oidc_login"))
        self.assertEqual(start.status_code, 302)
        self.assertTrue(start["Location"].startswith(self.provider.issuer + "/authorize?"))

        back = sent_back(start["Location"])
        return self.client.get(f"{back.path}?{back.query}")

    def test_a_deactivated_account_is_refused_and_the_refusal_recorded(self) -> None:
        claims = {"sub": "gov-000777", "preferred_username": "li.si", "leitai_role": "viewer"}
        self.sso_login(claims)
        self.client.logout()
        User.objects.filter(oidc_subject="gov-000777").update(is_active=False)
        response = self.sso_login(claims)
        self.assertIn("sso=failed", response["Location"])
        self.assertNotIn("_auth_user_id", self.client.session)
        failed = AuditEntry.objects.get(action=Action.ACCOUNT_LOGIN_FAILED)
        self.assertEqual(
            (failed.summary, failed.after["reason"], failed.after["method"]),
            ("li.si", "inactive", "sso"),
        )

    def test_the_login_page_offers_single_sign_on(self) -> None:
        self.assertContains(self.client.get(reverse("accounts:login")), "统一身份认证")

    def test_a_claim_of_a_reporter_of_one_unit_logs_in_as_that_reporter(self) -> None:
        response = self.sso_login(
            {
                "sub": "gov-000123",
                "preferred_username": "zhang.san",
                "name": "张三",
                "leitai_role": "reporter",
                "leitai_unit": "shibei",
            }
        )
        self.assertEqual(response.status_code, 302)
        self.assertNotIn("sso=failed", response["Location"])
        user = User.objects.get(oidc_subject="gov-000123")
        self.assertEqual(
            (user.username, user.role, user.unit.code), ("zhang.san", "reporter", "shibei")
        )
        self.assertFalse(user.has_usable_password())
        self.assertEqual(int(self.client.session["_auth_user_id"]), user.pk)
        entry = AuditEntry.objects.filter(action=Action.ACCOUNT_LOGIN, actor=user).get()
        self.assertEqual(entry.after["method"], "sso")
        # The reporter reaches the unit's own collection page, not another unit's.
        own = self.client.get(reverse("workflow:unit", args=["2023Q4", "shibei"]))
        self.assertEqual(own.status_code, 200)
        other = self.client.get(reverse("workflow:unit", args=["2023Q4", "licang"]))
        self.assertEqual(other.status_code, 403)

    def test_a_claim_mapping_to_no_role_is_refused(self) -> None:
        response = self.sso_login(
            {"sub": "gov-000999", "preferred_username": "li.si", "leitai_role": "guest"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertIn("sso=failed", response["Location"])
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertFalse(User.objects.filter(oidc_subject="gov-000999").exists())
        entry = AuditEntry.objects.get(action=Action.ACCOUNT_LOGIN_FAILED)
        self.assertEqual((entry.summary, entry.after["reason"]), ("li.si", "no role"))
        page = self.client.get(response["Location"])
        self.assertContains(page, "未给此账户分配")

    def test_a_token_signed_by_another_key_is_refused(self) -> None:
        real = self.provider.key
        self.provider.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwks = self.provider.jwks
        self.provider.jwks = lambda: {  # type: ignore[method-assign]
            "keys": [
                {
                    **json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(real.public_key())),
                    "kid": "test-key",
                    "alg": "RS256",
                }
            ]
        }
        try:
            response = self.sso_login({"sub": "gov-1", "leitai_role": "viewer"})
        finally:
            self.provider.key, self.provider.jwks = real, jwks  # type: ignore[method-assign]
        self.assertEqual(response.status_code, 400)
        self.assertFalse(User.objects.filter(oidc_subject="gov-1").exists())

    def test_local_accounts_still_log_in(self) -> None:
        from tests.web.base import PASSWORD

        response = self.client.post(
            reverse("accounts:login"), {"username": self.viewer.username, "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.viewer.pk)

    def test_a_provider_claim_gets_the_department_and_the_approver_flag(self) -> None:
        response = self.sso_login(
            {
                "sub": "gov-000456",
                "preferred_username": "wang.wu",
                "leitai_role": "provider",
                "leitai_department": "zhujian",
                "leitai_approver": True,
            }
        )
        self.assertNotIn("sso=failed", response["Location"])
        user = User.objects.get(oidc_subject="gov-000456")
        self.assertEqual(
            (user.role, user.department.code, user.unit, user.unit_approver),
            ("provider", "zhujian", None, True),
        )
        self.assertTrue(user.is_department_approver)

    def test_the_approver_flag_means_nothing_for_a_viewer(self) -> None:
        self.sso_login({"sub": "gov-000457", "leitai_role": "viewer", "leitai_approver": "true"})
        user = User.objects.get(oidc_subject="gov-000457")
        self.assertEqual((user.role, user.unit_approver), ("viewer", False))

    def test_a_provider_claim_without_a_known_department_is_refused(self) -> None:
        for sub, department in (("gov-000458", None), ("gov-000459", "no-such-bureau")):
            with self.subTest(department=department):
                claims = {"sub": sub, "preferred_username": sub, "leitai_role": "provider"}
                if department:
                    claims["leitai_department"] = department
                response = self.sso_login(claims)
                self.assertIn("sso=failed", response["Location"])
                self.assertNotIn("_auth_user_id", self.client.session)
                self.assertFalse(User.objects.filter(oidc_subject=sub).exists())
                entry = AuditEntry.objects.filter(
                    action=Action.ACCOUNT_LOGIN_FAILED, summary=sub
                ).get()
                self.assertEqual(
                    (entry.after["reason"], entry.after["method"]), ("no department", "sso")
                )

    def test_a_reporter_losing_the_unit_claim_is_refused_and_keeps_the_old_terms(self) -> None:
        claims = {"sub": "gov-000460", "leitai_role": "reporter", "leitai_unit": "shibei"}
        self.sso_login(claims)
        self.client.logout()
        response = self.sso_login({**claims, "leitai_unit": ["shibei", "licang"]})
        self.assertIn("sso=failed", response["Location"])
        user = User.objects.get(oidc_subject="gov-000460")
        self.assertEqual((user.role, user.unit.code), ("reporter", "shibei"))
