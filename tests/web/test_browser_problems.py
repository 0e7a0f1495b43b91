"""A bad upload in the system Chromium: every problem a person sees is in Chinese.

A reporter uploads the template with a decimal comma, a word for a number and a
negative target; the preview names each at its cell and no problem's visible text
holds an English word. Screenshot: ``screenshots/problems-preview.png``.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.web.browser import MARKS, log_in, screenshot

pytestmark = MARKS

ENGLISH_WORD = re.compile(r"\b[A-Za-z]{2,}\b")


def test_the_problems_of_a_bad_upload_are_shown_in_chinese_at_their_cells(
    browser,  # type: ignore[no-untyped-def]
    demo_server: tuple[str, Path],
    tmp_path: Path,
) -> None:
    import openpyxl
    from playwright.sync_api import expect

    # The shared demo server: checking a file saves nothing ("没有保存任何数据").
    server, _ = demo_server

    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    log_in(page, server, "shibei")
    response = context.request.get(server + "/workflow/periods/2023Q4/template.xlsx")
    assert response.ok
    workbook = tmp_path / "shibei.xlsx"
    workbook.write_bytes(response.body())
    book = openpyxl.load_workbook(workbook)
    sheet = book["数据填报"]
    column = {cell.value: cell.column_letter for cell in sheet[1]}
    bad = {
        f"{column['gdp_growth']}5": "6,3",  # a decimal comma
        f"{column['industry_growth']}5": "七点二",  # a word for a number
        f"{column['signed_projects.target']}5": -5,  # a target must be > 0
    }
    for cell, value in bad.items():
        sheet[cell] = value
    book.save(workbook)

    page.goto(server + "/workflow/periods/2023Q4/upload/")
    page.set_input_files("#id_file", str(workbook))
    page.get_by_role("button", name="校验文件").click()
    expect(page.locator(".verdict.bad")).to_contain_text("没有保存任何数据")
    items = page.locator("ol.problems li")
    expect(items).to_have_count(3)
    for cell in bad:
        expect(page.locator(f'ol.problems li[data-cell="{cell}"]')).to_have_count(1)
    texts = items.all_inner_texts()
    assert any("小数点" in text for text in texts), texts
    assert any("应填数字" in text for text in texts), texts
    assert any("目标值应大于 0" in text for text in texts), texts
    for text in texts:
        assert ENGLISH_WORD.findall(text) == [], text
    screenshot(page, "problems-preview")
    context.close()
