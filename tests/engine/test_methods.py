"""Each normalisation method and missing-value policy, with numbers worked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from leitai.engine.methods import apply_missing, competition_rank, score_indicator
from tests.engine.helpers import one_board_scheme, run, scores

nan = np.nan


def test_competition_rank_shares_the_best_rank_and_skips_the_next():
    assert competition_rank(np.array([90.0, 95.0, 90.0, 80.0])).tolist() == [2, 1, 2, 4]


def test_competition_rank_compares_after_rounding_to_six_decimals():
    assert competition_rank(np.array([1.0000001, 1.0000004, 0.9])).tolist() == [1, 1, 3]


def test_competition_rank_breaks_ties_with_the_next_key_and_leaves_missing_unranked():
    ranks = competition_rank(np.array([5.0, 5.0, 5.0, nan]), np.array([1.0, 3.0, 1.0, 9.0]))
    assert ranks[:3].tolist() == [2, 1, 2] and np.isnan(ranks[3])


def test_competition_rank_works_row_by_row_on_a_sample_axis():
    ranks = competition_rank(np.array([[1.0, 2.0, 3.0], [3.0, 3.0, 1.0]]))
    assert ranks.tolist() == [[3, 2, 1], [1, 1, 3]]


def test_rank_points_gives_top_minus_step_per_place_with_a_floor():
    x = np.array([10.0, 8.0, 8.0, 5.0, nan])
    s = score_indicator(
        x, method="rank_points", direction="higher", params={"top": 100, "step": 30, "floor": 20}
    )
    # ranks 1, 2, 2, 4 -> 100, 70, 70, max(20, 10)
    assert s[:4].tolist() == [100, 70, 70, 20] and np.isnan(s[4])


def test_rank_points_for_lower_ranks_the_smallest_first():
    s = score_indicator(np.array([3.0, 1.0, 2.0]), method="rank_points", direction="lower")
    assert s.tolist() == [80, 100, 90]


def test_efficacy_maps_worst_to_base_and_best_to_base_plus_span():
    s = score_indicator(np.array([6.1, 5.2, 7.0, 4.1, 5.2]), method="efficacy", direction="higher")
    # 60 + 40 * (6.1 - 4.1) / (7.0 - 4.1) = 87.5862069
    assert s.round(6).tolist() == [87.586207, 75.172414, 100.0, 60.0, 75.172414]


def test_efficacy_for_lower_takes_the_minimum_as_best():
    s = score_indicator(np.array([0.42, 0.38, 0.55]), method="efficacy", direction="lower")
    # 60 + 40 * (0.42 - 0.55) / (0.38 - 0.55) = 90.588235
    assert s.round(6).tolist() == [90.588235, 100.0, 60.0]


def test_efficacy_with_all_values_equal_gives_full_marks():
    assert score_indicator(
        np.array([3.0, 3.0]), method="efficacy", direction="higher"
    ).tolist() == [100, 100]


def test_efficacy_with_fixed_goalposts_clamps_to_base_and_base_plus_span():
    params = {"base": 50, "span": 30, "best": 60, "worst": 10}
    s = score_indicator(
        np.array([70.0, 35.0, 0.0]), method="efficacy", direction="higher", params=params
    )
    # 35 -> 50 + 30 * 25 / 50 = 65; 70 clamps to 80; 0 clamps to 50
    assert s.tolist() == [80, 65, 50]


def test_minmax_is_efficacy_on_zero_to_one_hundred():
    s = score_indicator(
        np.array([0.42, 0.38, 0.55, 0.35, 0.61]), method="minmax", direction="lower"
    )
    # (0.42 - 0.61) / (0.35 - 0.61) * 100 = 73.076923
    assert s.round(6).tolist() == [73.076923, 88.461538, 23.076923, 100.0, 0.0]


def test_zscore_uses_the_population_standard_deviation():
    s = score_indicator(
        np.array([2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]), method="zscore", direction="higher"
    )
    # mean 5, population sd 2: z = (2 - 5) / 2 = -1.5 -> 50 - 15 = 35
    assert s.tolist() == [35, 45, 45, 45, 50, 50, 60, 70]


def test_zscore_is_negated_for_lower_and_centred_when_all_equal():
    lower = score_indicator(
        np.array([1.0, 3.0]), method="zscore", direction="lower", params={"scale": 20}
    )
    assert lower.tolist() == [70, 30]
    same = score_indicator(np.array([0.1, 0.1, 0.1, nan]), method="zscore", direction="higher")
    assert same[:3].tolist() == [50, 50, 50]


def test_target_scores_completion_and_caps_it():
    x, t = np.array([12.0, 9.0, 15.0, -1.0]), np.array([10.0, 10.0, 10.0, 10.0])
    s = score_indicator(x, method="target", direction="higher", params={"cap": 120}, target=t)
    assert s.tolist() == [120, 90, 120, 0]


def test_target_for_lower_inverts_completion_and_gives_the_cap_at_or_below_zero():
    x, t = np.array([8.0, 10.0, 0.0, 20.0]), np.array([10.0, 10.0, 10.0, 10.0])
    s = score_indicator(x, method="target", direction="lower", params={"cap": 150}, target=t)
    assert s.tolist() == [125, 100, 150, 50]


def test_bands_take_the_first_matching_threshold():
    params = {"thresholds": [[74, 100], [46, 80], [12, 60]], "else": 40}
    s = score_indicator(
        np.array([80.0, 74.0, 50.0, 12.0, 11.9]), method="bands", direction="higher", params=params
    )
    assert s.tolist() == [100, 100, 80, 60, 40]


def test_bands_for_lower_read_from_the_lowest_threshold_up():
    params = {"thresholds": [[13, 100], [17, 80], [94, 60]]}
    s = score_indicator(
        np.array([10.0, 13.0, 15.0, 94.0, 95.0]), method="bands", direction="lower", params=params
    )
    assert s.tolist() == [100, 100, 80, 60, 0]


def test_raw_passes_the_value_through_clamped():
    s = score_indicator(
        np.array([-5.0, 55.5, 130.0]),
        method="raw",
        direction="higher",
        params={"min": 0, "max": 100},
    )
    assert s.tolist() == [0, 55.5, 100]


@pytest.mark.parametrize(
    ("policy", "expected"),
    [("zero", [80.0, 0.0, 60.0]), ("worst", [80.0, 60.0, 60.0]), ("exclude", [80.0, None, 60.0])],
)
def test_missing_value_policies(policy, expected):
    filled = apply_missing(np.array([80.0, nan, 60.0]), policy)
    assert [None if np.isnan(v) else v for v in filled] == expected


def test_worst_policy_with_nothing_present_gives_zero():
    assert apply_missing(np.array([nan, nan]), "worst").tolist() == [0, 0]


def test_exclude_renormalises_the_other_weights_of_the_board_for_that_unit():
    scheme = one_board_scheme(
        "{id: i1, name: 一, method: raw, weight: 3, missing: exclude}\n"
        "              - {id: i2, name: 二, method: raw, weight: 1}",
        units=2,
    )
    result = run(scheme, {"u0": {"i1": 80, "i2": 40}, "u1": {"i1": None, "i2": 40}})
    # u0: (3*80 + 1*40) / 4 = 70; u1 has only i2: 40
    assert result.board_scores[:, 0].tolist() == [70, 40]
    assert scores(result) == [80, None]
    assert result.weights[1].tolist() == [0, 100]


def test_a_unit_with_no_present_indicator_in_a_board_scores_zero_there():
    scheme = one_board_scheme("{id: i1, name: 一, method: raw, missing: exclude}", units=2)
    result = run(scheme, {"u0": {"i1": 55}, "u1": {"i1": "-"}})
    assert result.board_scores[:, 0].tolist() == [55, 0]
