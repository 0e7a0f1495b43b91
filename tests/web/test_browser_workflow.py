"""The period's workflow in the system Chromium, on a demo server of its own.

A reporter uploads a template with a bad cell, sees the error in place, fixes it and
submits; another reporter raises an objection; the office returns a submission,
answers the objections, closes the collection, computes and publishes; the board shows
the new period's flags. Screenshots go to ``screenshots/workflow-*.png``.
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

from tests.web.browser import MARKS, log_in, screenshot

pytestmark = MARKS


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    screenshot(page, f"workflow-{name}")


def log_out(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="退出").click()


def test_a_quarter_goes_from_collection_through_objections_to_the_published_board(
    browser,  # type: ignore[no-untyped-def]
    server: str,
    tmp_path: Path,
) -> None:
    import openpyxl
    from playwright.sync_api import expect

    base = server
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: dialog.accept())

    # 市北区's reporter downloads the unit's template and fills it in, with one bad cell.
    log_in(page, base, "shibei")
    page.get_by_role("link", name="填报与审核").first.click()
    page.locator('[data-period="2023Q4"]').get_by_role("link", name="填报数据").click()
    expect(page.locator("h1")).to_contain_text("市北区")
    expect(page.locator("[data-status]").first).to_have_text("已填报")
    with page.expect_download() as info:
        page.get_by_role("link", name="下载填报模板").click()
    workbook = tmp_path / "shibei.xlsx"
    info.value.save_as(workbook)
    book = openpyxl.load_workbook(workbook)
    sheet = book["数据填报"]
    column = {cell.value: cell.column_letter for cell in sheet[1]}
    bad = f"{column['gdp_growth']}5"
    sheet[bad] = "六点三"
    sheet[f"{column['funds_in_place']}5"] = 260.5
    book.save(workbook)

    page.get_by_role("link", name="上传填好的模板").click()
    page.set_input_files("#id_file", str(workbook))
    page.get_by_role("button", name="校验文件").click()
    expect(page.locator(".verdict.bad")).to_contain_text("没有保存任何数据")
    expect(page.locator(f'ol.problems li[data-cell="{bad}"]')).to_contain_text("应填数字")
    expect(page.locator(f'td.error[data-cell="{bad}"]')).to_contain_text("六点三")
    expect(page.get_by_role("button", name="确认保存")).to_have_count(0)
    page.locator(f'td.error[data-cell="{bad}"]').scroll_into_view_if_needed()
    shot(page, "1-preview-with-error")

    # Fixed and uploaded again: the preview lists what changes; confirming saves it.
    sheet[bad] = 6.3
    book.save(workbook)
    page.get_by_role("link", name="上传改正后的文件").click()
    page.set_input_files("#id_file", str(workbook))
    page.get_by_role("button", name="校验文件").click()
    expect(page.locator(".verdict.good")).to_be_visible()
    expect(page.locator("table.changes tbody tr")).to_have_count(2)
    shot(page, "1b-preview-ok")
    page.get_by_role("button", name="确认保存").first.click()
    expect(page.locator(".messages")).to_contain_text("已保存：2 处数据变更")
    expect(page.locator("#v-gdp_growth")).to_have_value("6.3")
    page.get_by_role("button", name="提交考核办").click()
    expect(page.locator("[data-status]").first).to_have_text("已提交")
    expect(page.locator("#v-gdp_growth")).to_have_attribute("readonly", "")
    log_out(page)

    # 李沧区's reporter sees its own draft result and objects to it, with an attachment.
    log_in(page, base, "licang")
    page.goto(base + "/workflow/periods/2023Q4/units/licang/")
    expect(page.locator("[data-draft=licang]")).to_contain_text("初步结果")
    page.get_by_role("link", name="提出异议").click()
    page.get_by_label("涉及指标").select_option("investment_growth")
    page.get_by_label("异议内容").fill(
        "我区固定资产投资增速应为1.6%（市统计局12月28日修订），初步结果仍按-0.4%计算，请予核实更正。"
    )
    evidence = tmp_path / "统计局修订函.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% leitai demo evidence\n")
    page.set_input_files("#id_attachment", str(evidence))
    page.get_by_role("button", name="提交异议").click()
    expect(page.locator(".messages")).to_contain_text("异议已提交考核办")
    expect(page.locator("[data-objection-text]")).to_contain_text("1.6%")
    expect(page.get_by_role("link", name="统计局修订函.pdf")).to_be_visible()
    shot(page, "3-objection-raised")
    objection_url = page.url
    log_out(page)

    # The office: the status board, a return, the answers, closing, computing, publishing.
    log_in(page, base, "office")
    page.goto(base + "/workflow/periods/2023Q4/")
    board = page.locator("table.status-board")
    expect(board.locator("tr[data-unit=shibei] [data-status]")).to_have_text("已提交")
    expect(board.locator("tr[data-unit=pingdu] [data-status]")).to_have_text("已退回")
    expect(board.locator("tr[data-unit=laixi] [data-status]")).to_have_text("已填报")
    shot(page, "2-status-board")
    jimo = board.locator("tr[data-unit=jimo]")
    jimo.get_by_text("退回", exact=True).click()
    jimo.locator("textarea[name=reason]").fill("签约项目开工周期与项目库台账不一致，请核实。")
    jimo.get_by_role("button", name="按此原因退回").click()
    expect(page.locator(".messages")).to_contain_text("已退回即墨区")
    expect(board.locator("tr[data-unit=jimo] [data-status]")).to_have_text("已退回")

    page.goto(objection_url)
    shot(page, "3b-objection-office")
    page.get_by_label("不予采纳").check()
    page.get_by_label("答复").fill(
        "经与市统计局核对，1.6%为年度快报口径，季度考核仍按季报数-0.4%计算，不予调整。"
    )
    page.get_by_role("button", name="发送答复").click()
    expect(page.locator("[data-answer]")).to_contain_text("不予调整")
    page.goto(base + "/workflow/periods/2023Q4/objections/")
    page.locator("tr", has_text="城阳区").get_by_role("link").first.click()
    page.get_by_label("采纳", exact=True).check()
    page.get_by_label("答复").fill("经核实住建局台账，予以更正为12.6公里。")
    page.get_by_label(re.compile("更正后的数值")).fill("12.6")
    page.get_by_role("button", name="发送答复").click()
    expect(page.locator("[data-answer]")).to_contain_text("已采纳")

    page.goto(base + "/workflow/periods/2023Q4/")
    page.locator("input[name=acknowledge]").check()
    page.get_by_role("button", name="截止填报，进入复核").click()
    expect(page.locator(".messages")).to_contain_text("进入复核阶段")
    page.get_by_role("button", name=re.compile("计算初步结果")).click()
    expect(page.locator(".messages")).to_contain_text("初步结果已计算")
    page.get_by_role("link", name="发布…").click()
    page.locator("input[name=acknowledge]").check()
    page.get_by_role("button", name="发布结果").click()
    expect(page).to_have_url(re.compile(r"/periods/2023Q4/$"))
    expect(page.locator(".messages")).to_contain_text("已发布")

    # The board shows the new period's flags, as the published result has them.
    with urllib.request.urlopen(base + "/api/periods/2023Q4") as response:
        result = json.load(response)
    flags = {row["unit"]: row["flags"] for row in result["results"]}
    self_names = result["flags"]
    self_vanguard = [u for u, f in flags.items() if "vanguard" in f]
    assert len(self_vanguard) == 2
    for unit, unit_flags in flags.items():
        row = page.locator(f"tr[data-unit={unit}]")
        for flag in unit_flags:
            expect(row).to_contain_text(self_names[flag])
        expect(row.locator(".flag")).to_have_count(len(unit_flags))
    shot(page, "4-published-board")
    assert errors == []
    context.close()
