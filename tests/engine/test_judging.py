"""The live arena's scoring rules (leitai.engine.judging), checked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import ValidationError

from leitai.engine.errors import LeitaiError
from leitai.engine.judging import JudgingScheme, judge, sheet_total
from leitai.i18n import render, translator

GROUPS = [
    {"id": "lead", "name": "市领导", "weight": 40},
    {"id": "dept", "name": "部门", "weight": 30},
    {"id": "rep", "name": "代表", "weight": 30},
]


def scheme(**kw):  # type: ignore[no-untyped-def]
    return JudgingScheme.model_validate({"groups": GROUPS, **kw})


def test_weighted_groups_plain_mean() -> None:
    # x: lead (90+80)/2 = 85, dept 70, rep (60+80)/2 = 70 -> .4*85 + .3*70 + .3*70 = 76
    # y: lead 100, dept none, rep 50 -> (40*100 + 30*50) / 70 = 78.571428...
    sheets = [
        ("lead", "x", 90),
        ("lead", "x", 80),
        ("dept", "x", 70),
        ("rep", "x", 60),
        ("rep", "x", 80),
        ("lead", "y", 100),
        ("rep", "y", 50),
    ]
    r = judge(scheme(), ["x", "y"], sheets)
    assert r.group_scores[:, 0].tolist() == [85, 70, 70]
    assert r.overall[0] == pytest.approx(76.0)
    assert r.overall[1] == pytest.approx(5500 / 70)
    assert math.isnan(r.group_scores[1, 1])
    assert r.rank.tolist() == [2, 1]
    assert r.sheets[:, 0].tolist() == [2, 1, 2]


def test_trimmed_mean_ties_at_the_extremes_drop_only_n() -> None:
    s = scheme(rule="trimmed", trim=1)
    # high tie: 90, 90, 80, 70 -> one 90 and the 70 go -> (90 + 80) / 2 = 85
    # low tie: 60, 60, 60, 90 -> one 60 and the 90 go -> 60
    sheets = [("lead", "x", v) for v in (90, 90, 80, 70)]
    sheets += [("lead", "y", v) for v in (60, 60, 60, 90)]
    r = judge(s, ["x", "y"], sheets)
    assert r.group_scores[0].tolist() == [85, 60]
    assert r.dropped[0].tolist() == [2, 2]
    assert not r.fallback.any()
    # only the lead group scored: its score is the overall score
    assert r.overall.tolist() == [85, 60]


def test_trim_two() -> None:
    # 100, 95, 90, 80, 70, 60, 10 trim 2 -> 90, 80, 70 -> 80
    sheets = [("dept", "x", v) for v in (100, 95, 90, 80, 70, 60, 10)]
    r = judge(scheme(rule="trimmed", trim=2), ["x"], sheets)
    assert r.group_scores[1, 0] == pytest.approx(80)
    assert r.dropped[1, 0] == 4


def test_group_with_fewer_sheets_than_it_trims_falls_back_to_the_mean() -> None:
    s = scheme(rule="trimmed", trim=1)
    # two sheets (2 <= 2*1): plain mean 80, nothing dropped, marked as a fallback;
    # three sheets 90, 70, 10: the 90 and the 10 go -> 70.
    sheets = [("lead", "x", 90), ("lead", "x", 70)]
    sheets += [("lead", "y", 90), ("lead", "y", 70), ("lead", "y", 10)]
    sheets += [("rep", "x", 50)]
    r = judge(s, ["x", "y"], sheets)
    assert r.group_scores[0].tolist() == [80, 70]
    assert r.fallback[0].tolist() == [True, False]
    assert r.dropped[0].tolist() == [0, 2]
    assert r.fallback[2, 0] and r.group_scores[2, 0] == 50
    # x overall: (40*80 + 30*50) / 70
    assert r.overall[0] == pytest.approx(4700 / 70)


def test_ties_at_both_extremes_and_all_equal() -> None:
    s = scheme(rule="trimmed", trim=1)
    # 90, 90, 70, 70: one 90 and one 70 go -> (90 + 70) / 2 = 80
    # 75, 75, 75: one 75 at each end goes -> 75, two dropped
    sheets = [("rep", "x", v) for v in (70, 90, 70, 90)]
    sheets += [("rep", "y", 75)] * 3
    r = judge(s, ["x", "y"], sheets)
    assert r.group_scores[2].tolist() == [80, 75]
    assert r.dropped[2].tolist() == [2, 2]
    assert r.sheets[2].tolist() == [4, 3]


def test_trim_two_with_three_four_and_five_sheets() -> None:
    s = scheme(rule="trimmed", trim=2)
    # a: 3 sheets, fewer than the 4 it trims -> plain mean (90 + 60 + 30) / 3 = 60
    # b: 4 sheets = 2 * trim, nothing would be left -> plain mean 220 / 4 = 55
    # c: 5 sheets 100, 90, 40, 20, 10 -> the two highest and two lowest go -> 40
    sheets = [("dept", "a", v) for v in (90, 60, 30)]
    sheets += [("dept", "b", v) for v in (100, 20, 90, 10)]
    sheets += [("dept", "c", v) for v in (10, 100, 40, 90, 20)]
    r = judge(s, ["a", "b", "c"], sheets)
    assert r.group_scores[1].tolist() == [60, 55, 40]
    assert r.fallback[1].tolist() == [True, True, False]
    assert r.dropped[1].tolist() == [0, 0, 4]
    rows = {row["unit"]: row for row in r.as_dict()["rows"]}
    assert rows["a"]["groups"]["dept"]["fallback"] is True
    assert rows["c"]["groups"]["dept"] == {
        "score": 40,
        "sheets": 5,
        "abstained": 0,
        "dropped": 4,
        "fallback": False,
    }
    # only dept scored: its score is the overall one; ranks a 1, b 2, c 3
    assert r.overall.tolist() == [60, 55, 40] and r.rank.tolist() == [1, 2, 3]


def test_weighted_trimmed_groups_with_abstentions() -> None:
    s = scheme(rule="trimmed", trim=1)
    # lead: 95, 95, 80, 60, 60 -> one 95 and one 60 go -> (95 + 80 + 60) / 3 = 235/3
    # dept: 88, 70 and two abstentions -> 2 sheets, too few to trim -> mean 79
    #       (were the abstentions counted, 4 "sheets" would be trimmed)
    # rep: 100, 90, 85, 85, 50 and an abstention -> the 100 and the 50 go -> 260/3
    # overall .4 * 235/3 + .3 * 79 + .3 * 260/3 = 940/30 + 711/30 + 780/30 = 2431/30
    sheets = [("lead", "x", v) for v in (95, 60, 80, 95, 60)]
    sheets += [("dept", "x", 88), ("dept", "x", None), ("dept", "x", None), ("dept", "x", 70)]
    sheets += [("rep", "x", v) for v in (85, 100, None, 50, 90, 85)]
    r = judge(s, ["x"], sheets)
    assert r.group_scores[:, 0] == pytest.approx([235 / 3, 79, 260 / 3])
    assert r.sheets[:, 0].tolist() == [5, 2, 5]
    assert r.abstained[:, 0].tolist() == [0, 2, 1]
    assert r.dropped[:, 0].tolist() == [2, 0, 2]
    assert r.fallback[:, 0].tolist() == [False, True, False]
    assert r.overall[0] == pytest.approx(2431 / 30)
    assert r.as_dict()["rows"][0]["overall"] == pytest.approx(81.033333, abs=1e-6)


def test_abstentions_never_enter_a_mean() -> None:
    sheets = [("lead", "x", 80), ("lead", "x", None), ("lead", "x", 60)]
    sheets += [("dept", "x", None), ("rep", "x", 90)]
    r = judge(scheme(), ["x", "z"], sheets)
    assert r.group_scores[0, 0] == 70
    assert r.abstained[:, 0].tolist() == [1, 1, 0]
    assert r.sheets[:, 0].tolist() == [2, 0, 1]
    # dept only abstained: left out, weights rescaled: (40*70 + 30*90) / 70
    assert r.overall[0] == pytest.approx(5500 / 70)
    # z: no sheet at all -> no score, no rank, listed last
    assert math.isnan(r.overall[1]) and math.isnan(r.rank[1])
    rows = r.as_dict()["rows"]
    assert [row["unit"] for row in rows] == ["x", "z"]
    assert rows[1]["rank"] is None and rows[1]["overall"] is None


def test_equal_scores_share_a_rank() -> None:
    sheets = [("lead", "a", 80), ("lead", "b", 90), ("lead", "c", 90), ("lead", "d", 70)]
    r = judge(scheme(), ["a", "b", "c", "d"], sheets)
    assert r.rank.tolist() == [3, 1, 1, 4]
    assert [row["unit"] for row in r.as_dict()["rows"]] == ["b", "c", "a", "d"]


def test_unknown_units_and_groups_are_ignored() -> None:
    r = judge(scheme(), ["x"], [("lead", "x", 70), ("ghost", "x", 10), ("lead", "q", 1)])
    assert r.overall.tolist() == [70]


def test_vectorised_matches_a_loop() -> None:
    rng = np.random.default_rng(7)
    s = scheme(rule="trimmed", trim=1)
    units = [f"u{j}" for j in range(6)]
    sheets = [
        (g["id"], u, float(rng.integers(50, 101)))
        for g in GROUPS
        for u in units
        for _ in range(int(rng.integers(0, 7)))
    ]
    r = judge(s, units, sheets)
    for k, g in enumerate(GROUPS):
        for j, u in enumerate(units):
            values = sorted(t for gg, uu, t in sheets if gg == g["id"] and uu == u)
            if not values:
                assert math.isnan(r.group_scores[k, j])
                continue
            kept = values if len(values) <= 2 else values[1:-1]
            assert r.group_scores[k, j] == pytest.approx(sum(kept) / len(kept))


def test_criteria_sheet_total_and_scale() -> None:
    s = scheme(
        kind="criteria",
        criteria=[
            {"id": "results", "name": "晒成绩 真实充分", "max": 30},
            {"id": "gaps", "name": "查不足 精准深刻", "max": 30},
            {"id": "measures", "name": "谈举措 务实可行", "max": 40},
        ],
    )
    assert sheet_total(s, {"results": 28, "gaps": "25.5", "measures": 40}) == 93.5
    assert s.full_marks == 100
    with pytest.raises(LeitaiError) as error:
        sheet_total(s, {"results": 31, "gaps": 25, "measures": -1})
    problems = error.value.problems
    assert [p.code for p in problems] == ["judging.criterion_out_of_scale"] * 2
    # the criterion by its id (path) and its name; the range as written, 30 not 30.0
    assert [p.where.path for p in problems] == ["results", "measures"]
    assert dict(problems[0].params) == {
        "found": "31",
        "low": "0",
        "high": "30",
        "criterion": "晒成绩 真实充分",
    }
    assert render(problems[1], translator("zh")) == (
        "位置 measures：谈举措 务实可行：-1 超出评分范围：请填写 0 至 40 之间的数"
    )
    with pytest.raises(LeitaiError) as error:
        sheet_total(s, {"results": 30, "gaps": 25})
    assert error.value.problems[0].code == "judging.criterion_missing"
    assert render(error.value.problems[0], translator("zh"), with_where=False) == (
        "“谈举措 务实可行”还没有打分"
    )
    with pytest.raises(LeitaiError) as error:
        sheet_total(s, 93)
    assert error.value.problems[0].code == "judging.sheet_incomplete"
    with pytest.raises(LeitaiError):
        sheet_total(s, {"results": 30, "gaps": 25, "measures": 10, "extra": 5})


def test_single_score_scale() -> None:
    s = scheme()
    assert sheet_total(s, 100) == 100 and sheet_total(s, "1") == 1
    for bad in (0, 100.5, 101, -5, "nan", "inf", True, None, "x", [50]):
        with pytest.raises(LeitaiError) as error:
            sheet_total(s, bad)
        assert error.value.problems[0].code == "judging.out_of_scale"
    assert render(error.value.problems[0], translator("zh")) == (
        "[50] 超出评分范围：请填写 1 至 100 之间的数"
    )


def test_choices_sheet() -> None:
    s = scheme(
        kind="choices",
        choices=[
            {"label": "好", "points": 95},
            {"label": "较好", "points": 85},
            {"label": "一般", "points": 75},
            {"label": "差", "points": 60},
        ],
    )
    assert sheet_total(s, "较好") == 85
    assert s.full_marks == 95
    with pytest.raises(LeitaiError) as error:
        sheet_total(s, "很好")
    assert error.value.problems[0].code == "judging.unknown_choice"


@pytest.mark.parametrize(
    "bad",
    [
        {"rule": "trimmed", "trim": 0},
        {"kind": "criteria"},
        {"kind": "choices", "choices": [{"label": "好", "points": 1}]},
        {"low": 100, "high": 1},
        {"groups": [GROUPS[0], GROUPS[0]]},
        {"groups": []},
    ],
)
def test_inconsistent_schemes_are_refused(bad: dict) -> None:
    with pytest.raises(ValidationError):
        JudgingScheme.model_validate({"groups": GROUPS, **bad})


def test_bonus_points_by_rank_and_by_score() -> None:
    from leitai.engine.judging import bonus_points

    # a 90, b 80, c 80, d 60, e none -> ranks 1, 2, 2, 4; n = 4
    sheets = [("lead", "a", 90), ("lead", "b", 80), ("lead", "c", 80), ("lead", "d", 60)]
    r = judge(scheme(), ["a", "b", "c", "d", "e"], sheets)
    by_rank = bonus_points(r, max_points=3, by="rank", full_marks=100)
    # 3 * (4 - rank) / 3: 3, 2, 2, 0, nan
    assert by_rank[:4].tolist() == [3, 2, 2, 0] and math.isnan(by_rank[4])
    by_score = bonus_points(r, max_points=3, by="score", full_marks=100)
    assert by_score[:4].tolist() == pytest.approx([2.7, 2.4, 2.4, 1.8])


def test_no_sheets_and_no_units() -> None:
    r = judge(scheme(rule="trimmed", trim=1), ["x"], [])
    assert math.isnan(r.overall[0]) and r.sheets.tolist() == [[0], [0], [0]]
    assert judge(scheme(), [], [("lead", "x", 50)]).as_dict() == {
        "groups": ["lead", "dept", "rep"],
        "rows": [],
    }
