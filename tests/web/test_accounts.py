from __future__ import annotations

from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from leitai.web.accounts.models import User
from leitai.web.accounts.selectors import public_boards_enabled
from leitai.web.accounts.services import user_create
from tests.conftest import PRODUCTION_PASSWORD_HASHERS
from tests.web.base import PASSWORD, BaseTestCase


class PasswordAndLoginTests(BaseTestCase):
    def test_passwords_are_hashed_with_argon2(self) -> None:
        # The tests hash with MD5 for speed (tests/conftest.py); the production settings'
        # hashers are checked here.
        self.assertEqual(
            PRODUCTION_PASSWORD_HASHERS[0], "django.contrib.auth.hashers.Argon2PasswordHasher"
        )
        with override_settings(PASSWORD_HASHERS=PRODUCTION_PASSWORD_HASHERS):
            user_create(username="argon", password=PASSWORD, role=User.Role.VIEWER)
            stored = User.objects.get(username="argon").password
            self.assertTrue(stored.startswith("argon2$"), stored[:10])
            response = self.client.post(
                reverse("accounts:login"), {"username": "argon", "password": PASSWORD}
            )
            self.assertEqual(response.status_code, 302)
            argon = User.objects.get(username="argon")
            self.assertEqual(self.client.session["_auth_user_id"], str(argon.pk))

    def test_a_person_logs_in_with_the_form_and_goes_where_they_were_going(self) -> None:
        response = self.client.post(
            reverse("accounts:login"),
            {"username": self.viewer.username, "password": PASSWORD, "next": "/periods/2023Q1/"},
        )
        self.assertRedirects(response, "/periods/2023Q1/")

    def test_repeated_failures_lock_the_account_even_with_the_right_password(self) -> None:
        for _ in range(settings.LEITAI_LOGIN_ACCOUNT_LIMIT):
            self.client.post(
                reverse("accounts:login"), {"username": self.viewer.username, "password": "wrong"}
            )
        response = self.client.post(
            reverse("accounts:login"), {"username": self.viewer.username, "password": PASSWORD}
        )
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "账号已锁定", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_a_reporter_must_be_bound_to_a_unit(self) -> None:
        from leitai.web.accounts.services import user_create

        with self.assertRaises(ValueError):
            user_create(username="x", password=PASSWORD, role=User.Role.REPORTER)


class SiteSettingsTests(BaseTestCase):
    def test_the_office_switches_the_public_boards_off_and_visitors_are_asked_to_log_in(
        self,
    ) -> None:
        self.login(self.office)
        self.client.post(reverse("accounts:settings"), {})
        self.assertFalse(public_boards_enabled())
        self.login(None)
        response = self.client.get(reverse("boards:league", args=["2023Q1"]))
        self.assertRedirects(response, "/accounts/login/?next=/periods/2023Q1/")
        self.assertContains(self.client.get("/"), "请登录后查看榜单")

    def test_a_viewer_cannot_switch_them(self) -> None:
        self.login(self.viewer)
        self.assertEqual(self.client.post(reverse("accounts:settings"), {}).status_code, 403)
        self.assertTrue(public_boards_enabled())


class LanguageTests(BaseTestCase):
    def test_chinese_is_the_default_whatever_the_browser_asks_for(self) -> None:
        response = self.client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
        self.assertContains(response, 'lang="zh-Hans"')
        self.assertContains(response, "历期成绩")

    def test_the_switch_turns_the_pages_english_and_back(self) -> None:
        self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        response = self.client.get(reverse("boards:league", args=["2023Q1"]))
        self.assertContains(response, "League table")
        self.assertContains(response, "2023 Q1")
        self.client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
        self.assertContains(self.client.get("/"), "历期成绩")

    @override_settings(LANGUAGE_CODE="zh-hans")
    def test_the_compiled_catalogue_ships_inside_the_package(self) -> None:
        from pathlib import Path

        import leitai.web

        mo = (
            Path(leitai.web.__file__).parent.parent
            / "locale"
            / "zh_Hans"
            / "LC_MESSAGES"
            / "django.mo"
        )
        self.assertTrue(mo.exists())
