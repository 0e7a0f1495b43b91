"""The pipeline's steps, exercised directly on small cases checked by hand (spec 2-6)."""

from __future__ import annotations

import numpy as np
import pytest

from leitai.engine import PeriodData, SchemeError, assess, parse_scheme
from leitai.engine import pipeline as steps

nan = np.nan

TWO_BOARDS = """
id: tie
name: 并列
version: 1
units: [{id: a, name: A}, {id: b, name: B}, {id: c, name: C}, {id: d, name: D},
        {id: e, name: E}]
boards:
  - {id: x, name: X, points: 50, indicators: [{id: ix, name: IX, method: raw}]}
  - {id: y, name: Y, points: 50, indicators: [{id: iy, name: IY, method: raw}]}
tie_break: [x]
"""


def test_units_tied_on_the_composite_are_ordered_by_the_tie_break_board_then_share():
    plan = steps.Plan.of(parse_scheme(TWO_BOARDS))
    # Composites 70, 70, 70 (after rounding to 6 decimals), 50, 70.
    total = np.array([70.0, 70.0, 70.0000001, 50.0, 70.0])
    board_scores = np.array([[80.0, 60.0, 70.0, 50.0, 80.0], [60.0, 80.0, 70.0, 50.0, 60.0]])
    # a and e lead on x and share first place; c is next on x, then b; "1224" ranks.
    assert steps.rank(plan, total, board_scores).tolist() == [1, 4, 3, 5, 1]
    # Board ranks take no tie-break.
    assert steps.board_ranks(plan, board_scores).tolist() == [
        [1, 4, 3, 5, 1],
        [3, 1, 2, 5, 3],
    ]


def test_without_tie_break_the_tied_units_share_the_best_rank():
    plan = steps.Plan.of(parse_scheme(TWO_BOARDS.replace("tie_break: [x]", "")))
    total = np.array([70.0, 70.0, 70.0000001, 50.0, 70.0])
    board_scores = np.zeros((2, 5))
    assert steps.rank(plan, total, board_scores).tolist() == [1, 1, 1, 5, 1]


def test_the_tie_break_is_the_same_through_assess():
    scheme = parse_scheme(TWO_BOARDS)
    values = {
        "a": {"ix": 80, "iy": 60},
        "b": {"ix": 60, "iy": 80},
        "c": {"ix": 70, "iy": 70},
        "d": {"ix": 50, "iy": 50},
        "e": {"ix": 80, "iy": 60},
    }
    result = assess(scheme, PeriodData.from_mapping(scheme, values))
    assert result.rank.tolist() == [1, 4, 3, 5, 1]


SUB_BOARD_BANDS = """
id: bands
name: 分档星级
version: 1
units: [{id: a, name: A}, {id: b, name: B}, {id: c, name: C}, {id: d, name: D},
        {id: e, name: E}]
boards:
  - id: top
    name: 总
    points: 100
    indicators: [{id: t, name: T, method: raw}]
    boards:
      - {id: sub, name: 子, weight: 1, indicators: [{id: s, name: S, method: raw}]}
stars: {method: bands, thresholds: [[60, 3], [90, 5]], min: 1}
"""


def test_stars_by_bands_apply_to_a_sub_board_with_scores_rounded_to_six_decimals():
    scheme = parse_scheme(SUB_BOARD_BANDS)
    plan = steps.Plan.of(scheme)
    sub = plan.board_ids.index("sub")
    board_scores = np.zeros((2, 5))
    board_scores[sub] = [95.0, 90.0, 89.9999999, 60.0, 59.9]
    stars = steps.stars(plan, board_scores, steps.board_ranks(plan, board_scores))
    # 89.9999999 is 90 at six decimals: five stars; under the lowest band: min.
    assert stars[sub].tolist() == [5, 5, 5, 3, 1]

    values = {u: {"t": 50, "s": v} for u, v in zip("abcde", board_scores[sub], strict=True)}
    result = assess(scheme, PeriodData.from_mapping(scheme, values))
    assert result.stars[:, sub].tolist() == [5, 5, 5, 3, 1]
    # The top board: (50 + s) / 2 -> 72.5 72.5 70 55 54.95: three stars down to one.
    assert result.stars[:, plan.board_ids.index("top")].tolist() == [3, 3, 3, 1, 1]


RULES = """
id: rules
name: 规则
version: 1
units: [{id: a, name: A}, {id: b, name: B}, {id: c, name: C}]
boards:
  - {id: x, name: X, points: 100, indicators: [{id: i, name: I, method: raw}]}
adjustments: [{id: veto, name: 否决, kind: veto}]
flags:
  - {id: vanguard, name: 排头, when: "rank <= 1"}
  - {id: climber, name: 进位, when: "rank_change >= 2"}
  - {id: slipped, name: 退位, when: "rank_change < 2"}
grades:
  - {name: 优秀, when: "rank <= 1"}
  - {name: 良好, when: "rank <= 2"}
  - {name: 合格, when: "true"}
"""


def test_a_null_previous_rank_makes_every_comparison_on_rank_change_false():
    scheme = parse_scheme(RULES)
    plan = steps.Plan.of(scheme)
    standing = steps.stand(
        plan,
        np.array([90.0, 80.0, 70.0]),
        np.array([[90.0, 80.0, 70.0]]),
        prev_rank=np.array([nan, 3.0, 3.0]),
        vetoed=np.zeros(3, dtype=bool),
    )
    variables = steps.RuleVariables(plan, standing)
    assert np.isnan(variables["rank_change"][0])
    flags = steps.flags(plan, variables)
    climber, slipped = flags[:, 1], flags[:, 2]
    # a: no previous rank, neither climbed nor slipped; b: 3 -> 2 (+1); c: 3 -> 3.
    assert climber.tolist() == [False, False, False]
    assert slipped.tolist() == [False, True, True]

    data = PeriodData.from_mapping(scheme, {"a": {"i": 90}, "b": {"i": 80}, "c": {"i": 70}})
    result = assess(scheme, data, previous={"b": 3, "c": 3})
    assert result.flags.tolist() == flags.tolist()


def test_a_vetoed_unit_gets_no_flag_and_the_last_grade():
    scheme = parse_scheme(RULES)
    plan = steps.Plan.of(scheme)
    standing = steps.stand(
        plan,
        np.array([90.0, 80.0, 70.0]),
        np.array([[90.0, 80.0, 70.0]]),
        prev_rank=np.array([3.0, 3.0, 3.0]),
        vetoed=np.array([True, False, False]),
    )
    variables = steps.RuleVariables(plan, standing)
    assert standing.rank.tolist() == [1, 2, 3]  # a veto moves no rank
    assert steps.flags(plan, variables)[0].tolist() == [False, False, False]
    grades = steps.grades(plan, variables)
    assert steps.grade_names(plan, grades) == ("合格", "良好", "合格")

    data = PeriodData.from_mapping(
        scheme,
        {"a": {"i": 90, "veto": "是"}, "b": {"i": 80, "veto": "否"}, "c": {"i": 70}},
    )
    result = assess(scheme, data, previous={"a": 3, "b": 3, "c": 3})
    assert result.vetoed.tolist() == [True, False, False]
    assert result.flag_ids(0) == [] and result.flag_ids(1) == ["slipped"]
    assert result.grades == ("合格", "良好", "合格")


def test_no_grade_rule_that_holds_leaves_the_grade_empty():
    scheme = parse_scheme(RULES.replace('when: "true"', 'when: "rank <= 2"'))
    plan = steps.Plan.of(scheme)
    standing = steps.stand(
        plan,
        np.array([90.0, 80.0, 70.0]),
        np.array([[90.0, 80.0, 70.0]]),
        prev_rank=np.full(3, nan),
        vetoed=np.zeros(3, dtype=bool),
    )
    grades = steps.grades(plan, steps.RuleVariables(plan, standing))
    assert steps.grade_names(plan, grades) == ("优秀", "良好", None)


NESTED = """
id: nested
name: 多层
version: 1
units: [{id: u0, name: U0}, {id: u1, name: U1}, {id: u2, name: U2}, {id: u3, name: U3},
        {id: u4, name: U4}, {id: u5, name: U5}]
boards:
  - id: econ
    name: 经济
    points: 60
    indicators:
      - {id: e1, name: E1, method: efficacy}
      - {id: e2, name: E2, method: zscore, direction: lower, weight: 2, missing: worst}
    boards:
      - id: proj
        name: 项目
        weight: 2
        indicators:
          - {id: p1, name: P1, method: rank_points, missing: exclude}
          - {id: p2, name: P2, method: minmax, missing: exclude}
  - id: city
    name: 城市
    points: 40
    indicators: [{id: c1, name: C1, method: bands, params: {thresholds: [[50, 100], [20, 60]]}}]
adjustments:
  - {id: bonus, name: 加分, kind: bonus, max_points: 2}
  - {id: veto, name: 否决, kind: veto}
tie_break: [city]
stars: {method: rank, max: 6, min: 1}
flags:
  - {id: top, name: 排头, when: "rank <= ceil(n * 0.34)"}
  - {id: up, name: 进位, when: "rank_change >= 2"}
  - {id: proj_star, name: 项目之星, when: "stars_proj >= 5 and score_city > 50"}
grades:
  - {name: 优, when: "rank <= 2"}
  - {name: 良, when: "rank_econ <= 3 or score >= 60"}
  - {name: 合格, when: "true"}
"""


def _one(plan, values, adjusted, prev):
    """The pipeline's steps on one table (n_units, n_indicators) or a batch of them."""
    scores = steps.fill_missing(plan, steps.score(plan, values, np.full(values.shape, nan)))
    board_scores, _ = steps.aggregate(plan, scores)
    total = steps.adjust(steps.composite(plan, board_scores), adjusted)
    standing = steps.stand(plan, total, board_scores, prev_rank=prev, vetoed=adjusted.vetoed)
    variables = steps.RuleVariables(plan, standing)
    return standing, steps.flags(plan, variables), steps.grades(plan, variables)


def test_a_leading_sample_axis_gives_what_a_loop_of_single_assessments_gives():
    scheme = parse_scheme(NESTED)
    plan = steps.Plan.of(scheme)
    rng = np.random.default_rng(3)
    values = np.round(rng.uniform(0, 100, size=(9, 6, 5)), 1)
    values[rng.random(values.shape) < 0.15] = nan
    values[4] = values[3]  # a sample with ties
    values[4, :, 0] = 50.0
    bonus = np.array([0.0, 1.5, 3.0, nan, 0.5, 0.0])
    veto = np.array([False, False, False, False, True, False])
    adjusted = steps.adjustments(plan, {"bonus": bonus, "veto": veto})
    prev = np.array([1.0, 2.0, nan, 6.0, 5.0, 4.0])
    previous = {"u0": 1, "u1": 2, "u3": 6, "u4": 5, "u5": 4}

    batch, batch_flags, batch_grades = _one(plan, values, adjusted, prev)
    for s in range(values.shape[0]):
        single, single_flags, single_grades = _one(plan, values[s], adjusted, prev)
        np.testing.assert_array_equal(batch.composite[s], single.composite)
        np.testing.assert_array_equal(batch.board_scores[s], single.board_scores)
        np.testing.assert_array_equal(batch.rank[s], single.rank)
        np.testing.assert_array_equal(batch.board_ranks[s], single.board_ranks)
        np.testing.assert_array_equal(batch.stars[s], single.stars)
        np.testing.assert_array_equal(batch_flags[s], single_flags)
        np.testing.assert_array_equal(batch_grades[s], single_grades)
        # ... and what assess makes of that table.
        data = PeriodData(
            scheme_id=scheme.id,
            values=values[s],
            targets=np.full(values[s].shape, nan),
            series=np.zeros((6, 0)),
            adjustments={"bonus": bonus, "veto": veto},
        )
        result = assess(scheme, data, previous=previous)
        np.testing.assert_array_equal(result.composite, single.composite)
        np.testing.assert_array_equal(result.board_scores, single.board_scores.T)
        np.testing.assert_array_equal(result.stars, single.stars.T)
        np.testing.assert_array_equal(result.flags, single_flags)
        assert result.grades == steps.grade_names(plan, single_grades)
    assert batch_flags[..., 4, :].sum() == 0  # the vetoed unit
    assert (batch_grades[:, 4] == 2).all()


def test_excluded_indicators_drop_out_of_their_board_with_their_weight():
    scheme = parse_scheme(NESTED)
    plan = steps.Plan.of(scheme)
    scores = np.full((6, 5), 50.0)
    p1, p2 = 2, 3
    scores[0, p1] = nan  # u0: p2 alone counts in proj
    scores[0, p2] = 80.0
    scores[1, [p1, p2]] = nan  # u1: proj has no present child: 0, and still weighs 2
    board_scores, denominators = steps.aggregate(plan, scores)
    proj, econ = plan.board_ids.index("proj"), plan.board_ids.index("econ")
    assert board_scores[proj, :2].tolist() == [80.0, 0.0]
    assert denominators[proj][:3].tolist() == [1.0, 0.0, 2.0]
    # econ = (1 * 50 + 2 * 50 + 2 * proj) / 5
    assert board_scores[econ, :3].tolist() == pytest.approx([62.0, 30.0, 50.0])
    shares = steps.shares(plan, scores, denominators)
    assert shares[1, [p1, p2]].tolist() == [0.0, 0.0]
    # u1's empty proj keeps its 60 x 2/5 = 24 points, carried by no indicator.
    assert shares.sum(axis=1) == pytest.approx([1.0, 0.76, 1.0, 1.0, 1.0, 1.0])


def test_a_column_change_aggregates_like_the_table_with_that_column_replaced():
    plan = steps.Plan.of(parse_scheme(NESTED))
    rng = np.random.default_rng(11)
    base = rng.uniform(0, 100, size=(6, 5))
    base[2, 3] = nan
    candidates = np.array([[10.0, 20, 30, 40, 50, nan], [nan, 0, 0, 0, 0, 100]])
    for j in range(5):
        full = np.broadcast_to(base, (2, 6, 5)).copy()
        full[:, :, j] = candidates
        got, got_den = steps.aggregate(plan, steps.ColumnChange(base, j, candidates))
        want, want_den = steps.aggregate(plan, full)
        np.testing.assert_array_equal(got, want)
        for g, w in zip(got_den, want_den, strict=True):
            np.testing.assert_array_equal(g, w)


def test_alternatives_aggregate_like_the_chosen_tables_one_sample_at_a_time():
    plan = steps.Plan.of(parse_scheme(NESTED))
    rng = np.random.default_rng(5)
    tables = rng.uniform(0, 100, size=(3, 6, 5))
    tables[:, 1, 3] = nan  # excluded in every alternative
    slot = rng.integers(0, 3, size=(4, 5))
    weights = rng.uniform(0.5, 1.5, size=(4, 5))
    weights[2, 0] = 0.0  # left out
    board_weights = rng.uniform(0.5, 1.5, size=(4, plan.n_boards))
    got, _ = steps.aggregate(
        plan,
        steps.Alternatives.of(plan, tables).choose(slot),
        weights=weights,
        board_weights=board_weights,
    )
    for s in range(4):
        chosen = np.take_along_axis(tables, slot[s][None, None, :], axis=0)[0]
        want, _ = steps.aggregate(plan, chosen, weights=weights[s], board_weights=board_weights[s])
        np.testing.assert_allclose(got[s], want, rtol=0, atol=1e-9)


def test_ranks_within_groups_are_competition_ranks_of_each_group_alone():
    plan = steps.Plan.of(parse_scheme(TWO_BOARDS))
    total = np.array([[70.0, 70.0, 60.0, 50.0, 80.0], [10.0, 20.0, 30.0, 40.0, 50.0]])
    board_scores = np.array([np.zeros((2, 5)), np.zeros((2, 5))])
    board_scores[0, 0] = [80.0, 60.0, 70.0, 50.0, 80.0]
    groups = np.array(["g", "g", "h", "h", "g"])
    ranks = steps.rank(plan, total, board_scores, groups=groups)
    # Sample 0: g = a 70 (x 80), b 70 (x 60), e 80 -> e 1, a 2, b 3; h = c 60, d 50.
    assert ranks.tolist() == [[2, 3, 1, 2, 1], [3, 2, 2, 1, 1]]
    assert steps.unit_counts(plan, groups=groups).tolist() == [3, 3, 2, 2, 3]
    assert steps.unit_counts(plan).tolist() == [5] * 5


def test_the_rule_variables_are_the_ones_scheme_validation_allows_and_evaluation_reads():
    scheme = parse_scheme(NESTED)
    plan = steps.Plan.of(scheme)
    names = steps.rule_variables(plan.board_ids)
    assert {"score", "rank", "prev_rank", "rank_change", "n", "vetoed"} <= names
    assert {"score_proj", "rank_proj", "stars_proj", "stars_city"} <= names
    standing = steps.stand(
        plan,
        np.arange(6.0),
        np.arange(18.0).reshape(3, 6),
        prev_rank=np.full(6, 2.0),
        vetoed=np.zeros(6, dtype=bool),
    )
    variables = steps.RuleVariables(plan, standing)
    assert set(variables) == names
    for name in names:
        assert variables[name].shape == (6,)
    assert variables["score_proj"].tolist() == list(range(6, 12))
    with pytest.raises(SchemeError) as caught:
        parse_scheme(NESTED.replace("stars_proj >= 5", "stars_nowhere >= 5"))
    assert "stars_nowhere" in str(caught.value)


def test_the_ranks_of_some_units_are_their_ranks_among_all():
    plan = steps.Plan.of(parse_scheme(TWO_BOARDS))
    rng = np.random.default_rng(2)
    total = np.round(rng.uniform(0, 3, size=(40, 5)), 0) + rng.choice([0, 1e-7, 1e-5], (40, 5))
    board_scores = np.round(rng.uniform(0, 2, size=(40, 2, 5)), 0)
    total[3, 2] = nan
    groups = np.array([1, 2, 1, 2, 1])
    for g in (None, groups):
        for units in ([0], [4, 2], [0, 1, 2, 3, 4]):
            everyone = steps.rank(plan, total, board_scores, groups=g)
            some = steps.rank(plan, total, board_scores, groups=g, units=units)
            np.testing.assert_array_equal(some, everyone[:, units])
            np.testing.assert_array_equal(
                steps.board_ranks(plan, board_scores, groups=g, units=units),
                steps.board_ranks(plan, board_scores, groups=g)[..., units],
            )
