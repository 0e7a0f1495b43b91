"""In the system Chromium: the office's account list, and 崂山区's two-step approval.

The office returns 崂山区's 2023Q4 submission; 崂山区's reporter submits again, which
goes to the unit's 审核人 (``laoshan-shenhe``), not to the office; the 审核人 sends it
back with a reason, the reporter submits once more, the 审核人 approves, and only then
does the office's status board show it submitted, with the approver's name.

Screenshots: ``screenshots/accounts-list.png`` (账号管理: names, logins, units, roles
with the 审核人 mark, last logins, active), ``screenshots/approval-step.png`` (the
审核人's page of 崂山区: who prepared the figures, the approve and send-back buttons)
and ``screenshots/approval-office.png`` (the status board with 待单位审核 for 崂山区).
"""

from __future__ import annotations

from pathlib import Path

from tests.web.browser import MARKS, log_in, screenshot

pytestmark = MARKS

# On the shared demo server: 崂山区's 2023Q4 ends submitted, as the demo has it, and no
# other test reads it there.
UNIT = "/workflow/periods/2023Q4/units/laoshan/"
BOARD = "/workflow/periods/2023Q4/"


def _person(browser, server: str, username: str, errors: list[str]):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, server, username)
    return context, page


def test_the_office_lists_accounts_with_names_units_roles_and_last_logins(
    browser,  # type: ignore[no-untyped-def]
    demo_server: tuple[str, Path],
) -> None:
    from playwright.sync_api import expect

    server, _ = demo_server
    errors: list[str] = []
    context, page = _person(browser, server, "office", errors)
    page.get_by_role("link", name="账号", exact=True).click()
    table = page.locator("table.accounts")
    approver = table.locator('tr[data-account="laoshan-shenhe"]')
    expect(approver).to_contain_text("崂山区")
    expect(approver.locator("[data-approver]")).to_have_text("审核人")
    office = table.locator('tr[data-account="office"]')
    expect(office).to_contain_text("考核办")
    expect(office.locator("td").nth(5)).not_to_have_text("从未登录")  # logged in just now
    screenshot(page, "accounts-list")
    page.get_by_label("角色").select_option("approver")
    page.get_by_role("button", name="筛选").click()
    # 崂山区's 审核人 and 市住房城乡建设局's (a department's approver).
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator('tr[data-account="zhujian-shenhe"]')).to_contain_text("审核人")
    assert errors == []
    context.close()


def test_laoshans_submission_goes_through_its_approver_before_the_office(
    browser,  # type: ignore[no-untyped-def]
    demo_server: tuple[str, Path],
) -> None:
    from playwright.sync_api import expect

    server, _ = demo_server
    errors: list[str] = []
    office, office_page = _person(browser, server, "office", errors)
    office_page.goto(server + UNIT)
    office_page.locator("#id_reason").fill("请补充新签约项目清单后重新提交。")
    office_page.get_by_role("button", name="退回该单位").click()
    expect(office_page.locator("[data-returned]")).to_be_visible()

    reporter, page = _person(browser, server, "laoshan", errors)
    page.goto(server + UNIT)
    expect(page.locator("[data-approval-on]")).to_be_visible()
    page.get_by_role("button", name="提交本单位审核").click()
    expect(page.locator("[data-pending-approval]")).to_be_visible()

    # The office does not have it yet: the board says 待单位审核.
    office_page.goto(server + BOARD)
    row = office_page.locator('tr[data-unit="laoshan"]')
    expect(row.locator("[data-status]")).to_have_text("待单位审核")
    row.scroll_into_view_if_needed()
    screenshot(office_page, "approval-office", full_page=False)

    approver, approver_page = _person(browser, server, "laoshan-shenhe", errors)
    approver_page.goto(server + UNIT)
    approver_page.locator("#id_send_back_reason").fill("招商引资到位资金与台账不一致，请核对。")
    approver_page.get_by_role("button", name="退回填报人").click()
    expect(approver_page.locator("[data-sent-back]")).to_contain_text("台账不一致")

    page.goto(server + UNIT)
    expect(page.locator("[data-sent-back]")).to_contain_text("台账不一致")
    page.get_by_role("button", name="提交本单位审核").click()
    expect(page.locator("[data-pending-approval]")).to_be_visible()

    approver_page.goto(server + UNIT)
    expect(approver_page.locator("[data-pending-approval]")).to_contain_text("崂山区填报员")
    approver_page.locator("#submission").scroll_into_view_if_needed()
    screenshot(approver_page, "approval-step", full_page=False)
    approver_page.get_by_role("button", name="审核通过并报送考核办").click()
    expect(approver_page.locator("[data-approved]")).to_contain_text("崂山区审核人")

    office_page.goto(server + BOARD)
    row = office_page.locator('tr[data-unit="laoshan"]')
    expect(row.locator("[data-status]")).to_have_text("已提交")
    expect(row.locator("[data-approved-by]")).to_contain_text("崂山区审核人")
    assert errors == []
    for context in (office, reporter, approver):
        context.close()
