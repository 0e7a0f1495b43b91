"""The spec's worked examples, through the command line, as the contract says."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from leitai.cli import main


def assert_same(actual: object, expected: object, path: str = "") -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), path
        assert list(actual) == list(expected) or set(actual) == set(expected), (
            f"{path}: keys differ"
        )
        for key in expected:
            assert_same(actual[key], expected[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), path
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_same(a, e, f"{path}[{i}]")
    elif isinstance(expected, bool) or expected is None or isinstance(expected, str):
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"
    else:
        assert isinstance(actual, int | float) and not isinstance(actual, bool), path
        assert math.isclose(actual, expected, rel_tol=0, abs_tol=1e-6), (
            f"{path}: {actual} != {expected}"
        )


CASES = ["case1", "case2", "case3", "case4", "case5", "case6", "case7"]


def example_argv(folder: Path) -> list[str]:
    """The command of a worked example: its period is the expected result's; the results
    of other periods (spec section 11) are the files ``from/<period>.json``."""
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    argv = ["assess", str(folder / "scheme.yaml"), str(folder / "data.csv")]
    argv += ["--period", expected["period"]]
    if (folder / "previous.csv").exists():
        argv += ["--previous", str(folder / "previous.csv")]
    for other in sorted((folder / "from").glob("*.json")):
        argv += ["--from", f"{other.stem}={other}"]
    return argv


@pytest.mark.parametrize("case", CASES)
def test_assess_json_equals_the_expected_result_of_each_worked_example(case, examples, capsys):
    folder: Path = examples / case
    assert main([*example_argv(folder), "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert_same(json.loads(out), json.loads((folder / "expected.json").read_text(encoding="utf-8")))


def test_case1_hand_check_of_the_first_unit(examples, capsys):
    folder = examples / "case1"
    main(
        [
            "assess",
            str(folder / "scheme.yaml"),
            str(folder / "data.csv"),
            "--format",
            "json",
            "--previous",
            str(folder / "previous.csv"),
        ]
    )
    first = json.loads(capsys.readouterr().out)["results"][0]
    # economy 60 x 82.75 / 100 + projects 40 x 100 / 100 + satisfaction bonus 1.5
    assert first["name"] == "甲区"
    assert first["score"] == pytest.approx(
        60 * first["boards"]["economy"]["score"] / 100 + 40 + 1.5
    )
    assert first["score"] == pytest.approx(91.15, abs=0.005)
