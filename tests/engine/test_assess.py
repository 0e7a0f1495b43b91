"""Boards, adjustments, vetoes, ranks, tie-breaks, stars, flags and grades."""

from __future__ import annotations

import numpy as np
import pytest

from leitai.engine import DataError, PeriodData, assess, parse_scheme

NESTED = """\
id: nested
name: 嵌套
version: 1
units: [{id: a, name: 甲}, {id: b, name: 乙}, {id: c, name: 丙}]
boards:
  - id: eco
    name: 经济
    points: 60
    indicators:
      - {id: i1, name: 一, method: raw, weight: 1}
    boards:
      - id: sub
        name: 子
        weight: 3
        indicators:
          - {id: i2, name: 二, method: raw, weight: 1}
          - {id: i3, name: 三, method: raw, weight: 3, missing: exclude}
  - id: proj
    name: 项目
    points: 40
    indicators:
      - {id: i4, name: 四, method: raw}
adjustments:
  - {id: bonus, name: 加分, kind: bonus, max_points: 2}
  - {id: minus, name: 扣分, kind: deduction, max_points: 1}
  - {id: veto, name: 否决, kind: veto}
tie_break: [proj]
stars: {method: bands, thresholds: [[90, 5], [70, 3]], min: 1}
flags:
  - {id: top, name: 排头, when: "rank <= 1"}
  - {id: up, name: 进位, when: "rank_change >= 1"}
  - {id: starry, name: 星, when: "stars_eco >= 3 and rank_sub <= 2"}
grades:
  - {name: 优, when: "rank <= 1"}
  - {name: 良, when: "score >= 50"}
  - {name: 差, when: "true"}
"""


def nested_result(**overrides):
    scheme = parse_scheme(NESTED)
    values = {
        "a": {"i1": 100, "i2": 80, "i3": 60, "i4": 70, "bonus": 5, "minus": 0.5, "veto": "否"},
        "b": {"i1": 90, "i2": 80, "i3": None, "i4": 90, "bonus": None, "minus": None, "veto": None},
        "c": {"i1": 20, "i2": 10, "i3": 10, "i4": 10, "bonus": 1, "minus": 0, "veto": "是"},
    }
    for key, value in overrides.items():
        unit, name = key.split("__")
        values[unit][name] = value
    return assess(
        scheme, PeriodData.from_mapping(scheme, values), previous={"a": 1, "b": 3}, period="P"
    )


def test_nested_boards_take_weighted_means_of_their_children():
    result = nested_result()
    board = {b.id: i for i, b in enumerate(result.boards)}
    # a: sub = (80 + 3*60) / 4 = 65; eco = (1*100 + 3*65) / 4 = 73.75
    assert result.board_scores[0, board["sub"]] == pytest.approx(65)
    assert result.board_scores[0, board["eco"]] == pytest.approx(73.75)
    # b: i3 excluded, sub = 80; eco = (90 + 3*80) / 4 = 82.5
    assert result.board_scores[1, board["eco"]] == pytest.approx(82.5)


def test_composite_adds_clamped_bonuses_and_subtracts_deductions():
    result = nested_result()
    # a: 60*73.75/100 + 40*70/100 + min(5, 2) - 0.5 = 44.25 + 28 + 2 - 0.5
    assert result.composite[0] == pytest.approx(73.75)
    assert result.adjustments["bonus"].tolist() == [2, 0, 1]
    assert result.adjustments["minus"].tolist() == [0.5, 0, 0]


def test_contributions_add_up_to_the_board_points_part_of_the_composite():
    result = nested_result()
    contributions = np.nansum(result.weights * result.scores / 100, axis=1)
    adjustments = result.adjustments["bonus"] - result.adjustments["minus"]
    assert contributions + adjustments == pytest.approx(result.composite)
    assert result.weights[1, 2] == 0  # the excluded indicator carries no weight for b


def test_a_vetoed_unit_keeps_its_rank_but_gets_no_flag_and_the_last_grade():
    result = nested_result(c__i1=1000, c__i4=1000)
    c = 2
    assert result.rank[c] == 1 and result.vetoed[c]
    assert not result.flags[c].any()
    assert result.grades[c] == "差"


def test_tie_break_orders_units_tied_on_the_composite_by_the_listed_board():
    scheme = parse_scheme(
        NESTED.replace("points: 60", "points: 50").replace("points: 40", "points: 50")
    )
    values = {
        "a": {"i1": 80, "i2": 80, "i3": 80, "i4": 60},
        "b": {"i1": 60, "i2": 60, "i3": 60, "i4": 80},
        "c": {"i1": 60, "i2": 60, "i3": 60, "i4": 80},
    }
    result = assess(scheme, PeriodData.from_mapping(scheme, values))
    # all composites 70; proj decides: b and c (80) share first, a third
    assert result.rank.tolist() == [3, 1, 1]


def test_board_stars_by_bands_and_rank_change_flags():
    result = nested_result()
    eco = [b.id for b in result.boards].index("eco")
    assert result.stars[:, eco].tolist() == [3, 3, 1]
    table = {row["unit"]: row for row in result.league_table()}
    assert table["b"]["rank_change"] == 2 and "up" in table["b"]["flags"]
    assert table["c"]["prev_rank"] is None and table["c"]["rank_change"] is None


def test_stars_by_rank_go_from_max_down_to_min():
    scheme = parse_scheme(
        NESTED.replace(
            "stars: {method: bands, thresholds: [[90, 5], [70, 3]], min: 1}",
            "stars: {max: 2, min: 1}",
        )
    )
    values = {u: {"i1": v, "i2": v, "i3": v, "i4": v} for u, v in (("a", 3), ("b", 2), ("c", 1))}
    result = assess(scheme, PeriodData.from_mapping(scheme, values))
    assert result.stars[:, 0].tolist() == [2, 1, 1]


def test_grades_take_the_first_matching_rule():
    result = nested_result(c__veto="否")
    assert list(result.grades) == ["良", "优", "差"]


def test_flags_can_read_board_variables_at_every_level():
    result = nested_result(c__veto="否")
    starry = [f.id for f in result.scheme.flags].index("starry")
    assert result.flags[:, starry].tolist() == [True, True, False]


def test_a_target_indicator_without_a_target_is_a_located_data_error():
    scheme = parse_scheme(
        "id: t\nname: T\nversion: 1\nunits: [{id: a, name: A}, {id: b, name: B}]\n"
        "boards: [{id: x, name: X, points: 100, indicators: [{id: i, name: I, method: target}]}]\n"
    )
    with pytest.raises(DataError) as caught:  # a target <= 0 is refused when read
        PeriodData.from_mapping(
            scheme, {"a": {"i": 5}, "b": {"i": 6}}, targets={"a": {"i": 10}, "b": {"i": 0}}
        )
    assert [(p.code, p.where.path, p.params["found"]) for p in caught.value.problems] == [
        ("data.target_not_positive", "b.i", "0")
    ]
    data = PeriodData.from_mapping(scheme, {"a": {"i": 5}, "b": {"i": 6}}, targets={"a": {"i": 10}})
    with pytest.raises(DataError) as caught:  # no target at all: refused when assessed
        assess(scheme, data)
    assert [(p.code, p.where.path, p.params["unit"]) for p in caught.value.problems] == [
        ("data.target_missing", "b.i", "b")
    ]


def test_data_read_for_another_scheme_are_refused():
    scheme = parse_scheme(NESTED)
    other = parse_scheme(NESTED.replace("id: nested", "id: other"))
    data = PeriodData.from_mapping(other, {u: {"i1": 1} for u in "abc"})
    with pytest.raises(DataError) as caught:
        assess(scheme, data)
    assert caught.value.problems[0].code == "data.other_scheme"
    assert caught.value.problems[0].params == {"made": "other", "wanted": "nested"}


def test_previous_ranks_may_come_from_a_result_or_its_json():
    first = nested_result()
    again = assess(
        first.scheme,
        PeriodData.from_mapping(first.scheme, {u: {"i1": 1} for u in "abc"}),
        previous=first,
    )
    from_json = assess(
        first.scheme,
        PeriodData.from_mapping(first.scheme, {u: {"i1": 1} for u in "abc"}),
        previous=first.to_dict(),
    )
    assert again.prev_rank.tolist() == first.rank.tolist() == from_json.prev_rank.tolist()
