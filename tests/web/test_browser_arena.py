"""The presenter view of the demo's 2023-05-27 arena and the targets board, in the system
Chromium, with screenshots in ``screenshots/arena-*.png`` and ``screenshots/targets-*.png``.

The presenter view must work offline: every request the page makes must go to the
server under test, and none may fail.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.web.browser import MARKS
from tests.web.browser import screenshot as shot

pytestmark = MARKS


def watch(page, base: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Collect script errors, failed requests and any request leaving the server."""
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"error: {exc}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url}"))
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((base, "data:", "blob:"))
            else problems.append(f"outside: {request.url}")
        ),
    )
    return problems


def test_the_presenter_view_opens_moves_to_the_next_speaker_and_counts_down(
    browser,
    demo_server: tuple[str, Path],  # type: ignore[no-untyped-def]
) -> None:
    from playwright.sync_api import expect

    base, _ = demo_server
    # A projector: 1920 × 1080.
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    problems = watch(page, base)

    page.goto(base + "/arena/")
    page.get_by_role("link", name=re.compile("书记擂台")).first.click()
    rows = page.locator("table.order tbody tr")
    expect(rows).to_have_count(10)
    expect(rows.first).to_have_attribute("data-unit", "huangdao")
    shot(page, "arena-00-session")
    page.locator(".arena-hero").get_by_role("link", name=re.compile("上台演示")).click()
    expect(page).to_have_url(re.compile(r"/arena/2023-05-27/present/(#start)?$"))
    opening = page.locator("section.screen.opening")
    expect(opening).to_be_visible()
    expect(opening).to_contain_text("书记擂台")
    expect(opening).to_contain_text("双过半")
    expect(page.locator("#clock")).to_be_hidden()
    shot(page, "arena-01-opening", full_page=False)

    visible = page.locator("section.screen:visible")
    page.keyboard.press("ArrowRight")
    expect(visible).to_have_attribute("data-unit", "huangdao")
    expect(visible).to_have_attribute("data-kind", "results")
    expect(visible).to_contain_text("晒成绩")
    expect(visible).to_contain_text("真抓实干、勇当排头")
    countdown = page.locator("#countdown")
    expect(page.locator("#clock")).to_be_visible()
    expect(countdown).to_have_text(re.compile(r"^[56]:\d\d$"))
    shot(page, "arena-02-huangdao-results", full_page=False)

    page.keyboard.press("PageDown")
    expect(visible).to_have_attribute("data-kind", "shortfalls")
    expect(visible).to_contain_text("查不足")
    page.keyboard.press("ArrowRight")
    expect(visible).to_have_attribute("data-kind", "measures")
    expect(visible).to_contain_text("谈举措")
    page.keyboard.press("ArrowLeft")
    expect(visible).to_have_attribute("data-kind", "shortfalls")

    # N: the next speaker, on their first screen, with a fresh six minutes.
    page.keyboard.press("n")
    expect(visible).to_have_attribute("data-unit", "jiaozhou")
    expect(visible).to_have_attribute("data-kind", "results")
    expect(visible).to_contain_text("胶州市")
    expect(countdown).to_have_text(re.compile(r"^(6:00|5:5\d)$"))
    # To the last speaker, 平度市, whose pledge (115 key projects, 83 by 30 June) is shown.
    for _ in range(8):
        page.keyboard.press("N")
    expect(visible).to_have_attribute("data-unit", "pingdu")
    shot(page, "arena-03-pingdu-results", full_page=False)
    page.keyboard.press("PageDown")
    expect(visible).to_contain_text("红色预警目标")
    shot(page, "arena-04-pingdu-shortfalls", full_page=False)
    page.keyboard.press("PageDown")
    expect(visible).to_contain_text("重点项目开工")
    expect(visible).to_contain_text("115")
    shot(page, "arena-05-pingdu-measures", full_page=False)
    page.keyboard.press("p")
    expect(visible).to_have_attribute("data-unit", "laixi")

    # A rehearsal with three seconds a speaker: the clock turns red when they are up.
    page.goto(base + "/arena/2023-05-27/present/?minutes=0.05#licang-shortfalls")
    expect(visible).to_have_attribute("data-unit", "licang")
    expect(visible).to_have_attribute("data-kind", "shortfalls")
    expect(visible.locator(".red-target")).to_have_count(2)  # 引进百亿级项目, 引进30亿级项目
    clock = page.locator("#clock")
    expect(clock).to_have_class(re.compile(r"\bover\b"), timeout=8000)
    expect(clock).to_contain_text("时间到")
    expect(clock).to_have_css("background-color", re.compile(r"rgb\((255, 26, 26|139, 0, 0)\)"))
    shot(page, "arena-06-time-up", full_page=False)

    assert problems == []
    context.close()


def test_the_targets_board_shows_the_three_colours_at_mid_year_and_a_units_history(
    browser,
    demo_server: tuple[str, Path],  # type: ignore[no-untyped-def]
) -> None:
    from playwright.sync_api import expect

    base, _ = demo_server
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    problems = watch(page, base)

    page.goto(base + "/targets/?as_of=2023-06-30")
    for status in ("green", "yellow", "red"):
        expect(page.locator(f"tr[data-status={status}]").first).to_be_visible()
    expect(page.locator("tr[data-unit=pingdu] .tbar .mark")).to_have_attribute(
        "style", "left:50.0%"
    )
    shot(page, "targets-01-board-mid-year")

    page.get_by_role("link", name="平度市").first.click()
    expect(page.locator("h1")).to_contain_text("平度市")
    expect(page.locator("canvas[data-chart=trajectory]").first).to_have_attribute("data-ready", "1")
    shot(page, "targets-02-unit-pingdu")

    # A reporter reports for their own unit.
    page.goto(base + "/accounts/login/?next=/targets/units/shibei/")
    page.get_by_label("用户名").fill("shibei")
    page.get_by_label("密码").fill("leitai-demo")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="填报进度").first.click()
    shot(page, "targets-03-report-form")
    page.get_by_label("累计完成值").fill("126")
    page.get_by_label("进展情况").fill("联系服务重点企业126家")
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".messages")).to_contain_text("已填报")
    shot(page, "targets-04-after-report")
    assert problems == []
    context.close()
