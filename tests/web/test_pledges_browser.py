"""In the system Chromium: the office pastes a damaged speech into the demo's arena session,
accepts two proposed pledges and rejects one; the targets board shows the two with their
evidence and the audit log records the three decisions. Screenshots in
``screenshots/pledges-*.png``."""

from __future__ import annotations

import re
from pathlib import Path

from tests.web.browser import MARKS, log_in
from tests.web.browser import screenshot as shot

pytestmark = MARKS

# Traditional characters, inserted pinyin and half-width punctuation, as offices receive them.
SPEECH = (
    "萊西市委書(shū)記:一季度萊西新開工項目44個,同比增長12%。"
    "萊西將力爭全年新增規上工業(yè)企業30家,確保上半年引進過億元項(xiàng)目12個,年內建成人才公寓800套。"
)


def test_paste_accept_two_reject_one_then_board_and_audit(
    browser, demo_server: tuple[str, Path]
) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    # The shared demo server, whose worker makes the proposals: 莱西市's two new targets
    # are in no other test's way (the arena's tests read 平度市's and 市北区's).
    base, _ = demo_server
    page = browser.new_context(viewport={"width": 1440, "height": 1000}).new_page()
    log_in(page, base, "office")
    page.goto(base + "/arena/2023-05-27/")
    page.get_by_role("link", name="从讲话提取军令状").click()
    expect(page).to_have_url(re.compile(r"/arena/2023-05-27/texts/$"))
    page.locator("textarea[name=text]").fill(SPEECH)
    page.locator("input[name=name]").fill("莱西市发言")
    page.get_by_role("button", name="提取军令状建议").click()

    # The server's worker reads the text; its page reloads itself until the proposals are there.
    expect(page).to_have_url(re.compile(r"/arena/2023-05-27/texts/\d+/$"))
    cards = page.locator("article.proposal")
    expect(cards).to_have_count(3, timeout=30_000)
    expect(page.locator(".repair-note")).to_contain_text("繁体字")
    expect(page.locator(".speech.repaired mark.figure")).to_have_count(3)
    expect(page.locator(".speech.repaired")).to_contain_text("莱西将力争全年新增规上工业企业30家")
    expect(page.locator("details.original")).to_contain_text("萊西將力爭")
    shot(page, "pledges-01-proposals")

    # Accept the first two (the second with an edited name), reject the third.
    first, second, third = (cards.nth(i) for i in range(3))
    first_name = first.locator("input[name$=-name]").input_value()
    first.get_by_role("button", name="采纳", exact=True).click()
    expect(page.locator("article.proposal.status-accepted")).to_have_count(1)
    second.locator("input[name$=-name]").fill("引进过亿元项目（上半年）")
    second.get_by_role("button", name="采纳", exact=True).click()
    expect(page.locator("article.proposal.status-accepted")).to_have_count(2)
    third.get_by_role("button", name="不予采纳").click()
    expect(page.locator("article.proposal.status-rejected")).to_have_count(1)
    shot(page, "pledges-02-decided")

    page.goto(base + "/targets/?unit=laixi&as_of=2023-05-31")
    rows = page.locator("table.targets tbody tr").filter(has=page.locator(".evidence"))
    expect(rows).to_have_count(2)
    expect(page.locator("table.targets")).to_contain_text(first_name)
    expect(page.locator("table.targets")).to_contain_text("引进过亿元项目（上半年）")
    expect(rows.first.locator(".evidence")).to_contain_text(
        "依据：莱西将力争全年新增规上工业企业30家"
    )
    # The rejected proposal (人才公寓 800套) is no target; it appears only inside the evidence.
    names = page.locator("table.targets tr[data-unit=laixi] td > a")
    expect(names.filter(has_text="人才公寓")).to_have_count(0)
    shot(page, "pledges-03-targets-board")

    page.goto(base + "/audit/")
    log = page.locator("main")
    expect(log).to_contain_text("采纳军令状建议")
    expect(log).to_contain_text("驳回军令状建议")
    expect(log).to_contain_text("从文本提出军令状建议")
    shot(page, "pledges-04-audit")
