"""Crawl every same-site link from the home page and each role's start pages, drafts
included, in Chinese: every page answers 200 or a deliberate 403 (never 404 or 500), and
the Chinese text has no stray Latin word, no ASCII ':' or '.' after Han and no internal
code (scoring methods, states, audit actions)."""

from __future__ import annotations

import os
import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urljoin, urlsplit

import lxml.html
from django.test import override_settings

from tests.web.base import BaseTestCase

SKIP = re.compile(
    r"(/logout|/admin/|/api/|/static/|/media/|\.(xlsx|csv|pdf|docx|pptx|zip)$|/download|/export|/template|/i18n/)"
)
HAN = "\u4e00-\u9fff"
ASCII_AFTER_HAN = re.compile(rf"[{HAN}][:.](?![0-9A-Za-z/])")
# ASCII punctuation between Chinese characters (本月新增9个,累计9个): '，' not ','.
ASCII_BETWEEN_HAN = re.compile(rf"[{HAN}0-9] ?[,;:!?] ?[{HAN}]")
# ASCII brackets around Chinese words (2023年第四季度 (草稿)): '（草稿）'.
ASCII_BRACKET_HAN = re.compile(rf"[{HAN}] ?\([{HAN}][^()]*\)|\([{HAN}][^()]*\) ?[{HAN}]")
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
    "PIN",
    "USB",
    "IP",
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
    # the brief's own: authenticator codes, formats and units of size; proper names of
    # tools and of the group robots' message formats
    "TOTP",
    "TXT",
    "MB",
    "Office",
    "COINr",
    "Markdown",
    "Webhook",
}


SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt", "data-label", "data-confirm")


SKIPPED = frozenset({"script", "style", "code", "pre", "textarea"})


class _Page:
    """What a page shows and where it leads: its visible text (hints, tooltips and labels
    for readers included) outside scripts, styles, code and text boxes, and its links.

    Read with lxml (a C parser), which the crawl's many pages had spent a tenth of their
    time on in the standard library's ``html.parser``."""

    def __init__(self, html: str) -> None:
        self.links: list[str] = []
        self.text: list[str] = []
        self._walk(lxml.html.document_fromstring(html), skip=False)

    def _walk(self, element: lxml.html.HtmlElement, *, skip: bool) -> None:
        if not isinstance(element.tag, str):  # a comment or a processing instruction
            return
        skip = skip or element.tag in SKIPPED
        # Words people read that are not text nodes: hints, tooltips, labels for readers.
        if not skip:
            for name in SHOWN_ATTRIBUTES:
                value = element.get(name)
                if value:
                    self.text.append(f" {value} ")
        if element.tag == "a" and element.get("href"):
            self.links.append(element.get("href"))
        if element.text and not skip:
            self.text.append(element.text)
        for child in element:
            self._walk(child, skip=skip)
            if child.tail and not skip:
                self.text.append(child.tail)


def start_pages(user) -> list[str]:  # type: ignore[no-untyped-def]
    """The home page and the role's start pages (a reporter's own draft card)."""
    if user is None or not user.has_role:
        return ["/"]
    pages = ["/", "/workflow/", "/targets/", "/arena/"]
    if user.is_reporter:
        pages.append(f"/periods/2023Q4/units/{user.unit.code}/")
    return pages


def canonical(url: str, href: str) -> str | None:
    """The same-site path and query ``href`` leads to from ``url``, or None.

    The login page's ``next`` is left out: every protected link leads to the one login
    page, which would otherwise be crawled once per page that links to it.
    """
    target = urlsplit(urljoin(url, href))
    if target.netloc or target.scheme not in ("", "http"):
        return None
    query = "&".join(p for p in target.query.split("&") if p and not p.startswith("next="))
    return target.path + (f"?{query}" if query else "")


def internal_codes() -> set[str]:
    """Codes people must never read: scoring methods and every stored choice's value
    (states of periods, submissions, objections, uploads; audit actions; ...)."""
    from django.apps import apps

    from leitai.engine.scheme import PARAMS

    codes = set(PARAMS)
    for model in apps.get_models():
        if not model.__module__.startswith("leitai."):
            continue
        for model_field in model._meta.get_fields():
            for value, _label in getattr(model_field, "flatchoices", None) or ():
                if isinstance(value, str) and value:
                    codes.add(value)
    from leitai.web.workflow.models import PeriodStatus, UnitStatus

    codes |= set(UnitStatus.values) | set(PeriodStatus.values)
    return codes


TOKEN = re.compile(r"[A-Za-z0-9_.-]*[A-Za-z][A-Za-z0-9_.-]*")


def readable_ids() -> set[str]:
    """Ids people read as they are: logins, unit, indicator, target and department codes."""
    from leitai.web.accounts.models import User
    from leitai.web.assessments.models import Unit
    from leitai.web.audit.labels import indicator_names
    from leitai.web.targets.models import Target
    from leitai.web.workflow.models import Department

    ids = set(User.objects.values_list("username", flat=True))
    ids |= set(Unit.objects.values_list("code", flat=True)) | set(indicator_names())
    ids |= set(Target.objects.values_list("code", flat=True))
    ids |= set(Department.objects.values_list("code", flat=True))  # issue 11
    return ids


def stray_words(
    url: str, text: str, words: dict[str, list[str]], *, ids: set[str], codes: set[str]
) -> None:
    """Add to ``words`` what a Chinese page's ``text`` should not show: ASCII ':' '.' or
    ',' among Han characters, internal ``codes``, and Latin words that are neither
    allowed (:data:`ALLOWED`) nor ``ids``."""
    for pattern in (ASCII_AFTER_HAN, ASCII_BETWEEN_HAN, ASCII_BRACKET_HAN):
        for match in pattern.finditer(text):
            words.setdefault(match.group(0), []).append(url)
    for token in TOKEN.findall(text):
        if token.strip(".-") in codes:
            words.setdefault(f"code {token.strip('.-')}", []).append(url)
    # Identifiers and file names (resettlement_area, qingdao-2023-quarterly, a.txt)
    # are ids, read as they are.
    for word in LATIN_WORD.findall(IDENTIFIER.sub(" ", text)):
        if word in ALLOWED:
            continue
        # An id cut short by a truncated text counts as the id.
        if any(i == word or (len(word) > 3 and i.startswith(word)) for i in ids):
            continue
        words.setdefault(word, []).append(url)


@dataclass
class Crawl:
    """What one role's crawl found: bad answers, stray words and codes, pages visited."""

    pages: int = 0
    bad: list[str] = field(default_factory=list)
    words: dict[str, list[str]] = field(default_factory=dict)
    visited: list[str] = field(default_factory=list)


@override_settings(LANGUAGE_CODE="zh-hans")
class CrawlTests(BaseTestCase):
    """Every page each role can reach from its start pages, on one demo: every link answers
    200 or a deliberate 403 (never 404 or 500), and the Chinese pages' visible text has no
    stray Latin word, no ASCII ':' or '.' after Han and no internal code.

    Every route a role can reach is visited, with every value of each of its parameters
    (every period, unit, indicator, audit entry, filter value) at least once and at
    least ``FEW`` times in all (:meth:`novel`), not with every combination of them: the
    demo's full set is about 300 pages for a reader and 850 for the office, of which
    most are the same indicator or unit page once per period; on the shared 2-core
    machine the full set took over five minutes, the covering set a fraction of it.
    The login page's ``next`` is left out (:func:`canonical`). More than ``MAX_PAGES``
    for a role fails: a link pattern that multiplies pages is a defect of its own.
    """

    MAX_PAGES = 2500
    FEW = 3
    # (view, parameter) pairs whose every value need not be visited: see EnglishCrawlTests.
    SAME: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.ids = readable_ids()
        cls.codes = internal_codes() - ALLOWED - cls.ids

    def crawl(self, user) -> Crawl:  # type: ignore[no-untyped-def]
        if user is not None and user.is_reporter:
            # A draft result to crawl: the office computes 2023Q4's.
            self.login(self.office)
            self.client.post("/workflow/periods/2023Q4/compute/")
        self.login(user)
        seen: set[str] = set()
        queue = deque(start_pages(user))
        found = Crawl()
        covered: dict[str, set[tuple[str, str]]] = {}
        while queue:
            url = queue.popleft()
            if url in seen or SKIP.search(url):
                continue
            seen.add(url)
            if not self.novel(url, covered):
                continue
            self.assertLessEqual(found.pages, self.MAX_PAGES, f"{user}: the crawl does not end")
            response = self.client.get(url)
            found.pages += 1
            found.visited.append(url)
            if response.status_code in (404, 500) or response.status_code >= 500:
                found.bad.append(f"{url} {response.status_code}")
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            page = _Page(response.content.decode())
            self.words_of(url, " ".join(page.text), found.words)
            self.chrome_of(url, response.content.decode(), found.words)
            for href in page.links:
                path = canonical(url, href)
                if path is not None and path not in seen:
                    queue.append(path)
        return found

    def novel(self, url: str, covered: dict[str, set[tuple[str, str]]]) -> bool:
        """Whether ``url`` shows something the crawl has not seen: a route visited fewer
        than ``FEW`` times, or a value of one of its parameters (path or query) not seen
        on that route yet. Every route is visited with every period, unit, indicator,
        audit entry... at least once, not with every combination of them. With
        ``LEITAI_FULL_CRAWL=1`` in the environment every link is visited (minutes)."""
        from django.urls import Resolver404, resolve

        if os.environ.get("LEITAI_FULL_CRAWL") == "1":
            return True

        split = urlsplit(url)
        try:
            match = resolve(split.path)
        except Resolver404:
            return True  # to be reported
        params = {
            (k, str(v)) for k, v in match.kwargs.items() if (match.view_name, k) not in self.SAME
        }
        params |= {(k, v) for k, v in parse_qsl(split.query, keep_blank_values=True)}
        key = match.route + "?" + "&".join(sorted({k for k, _v in parse_qsl(split.query)}))
        values = covered.setdefault(key, set())
        count = sum(1 for k, _v in values if k == "")
        if params <= values and count >= self.FEW:
            return False
        values |= params | {("", url)}
        return True

    def words_of(self, url: str, text: str, words: dict[str, list[str]]) -> None:
        stray_words(url, text, words, ids=self.ids, codes=self.codes)

    def chrome_of(self, url: str, html: str, words: dict[str, list[str]]) -> None:
        """Nothing more to check on a Chinese page (the English crawl checks its chrome)."""

    def check(self, user) -> Crawl:  # type: ignore[no-untyped-def]
        found = self.crawl(user)
        print(f"\n{user}: {found.pages} pages")
        self.assertEqual(found.bad, [], user)
        self.assertEqual(found.words, {}, f"{user}:\n{_report(found.words)}")
        return found

    def test_office(self) -> None:
        found = self.check(self.office)
        # The office reaches the work pages, not only the boards.
        for page in ("/workflow/periods/2023Q4/", "/audit/"):
            self.assertIn(page, found.visited)

    def test_reporter(self) -> None:
        found = self.check(self.reporter_shibei)
        self.assertIn("/workflow/periods/2023Q4/units/shibei/", found.visited)

    def test_other_reporter(self) -> None:
        self.check(self.reporter_licang)

    def test_viewer(self) -> None:
        self.check(self.viewer)

    def test_anonymous(self) -> None:
        found = self.check(None)
        self.assertGreater(found.pages, 50)

    def test_logged_in_without_a_role(self) -> None:
        self.check(self.outsider)

    def test_provider(self) -> None:
        found = self.check(self.provider)
        self.assertIn("/workflow/periods/2023Q4/provider/", found.visited)


def _report(words: dict[str, list[str]]) -> str:
    return "\n".join(
        f"{w!r} on {len(urls)} pages, e.g. {urls[0]}" for w, urls in sorted(words.items())
    )


CHROME = re.compile(
    r'<header class="masthead">(.*?)</header>|<footer class="site">(.*?)</footer>'
    r'|<nav class="tabs"[^>]*>(.*?)</nav>|<p class="crumbs">(.*?)</p>',
    re.S,
)
WHO = re.compile(r'<span class="who">.*?</span>\s*</span>|<span class="who">.*?</span>', re.S)
HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
# The brand and the language's own name are Chinese in every language.
CHROME_ALLOWED = {"擂", "擂台", "简体中文"}


class EnglishCrawlTests(CrawlTests):
    """The same crawl of every role in English: every link answers as in Chinese, and the
    chrome (masthead, navigation, tabs, crumbs, footer) of every page has no Chinese left
    untranslated; people's and units' names (data) are left out.

    The chrome of a page names its period (the boards' tabs, the crumbs) and, on the
    workflow's pages only, its unit or upload (the crumbs); no indicator, audit entry,
    target or (outside the workflow) unit appears in it. The Chinese crawl reads every
    one of those pages' content; here the parameters in ``SAME`` do not make a page new
    (:meth:`CrawlTests.novel`): each route is still seen with every value of its other
    parameters (periods, years, query values, the units of the report cards and of the
    workflow), ``FEW`` times at least, and every role still sees every view with every
    set of templates the full English crawl showed it (compared when this was changed:
    80 such kinds for the office, all kept) in about 30% fewer pages.
    """

    SAME = frozenset(
        {
            ("boards:indicator", "indicator"),
            ("audit:entry", "pk"),
            ("boards:unit_data", "unit"),
            ("analysis:whatif", "unit"),
            ("targets:unit", "unit"),
            ("targets:report", "unit"),
            ("targets:report", "target"),
            ("targets:edit", "unit"),
            ("targets:edit", "target"),
        }
    )

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        from leitai.web.assessments.models import Period, Scheme, Unit
        from leitai.web.workflow.models import Department

        # Data, not words of the page: the names of schemes, periods, units, departments
        # (a crumb names the scheme and the period as the office wrote them).
        names = set(Scheme.objects.values_list("name", flat=True))
        names |= set(Period.objects.exclude(name="").values_list("name", flat=True))
        names |= set(Unit.objects.values_list("name", flat=True))
        names |= set(Department.objects.values_list("name", flat=True))
        cls.data = sorted(names, key=len, reverse=True)

    def login(self, user) -> None:  # type: ignore[no-untyped-def]
        super().login(user)
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    def words_of(self, url: str, text: str, words: dict[str, list[str]]) -> None:
        """English pages are English: the Chinese pages' word checks do not apply."""

    def chrome_of(self, url: str, html: str, words: dict[str, list[str]]) -> None:
        for match in CHROME.finditer(WHO.sub("", html)):
            chrome = re.sub(r"<[^>]+>", " ", "".join(g or "" for g in match.groups()))
            for name in self.data:
                chrome = chrome.replace(name, " ")
            for run in HAN_RUN.findall(chrome):
                if run not in CHROME_ALLOWED:
                    words.setdefault(f"chrome {run}", []).append(url)
