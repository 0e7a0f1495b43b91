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
