"""Outlier treatment's transformations (docs/methods.md, section C) against COINr 1.1.14.

tests/data/coinr/make_references.R treated tests/data/coinr/treat.csv with COINr's Treat
(winsorise with winmax 5 or 1, then f2 = log_CT, log_CT_plus, log_CT_orig or boxcox on
the original values of a series still failing) into treatment.csv; log_GII's reference
is its formula (COINr 1.1.14's function returns the series unchanged).
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from leitai.engine import PeriodData, assess, parse_scheme
from leitai.engine.errors import SchemeError
from leitai.engine.sensitivity import analyse

DATA = Path(__file__).resolve().parents[1] / "data" / "coinr"
COLUMNS = ("t1", "t2", "t3", "t4")


def _table() -> dict[str, dict[str, float | None]]:
    with open(DATA / "treat.csv", encoding="utf-8") as handle:
        return {
            row["uCode"]: {k: float(row[k]) if row[k] else None for k in COLUMNS}
            for row in csv.DictReader(handle)
        }


def _references() -> dict[str, dict[str, list[float | None]]]:
    out: dict[str, dict[str, list[float | None]]] = {}
    with open(DATA / "treatment.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out.setdefault(row["case"], {})[row["uCode"]] = [
                None if row[k] == "NA" else float(row[k]) for k in COLUMNS
            ]
    return out


REFERENCES = _references()

# case -> the scheme's prepare.treat
CASES = {
    "log_winmax5": "{max_points: 5, fallback: log}",
    "log": "{max_points: 1, fallback: log}",
    "log_plus": "{max_points: 1, fallback: log_plus}",
    "log_orig": "{max_points: 1, fallback: log_orig}",
    "log_gii": "{max_points: 1, fallback: log_gii}",
    "boxcox_0.5": "{max_points: 1, fallback: boxcox, lambda: 0.5}",
    "boxcox_0": "{max_points: 1, fallback: boxcox, lambda: 0}",
}


def _scheme(units: list[str], treat: str | None, own: dict[str, str] | None = None):
    own = own or {}
    indicators = ", ".join(
        f"{{id: {c}, name: {c}, method: raw, missing: exclude"
        + (f", treat: {own[c]}" if c in own else "")
        + "}"
        for c in COLUMNS
    )
    unit_list = ", ".join(f"{{id: {u}, name: {u}}}" for u in units)
    prepare = f"prepare: {{treat: {treat}}}\n" if treat else ""
    return parse_scheme(
        f"id: coinr\nname: COINr\nversion: 1\nunits: [{unit_list}]\n"
        f"boards:\n  - {{id: b, name: B, points: 100, indicators: [{indicators}]}}\n" + prepare
    )


def _compare(prepared: np.ndarray, case: str) -> float:
    worst = 0.0
    for u, expected in enumerate(REFERENCES[case].values()):
        for j, value in enumerate(expected):
            if value is None:
                assert math.isnan(prepared[u, j])
            else:
                worst = max(worst, abs(float(prepared[u, j]) - value))
    return worst


@pytest.mark.parametrize("case", sorted(CASES))
def test_treated_values_match_coinr(case):
    assert set(REFERENCES) == set(CASES)
    values = _table()
    scheme = _scheme(list(values), CASES[case])
    result = assess(scheme, PeriodData.from_mapping(scheme, values))
    assert _compare(result.prepared, case) < 1e-9
    # The case's transformation was used where the series still failed (t1 and t2).
    treatments = {r["indicator"]: r.get("treatment") for r in result.preparation}
    if case != "log_winmax5":
        assert treatments["t1"] == treatments["t2"] == case.split("_0")[0]


def test_an_indicator_may_have_its_own_treatment():
    values = _table()
    # No scheme-wide treatment: only t1 (Box-Cox) and t2 (log_plus) are treated.
    scheme = _scheme(
        list(values),
        None,
        {
            "t1": "{max_points: 1, fallback: boxcox, lambda: 0.5}",
            "t2": "{max_points: 1, fallback: log_plus}",
        },
    )
    prepared = assess(scheme, PeriodData.from_mapping(scheme, values)).prepared
    boxcox, log_plus = REFERENCES["boxcox_0.5"], REFERENCES["log_plus"]
    np.testing.assert_allclose(prepared[:, 0], [row[0] for row in boxcox.values()], atol=1e-9)
    np.testing.assert_allclose(prepared[:, 1], [row[1] for row in log_plus.values()], atol=1e-9)
    raw = np.array(
        [[v if v is not None else np.nan for v in row.values()] for row in values.values()]
    )
    np.testing.assert_array_equal(prepared[:, 2:], raw[:, 2:])
    # An indicator's own settings change the scheme's, key by key.
    scheme = _scheme(list(values), "{max_points: 1, fallback: log}", {"t2": "{fallback: log_orig}"})
    t2 = scheme.treatment(scheme.all_indicators()[1])
    assert (t2.max_points, t2.fallback) == (1, "log_orig")


@pytest.mark.parametrize(
    ("treat", "own", "path"),
    [
        ("{fallback: boxcox}", None, "prepare.treat"),
        ("{fallback: log, lambda: 1}", None, "prepare.treat"),
        (None, {"t3": "{lambda: 2}"}, "boards[0].indicators[2].treat"),
        (None, {"t3": "{fallback: cube}"}, "boards[0].indicators[2].treat.fallback"),
    ],
)
def test_misplaced_or_missing_lambda_is_located(treat, own, path):
    with pytest.raises(SchemeError) as caught:
        _scheme(["x", "y"], treat, own)
    problem = caught.value.problems[0]
    assert problem.where.path == path
    assert problem.code in ("scheme.lambda_only_boxcox", "scheme.not_one_of")
    assert problem.where.line is not None


def test_sensitivity_runs_with_a_transformed_indicator():
    values = {
        u: {k: (v if v is not None else 5.0) for k, v in row.items()} for u, row in _table().items()
    }
    scheme = _scheme(list(values), "{max_points: 1, fallback: boxcox, lambda: 0.5}")
    out = analyse(scheme, PeriodData.from_mapping(scheme, values), samples=32, seed=1, methods=None)
    assert ((out.ranks >= 1) & (out.ranks <= 24)).all()
