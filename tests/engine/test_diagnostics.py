"""Diagnostics agree with scipy and numpy on the same data."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats

from leitai.engine import PeriodData, assess, parse_scheme
from leitai.engine.diagnostics import correlation_matrix, cronbach_alpha, diagnose

UNITS = 12


def _scheme(extra_indicators: str = "") -> str:
    units = ", ".join(f"{{id: u{i}, name: 单位{i}}}" for i in range(UNITS))
    return f"""
id: diag
name: 诊断
version: 1
units: [{units}]
boards:
  - id: econ
    name: 经济
    points: 60
    indicators:
      - {{id: gdp, name: GDP, method: minmax}}
      - {{id: gdp2, name: GDP翻版, method: minmax}}
      - {{id: energy, name: 能耗, method: zscore, direction: lower}}
  - id: life
    name: 民生
    points: 40
    boards:
      - id: edu
        name: 教育
        weight: 1
        indicators:
          - {{id: school, name: 学校, method: efficacy}}
          - {{id: flat, name: 全同, method: minmax}}
          - {{id: skewed, name: 偏, method: minmax, missing: exclude}}
{extra_indicators}
"""


@pytest.fixture
def case():
    rng = np.random.default_rng(7)
    scheme = parse_scheme(_scheme())
    gdp = rng.normal(6, 1, UNITS)
    values = {
        f"u{i}": {
            "gdp": gdp[i],
            "gdp2": 2 * gdp[i] + rng.normal(0, 0.05),
            "energy": rng.normal(0.5, 0.1),
            "school": rng.normal(80, 5),
            "flat": 3.0,
            "skewed": (100.0 if i == 0 else rng.normal(5, 1)) if i != 3 else None,
        }
        for i in range(UNITS)
    }
    data = PeriodData.from_mapping(scheme, values)
    return scheme, data, diagnose(scheme, data)


def test_moments_match_numpy_and_scipy(case):
    _, data, report = case
    for j, row in enumerate(report.indicators):
        x = data.values[:, j]
        x = x[~np.isnan(x)]
        assert row["n"] == x.size and row["availability"] == pytest.approx(x.size / UNITS)
        assert row["mean"] == pytest.approx(np.mean(x))
        assert row["sd"] == pytest.approx(np.std(x, ddof=1))
        if np.ptp(x) > 0:
            assert row["skew"] == pytest.approx(scipy.stats.skew(x, bias=False), rel=1e-9)
            assert row["kurtosis"] == pytest.approx(scipy.stats.kurtosis(x, bias=False), rel=1e-9)
        else:
            assert row["skew"] is None and row["kurtosis"] is None


def test_outliers_low_discrimination_and_availability_are_flagged(case):
    _, _, report = case
    rows = {r["indicator"]: r for r in report.indicators}
    assert rows["skewed"]["outlier"] and not rows["gdp"]["outlier"]
    assert rows["skewed"]["availability"] == pytest.approx(11 / 12)
    assert rows["flat"]["all_equal"] and rows["flat"]["low_discrimination"]
    assert not rows["school"]["low_discrimination"]


def test_tiny_coefficient_of_variation_is_low_discrimination():
    scheme = parse_scheme(_scheme())
    values = {
        f"u{i}": {
            "gdp": 1000 + 0.1 * i,
            "gdp2": i,
            "energy": i,
            "school": i,
            "flat": 1,
            "skewed": i,
        }
        for i in range(UNITS)
    }
    report = diagnose(scheme, PeriodData.from_mapping(scheme, values))
    gdp = report.indicators[0]
    assert gdp["cv"] == pytest.approx(np.std(1000 + 0.1 * np.arange(UNITS), ddof=1) / 1000.55)
    assert gdp["low_discrimination"] and not gdp["all_equal"]


def test_correlations_are_numpys_on_the_scores_and_pairs_above_09_are_flagged(case):
    scheme, data, report = case
    scores = assess(scheme, data).scores
    complete = [0, 1, 2, 3]  # gdp, gdp2, energy, school have no missing values
    expected = np.corrcoef(scores[:, complete], rowvar=False)
    np.testing.assert_allclose(report.correlation[np.ix_(complete, complete)], expected, atol=1e-12)
    # skewed has a missing value: its correlations use the rows where both are present.
    j = 5
    rows = ~np.isnan(scores[:, j])
    np.testing.assert_allclose(
        report.correlation[0, j], np.corrcoef(scores[rows, 0], scores[rows, j])[0, 1], atol=1e-12
    )
    assert np.isnan(report.correlation[4, 4])  # the constant indicator
    assert [(p["a"], p["b"], p["board"]) for p in report.collinear] == [("gdp", "gdp2", "econ")]
    assert report.collinear[0]["r"] == pytest.approx(expected[0, 1])


def test_correlations_on_values_follow_the_direction():
    x = np.array([[1.0, 2.0], [2.0, 4.5], [3.0, 5.5], [4.0, 9.0]])
    np.testing.assert_allclose(correlation_matrix(x), np.corrcoef(x, rowvar=False))
    np.testing.assert_allclose(
        correlation_matrix(-x)[0, 1], scipy.stats.pearsonr(x[:, 0], x[:, 1]).statistic
    )


def test_cronbach_alpha_is_the_covariance_formula_per_board(case):
    scheme, data, report = case
    scores = assess(scheme, data).scores
    econ = scores[:, [0, 1, 2]]
    cov = np.cov(econ, rowvar=False)
    k = 3
    expected = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
    alpha = {row["board"]: row for row in report.alpha}
    assert alpha["econ"]["alpha"] == pytest.approx(expected)
    assert alpha["econ"]["items"] == 3
    # life holds edu's three indicators (all levels below it); rows with a missing value drop.
    assert alpha["life"]["items"] == 3 and alpha["edu"]["items"] == 3
    assert cronbach_alpha(np.ones((5, 1))) != cronbach_alpha(np.ones((5, 1)))  # nan: one item


def test_the_report_is_json_able(case):
    import json

    _, _, report = case
    document = json.loads(json.dumps(report.to_dict(), allow_nan=False))
    assert document["correlation"]["indicators"][0] == "gdp"
