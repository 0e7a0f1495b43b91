"""The analysis pages in the system Chromium: the robustness chart, diagnostics, a live what-if.

Screenshots go to ``screenshots/analysis-*.png`` (not committed); look at them after a
change to these pages.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.web.browser import MARKS, screenshot
from tests.web.browser import log_in as shared_log_in

pytestmark = MARKS


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    screenshot(page, f"analysis-{name}")


def log_in(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    shared_log_in(page, base, username)
    page.wait_for_url(re.compile(r"/$"))


def watch(page, errors: list[str]) -> None:  # type: ignore[no-untyped-def]
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # A request cut short by the next navigation (net::ERR_ABORTED) is not a fault; a
    # missing file answers 404 and is caught below.
    page.on(
        "requestfailed",
        lambda request: (
            None
            if "ERR_ABORTED" in (request.failure or "")
            else errors.append(f"failed: {request.url} {request.failure}")
        ),
    )
    page.on(
        "response",
        lambda r: errors.append(f"{r.status}: {r.url}") if r.status >= 400 else None,
    )


def test_the_office_reads_robustness_and_diagnostics_from_the_league_table(
    browser,
    demo_server: tuple[str, Path],  # type: ignore[no-untyped-def]
) -> None:
    from playwright.sync_api import expect

    base, _ = demo_server
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    watch(page, errors)
    log_in(page, base, "office")

    page.goto(base + "/periods/2023Q3/")
    page.locator("nav.tabs").get_by_role("link", name="稳健性").click()
    expect(page).to_have_url(re.compile(r"/periods/2023Q3/robustness/$"))
    # Not computed yet: reading the page starts nothing; the office starts it on the queue.
    expect(page.locator("[data-run-missing]")).to_be_visible()
    page.get_by_role("button", name="运行").click()
    expect(page).to_have_url(re.compile(r"/periods/2023Q3/robustness/$"))
    chart = page.locator("canvas[data-analysis-chart=intervals]")
    # The page polls the run's status and shows the result when the worker is done.
    expect(chart).to_have_attribute("data-ready", "1", timeout=60_000)
    expect(page.locator("[data-settings]")).to_contain_text("1000")
    expect(page.locator("[data-settings]")).to_contain_text("0")
    expect(page.locator("table.robustness tbody tr")).to_have_count(10)
    expect(page.locator("table.stars-prob")).to_have_count(4)
    shot(page, "robustness")

    # The office runs it again with a seed of its own; the page states the new settings.
    # (300 draws: any number other than the default's 1000 shows that the run took the
    # office's; a bigger one only costs the worker more time.)
    page.get_by_label("随机种子").fill("7")
    page.get_by_label("抽样次数").fill("300")
    page.get_by_role("button", name="运行").click()
    expect(page).to_have_url(re.compile(r"/robustness/\?run=\d+$"))
    expect(page.locator("[data-settings]")).to_contain_text("300")
    expect(page.locator("[data-settings]")).not_to_contain_text("1000")
    expect(page.locator("canvas[data-analysis-chart=intervals]")).to_have_attribute(
        "data-ready", "1", timeout=60_000
    )
    shot(page, "robustness-rerun")

    page.locator("nav.tabs").get_by_role("link", name="数据诊断").click()
    expect(page).to_have_url(re.compile(r"/periods/2023Q3/diagnostics/$"))
    expect(page.locator("table.heatmap tbody tr")).to_have_count(25)
    shot(page, "diagnostics")

    assert errors == []
    context.close()


def set_analysis_audience(page, base: str, label: str) -> None:  # type: ignore[no-untyped-def]
    """The office chooses on its settings page who may open robustness and what-if."""
    log_in(page, base, "office")
    page.goto(base + "/office/settings/")
    page.get_by_label(label).check()
    page.get_by_role("button", name="保存").click()
    page.context.clear_cookies()


def test_a_reporter_edits_a_value_on_the_what_if_page_and_sees_the_rank_change(
    browser,
    demo_server: tuple[str, Path],  # type: ignore[no-untyped-def]
) -> None:
    from playwright.sync_api import expect

    base, _ = demo_server
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    watch(page, errors)
    # What-if pages are the office's unless it opens them: it opens them to the units.
    set_analysis_audience(page, base, "领导和各单位（所有有角色的账号）")
    log_in(page, base, "shibei")

    page.goto(base + "/periods/2023Q3/units/shibei/")
    page.get_by_role("link", name=re.compile("要怎样才能")).click()
    expect(page).to_have_url(re.compile(r"/periods/2023Q3/units/shibei/whatif/$"))
    rank = page.locator('[data-out="rank"]')
    reported = rank.inner_text()
    expect(page.locator("form[data-whatif]")).to_have_attribute("data-live", "1")
    shot(page, "whatif")

    # Typing the value the page names for "up one place" recomputes at once, in place.
    row = page.locator('tr[data-indicator="gdp_growth"]')
    claim = row.locator('td[data-goal="rank"] button[data-apply]')
    value, new_rank = claim.get_attribute("data-value"), claim.get_attribute("data-new-rank")
    assert int(new_rank) == int(reported) - 1
    gdp = page.locator("#value-gdp_growth")
    written = gdp.input_value()
    gdp.fill(value)
    expect(rank).to_have_text(new_rank)
    expect(page.locator('[data-out="rank-change"]')).to_contain_text("▲1")
    expect(page.locator('[data-out="passed"]')).not_to_be_empty()
    expect(gdp).to_have_class(re.compile("changed"))
    assert page.url.endswith("/whatif/")
    shot(page, "whatif-edited")

    # One step short of it is not enough.
    step = float(row.get_attribute("data-step"))
    sign = 1 if row.get_attribute("data-direction") == "higher" else -1
    decimals = len(row.get_attribute("data-step").partition(".")[2])
    gdp.fill(f"{float(value) - sign * step:.{decimals}f}")
    expect(rank).to_have_text(reported)

    # The reset brings the reported values back; a suggestion button applies its value.
    page.get_by_role("button", name="恢复填报值").click()
    expect(gdp).to_have_value(written)
    expect(rank).to_have_text(reported)
    claim.click()
    expect(gdp).to_have_value(value)
    expect(rank).to_have_text(new_rank)
    shot(page, "whatif-applied")

    # A reporter has no what-if for another unit.
    response = page.goto(base + "/periods/2023Q3/units/licang/whatif/")
    assert response is not None and response.status == 403
    errors = [e for e in errors if "/units/licang/whatif/" not in e]
    page.context.clear_cookies()
    set_analysis_audience(page, base, "仅考核办")  # back to the default for the other tests

    assert errors == []
    context.close()


def test_the_office_compares_two_results_and_reads_the_trend(
    browser,
    demo_server: tuple[str, Path],  # type: ignore[no-untyped-def]
) -> None:
    from playwright.sync_api import expect

    base, _ = demo_server
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    watch(page, errors)
    log_in(page, base, "office")

    page.goto(base + "/periods/2023Q3/")
    page.locator("nav.tabs").get_by_role("link", name="结果比较").click()
    expect(page).to_have_url(re.compile(r"/periods/2023Q3/builds/$"))
    # By default against the previous quarter; a board's row opens that board's table.
    expect(page.locator("#a option[selected]")).to_contain_text("2023年第二季度")
    expect(page.locator("[data-correlations] tr.current")).to_contain_text("综合成绩")
    expect(page.locator("table[data-builds] tbody tr")).to_have_count(10)
    expect(page.locator("[data-trend] svg.spark")).to_have_count(10)
    shot(page, "builds")

    page.locator("#a").select_option(label="2023年第一季度，第 1 版（已发布）")
    page.get_by_role("button", name="对比").click()
    expect(page).to_have_url(re.compile(r"/builds/\?a=\d+&b=\d+&series=score$"))
    page.locator("[data-correlations] a").nth(1).click()
    expect(page.locator("[data-correlations] tr.current")).to_have_count(1)
    expect(page.locator("[data-correlations] tr.current")).not_to_contain_text("综合成绩")
    shot(page, "builds-board")
    assert errors == []
