"""A visitor walks the year pages of the demo in the system Chromium, with screenshots:
the city's year (four quarters, rank paths, the annual assessment waiting for 2023Q4),
a unit's year, and the grouped variant's boards."""

from __future__ import annotations

import re
from pathlib import Path

from tests.web.browser import MARKS
from tests.web.browser import screenshot as shot

pytestmark = MARKS


def test_a_visitor_walks_the_year_pages(
    browser,
    demo_server: tuple[str, Path],  # type: ignore[no-untyped-def]
) -> None:
    from playwright.sync_api import expect

    base, _ = demo_server
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # A favicon still loading when the next page is asked for is aborted: not an error.
    page.on(
        "requestfailed",
        lambda request: "favicon" in request.url or errors.append(f"failed: {request.url}"),
    )

    page.goto(base + "/")
    page.locator('[data-section="years"]').get_by_role("link", name="2023年各季度成绩一览").click()
    expect(page).to_have_url(re.compile(r"/years/2023/$"))
    quarters = page.locator('[data-section="quarters"]')
    for label in ("2023年第一季度", "2023年第二季度", "2023年第三季度", "2023年第四季度"):
        expect(quarters).to_contain_text(label)
    expect(quarters.locator('[data-quarter="2023Q4"]')).to_contain_text("成绩尚未发布")
    expect(quarters.locator('[data-annual="waiting"]')).to_contain_text("2023年第四季度")
    chart = page.locator('svg[data-chart="rank-path"]')
    expect(chart).to_be_visible()
    expect(chart.locator("g.unit-line")).to_have_count(10)
    expect(chart.locator("path")).to_have_count(0)  # straight polylines, no curves
    expect(page.locator('[data-section="most-improved"] li').first).to_be_visible()
    shot(page, "year-01-city-2023")

    page.locator('table[data-table="year"] tr[data-unit="shibei"]').get_by_role(
        "link", name="市北区"
    ).click()
    expect(page).to_have_url(re.compile(r"/years/2023/units/shibei/$"))
    expect(page.locator("h1")).to_contain_text("市北区")
    table = page.locator('table[data-table="unit-year"]')
    expect(table.locator("tbody tr")).to_have_count(4)
    for code in ("2023Q1", "2023Q2", "2023Q3"):
        expect(table.locator(f'tr[data-quarter="{code}"]')).to_contain_text("/ 10")
    expect(table.locator('tr[data-quarter="2023Q4"]')).to_contain_text("成绩尚未发布")
    expect(page.locator('[data-fact="stars-total"]')).to_contain_text("★")
    expect(page.locator(".scoreboard")).to_contain_text("年度考核待2023年第四季度成绩发布后计算")
    expect(page.locator('svg[data-chart="rank-path"] g.unit-line')).to_have_count(1)
    shot(page, "year-02-unit-shibei-2023")

    # From a quarter of the year to the unit's report card and back to its year.
    table.locator('tr[data-quarter="2023Q3"]').get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/periods/2023Q3/units/shibei/$"))
    page.locator('[data-links="years"]').get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/years/2023/units/shibei/$"))

    # The grouped variant: a section per group, the city-wide table beside them.
    page.goto(base + "/periods/2023-Q3-grouped/")
    expect(page.locator('section[data-group="urban"] tbody tr')).to_have_count(7)
    expect(page.locator('section[data-group="county"] tbody tr')).to_have_count(3)
    expect(page.locator('section[data-group="all"] tbody tr')).to_have_count(10)
    expect(page.locator('section[data-group="county"]')).to_contain_text("县级市")
    shot(page, "year-03-grouped-league-2023Q3")
    page.get_by_role("link", name="红色成绩单").first.click()
    expect(page.locator('section.poster[data-group="urban"]')).to_have_count(5)
    expect(page.locator('section.poster[data-group="county"]').first).to_contain_text("县级市")
    shot(page, "year-04-grouped-posters-2023Q3")
    assert errors == [], errors
    context.close()
