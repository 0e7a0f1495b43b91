"""Schemes in words: the one table of method names, rules and comparison sentences."""

from __future__ import annotations

from typing import get_args

import pytest

from leitai.engine import parse_scheme
from leitai.engine.compare import describe_changes
from leitai.engine.scheme import PARAMS, Method
from leitai.i18n import translator
from leitai.i18n.schemes import METHOD_HELP, METHOD_NAMES, PARAM_NAMES, edit_sentence, rule_words
from tests.engine.test_compare import BASE

ZH = translator("zh")
BOARDS = {"economy": "经济运行", "projects": "项目"}


def test_every_method_of_the_engine_has_a_chinese_name_help_and_named_parameters():
    assert set(METHOD_NAMES) == set(get_args(Method)) == set(PARAMS) == set(METHOD_HELP)
    names = {code: ZH(METHOD_NAMES[code]) for code in METHOD_NAMES}
    assert names["efficacy"] == "功效系数法"
    assert names["rank_points"] == "名次计分"
    assert names["zscore"] == "标准化 z 分数"
    assert len(set(names.values())) == len(names)
    for code, params in PARAMS.items():
        assert ZH(METHOD_HELP[code]) != METHOD_HELP[code]
        for name, field in params.model_fields.items():
            assert ZH(PARAM_NAMES[field.alias or name]) != PARAM_NAMES[field.alias or name]


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("rank <= 2", "综合成绩名次前 2 名"),
        ("rank < 4", "综合成绩名次前 3 名"),
        ("rank_change >= 2", "名次较上期上升 2 位及以上"),
        ("rank_change <= -3", "名次较上期下降 3 位及以上"),
        ("rank_economy <= 3", "「经济运行」名次前 3 名"),
        ("stars_projects >= 8", "「项目」8 星及以上"),
        ("score >= 90", "综合成绩 90 分及以上"),
        ("score_economy < 60", "「经济运行」得分低于 60 分"),
        ("rank <= ceil(n * 0.15) and not vetoed", "综合成绩名次前 15%（向上取整），且未被否决"),
        ("rank <= 3 or rank_change >= 2", "综合成绩名次前 3 名，或名次较上期上升 2 位及以上"),
        ("true", "所有单位"),
        ("2 >= rank", "综合成绩名次前 2 名"),
        ("prev_rank > 5", "上期名次高于 5"),
    ],
)
def test_rules_read_as_the_office_would_say_them(rule, words):
    assert rule_words(rule, BOARDS, ZH) == words


def _sentences(after: str) -> list[str]:
    before, changed = parse_scheme(BASE), parse_scheme(after)
    boards = {b.id: b.name for s in (before, changed) for b in s.all_boards()}
    return [edit_sentence(e, boards, ZH) for e in describe_changes(before, changed)]


@pytest.mark.parametrize(
    ("old", "new", "sentence"),
    [
        ("points: 60", "points: 55", "「经济运行」分值 60 → 55"),
        ("name: 税收}", "name: 税收收入}", "指标「税收」改名为「税收收入」"),
        (
            "- {id: tax, name: 税收}",
            "- {id: tax, name: 税收}\n      - {id: new, name: 新指标}",
            "新增指标「新指标」（属于「经济运行」）",
        ),
        ("      - {id: tax, name: 税收}\n", "", "删除指标「税收」"),
        (
            "method: rank_points, params: {step: 10}",
            "method: efficacy",
            "「增速」计分方法 名次计分 → 功效系数法",
        ),
        ("params: {step: 10}", "params: {step: 5}", "「增速」参数“每名递减” 10 → 5"),
        ("weight: 2,", "weight: 3,", "「增速」权重 2 → 3"),
        (
            "{id: tax, name: 税收}",
            "{id: tax, name: 税收, direction: lower}",
            "「税收」指标方向 越高越好 → 越低越好",
        ),
        (
            "{id: tax, name: 税收}",
            "{id: tax, name: 税收, missing: exclude}",
            "「税收」缺报处理 缺报计 0 分 → 缺报不计入",
        ),
        (
            "{id: tax, name: 税收}",
            "{id: tax, name: 税收, range: [0, 100]}",
            "「税收」合理范围 无 → 0 至 100",
        ),
        (
            'when: "rank <= 2"',
            'when: "rank <= 3"',
            "「排头」条件 综合成绩名次前 2 名 → 综合成绩名次前 3 名",
        ),
        ("name: 排头", "name: 排头兵", "红旗「排头」改名为「排头兵」"),
        ('{name: 优秀, when: "rank <= 1"}, ', "", "删除等次「优秀」"),
        ("max_points: 2", "max_points: 3", "「加分」最高分值 2 → 3"),
        ("kind: bonus", "kind: deduction", "「加分」类型 加分 → 扣分"),
        (
            "{id: b, name: 乙区}",
            "{id: b, name: 乙区}, {id: c, name: 丙区}",
            "新增被考核单位「丙区」",
        ),
        (
            "boards: [{id: sub, name: 子项, indicators: [{id: deep, name: 深}]}]",
            "boards: [{id: sub, name: 子项, indicators: [{id: deep, name: 深}]}, {id: sub2, name: 子项二, indicators: [{id: d2, name: 深二}]}]",
            "新增子板块「子项二」（属于「项目」）",
        ),
        ("name: 办法", "name: 新办法", "考核办法「办法」改名为「新办法」"),
        (
            "defaults: {method: efficacy}",
            "defaults: {method: efficacy}\ntie_break: [economy]",
            "同分时比较的板块：无 → 经济运行",
        ),
        (
            "defaults: {method: efficacy}",
            "defaults: {method: efficacy}\nstars: {max: 5}",
            "最多星数 10 → 5",
        ),
    ],
)
def test_each_kind_of_change_reads_as_a_sentence(old, new, sentence):
    changed = BASE.replace(old, new, 1)
    assert changed != BASE
    assert sentence in _sentences(changed)


def test_no_sentence_shows_a_yaml_path_or_a_method_code():
    v1 = BASE
    v2 = BASE.replace("points: 60", "points: 50").replace(
        "method: rank_points, params: {step: 10}", "method: zscore"
    )
    for sentence in _sentences(v2) + _sentences(v1.replace("name: 深", "name: 更深")):
        assert "[" not in sentence and "zscore" not in sentence and "rank_points" not in sentence


def test_the_indicators_of_a_new_board_are_said_with_the_board():
    from leitai.i18n.schemes import change_sentences

    after = BASE.replace(
        "adjustments:",
        "  - {id: green, name: 绿色发展, points: 10, indicators: [{id: e1, name: 能耗}, "
        "{id: e2, name: 排放}]}\nadjustments:",
    )
    before, changed = parse_scheme(BASE), parse_scheme(after)
    boards = {b.id: b.name for s in (before, changed) for b in s.all_boards()}
    sentences = change_sentences(describe_changes(before, changed), boards, ZH)
    assert sentences == ["新增板块「绿色发展」，含指标「能耗」、「排放」"]
