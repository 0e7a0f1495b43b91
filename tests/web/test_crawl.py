"""Crawl every same-site link from the home page and each role's start pages (bounded),
drafts included, in Chinese: every page answers 200 or a deliberate 403 (never 404 or
500), and the Chinese text has no stray Latin word and no ASCII ':' or '.' after Han."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.test import override_settings

from tests.web.base import BaseTestCase

LIMIT = 120  # pages per role
SKIP = re.compile(
    r"(/logout|/admin/|/api/|/static/|/media/|\.(xlsx|csv|pdf|docx|pptx|zip)$|/download|/export|/template|/i18n/)"
)
HAN = "\u4e00-\u9fff"
ASCII_AFTER_HAN = re.compile(rf"[{HAN}][:.](?![0-9A-Za-z/])")
LATIN_WORD = re.compile(r"\b[A-Za-z][A-Za-z]+\b")
IDENTIFIER = re.compile(r"[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)+")
# Ids, units of measure, proper names and abbreviations people read as they are.
ALLOWED = {
    # proper names (authenticator apps named on the two-factor page) and file formats
    "Microsoft",
    "Google",
    "Authenticator",
    "FreeOTP",
    "ZIP",
    "zip",
    "txt",
    "docx",
    "DOCX",
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
    "PageUp",
    "PageDown",
    "Esc",
    "Ctrl",
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
        # Identifiers and file names (resettlement_area, qingdao-2023-quarterly, a.txt)
        # are ids, read as they are.
        for word in LATIN_WORD.findall(IDENTIFIER.sub(" ", text)):
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
            self.provider,
        ):
            bad, _words = self.crawl(user)
            self.assertEqual(bad, [], user)


def _report(words: dict[str, list[str]]) -> str:
    return "\n".join(
        f"{w!r} on {len(urls)} pages, e.g. {urls[0]}" for w, urls in sorted(words.items())
    )


@override_settings(LANGUAGE_CODE="zh-hans")
class ChineseWordsTests(CrawlTests):
    """Every role reads Chinese: no stray Latin word (outside the allow-list and the ids),
    no ASCII ':' or '.' after Han."""

    def test_every_role_reads_chinese(self) -> None:
        from leitai.web.accounts.models import User
        from leitai.web.assessments.models import Unit
        from leitai.web.audit.labels import indicator_names
        from leitai.web.targets.models import Target
        from leitai.web.workflow.models import Department

        # Ids people read as they are: logins, unit codes, indicator ids.
        ids = set(User.objects.values_list("username", flat=True))
        ids |= set(Unit.objects.values_list("code", flat=True)) | set(indicator_names())
        ids |= set(Target.objects.values_list("code", flat=True))
        ids |= set(Department.objects.values_list("code", flat=True))  # issue 11
        found: dict[str, list[str]] = {}
        for user in (
            None,
            self.office,
            self.reporter_shibei,
            self.reporter_licang,
            self.viewer,
            self.outsider,
            self.provider,
        ):
            _bad, words = self.crawl(user)
            for word, urls in words.items():
                # An id cut short by a truncated text counts as the id.
                if not any(i == word or (len(word) > 3 and i.startswith(word)) for i in ids):
                    found.setdefault(word, []).extend(urls)
        self.assertEqual(found, {}, "\n" + _report(found))

    # The link crawl is CrawlTests' own; not repeated here.
    test_every_link_answers_200_or_a_deliberate_403_for_every_role = None  # type: ignore[assignment]


CHROME = re.compile(
    r'<header class="masthead">(.*?)</header>|<footer class="site">(.*?)</footer>'
    r'|<nav class="tabs"[^>]*>(.*?)</nav>|<p class="crumbs">(.*?)</p>',
    re.S,
)
WHO = re.compile(r'<span class="who">.*?</span>\s*</span>|<span class="who">.*?</span>', re.S)
HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
# The brand and the language's own name are Chinese in every language.
CHROME_ALLOWED = {"擂", "擂台", "简体中文"}


class EnglishChromeTests(CrawlTests):
    """In English, the chrome (masthead, navigation, tabs, crumbs, footer) has no Chinese
    left untranslated; people's and units' names (data) are left out."""

    test_every_link_answers_200_or_a_deliberate_403_for_every_role = None  # type: ignore[assignment]

    def test_the_english_chrome_has_no_chinese(self) -> None:
        found: dict[str, list[str]] = {}
        for user in (None, self.office, self.reporter_shibei, self.viewer):
            self.login(user)
            self.client.post("/i18n/setlang/", {"language": "en", "next": "/"})
            for url in [*self.start_pages(user), "/periods/2023Q3/", "/audit/", "/arena/"]:
                response = self.client.get(url)
                if response.status_code != 200:
                    continue
                html = WHO.sub("", response.content.decode())
                for match in CHROME.finditer(html):
                    chrome = re.sub(r"<[^>]+>", " ", "".join(g or "" for g in match.groups()))
                    for run in HAN_RUN.findall(chrome):
                        if run not in CHROME_ALLOWED:
                            found.setdefault(run, []).append(url)
        self.assertEqual(found, {})
