"""Every export keeps a person's text as text: nothing that opens it runs a formula."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from leitai.engine import assess, load_scheme
from leitai.io import read_table
from leitai.io.export import append_row, csv_text, csv_value, is_formula_like
from leitai.io.template import write_template
from leitai.reports.book import write_result_book

HOSTILE = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=1", "\r=1", '=HYPERLINK("http://x")']


def _formula_cells(data: bytes) -> list[tuple[str, str, object]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [
        (sheet.title, cell.coordinate, cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_like_text_is_quoted_in_csv(text):
    assert csv_value(text) == "'" + text
    row = next(csv.reader(io.StringIO(csv_text([[text, 1.5]]), newline="")))
    assert row == ["'" + text, "1.5"]


@pytest.mark.parametrize("text", ["-5", "+3.2", "-1e3", "12%", "plain", "中文", ""])
def test_a_plain_number_or_text_is_left_alone(text):
    assert not is_formula_like(text) and csv_value(text) == text


@pytest.mark.parametrize("write_only", [False, True])
def test_a_formula_like_text_is_a_string_cell_in_xlsx(write_only):
    book = openpyxl.Workbook(write_only=write_only)
    sheet = book.create_sheet("x") if write_only else book.active
    append_row(sheet, [*HOSTILE, 3, -5, None])
    out = io.BytesIO()
    book.save(out)
    cells = next(openpyxl.load_workbook(out).active.iter_rows())
    assert [c.value for c in cells[: len(HOSTILE)]] == HOSTILE
    assert all(c.data_type == "s" for c in cells[: len(HOSTILE)])
    assert cells[len(HOSTILE)].value == 3 and cells[len(HOSTILE) + 1].value == -5


@pytest.fixture
def hostile_scheme(tmp_path):
    """A scheme whose unit, board and indicator names are formulas."""
    text = """
id: hostile
name: "=1+1"
version: 1
units:
  - {id: a, name: "=1+1"}
  - {id: b, name: "@SUM(A1)"}
  - {id: c, name: "+cmd"}
boards:
  - id: main
    name: "-2+3"
    points: 100
    indicators:
      - {id: x, name: '=HYPERLINK("http://x")', direction: higher, weight: 1, method: minmax}
"""
    path = tmp_path / "scheme.yaml"
    path.write_text(text, encoding="utf-8")
    return load_scheme(path)


def test_the_template_keeps_hostile_names_as_text_and_reads_back(hostile_scheme):
    out = io.BytesIO()
    write_template(hostile_scheme, out, values={"a": {"x": "=1+1"}})
    data = out.getvalue()
    assert _formula_cells(data) == []
    book = openpyxl.load_workbook(io.BytesIO(data))
    texts = {c.value for row in book.worksheets[0].iter_rows() for c in row}
    assert {"=1+1", "@SUM(A1)", "+cmd"} <= texts


def test_the_result_book_has_no_formula(hostile_scheme):
    data_csv = "unit,indicator,value\na,x,1\nb,x,2\nc,x,3\n"
    data = read_table(data_csv.encode(), hostile_scheme, filename="d.csv")
    result = assess(hostile_scheme, data)
    out = io.BytesIO()
    write_result_book(result, out)
    assert _formula_cells(out.getvalue()) == []
    book = openpyxl.load_workbook(io.BytesIO(out.getvalue()))
    texts = {c.value for s in book.worksheets for row in s.iter_rows() for c in row}
    assert "=1+1" in texts


def test_the_cli_csv_and_xlsx_outputs_keep_hostile_names_as_text(hostile_scheme, tmp_path, capsys):
    from leitai.cli import main

    scheme = tmp_path / "scheme.yaml"
    data = tmp_path / "data.csv"
    data.write_text("unit,indicator,value\na,x,1\nb,x,2\nc,x,3\n", encoding="utf-8")
    assert main(["assess", str(scheme), str(data), "--format", "csv"]) == 0
    text = capsys.readouterr().out
    cells = [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]
    assert "'=1+1" in cells and "'@SUM(A1)" in cells and "'+cmd" in cells
    assert not [c for c in cells if c.startswith(("=", "+", "@"))]
    book = tmp_path / "book.xlsx"
    assert main(["assess", str(scheme), str(data), "--format", "xlsx", "-o", str(book)]) == 0
    assert _formula_cells(book.read_bytes()) == []
