"""Decimals that tell apart scores which print alike but decided differently."""

from __future__ import annotations

import numpy as np
import pytest

from leitai.demo import assess_demo
from leitai.engine.display import format_score, shown_scores, tie_decimals


def test_scores_that_decide_nothing_differently_keep_their_decimals():
    shown = tie_decimals([80.001, 80.004, 70.0], [1, 1, 3])
    assert shown.decimals.tolist() == [2, 2, 2]
    assert not shown.extended


def test_a_pair_printing_alike_gets_the_fewest_decimals_that_separate_it():
    shown = tie_decimals([80.0041, 80.0044, 79.0], [1, 2, 3])
    assert shown.decimals.tolist() == [4, 4, 2]
    assert shown.text([80.0041, 80.0044, 79.0]) == ["80.0041", "80.0044", "79.00"]


def test_a_score_close_to_two_others_takes_the_most_decimals_it_needs():
    scores = [50.0011, 50.0049, 50.00111]
    shown = tie_decimals(scores, [1, 2, 3])
    assert shown.decimals.tolist() == [5, 3, 5]
    texts = shown.text(scores)
    assert len(set(texts)) == 3


def test_equal_to_six_decimals_the_tie_break_is_marked_not_more_decimals():
    shown = tie_decimals([60.0000001, 60.0, 61.0], [1, 2, 3])
    assert shown.tie_break.tolist() == [True, True, False]
    assert shown.decimals.tolist() == [2, 2, 2]
    assert shown.extended


def test_missing_scores_never_conflict():
    shown = tie_decimals([None, np.nan, 3.0], [1, 2, 3])
    assert shown.decimals.tolist() == [2, 2, 2]
    assert format_score(None) == "—"


def test_outcomes_must_match_the_scores():
    with pytest.raises(ValueError):
        tie_decimals([1.0, 2.0], [1])


def test_the_2023q1_renewal_board_shows_63_835_and_63_825():
    result = assess_demo("2023Q1")["2023Q1"]
    shown = shown_scores(result.to_dict()["results"])
    renewal = shown.boards["renewal"]
    assert (renewal["shibei"].text, renewal["jiaozhou"].text) == ("63.835", "63.825")
    assert renewal["chengyang"].text == "73.81"
    assert shown.extended
    assert all(not s.extended for s in shown.composite.values())
