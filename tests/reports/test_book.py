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
    assert book.sheetnames == ["League table", "Stars", "Indicator scores", "Explanations", "About"]
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
