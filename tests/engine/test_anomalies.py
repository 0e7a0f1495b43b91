"""Values that need an explanation: change alerts (spec section 1) and outliers."""

from __future__ import annotations

import numpy as np
import pytest

from leitai.engine import parse_scheme
from leitai.engine.anomalies import (
    change_alerts,
    change_percent,
    outlier_alerts,
    robust_z,
    scheme_alerts,
)
from leitai.engine.errors import SchemeError

SCHEME = """
id: s
name: S
version: 1
units: [{id: a, name: A}, {id: b, name: B}, {id: c, name: C}, {id: d, name: D},
        {id: e, name: E}]
boards:
  - id: b1
    name: B1
    points: 100
    indicators:
      - {id: gdp, name: GDP, change_alert: 50}
      - {id: jobs, name: Jobs, outlier_alert: 3.5}
      - {id: plain, name: Plain}
"""


def test_the_change_is_relative_to_the_absolute_previous_value():
    assert change_percent([-3.0], [-2.0]).tolist() == [50.0]
    assert change_percent([1.0], [-2.0]).tolist() == [150.0]


def test_no_change_where_either_value_is_missing_or_the_previous_is_zero():
    assert np.isnan(change_percent([None, 1.0, 1.0], [1.0, None, 0.0])).all()


def test_the_alert_is_strictly_above_the_threshold():
    assert change_alerts([[15.0], [15.1]], [[10.0], [10.0]], [50]).ravel().tolist() == [
        False,
        True,
    ]


def test_an_indicator_without_change_alert_never_alerts():
    assert not change_alerts([[1000.0]], [[1.0]], [None]).any()


def test_robust_z_needs_enough_values_and_spread():
    assert np.isnan(robust_z([[1.0], [2.0], [50.0], [3.0]])).all()  # four values
    assert np.isnan(robust_z([[5.0]] * 6)).all()  # no spread at all
    # More than half equal: MAD is 0, the mean absolute deviation takes over.
    z = robust_z([[5.0], [5.0], [5.0], [5.0], [6.0], [30.0]])
    assert z[5, 0] > 3.5 and abs(z[4, 0]) < 3.5


def test_outliers_only_where_the_indicator_asks():
    values = [[10.0, 10.0], [11.0, 11.0], [9.5, 9.5], [10.5, 10.5], [40.0, 40.0]]
    flagged = outlier_alerts(values, [3.5, None])
    assert flagged[:, 0].tolist() == [False, False, False, False, True]
    assert not flagged[:, 1].any()


def test_scheme_alerts_name_unit_indicator_and_numbers():
    scheme = parse_scheme(SCHEME)
    values = {
        "a": {"gdp": 9.0, "jobs": 100.0, "plain": 1.0},
        "b": {"gdp": 5.0, "jobs": 101.0, "plain": 500.0},
        "c": {"gdp": None, "jobs": 99.0},
        "d": {"gdp": 2.0, "jobs": 100.5},
        "e": {"gdp": 1.0, "jobs": 900.0},
    }
    previous = {"a": {"gdp": 5.0}, "b": {"gdp": 4.0}, "c": {"gdp": 1.0}, "d": {"gdp": 0.0}}
    alerts = scheme_alerts(scheme, values, previous)
    assert [(a.unit, a.indicator, a.kind) for a in alerts] == [
        ("a", "gdp", "change"),
        ("e", "jobs", "outlier"),
    ]
    change, outlier = alerts
    assert (change.value, change.previous, change.change, change.limit) == (9.0, 5.0, 80.0, 50.0)
    assert outlier.z > 3.5 and outlier.limit == 3.5 and outlier.previous is None
    assert scheme_alerts(scheme, values, previous, kinds=("change",)) == [change]
    assert [a.kind for a in scheme_alerts(scheme, values)] == ["outlier"]


def test_a_scheme_without_alerts_has_none():
    scheme = parse_scheme(
        SCHEME.replace(", change_alert: 50", "").replace(", outlier_alert: 3.5", "")
    )
    assert scheme_alerts(scheme, {"a": {"gdp": 1.0}}, {"a": {"gdp": 100.0}}) == []


def test_alert_thresholds_must_be_positive():
    with pytest.raises(SchemeError):
        parse_scheme(SCHEME.replace("change_alert: 50", "change_alert: -5"))
    with pytest.raises(SchemeError):
        parse_scheme(SCHEME.replace("outlier_alert: 3.5", "outlier_alert: zero"))
