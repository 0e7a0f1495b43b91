"""The project's ruff configuration holds: lint (with complexity at most 15 and at most 50
statements a function, issue 15) and formatting, over the source, the tests and the
benchmarks."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

PATHS = ["src", "tests", "benchmarks"]


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    # The ruff of this environment (the test extra's), not another on the PATH.
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, *PATHS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module", autouse=True)
def _ruff_installed() -> None:
    pytest.importorskip("ruff")


def test_ruff_finds_nothing() -> None:
    done = _ruff("check", "--output-format", "concise")
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_file_is_formatted() -> None:
    done = _ruff("format", "--check")
    assert done.returncode == 0, done.stdout + done.stderr
