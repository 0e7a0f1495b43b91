"""The flag and grade language: parsed, never evaluated by Python."""

from __future__ import annotations

import numpy as np
import pytest

from leitai.engine.expressions import ExpressionError, parse_expression

ENV = {
    "rank": np.array([1.0, 2.0, 3.0, 4.0]),
    "rank_change": np.array([np.nan, 2.0, -1.0, 3.0]),
    "n": np.full(4, 20.0),
    "vetoed": np.array([0.0, 0.0, 0.0, 1.0]),
}


def evaluate(text: str) -> list[bool]:
    return parse_expression(text).evaluate(ENV, 4).tolist()


def test_comparisons_and_arithmetic():
    assert evaluate("rank <= 2") == [True, True, False, False]
    assert evaluate("rank * 2 - 1 == 3") == [False, True, False, False]


def test_a_quota_with_ceil():
    # ceil(20 * 0.15) = 3
    assert evaluate("rank <= ceil(n * 0.15)") == [True, True, True, False]


def test_any_comparison_with_null_is_false_and_not_turns_it_true():
    assert evaluate("rank_change >= 2") == [False, True, False, True]
    assert evaluate("not (rank_change < 0)") == [True, True, False, True]


def test_boolean_words_and_precedence():
    assert evaluate("rank <= 1 or rank_change >= 2 and not vetoed") == [True, True, False, False]
    assert evaluate("true") == [True] * 4 and evaluate("false") == [False] * 4


def test_min_max_floor_and_division_by_zero_is_null():
    assert evaluate("max(rank, 3) == 3 and floor(rank / 2) == 1") == [False, True, True, False]
    assert evaluate("rank / 0 > 0") == [False] * 4


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('id')",
        "rank <= ",
        "rank.__class__",
        "open(1)",
        "rank < 2 < 3",
        "",
        "ceil(1, 2)",
    ],
)
def test_anything_outside_the_language_is_refused(text):
    with pytest.raises(ExpressionError):
        parse_expression(text, allowed={"rank"})


def test_unknown_variables_are_named():
    with pytest.raises(ExpressionError) as caught:
        parse_expression("os > 1", allowed={"rank"})
    assert (caught.value.code, caught.value.params) == (
        "expression.unknown_variable",
        {"names": ["os"]},
    )
