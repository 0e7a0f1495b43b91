"""Screening units by data availability (docs/methods.md, section F) against COINr 1.1.14.

tests/data/coinr/make_references.R screened tests/data/coinr/synthetic.csv with COINr's
Screen(unit_screen = "byNA", dat_thresh = 0.8) and normalised the units kept by min-max
to 0-100 (screened_units.csv, screened_minmax.csv).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from leitai.engine import PeriodData, assess, parse_scheme
from leitai.engine.errors import SchemeError
from leitai.engine.prepare import screened_units

DATA = Path(__file__).resolve().parents[1] / "data" / "coinr"
INDICATORS = ("i1", "i2", "i3", "i4", "i5", "i6")


def _table() -> dict[str, dict[str, float | None]]:
    with open(DATA / "synthetic.csv", encoding="utf-8") as handle:
        return {
            row["uCode"]: {k: float(row[k]) if row[k] else None for k in INDICATORS}
            for row in csv.DictReader(handle)
        }


def _scheme(units: list[str], screen: str):
    listed = ", ".join(
        f"{{id: {i}, name: {i}, method: minmax, missing: exclude}}" for i in INDICATORS
    )
    unit_list = ", ".join(f"{{id: {u}, name: {u}}}" for u in units)
    return parse_scheme(
        f"id: screen\nname: screen\nversion: 1\nunits: [{unit_list}]\n"
        f"boards: [{{id: b, name: B, points: 100, indicators: [{listed}]}}]\n"
        f"prepare: {{screen: {screen}}}\n"
    )


def test_screened_units_and_the_scores_of_the_others_match_coinr():
    values = _table()
    scheme = _scheme(list(values), "{min_data: 0.8}")
    result = assess(scheme, PeriodData.from_mapping(scheme, values))
    with open(DATA / "screened_units.csv", encoding="utf-8") as handle:
        removed = [row["removed"] for row in csv.DictReader(handle)]
    assert removed == ["u03", "u10"]
    kept = [u for u in scheme.unit_ids if u not in removed]
    with open(DATA / "screened_minmax.csv", encoding="utf-8") as handle:
        expected = {
            row["uCode"]: [np.nan if row[k] == "NA" else float(row[k]) for k in INDICATORS]
            for row in csv.DictReader(handle)
        }
    assert list(expected) == kept
    rows = [scheme.unit_ids.index(u) for u in kept]
    want = np.array([expected[u] for u in kept])
    np.testing.assert_array_equal(np.isnan(result.scores[rows]), np.isnan(want))
    assert np.nanmax(np.abs(result.scores[rows] - want)) < 1e-9
    # The screened units have no values left, so no scores, and say why.
    screened = [scheme.unit_ids.index(u) for u in removed]
    assert np.isnan(result.prepared[screened]).all()
    assert result.composite[screened].tolist() == [0.0, 0.0]
    said = {u for r in result.preparation for u in r.get("screened", [])}
    assert said == {"u03", "u10"}


@pytest.mark.parametrize(
    ("screen", "expected"),
    [
        ("{min_data: 0.6}", []),
        ("{min_data: 0.7}", ["u03", "u10"]),
        ("{by: zeros, nonzero: 0.2}", ["z"]),
        ("{by: missing_or_zeros, min_data: 0.7, nonzero: 0.2}", ["u03", "u10", "z"]),
    ],
)
def test_screening_by_missing_values_and_by_zeros(screen, expected):
    values = _table()
    values["z"] = {"i1": 0, "i2": 0, "i3": 0, "i4": 0, "i5": 0, "i6": 1.0}
    scheme = _scheme(list(values), screen)
    data = PeriodData.from_mapping(scheme, values)
    mask = screened_units(scheme, data.values, data.series)
    assert [u for u, out in zip(scheme.unit_ids, mask, strict=True) if out] == expected


def test_screen_thresholds_are_shares():
    with pytest.raises(SchemeError) as caught:
        _scheme(["x", "y"], "{min_data: 80}")
    assert caught.value.problems[0].where.path == "prepare.screen.min_data"
    assert caught.value.problems[0].code == "scheme.not_at_most"
