"""A visitor's walk through the demo in the system Chromium, with screenshots.

The screenshots go to ``screenshots/`` at the top of the repository (not committed);
look at them after a change to the pages.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.web.browser import MARKS, SCREENSHOTS, SHOTS
from tests.web.browser import screenshot as shot

pytestmark = MARKS


def test_a_visitor_walks_from_the_home_page_to_every_board_and_logs_in_and_out(
    browser,
    demo_server: tuple[str, Path],  # type: ignore[no-untyped-def]
) -> None:
    from playwright.sync_api import expect

    base, _ = demo_server
    # An English-speaking browser still gets the Chinese the office works in.
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-US")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))

    page.goto(base + "/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator(".hero h1")).to_contain_text("红色成绩单")
    shot(page, "01-home")

    page.locator("ul.period-list li", has_text="2023年第一季度").get_by_role(
        "link", name="综合成绩"
    ).click()
    expect(page).to_have_url(re.compile(r"/periods/2023Q1/$"))
    huangdao = page.locator("tr[data-unit=huangdao]")
    expect(huangdao).to_contain_text("真抓实干、勇当排头")
    expect(page.locator("tr[data-unit=jiaozhou]")).to_contain_text("真抓实干、勇当排头")
    for unit in ("jimo", "shibei", "licang"):
        expect(page.locator(f"tr[data-unit={unit}]")).to_contain_text("加压奋进、进位赶超")
    shot(page, "02-league-2023Q1")

    page.get_by_role("link", name="星级", exact=True).click()
    expect(page.locator("table.matrix")).to_be_visible()
    shot(page, "03-stars-2023Q1")

    page.get_by_role("link", name="红色成绩单").first.click()
    expect(page.locator("section.poster")).to_have_count(4)  # the composite and three boards
    shot(page, "04-posters-2023Q1")
    pdf = page.pdf(format="A3", landscape=True, print_background=True, prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 4, "one A3 page per poster"
    if SCREENSHOTS:
        (SHOTS / "04-posters-2023Q1.pdf").write_bytes(pdf)

    page.go_back()
    page.get_by_role("link", name="综合成绩").first.click()
    page.locator("tr[data-unit=shibei]").get_by_role("link", name="市北区").click()
    expect(page.locator("h1")).to_contain_text("市北区")
    expect(page.locator("canvas[data-chart=history]")).to_have_attribute("data-ready", "1")
    shot(page, "05-unit-shibei")

    page.get_by_role("link", name="地区生产总值增速").first.click()
    expect(page.locator("h1")).to_contain_text("地区生产总值增速")
    expect(page.locator("canvas[data-chart=indicator]")).to_have_attribute("data-ready", "1")
    shot(page, "06-indicator-gdp")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("nav.tabs")).to_contain_text("League table")
    shot(page, "07-indicator-english")
    page.get_by_role("button", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("nav.tabs")).to_contain_text("综合成绩")

    page.get_by_role("link", name="登录").click()
    page.get_by_label("用户名").fill("office")
    page.get_by_label("密码").fill("leitai-demo")
    shot(page, "08-login")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".role")).to_contain_text("考核办")
    shot(page, "09-logged-in-office")
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("link", name="登录")).to_be_visible()
    shot(page, "10-logged-out")

    assert errors == []
    context.close()
