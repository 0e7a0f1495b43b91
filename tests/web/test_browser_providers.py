"""In the system Chromium: a department's data provider (市住房城乡建设局 in the demo's
2023Q4) fills its indicators online for a unit, reads an indicator's 口径 beside the
fields, attaches evidence; the office sees the status board by provider and by unit.

Screenshots: ``screenshots/provider-form.png`` (the provider's page: the definitions,
the units down and the five indicators across, the evidence card) and
``screenshots/provider-board.png`` (the office's status board, the 数据提供部门 card).
"""

from __future__ import annotations

import pytest

from tests.web.browser import MARKS, SHOTS, log_in, screenshot

pytestmark = MARKS

NAME = "老旧小区改造开工台账（示意）.pdf"
BODY = b"%PDF-1.4 illustrative ledger"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from tests.web.conftest import start_demo_server, stop

    process, base = start_demo_server(tmp_path_factory.mktemp("leitai-providers"))
    try:
        yield base
    finally:
        stop(process)


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
    page.goto(server + "/workflow/periods/2023Q4/")
    board = page.locator("#providers")
    expect(board.locator('tr[data-department="tongji"]')).to_contain_text("已提交")
    expect(board.locator('tr[data-department="zhujian"]')).to_contain_text("50 / 50")
    expect(page.locator('tr[data-unit="shibei"]')).to_be_visible()
    board.scroll_into_view_if_needed()
    screenshot(page, "provider-board")
    board.screenshot(path=str(SHOTS / "provider-board-card.png"))
    assert errors == []
    context.close()
