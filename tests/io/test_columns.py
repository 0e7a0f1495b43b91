"""The column-wise reader gives what the cell-by-cell reader gives: values and problems."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from leitai.engine import DataError, load_scheme, parse_scheme
from leitai.io import read_table, write_template
from leitai.io.columns import column_numbers

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data" / "bad"))
import make_bad_files as bad

DEMO = Path(__file__).resolve().parents[2] / "src" / "leitai" / "demo" / "scheme-2023-v1.yaml"

SCHEME = parse_scheme(
    "id: g\nname: G\nversion: 1\n"
    "units: [{id: a, name: A}, {id: b, name: B}, {id: c, name: C}]\n"
    "series: [{id: pop, name: Pop}]\n"
    "adjustments: [{id: bonus, name: Bonus, kind: bonus, max_points: 2},"
    " {id: veto, name: Veto, kind: veto}]\n"
    "boards: [{id: x, name: X, points: 100, indicators: ["
    "{id: i, name: I, method: minmax}, {id: j, name: J, method: target},"
    " {id: k, name: K, method: minmax, range: [0, 100], integer: true}]}]\n"
)


def outcome(source: Any, scheme: Any, *, fast: bool, **kw: Any) -> tuple[str, Any]:
    """("ok", every array and location) or ("error", the problems), from one reader."""
    try:
        data = read_table(source, scheme, fast=fast, **kw)
    except DataError as exc:
        return "error", exc.problems
    arrays = [data.values, data.targets, data.series, *data.adjustments.values()]
    return "ok", (
        [np.asarray(a).tolist() for a in arrays],
        [np.signbit(np.asarray(a, dtype=float)).tolist() for a in arrays],
        dict(data.locations),
        data.source,
    )


def same(source: Any, scheme: Any, **kw: Any) -> tuple[str, Any]:
    fast = outcome(source, scheme, fast=True, **kw)
    slow = outcome(source, scheme, fast=False, **kw)
    assert fast[0] == slow[0]
    if fast[0] == "ok":
        # nan != nan: compare the text of the values, and their signs
        assert repr(fast[1][0]) == repr(slow[1][0])
        assert fast[1][1:] == slow[1][1:]
    else:
        assert fast[1] == slow[1]
    return fast


@pytest.mark.parametrize(
    "name", sorted(n for n, case in bad.CORPUS.items() if case.kind != "other")
)
def test_the_fast_reader_reports_what_the_cell_by_cell_reader_reports_on_every_bad_file(name):
    case = bad.CORPUS[name]
    scheme = load_scheme(DEMO)
    same(bad.built(name), scheme, filename=case.filename, require_all_units=False)


CELLS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=64).map(repr),
    st.integers(-(10**20), 10**20).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.sampled_from(
        [
            "",
            "",
            "",
            " 5 ",
            "1,234.5",
            "12,3",
            "５．５",
            "−3",
            "5%",
            "—",
            "N/A",
            "abc",
            "1e999",
            "+.5",
            "1.",
            "-0",
            "0x10",
            "nan",
            "inf",
            "1_000",
            "١٢",
            "1e-400",
        ]
    ),
)
FLAGS = st.sampled_from(["", "是", "否", "1", "0", "Y", "n", "maybe"])


def wide(rows: list[list[Any]], header: list[str]) -> tuple[bytes, bytes]:
    """The same table as CSV text and as a workbook (text cells as numbers where they are)."""
    text = io.StringIO()
    csv.writer(text).writerows([header, *rows])
    book = Workbook()
    sheet = book.active
    sheet.title = "数据填报"
    sheet.append(header)
    for row in rows:
        sheet.append([_as_cell(c) for c in row])
    out = io.BytesIO()
    book.save(out)
    return text.getvalue().encode("utf-8"), out.getvalue()


def _as_cell(text: str) -> Any:
    try:
        number = float(text)
    except ValueError:
        return text or None
    return number if np.isfinite(number) and text.strip() == text and "_" not in text else text


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cells=st.lists(st.lists(CELLS, min_size=6, max_size=6), min_size=3, max_size=3),
    flags=st.lists(FLAGS, min_size=3, max_size=3),
    units=st.permutations(["a", "b", "c"]),
    extra=st.booleans(),
)
def test_the_fast_reader_gives_what_the_cell_by_cell_reader_gives_on_generated_tables(
    cells, flags, units, extra
):
    header = ["unit", "i", "j", "j.target", "k", "bonus", "pop", "veto"]
    if extra:
        header.append("nothing")
    rows = [
        [u, *row, f, *(["1"] if extra else [])]
        for u, row, f in zip(units, cells, flags, strict=True)
    ]
    text, book = wide(rows, header)
    same(text, SCHEME, filename="t.csv")
    same(book, SCHEME, filename="t.xlsx")


GOOD = st.one_of(
    st.floats(-1e300, 1e300).map(repr),
    st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str),
    st.integers(-(10**6), 10**6).map(lambda n: f"{n:,}"),
    st.sampled_from(["", " 5 ", "５．５", "−3", "5%", "—", "N/A", "+.5", "1.", "-0", "1e-400"]),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cells=st.lists(st.lists(GOOD, min_size=3, max_size=3), min_size=3, max_size=3),
    k=st.lists(st.integers(0, 100).map(str) | st.just(""), min_size=3, max_size=3),
    targets=st.lists(st.floats(0.5, 1e6).map(repr) | st.just(""), min_size=3, max_size=3),
    flags=st.lists(st.sampled_from(["", "是", "否", "1", "0"]), min_size=3, max_size=3),
)
def test_tables_without_problems_are_read_alike(cells, k, targets, flags):
    header = ["unit", "i", "j", "j.target", "k", "bonus", "pop", "veto"]
    rows = [
        ["abc"[n], cells[n][0], cells[n][1], targets[n], k[n], cells[n][2], cells[n][0], flags[n]]
        for n in range(3)
    ]
    text, book = wide(rows, header)
    assert same(text, SCHEME, filename="t.csv")[0] == "ok"
    assert same(book, SCHEME, filename="t.xlsx")[0] == "ok"


def test_a_clean_wide_table_is_read_column_by_column_with_the_same_cells():
    header = ["unit", "i", "j", "j.target", "k", "bonus", "pop", "veto"]
    rows = [
        ["a", "1.5", "2", "4", "3", "", "10", "否"],
        ["b", "2.5", "", "5", "7", "1", "20", ""],
        ["c", "-1e3", "3", "6", "100", "0.5", "30", "是"],
    ]
    text, book = wide(rows, header)
    for name, content in (("t.csv", text), ("t.xlsx", book)):
        kind, (_values, _signs, locations, _source) = same(content, SCHEME, filename=name)
        assert kind == "ok"
        assert locations[("b", "k")].cell == "E3" and locations[("b", "k")].column == "k"
        data = read_table(content, SCHEME, filename=name)
        assert type(data.locations).__name__ == "_Locations"  # read column by column
        assert data.values[2].tolist() == [-1000.0, 3.0, 100.0]
        assert data.adjustments["veto"].tolist() == [False, False, True]


def test_a_template_workbook_is_read_alike(tmp_path):
    scheme = load_scheme(DEMO)
    path = tmp_path / "t.xlsx"
    write_template(scheme, path)
    same(path.read_bytes(), scheme, filename="t.xlsx", require_all_units=False)


def test_an_unknown_column_is_one_problem_at_its_header_and_an_unknown_unit_one_per_row():
    header = ["unit", "i", "nothing", "else", "k"]
    rows = [["a", "1", "x", "y", "2"], ["zz", "1", "x", "y", "2"], ["b", "1", "", "", "3"]]
    with pytest.raises(DataError) as caught:
        read_table(wide(rows, header)[0], SCHEME, filename="t.csv", require_all_units=False)
    found = [
        (p.code, p.where.cell, p.params.get("indicator") or p.params.get("unit"))
        for p in caught.value.problems
    ]
    assert found == [
        ("data.unknown_indicator", "C1", "nothing"),
        ("data.unknown_indicator", "D1", "else"),
        ("data.unknown_unit", "A3", "zz"),
    ]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["1.5", "", "-2e3", "+.5", "1."], [1.5, None, -2000.0, 0.5, 1.0]),
        ([1.5, "", 2, 0.0], [1.5, None, 2.0, 0.0]),
        (["1,234", " 5 ", "５", "—"], [1234.0, 5.0, 5.0, None]),
        (["1e999"], "refused"),
        (["12,3"], "refused"),
        ([float("inf")], "refused"),
        ([True], "refused"),
    ],
)
def test_a_column_is_converted_by_the_rules_of_spec_section_7(cells, expected):
    numbers = column_numbers(cells)
    if expected == "refused":
        assert numbers is None
    else:
        assert [None if np.isnan(n) else n for n in numbers.tolist()] == expected


@pytest.mark.parametrize("tag", ["<f>", '<f\tt="normal">', '<f\nt="normal">'])
def test_a_formula_however_its_tag_is_spaced_is_refused_by_both_readers(tag):
    """The fast reader read a formula written ``<f\\t...>`` (its cached value) where
    the cell-by-cell reader refuses every formula."""
    rows = [["unit", *bad.INDICATORS], [bad.OWN, 1, 2, 3, 4]]
    xml = bad.sheet_xml(rows).replace(
        '<c r="B2"><v>1</v></c>', f'<c r="B2">{tag}1+0</f><v>1</v></c>'
    )
    data = bad.raw_xlsx([("数据填报", xml, "visible")])
    kind, problems = same(data, load_scheme(DEMO), filename="f.xlsx", require_all_units=False)
    assert kind == "error" and [p.code for p in problems] == ["file.formula"]


@given(st.text("0123456789.eE+-", max_size=12))
@settings(max_examples=2000, deadline=None)
def test_float_reads_the_plain_numbers_over_their_characters_and_nothing_else(text):
    """Over digits, '.', 'e', 'E', '+' and '-', float() reads a text exactly when it is a
    plain number of spec section 7 (what lets the column reader call float() alone)."""
    from leitai.io.columns import _PLAIN_NUMBER

    try:
        float(text)
        read = True
    except ValueError:
        read = False
    assert read == bool(_PLAIN_NUMBER.fullmatch(text))


@pytest.mark.parametrize("cell", ["1\n2", "1\r\n2", "1.2.3", "e5", "+", "1e"])
def test_a_cell_that_is_not_a_plain_number_is_read_cell_by_cell(cell):
    """A quoted CSV cell with a line break gave a traceback (ValueError) from the fast
    reader; it is reported as the cell-by-cell reader reports it."""
    text = f'unit,i,j,k\r\na,"{cell}",1,1\r\nb,2,2,2\r\nc,3,3,3\r\n'.encode()
    kind, problems = same(text, SCHEME, filename="t.csv")
    assert kind == "error" and [p.where.cell for p in problems] == ["B2"]
