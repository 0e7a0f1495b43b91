"""Crawl every same-site link from the home page and each role's start pages (bounded),
drafts included, in Chinese: every page answers 200 or a deliberate 403 (never 404 or
500), and the Chinese text has no stray Latin word and no ASCII ':' or '.' after Han."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import override_settings

from tests.web.base import BaseTestCase

LIMIT = 120  # pages per role
SKIP = re.compile(
    r"(/logout|/admin/|/api/|/static/|/media/|\.(xlsx|csv|pdf|docx|pptx|zip)$|/download|/export|/template|/i18n/)"
)
HAN = "\u4e00-\u9fff"
ASCII_AFTER_HAN = re.compile(rf"[{HAN}][:.](?![0-9A-Za-z/])")
LATIN_WORD = re.compile(r"\b[A-Za-z][A-Za-z]+\b")
# Ids, units of measure, proper names and abbreviations people read as they are.
ALLOWED = {
    "GDP",
    "CPI",
    "PMI",
    "km",
    "kg",
    "ha",
    "kWh",
    "m",
    "Excel",
    "CSV",
    "XLSX",
    "xlsx",
    "csv",
    "PDF",
    "pdf",
    "API",
    "JSON",
    "OpenAPI",
    "leitai",
    "Leitai",
    "YAML",
    "yaml",
    "English",
    "Q",
    "v",
    "N",
    "HTTP",
    "ID",
    "id",
    "PPT",
    "PPTX",
    "Word",
    "WPS",
}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "code", "pre", "textarea"):
            self._skip += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code", "pre", "textarea") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


@override_settings(LANGUAGE_CODE="zh-hans")
class CrawlTests(BaseTestCase):
    def start_pages(self, user) -> list[str]:  # type: ignore[no-untyped-def]
        """The home page and the role's start pages (a reporter's own draft card)."""
        if user is None or not user.has_role:
            return ["/"]
        pages = ["/", "/workflow/", "/targets/"]
        if user.is_reporter:
            pages.append(f"/periods/2023Q4/units/{user.unit.code}/")
        return pages

    def crawl(self, user) -> tuple[list[str], dict[str, list[str]]]:  # type: ignore[no-untyped-def]
        if user is not None and user.is_reporter:
            # A draft result to crawl: the office computes 2023Q4's.
            self.login(self.office)
            self.client.post("/workflow/periods/2023Q4/compute/")
        self.login(user)
        seen: set[str] = set()
        queue = deque(self.start_pages(user))
        bad: list[str] = []
        words: dict[str, list[str]] = {}
        while queue and len(seen) < LIMIT:
            url = queue.popleft()
            if url in seen or SKIP.search(url):
                continue
            seen.add(url)
            response = self.client.get(url)
            if response.status_code in (404, 500) or response.status_code >= 500:
                bad.append(f"{url} {response.status_code}")
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            page = _Page()
            page.feed(response.content.decode())
            self.words_of(url, " ".join(page.text), words)
            for href in page.links:
                target = urlsplit(urljoin(url, href))
                if target.netloc or target.scheme not in ("", "http"):
                    continue
                path = target.path + (f"?{target.query}" if target.query else "")
                if path not in seen:
                    queue.append(path)
        return bad, words

    @staticmethod
    def words_of(url: str, text: str, words: dict[str, list[str]]) -> None:
        for match in ASCII_AFTER_HAN.finditer(text):
            words.setdefault(match.group(0), []).append(url)
        for word in LATIN_WORD.findall(text):
            if word not in ALLOWED:
                words.setdefault(word, []).append(url)

    def test_every_link_answers_200_or_a_deliberate_403_for_every_role(self) -> None:
        for user in (
            None,
            self.office,
            self.reporter_shibei,
            self.reporter_licang,
            self.viewer,
            self.outsider,
        ):
            bad, _words = self.crawl(user)
            self.assertEqual(bad, [], user)


def _report(words: dict[str, list[str]]) -> str:
    return "\n".join(
        f"{w!r} on {len(urls)} pages, e.g. {urls[0]}" for w, urls in sorted(words.items())
    )


@override_settings(LANGUAGE_CODE="zh-hans")
class ChineseWordsTests(CrawlTests):
    """Every role reads Chinese: no stray Latin word, no ASCII ':' or '.' after Han."""

    @pytest.mark.xfail(
        strict=True,
        reason="issue 14 not finished: ASCII colons after Han (form label_suffix, "
        "'期:' in templates), English audit states and object names, logins in pinyin; "
        "the assertion message lists every word and a page it is on",
    )
    def test_every_role_reads_chinese(self) -> None:
        found: dict[str, list[str]] = {}
        for user in (None, self.office, self.reporter_shibei, self.viewer):
            _bad, words = self.crawl(user)
            for word, urls in words.items():
                found.setdefault(word, []).extend(urls)
        self.assertEqual(found, {}, "\n" + _report(found))

    # The link crawl is CrawlTests' own; not repeated here.
    test_every_link_answers_200_or_a_deliberate_403_for_every_role = None  # type: ignore[assignment]
