"""The XLSX result book."""

from __future__ import annotations

import io
import shutil
import subprocess

import openpyxl
import pytest

from leitai.engine import assess, load_scheme
from leitai.io import read_previous, read_table
from leitai.reports.book import write_result_book


@pytest.fixture
def result(examples):
    folder = examples / "case4"
    scheme = load_scheme(folder / "scheme.yaml")
    return assess(
        scheme,
        read_table(folder / "data.csv", scheme),
        previous=read_previous(folder / "previous.csv"),
        period="2023Q1",
    )


def book_of(result, lang="zh"):
    buffer = io.BytesIO()
    write_result_book(result, buffer, lang=lang)
    buffer.seek(0)
    return openpyxl.load_workbook(buffer)


def test_the_book_has_a_league_table_in_rank_order(result):
    sheet = book_of(result)["综合成绩"]
    ranks = [sheet.cell(r, 1).value for r in range(3, 3 + len(result.scheme.units))]
    assert ranks == sorted(ranks) and ranks[0] == 1
    assert sheet.cell(3, 3).value == pytest.approx(float(result.composite.max()))
    assert sheet.freeze_panes == "C3"


def test_the_star_sheet_has_every_board_at_every_level(result):
    sheet = book_of(result)["摘星情况"]
    header = [c.value for c in sheet[2]]
    assert header[2:-1] == [b.name for b in result.scheme.all_boards()]
    first = result.order[0]
    assert [c.value for c in sheet[3]][2:-1] == [int(s) for s in result.stars[first]]


def test_indicator_scores_and_explanations_are_listed_for_every_unit(result):
    book = book_of(result)
    n_units, n_indicators = len(result.scheme.units), len(result.scheme.all_indicators())
    assert book["指标得分"].max_row == 2 + n_units * n_indicators
    explain = book["成绩解读"]
    assert explain.cell(3, 6).value in (None, "")  # the first has nobody above
    assert explain.cell(4, 7).value == pytest.approx(
        float(result.composite[result.order[0]] - result.composite[result.order[1]])
    )


def test_the_book_in_english(result):
    book = book_of(result, lang="en")
    assert book.sheetnames == [
        "League table",
        "Stars",
        "Indicator scores",
        "Explanations",
        "Board scores",
        "About",
    ]
    about = {row[0].value: row[1].value for row in book["About"].iter_rows()}
    assert about["Scheme file SHA-256"] == result.scheme.sha256


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
def test_libreoffice_opens_the_book_and_prints_it(result, tmp_path):
    path = tmp_path / "book.xlsx"
    write_result_book(result, path)
    done = subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    pdf = tmp_path / "book.pdf"
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF"), done.stderr


def _as_printed(cell) -> str:
    """A numeric cell's text as Excel prints it with its number format (0.00, 0.000"※")."""
    fmt = cell.number_format
    decimals = len(fmt.split('"')[0].partition(".")[2])
    return f"{cell.value:.{decimals}f}" + ("※" if "※" in fmt else "")


def test_scores_printing_alike_but_deciding_differently_show_more_decimals():
    from leitai.demo import assess_demo

    result = assess_demo("2023Q1")["2023Q1"]
    book = book_of(result)
    sheet = book["板块得分"]
    header = [c.value for c in sheet[2]]
    column = header.index("城市更新建设") + 1
    by_name = {sheet.cell(r, 2).value: sheet.cell(r, column) for r in range(3, 13)}
    assert _as_printed(by_name["市北区"]) == "63.835"
    assert _as_printed(by_name["胶州市"]) == "63.825"
    assert _as_printed(by_name["城阳区"]) == "73.81"
    notes = [row[0].value for row in sheet.iter_rows(min_row=13) if row[0].value]
    assert any("更多位小数" in str(n) for n in notes)
    league = book["综合成绩"]
    assert [_as_printed(league.cell(r, 3)) for r in range(3, 5)] == ["92.85", "81.25"]


def test_a_tie_break_is_marked_in_the_cell_format():
    from openpyxl import Workbook

    from leitai.engine.display import Shown
    from leitai.reports.book import _tie_formats

    sheet = Workbook().active
    sheet["A3"], sheet["A4"] = 80.0, 80.0
    _tie_formats(sheet, 1, [Shown("80.00", tie_break=True), Shown("80.00")])
    assert (_as_printed(sheet["A3"]), _as_printed(sheet["A4"])) == ("80.00※", "80.00")
