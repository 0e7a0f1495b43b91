"""Imputation by row (docs/methods.md, section D) against COINr 1.1.14's own output.

tests/data/coinr/make_references.R imputed tests/data/coinr/synthetic.csv with COINr's
Impute(impute_by = "row", group_level = 2) and f_i = i_mean and i_median (each pillar's
columns turned by direction and rescaled to [0, 1] first; i4 "lower is better") into
imputation.csv.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from leitai.engine import PeriodData, assess, parse_scheme
from leitai.engine.whatif import what_it_takes

DATA = Path(__file__).resolve().parents[1] / "data" / "coinr"
PILLARS = {"p1": ("i1", "i2", "i3"), "p2": ("i4", "i5", "i6")}
INDICATORS = PILLARS["p1"] + PILLARS["p2"]


def _table() -> dict[str, dict[str, float | None]]:
    with open(DATA / "synthetic.csv", encoding="utf-8") as handle:
        return {
            row["uCode"]: {k: float(row[k]) if row[k] else None for k in INDICATORS}
            for row in csv.DictReader(handle)
        }


def _references() -> dict[str, np.ndarray]:
    out: dict[str, list[list[float]]] = {}
    with open(DATA / "imputation.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out.setdefault(row["case"], []).append([float(row[k]) for k in INDICATORS])
    return {case: np.array(rows) for case, rows in out.items()}


def _scheme(units: list[str], method: str):
    def board(pid: str) -> str:
        indicators = ", ".join(
            f"{{id: {i}, name: {i}, method: minmax"
            + (", direction: lower" if i == "i4" else "")
            + "}"
            for i in PILLARS[pid]
        )
        return f"{{id: {pid}, name: {pid}, indicators: [{indicators}]}}"

    unit_list = ", ".join(f"{{id: {u}, name: {u}}}" for u in units)
    return parse_scheme(
        f"id: coinr\nname: COINr\nversion: 1\nunits: [{unit_list}]\n"
        f"boards:\n  - {{id: index, name: index, points: 100,\n"
        f"     boards: [{board('p1')}, {board('p2')}]}}\n"
        f"prepare: {{impute: {{method: {method}, by: row}}}}\n"
    )


@pytest.mark.parametrize(("case", "method"), [("i_mean", "mean"), ("i_median", "median")])
def test_imputed_values_match_coinr(case, method):
    values = _table()
    scheme = _scheme(list(values), method)
    result = assess(scheme, PeriodData.from_mapping(scheme, values))
    expected = _references()[case]
    assert np.abs(result.prepared - expected).max() < 1e-9
    imputed = {r["indicator"]: sorted(r["imputed"]) for r in result.preparation}
    assert imputed == {"i1": ["u03"], "i2": ["u03"], "i4": ["u10"], "i5": ["u07"], "i6": ["u10"]}
    assert {r["imputation"] for r in result.preparation} == {f"{method} by row"}


def test_median_of_three_siblings_and_a_unit_without_any():
    scheme = parse_scheme(
        "id: r\nname: r\nversion: 1\n"
        "units: [{id: a, name: A}, {id: b, name: B}, {id: c, name: C}]\n"
        "boards: [{id: x, name: X, points: 100, indicators: ["
        "{id: k1, name: K1}, {id: k2, name: K2}, {id: k3, name: K3}, {id: k4, name: K4}]}]\n"
        "prepare: {impute: {method: median, by: row}}\n"
    )
    values = {
        "a": {"k1": 0, "k2": 0, "k3": 0, "k4": 0},
        "b": {"k1": 10, "k2": 1, "k3": 7, "k4": None},  # y = 1, 0.1, 0.7 -> median 0.7
        "c": {"k1": 10, "k2": 10, "k3": 10, "k4": 20},
    }
    prepared = assess(scheme, PeriodData.from_mapping(scheme, values)).prepared
    assert prepared[1, 3] == pytest.approx(0.7 * 20)
    values["b"] = {"k1": None, "k2": None, "k3": None, "k4": None}
    prepared = assess(scheme, PeriodData.from_mapping(scheme, values)).prepared
    assert np.isnan(prepared[1]).all()


def test_what_if_imputes_the_changed_column_by_row_from_the_board():
    # u07 misses i5: each candidate value of i5 for another unit moves i5's range, and so
    # u07's imputed i5, which the what-if search recomputes from the board's values.
    values = _table()
    scheme = _scheme(list(values), "mean")
    data = PeriodData.from_mapping(scheme, values)
    out = what_it_takes(scheme, data, "u05", indicators=["i5"])
    assert {row["indicator"] for row in out.rows} == {"i5"}


# -- over a panel: the previous period's value (COINr's impute_panel) ------------------

ASEM = DATA.parent / "asem"


def _panel_scheme(units: list[str], indicators: list[str]):
    listed = ", ".join(f"{{id: {i}, name: {i}, method: raw, missing: exclude}}" for i in indicators)
    unit_list = ", ".join(f"{{id: {u}, name: {u}}}" for u in units)
    return parse_scheme(
        f"id: panel\nname: panel\nversion: 1\nunits: [{unit_list}]\n"
        f"boards: [{{id: every, name: every, points: 100, indicators: [{listed}]}}]\n"
        "prepare: {impute: {by: panel}}\n"
    )


def _panel() -> tuple[list[str], list[str], dict[int, dict[str, dict[str, float | None]]]]:
    with open(ASEM / "ASEM_iMeta.csv", encoding="utf-8") as handle:
        indicators = [r["iCode"] for r in csv.DictReader(handle) if r["Type"] == "Indicator"]
    years: dict[int, dict[str, dict[str, float | None]]] = {}
    with open(DATA / "panel_input.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            years.setdefault(int(float(row["Time"])), {})[row["uCode"]] = {
                i: float(row[i]) if row[i] not in ("", "NA") else None for i in indicators
            }
    return list(years[min(years)]), indicators, years


def test_panel_imputation_matches_coinr():
    units, indicators, years = _panel()
    scheme = _panel_scheme(units, indicators)
    expected: dict[tuple[int, str], list[float]] = {}
    with open(DATA / "panel.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            expected[(int(row["Time"]), row["uCode"])] = [
                np.nan if row[i] == "NA" else float(row[i]) for i in indicators
            ]
    filled = 0
    for year in sorted(years)[1:]:
        previous = assess(scheme, PeriodData.from_mapping(scheme, years[year - 1]))
        result = assess(scheme, PeriodData.from_mapping(scheme, years[year]), previous=previous)
        want = np.array([expected[(year, u)] for u in units])
        np.testing.assert_array_equal(np.isnan(result.prepared), np.isnan(want))
        assert np.nanmax(np.abs(result.prepared - want)) < 1e-9
        filled += sum(len(r["imputed"]) for r in result.preparation)
        # The JSON form of the previous result serves as well.
        again = assess(
            scheme, PeriodData.from_mapping(scheme, years[year]), previous=previous.to_dict()
        )
        np.testing.assert_array_equal(again.prepared, result.prepared)
    # Every seventh unit (8 of 51) lost five values in 2020 (all filled from 2019) and
    # 2022 (three filled; two were missing in 2021 too): 40 + 24.
    assert filled == 64
    # Without a previous period's values nothing is filled.
    alone = assess(scheme, PeriodData.from_mapping(scheme, years[2022]))
    assert alone.preparation == ()
