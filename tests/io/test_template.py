from __future__ import annotations

from pathlib import Path

import openpyxl

from leitai import demo
from leitai.engine import load_scheme
from leitai.io import read_table, write_template
from leitai.io.template import template_columns

DEMO = Path(demo.__file__).parent


def test_the_template_lists_every_indicator_definition_on_a_notes_sheet(tmp_path):
    scheme = load_scheme(DEMO / "scheme-2023-v2.yaml")
    path = tmp_path / "template.xlsx"
    write_template(scheme, path, period="2023Q4")
    book = openpyxl.load_workbook(path)
    notes = book["指标说明"]
    rows = list(notes.iter_rows(values_only=True))
    assert rows[0] == ("指标代码", "指标", "计量单位", "口径", "数据来源", "责任部门", "联系人")
    listed = {row[0]: row for row in rows[1:]}
    indicators = [i for i in scheme.all_indicators() if i.from_ is None]
    assert set(listed) == {i.id for i in indicators}
    for indicator in indicators:
        row = listed[indicator.id]
        assert row[1] == indicator.name
        assert row[3:] == (
            indicator.definition,
            indicator.source,
            indicator.department,
            indicator.contact,
        )


def test_each_indicator_header_cell_carries_its_definition_as_a_comment(tmp_path):
    scheme = load_scheme(DEMO / "scheme-2023-v2.yaml")
    path = tmp_path / "template.xlsx"
    write_template(scheme, path)
    sheet = openpyxl.load_workbook(path)["数据填报"]
    by_id = {i.id: i for i in scheme.all_indicators()}
    seen = 0
    for cell in sheet[1][2:]:
        indicator = by_id.get(cell.value)
        name_cell = sheet.cell(row=2, column=cell.column)
        if indicator is None:  # adjustments and series have no definition
            assert name_cell.comment is None
            continue
        seen += 1
        text = name_cell.comment.text
        assert f"口径：{indicator.definition}" in text
        assert f"责任部门：{indicator.department}" in text
        assert f"联系人：{indicator.contact}" in text
    assert seen == len([c for c in template_columns(scheme) if c["kind"] == "value"])


def test_the_template_with_notes_has_no_formula_and_still_reads_back(tmp_path, examples):
    from leitai.engine.scheme import parse_scheme

    text = (examples / "case1" / "scheme.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "name: 地区生产总值增速",
        "name: 地区生产总值增速\n    definition: '=HYPERLINK(\"http://x\")'",
        1,
    )
    scheme = parse_scheme(text)
    assert scheme.all_indicators()[0].definition.startswith("=")
    path = tmp_path / "t.xlsx"
    write_template(scheme, path)
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
    data = read_table(path, scheme)
    assert data.values.shape[0] == len(scheme.units)
