"""Properties that hold for any data (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leitai.engine import PeriodData, assess, parse_scheme
from leitai.engine.methods import score_indicator

N = 6
SCHEME = """\
id: prop
name: 性质
version: 1
units: [{units}]
boards:
  - id: b1
    name: 一
    points: 60
    indicators:
      - {{id: e, name: E, method: efficacy, direction: higher}}
      - {{id: z, name: Z, method: zscore, direction: lower, weight: 2}}
    boards:
      - id: s
        name: 子
        indicators:
          - {{id: r, name: R, method: rank_points, direction: higher, missing: worst}}
  - id: b2
    name: 二
    points: 40
    indicators:
      - {{id: m, name: M, method: minmax, direction: lower, missing: exclude}}
      - {{id: k, name: K, method: bands, params: {{thresholds: [[50, 100], [0, 60]]}}}}
adjustments: [{{id: bonus, name: 加分, kind: bonus, max_points: 2}}]
flags: [{{id: top, name: 排头, when: "rank <= 2"}}]
grades: [{{name: 优, when: "rank <= 2"}}, {{name: 合格, when: "true"}}]
"""
INDICATORS = ["e", "z", "r", "m", "k"]
value = st.one_of(st.none(), st.floats(-1000, 1000, allow_nan=False).map(lambda v: round(v, 3)))
table = st.lists(
    st.lists(value, min_size=len(INDICATORS), max_size=len(INDICATORS)), min_size=N, max_size=N
)
permutation = st.permutations(list(range(N)))


def scheme_with(order):
    units = ", ".join(f"{{id: u{i}, name: U{i}}}" for i in order)
    return parse_scheme(SCHEME.format(units=units))


def result_of(order, rows):
    scheme = scheme_with(order)
    values = {
        f"u{i}": dict(zip(INDICATORS, rows[i], strict=True)) | {"bonus": i % 3} for i in range(N)
    }
    return assess(
        scheme, PeriodData.from_mapping(scheme, values), previous={f"u{i}": i + 1 for i in range(N)}
    )


def by_unit(result):
    return {row["unit"]: row for row in result.to_dict()["results"]}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=table, order=permutation)
def test_reordering_the_units_changes_no_units_result(rows, order):
    a, b = by_unit(result_of(list(range(N)), rows)), by_unit(result_of(order, rows))
    for unit, row in a.items():
        other = b[unit]
        assert (
            row["rank"] == other["rank"]
            and row["flags"] == other["flags"]
            and row["grade"] == other["grade"]
        )
        assert np.isclose(row["score"], other["score"], atol=1e-9)
        for board, cell in row["boards"].items():
            assert cell["rank"] == other["boards"][board]["rank"]
            assert cell["stars"] == other["boards"][board]["stars"]


methods = st.sampled_from(["rank_points", "efficacy", "minmax", "zscore", "bands", "raw"])
directions = st.sampled_from(["higher", "lower"])
vector = st.lists(st.floats(-1e4, 1e4, allow_nan=False), min_size=2, max_size=12)
BANDS = {  # scores rise towards the better end, as any real scheme writes them
    "higher": {"thresholds": [[100, 100], [0, 70], [-50, 40]]},
    "lower": {"thresholds": [[-50, 100], [0, 70], [100, 40]]},
}


@settings(max_examples=200, deadline=None)
@given(
    x=vector,
    method=methods,
    direction=directions,
    who=st.integers(0, 11),
    step=st.floats(0.001, 500),
)
def test_a_better_value_never_lowers_that_units_own_score(x, method, direction, who, step):
    if method == "raw":
        direction = (
            "higher"  # a raw score is the score itself; the spec gives direction no role there
        )
    x = np.array(x)
    who %= len(x)
    params = BANDS[direction] if method == "bands" else None
    before = score_indicator(x, method=method, direction=direction, params=params)[who]
    better = x.copy()
    better[who] += step if direction == "higher" else -step
    after = score_indicator(better, method=method, direction=direction, params=params)[who]
    assert after >= before - 1e-9


@settings(max_examples=200, deadline=None)
@given(
    x=vector,
    method=st.sampled_from(["efficacy", "minmax", "zscore", "rank_points"]),
    direction=directions,
    shift=st.floats(-1e4, 1e4, allow_nan=False),
)
def test_adding_a_constant_to_every_value_leaves_scores_unchanged(x, method, direction, shift):
    x = np.round(np.array(x), 2)
    shifted = np.round(x + shift, 2)
    # Shift only where the shift is exact in floating point at this precision.
    if (
        not np.allclose(shifted - x, shift, rtol=0, atol=1e-9)
        or np.unique(x).size != np.unique(shifted).size
    ):
        return
    a = score_indicator(x, method=method, direction=direction)
    b = score_indicator(shifted, method=method, direction=direction)
    assert np.allclose(a, b, atol=1e-6)
