"""Normalisation methods (docs/methods.md, section B) against COINr 1.1.14's output.

tests/data/coinr/make_references.R normalised tests/data/coinr/synthetic.csv with
COINr's Normalise (n_prank, n_borda, n_fracmax, n_dist2ref; i4 "lower is better"),
n_goalposts without truncation and n_scaled into normalisation.csv.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
import yaml

from leitai.engine import PeriodData, assess, parse_scheme
from leitai.engine.errors import DataError, SchemeError
from leitai.engine.methods import score_indicator
from leitai.engine.sensitivity import analyse
from leitai.io.coinr import coinr_normalisation, coinr_treatment

DATA = Path(__file__).resolve().parents[1] / "data" / "coinr"
INDICATORS = ("i1", "i2", "i3", "i4", "i5", "i6")


def _table() -> dict[str, dict[str, float | None]]:
    with open(DATA / "synthetic.csv", encoding="utf-8") as handle:
        return {
            row["uCode"]: {k: float(row[k]) if row[k] else None for k in INDICATORS}
            for row in csv.DictReader(handle)
        }


def _references() -> dict[str, dict[str, list[float | None]]]:
    out: dict[str, dict[str, list[float | None]]] = {}
    with open(DATA / "normalisation.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out.setdefault(row["case"], {})[row["uCode"]] = [
                None if row[k] == "NA" else float(row[k]) for k in INDICATORS
            ]
    return out


REFERENCES = _references()

# case -> (method and params in YAML, i4 lower?, factor from COINr's value to leitai's)
CASES = {
    "prank": ("method: prank", True, 100.0),
    "borda": ("method: borda", True, 1.0),
    "fracmax": ("method: fracmax", True, 100.0),
    "dist2ref_u05": ("method: dist2ref, params: {reference: u05}", True, 100.0),
    "dist2ref_u05_capped": (
        "method: dist2ref, params: {reference: u05, capped: true}",
        True,
        100.0,
    ),
    "goalposts_untruncated": (
        "method: minmax, params: {worst: 10, best: 90, truncate: false}",
        False,
        1.0,
    ),
    "scaled": (
        "method: efficacy, params: {base: 0, span: 50, worst: 20, best: 80, truncate: false}",
        False,
        1.0,
    ),
}


def _scheme(units: list[str], method: str, lower_i4: bool):
    indicators = ", ".join(
        f"{{id: {i}, name: {i}, {method}, missing: exclude"
        + (", direction: lower" if lower_i4 and i == "i4" else "")
        + "}"
        for i in INDICATORS
    )
    unit_list = ", ".join(f"{{id: {u}, name: {u}}}" for u in units)
    return parse_scheme(
        f"id: coinr\nname: COINr\nversion: 1\nunits: [{unit_list}]\n"
        f"boards:\n  - {{id: b, name: B, points: 100, indicators: [{indicators}]}}\n"
    )


def _scores(case: str) -> np.ndarray:
    method, lower, _ = CASES[case]
    values = _table()
    scheme = _scheme(list(values), method, lower)
    return assess(scheme, PeriodData.from_mapping(scheme, values)).scores


@pytest.mark.parametrize("case", sorted(CASES))
def test_indicator_scores_match_coinr(case):
    assert set(REFERENCES) == set(CASES)
    scores, factor = _scores(case), CASES[case][2]
    worst = 0.0
    for u, (unit, expected) in enumerate(REFERENCES[case].items()):
        for j, value in enumerate(expected):
            if case == "fracmax" and INDICATORS[j] == "i4":
                continue  # "lower": leitai scores min / x, COINr x / min (see below)
            got = float(scores[u, j])
            if value is None:
                assert math.isnan(got), (case, unit, j)
            else:
                worst = max(worst, abs(got - factor * value))
    assert worst < 1e-9, (case, worst)


def test_fraction_of_the_best_when_lower_is_better():
    # COINr's n_fracmax of -x is x / min(x), at least 1 and largest for the worst unit;
    # leitai scores the best value as a percentage of each: 100 min / x.
    x = np.array([2.0, 4.0, np.nan, 8.0])
    got = score_indicator(x, method="fracmax", direction="lower")
    np.testing.assert_allclose(got, [100.0, 50.0, np.nan, 25.0])


def test_ranks_tie_at_the_lowest_place_and_one_unit_scores_100():
    x = np.array([5.0, 3.0, 5.0, 1.0])
    np.testing.assert_allclose(
        score_indicator(x, method="prank", direction="higher"), [200 / 3, 100 / 3, 200 / 3, 0]
    )
    np.testing.assert_allclose(score_indicator(x, method="borda", direction="lower"), [0, 2, 0, 3])
    one = np.array([np.nan, 7.0, np.nan])
    np.testing.assert_allclose(
        score_indicator(one, method="prank", direction="higher"), [np.nan, 100.0, np.nan]
    )


def test_distance_to_a_missing_reference_leaves_the_indicator_missing():
    x = np.array([np.nan, 3.0, 5.0])
    got = score_indicator(
        x, method="dist2ref", direction="higher", params={"reference": "a"}, units=["a", "b", "c"]
    )
    assert np.isnan(got).all()


def test_a_reference_that_is_not_a_unit_is_located():
    with pytest.raises(SchemeError) as caught:
        _scheme(["x", "y"], "method: dist2ref, params: {reference: zz}", False)
    assert [(p.code, p.where.path) for p in caught.value.problems] == [
        ("scheme.unknown_reference_unit", f"boards[0].indicators[{j}].params.reference")
        for j in range(6)
    ]
    with pytest.raises(SchemeError) as caught:
        _scheme(["x", "y"], "method: dist2ref", False)
    assert caught.value.problems[0].code == "scheme.required"
    assert caught.value.problems[0].where.path == "boards[0].indicators[0].params.reference"


def test_new_methods_are_alternatives_in_the_monte_carlo():
    values = {
        u: {k: (v if v is not None else 50.0) for k, v in row.items()}
        for u, row in _table().items()
    }
    scheme = _scheme(list(values), "method: minmax", False)
    data = PeriodData.from_mapping(scheme, values)
    out = analyse(
        scheme,
        data,
        samples=64,
        seed=2,
        weights=0.0,
        methods=("prank", "fracmax"),
        missing=None,
        leave_one_out=False,
    )
    assert out.inputs == ("methods",)
    assert ((out.ranks >= 1) & (out.ranks <= 12)).all()
    # Some samples rank differently from the nominal min-max: the methods were used.
    assert (out.ranks != out.nominal.rank.astype(np.int32)).any()


# The COINr settings of each reference case, mapped by import-coinr's helper.
COINR_SETTINGS = {
    "prank": ("n_prank", None),
    "borda": ("n_borda", None),
    "fracmax": ("n_fracmax", None),
    "dist2ref_u05": ("n_dist2ref", {"iref": 5}),
    "dist2ref_u05_capped": ("n_dist2ref", {"iref": 5, "cap_max": True}),
    "goalposts_untruncated": ("n_goalposts", {"gposts": [10, 90, 100], "trunc2posts": False}),
    "scaled": ("n_scaled", {"npara": [20, 80], "scale_factor": 50}),
}


@pytest.mark.parametrize("case", sorted(COINR_SETTINGS))
def test_import_coinr_maps_normalise_settings_onto_the_same_scores(case):
    units = list(_table())
    mapped = coinr_normalisation(*COINR_SETTINGS[case], units=units)
    text = f"method: {mapped['method']}"
    if "params" in mapped:
        text += ", params: " + yaml.safe_dump(mapped["params"], default_flow_style=True).strip()
    CASES[f"mapped_{case}"] = (text, CASES[case][1], CASES[case][2])
    try:
        ours, reference = _scores(f"mapped_{case}"), _scores(case)
    finally:
        del CASES[f"mapped_{case}"]
    np.testing.assert_allclose(ours, reference, rtol=0, atol=1e-12)


def test_import_coinr_refuses_what_it_cannot_map():
    with pytest.raises(DataError) as caught:
        coinr_normalisation("n_zscore")
    assert caught.value.problems[0].code == "coinr.unknown_normalisation"
    with pytest.raises(DataError) as caught:
        coinr_treatment("log_weird")
    assert caught.value.problems[0].code == "coinr.unknown_treatment"
    assert coinr_treatment("boxcox", {"lambda": 0}, winmax=1) == {
        "method": "winsorise",
        "skew": 2.0,
        "kurtosis": 3.5,
        "max_points": 1,
        "fallback": "boxcox",
        "lambda": 0.0,
    }
