"""mypy over the whole package, with the Django and pydantic plugins (pyproject's [tool.mypy]).

The check runs mypy in a subprocess from the project root, so it reads the project's
configuration and keeps its cache in ``.mypy_cache`` (git-ignored): about 25 s of CPU on
a fresh clone, a few seconds once the cache is warm.

``NOT_YET_CHECKED`` lists the files other branches were rewriting while the package was
first made clean (issue 15); their errors are left to be fixed once those branches are
merged, and the list is to shrink to nothing. Every other file must have no error.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.conftest import ROOT

NOT_YET_CHECKED = ("src/leitai/web/workflow/",)

# "path:line: error: message  [code]", as mypy prints with its default options.
ERROR = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+): error: (?P<message>.*)$", re.MULTILINE)
SUMMARY = re.compile(r"^(Success: no issues found|Found \d+ errors? in \d+ files?) ", re.MULTILINE)


def mypy_errors(output: str) -> list[tuple[str, str]]:
    """(path, the whole line) of every error in mypy's output, paths with forward slashes."""
    return [(m["path"].replace("\\", "/"), m[0]) for m in ERROR.finditer(output)]


def checked(errors: list[tuple[str, str]]) -> list[str]:
    """The error lines of files outside NOT_YET_CHECKED."""
    return [line for path, line in errors if not path.startswith(NOT_YET_CHECKED)]


def test_the_filter_keeps_errors_outside_the_list_and_drops_those_inside() -> None:
    output = (
        "src/leitai/web/workflow/views.py:12: error: Bad  [arg-type]\n"
        "src/leitai/web/boards/api.py:3: error: Worse  [union-attr]\n"
        "src/leitai/web/boards/api.py:4: note: Only a note\n"
        "src/leitai/web/workflow/tables.py:7: error: Inside the folder  [misc]\n"
        "src/leitai/web/workflow_extra.py:7: error: Not the workflow folder  [misc]\n"
        "Found 4 errors in 4 files (checked 3 source files)\n"
    )
    assert checked(mypy_errors(output)) == [
        "src/leitai/web/boards/api.py:3: error: Worse  [union-attr]",
        "src/leitai/web/workflow_extra.py:7: error: Not the workflow folder  [misc]",
    ]


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
    # 0: clean, 1: errors were found; anything else (2) is a crash or a bad configuration.
    assert done.returncode in (0, 1), output
    assert SUMMARY.search(output), output
    errors = mypy_errors(output)
    assert (done.returncode == 0) == (not errors), output
    assert checked(errors) == [], "\n".join(checked(errors))
