"""The engine's row TypedDicts (issue 15) say the keys the rows really have.

mypy checks the keys of the dicts the code writes as literals; these tests check the
rows the engine actually returns against the declarations, so that a key added to a
row without its declaration (or declared and never written) fails here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from leitai.engine import PeriodData, load_scheme, parse_scheme
from leitai.engine.diagnostics import (
    BoardAlpha,
    CollinearPair,
    DiagnosticsDict,
    IndicatorAudit,
    diagnose,
)
from leitai.engine.prepare import PreparationRecord, Treatment, prepare_values, treat_column
from leitai.engine.sensitivity import (
    SensitivityDict,
    SensitivityIndex,
    SensitivitySettings,
    UnitSpread,
    analyse,
)
from leitai.engine.whatif import WhatIfDict, WhatIfRow, what_it_takes
from leitai.io import read_previous, read_table
from tests.typed_rows import conforms, declared


def load_case(examples: Path, name: str):
    folder = examples / name
    scheme = load_scheme(folder / "scheme.yaml")
    data = read_table(folder / "data.csv", scheme)
    previous = (
        read_previous(folder / "previous.csv") if (folder / "previous.csv").exists() else None
    )
    return scheme, data, previous


def test_the_declarations_see_optional_keys():
    required, every = declared(WhatIfRow)
    assert {"best_rank", "best_stars"} == every - required
    assert "indicator" in required and "status" in required
    with pytest.raises(AssertionError):
        assert conforms({"indicator": "x"}, WhatIfRow)


@pytest.mark.parametrize("name", ["case1", "case3"])
def test_what_if_rows_have_the_declared_keys(examples, name):
    scheme, data, previous = load_case(examples, name)
    seen: set[str] = set()
    for unit in scheme.unit_ids[:4]:
        report = what_it_takes(scheme, data, unit, previous=previous)
        for row in report.rows:
            assert conforms(row, WhatIfRow), sorted(row)
            seen.add(row["status"])
        document = report.to_dict()
        assert set(document) == declared(WhatIfDict)[1]
    assert "reachable" in seen


def test_a_row_short_of_room_has_the_optional_best_keys():
    scheme = parse_scheme(
        "id: w\nname: w\nversion: 1\n"
        "units: [{id: a, name: A}, {id: b, name: B}, {id: c, name: C}]\n"
        "boards: [{id: x, name: X, points: 100, indicators: [\n"
        "  {id: i1, name: I1, method: minmax, weight: 1},\n"
        "  {id: i2, name: I2, method: minmax, weight: 9}]}]\n"
    )
    data = PeriodData.from_mapping(
        scheme, {"a": {"i1": 1, "i2": 10}, "b": {"i1": 2, "i2": 5}, "c": {"i1": 3, "i2": 1}}
    )
    row = what_it_takes(scheme, data, "b").find("i1", "rank")
    assert row["reason"] == "limit"
    assert set(row) == declared(WhatIfRow)[1]


def test_diagnostics_rows_have_the_declared_keys(examples):
    scheme, data, _previous = load_case(examples, "case1")
    report = diagnose(scheme, data, corr_limit=0.0)
    assert report.indicators and report.collinear and report.alpha
    for row in report.indicators:
        assert set(row) == declared(IndicatorAudit)[1]
    for pair in report.collinear:
        assert set(pair) == declared(CollinearPair)[1]
    for board in report.alpha:
        assert set(board) == declared(BoardAlpha)[1]
    assert set(report.to_dict()) == declared(DiagnosticsDict)[1]


def test_sensitivity_rows_have_the_declared_keys(examples):
    scheme, data, previous = load_case(examples, "case1")
    result = analyse(scheme, data, samples=32, seed=1, previous=previous)
    assert result.indices
    for row in result.indices:
        assert set(row) == declared(SensitivityIndex)[1]
    for row in result.unit_table():
        assert set(row) == declared(UnitSpread)[1]
    assert set(result.settings) == declared(SensitivitySettings)[1]
    assert set(result.to_dict()) == declared(SensitivityDict)[1]


def test_preparation_records_have_the_declared_keys():
    units = ", ".join(f"{{id: u{k}, name: U{k}, group: g}}" for k in range(12))
    scheme = parse_scheme(
        f"id: t\nname: t\nversion: 1\nunits: [{units}]\n"
        "series: [{id: pop, name: pop}]\n"
        "boards: [{id: b1, name: B1, points: 100, indicators: [\n"
        "  {id: gdp, name: GDP, denominator: pop}, {id: x, name: X}]}]\n"
        "prepare: {impute: {method: mean, by: group}, treat: {}}\n"
    )
    skewed = [*range(1, 11), 30.0, 100.0]
    gapped = [np.nan, *range(2, 12), 500.0]
    values = np.column_stack([skewed, gapped]).astype(float)
    _prepared, records = prepare_values(scheme, values, np.ones((12, 1)))
    assert [r["indicator"] for r in records] == ["gdp", "x"]
    for record in records:
        assert conforms(record, PreparationRecord), sorted(record)
    assert {"imputed", "treatment", "changed_units", "denominator"} <= set(records[0]) | set(
        records[1]
    )
    _v, treatment = treat_column(np.array([*range(1, 11), 30.0, 100.0]), max_points=2)
    assert treatment is not None and set(treatment) == declared(Treatment)[1]
