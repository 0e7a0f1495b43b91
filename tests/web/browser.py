"""What the browser tests share: the system Chromium, screenshots and logging in.

The ``browser`` fixture (tests/web/conftest.py) launches Chromium once per module:
Debian's ``chromium-headless-shell`` where it is installed (the same Chromium built for
headless use, as Playwright's own default for headless runs: about a third less CPU per
page than the full browser run headless), else ``/usr/bin/chromium``.

Screenshots (``screenshots/``, not committed) are taken when ``LEITAI_SCREENSHOTS=1``
is set, e.g. ``LEITAI_SCREENSHOTS=1 python -m pytest -n 0 tests/web/test_browser_years.py``
after a change to the pages: they are there to be looked at and check nothing, and a
full-page capture of a freshly loaded page costs Chromium 0.1–0.4 s of CPU (the
suite would take about a hundred at every run).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

CHROMIUMS = (Path("/usr/bin/chromium-headless-shell"), Path("/usr/bin/chromium"))
CHROMIUM = next((path for path in CHROMIUMS if path.exists()), CHROMIUMS[-1])
SHOTS = Path(__file__).resolve().parents[2] / "screenshots"
SCREENSHOTS = os.environ.get("LEITAI_SCREENSHOTS", "") not in ("", "0")
PASSWORD = "leitai-demo"

MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no system Chromium at /usr/bin/chromium"),
]


def screenshot(page: Any, name: str, *, full_page: bool = True) -> None:
    """Save ``screenshots/<name>.png`` (not committed) to look at after a change, when
    ``LEITAI_SCREENSHOTS=1`` (see above)."""
    if not SCREENSHOTS:
        return
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def log_in(page: Any, base: str, username: str) -> None:
    """Log in through the login form as a demo account."""
    page.goto(base + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


# Characters the CJK faces' PDF text maps to radicals that NFKC leaves alone (⻩ for 黄).
_RADICALS = str.maketrans(
    "⻩⻓⻔⻢⻋⻅⻘⻝⻜⻥⻦⻬⻮⻄⻛⻙⻚⻉⻆⻤⻨⻑⻈⻊⻒⻖⻗",
    "黄长门马车见青食飞鱼鸟齐齿西风韦页贝角鬼麦镸讠钅糸阝雨",
)


def pdf_text(page: Any) -> str:
    """A PDF page's text as written: compatibility forms folded (NFKC), spaces removed.

    Chromium's PDF of the Noto CJK faces maps some characters to their Kangxi or
    supplement radical twins (⼀ for 一, ⻩ for 黄) and full-width brackets to ASCII.
    """
    import re
    import unicodedata

    text = unicodedata.normalize("NFKC", page.extract_text()).translate(_RADICALS)
    return re.sub(r"\s+", "", text)


def folded(text: str) -> str:
    """``text`` as :func:`pdf_text` gives it back."""
    import re
    import unicodedata

    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).translate(_RADICALS))


def names_after(text: str, marker: str, name: str) -> bool:
    """Whether ``name`` follows ``marker`` somewhere in a PDF page's :func:`pdf_text`.

    One character may differ: a face's glyph shared by two code points comes back as
    either (胶 as 㬵), so an exact match would test the font, not the page.
    """
    name = folded(name)
    start = text.find(marker)
    while start != -1:
        segment = text[start + len(marker) : start + len(marker) + len(name)]
        if (
            len(segment) == len(name)
            and sum(a != b for a, b in zip(segment, name, strict=True)) <= 1
        ):
            return True
        start = text.find(marker, start + 1)
    return False
