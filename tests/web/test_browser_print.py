"""Printing from the browser: Chromium's PDF of a report card and of the boards.

Every printed page carries its title (scheme, period, unit) in the page's top box and
"page / pages" at its foot (static/leitai/css/print.css and boards/_period_header.html).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.web.browser import MARKS, SHOTS, folded, pdf_text

pytestmark = MARKS

SCHEME = folded("2023年度经济运行及重点工作季度“摘星夺旗”考核办法（示意）")


@pytest.fixture(scope="module")
def page(browser) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """One browser page for both prints (a context of its own costs about 0.4 s of CPU)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def _printed(page, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    page.emulate_media(media="screen")  # loaded as on a screen, as a fresh page would be
    page.goto(url)
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    return [pdf_text(p) for p in PdfReader(io.BytesIO(pdf)).pages], pdf


def test_a_printed_report_card_shows_unit_period_and_scheme_on_every_page(
    page,
    demo_server: tuple[str, Path],  # type: ignore[no-untyped-def]
) -> None:
    base, _ = demo_server
    pages, pdf = _printed(page, base + "/periods/2023Q1/units/licang/")
    SHOTS.mkdir(exist_ok=True)
    (SHOTS / "print-card-licang-2023Q1.pdf").write_bytes(pdf)
    assert len(pages) >= 2, "the card with its indicator table runs over more than one page"
    for number, text in enumerate(pages, start=1):
        flat = text
        assert "李沧区" in flat, f"page {number} does not name the unit"
        assert "2023年第一季度" in flat, f"page {number} does not name the period"
        assert SCHEME in flat, f"page {number} does not name the scheme"
        assert f"{number}/{len(pages)}" in flat, f"page {number} has no page number"
    # The screen's masthead and tabs are not printed.
    assert "红色成绩单" not in pages[0].split("李沧区")[0]


def test_the_printed_league_table_is_titled_and_numbered(
    page,
    demo_server: tuple[str, Path],  # type: ignore[no-untyped-def]
) -> None:
    base, _ = demo_server
    pages, pdf = _printed(page, base + "/periods/2023Q1/")
    # Every page A4 landscape: no portrait first page before the table (the skip link,
    # left in, once gave itself one in about half of the prints).
    sizes = [
        (round(p.mediabox.width), round(p.mediabox.height))
        for p in PdfReader(io.BytesIO(pdf)).pages
    ]
    assert sizes == [(842, 595)] * len(pages), sizes
    title = folded(
        "2023年度经济运行及重点工作季度“摘星夺旗”考核办法（示意）· 2023年第一季度 · 综合成绩"
    )
    for number, text in enumerate(pages, start=1):
        flat = text
        assert "2023年第一季度" in flat and SCHEME in flat
        assert f"{number}/{len(pages)}" in flat
        # No page but the last is left nearly empty (the indicators' card, taller than
        # what was left of a page, once moved whole and left a page with one line of text).
        body = flat.replace(title, "").replace(f"{number}/{len(pages)}", "")
        if number < len(pages):
            assert len(body) > 200, f"page {number} is nearly empty: {body}"
