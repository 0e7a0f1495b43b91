"""The bell and a reminder e-mail in the system Chromium (screenshots to look at).

Screenshots go to ``screenshots/reminders-*.png`` (not committed).
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.web.browser import MARKS, screenshot
from tests.web.browser import log_in as shared_log_in

pytestmark = MARKS


def test_the_office_sees_the_bell_and_the_status_board_panel(
    browser,
    demo_server: tuple[str, Path],  # type: ignore[no-untyped-def]
) -> None:
    from playwright.sync_api import expect

    base, _ = demo_server
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    shared_log_in(page, base, "office")
    page.wait_for_url(re.compile(r"/$"))
    bell = page.locator("header .bell")
    # The demo's "3 days before" point told the office of 城阳区's waiting objection.
    expect(bell.locator(".bell-count")).to_have_text(re.compile(r"^[1-9]\d*$"))
    screenshot(page, "reminders-bell", full_page=False)
    bell.click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    expect(page.locator("article.notification.unread").first).to_contain_text("2023Q4")
    screenshot(page, "reminders-notifications")
    page.goto(base + "/workflow/periods/2023Q4/")
    panel = page.locator("#reminders")
    expect(panel).to_contain_text("填报截止时间")
    expect(panel.get_by_role("button", name="立即发送催报")).to_be_visible()
    panel.scroll_into_view_if_needed()
    screenshot(page, "reminders-status-board")
    context.close()


def test_a_reminder_email_renders_as_html(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from django.template.loader import render_to_string
    from django.utils import translation

    message = {
        "title": "2023Q4 催报：市北区尚有数据未报",
        "name": "田宝",
        "lines": [
            "填报截止时间：2024-01-10 17:00。",
            "数据已填报但尚未提交（20 项中有 3 项为空）。",
            "异常值未说明：地区生产总值增速变动超出限度，请填写说明。",
        ],
        "url": "https://kaohe.example.cn/workflow/periods/2023Q4/units/shibei/",
    }
    with translation.override("zh-hans"):
        html = render_to_string("reminders/email.html", message)
    path = tmp_path / "reminder.html"
    path.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": 720, "height": 560})
    page.goto(path.as_uri())
    assert page.get_by_role("heading", level=1).inner_text() == message["title"]
    assert page.get_by_role("link", name="在擂台中打开").get_attribute("href") == message["url"]
    screenshot(page, "reminders-email")
    page.close()
