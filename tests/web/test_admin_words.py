"""The Django admin in Chinese: every page the office opens there (one per registered
model and action) has no stray Latin word, no ASCII punctuation among Han characters and
no internal code in its words (titles, headings, labels, help texts, buttons, the
navigation), as the crawl checks the rest of the site (tests/web/test_crawl.py leaves
/admin/ out). What rows hold is data, shown as it is: the values of read-only fields and
of list cells, and the objects' names.

The labels of the libraries' models are translated in leitai's own catalogue, or given
by leitai's own app configurations where a library names an app in plain text. The alt
texts Django writes in English in code (its boolean and search icons: "True", "False",
"Search") are translated by leitai's admin (``AuditedAdmin``).
"""

from __future__ import annotations

import re

import lxml.html
from django.contrib import admin
from django.test import override_settings
from django.urls import reverse

from tests.web.base import BaseTestCase
from tests.web.matrix import admin_pages
from tests.web.test_crawl import (
    ALLOWED,
    _Page,
    _report,
    internal_codes,
    readable_ids,
    stray_words,
)


class _AdminPage(_Page):
    """A page's words without its data: read-only values, the cells of lists, the values
    lists are filtered by and the values of the password's summary (``bdi``)."""

    def _walk(self, element: lxml.html.HtmlElement, *, skip: bool) -> None:
        classes = (element.get("class") or "").split() if isinstance(element.tag, str) else []
        data = element.tag == "bdi" or "readonly" in classes or self._filter_values(element)
        data = data or (
            element.tag in ("td", "th") and any(c.startswith("field-") for c in classes)
        )
        super()._walk(element, skip=skip or data)

    @staticmethod
    def _filter_values(element: lxml.html.HtmlElement) -> bool:
        """The values a list can be filtered by (under each filter's title)."""
        parent = element.getparent()
        return element.tag == "ul" and parent is not None and parent.tag == "details"


@override_settings(LANGUAGE_CODE="zh-hans")
class AdminWordsTests(BaseTestCase):
    def pages(self) -> tuple[list[str], list[str]]:
        """The index, every application's page, and per model its list, its add page
        and, for its first row, its change, history and delete pages; with the names of
        those rows (data)."""
        urls = [reverse("admin:index"), reverse("admin:password_change_done")]
        labels = sorted({model._meta.app_label for model in admin.site._registry})
        urls += [reverse("admin:app_list", kwargs={"app_label": label}) for label in labels]
        names = []
        for model in admin.site._registry:
            pages, first = admin_pages(model)
            urls += pages.values()
            if first is not None:
                names.append(str(first))
        return urls, sorted(names, key=len, reverse=True)

    def test_the_office_reads_the_admin_in_chinese(self) -> None:
        self.login(self.office)
        ids = readable_ids()
        codes = internal_codes() - ALLOWED - ids
        words: dict[str, list[str]] = {}
        urls, names = self.pages()
        read = 0
        for url in urls:
            response = self.client.get(url)
            self.assertIn(response.status_code, (200, 403), url)
            if response.status_code != 200:
                continue
            read += 1
            text = " ".join(_AdminPage(response.content.decode()).text)
            for name in names:
                text = text.replace(name, " ")
            stray_words(url, text, words, ids=ids, codes=codes)
        self.assertGreater(read, 100)
        self.assertEqual(words, {}, "\n" + _report(words))

    def test_the_icons_alt_texts_are_in_the_readers_language(self) -> None:
        # The people list shows "active" as an icon, with a search box above it.
        self.login(self.office)
        page = self.client.get(reverse("admin:accounts_user_changelist")).content.decode()
        alts = set(re.findall(r'<img src="[^"]*/icon-(yes|no)\.svg" alt="([^"]*)"', page))
        self.assertIn(("yes", "是"), alts)
        self.assertIn('alt="搜索"', page)
        for english in ("True", "False", "None", "Search"):
            self.assertNotIn(f'alt="{english}"', page)
        with override_settings(LANGUAGE_CODE="en"):
            page = self.client.get(
                reverse("admin:accounts_user_changelist"), HTTP_ACCEPT_LANGUAGE="en"
            ).content.decode()
        self.assertIn('alt="Yes"', page)

    def test_no_one_reads_or_sets_another_persons_second_factor_in_the_admin(self) -> None:
        """An authenticator's secret and the recovery codes are not shown to the office:
        a person's second factor is reset on their account page (audited), never read."""
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        self.assertNotIn(TOTPDevice, admin.site._registry)
        self.assertNotIn(StaticDevice, admin.site._registry)
        self.login(self.office)
        for url in ("/admin/otp_totp/totpdevice/", "/admin/otp_static/staticdevice/"):
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_the_audit_list_and_the_login_records_are_named_in_words(self) -> None:
        from axes.models import AccessLog
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        self.login(self.office)
        with CaptureQueriesContext(connection) as queries:
            page = self.client.get(
                reverse("admin:audit_auditentry_changelist"), {"period": "2023Q3"}
            )
        # The indicators' names are read once for the list, not once a row.
        read = [q for q in queries.captured_queries if "assessments_schemeversion" in q["sql"]]
        self.assertEqual(len(read), 1)
        cells = re.findall(r'<td class="field-changes">(.*?)</td>', page.content.decode())
        self.assertIn("状态：数据填报中 → 已发布", cells)
        self.assertTrue(all(len(cell) <= 120 for cell in cells))
        AccessLog.objects.create(
            username="kaoheban", attempt_time=timezone.now(), ip_address="127.0.0.1"
        )
        page = self.client.get(reverse("admin:axes_accesslog_changelist"))
        self.assertNotContains(page, "Access Log for")
        self.assertContains(page, "kaoheban，20")
