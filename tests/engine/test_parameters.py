"""Any scheme parameter as an uncertain input of the sensitivity analysis."""

from __future__ import annotations

import numpy as np
import pytest

from leitai.engine import PeriodData, assess, parse_scheme
from leitai.engine.errors import LeitaiError, SchemeError
from leitai.engine.parameters import Parameter, variant
from leitai.engine.sensitivity import analyse

SCHEME = parse_scheme(
    """
id: par
name: par
version: 1
units: [{id: a, name: A}, {id: b, name: B}, {id: c, name: C}, {id: d, name: D}]
boards:
  - id: x
    name: X
    points: 100
    indicators:
      - {id: i, name: I, method: efficacy}
      - {id: j, name: J, method: efficacy}
      - {id: k, name: K, method: efficacy}
"""
)
# b is even across the three, a and c lopsided: the geometric mean reorders them.
VALUES = {
    "a": {"i": 100, "j": 1, "k": 55},
    "b": {"i": 60, "j": 50, "k": 50},
    "c": {"i": 1, "j": 100, "k": 53},
    "d": {"i": 30, "j": 30, "k": 1},
}


def _data():
    return PeriodData.from_mapping(SCHEME, VALUES)


def test_each_sample_is_assessed_with_its_variant_of_the_scheme():
    path = "boards[x].aggregation.method"
    parameter = Parameter(path, ("mean", "geometric"))
    out = analyse(
        SCHEME, _data(), samples=40, seed=5, weights=0, methods=None, missing=None,
        leave_one_out=False, parameters=[parameter],
    )  # fmt: skip
    assert out.inputs == (path,)
    ranks = {name: assess(variant(SCHEME, path, name), _data()).rank for name in parameter.values}
    assert not np.array_equal(ranks["mean"], ranks["geometric"])
    # The design's only column chooses the variant: floor(u * 2).
    u = np.random.default_rng(5).random((40, 1))[:, 0]
    for sample, value in enumerate(u):
        name = parameter.values[min(int(value * 2), 1)]
        assert out.ranks[sample].tolist() == list(ranks[name])
    # Alone, the parameter explains all the variance: its first-order index is near 1
    # and its bootstrap interval holds 1.
    row = out.indices[0]
    assert row["first_order"] == pytest.approx(1.0, abs=0.3)
    low, high = row["first_order_interval"]
    assert low <= 1.0 <= high
    assert out.settings["parameters"] == [{"path": path, "values": ["mean", "geometric"]}]


def test_a_parameter_beside_the_other_inputs():
    out = analyse(
        SCHEME, _data(), samples=64, seed=1,
        parameters=[Parameter.parse("boards[x].indicators[i].weight=0.5..2:4")],
    )  # fmt: skip
    assert out.inputs == (
        "weights",
        "methods",
        "missing",
        "leave_one_out",
        "boards[x].indicators[i].weight",
    )
    assert len(out.indices) == 5
    assert out.evaluations == 64 * 7


def test_parameters_are_refused_where_they_cannot_be():
    data = _data()
    with pytest.raises(LeitaiError) as caught:
        analyse(SCHEME, data, samples=8, parameters=[Parameter("prepare.treat.skew", (1, 2))])
    assert caught.value.problems[0].code == "analysis.parameter_path"
    assert caught.value.problems[0].where.path == "prepare.treat.skew"
    with pytest.raises(SchemeError) as caught:
        analyse(SCHEME, data, samples=8, parameters=[Parameter("boards[x].points", (100, -5))])
    assert [p.where.path for p in caught.value.problems] == ["boards[0].points"]
    many = [Parameter(f"boards[x].indicators[{i}].weight", tuple(range(1, 8))) for i in "ijk"]
    with pytest.raises(LeitaiError) as caught:
        analyse(SCHEME, data, samples=8, parameters=many)
    assert caught.value.problems[0].code == "analysis.too_many_variants"
    # A method outside the alternatives changes which indicators the methods input varies.
    with pytest.raises(LeitaiError) as caught:
        analyse(
            SCHEME, data, samples=8, seed=2,
            parameters=[Parameter("boards[x].indicators[j].method", ("efficacy", "raw"))],
        )  # fmt: skip
    assert caught.value.problems[0].code == "analysis.parameter_changes_inputs"


@pytest.mark.parametrize(
    "text", ["nopath", "x=", "a.b=1", "a.b=1,1", "a.b=3..1", "a.b=1..2:1", "a.b=x..2"]
)
def test_parameter_syntax(text):
    with pytest.raises(LeitaiError) as caught:
        Parameter.parse(text)
    assert caught.value.problems[0].code == "analysis.parameter_syntax"


def test_parameter_values_are_yaml_scalars():
    assert Parameter.parse("boards[x].aggregation.method=mean, geometric").values == (
        "mean",
        "geometric",
    )
    assert Parameter.parse("stars.max=5,10").values == (5, 10)
