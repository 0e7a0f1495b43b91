"""Security of the web application against a hostile visitor: login throttling across
addresses and behind proxies, the Content-Security-Policy, redirects through ``next``
and hostile query parameters."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.test import Client, RequestFactory, SimpleTestCase, override_settings
from django.urls import reverse

from leitai.web.assessments.models import DataValue, Scheme
from leitai.web.clientip import client_ip
from tests.web.base import PASSWORD, BaseTestCase

WEB = Path(__file__).resolve().parents[2] / "src" / "leitai" / "web"
LOGIN = "/accounts/login/"


class ThrottlingTests(BaseTestCase):
    def guess(self, username: str, password: str = "wrong", **meta: str) -> int:
        response = self.client.post(LOGIN, {"username": username, "password": password}, **meta)
        return response.status_code

    def test_32_wrong_guesses_from_8_addresses_lock_the_account(self) -> None:
        for n in range(32):
            self.guess(self.viewer.username, REMOTE_ADDR=f"198.51.100.{n % 8 + 1}")
        self.assertEqual(
            self.guess(self.viewer.username, PASSWORD, REMOTE_ADDR="198.51.100.99"), 429
        )
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_an_address_guessing_many_accounts_is_locked_and_others_are_not(self) -> None:
        for n in range(20):
            self.guess(f"nobody{n}", REMOTE_ADDR="203.0.113.7")
        self.assertEqual(self.guess(self.viewer.username, PASSWORD, REMOTE_ADDR="203.0.113.7"), 429)
        self.assertEqual(self.guess(self.viewer.username, PASSWORD, REMOTE_ADDR="203.0.113.8"), 302)

    def test_a_few_typos_at_a_shared_address_lock_nobody_else(self) -> None:
        for _ in range(4):
            self.guess(self.viewer.username, REMOTE_ADDR="192.0.2.10")
        self.assertEqual(self.guess(self.office.username, PASSWORD, REMOTE_ADDR="192.0.2.10"), 302)

    @override_settings(LEITAI_TRUSTED_PROXIES=1)
    def test_behind_a_trusted_proxy_clients_are_told_apart_by_x_forwarded_for(self) -> None:
        for n in range(25):
            self.guess(
                f"nobody{n}",
                REMOTE_ADDR="10.0.0.2",
                HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 1}",
            )
        status = self.guess(
            self.office.username,
            PASSWORD,
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.200",
        )
        self.assertEqual(status, 302)

    def test_without_trusted_proxies_everyone_behind_the_proxy_is_one_address(self) -> None:
        for n in range(25):
            self.guess(
                f"nobody{n}",
                REMOTE_ADDR="10.0.0.2",
                HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 1}",
            )
        status = self.guess(
            self.office.username,
            PASSWORD,
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="203.0.113.200",
        )
        self.assertEqual(status, 429)

    @override_settings(LEITAI_TRUSTED_PROXIES=1)
    def test_a_forged_x_forwarded_for_does_not_escape_the_address_lock(self) -> None:
        for n in range(20):
            self.guess(
                f"nobody{n}",
                REMOTE_ADDR="10.0.0.2",
                HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}, 203.0.113.50",
            )
        status = self.guess(
            self.viewer.username,
            PASSWORD,
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="192.0.2.222, 203.0.113.50",
        )
        self.assertEqual(status, 429)


class ClientAddressTests(SimpleTestCase):
    def address(self, **meta: str) -> str:
        return client_ip(RequestFactory().get("/", **meta))

    def test_without_trusted_proxies_the_header_is_ignored(self) -> None:
        self.assertEqual(
            self.address(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4"), "10.0.0.2"
        )

    @override_settings(LEITAI_TRUSTED_PROXIES=1)
    def test_one_proxy_vouches_for_the_rightmost_entry_only(self) -> None:
        self.assertEqual(
            self.address(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4"),
            "1.2.3.4",
        )
        self.assertEqual(self.address(REMOTE_ADDR="10.0.0.2"), "10.0.0.2")

    @override_settings(LEITAI_TRUSTED_PROXIES=2)
    def test_two_proxies_vouch_for_two_entries(self) -> None:
        self.assertEqual(
            self.address(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4, 10.0.0.9"),
            "1.2.3.4",
        )

    @override_settings(LEITAI_TRUSTED_PROXIES=1)
    def test_garbage_and_ports_in_the_header(self) -> None:
        self.assertEqual(
            self.address(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address"),
            "10.0.0.2",
        )
        self.assertEqual(
            self.address(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4:5678"), "1.2.3.4"
        )
        self.assertEqual(
            self.address(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="[2001:db8::1]:443"),
            "2001:db8::1",
        )


class ContentSecurityPolicyTests(BaseTestCase):
    def test_every_page_carries_a_policy_without_inline_script(self) -> None:
        for url in (
            "/",
            "/periods/2023Q1/",
            "/periods/2023Q1/units/shibei/",
            "/periods/2023Q1/indicators/gdp_growth/",
            LOGIN,
            "/api/docs",
            "/arena/2023-05-27/present/",
        ):
            response = self.client.get(url)
            self.assertLess(response.status_code, 500, url)
            policy = response["Content-Security-Policy"]
            self.assertIn("default-src 'self'", policy, url)
            script = re.search(r"script-src ([^;]*)", policy)[1]
            self.assertNotIn("unsafe-inline", script, url)
            self.assertIn("frame-ancestors 'none'", policy, url)

    def test_no_template_has_inline_script_or_event_handlers(self) -> None:
        inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
        handler = re.compile(r"\son[a-z]+\s*=", re.I)
        for template in WEB.rglob("*.html"):
            text = template.read_text(encoding="utf-8")
            self.assertIsNone(inline.search(text), template)
            self.assertIsNone(handler.search(text), template)


class RedirectTests(BaseTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.office)

    def test_next_to_another_site_is_ignored_after_computing(self) -> None:
        url = reverse("workflow:period_compute", args=["2024Q1"])
        for evil in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
            response = self.client.post(url, {"next": evil})
            self.assertEqual(response.status_code, 302)
            self.assertEqual(response["Location"], reverse("workflow:period", args=["2024Q1"]))

    def test_next_inside_the_site_is_followed(self) -> None:
        url = reverse("workflow:period_compute", args=["2024Q1"])
        response = self.client.post(url, {"next": "/periods/2024Q1/"})
        self.assertEqual(response["Location"], "/periods/2024Q1/")

    def test_next_to_another_site_is_ignored_after_returning_a_submission(self) -> None:
        url = reverse("workflow:unit_return", args=["2023Q4", "licang"])
        response = self.client.post(url, {"next": "https://evil.example/", "reason": "x"})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(response["Location"].startswith(("http", "//")))


HOSTILE = [
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e309",
    "-1",
    "0",
    "9" * 40,
    "²",
    "١٢",
    "%",
    "' OR 1=1 --",
    "a" * 5000,
]


class QueryParameterTests(BaseTestCase):
    def test_the_presenter_view_answers_minutes_nan_anonymously(self) -> None:
        for value in ("nan", "inf", "-inf", "1e309"):
            response = self.client.get("/arena/2023-05-27/present/", {"minutes": value})
            self.assertEqual(response.status_code, 200, value)

    def test_no_hostile_query_parameter_makes_a_server_error(self) -> None:
        self.client.force_login(self.office)
        scheme = Scheme.objects.order_by("pk").first()
        pages = [
            ("/periods/2023Q1/compare/", ["with"]),
            ("/arena/2023-05-27/present/", ["minutes"]),
            (reverse("arena:detail", args=["2023-05-27"]), ["unit"]),
            ("/periods/2023Q1/robustness/", ["run"]),
            (reverse("workflow:scheme_compare", args=[scheme.code]), ["a", "b"]),
            (reverse("workflow:template", args=["2023Q4"]), ["unit"]),
            (reverse("audit:log"), ["page", "unit", "period", "action"]),
            (reverse("audit:export"), ["format"]),
            (reverse("targets:board"), ["unit", "board", "status", "source", "page"]),
            (reverse("targets:create"), ["unit"]),
        ]
        for url, names in pages:
            for value in HOSTILE:
                response = self.client.get(url, dict.fromkeys(names, value))
                self.assertLess(response.status_code, 500, f"{url} {names}={value[:20]}")


class RefusedRequestTests(BaseTestCase):
    """Requests Django refuses before any view: in the site's words and language, and no
    ordinary form among them."""

    def test_a_form_of_a_large_scheme_is_not_refused_for_its_number_of_fields(self) -> None:
        # A unit's figures take three fields an indicator: 400 indicators, 1,200 fields.
        self.login(self.reporter_shibei)
        form = {f"x-indicator_{n}": "" for n in range(1200)}
        form["v-gdp_growth"] = "6.4"
        url = reverse("workflow:unit", args=["2023Q4", "shibei"])
        response = self.client.post(url, form)
        self.assertEqual(response.status_code, 302, response.content[:300])
        self.assertEqual(
            DataValue.objects.get(
                period__code="2023Q4", unit__code="shibei", key="gdp_growth"
            ).value,
            "6.4",
        )

    def test_a_request_too_large_to_read_is_refused_in_words(self) -> None:
        self.login(self.reporter_shibei)
        url = reverse("workflow:unit", args=["2023Q4", "shibei"])
        response = self.client.post(url, {f"f{n}": "" for n in range(20_001)})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "data-bad-request", status_code=400)
        self.assertContains(response, "请求无法处理", status_code=400)
        self.assertContains(response, "未保存任何内容", status_code=400)

    def test_a_form_without_its_csrf_token_is_refused_in_words(self) -> None:
        client = Client(enforce_csrf_checks=True)
        response = client.post(LOGIN, {"username": "kaoheban", "password": PASSWORD})
        self.assertContains(response, "data-csrf-failure", status_code=403)
        self.assertContains(response, "页面已过期", status_code=403)
        self.assertContains(response, "Cookie", status_code=403)  # none was set
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = client.get(LOGIN)  # sets the CSRF cookie; the form's token is left out
        self.assertEqual(page.status_code, 200)
        response = client.post(LOGIN, {"username": "kaoheban", "password": PASSWORD})
        self.assertContains(response, "The page has expired", status_code=403)
        self.assertContains(response, "reload the page", status_code=403)
