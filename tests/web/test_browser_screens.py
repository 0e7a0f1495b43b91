"""Phones (390 px), a laptop (1280 px) and a hall's screen (1920×1080): the league table,
the report card, the targets board, the reporter's form, the status board and the
presenter view have no sideways overflow and no clipped text, and from 1280 px no table
that hides columns behind a sideways scroll. Screenshots (the first screen of each page)
go to ``screenshots/screen-*.png``.

Each account logs in once for the three widths: its page is sized to the width before
each page is loaded, as a fresh browser of that size would load it (a login and its
browser context cost about 1.5 s of CPU, two accounts at three widths were 6 s).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.browser import MARKS, log_in, screenshot

pytestmark = MARKS

PAGES = [
    # (name, who, path); each page is whole when it has loaded (its scripts run before the
    # load event and fetch nothing) but the presenter view: see SETTLED
    ("league", None, "/periods/2023Q3/"),
    ("card", None, "/periods/2023Q3/units/huangdao/"),
    ("targets", "office", "/targets/"),
    ("form", "shibei", "/workflow/periods/2023Q4/units/shibei/"),
    ("figures", "shibei", "/periods/2023Q4/units/shibei/data/"),
    ("status", "office", "/workflow/periods/2023Q4/"),
    ("present", None, "/arena/2023-05-27/present/"),
]
# What a page fetches after it has loaded, shown once there: the presenter view asks
# live.js for the count of the unit on stage (the demo has one open) and shows it.
SETTLED = {"present": "#live-count:not([hidden]) .who:not(:empty)"}
SIZES = {"w390": (390, 844), "w1280": (1280, 800), "w1920": (1920, 1080)}
# From a laptop's width up, a table shows whole: a scrolling table hides columns (the
# status board's objections and return buttons were cut off at 1280 px). On a phone a
# table may scroll sideways inside its frame.
WHOLE_TABLES_FROM = 1280

# Elements wider than the page, and text cut by its box (overflow hidden, ellipsis or a
# single Han character per line: a name broken one character a line).
PROBE = """() => {
  const out = {scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
               wide: [], clipped: [], broken: [], scrolled: []};
  for (const wrap of document.querySelectorAll('.table-wrap'))
    if (wrap.offsetParent && wrap.scrollWidth > wrap.clientWidth + 1)
      out.scrolled.push((wrap.querySelector('table') || wrap).className + ' ' + wrap.scrollWidth + ' > ' + wrap.clientWidth);
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (!r.width || el.closest('.visually-hidden, details:not([open]) > :not(summary)') || !el.offsetParent && getComputedStyle(el).position !== 'fixed') continue;
    if (r.right > window.innerWidth + 1 && !el.closest('.table-wrap, [data-scroll-x]'))
      out.wide.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right));
    const s = getComputedStyle(el);
    const text = (el.childNodes.length === 1 && el.firstChild.nodeType === 3)
      ? el.textContent.trim() : '';
    if (!text) continue;
    if ((s.overflow === 'hidden' || s.overflowX === 'hidden' || s.textOverflow === 'ellipsis')
        && el.scrollWidth > el.clientWidth + 1)
      out.clipped.push(el.tagName + '.' + el.className + ' ' + text.slice(0, 20));
  }
  // A name broken one or two characters a line, also beside other elements (an
  // indicator's name before its code): each text node on its own.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const parent = node.parentElement;
    if (!/^[\\u4e00-\\u9fff（）]{4,}$/.test(text) || !parent.offsetParent
        || !parent.getBoundingClientRect().width
        || parent.closest('.visually-hidden, details:not([open]) > :not(summary)')) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const lines = new Set([...range.getClientRects()].map(q => Math.round(q.top))).size;
    if (lines > 1 && text.length / lines <= 2.5)
      out.broken.push(parent.tagName + '.' + parent.className + ' ' + text);
  }
  return out;
}"""


@pytest.fixture(scope="module")
def pages(browser, server: str) -> Iterator[dict[str | None, Any]]:  # type: ignore[no-untyped-def]
    """A page of its own browser context for each account (None: no one logged in)."""
    opened: dict[str | None, Any] = {}
    for who in dict.fromkeys(who for _, who, _ in PAGES):
        page = browser.new_context(device_scale_factor=1).new_page()
        if who:
            log_in(page, server, who)
        opened[who] = page
    yield opened
    for page in opened.values():
        page.context.close()


@pytest.mark.parametrize("size", sorted(SIZES))
def test_the_main_pages_fit_phones_and_hall_screens(
    pages: dict[str | None, Any], server: str, size: str
) -> None:
    width, height = SIZES[size]
    problems: dict[str, dict] = {}
    for name, who, path in PAGES:
        page = pages[who]
        page.set_viewport_size({"width": width, "height": height})
        page.goto(server + path)
        if name in SETTLED:
            page.wait_for_selector(SETTLED[name])
        found = page.evaluate(PROBE)
        assert found["inner"] == width, (name, found["inner"])  # loaded at this width
        # The first screen only: a whole page's picture (up to 20,000 px tall on a phone)
        # cost more CPU than the page's load; the checks above measure the whole page.
        screenshot(page, f"screen-{size}-{name}", full_page=False)
        kinds = ["wide", "clipped", "broken"] + (["scrolled"] if width >= WHOLE_TABLES_FROM else [])
        bad = {k: found[k] for k in kinds if found[k]}
        if found["scroll"] > found["inner"]:
            bad["overflow"] = [f"{found['scroll']} > {found['inner']}"]
        if bad:
            problems[name] = bad
    assert problems == {}, json.dumps(problems, ensure_ascii=False, indent=1)
