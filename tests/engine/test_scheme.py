"""Loading a scheme: every refusal names the file, the YAML path and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from leitai.engine import SchemeError, load_scheme, parse_scheme
from leitai.engine.problems import Problem


def write(tmp_path: Path, examples: Path, change) -> Path:
    document = yaml.safe_load((examples / "case1" / "scheme.yaml").read_text(encoding="utf-8"))
    change(document)
    path = tmp_path / "scheme.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def refusal(path: Path) -> list[Problem]:
    with pytest.raises(SchemeError) as caught:
        load_scheme(path)
    assert all(p.where.file == str(path) for p in caught.value.problems)
    assert all(p.where.line for p in caught.value.problems)
    return caught.value.problems


def at(problems: list[Problem]) -> dict[str, Problem]:
    return {p.where.path: p for p in problems}


def test_the_worked_example_loads_with_the_hash_of_its_bytes(examples):
    import hashlib

    path = examples / "case1" / "scheme.yaml"
    scheme = load_scheme(path)
    assert scheme.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert [b.id for b in scheme.all_boards()] == ["economy", "projects"]


def test_an_unknown_method_is_refused_at_its_path(tmp_path, examples):
    path = write(
        tmp_path, examples, lambda d: d["boards"][0]["indicators"][1].update(method="magic")
    )
    [error] = refusal(path)
    assert error.where.path == "boards[0].indicators[1].method"
    assert error.code == "scheme.not_one_of" and error.params["found"] == "magic"
    assert "efficacy" in error.params["expected"]


def test_a_weight_that_is_not_a_number_is_refused(tmp_path, examples):
    path = write(tmp_path, examples, lambda d: d["boards"][0]["indicators"][0].update(weight="abc"))
    [error] = refusal(path)
    assert (error.where.path, error.code, error.params["found"]) == (
        "boards[0].indicators[0].weight",
        "scheme.not_a_number",
        "abc",
    )


def test_a_sub_board_with_points_is_refused(tmp_path, examples):
    def nest(d):
        d["boards"][0]["boards"] = [
            {
                "id": "sub",
                "name": "子",
                "points": 10,
                "indicators": [{"id": "x", "name": "X", "method": "raw"}],
            }
        ]

    [error] = refusal(write(tmp_path, examples, nest))
    assert (error.where.path, error.code) == (
        "boards[0].boards[0].points",
        "scheme.sub_board_has_points",
    )


def test_a_flag_that_tries_to_call_python_is_refused(tmp_path, examples):
    path = write(
        tmp_path, examples, lambda d: d["flags"][0].update(when="__import__('os').system('id')")
    )
    [error] = refusal(path)
    assert error.where.path == "flags[0].when" and error.code.startswith("expression.")


def test_a_flag_naming_an_unknown_variable_is_refused(tmp_path, examples):
    path = write(tmp_path, examples, lambda d: d["flags"][1].update(when="rank_chnge >= 2"))
    [error] = refusal(path)
    assert error.where.path == "flags[1].when"
    assert (error.code, error.params["names"]) == ("expression.unknown_variable", ["rank_chnge"])


def test_several_problems_are_reported_together(tmp_path, examples):
    def spoil(d):
        d["boards"][0]["indicators"][0]["weight"] = -1
        d["boards"][1]["indicators"][0]["params"] = {"cap": "lots"}
        d["boards"][1]["indicators"][1]["colour"] = "red"

    errors = at(refusal(write(tmp_path, examples, spoil)))
    assert errors["boards[0].indicators[0].weight"].code == "scheme.not_greater_than"
    assert errors["boards[1].indicators[1].colour"].code == "scheme.unknown_key"


def test_method_parameters_are_checked_against_the_method(tmp_path, examples):
    path = write(
        tmp_path,
        examples,
        lambda d: d["boards"][1]["indicators"][0].update(params={"cap": "x", "top": 3}),
    )
    errors = at(refusal(path))
    assert errors["boards[1].indicators[0].params.cap"].code == "scheme.not_a_number"
    assert errors["boards[1].indicators[0].params.top"].code == "scheme.unknown_key"


def test_ids_must_be_unique_across_the_whole_scheme(tmp_path, examples):
    path = write(tmp_path, examples, lambda d: d["adjustments"][0].update(id="economy"))
    [error] = refusal(path)
    assert error.where.path == "adjustments[0].id" and error.params["first"] == "boards[0].id"


def test_tie_break_names_a_top_level_board(tmp_path, examples):
    [error] = refusal(write(tmp_path, examples, lambda d: d.update(tie_break=["nowhere"])))
    assert error.where.path == "tie_break[0]"


def test_bands_need_thresholds(tmp_path, examples):
    path = write(
        tmp_path, examples, lambda d: d["boards"][0]["indicators"][0].update(method="bands")
    )
    [error] = refusal(path)
    assert error.where.path.endswith("params.thresholds") and error.code == "scheme.required"


def test_a_board_without_children_is_refused(tmp_path, examples):
    [error] = refusal(write(tmp_path, examples, lambda d: d["boards"][1].update(indicators=[])))
    assert (error.where.path, error.code) == ("boards[1]", "scheme.empty_board")


def test_yaml_syntax_errors_name_the_line():
    with pytest.raises(SchemeError) as caught:
        parse_scheme("id: [unclosed\n", source="bad.yaml")
    [error] = caught.value.problems
    assert (error.code, error.where.file, error.where.line) == ("scheme.yaml_syntax", "bad.yaml", 2)


def test_a_missing_file_is_a_scheme_error(tmp_path):
    with pytest.raises(SchemeError) as caught:
        load_scheme(tmp_path / "none.yaml")
    assert caught.value.problems[0].code == "file.cannot_read"


def test_defaults_fill_indicators_that_omit_method_and_missing():
    scheme = parse_scheme(
        "id: d\nname: D\nversion: 2\nunits: [{id: a, name: A}]\ndefaults: {method: zscore, missing: exclude}\n"
        "boards: [{id: b, name: B, points: 100, indicators: [{id: i, name: I, direction: lower}]}]\n"
    )
    assert scheme.resolved(scheme.all_indicators()[0]) == ("zscore", "lower", "exclude")


def test_the_scheme_is_frozen():
    scheme = parse_scheme(
        "id: d\nname: D\nversion: 1\nunits: [{id: a, name: A}]\n"
        "boards: [{id: b, name: B, points: 100, indicators: [{id: i, name: I}]}]\n"
    )
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen-instance error
        scheme.units[0].name = "B"  # type: ignore[misc]


def test_defaults_say_only_what_the_spec_lists():
    with pytest.raises(SchemeError) as caught:
        parse_scheme(
            "id: d\nname: D\nversion: 1\nunits: [{id: a, name: A}]\ndefaults: {direction: lower}\n"
            "boards: [{id: b, name: B, points: 100, indicators: [{id: i, name: I}]}]\n"
        )
    [error] = caught.value.problems
    assert (error.where.path, error.code) == ("defaults.direction", "scheme.unknown_key")


FINITE = """id: f
name: F
version: 1
units: [{id: a, name: A}]
boards:
  - id: b
    name: B
    points: %s
    indicators:
      - {id: i, name: I, method: target, params: {cap: %s}, range: [%s]}
"""


@pytest.mark.parametrize(
    ("points", "cap", "span", "path", "line"),
    [
        ("1e309", "120", "0, 100", "boards[0].points", 8),
        (".inf", "120", "0, 100", "boards[0].points", 8),
        ("100", ".nan", "0, 100", "boards[0].indicators[0].params.cap", 10),
        ("100", "120", "-.inf, 100", "boards[0].indicators[0].range[0]", 10),
    ],
)
def test_every_number_of_a_scheme_is_finite(points, cap, span, path, line):
    with pytest.raises(SchemeError) as caught:
        parse_scheme(FINITE % (points, cap, span), source="f.yaml")
    [error] = caught.value.problems
    assert (error.code, error.where.path, error.where.line) == ("scheme.not_finite", path, line)


def test_a_range_whose_minimum_is_above_its_maximum_is_refused():
    with pytest.raises(SchemeError) as caught:
        parse_scheme(FINITE % ("100", "120", "100, 0"), source="f.yaml")
    [error] = caught.value.problems
    assert error.code == "scheme.range_reversed"
    assert error.where.path == "boards[0].indicators[0].range"
    assert dict(error.params) == {"min": "100", "max": "0"}


@pytest.mark.parametrize(
    "text", ["[" * 3000 + "]" * 3000, "a: " + "{b: " * 5000 + "1" + "}" * 5000]
)
def test_deep_yaml_is_a_located_problem_not_a_recursion_error(text):
    with pytest.raises(SchemeError) as caught:
        parse_scheme(text, source="deep.yaml")
    [error] = caught.value.problems
    assert (error.code, error.where.file, error.where.line) == ("scheme.too_deep", "deep.yaml", 1)


@pytest.mark.parametrize(
    "when",
    [
        "(" * 3000 + "rank" + ")" * 3000,
        "not " * 5000 + "vetoed",
        "-" * 1500 + "rank > 1",
        " + ".join(["rank"] * 400) + " > 1",
    ],
)
def test_deep_or_long_expressions_are_located_problems(when):
    text = (FINITE % ("100", "120", "0, 100")).replace("method: target, params: {cap: 120}, ", "")
    text += f"flags:\n  - {{id: x, name: X, when: '{when}'}}\n"
    with pytest.raises(SchemeError) as caught:
        parse_scheme(text, source="f.yaml")
    [error] = caught.value.problems
    assert error.code in ("expression.too_deep", "expression.too_long")
    assert (error.where.path, error.where.line) == ("flags[0].when", 12)


def test_libyaml_reads_the_scheme_and_pure_yaml_says_where_it_is_wrong(monkeypatch, examples):
    from leitai.engine import scheme as module

    text = (examples / "case1" / "scheme.yaml").read_text(encoding="utf-8")
    fast = parse_scheme(text)
    monkeypatch.setattr(module, "FAST_LOADER", yaml.SafeLoader)
    assert parse_scheme(text).model_dump() == fast.model_dump()
    bad = "id: x\nname: [unclosed\nversion: 1\n"
    errors = []
    for loader in (yaml.SafeLoader, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        monkeypatch.setattr(module, "FAST_LOADER", loader)
        with pytest.raises(SchemeError) as caught:
            parse_scheme(bad, source="bad.yaml")
        errors.append(caught.value.problems)
    assert errors[0] == errors[1]
    deep = "a: " + "[" * 60 + "]" * 60 + "\n"
    with pytest.raises(SchemeError) as caught:
        parse_scheme(deep, source="deep.yaml")
    assert caught.value.problems[0].code == "scheme.too_deep"


def test_an_indicator_carries_its_definition_source_department_and_contact(tmp_path, examples):
    notes = {
        "definition": "按不变价计算的累计同比增速。",
        "source": "统计联网直报平台",
        "department": "市统计局",
        "contact": "综合处 0532-0000-0001",
    }
    path = write(tmp_path, examples, lambda d: d["boards"][0]["indicators"][0].update(notes))
    first, second = list(load_scheme(path).all_indicators())[:2]
    assert first.notes == notes and first.definition == notes["definition"]
    assert second.notes == {} and second.definition is None


def test_over_long_or_empty_definitions_are_located_problems(tmp_path, examples):
    from leitai.engine.scheme import DEFINITION_MAX, NOTE_MAX

    def change(d):
        d["boards"][0]["indicators"][0]["definition"] = "口" * (DEFINITION_MAX + 1)
        d["boards"][0]["indicators"][1]["contact"] = "电" * (NOTE_MAX + 1)
        d["boards"][1]["indicators"][0]["department"] = ""
        d["boards"][1]["indicators"][0]["source"] = ["not", "text"]

    found = at(refusal(write(tmp_path, examples, change)))
    assert found["boards[0].indicators[0].definition"].code == "scheme.text_too_long"
    assert found["boards[0].indicators[0].definition"].params["max_length"] == DEFINITION_MAX
    assert found["boards[0].indicators[1].contact"].code == "scheme.text_too_long"
    assert found["boards[1].indicators[0].department"].code == "scheme.empty_text"
    assert found["boards[1].indicators[0].source"].code == "scheme.not_text"


def test_every_indicator_of_the_demo_schemes_has_a_definition():
    from leitai import demo

    folder = Path(demo.__file__).parent
    for path in sorted(folder.glob("scheme-2023-*.yaml")):
        for indicator in load_scheme(path).all_indicators():
            assert set(indicator.notes) == {"definition", "source", "department", "contact"}
            assert "示意" in indicator.definition, (path.name, indicator.id)
