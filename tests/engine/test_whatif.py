"""What it takes to move (issue 6, item 2): answers applied do move the unit, one step short does not."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from leitai.engine import DataError, PeriodData, assess, load_scheme, parse_scheme
from leitai.engine.whatif import recompute, what_it_takes
from leitai.io import read_previous, read_table

CASES = ("case1", "case2", "case3", "case4", "case5")


def load_case(examples: Path, name: str):
    folder = examples / name
    scheme = load_scheme(folder / "scheme.yaml")
    data = read_table(folder / "data.csv", scheme)
    previous = (
        read_previous(folder / "previous.csv") if (folder / "previous.csv").exists() else None
    )
    return scheme, data, previous


def reaches(scheme, data, previous, unit, row, value) -> bool:
    """Re-assess with the unit's value of the row's indicator set to ``value``."""
    result = recompute(scheme, data, {unit: {row["indicator"]: value}}, previous=previous)
    u = scheme.unit_ids.index(unit)
    if row["goal"] == "rank":
        return bool(result.rank[u] <= row["want"])
    if row["goal"] == "stars":
        b = [x.id for x in scheme.all_boards()].index(row["board"])
        return bool(result.stars[u, b] >= row["want"])
    f = [x.id for x in scheme.flags].index(row["flag"])
    return bool(result.flags[u, f])


@pytest.mark.parametrize("name", CASES)
def test_every_answer_applied_moves_the_unit_and_one_step_short_does_not(examples, name):
    scheme, data, previous = load_case(examples, name)
    checked = 0
    for unit in scheme.unit_ids:
        report = what_it_takes(scheme, data, unit, previous=previous)
        nominal = report.result
        u = scheme.unit_ids.index(unit)
        for row in report.rows:
            if row["status"] != "reachable" or row["reason"] == "any_value":
                continue
            required, step = row["required"], row["step"]
            indicator = next(i for i in scheme.all_indicators() if i.id == row["indicator"])
            sign = 1 if scheme.resolved(indicator)[1] == "higher" else -1
            assert reaches(scheme, data, previous, unit, row, required), row
            assert not reaches(scheme, data, previous, unit, row, required - sign * step), row
            if row["value"] is not None:
                assert row["change"] == pytest.approx(required - row["value"], abs=1e-9)
                assert sign * row["change"] > 0
            assert row["verified"] is True
            if row["goal"] == "rank":
                assert row["new_rank"] <= nominal.rank[u] - 1
            checked += 1
    assert checked > 0


def test_reasons_met_vetoed_and_capped(examples):
    scheme, data, previous = load_case(examples, "case1")
    first = what_it_takes(scheme, data, "a", previous=previous)
    assert first.find("gdp_growth", "rank")["status"] == "met"  # already first
    assert first.find("gdp_growth", "flag", "vanguard")["reason"] == "met"
    vetoed = what_it_takes(scheme, data, "d", previous=previous)
    row = vetoed.find("gdp_growth", "flag", "vanguard")
    assert row["status"] == "unreachable" and row["reason"] == "vetoed"
    # c signed 15 against a target of 12: 125% is over the 120 cap already.
    capped = what_it_takes(scheme, data, "c", previous=previous).find("signed", "rank")
    assert capped["status"] == "unreachable" and capped["reason"] == "capped"


def test_a_missing_value_gets_the_value_to_report(examples):
    scheme, data, previous = load_case(examples, "case1")
    row = what_it_takes(scheme, data, "c", previous=previous).find("started", "rank")
    assert row["value"] is None and row["change"] is None
    assert row["status"] == "reachable" and row["required"] == 92.0
    assert reaches(scheme, data, previous, "c", row, 92)
    assert not reaches(scheme, data, previous, "c", row, 91)


TWO = """
id: two
name: 两指标
version: 1
units: [{id: a, name: A}, {id: b, name: B}, {id: c, name: C}]
boards:
  - {id: x, name: X, points: 100, indicators: [
      {id: i1, name: I1, method: minmax, weight: 1}, {id: i2, name: I2, method: minmax, weight: 1}]}
"""


def test_other_units_scores_move_with_this_units_value():
    # c is the minimum of i1: raising it raises the minimum, which lowers b's score too.
    # The naive answer (b's composite held fixed) would be 3; the real pipeline needs 4.
    scheme = parse_scheme(TWO)
    data = PeriodData.from_mapping(
        scheme, {"a": {"i1": 10, "i2": 9}, "b": {"i1": 5, "i2": 5}, "c": {"i1": 1, "i2": 6}}
    )
    row = what_it_takes(scheme, data, "c").find("i1", "rank")
    assert row["required"] == 4.0 and row["change"] == 3.0 and row["new_rank"] == 2
    assert recompute(scheme, data, {"c": {"i1": 3}}).rank[2] == 3
    assert recompute(scheme, data, {"c": {"i1": 4}}).rank[2] == 2


def test_not_reachable_by_one_indicator_alone_says_how_far_it_gets():
    scheme = parse_scheme(
        TWO.replace("I2, method: minmax, weight: 1", "I2, method: minmax, weight: 9")
    )
    data = PeriodData.from_mapping(
        scheme, {"a": {"i1": 1, "i2": 10}, "b": {"i1": 2, "i2": 5}, "c": {"i1": 3, "i2": 1}}
    )
    report = what_it_takes(scheme, data, "c")
    row = report.find("i1", "rank")
    # c's i1 is already the best (score 100): raising it cannot lift its score.
    assert row["status"] == "unreachable" and row["reason"] == "capped"
    report = what_it_takes(scheme, data, "b")
    row = report.find("i1", "rank")
    # b can take i1's 100 points (10 % of the composite) but a keeps 90 from i2.
    assert row["status"] == "unreachable" and row["reason"] == "limit"
    assert row["best_rank"] == 2


def test_a_value_below_zero_is_not_proposed_for_a_lower_is_better_indicator():
    scheme = parse_scheme(
        """
id: low
name: 越小越好
version: 1
units: [{id: a, name: A}, {id: b, name: B}, {id: c, name: C}, {id: d, name: D}]
boards:
  - {id: x, name: X, points: 100, indicators: [
      {id: cost, name: 成本, method: zscore, direction: lower, weight: 1},
      {id: out, name: 产出, method: minmax, weight: 3}]}
"""
    )
    data = PeriodData.from_mapping(
        scheme,
        {
            "a": {"cost": 5, "out": 100},
            "b": {"cost": 4, "out": 60},
            "c": {"cost": 3, "out": 50},
            "d": {"cost": 6, "out": 10},
        },
    )
    row = what_it_takes(scheme, data, "d").find("cost", "rank")
    assert row["status"] == "unreachable" and row["reason"] == "bound"


def test_no_target_and_unknown_unit():
    scheme = parse_scheme(
        """
id: tgt
name: 目标
version: 1
units: [{id: a, name: A}, {id: b, name: B}]
boards:
  - {id: x, name: X, points: 100, indicators: [{id: t, name: T, method: target}]}
"""
    )
    data = PeriodData.from_mapping(
        scheme, {"a": {"t": 5}, "b": {"t": None}}, targets={"a": {"t": 4}}
    )
    row = what_it_takes(scheme, data, "b").find("t", "rank")
    assert row["status"] == "unreachable" and row["reason"] == "no_target"
    with pytest.raises(DataError, match=r"data\.unknown_unit"):
        what_it_takes(scheme, data, "zz")
    with pytest.raises(DataError, match=r"data\.unknown_indicator"):
        what_it_takes(scheme, data, "a", indicators=["nope"])


def test_answers_are_in_raw_units_through_the_data_preparation():
    scheme = parse_scheme(
        """
id: per
name: 人均
version: 1
units: [{id: a, name: A}, {id: b, name: B}, {id: c, name: C}]
series: [{id: pop, name: 人口}]
boards:
  - {id: x, name: X, points: 100, indicators: [
      {id: gdp, name: GDP, method: minmax, denominator: pop}, {id: other, name: O, method: minmax}]}
"""
    )
    data = PeriodData.from_mapping(
        scheme,
        {
            "a": {"gdp": 100, "pop": 10, "other": 5},
            "b": {"gdp": 60, "pop": 5, "other": 4},
            "c": {"gdp": 40, "pop": 8, "other": 4.5},
        },
    )
    row = what_it_takes(scheme, data, "c").find("gdp", "rank")
    assert row["status"] == "reachable" and row["verified"]
    moved = recompute(scheme, data, {"c": {"gdp": row["required"]}})
    assert moved.rank[2] <= row["want"]
    assert recompute(scheme, data, {"c": {"gdp": row["required"] - 1}}).rank[2] > row["want"]


def test_recompute_reads_values_as_written_and_returns_a_normal_result(examples):
    scheme, data, previous = load_case(examples, "case1")
    result = recompute(
        scheme, data, {"e": {"gdp_growth": "９.5%", "started": "—"}}, previous=previous
    )
    e = scheme.unit_ids.index("e")
    j = [i.id for i in scheme.all_indicators()].index("gdp_growth")
    assert result.values[e, j] == 9.5 and math.isnan(result.values[e, 3])
    assert result.to_dict()["results"][0]["rank"] == 1
    unchanged = recompute(scheme, data, {}, previous=previous)
    np.testing.assert_array_equal(
        unchanged.composite, assess(scheme, data, previous=previous).composite
    )
    with pytest.raises(DataError) as caught:
        recompute(scheme, data, {"zz": {"gdp_growth": 1}, "a": {"nope": 1, "started": "abc"}})
    assert len(caught.value.errors) == 3
