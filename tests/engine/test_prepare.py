"""Data preparation of spec section 9: denomination, imputation, COINr's outlier treatment."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import scipy.stats
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from leitai.engine import PeriodData, assess, parse_scheme
from leitai.engine.prepare import (
    impute_column,
    kurtosis,
    log_transform,
    passes,
    prepare_values,
    skewness,
    treat_column,
    winsorise,
)

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(finite, min_size=4, max_size=40), st.integers(0, 5), st.randoms())
def test_skewness_and_kurtosis_are_scipys_unbiased_estimators_ignoring_missing(values, holes, rnd):
    x = np.array(values)
    # Without spread worth speaking of both are undefined (and scipy's value is noise).
    assume(np.ptp(x) > 1e-3 * max(1.0, float(np.abs(x).max())))
    with_holes = np.concatenate([x, np.full(holes, np.nan)])
    rnd.shuffle(with_holes)
    assert skewness(with_holes) == pytest.approx(
        scipy.stats.skew(x, bias=False), rel=1e-6, abs=1e-9
    )
    assert kurtosis(with_holes) == pytest.approx(
        scipy.stats.kurtosis(x, bias=False), rel=1e-6, abs=1e-9
    )


def test_a_small_series_worked_by_hand():
    # x = 0, 0, 0, 1, 10: n = 5, mean 2.2, deviations -2.2 (x3), -1.2, 7.8.
    # m2 = (3 * 4.84 + 1.44 + 60.84) / 5 = 15.36
    # m3 = (3 * -10.648 - 1.728 + 474.552) / 5 = 88.176
    # m4 = (3 * 23.4256 + 2.0736 + 3701.5056) / 5 = 754.7712
    # G1 = sqrt(5 * 4) / 3 * 88.176 / 15.36**1.5 = 1.490712 * 1.464750 = 2.183521
    # G2 = (6 * (754.7712 / 15.36**2 - 3) + 6) * 4 / (3 * 2) = (6 * 0.1991374 + 6) * 2 / 3 = 4.796550
    x = np.array([0.0, 0.0, 0.0, 1.0, 10.0])
    assert skewness(x) == pytest.approx(2.183521, abs=1e-6)
    assert kurtosis(x) == pytest.approx(4.796550, abs=1e-6)
    assert passes(x) is False  # |G1| >= 2 and G2 >= 3.5
    # Skew is positive: the maximum 10 takes the largest value below it, 1. Then
    # 0, 0, 0, 1, 1: m2 = 0.24, m3 = 0.048, G1 = 1.490712 * 0.048 / 0.24**1.5 = 0.608581 < 2.
    out = winsorise(x)
    assert out.values.tolist() == [0.0, 0.0, 0.0, 1.0, 1.0]
    assert out.count == 1 and out.high == (4,) and out.low == () and out.passed is True
    assert skewness(out.values) == pytest.approx(0.608581, abs=1e-6)


def test_coinr_vignette_vector_one_point_winsorised():
    # COINr's treat vignette: x <- c(1:10, 30, 100); skew 3.063241, kurt 9.741391;
    # Treat(x, winmax = 2) winsorises one point, leaving skew 1.712038, kurt 1.815781.
    x = np.array([*range(1, 11), 30.0, 100.0])
    assert skewness(x) == pytest.approx(3.063241, abs=1e-6)
    assert kurtosis(x) == pytest.approx(9.741391, abs=1e-6)
    out = winsorise(x, max_points=2)
    assert out.count == 1 and out.values[-1] == 30.0
    assert skewness(out.values) == pytest.approx(1.712038, abs=1e-6)
    assert kurtosis(out.values) == pytest.approx(1.815781, abs=1e-6)


def test_a_point_winsorised_twice_counts_once():
    # 101 -> 100 in the first round; then both 100s -> 30: the last set at the top has
    # two points, so the count is 2 although three replacements were made.
    x = np.array([*range(1, 21), 30.0, 100.0, 101.0])
    out = winsorise(x)
    assert out.rounds == 2
    assert out.values[-3:].tolist() == [30.0, 30.0, 30.0]
    assert out.count == 2 and out.high == (21, 22)


def test_negative_skew_winsorises_the_minimum():
    x = np.array([-100.0, *range(1, 21)])
    out = winsorise(x)
    assert out.values[0] == 1.0 and out.low == (0,) and out.count == 1 and out.passed


def test_winsorisation_stops_at_max_points_and_log_replaces_the_original_values():
    x = np.array([*range(1, 21), 200.0, 1000.0])
    out = winsorise(x, max_points=1)
    assert out.count == 1 and out.passed is False
    treated, record = treat_column(x, max_points=1, fallback="log")
    assert record is not None and record["treatment"] == "log"
    expected = np.log(x - 1.0 + 0.01 * (1000.0 - 1.0))  # of the untreated values
    np.testing.assert_allclose(treated, expected)
    kept, record = treat_column(x, max_points=1, fallback="none")
    assert record["treatment"] == "winsorised_failing"
    assert kept[-1] == 200.0


def test_a_passing_or_flat_series_is_left_alone():
    assert treat_column(np.arange(10.0))[1] is None
    assert treat_column(np.full(6, 3.0))[1] is None
    assert passes(np.array([1.0, 2.0, 100.0])) is None  # kurtosis needs 4 values


def test_log_transform_ignores_missing_values():
    out = log_transform(np.array([0.0, 99.0, np.nan]))
    assert out[0] == pytest.approx(math.log(0.99)) and out[1] == pytest.approx(math.log(99.99))
    assert np.isnan(out[2])


def test_imputation_by_group_mean_and_median():
    x = np.array([1.0, np.nan, 5.0, 7.0, np.nan, np.nan])
    groups = ["a", "a", "b", "a", None, "c"]
    values, hit = impute_column(x, groups, method="mean")
    # a: mean(1, 7) = 4; the unit without a group is alone with no value; c has none.
    assert values[1] == 4.0 and hit.tolist() == [False, True, False, False, False, False]
    assert np.isnan(values[4]) and np.isnan(values[5])
    values, _ = impute_column(np.array([1.0, 2.0, 10.0, np.nan]), None, method="median")
    assert values[3] == 2.0


SCHEME = """
id: prep
name: 预处理
version: 1
units:
  - {id: a, name: 甲, group: 东}
  - {id: b, name: 乙, group: 东}
  - {id: c, name: 丙, group: 西}
  - {id: d, name: 丁, group: 西}
  - {id: e, name: 戊}
series: [{id: pop, name: 人口}]
boards:
  - id: x
    name: X
    points: 100
    indicators:
      - {id: gdp, name: 人均GDP, denominator: pop, method: minmax}
      - {id: raw, name: 原值, method: minmax}
      - {id: odd, name: 不处理, method: minmax, treat: none}
prepare:
  impute: {method: mean, by: group}
  treat: {method: winsorise, skew: 2, kurtosis: 3.5, max_points: 5, fallback: log}
"""


def test_prepare_values_denominates_imputes_by_group_and_records_what_it_did():
    scheme = parse_scheme(SCHEME)
    values = np.array(
        [
            [10.0, np.nan, 1.0],
            [30.0, 4.0, 2.0],
            [8.0, np.nan, 3.0],
            [9.0, 6.0, 4.0],
            [5.0, 5.0, 500.0],
        ]
    )
    series = np.array([[2.0], [3.0], [0.0], [3.0], [np.nan]])
    prepared, records = prepare_values(scheme, values, series)
    by_id = {r["indicator"]: r for r in records}
    # gdp: 5, 10, (0 -> missing), 3, (missing -> missing); c takes its group's mean 3,
    # e (no group, alone) stays missing.
    assert prepared[:, 0].tolist()[:4] == [5.0, 10.0, 3.0, 3.0] and np.isnan(prepared[4, 0])
    assert by_id["gdp"]["denominator"] == "pop"
    assert by_id["gdp"]["denominator_missing"] == ["c", "e"]
    assert by_id["gdp"]["imputed"] == {"c": 3.0}
    # raw: a takes the mean of b (4); c the mean of d (6).
    assert prepared[:, 1].tolist() == [4.0, 4.0, 6.0, 6.0, 5.0]
    assert by_id["raw"]["imputed"] == {"a": 4.0, "c": 6.0}
    # odd is skewed (1, 2, 3, 4, 500) but opts out of treatment.
    assert prepared[:, 2].tolist() == [1.0, 2.0, 3.0, 4.0, 500.0] and "odd" not in by_id
    json.dumps(records)  # JSON-able


def test_assess_applies_preparation_and_reports_it_in_the_json():
    scheme = parse_scheme(SCHEME.replace("treat: none", "treat: default"))
    values = {
        "a": {"gdp": 10, "raw": 1, "odd": 1, "pop": 2},
        "b": {"gdp": 30, "raw": 2, "odd": 2, "pop": 3},
        "c": {"gdp": 8, "raw": 3, "odd": 3, "pop": 4},
        "d": {"gdp": 9, "raw": 4, "odd": 4, "pop": 3},
        "e": {"gdp": 5, "raw": 5, "odd": 500, "pop": 1},
    }
    result = assess(scheme, PeriodData.from_mapping(scheme, values))
    document = json.loads(result.to_json())
    odd = next(r for r in document["preparation"] if r["indicator"] == "odd")
    # 1, 2, 3, 4, 500: G1 = 2.2359 and G2 = 4.9995 fail; 500 becomes 4 and the series passes.
    assert odd["treatment"] == "winsorised" and odd["changed_units"] == ["e"]
    assert odd["winsorised_count"] == 1 and odd["winsorised_high"] == ["e"]
    assert result.prepared[4, 2] == 4.0 and result.values[4, 2] == 500.0
    row = next(r for r in document["results"] if r["unit"] == "e")
    assert row["indicators"]["odd"]["value"] == 500.0  # raw values are reported as given
