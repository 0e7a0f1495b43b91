"""Accounts fit for a government network (issue 18): the second factor, the password and
session rules, and the login record, with the rules on as production has them."""

from __future__ import annotations

import itertools
import time
from datetime import timedelta

import pyotp
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from leitai.web.accounts.models import User
from leitai.web.accounts.security import LOGIN_ACTIONS, LOGIN_AT, SEEN_AT
from leitai.web.accounts.selectors import site_settings_get
from leitai.web.accounts.services import site_settings_update, user_create
from leitai.web.audit.models import Action, AuditEntry
from tests.web.base import PASSWORD, BaseTestCase

NEW = "Another-Secret-42"


def totp_now(device: TOTPDevice) -> str:
    return pyotp.TOTP(_b32(device)).now()


def _b32(device: TOTPDevice) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode("ascii")


class SecondFactorTests(BaseTestCase):
    def password_login(self, user: User, password: str = PASSWORD, **extra: str):
        self.client.logout()
        return self.client.post(
            reverse("accounts:login"), {"username": user.username, "password": password}, **extra
        )

    def fresh_office(self) -> User:
        return user_create(username="office2", password=PASSWORD, role=User.Role.OFFICE)

    def test_an_office_without_a_second_factor_reaches_no_admin_and_no_office_action(self) -> None:
        office = self.fresh_office()
        self.assertEqual(self.password_login(office).status_code, 302)
        # Every office page and the admin lead to the enrolment, never to the page.
        for url in ("/admin/", reverse("accounts:settings"), reverse("accounts:security")):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertTrue(response["Location"].startswith(reverse("accounts:otp_enrol")), url)
        # Office actions (switching the public boards, returning a submission) are
        # refused: each leads to the enrolment and nothing changes.
        public = site_settings_get().public_boards
        actions = [
            (reverse("accounts:settings"), {} if public else {"public_boards": "on"}),
            (
                reverse("workflow:unit_return", args=["2023Q4", "licang"]),
                {"reason": "请补充佐证材料"},
            ),
        ]
        for url, data in actions:
            response = self.client.post(url, data)
            self.assertEqual(response.status_code, 302, url)
            self.assertTrue(response["Location"].startswith(reverse("accounts:otp_enrol")), url)
        self.assertEqual(site_settings_get().public_boards, public)
        self.assertFalse(
            AuditEntry.objects.filter(actor=office).exclude(action__in=LOGIN_ACTIONS).exists()
        )
        # The same requests from the office that entered its code do both (the control).
        self.client.logout()
        self.client.force_login(self.office)
        for url, data in actions:
            self.assertEqual(self.client.post(url, data).status_code, 302, url)
        self.assertEqual(site_settings_get().public_boards, not public)
        done = set(AuditEntry.objects.filter(actor=self.office).values_list("action", flat=True))
        self.assertLessEqual({Action.SETTINGS_CHANGED, Action.SUBMISSION_RETURNED}, done)

    def test_the_one_office_check_refuses_an_unverified_office(self) -> None:
        from leitai.web.accounts.selectors import user_is_office

        office = self.fresh_office()
        self.password_login(office)
        # The enrolment page is open to the person; there the request is no office.
        response = self.client.get(reverse("accounts:otp_enrol"))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.context["is_office"])
        self.assertNotContains(response, reverse("admin:index"))
        office.second_factor_missing = True
        self.assertFalse(user_is_office(office))
        # The admin asks the same check, whatever reaches it.
        from django.contrib import admin
        from django.test import RequestFactory

        request = RequestFactory().get("/admin/")
        request.user = office
        self.assertFalse(admin.site.has_permission(request))
        del office.second_factor_missing
        self.assertTrue(admin.site.has_permission(request))

    def test_totp_enrolment_then_login_with_a_code(self) -> None:
        office = self.fresh_office()
        self.password_login(office)
        page = self.client.get(reverse("accounts:otp_enrol"))
        self.assertContains(page, "<svg")  # the QR code, drawn inline
        device = TOTPDevice.objects.get(user=office, confirmed=False)
        wrong = self.client.post(reverse("accounts:otp_enrol"), {"code": "000000"})
        self.assertContains(wrong, "验证码错误或已过期，请输入当前显示的验证码。")
        device.refresh_from_db()
        self.assertFalse(device.confirmed)
        time.sleep(1.1)  # django-otp throttles a device for a second after a wrong code
        done = self.client.post(reverse("accounts:otp_enrol"), {"code": totp_now(device)})
        self.assertEqual(done.status_code, 200)
        codes = done.context["codes"]
        self.assertEqual(len(codes), 10)
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        self.assertTrue(
            AuditEntry.objects.filter(action=Action.ACCOUNT_FACTOR_ENROLLED, actor=office).exists()
        )
        # Log out, log in again: the password alone leads to the code.
        self.password_login(office)
        response = self.client.get("/admin/")
        self.assertTrue(response["Location"].startswith(reverse("accounts:otp_verify")))
        device.refresh_from_db()
        device.last_t = -1  # the code of this time step was used at the enrolment
        device.save()
        response = self.client.post(
            reverse("accounts:otp_verify"), {"code": totp_now(device), "next": "/admin/"}
        )
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/admin/").status_code, 200)

    def test_a_recovery_code_works_once(self) -> None:
        from leitai.web.accounts.twofactor import recovery_codes_left, recovery_codes_renew

        codes = recovery_codes_renew(self.office)
        for attempt in (1, 2):
            self.password_login(self.office)
            response = self.client.post(reverse("accounts:otp_verify"), {"code": codes[0]})
            if attempt == 1:
                self.assertEqual(response.status_code, 302)
                self.assertEqual(self.client.get(reverse("accounts:security")).status_code, 200)
            else:
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "验证码错误或已过期。")
                self.assertEqual(self.client.get(reverse("accounts:security")).status_code, 302)
        self.assertEqual(recovery_codes_left(self.office), len(codes) - 1)
        entries = AuditEntry.objects.filter(object_id=str(self.office.pk)).order_by("pk")
        self.assertEqual(
            [(e.action, e.after.get("method") or e.after.get("reason")) for e in entries][-4:],
            [
                (Action.ACCOUNT_LOGIN, "password, code next"),
                (Action.ACCOUNT_LOGIN, "recovery code"),
                (Action.ACCOUNT_LOGIN, "password, code next"),
                (Action.ACCOUNT_LOGIN_FAILED, "second factor"),
            ],
        )

    def test_the_office_resets_a_lost_factor_audited(self) -> None:
        other = self.fresh_office()
        TOTPDevice.objects.create(user=other, name="app", confirmed=True)
        self.login(self.office)
        response = self.client.post(
            reverse("accounts:security"), {"form": "reset", "account": other.pk}
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(TOTPDevice.objects.filter(user=other).exists())
        entry = AuditEntry.objects.get(action=Action.ACCOUNT_FACTOR_RESET)
        self.assertEqual((entry.actor, entry.object_id), (self.office, str(other.pk)))

    def test_an_account_the_office_marks_needs_a_second_factor_too(self) -> None:
        User.objects.filter(pk=self.viewer.pk).update(second_factor_required=True)
        self.password_login(self.viewer)
        response = self.client.get(reverse("boards:home"))
        self.assertTrue(response["Location"].startswith(reverse("accounts:otp_enrol")))

    def test_a_trusted_browser_skips_the_code_for_the_office_period(self) -> None:
        site_settings_update(trusted_device_days=7, user=self.office)
        device = TOTPDevice.objects.get(user=self.office)
        self.password_login(self.office)
        self.client.post(reverse("accounts:otp_verify"), {"code": totp_now(device), "trust": "on"})
        trusted = self.client.cookies["leitai_trusted"].value
        self.password_login(self.office)  # the test client's logout forgets every cookie
        self.client.cookies["leitai_trusted"] = trusted
        self.assertEqual(self.client.get(reverse("accounts:security")).status_code, 200)
        entry = AuditEntry.objects.filter(action=Action.ACCOUNT_LOGIN).latest("pk")
        self.assertEqual(entry.after["method"], "trusted browser")
        # Not once the office resets the factor (the trust is revoked with it).
        from leitai.web.accounts.twofactor import second_factor_reset

        second_factor_reset(self.office)
        self.assertEqual(self.client.get(reverse("accounts:security")).status_code, 302)


class PasswordRuleTests(BaseTestCase):
    def change(self, old: str, new: str):
        return self.client.post(
            reverse("accounts:password_change"),
            {"old_password": old, "new_password1": new, "new_password2": new},
        )

    def test_a_simple_password_is_refused(self) -> None:
        self.login(self.viewer)
        response = self.change(PASSWORD, "bf2bf2bf2")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "字符")

    def test_the_last_n_passwords_are_refused_and_the_one_before_is_accepted(self) -> None:
        site_settings_update(password_history=3, user=self.office)
        self.login(self.viewer)
        passwords = [PASSWORD, "Secret-One-11", "Secret-Two-22", "Secret-Three-33"]
        for old, new in itertools.pairwise(passwords):
            self.assertEqual(self.change(old, new).status_code, 302, new)
            self.login(User.objects.get(pk=self.viewer.pk))
        current = passwords[-1]
        for reused in passwords[-3:]:
            response = self.change(current, reused)
            self.assertEqual(response.status_code, 200, reused)
            self.assertContains(response, "最近")
        # The 4th password back (the first) is no longer among the last 3.
        self.assertEqual(self.change(current, passwords[0]).status_code, 302)

    def test_an_expired_password_forces_a_change(self) -> None:
        User.objects.filter(pk=self.viewer.pk).update(
            password_changed_at=timezone.now() - timedelta(days=91)
        )
        self.login(self.viewer)
        response = self.client.get(reverse("boards:home"))
        self.assertRedirects(
            response,
            reverse("accounts:password_change") + "?next=%2F",
            fetch_redirect_response=False,
        )
        page = self.client.get(reverse("accounts:password_change"))
        self.assertContains(page, "已过期")
        self.assertEqual(self.change(PASSWORD, NEW).status_code, 302)
        self.assertEqual(self.client.get(reverse("boards:home")).status_code, 200)
        # The session keeps counting towards the limit under its new key.
        from leitai.web.accounts.models import LoginSession

        key = self.client.cookies["sessionid"].value
        self.assertEqual(LoginSession.objects.get(session_key=key).user, self.viewer)
        self.assertTrue(
            AuditEntry.objects.filter(
                action=Action.ACCOUNT_PASSWORD_CHANGED, actor=self.viewer
            ).exists()
        )

    def test_an_account_added_in_the_admin_changes_its_password_first(self) -> None:
        self.login(self.office)
        response = self.client.post(
            reverse("admin:accounts_user_add"),
            {
                "username": "added",
                "password1": NEW,
                "password2": NEW,
                "usable_password": "true",
                "role": "viewer",
            },
        )
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        self.assertTrue(User.objects.get(username="added").must_change_password)
        weak = self.client.post(
            reverse("admin:accounts_user_add"),
            {"username": "weak", "password1": "bf2bf2bf2", "password2": "bf2bf2bf2"},
        )
        self.assertEqual(weak.status_code, 200)
        self.assertFalse(User.objects.filter(username="weak").exists())

    def test_an_account_the_office_creates_changes_its_password_first(self) -> None:
        fresh = user_create(
            username="new-viewer",
            password=PASSWORD,
            role=User.Role.VIEWER,
            must_change_password=True,
        )
        self.login(fresh)
        self.assertEqual(self.client.get(reverse("boards:home")).status_code, 302)
        self.assertEqual(self.change(PASSWORD, NEW).status_code, 302)
        self.assertEqual(self.client.get(reverse("boards:home")).status_code, 200)


class SessionRuleTests(BaseTestCase):
    def age_session(self, **seconds: float) -> None:
        session = self.client.session
        for key, ago in seconds.items():
            session[key] = time.time() - ago
        session.save()

    def test_idle_timeout_logs_out(self) -> None:
        self.login(self.viewer)
        self.assertEqual(self.client.get(reverse("accounts:my_logins")).status_code, 200)
        self.age_session(**{SEEN_AT: 29 * 60})
        self.assertEqual(self.client.get(reverse("accounts:my_logins")).status_code, 200)
        self.age_session(**{SEEN_AT: 31 * 60})
        response = self.client.get(reverse("accounts:my_logins"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("accounts:login")))
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_the_session_lifetime_ends_an_active_session(self) -> None:
        self.login(self.viewer)
        self.age_session(**{LOGIN_AT: 13 * 3600, SEEN_AT: 10})
        self.assertEqual(self.client.get(reverse("accounts:my_logins")).status_code, 302)

    def test_a_login_beyond_the_limit_ends_the_oldest_session(self) -> None:
        from django.test import Client

        site_settings_update(max_sessions=2, user=self.office)
        clients = [Client() for _ in range(3)]
        for client in clients:
            client.post(
                reverse("accounts:login"),
                {"username": self.viewer.username, "password": PASSWORD},
            )
        codes = [c.get(reverse("accounts:my_logins")).status_code for c in clients]
        self.assertEqual(codes, [302, 200, 200])

    def test_the_security_page_shows_and_audits_the_rules(self) -> None:
        self.login(self.office)
        page = self.client.get(reverse("accounts:security"))
        self.assertContains(page, "空闲")
        # Beside each value in force, the 等保-style default.
        for default in ("开启", "8", "3", "5", "90", "30", "12"):
            self.assertContains(page, f"默认值（参照等保 2.0）：{default}<")
        data = {
            "form": "rules",
            "office_second_factor": "on",
            "trusted_device_days": 0,
            "password_min_length": 10,
            "password_min_classes": 3,
            "password_history": 5,
            "password_max_age_days": 90,
            "idle_timeout_minutes": 15,
            "session_lifetime_hours": 12,
            "max_sessions": 3,
        }
        self.assertEqual(self.client.post(reverse("accounts:security"), data).status_code, 302)
        entry = AuditEntry.objects.filter(action="settings.changed").latest("pk")
        self.assertEqual(entry.after, {"password_min_length": 10, "idle_timeout_minutes": 15})
        # Below the 等保 floor is refused.
        bad = self.client.post(reverse("accounts:security"), {**data, "password_min_length": 6})
        self.assertEqual(bad.status_code, 200)

    def test_a_non_office_cannot_read_the_security_page(self) -> None:
        self.login(self.reporter_shibei)
        self.assertEqual(self.client.get(reverse("accounts:security")).status_code, 403)


class LoginRecordTests(BaseTestCase):
    def test_logins_and_failures_with_address_and_browser_on_my_page(self) -> None:
        self.client.post(
            reverse("accounts:login"),
            {"username": self.viewer.username, "password": "wrong-Password-1"},
            HTTP_USER_AGENT="TestBrowser/1.0",
            REMOTE_ADDR="192.0.2.44",
        )
        self.client.post(
            reverse("accounts:login"),
            {"username": self.viewer.username, "password": PASSWORD},
            HTTP_USER_AGENT="TestBrowser/1.0",
            REMOTE_ADDR="192.0.2.44",
        )
        login = AuditEntry.objects.get(action=Action.ACCOUNT_LOGIN, actor=self.viewer)
        self.assertEqual(login.after["address"], "192.0.2.44")
        self.assertEqual(login.after["user_agent"], "TestBrowser/1.0")
        failed = AuditEntry.objects.get(action=Action.ACCOUNT_LOGIN_FAILED)
        self.assertIsNone(failed.actor)
        self.assertEqual(failed.object_id, str(self.viewer.pk))
        page = self.client.get(reverse("accounts:my_logins"))
        self.assertContains(page, "我的登录记录")
        self.assertContains(page, "192.0.2.44")
        self.assertEqual(len(page.context["entries"]), 2)
        # Nobody else's logins.
        self.client.force_login(self.reporter_licang)
        self.assertEqual(len(self.client.get(reverse("accounts:my_logins")).context["entries"]), 0)

    def test_the_admin_has_no_login_of_its_own_that_would_skip_the_record(self) -> None:
        # The admin's login page leads to the one login page, which keeps the record.
        response = self.client.get("/admin/login/?next=/admin/")
        self.assertRedirects(
            response, reverse("accounts:login") + "?next=/admin/", fetch_redirect_response=False
        )
        self.client.post(
            "/admin/login/?next=/admin/",
            {"username": self.office.username, "password": PASSWORD, "next": "/admin/"},
        )
        self.assertNotIn("_auth_user_id", self.client.session)
        self.assertFalse(AuditEntry.objects.filter(action=Action.ACCOUNT_LOGIN).exists())
        # Reaching the admin anonymously goes the same way.
        response = self.client.get("/admin/", follow=True)
        self.assertEqual(
            response.redirect_chain[-1][0], reverse("accounts:login") + "?next=%2Fadmin%2F"
        )
        self.assertTemplateUsed(response, "accounts/login.html")

    def test_the_admin_has_no_password_change_that_would_skip_the_record(self) -> None:
        self.login(self.office)
        response = self.client.get("/admin/password_change/")
        self.assertRedirects(
            response, reverse("accounts:password_change"), fetch_redirect_response=False
        )
        self.client.post(
            "/admin/password_change/",
            {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
        )
        self.office.refresh_from_db()
        self.assertTrue(self.office.check_password(PASSWORD))

    def test_the_audit_log_reads_the_login_record_and_the_rules_in_words(self) -> None:
        self.client.post(
            reverse("accounts:login"),
            {"username": self.viewer.username, "password": PASSWORD},
            HTTP_USER_AGENT="TestBrowser/1.0",
        )
        self.client.post(
            reverse("accounts:login"),
            {"username": self.viewer.username, "password": "wrong-Password-1"},
        )
        site_settings_update(idle_timeout_minutes=15, user=self.office)
        self.login(self.office)
        page = self.client.get(reverse("audit:log")).content.decode()
        for words in ("地址", "浏览器", "方式", "密码", "空闲超时分钟数", "TestBrowser/1.0"):
            self.assertIn(words, page)
        for code in ("user_agent", "idle_timeout_minutes", ">method<", ">address<"):
            self.assertNotIn(code, page)

    def test_a_lockout_is_in_the_record_of_the_account(self) -> None:
        from django.conf import settings

        for _ in range(settings.LEITAI_LOGIN_ACCOUNT_LIMIT + 1):
            self.client.post(
                reverse("accounts:login"),
                {"username": self.viewer.username, "password": "wrong-Password-1"},
                REMOTE_ADDR="198.51.100.7",
            )
        entry = AuditEntry.objects.filter(action=Action.ACCOUNT_LOCKED_OUT).latest("pk")
        self.assertEqual(
            (entry.object_id, entry.after["address"]), (str(self.viewer.pk), "198.51.100.7")
        )
        self.client.force_login(self.viewer)
        actions = {
            e.action for e in self.client.get(reverse("accounts:my_logins")).context["entries"]
        }
        self.assertLessEqual({Action.ACCOUNT_LOCKED_OUT, Action.ACCOUNT_LOGIN_FAILED}, actions)
