"""In the system Chromium: a department's data provider (市住房城乡建设局 in the demo's
2023Q4) fills its indicators online for a unit, reads an indicator's 口径 beside the
fields, sees its own deadline, attaches evidence; the office sees the bell with its unread
count, opens the day's digest, sees the status board by provider (with the departments'
deadlines) and by unit, and the page of who supplies each indicator. A provider's
reminder e-mail, as the test SMTP server received it, is rendered in Chromium.

Screenshots: ``screenshots/provider-form.png`` (the provider's page: the definitions,
the units down and the five indicators across, the evidence card),
``screenshots/provider-board.png`` (the office's status board, the 数据提供部门 card),
``provider-digest.png`` (the office's notifications with the digest),
``provider-assignments*.png`` (who supplies each indicator, desktop and 390 px) and
``provider-email*.png`` (the reminder e-mail's HTML part, 720 and 390 px).
"""

from __future__ import annotations

import re
import socket
from pathlib import Path
from typing import Any

from tests.web.browser import MARKS, SCREENSHOTS, SHOTS, log_in, screenshot

pytestmark = MARKS

NAME = "老旧小区改造开工台账（示意）.pdf"
BODY = b"%PDF-1.4 illustrative ledger"


def test_a_provider_fills_its_indicators_online_and_the_office_sees_both_boards(
    browser,  # type: ignore[no-untyped-def]
    server: str,
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    log_in(page, server, "zhujian")
    page.goto(server + "/workflow/")
    page.locator('[data-period="2023Q4"] a').click()
    expect(page.locator("h1")).to_contain_text("市住房城乡建设局")
    # Its own deadline (the demo's: a day before the period's), and its reminder in the bell.
    expect(page.locator("[data-provider-deadline] .deadline-own")).to_have_text(
        re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$")
    )
    expect(page.locator("header .bell .bell-count")).to_have_text(re.compile(r"^[1-9]\d*$"))
    definition = page.locator('[data-definition="estates_started"]')
    expect(definition).to_be_visible()
    expect(definition).to_contain_text("口径：")
    # Only the department's indicators, for every unit.
    expect(page.locator('input[name^="v:"]')).to_have_count(50)
    expect(page.locator('input[name="v:shibei:gdp_growth"]')).to_have_count(0)

    field = page.locator('input[name="v:shibei:estates_started"]')
    field.fill("9500")
    page.get_by_role("button", name="保存数据").click()
    expect(page.locator(".messages")).to_contain_text("已保存：1 处数据变更。")
    expect(page.locator('input[name="v:shibei:estates_started"]')).to_have_value("9500")

    page.locator("#evidence-unit").select_option("shibei")
    page.locator("#evidence-key").select_option("estates_started")
    page.locator("#evidence-file").set_input_files(
        files=[{"name": NAME, "mimeType": "application/pdf", "buffer": BODY}]
    )
    page.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(f"已上传：{NAME}")
    expect(page.locator('[data-evidence="shibei:estates_started"]')).to_contain_text(NAME)
    screenshot(page, "provider-form")

    context.clear_cookies()
    log_in(page, server, "office")
    page.wait_for_url(re.compile(r"/$"))
    # The bell: the demo's reminders of 2023Q4 and the day's digest, unread.
    count = page.locator("header .bell .bell-count")
    expect(count).to_have_text(re.compile(r"^[1-9]\d*$"))
    unread = int(count.inner_text())
    page.locator("header .bell").click()
    digest = page.locator("article.notification.unread", has_text="每日汇总")
    expect(digest).to_have_count(1)
    expect(digest).to_contain_text("部门报送：2 个中已报送 1 个；尚未报送：市住房城乡建设局。")
    screenshot(page, "provider-digest")
    digest.get_by_role("button", name="标为已读并打开").click()
    expect(page).to_have_url(re.compile(r"/workflow/periods/2023Q4/$"))
    expect(page.locator("header .bell .bell-count")).to_have_text(str(unread - 1))
    board = page.locator("#providers")
    expect(board.locator('tr[data-department="tongji"]')).to_contain_text("已提交")
    expect(board.locator('tr[data-department="zhujian"]')).to_contain_text("50 / 50")
    # Deadlines: 住建局 its own, 统计局 the period's.
    expect(board.locator('tr[data-department="zhujian"] .deadline-own')).to_be_visible()
    expect(board.locator('tr[data-department="tongji"]')).to_contain_text("本期截止时间")
    expect(page.locator('tr[data-unit="shibei"]')).to_be_visible()
    board.scroll_into_view_if_needed()
    screenshot(page, "provider-board")
    if SCREENSHOTS:
        board.screenshot(path=str(SHOTS / "provider-board-card.png"))

    page.get_by_role("link", name="指标提供方").first.click()
    expect(page.locator("h1")).to_contain_text("指标提供方")
    expect(page.locator('tr[data-key="retail_growth"]')).to_contain_text("市统计局")
    expect(page.locator('tr[data-key="gdp_growth"]')).to_contain_text("各单位自行填报")
    # Foreign trade: the units have entered it in 2023Q4, so it cannot pass to 住建局;
    # retail (统计局's, entered by its provider) cannot pass back to the units.
    for key, choice in (("trade_growth", "zhujian"), ("retail_growth", "")):
        row = page.locator(f'tr[data-key="{key}"]')
        supplier = row.get_attribute("data-supplier")
        row.locator("select").select_option(choice)
        row.get_by_role("button", name="保存").click()
        expect(page.locator(".messages")).to_contain_text("请先清除这些数据")
        expect(page.locator(f'tr[data-key="{key}"]')).to_have_attribute("data-supplier", supplier)
    screenshot(page, "provider-assignments")
    assert errors == []
    context.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = phone.new_page()
    log_in(page, server, "office")
    page.goto(server + "/workflow/periods/2023Q4/assignments/")
    expect(page.locator('tr[data-key="gdp_growth"]')).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, "provider-assignments-phone")
    page.goto(server + "/workflow/periods/2023Q4/")
    page.locator("#providers").scroll_into_view_if_needed()
    screenshot(page, "provider-board-phone", full_page=False)
    phone.close()
    assert width <= 390, width


class _Mailbox:
    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(envelope.content)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_providers_reminder_email_from_the_smtp_server_renders_as_html(
    browser,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    from email import message_from_bytes

    from aiosmtpd.controller import Controller
    from django.test import override_settings
    from django.utils import translation

    from leitai.web.reminders.channels import email_send

    mailbox = _Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    smtp.start()
    message = {  # as the planner words a department's reminder (tests/web/test_reminders_providers.py)
        "title": "2023Q4 催报：市住房城乡建设局尚有数据未报",
        "name": "王建",
        "lines": [
            "填报截止时间：2024-01-09 17:00。",
            "各单位数据已填报但尚未提交（50 项中有 1 项为空）。",
            "异常值未说明：李沧区的老旧小区改造开工户数变动超出限度，请填写说明。",
        ],
        "link": "/workflow/periods/2023Q4/provider/",
    }
    try:
        with (
            override_settings(
                EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                EMAIL_HOST="127.0.0.1",
                EMAIL_PORT=smtp.port,
                EMAIL_USE_TLS=False,
                EMAIL_USE_SSL=False,
                LEITAI_BASE_URL="https://kaohe.example.cn",
            ),
            translation.override("zh-hans"),
        ):
            email_send(to="zhujian@example.cn", message=message)
    finally:
        smtp.stop()
    (content,) = mailbox.received
    parts = {
        p.get_content_type(): p.get_payload(decode=True).decode()
        for p in message_from_bytes(content).walk()
        if not p.is_multipart()
    }
    for line in message["lines"]:
        assert line in parts["text/plain"]
    path = tmp_path / "reminder.html"
    path.write_text(parts["text/html"], encoding="utf-8")
    for width, name in ((720, "provider-email"), (390, "provider-email-phone")):
        page = browser.new_page(viewport={"width": width, "height": 640})
        page.goto(path.as_uri())
        assert page.get_by_role("heading", level=1).inner_text() == message["title"]
        assert [li.inner_text() for li in page.locator("li").all()] == message["lines"]
        link = page.get_by_role("link", name="在擂台中打开")
        assert (
            link.get_attribute("href")
            == "https://kaohe.example.cn/workflow/periods/2023Q4/provider/"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, name)
        page.close()
