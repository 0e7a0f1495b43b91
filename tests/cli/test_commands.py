"""The command line loads only what the command it runs needs."""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys

from leitai.cli import COMMAND_MODULES, COMMANDS, build_parser


def test_each_command_is_found_in_the_module_that_registers_it():
    registered = {}
    for module in COMMAND_MODULES:
        subparsers = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(f"leitai.cli.{module}").register(subparsers)
        registered |= dict.fromkeys(subparsers.choices, module)
    assert registered == COMMANDS
    everything = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert set(everything) == set(COMMANDS)


def test_a_command_builds_the_parsers_of_its_module_only():
    parser = build_parser("validate")
    choices = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert set(choices) == {"assess", "validate", "template", "demo"}
    args = parser.parse_args(["validate", "s.yaml", "d.csv"])
    assert args.handler.__name__ == "run_validate" and args.data == "d.csv"
    assert set(build_parser("--help")._subparsers._group_actions[0].choices) == set(COMMANDS)  # type: ignore[union-attr]


HEAVY = ("django", "matplotlib", "pptx", "docx", "openpyxl", "rich", "scipy", "pandas")
CHILD = """
import json, sys
from leitai.cli import main
code = main(sys.argv[1:])
print(json.dumps([code, sorted({m.split(".")[0] for m in sys.modules})]))
"""


def test_assess_from_csv_to_json_or_csv_imports_no_heavy_library(examples, tmp_path):
    case = examples / "case1"
    for fmt in ("json", "csv"):
        done = subprocess.run(
            [sys.executable, "-c", CHILD, "assess", str(case / "scheme.yaml"),
             str(case / "data.csv"), "--format", fmt, "-o", str(tmp_path / f"out.{fmt}")],
            capture_output=True, text=True, encoding="utf-8", check=True,
        )  # fmt: skip
        code, modules = json.loads(done.stdout.strip().splitlines()[-1])
        assert code == 0
        assert not set(HEAVY) & set(modules), set(HEAVY) & set(modules)
        assert "numpy" in modules and "leitai" in modules
