"""Loading a scheme: every refusal names the file, the YAML path and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from leitai.engine import SchemeError, load_scheme, parse_scheme


def write(tmp_path: Path, examples: Path, change) -> Path:
    document = yaml.safe_load((examples / "case1" / "scheme.yaml").read_text(encoding="utf-8"))
    change(document)
    path = tmp_path / "scheme.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def refusal(path: Path) -> list[str]:
    with pytest.raises(SchemeError) as caught:
        load_scheme(path)
    assert all(str(path) in line for line in caught.value.errors)
    return caught.value.errors


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
    assert "boards[0].indicators[1].method" in error and "'magic'" in error and "efficacy" in error


def test_a_weight_that_is_not_a_number_is_refused(tmp_path, examples):
    path = write(tmp_path, examples, lambda d: d["boards"][0]["indicators"][0].update(weight="abc"))
    [error] = refusal(path)
    assert "boards[0].indicators[0].weight" in error and "number" in error and "'abc'" in error


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
    assert "boards[0].boards[0].points" in error and "weight, not points" in error


def test_a_flag_that_tries_to_call_python_is_refused(tmp_path, examples):
    path = write(
        tmp_path, examples, lambda d: d["flags"][0].update(when="__import__('os').system('id')")
    )
    [error] = refusal(path)
    assert "flags[0].when" in error


def test_a_flag_naming_an_unknown_variable_is_refused(tmp_path, examples):
    path = write(tmp_path, examples, lambda d: d["flags"][1].update(when="rank_chnge >= 2"))
    [error] = refusal(path)
    assert "flags[1].when" in error and "unknown variable 'rank_chnge'" in error


def test_several_problems_are_reported_together(tmp_path, examples):
    def spoil(d):
        d["boards"][0]["indicators"][0]["weight"] = -1
        d["boards"][1]["indicators"][0]["params"] = {"cap": "lots"}
        d["boards"][1]["indicators"][1]["colour"] = "red"

    errors = refusal(write(tmp_path, examples, spoil))
    text = "\n".join(errors)
    assert "boards[0].indicators[0].weight" in text
    assert "boards[1].indicators[1].colour: is not a recognised key here" in text
    assert len(errors) >= 2


def test_method_parameters_are_checked_against_the_method(tmp_path, examples):
    path = write(
        tmp_path,
        examples,
        lambda d: d["boards"][1]["indicators"][0].update(params={"cap": "x", "top": 3}),
    )
    text = "\n".join(refusal(path))
    assert (
        "boards[1].indicators[0].params.cap" in text
        and "boards[1].indicators[0].params.top" in text
    )


def test_ids_must_be_unique_across_the_whole_scheme(tmp_path, examples):
    path = write(tmp_path, examples, lambda d: d["adjustments"][0].update(id="economy"))
    [error] = refusal(path)
    assert "adjustments[0].id" in error and "boards[0].id" in error


def test_tie_break_names_a_top_level_board(tmp_path, examples):
    [error] = refusal(write(tmp_path, examples, lambda d: d.update(tie_break=["nowhere"])))
    assert "tie_break[0]" in error


def test_bands_need_thresholds(tmp_path, examples):
    path = write(
        tmp_path, examples, lambda d: d["boards"][0]["indicators"][0].update(method="bands")
    )
    [error] = refusal(path)
    assert "params.thresholds" in error and "required" in error


def test_a_board_without_children_is_refused(tmp_path, examples):
    [error] = refusal(write(tmp_path, examples, lambda d: d["boards"][1].update(indicators=[])))
    assert "boards[1]" in error and "at least one" in error


def test_yaml_syntax_errors_name_the_line():
    with pytest.raises(SchemeError) as caught:
        parse_scheme("id: [unclosed\n", source="bad.yaml")
    assert "bad.yaml: line" in str(caught.value)


def test_a_missing_file_is_a_scheme_error(tmp_path):
    with pytest.raises(SchemeError, match="cannot read"):
        load_scheme(tmp_path / "none.yaml")


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
    with pytest.raises(SchemeError, match=r"defaults\.direction: is not a recognised key here"):
        parse_scheme(
            "id: d\nname: D\nversion: 1\nunits: [{id: a, name: A}]\ndefaults: {direction: lower}\n"
            "boards: [{id: b, name: B, points: 100, indicators: [{id: i, name: I}]}]\n"
        )
