"""In the system Chromium: the visible ties of 2023Q1 and an explained jump in 2023Q4.

Screenshots: ``screenshots/ties-league.png`` (2023Q1 league table: 市北区 and 胶州市
in 城市更新建设 under their stars as 63.835 and 63.825, with the note),
``screenshots/ties-stars.png`` and ``screenshots/anomalies-review.png`` (the office's
review of 2023Q4 with 市北区's explained jump in 地区生产总值增速).
"""

from __future__ import annotations

from tests.web.browser import MARKS, log_in, screenshot

pytestmark = MARKS

WHY = "一季度新投产项目集中释放产能，统计局已核实。"


def test_ties_show_their_decimals_and_a_jump_is_explained_for_the_office(
    browser,  # type: ignore[no-untyped-def]
    server: str,
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: dialog.accept())

    page.goto(server + "/periods/2023Q1/")
    shibei = page.locator('tr[data-unit="shibei"]')
    expect(shibei).to_contain_text("63.835")
    expect(page.locator('tr[data-unit="jiaozhou"]')).to_contain_text("63.825")
    expect(page.locator('[data-note="ties"]')).to_be_visible()
    screenshot(page, "ties-league")
    page.goto(server + "/periods/2023Q1/stars/")
    expect(page.locator(".tie-score").first).to_be_visible()
    screenshot(page, "ties-stars")

    log_in(page, server, "shibei")
    page.goto(server + "/workflow/periods/2023Q4/units/shibei/")
    page.locator("#v-gdp_growth").fill("9.8")
    page.get_by_role("button", name="保存数据").click()
    alert = page.locator('.alert-box[data-alert="gdp_growth"]')
    expect(alert).to_contain_text("117.8%")
    page.locator("#x-gdp_growth").fill(WHY)
    page.get_by_role("button", name="保存数据").click()
    expect(page.locator("#x-gdp_growth")).to_have_value(WHY)
    expect(page.locator(".messages")).to_contain_text("已保存情况说明：1 项")
    screenshot(page, "anomalies-form")
    page.get_by_role("button", name="提交考核办").click()
    expect(page.locator(".messages")).to_contain_text("已提交考核办")

    page.get_by_role("button", name="退出").click()
    log_in(page, server, "office")
    page.goto(server + "/workflow/periods/2023Q4/")
    row = page.locator('tr[data-alert="shibei.gdp_growth"]')
    expect(row).to_contain_text("9.8")
    expect(row).to_contain_text("4.5")
    expect(row).to_contain_text("117.8%")
    expect(row).to_contain_text(WHY)
    row.scroll_into_view_if_needed()
    screenshot(page, "anomalies-review")
    assert errors == []
    context.close()
