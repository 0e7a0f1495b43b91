"""The scheme editor in the system Chromium, on the shared demo server (the new scheme
is used by no period, and no other test lists the schemes there).

The office builds a new two-board scheme in the form without typing any YAML, sees the
engine's problem at the field that has it, previews the league table on the current
period, saves, edits the saved scheme in the form again and reads the comparison of the
two versions in words. Screenshots go to ``screenshots/editor-*.png``.
"""

from __future__ import annotations

from pathlib import Path

from tests.web.browser import MARKS, log_in, screenshot

pytestmark = MARKS


def field(page, path: str):  # type: ignore[no-untyped-def]
    """The form's control of a YAML path."""
    return page.locator(f'[name="{path}"]')


def problem_at(page, path: str):  # type: ignore[no-untyped-def]
    """The problem shown next to the control of a YAML path."""
    return page.locator(f'label:has([name="{path}"]) .ed-problem')


def build_two_boards(page) -> None:  # type: ignore[no-untyped-def]
    """Fill in the new scheme: two boards of demo indicators, a flag and a grade."""
    field(page, "id").fill("trial-two-boards")
    field(page, "name").fill("两板块试行办法")
    field(page, "boards[0].id").fill("economy")
    field(page, "boards[0].name").fill("经济运行")
    field(page, "boards[0].points").fill("60")
    page.get_by_role("button", name="＋ 添加指标").first.click()
    field(page, "boards[0].indicators[0].id").fill("gdp_growth")
    field(page, "boards[0].indicators[0].name").fill("地区生产总值增速")
    field(page, "boards[0].indicators[0].unit").fill("%")
    field(page, "boards[0].indicators[0].method").select_option(label="功效系数法")
    page.get_by_role("button", name="＋ 添加板块").click()
    field(page, "boards[1].id").fill("projects")
    field(page, "boards[1].name").fill("项目签约落地")
    field(page, "boards[1].points").fill("40")
    page.get_by_role("button", name="＋ 添加指标").nth(1).click()
    field(page, "boards[1].indicators[0].id").fill("started_projects")
    field(page, "boards[1].indicators[0].name").fill("新开工项目数")
    field(page, "boards[1].indicators[0].method").select_option(label="名次计分")
    field(page, "boards[1].indicators[0].params.step").fill("5")
    page.get_by_role("button", name="＋ 添加红旗").click()
    field(page, "flags[0].name").fill("真抓实干、勇当排头")
    field(page, "flags[0].when#0.n").fill("2")
    page.get_by_role("button", name="＋ 添加等次").click()
    field(page, "grades[0].name").fill("合格")


def save(page, comment: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("#editor-comment").fill(comment)
    page.get_by_role("button", name="校验并保存为新版本").click()
    page.wait_for_url("**/workflow/schemes/trial-two-boards/v*/")


def test_the_office_builds_previews_saves_and_compares_a_scheme_without_yaml(
    browser,  # type: ignore[no-untyped-def]
    demo_server: tuple[str, Path],
) -> None:
    from playwright.sync_api import expect

    server, _ = demo_server
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, server, "office")
    page.goto(server + "/workflow/schemes/")
    page.get_by_role("link", name="用表单新建考核办法").click()
    expect(field(page, "units[0].name")).to_have_value("市南区")  # the units come along

    build_two_boards(page)
    words = page.locator('[data-words-for="flags[0].when"]')
    expect(words).to_have_text("综合成绩名次前 2 名")
    expect(page.locator('[data-words-for="grades[0].when"]')).to_have_text("所有单位")
    expect(page.locator(".ed-status")).to_contain_text("没有发现问题")

    # A weight of 0: the engine's problem appears at the weight, nowhere else.
    field(page, "boards[0].indicators[0].weight").fill("0")
    expect(problem_at(page, "boards[0].indicators[0].weight")).to_contain_text("0")
    expect(page.locator(".ed-problem")).to_have_count(1)
    page.evaluate("window.scrollTo(0, 0)")
    field(page, "boards[0].indicators[0].id").scroll_into_view_if_needed()
    screenshot(page, "editor-problem", full_page=False)
    field(page, "boards[0].indicators[0].weight").fill("3")
    expect(page.locator(".ed-problem")).to_have_count(0)

    page.get_by_role("button", name="预览结果").click()
    rows = page.locator("table.ed-preview tbody tr")
    expect(rows).to_have_count(10)
    expect(rows.first.locator("td").nth(2)).to_have_text("1")
    expect(page.locator("table.ed-preview thead")).to_contain_text("经济运行")
    screenshot(page, "editor-preview")

    save(page, "新建两板块试行办法")
    expect(page.locator("h1")).to_contain_text("两板块试行办法")
    expect(page.locator("pre.yaml")).to_contain_text("method: rank_points")

    # The saved scheme, edited again in the form: points moved from one board to the other.
    page.get_by_role("link", name="用表单编辑", exact=True).click()
    expect(field(page, "boards[0].points")).to_have_value("60")
    field(page, "boards[0].points").fill("55")
    field(page, "boards[1].points").fill("45")
    field(page, "boards[1].indicators[0].method").select_option(label="功效系数法")
    expect(page.locator(".ed-status")).to_contain_text("没有发现问题")
    save(page, "分值调整")
    expect(page.locator("h1")).to_contain_text("第2版")

    page.get_by_role("link", name="对比").click()
    changes = page.locator("#changes-in-words")
    expect(changes).to_contain_text("「经济运行」分值 60 → 55")
    expect(changes).to_contain_text("「项目签约落地」分值 40 → 45")
    expect(changes).to_contain_text("「新开工项目数」计分方法 名次计分 → 功效系数法")
    expect(page.locator("body")).not_to_contain_text("boards[")
    screenshot(page, "editor-compare")
    assert errors == []
    context.close()


def test_the_editor_fits_a_phone_without_sideways_scrolling(
    browser,  # type: ignore[no-untyped-def]
    demo_server: tuple[str, Path],
) -> None:
    from playwright.sync_api import expect

    server, _ = demo_server
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, server, "office")
    page.goto(server + "/workflow/schemes/qingdao-2023-quarterly/v2/editor/")
    expect(page.locator(".ed-status")).to_contain_text("没有发现问题")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    field(page, "boards[0].indicators[0].id").scroll_into_view_if_needed()
    screenshot(page, "editor-phone", full_page=False)
    context.close()
