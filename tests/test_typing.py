"""mypy over the whole package, with the Django and pydantic plugins (pyproject's [tool.mypy]).

The check runs mypy in a subprocess from the project root, so it reads the project's
configuration and keeps its cache in ``.mypy_cache`` (git-ignored): about 25 s of CPU on
a fresh clone, a few seconds once the cache is warm. Every file must have no error.
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def test_mypy_finds_no_error_in_the_package() -> None:
    env = {**os.environ, "LEITAI_SECRET_KEY": os.environ.get("LEITAI_SECRET_KEY") or "mypy"}
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "src/leitai"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = done.stdout + done.stderr
    # 0: clean; 1: errors were found; anything else (2) is a crash or a bad configuration.
    assert done.returncode == 0, output
    assert "Success: no issues found" in output, output
