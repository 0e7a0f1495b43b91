"""What the browser tests share: the system Chromium, screenshots and logging in.

The ``browser`` fixture (tests/web/conftest.py) launches Chromium once per module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "screenshots"
PASSWORD = "leitai-demo"

MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no system Chromium at /usr/bin/chromium"),
]


def screenshot(page: Any, name: str, *, full_page: bool = True) -> None:
    """Save ``screenshots/<name>.png`` (not committed) to look at after a change."""
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def log_in(page: Any, base: str, username: str) -> None:
    """Log in through the login form as a demo account."""
    page.goto(base + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
