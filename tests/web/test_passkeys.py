"""Passkeys and security keys as the second factor (issue 18; leitai.web.accounts.passkeys
and passkey_views): registration and login through leitai's endpoints with a software
authenticator (an EC P-256 key made here that builds the attestation and signs the
assertion as a real key does), the gate of the account rules, removal and the office's
reset, every change in the audit log."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp_webauthn.models import WebAuthnCredential

from leitai.web.accounts.models import User
from leitai.web.accounts.services import user_create
from leitai.web.audit.models import Action, AuditEntry
from tests.web.base import PASSWORD, BaseTestCase

ORIGIN = "http://testserver"
RP_ID = "testserver"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftKey:
    """A software authenticator: what a security key answers to create() and get()."""

    def __init__(self, rp_id: str = RP_ID) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(16)
        self.rp_id = rp_id
        self.count = 0

    def _cose(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32)}
        )

    def _client_data(self, kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}
        ).encode()

    def create(self, options: dict[str, Any], origin: str = ORIGIN) -> dict[str, Any]:
        client_data = self._client_data("webauthn.create", options["challenge"], origin)
        auth_data = (
            hashlib.sha256(self.rp_id.encode()).digest()
            + bytes([0x45])  # user present, user verified, attested credential data
            + self.count.to_bytes(4, "big")
            + bytes(16)  # AAGUID
            + len(self.credential_id).to_bytes(2, "big")
            + self.credential_id
            + self._cose()
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": b64(self.credential_id),
            "rawId": b64(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(client_data),
                "attestationObject": b64(attestation),
                "transports": ["usb"],
            },
            "clientExtensionResults": {},
        }

    def get(
        self, options: dict[str, Any], origin: str = ORIGIN, *, forge: bool = False
    ) -> dict[str, Any]:
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        self.count += 1
        auth_data = (
            hashlib.sha256(self.rp_id.encode()).digest()
            + bytes([0x05])  # user present, user verified
            + self.count.to_bytes(4, "big")
        )
        signed = auth_data + hashlib.sha256(client_data).digest()
        signer = ec.generate_private_key(ec.SECP256R1()) if forge else self.key
        signature = signer.sign(signed, ec.ECDSA(hashes.SHA256()))
        return {
            "id": b64(self.credential_id),
            "rawId": b64(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(client_data),
                "authenticatorData": b64(auth_data),
                "signature": b64(signature),
                "userHandle": None,
            },
            "clientExtensionResults": {},
        }


class PasskeyTests(BaseTestCase):
    def password_login(self, user: User) -> None:
        self.client.logout()
        response = self.client.post(
            reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 302)

    def post_json(self, name: str, data: dict[str, Any], query: str = "") -> Any:
        return self.client.post(
            reverse(f"accounts:{name}") + query, json.dumps(data), content_type="application/json"
        )

    def fresh_office(self) -> User:
        return user_create(username="office2", password=PASSWORD, role=User.Role.OFFICE)

    def register(self, key: SoftKey, name: str = "蓝色 U 盾") -> Any:
        begin = self.post_json("passkey_register_begin", {"name": name})
        self.assertEqual(begin.status_code, 200, begin.content)
        options = begin.json()
        self.assertEqual(options["rp"]["id"], RP_ID)
        return self.post_json("passkey_register_complete", key.create(options))

    def verify(self, key: SoftKey, query: str = "", **how: Any) -> Any:
        begin = self.post_json("passkey_verify_begin", {})
        self.assertEqual(begin.status_code, 200, begin.content)
        options = begin.json()
        return self.post_json("passkey_verify_complete", key.get(options, **how), query)

    def enrolled(self) -> tuple[User, SoftKey]:
        """An office account whose first factor is a passkey, logged out again."""
        office = self.fresh_office()
        key = SoftKey()
        self.password_login(office)
        self.assertEqual(self.register(key).status_code, 200)
        return office, key

    def test_a_new_office_enrols_a_passkey_as_its_second_factor(self) -> None:
        office = self.fresh_office()
        self.password_login(office)
        self.assertEqual(self.client.get("/admin/").status_code, 302)
        # The passkeys page is open to a person who still owes a factor and has none.
        self.assertEqual(self.client.get(reverse("accounts:passkeys")).status_code, 200)
        complete = self.register(SoftKey(), name="  办公室 电脑  ")
        self.assertEqual(complete.status_code, 200, complete.content)
        device = WebAuthnCredential.objects.get(user=office)
        self.assertEqual(device.name, "办公室 电脑")
        # The registration verified this session: the office pages open.
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        office.refresh_from_db()
        self.assertTrue(office.second_factor_required)
        entry = AuditEntry.objects.get(action=Action.ACCOUNT_FACTOR_ENROLLED, object_id=office.pk)
        self.assertEqual((entry.after["factor"], entry.after["name"]), ("passkey", "办公室 电脑"))
        self.assertEqual(entry.actor, office)
        # The first factor comes with ten recovery codes, shown once, each working once.
        page = self.client.get(reverse("accounts:passkeys"))
        self.assertContains(page, "办公室 电脑")
        codes = page.context["codes"]
        self.assertEqual(len(codes), 10)
        for code in codes:
            self.assertContains(page, f"<code>{code}</code>")
        again = self.client.get(reverse("accounts:passkeys"))
        self.assertIsNone(again.context["codes"])
        self.assertNotContains(again, codes[0])
        self.password_login(office)
        self.client.post(reverse("accounts:otp_verify"), {"code": codes[0]})
        self.assertEqual(self.client.get("/admin/").status_code, 200)

    def test_a_passkey_replaces_the_code_after_the_password(self) -> None:
        office, key = self.enrolled()
        self.password_login(office)
        response = self.client.get("/admin/")
        self.assertTrue(response["Location"].startswith(reverse("accounts:otp_verify")))
        page = self.client.get(reverse("accounts:otp_verify"))
        self.assertContains(page, 'id="passkey-verify"')
        self.assertContains(page, 'name="code"')  # its recovery codes
        self.assertContains(page, "或者输入一个恢复码。")
        done = self.verify(key)
        self.assertEqual(done.status_code, 200, done.content)
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        entry = AuditEntry.objects.filter(action=Action.ACCOUNT_LOGIN, object_id=office.pk)
        self.assertEqual(entry.latest("pk").after["method"], "passkey")
        device = WebAuthnCredential.objects.get(user=office)
        self.assertEqual(device.sign_count, 1)
        self.assertIsNotNone(device.last_used_at)
        logins = self.client.get(reverse("accounts:my_logins"))
        self.assertContains(logins, "通行密钥")

    def test_a_forged_signature_another_origin_or_a_replay_is_refused(self) -> None:
        office, key = self.enrolled()
        self.password_login(office)
        self.assertEqual(self.verify(key, forge=True).status_code, 422)
        self.assertEqual(self.verify(key, origin="http://evil.example").status_code, 422)
        # One challenge, one answer: the same answer a second time finds no challenge.
        begin = self.post_json("passkey_verify_begin", {}).json()
        answer = key.get(begin)
        self.assertEqual(self.post_json("passkey_verify_complete", answer).status_code, 200)
        self.password_login(office)
        self.assertEqual(self.post_json("passkey_verify_complete", answer).status_code, 400)
        self.assertEqual(self.client.get("/admin/").status_code, 302)
        failures = AuditEntry.objects.filter(
            action=Action.ACCOUNT_LOGIN_FAILED, object_id=office.pk
        )
        self.assertEqual(failures.count(), 3)
        self.assertEqual(failures.first().after["reason"], "second factor")

    def test_another_persons_key_does_not_verify(self) -> None:
        _, key = self.enrolled()
        self.password_login(self.office)  # has an app; tries the other office's key
        self.assertEqual(self.verify(key).status_code, 403)
        self.assertEqual(self.client.get("/admin/").status_code, 302)

    def test_no_passkey_without_the_password_and_none_without_a_name(self) -> None:
        self.client.logout()
        self.assertEqual(self.post_json("passkey_verify_begin", {}).status_code, 403)
        self.assertEqual(self.post_json("passkey_register_begin", {"name": "x"}).status_code, 403)
        self.password_login(self.fresh_office())
        response = self.post_json("passkey_register_begin", {"name": "   "})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["detail"], "请给通行密钥起个名字。")

    def test_a_person_with_a_factor_adds_a_passkey_only_after_using_it(self) -> None:
        office, key = self.enrolled()
        self.password_login(office)
        response = self.post_json("passkey_register_begin", {"name": "second"})
        self.assertEqual(response.status_code, 403)
        page = self.client.get(reverse("accounts:passkeys"))
        self.assertTrue(page["Location"].startswith(reverse("accounts:otp_verify")))
        self.verify(key)
        before = set(StaticToken.objects.filter(device__user=office).values_list("token"))
        self.assertEqual(self.register(SoftKey(), name="second").status_code, 200)
        self.assertEqual(WebAuthnCredential.objects.filter(user=office).count(), 2)
        # A second passkey leaves the recovery codes as they were (none shown).
        after = set(StaticToken.objects.filter(device__user=office).values_list("token"))
        self.assertEqual((len(before), after), (10, before))
        self.assertIsNone(self.client.get(reverse("accounts:passkeys")).context["codes"])

    def test_a_person_removes_their_own_passkey_audited_not_anothers(self) -> None:
        office, key = self.enrolled()
        theirs = WebAuthnCredential.objects.get(user=office)
        self.password_login(office)
        self.verify(key)
        mine = SoftKey()
        self.register(mine, name="spare")
        spare = WebAuthnCredential.objects.get(user=office, name="spare")
        self.client.logout()
        self.client.force_login(self.office)
        response = self.client.post(reverse("accounts:passkey_remove", args=[theirs.pk]))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(WebAuthnCredential.objects.filter(pk=theirs.pk).exists())
        self.password_login(office)
        self.verify(key)
        self.client.post(reverse("accounts:passkey_remove", args=[spare.pk]))
        self.assertFalse(WebAuthnCredential.objects.filter(pk=spare.pk).exists())
        entry = AuditEntry.objects.get(action=Action.ACCOUNT_FACTOR_REMOVED)
        self.assertEqual((entry.actor, entry.object_id), (office, str(office.pk)))
        self.assertEqual(entry.after["name"], "spare")

    def test_the_last_factor_stays_and_the_session_outlives_its_passkey(self) -> None:
        office, key = self.enrolled()
        first = WebAuthnCredential.objects.get(user=office)
        self.password_login(office)
        self.verify(key)
        self.register(SoftKey(), name="spare")
        spare = WebAuthnCredential.objects.get(user=office, name="spare")
        # The passkey that verified this session goes; the session stays verified.
        self.client.post(reverse("accounts:passkey_remove", args=[first.pk]))
        self.assertFalse(WebAuthnCredential.objects.filter(pk=first.pk).exists())
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        # The last one (recovery codes are no factor) stays: the office must have one.
        response = self.client.post(reverse("accounts:passkey_remove", args=[spare.pk]))
        self.assertRedirects(response, reverse("accounts:passkeys"), fetch_redirect_response=False)
        self.assertTrue(WebAuthnCredential.objects.filter(pk=spare.pk).exists())
        page = self.client.get(reverse("accounts:passkeys"))
        self.assertContains(page, "这是您仅有的双因素认证方式")
        removed = AuditEntry.objects.filter(action=Action.ACCOUNT_FACTOR_REMOVED)
        self.assertEqual([e.after["name"] for e in removed], ["蓝色 U 盾"])

    def test_the_office_reset_removes_passkeys_too_audited(self) -> None:
        office, _ = self.enrolled()
        self.client.logout()
        self.client.force_login(self.office)
        response = self.client.post(
            reverse("accounts:security"), {"form": "reset", "account": office.pk}
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(WebAuthnCredential.objects.filter(user=office).exists())
        entry = AuditEntry.objects.get(action=Action.ACCOUNT_FACTOR_RESET)
        self.assertEqual((entry.actor, entry.object_id), (self.office, str(office.pk)))
        self.assertEqual(entry.after["passkeys_removed"], ["蓝色 U 盾"])
        # With no factor left, the next login leads to setting one up again.
        self.password_login(office)
        response = self.client.get("/admin/")
        self.assertTrue(response["Location"].startswith(reverse("accounts:otp_enrol")))

    def test_a_trusted_browser_opens_a_passkey_only_account(self) -> None:
        from leitai.web.accounts.services import site_settings_update

        site_settings_update(trusted_device_days=7, user=self.office)
        office, key = self.enrolled()
        self.password_login(office)
        self.assertEqual(self.verify(key, query="?trust=1").status_code, 200)
        trusted = self.client.cookies["leitai_trusted"].value
        self.password_login(office)
        self.client.cookies["leitai_trusted"] = trusted
        self.assertEqual(self.client.get("/admin/").status_code, 200)

    def test_a_configured_domain_and_origins_replace_the_requests_own(self) -> None:
        from django.test import override_settings

        self.password_login(self.fresh_office())
        site = "https://kaohe.example.gov.cn"
        with override_settings(
            LEITAI_WEBAUTHN_RP_ID="kaohe.example.gov.cn", OTP_WEBAUTHN_ALLOWED_ORIGINS=[site]
        ):
            key = SoftKey(rp_id="kaohe.example.gov.cn")
            options = self.post_json("passkey_register_begin", {"name": "k"}).json()
            self.assertEqual(options["rp"]["id"], "kaohe.example.gov.cn")
            # The request's own origin is no longer accepted, the configured one is.
            answer = self.post_json("passkey_register_complete", key.create(options))
            self.assertEqual(answer.status_code, 422)
            options = self.post_json("passkey_register_begin", {"name": "k"}).json()
            answer = self.post_json("passkey_register_complete", key.create(options, site))
            self.assertEqual(answer.status_code, 200, answer.content)

    def test_a_malformed_answer_is_refused_not_an_error(self) -> None:
        office, _ = self.enrolled()
        self.password_login(office)
        self.post_json("passkey_verify_begin", {})
        answer = self.post_json("passkey_verify_complete", {"id": "x", "response": {}})
        self.assertEqual(answer.status_code, 422)
        self.assertEqual(self.client.get("/admin/").status_code, 302)
