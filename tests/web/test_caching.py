"""HTTP caching of published results (validators, 304, Cache-Control) and the page
store that serves a visitor's published page drawn once, checked on every serve."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from unittest import mock

import numpy as np
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import translation
from django.utils.http import http_date

from leitai.web.assessments.models import Period
from leitai.web.assessments.selectors import period_published_snapshot
from leitai.web.assessments.services import (
    period_compute,
    period_setting_set,
    snapshot_publish,
)
from leitai.web.caching import _storable, sealed_get, sealed_set, validators
from tests.deploy.harness import REDIS_URL, reachable
from tests.web.base import BaseTestCase
from tests.web.test_integrity import tamper


class CachingTests(BaseTestCase):
    def test_a_published_board_is_validated_and_answered_304_when_unchanged(self) -> None:
        # A visitor's boards carry no form token and set no cookie: the first answer is
        # public already, for a shared cache (nginx) to keep for every visitor.
        for url in (
            "/periods/2023Q1/",
            "/periods/2023Q1/stars/",
            "/periods/2023Q1/posters/",
            "/periods/2023Q1/units/shibei/",
            "/periods/2023Q1/compare/",
            "/api/periods/2023Q1",
            "/api/periods/2023Q1/units/shibei",
        ):
            first = self.client.get(url)
            self.assertEqual(first.status_code, 200, url)
            self.assertTrue(first.has_header("ETag"), url)
            self.assertTrue(first.has_header("Last-Modified"), url)
            self.assertEqual(dict(first.cookies), {}, url)
            self.assertNotIn("csrfmiddlewaretoken", first.content.decode(), url)
            self.assertIn("public", first["Cache-Control"], url)
            self.assertIn("Cookie", first["Vary"], url)
            again = self.client.get(url, headers={"if-none-match": first["ETag"]})
            self.assertEqual(again.status_code, 304, url)
            self.assertEqual(again["ETag"], first["ETag"], url)
            self.assertIn("public", again["Cache-Control"], url)
            since = self.client.get(url, headers={"if-modified-since": first["Last-Modified"]})
            self.assertEqual(since.status_code, 304, url)

    def test_the_language_switch_needs_no_form_token(self) -> None:
        client = Client(enforce_csrf_checks=True)
        response = client.post(
            reverse("set_language"), {"language": "en", "next": "/periods/2023Q1/"}
        )
        self.assertEqual((response.status_code, response["Location"]), (302, "/periods/2023Q1/"))
        self.assertEqual(response.cookies["django_language"].value, "en")
        page = client.get("/periods/2023Q1/").content.decode()
        self.assertIn("League table", page)
        # Forms that change something still need their token.
        self.assertEqual(client.post(reverse("accounts:login"), {}).status_code, 403)

    def test_a_new_revision_changes_the_validator(self) -> None:
        url = "/periods/2023Q1/"
        self.client.get("/")
        first = self.client.get(url)
        period = Period.objects.get(code="2023Q1")
        draft = period_compute(period=period, user=self.office)
        snapshot_publish(snapshot=draft, user=self.office, reason="a corrected figure")
        again = self.client.get(url, headers={"if-none-match": first["ETag"]})
        self.assertEqual(again.status_code, 200)
        self.assertNotEqual(again["ETag"], first["ETag"])

    def test_a_period_moved_in_time_changes_the_validator_and_the_date(self) -> None:
        # The switcher orders periods by their last day: the office setting the
        # variant's last day reorders every board's switcher, with no new result.
        url = "/periods/2023Q1/"
        first = self.client.get(url)

        def order(response) -> bool:
            page = response.content.decode()
            return page.index("/periods/2023-Q3-grouped/") < page.index("/periods/2023Q2/")

        self.assertFalse(order(first))
        if first["Last-Modified"] == http_date(time.time()):
            time.sleep(1)  # a date has whole seconds: the change must come after it
        variant = Period.objects.get(code="2023-Q3-grouped")
        period_setting_set(period=variant, name="ends_on", value=dt.date(2023, 5, 15))
        again = self.client.get(url, headers={"if-none-match": first["ETag"]})
        self.assertEqual(again.status_code, 200)
        self.assertNotEqual(again["ETag"], first["ETag"])
        self.assertTrue(order(again))
        since = self.client.get(url, headers={"if-modified-since": first["Last-Modified"]})
        self.assertEqual(since.status_code, 200)

    def test_the_validator_differs_by_language_and_by_reader(self) -> None:
        url = "/periods/2023Q1/"
        self.client.get("/")
        chinese = self.client.get(url)
        self.assertEqual(
            self.client.get(url, headers={"if-none-match": chinese["ETag"]}).status_code, 304
        )
        self.client.cookies["django_language"] = "en"
        english = self.client.get(url, headers={"if-none-match": chinese["ETag"]})
        self.assertEqual(english.status_code, 200)
        self.client.force_login(self.viewer)
        viewer = self.client.get(url, headers={"if-none-match": english["ETag"]})
        self.assertEqual(viewer.status_code, 200)
        self.assertIn("private", viewer["Cache-Control"])
        self.assertNotIn("public", viewer["Cache-Control"])

    def test_drafts_are_never_validated(self) -> None:
        self.client.force_login(self.office)
        response = self.client.get("/periods/2024Q1/")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("public", response.get("Cache-Control", ""))
        self.assertFalse(response.has_header("Last-Modified"))

    def test_boards_switched_off_are_not_answered_304_to_a_visitor(self) -> None:
        url = "/periods/2023Q1/"
        self.client.get("/")
        first = self.client.get(url)
        self.assertEqual(
            self.client.get(url, headers={"if-none-match": first["ETag"]}).status_code, 304
        )
        self.public_boards(False)
        again = self.client.get(url, headers={"if-none-match": first["ETag"]})
        self.assertEqual(again.status_code, 302)

    @override_settings(LEITAI_CACHE_MAX_AGE=60)
    def test_max_age_comes_from_the_settings(self) -> None:
        response = self.client.get("/periods/2023Q1/")
        self.assertIn("max-age=60", response["Cache-Control"])


STORED = 'page;desc="stored"'
VISITOR_PAGES = (
    "/periods/2023Q3/",
    "/periods/2023Q3/stars/",
    "/periods/2023Q3/units/shibei/",
    "/periods/2023Q3/compare/",
    "/api/periods/2023Q3",
    "/api/periods/2023Q3/units/shibei",
)


def store_key(url: str) -> str:
    """The page store's key of ``url`` read by a visitor in Chinese."""
    request = RequestFactory().get(url)
    request.user = AnonymousUser()
    with translation.override("zh-hans"):
        found = validators(request, **resolve(url).kwargs)
    assert found is not None
    return found.store


class PageStoreTests(BaseTestCase):
    def get(self, url: str, **headers: str) -> HttpResponse:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url, headers=headers)
        response.queries = len(queries)  # type: ignore[attr-defined]
        return response

    def test_a_visitors_page_is_drawn_once_then_served_from_the_store(self) -> None:
        for url in VISITOR_PAGES:
            drawn = self.get(url)
            self.assertEqual(drawn.status_code, 200, url)
            self.assertNotIn(STORED, drawn["Server-Timing"], url)
            stored = self.get(url)
            self.assertEqual(stored.status_code, 200, url)
            self.assertIn(STORED, stored["Server-Timing"], url)
            self.assertEqual(stored.content, drawn.content, url)
            for header in ("Content-Type", "ETag", "Last-Modified", "Vary", "Content-Language"):
                self.assertEqual(stored[header], drawn[header], (url, header))
            self.assertIn("public", stored["Cache-Control"], url)
            self.assertEqual(dict(stored.cookies), {}, url)
            # Checking the store's entry and the results it read costs a few queries
            # where drawing the page costs many.
            self.assertLess(stored.queries, drawn.queries, url)
            # A client that has the page is still answered 304.
            again = self.get(url, if_none_match=drawn["ETag"])
            self.assertEqual(again.status_code, 304, url)

    def test_visitors_with_other_token_cookies_share_one_stored_page(self) -> None:
        # A visitor's page uses no form token; a client that sends a new token cookie
        # with each request gets its own validator, and adds nothing to the store.
        url = "/periods/2023Q3/"
        self.get(url)
        etags = set()
        for n in range(5):
            self.client.cookies["csrftoken"] = f"{n:032d}"
            page = self.get(url)
            self.assertIn(STORED, page["Server-Timing"])
            etags.add(page["ETag"])
        self.assertEqual(len(etags), 5)
        pages = [k for k in cache._cache if ":leitai:page:" in k]  # type: ignore[attr-defined]
        self.assertEqual(len(pages), 1)

    def test_each_language_is_drawn_and_stored_apart(self) -> None:
        url = "/periods/2023Q3/"
        self.get(url)
        self.assertIn(STORED, self.get(url)["Server-Timing"])
        self.client.cookies["django_language"] = "en"
        english = self.get(url)
        self.assertNotIn(STORED, english["Server-Timing"])
        self.assertIn("League table", english.content.decode())
        self.assertNotIn("排行榜", english.content.decode())
        self.assertIn(STORED, self.get(url)["Server-Timing"])

    def test_signed_in_readers_never_get_a_stored_page(self) -> None:
        url = "/periods/2023Q3/units/shibei/"
        self.get(url)
        self.get(url)
        self.login(self.viewer)
        for _ in range(2):
            page = self.get(url)
            self.assertEqual(page.status_code, 200)
            self.assertNotIn(STORED, page["Server-Timing"])
            self.assertIn("private", page["Cache-Control"])
            self.assertIn(self.viewer.username, page.content.decode())

    def assert_refused_once_altered(self, url: str, alter: Callable[[], object]) -> None:
        """``url``'s page stored, then something it shows altered in the database: a
        visitor is refused (503), never served the stored page."""
        self.get(url)
        self.assertIn(STORED, self.get(url)["Server-Timing"])
        alter()
        response = self.get(url)
        self.assertEqual(response.status_code, 503)
        self.assertNotIn("99.9", response.content.decode())

    def test_a_shown_result_altered_after_its_page_was_stored_is_refused(self) -> None:
        # Its stored hash kept, the result's change leaves the validator as it was:
        # only the seal tells.
        q3 = period_published_snapshot(Period.objects.get(code="2023Q3"))
        self.assert_refused_once_altered(
            "/periods/2023Q3/units/shibei/", lambda: tamper(q3, fix_hash=False)
        )

    def test_a_result_the_page_read_for_its_history_altered_is_refused(self) -> None:
        # 2023Q3's report card draws 2023Q2's rank and score in its history and trend;
        # the validator names only 2023Q3's result.
        q2 = period_published_snapshot(Period.objects.get(code="2023Q2"))
        self.assert_refused_once_altered("/periods/2023Q3/units/shibei/", lambda: tamper(q2))

    def test_a_scheme_altered_after_its_page_was_stored_is_refused(self) -> None:
        version = Period.objects.get(code="2023Q3").scheme_version

        def rename() -> None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE assessments_schemeversion SET text = %s WHERE id = %s",
                    [version.text.replace("地区生产总值增速", "篡改的名称"), version.pk],
                )

        self.assert_refused_once_altered("/periods/2023Q3/", rename)

    def test_a_page_altered_in_the_store_is_drawn_again(self) -> None:
        url = "/periods/2023Q3/"
        drawn = self.get(url)
        key = store_key(url)
        entry = cache.get(key)
        entry["text"] = entry["text"].replace("</h1>", " 99.9</h1>", 1)
        self.assertIn("99.9", entry["text"])
        cache.set(key, entry)
        with self.assertLogs("leitai.caching", "ERROR"):
            again = self.get(url)
        self.assertNotIn(STORED, again["Server-Timing"])
        self.assertEqual(again.content, drawn.content)
        self.assertIn(STORED, self.get(url)["Server-Timing"])

    def test_a_page_copied_under_another_pages_key_is_not_served(self) -> None:
        # Sealed, but another page's: 2023Q2's league table under 2023Q3's validator.
        self.get("/periods/2023Q2/")
        shown = self.get("/periods/2023Q3/")
        other = cache.get(store_key("/periods/2023Q2/"))
        self.assertIsNotNone(other)
        cache.set(store_key("/periods/2023Q3/"), other)
        with self.assertLogs("leitai.caching", "ERROR"):
            again = self.get("/periods/2023Q3/")
        self.assertEqual(again.content, shown.content)
        self.assertNotIn(STORED, again["Server-Timing"])

    def test_a_cache_that_is_down_only_means_every_page_is_drawn(self) -> None:
        url = "/periods/2023Q3/units/shibei/"
        down = ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        with (
            mock.patch.object(cache, "get", side_effect=down),
            mock.patch.object(cache, "set", side_effect=down),
            self.assertLogs("leitai.caching", "WARNING") as logged,
        ):
            for _ in range(2):
                page = self.get(url)
                self.assertEqual(page.status_code, 200)
                self.assertNotIn(STORED, page["Server-Timing"])
        self.assertEqual(len(logged.records), 4)

    def test_a_sealed_value_comes_back_as_kept_and_only_under_its_key(self) -> None:
        value = {"rows": [{"score": 0.1 + 0.2, "rank": np.int64(3), "flag": None}], "n": 10}
        sealed_set("leitai:test:a", value, 60)
        self.assertEqual(
            sealed_get("leitai:test:a"),
            {"rows": [{"score": 0.30000000000000004, "rank": 3, "flag": None}], "n": 10},
        )
        self.assertIsNone(sealed_get("leitai:test:none"))
        cache.set("leitai:test:b", cache.get("leitai:test:a"))
        with self.assertLogs("leitai.caching", "ERROR"):
            self.assertIsNone(sealed_get("leitai:test:b"))
        cache.set("leitai:test:c", {"text": "{}", "seal": "0" * 64})
        with self.assertLogs("leitai.caching", "ERROR"):
            self.assertIsNone(sealed_get("leitai:test:c"))

    def test_the_store_shared_through_redis_serves_and_checks_alike(self) -> None:
        if not reachable("127.0.0.1", 6379):
            self.skipTest("no Redis at 127.0.0.1:6379")
        prefix = f"leitai-test-{uuid.uuid4().hex}"
        redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache"}
        with override_settings(
            CACHES={"default": dict(redis, LOCATION=REDIS_URL, KEY_PREFIX=prefix)}
        ):
            url = "/periods/2023Q3/units/shibei/"
            drawn = self.get(url)
            try:
                stored = self.get(url)
                self.assertIn(STORED, stored["Server-Timing"])
                self.assertEqual(stored.content, drawn.content)
                tamper(period_published_snapshot(Period.objects.get(code="2023Q2")))
                self.assertEqual(self.get(url).status_code, 503)
            finally:
                cache.delete(store_key(url))

    @override_settings(LEITAI_PAGE_STORE_SECONDS=0)
    def test_no_page_is_stored_when_the_store_is_off(self) -> None:
        for _ in range(2):
            self.assertNotIn(STORED, self.get("/periods/2023Q3/")["Server-Timing"])

    def test_an_answer_with_a_cookie_or_a_form_token_is_not_stored(self) -> None:
        request = RequestFactory().get("/periods/2023Q3/")
        self.assertTrue(_storable(request, HttpResponse("page")))
        with_cookie = HttpResponse("page")
        with_cookie.set_cookie("x", "1")
        self.assertFalse(_storable(request, with_cookie))
        get_token(request)
        self.assertFalse(_storable(request, HttpResponse("page")))
        self.assertFalse(_storable(RequestFactory().get("/"), HttpResponse(status=302)))

    def test_an_answer_to_a_query_string_is_drawn_each_time(self) -> None:
        # Anyone can vary a query string without end: the store would fill with copies.
        for query in ("?with=2023Q2", "?x=1"):
            url = "/periods/2023Q3/compare/" + query
            self.assertEqual(self.get(url).status_code, 200)
            self.assertNotIn(STORED, self.get(url)["Server-Timing"], url)
