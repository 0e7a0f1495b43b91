"""Numbers as people type them (spec section 7) and plausibility at reading."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leitai.engine import DataError, PeriodData, parse_scheme
from leitai.engine.data import NumberError, Record, parse_number
from leitai.engine.problems import Where


def _grouped(whole: int) -> str:
    return f"{whole:,}"


def _full_width(text: str) -> str:
    return text.translate(str.maketrans("0123456789.,-%", "０１２３４５６７８９．，－％"))


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1,234", 1234.0),
        ("12,345,678.5", 12345678.5),
        ("１，２３４.５", 1234.5),
        ("１２３．５", 123.5),
        ("\u22123", -3.0),
        ("\uff0d3", -3.0),
        ("-3", -3.0),
        ("  +7  ", 7.0),
        ("5.2%", 5.2),
        ("5.2％", 5.2),
        ("0.5 %", 0.5),
        ("1.5e3", 1500.0),
        ("N/A", None),
    ],
)
def test_numbers_as_people_type_them(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["12,3", "0,5%", "1,5", "12,34,567", "1,2345", ",5", "1,234,56"])
def test_a_comma_that_is_not_a_thousands_separator_is_a_decimal_comma(text):
    with pytest.raises(NumberError) as caught:
        parse_number(text)
    assert caught.value.problem.code == "number.decimal_comma"
    assert caught.value.problem.params == {"found": text}


@pytest.mark.parametrize("value", ["1e400", "-1e999", float("inf")])
def test_only_finite_numbers_are_read(value):
    with pytest.raises(NumberError) as caught:
        parse_number(value)
    assert caught.value.problem.code == "number.not_finite"


@given(
    whole=st.integers(min_value=0, max_value=10**15),
    fraction=st.one_of(st.none(), st.integers(min_value=0, max_value=999)),
    negative=st.booleans(),
    minus=st.sampled_from(["-", "\u2212", "\uff0d"]),
    full_width=st.booleans(),
    percent=st.sampled_from(["", "%", "％"]),
    spaces=st.sampled_from(["", " ", "  "]),
)
def test_thousands_grouped_numbers_read_as_their_value(
    whole, fraction, negative, minus, full_width, percent, spaces
):
    text = _grouped(whole) + ("" if fraction is None else f".{fraction:03d}")
    expected = float(text.replace(",", ""))
    if full_width:
        text = _full_width(text)
    if negative:
        text, expected = minus + text, -expected
    assert parse_number(f"{spaces}{text}{percent}{spaces}") == expected


@given(
    head=st.integers(min_value=0, max_value=10**6),
    tail=st.text(alphabet="0123456789", min_size=1, max_size=6).filter(lambda t: len(t) != 3),
    percent=st.sampled_from(["", "%"]),
    full_width=st.booleans(),
)
def test_decimal_comma_strings_are_refused_never_guessed(head, tail, percent, full_width):
    text = f"{head},{tail}{percent}"
    if full_width:
        text = _full_width(text)
    with pytest.raises(NumberError) as caught:
        parse_number(text)
    assert caught.value.problem.code == "number.decimal_comma"


SCHEME = """
id: plaus
name: 合理性
version: 1
units: [{id: a, name: 甲区}, {id: b, name: 乙区}]
boards:
  - id: gov
    name: 政务服务
    points: 100
    indicators:
      - {id: online_rate, name: 网办率, range: [0, 100]}
      - {id: projects, name: 签约项目数, integer: true, range: [0, null]}
      - {id: signed, name: 签约额, method: target}
"""


def test_values_outside_the_range_non_integers_and_targets_not_above_zero_are_refused():
    scheme = parse_scheme(SCHEME, source="s.yaml")
    records = [
        Record("a", "online_rate", "120", where=Where(row=2), value_at=Where(row=2, cell="C2")),
        Record("a", "projects", "2.5", value_at=Where(row=3, cell="C3")),
        Record("a", "signed", "5", "-5", target_at=Where(row=4, cell="D4")),
        Record("b", "online_rate", "-1", value_at=Where(row=5, cell="C5")),
        Record("b", "projects", "3"),
        Record("b", "signed", "5", "6"),
    ]
    with pytest.raises(DataError) as caught:
        PeriodData.from_records(scheme, records, source="d.csv")
    found = [(p.code, p.where.cell, dict(p.params)) for p in caught.value.problems]
    assert found == [
        ("data.above_range", "C2", {"found": "120", "max": "100"}),
        ("data.not_integer", "C3", {"found": "2.5"}),
        ("data.target_not_positive", "D4", {"found": "-5"}),
        ("data.below_range", "C5", {"found": "-1", "min": "0"}),
    ]
    assert {p.where.file for p in caught.value.problems} == {"d.csv"}


def test_plausible_values_are_read():
    scheme = parse_scheme(SCHEME, source="s.yaml")
    data = PeriodData.from_mapping(
        scheme,
        {"a": {"online_rate": "100", "projects": "3", "signed": 1}, "b": {"online_rate": 0}},
        targets={"a": {"signed": 2}},
    )
    assert data.values[0].tolist() == [100.0, 3.0, 1.0]
