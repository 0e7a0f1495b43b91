"""In the system Chromium: the office makes an API token for 市北区's reporter on the
tokens page, a program previews figures with it, and once the office revokes it the
token is refused.

Screenshots: ``screenshots/api-tokens.png`` (the tokens page just after making the
token: the token shown once, the form, the list with 市北区's token) and
``screenshots/api-docs.png`` (the API's documentation with the write operations).
"""

from __future__ import annotations

from pathlib import Path

from tests.web.browser import MARKS, log_in, screenshot

pytestmark = MARKS


def test_the_office_makes_a_token_a_program_uses_it_and_the_office_revokes_it(
    browser,  # type: ignore[no-untyped-def]
    demo_server: tuple[str, Path],
) -> None:
    from playwright.sync_api import expect

    # The shared demo server: the token is revoked again and the program's figures are
    # only previewed (dry_run), so no other test sees a change.
    server, _ = demo_server

    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    log_in(page, server, "office")
    page.get_by_role("link", name="接口令牌").first.click()
    expect(page.locator("h1")).to_have_text("接口令牌")
    page.get_by_label("名称").fill("市北区统计平台")
    owner = page.get_by_label("账号")
    shibei = next(o for o in owner.locator("option").all_inner_texts() if "（shibei，" in o)
    owner.select_option(label=shibei)
    page.get_by_role("button", name="创建令牌").click()
    expect(page.locator(".messages")).to_contain_text("请立即复制")
    raw = page.locator("[data-token-value]").inner_text().strip()
    assert raw.startswith("lt_")
    expect(page.locator("[data-tokens]")).to_contain_text("市北区统计平台")
    screenshot(page, "api-tokens")

    # A program (no browser session) previews 市北区's figures with the token.
    program = browser.new_context().request
    url = server + "/api/periods/2023Q4/values?dry_run=true"
    body = {"rows": [{"unit": "shibei", "indicator": "industry_growth", "value": 7.25}]}
    answer = program.post(url, data=body, headers={"Authorization": f"Bearer {raw}"})
    assert answer.status == 200, answer.text()
    assert answer.json()["changes"][0]["after"] == "7.25"
    assert answer.json()["saved"] is False

    page.reload()
    expect(page.locator("[data-token-value]")).to_have_count(0)  # shown once
    prefix = raw.split("_")[1]
    page.locator(f'tr[data-token="{prefix}"]').get_by_role("button", name="吊销").click()
    expect(page.locator(f'tr[data-token="{prefix}"]')).to_contain_text("已于")

    refused = program.post(url, data=body, headers={"Authorization": f"Bearer {raw}"})
    assert refused.status == 401
    assert "令牌" in refused.json()["detail"]
    # The API's documentation lists the write operations in Chinese.
    page.goto(server + "/api/docs")
    op = page.locator('[data-path="/api/periods/{period}/values"]')
    expect(op).to_contain_text("报送某一考核期的数据")
    expect(op).to_contain_text("令牌所属账号无权报送")
    screenshot(page, "api-docs")
    assert errors == []
    context.close()
