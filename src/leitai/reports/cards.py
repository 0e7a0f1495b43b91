"""Printing pages to PDF with headless Chromium, and binding the PDFs together.

The batch of report cards is printed from the same HTML as the report card pages: the
caller renders each page and gives its HTML here with a way to find the page's static
files. Chromium (the system's, through Playwright) loads each page from memory — no
server, no network: every request is answered by ``assets`` or refused — and prints it
with the pages' own print rules (``@page`` size, title and page numbers, breaks), as
"Print to PDF" in the browser does.

Why Chromium: the pages are laid out for a browser (CSS grid, ``:has()``, Chart.js on a
canvas, ``@page`` margin boxes); printing them with the browser is the only route that
gives the same card on paper as on the screen. WeasyPrint would need the pages rewritten
without scripts and grid; LibreOffice does not lay out such HTML.
"""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["PrintPage", "bind_pdfs", "chromium_path", "print_pages", "zip_files"]

ORIGIN = "http://leitai.print"


@dataclass(frozen=True)
class PrintPage:
    """A page to print: its path on the site (for relative links), title and HTML."""

    path: str
    title: str
    html: str


def chromium_path() -> str | None:
    """The Chromium to print with: ``LEITAI_CHROMIUM``, else the system's, else None.

    None means Playwright's own browser, when one was installed (``playwright install``).
    """
    configured = os.environ.get("LEITAI_CHROMIUM")
    if configured:
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _content_type(path: str) -> str:
    import mimetypes

    return mimetypes.guess_type(path)[0] or "application/octet-stream"


def print_pages(
    pages: Sequence[PrintPage],
    *,
    assets: Callable[[str], bytes | None],
    progress: Callable[[int, int], object] | None = None,
    timeout_ms: float = 60_000,
) -> list[bytes]:
    """Print each page to a PDF of its own, in order.

    Parameters
    ----------
    pages : sequence of PrintPage
    assets : callable
        ``assets(path)`` returns the bytes of a static file the pages ask for (``path``
        is the URL's path, e.g. ``/static/leitai/css/print.css``), or None (refused).
    progress : callable, optional
        Called with ``(done, total)`` after each page (a job's progress report).

    Returns
    -------
    list of bytes
        One PDF per page.
    """
    from playwright.sync_api import sync_playwright

    current: dict[str, str] = {}

    def answer(route):  # type: ignore[no-untyped-def]
        path = urlsplit(route.request.url).path
        if not route.request.url.startswith(ORIGIN):
            return route.abort()
        if path == current["path"]:
            return route.fulfill(
                status=200, body=current["html"], content_type="text/html; charset=utf-8"
            )
        body = assets(path)
        if body is None:
            return route.abort()
        return route.fulfill(status=200, body=body, content_type=_content_type(path))

    out: list[bytes] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.route("**/*", answer)
            page = context.new_page()
            page.set_default_timeout(timeout_ms)
            page.emulate_media(media="print")
            for k, item in enumerate(pages, start=1):
                current.update(path=item.path, html=item.html)
                # Every file the page asks for is answered from memory, so "load" (the
                # page, its styles, scripts and images) is all there is to wait for, and
                # the fonts; "networkidle" had added half a second of quiet per card.
                page.goto(ORIGIN + item.path, wait_until="load")
                page.evaluate("document.fonts.ready.then(() => true)")
                out.append(page.pdf(prefer_css_page_size=True, print_background=True))
                if progress is not None:
                    progress(k, len(pages))
        finally:
            browser.close()
    return out


def bind_pdfs(pdfs: Sequence[bytes], titles: Sequence[str]) -> bytes:
    """One PDF of all ``pdfs`` in order, with a bookmark per part named by its title.

    Bound with qpdf (pikepdf), which copies the pages' objects as they are; pypdf parsed
    every object of each card's embedded CJK fonts (about 3 s a card).
    """
    import pikepdf

    buffer = io.BytesIO()
    # The parts stay open until the bound PDF is written: qpdf copies their streams then.
    with ExitStack() as parts, pikepdf.new() as bound:
        with bound.open_outline() as outline:
            for pdf, title in zip(pdfs, titles, strict=True):
                start = len(bound.pages)
                part = parts.enter_context(pikepdf.open(io.BytesIO(pdf)))
                bound.pages.extend(part.pages)
                outline.root.append(pikepdf.OutlineItem(title, start))
        bound.save(buffer)
    return buffer.getvalue()


def zip_files(files: Iterable[tuple[str, bytes]]) -> bytes:
    """A ZIP of ``(name, content)`` pairs (UTF-8 names, compressed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files:
            archive.writestr(Path(name).name, content)
    return buffer.getvalue()
