"""In the system Chromium: a reporter reads a figure's 口径 beside its field and attaches
evidence (佐证材料); the office sees and downloads it in review.

Screenshots: ``screenshots/evidence-form.png`` (市北区's 2023Q4 form: the definition,
source, department and contact under 地区生产总值增速, the attached file beside the
field and the 佐证材料 card) and ``screenshots/evidence-review.png`` (the office's view
of the same unit with the file).
"""

from __future__ import annotations

from pathlib import Path

from tests.web.browser import MARKS, log_in, screenshot

pytestmark = MARKS

NAME = "四季度GDP核算反馈.pdf"
BODY = b"%PDF-1.4 illustrative evidence"


def test_a_reporter_reads_a_definition_attaches_evidence_and_the_office_sees_it(
    browser,  # type: ignore[no-untyped-def]
    demo_server: tuple[str, Path],
) -> None:
    from playwright.sync_api import expect

    # The shared demo server: a file attached to 市北区's 2023Q4 figure changes no
    # status, and no other test reads that figure's files there.
    server, _ = demo_server

    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    log_in(page, server, "shibei")
    page.goto(server + "/workflow/periods/2023Q4/units/shibei/")
    row = page.locator('tr[data-key="gdp_growth"]')
    definition = row.locator('[data-definition="gdp_growth"]')
    expect(definition).to_be_visible()
    expect(definition).to_contain_text("口径：")
    expect(definition).to_contain_text("按不变价计算")
    expect(definition).to_contain_text("市统计局")
    expect(row.locator("#v-gdp_growth")).to_be_visible()

    page.locator("#evidence-key").select_option("gdp_growth")
    page.locator("#evidence-file").set_input_files(
        files=[{"name": NAME, "mimeType": "application/pdf", "buffer": BODY}]
    )
    page.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(f"已上传：{NAME}")
    expect(row.locator('[data-evidence="gdp_growth"]')).to_contain_text(NAME)
    row.scroll_into_view_if_needed()
    screenshot(page, "evidence-form")

    page.get_by_role("button", name="退出").click()
    log_in(page, server, "office")
    page.goto(server + "/workflow/periods/2023Q4/units/shibei/")
    link = page.locator('tr[data-key="gdp_growth"] [data-evidence="gdp_growth"] a', has_text=NAME)
    expect(link).to_be_visible()
    link.scroll_into_view_if_needed()
    screenshot(page, "evidence-review")
    with page.expect_download() as caught:
        link.click()
    with open(caught.value.path(), "rb") as handle:
        assert handle.read() == BODY
    assert errors == []
    context.close()
