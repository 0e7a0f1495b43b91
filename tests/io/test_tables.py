"""Reading data tables: value parsing, long and wide forms, located errors."""

from __future__ import annotations

import io

import numpy as np
import pytest

from leitai.engine import DataError, load_scheme, parse_number
from leitai.engine.data import parse_flag
from leitai.engine.problems import Problem, Where
from leitai.io import read_previous, read_table, write_template


@pytest.fixture
def scheme(examples):
    return load_scheme(examples / "case1" / "scheme.yaml")


@pytest.fixture
def long_text(examples):
    return (examples / "case1" / "data.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1,234.5", 1234.5),
        ("１２.５", 12.5),
        ("5.2%", 5.2),
        (" -3 ", -3.0),
        ("", None),
        ("-", None),
        ("—", None),
        ("/", None),
        ("N/A", None),
        ("n/a", None),
        (7, 7.0),
        (None, None),
    ],
)
def test_values_are_read_as_a_person_writes_them(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["12,3x", "abc", "1.2.3", "nan", "inf", "--"])
def test_text_that_is_not_a_number_is_refused(text):
    with pytest.raises(ValueError) as caught:
        parse_number(text)
    assert caught.value.problem.code == "number.not_a_number"
    assert caught.value.problem.params["found"] == text


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("是", True),
        ("Y", True),
        ("TRUE", True),
        (1, True),
        ("否", False),
        ("n", False),
        ("", False),
        (None, False),
        ("0", False),
    ],
)
def test_veto_words(text, flag):
    assert parse_flag(text) is flag


def test_a_veto_word_that_is_neither_yes_nor_no_is_refused():
    with pytest.raises(ValueError) as caught:
        parse_flag("maybe")
    assert caught.value.problem.code == "flag.not_yes_no"


def test_a_bad_cell_is_named_by_row_and_column(scheme, long_text, tmp_path):
    path = tmp_path / "data.csv"
    path.write_text(
        long_text.replace("a,energy_use,0.42,", 'a,energy_use,"12,3x",'), encoding="utf-8"
    )
    with pytest.raises(DataError) as caught:
        read_table(path, scheme)
    assert caught.value.problems == [
        Problem(
            "number.not_a_number",
            Where(file=str(path), row=3, cell="C3", column="value"),
            {"found": "12,3x"},
        )
    ]


def test_errors_are_collected_together(scheme, long_text, tmp_path):
    path = tmp_path / "data.csv"
    bad = long_text + "zz,gdp_growth,1,\na,gdp_growth,2,\nb,nothing,1,\nc,signed,3,ten\n"
    path.write_text(
        bad.replace("d,major_accident,是,", "d,major_accident,maybe,"), encoding="utf-8"
    )
    with pytest.raises(DataError) as caught:
        read_table(path, scheme)
    found = {(p.code, p.where.cell): dict(p.params) for p in caught.value.problems}
    assert found[("data.unknown_unit", "A32")] == {"unit": "zz"}
    assert found[("data.duplicated", "C33")] == {
        "unit": "a",
        "indicator": "gdp_growth",
        "first": "C2",
    }
    assert found[("data.unknown_indicator", "B34")] == {"indicator": "nothing"}
    assert found[("data.duplicated", "C35")]["indicator"] == "signed"
    assert any(code == "flag.not_yes_no" for code, _cell in found)


def test_a_unit_of_the_scheme_absent_from_the_table_is_an_error(scheme, long_text):
    kept = "\n".join(line for line in long_text.splitlines() if not line.startswith("e,"))
    with pytest.raises(DataError) as caught:
        read_table(kept.encode(), scheme, filename="upload.csv")
    assert caught.value.problems == [
        Problem("data.units_absent", Where(file="upload.csv"), {"units": ["e"]})
    ]


def test_an_xlsx_that_is_not_a_spreadsheet_is_refused(scheme, tmp_path):
    path = tmp_path / "data.xlsx"
    path.write_bytes(b"this is not a workbook")
    with pytest.raises(DataError) as caught:
        read_table(path, scheme)
    assert caught.value.problems[0].code == "file.not_xlsx"
    assert caught.value.problems[0].where.file.endswith("data.xlsx")


def test_a_gbk_csv_from_a_chinese_excel_is_read(scheme, long_text):
    text = long_text.replace("unit,indicator,value,target", "单位,指标,数值,目标值")
    data = read_table(text.encode("gb18030"), scheme, filename="gbk.csv")
    assert data.adjustments["major_accident"].tolist() == [False, False, False, True, False]


def test_wide_form_gives_the_same_values_as_long_form(scheme, long_text, examples):
    long = read_table(examples / "case1" / "data.csv", scheme)
    rows = [line.split(",") for line in long_text.splitlines()[1:]]
    names = list(dict.fromkeys(r[1] for r in rows))
    wide = ["unit," + ",".join(names) + ",signed.target"]
    for unit in dict.fromkeys(r[0] for r in rows):
        cells = {r[1]: r[2] for r in rows if r[0] == unit}
        target = next(r[3] for r in rows if r[0] == unit and r[1] == "signed")
        wide.append(unit + "," + ",".join(cells[n] for n in names) + "," + target)
    data = read_table("\n".join(wide).encode(), scheme, filename="wide.csv")
    assert np.array_equal(data.values, long.values, equal_nan=True)
    assert np.array_equal(data.targets, long.targets, equal_nan=True)


def test_a_filled_template_is_read_back_as_it_is(scheme, examples, tmp_path):
    long = read_table(examples / "case1" / "data.csv", scheme)
    indicators = [i.id for i in scheme.all_indicators()]
    values = {}
    for u, unit in enumerate(scheme.unit_ids):
        row = {
            i: (None if np.isnan(v) else v) for i, v in zip(indicators, long.values[u], strict=True)
        }
        row["signed.target"] = long.targets[u, indicators.index("signed")]
        row["satisfaction"] = long.adjustments["satisfaction"][u]
        row["major_accident"] = "是" if long.adjustments["major_accident"][u] else "否"
        values[unit] = row
    path = tmp_path / "template.xlsx"
    write_template(scheme, path, values=values, period="2023Q1")
    data = read_table(path, scheme)
    assert np.array_equal(data.values, long.values, equal_nan=True)
    assert (
        data.adjustments["major_accident"].tolist() == long.adjustments["major_accident"].tolist()
    )


def test_a_template_bad_cell_is_named_by_sheet_and_cell(scheme, tmp_path):
    import openpyxl

    path = tmp_path / "t.xlsx"
    write_template(scheme, path)
    book = openpyxl.load_workbook(path)
    sheet = book["数据填报"]
    for row in sheet.iter_rows(min_row=5):
        for cell in row[2:]:
            cell.value = 1
    sheet["D6"] = "12,3x"
    sheet["H5"] = "否"
    book.save(path)
    with pytest.raises(DataError) as caught:
        read_table(path, scheme)
    name = scheme.all_indicators()[1].name  # the header a person reads in the template
    assert (
        Problem(
            "number.not_a_number",
            Where(file=str(path), sheet="数据填报", row=6, cell="D6", column=name),
            {"found": "12,3x"},
        )
        in caught.value.problems
    ), caught.value.problems


def test_a_template_for_another_scheme_is_refused(scheme, examples, tmp_path):
    other = load_scheme(examples / "case2" / "scheme.yaml")
    path = tmp_path / "t.xlsx"
    write_template(other, path)
    with pytest.raises(DataError) as caught:
        read_table(path, scheme)
    assert caught.value.problems[0].code == "table.other_scheme"
    assert caught.value.problems[0].params["made"] == "case-7"


def test_previous_ranks_from_csv_or_json(examples, tmp_path):
    assert read_previous(examples / "case1" / "previous.csv") == {
        "a": 1,
        "b": 4,
        "c": 5,
        "d": 2,
        "e": 3,
    }
    ranks = read_previous(examples / "case1" / "expected.json")
    assert ranks["a"] == 1 and len(ranks) == 5
    bad = tmp_path / "p.csv"
    bad.write_text("unit,rank\na,first\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_previous(bad)
    assert caught.value.problems == [
        Problem(
            "previous.not_a_rank",
            Where(file=str(bad), row=2, column="rank"),
            {"found": "first", "unit": "a"},
        )
    ]


def test_an_upload_stream_is_read(scheme, examples):
    data = read_table(
        io.BytesIO((examples / "case1" / "data.csv").read_bytes()), scheme, filename="x.csv"
    )
    assert data.values.shape == (5, 4)
