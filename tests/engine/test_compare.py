"""Comparing two scheme versions item by item."""

from __future__ import annotations

from leitai.demo import demo_dir
from leitai.engine import load_scheme
from leitai.engine.compare import compare_schemes


def test_the_demos_second_version_adds_the_business_board_and_reweights():
    v1 = load_scheme(demo_dir() / "scheme-2023-v1.yaml")
    v2 = load_scheme(demo_dir() / "scheme-2023-v2.yaml")
    changes = {c.path: c for c in compare_schemes(v1, v2)}
    assert changes["version"].before == 1 and changes["version"].after == 2
    assert changes["boards[business]"].kind == "added"
    assert changes["boards[economy].points"].kind == "changed"
    assert not any(path.startswith("units") for path in changes)


def test_identical_schemes_have_no_changes():
    v1 = load_scheme(demo_dir() / "scheme-2023-v1.yaml")
    assert compare_schemes(v1, v1) == []


def test_a_removed_indicator_is_named_by_its_id():
    v1 = load_scheme(demo_dir() / "scheme-2023-v1.yaml")
    text = v1.text
    from leitai.engine import parse_scheme

    reordered = parse_scheme(text.replace("name: 市南区", "name: 市南"))
    [change] = compare_schemes(v1, reordered)
    assert change.path == "units[shinan].name" and change.after == "市南"


# -- the same comparison as edits a person reads ----------------------------------------------

BASE = """
id: s
name: 办法
version: 1
units: [{id: a, name: 甲区}, {id: b, name: 乙区}]
defaults: {method: efficacy}
boards:
  - id: economy
    name: 经济运行
    points: 60
    indicators:
      - {id: gdp, name: 增速, weight: 2, method: rank_points, params: {step: 10}}
      - {id: tax, name: 税收}
  - id: projects
    name: 项目
    points: 40
    indicators: [{id: signed, name: 签约}]
    boards: [{id: sub, name: 子项, indicators: [{id: deep, name: 深}]}]
adjustments: [{id: bonus, name: 加分, kind: bonus, max_points: 2}]
flags: [{id: top, name: 排头, when: "rank <= 2"}]
grades: [{name: 优秀, when: "rank <= 1"}, {name: 合格, when: "true"}]
"""


def _edits(after_text: str) -> list[tuple]:
    from leitai.engine import parse_scheme
    from leitai.engine.compare import describe_changes

    before, after = parse_scheme(BASE), parse_scheme(after_text)
    return [
        (e.item, e.kind, e.name, e.field, e.before, e.after)
        for e in describe_changes(before, after)
    ]


def test_describe_changes_names_each_kind_of_change():
    cases = {
        "points: 60": ("points: 55", ("board", "changed", "经济运行", "points", 60.0, 55.0)),
        "name: 税收": (
            "name: 税收收入",
            ("indicator", "renamed", "税收收入", "name", "税收", "税收收入"),
        ),
        "method: rank_points, params: {step: 10}": (
            "method: zscore",
            ("indicator", "changed", "增速", "method", "rank_points", "zscore"),
        ),
        "params: {step: 10}": (
            "params: {step: 5}",
            ("indicator", "changed", "增速", "params.step", 10.0, 5.0),
        ),
        "weight: 2": ("weight: 3", ("indicator", "changed", "增速", "weight", 2.0, 3.0)),
        'when: "rank <= 2"': (
            'when: "rank <= 3"',
            ("flag", "changed", "排头", "when", "rank <= 2", "rank <= 3"),
        ),
        "max_points: 2": (
            "max_points: 3",
            ("adjustment", "changed", "加分", "max_points", 2.0, 3.0),
        ),
        "name: 甲区": ("name: 甲", ("unit", "renamed", "甲", "name", "甲区", "甲")),
    }
    for old, (new, expected) in cases.items():
        assert _edits(BASE.replace(old, new, 1)) == [expected], old


def test_an_added_and_a_removed_indicator_and_a_move_between_boards():
    added = BASE.replace(
        "- {id: tax, name: 税收}", "- {id: tax, name: 税收}\n      - {id: new, name: 新}"
    )
    assert _edits(added) == [("indicator", "added", "新", None, None, None)]
    removed = BASE.replace("      - {id: tax, name: 税收}\n", "")
    assert _edits(removed) == [("indicator", "removed", "税收", None, None, None)]
    moved = removed.replace(
        "[{id: signed, name: 签约}]", "[{id: signed, name: 签约}, {id: tax, name: 税收}]"
    )
    assert _edits(moved) == [("indicator", "moved", "税收", None, "economy", "projects")]


def test_the_defaults_take_effect_in_the_indicators_they_fill():
    edits = _edits(BASE.replace("defaults: {method: efficacy}", "defaults: {method: minmax}"))
    assert ("defaults", "changed", "defaults", "method", "efficacy", "minmax") in edits
    assert ("indicator", "changed", "税收", "method", "efficacy", "minmax") in edits


def test_grades_are_matched_by_name_and_identical_schemes_have_no_edits():
    from leitai.engine import parse_scheme
    from leitai.engine.compare import describe_changes

    assert describe_changes(parse_scheme(BASE), parse_scheme(BASE)) == []
    edits = _edits(
        BASE.replace(
            '{name: 合格, when: "true"}',
            '{name: 良好, when: "rank <= 2"}, {name: 合格, when: "true"}',
        )
    )
    assert edits == [("grade", "added", "良好", "when", None, "rank <= 2")]
