"""What the command modules share: language option, error reporting, output."""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from leitai.engine.problems import Problem

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def add_lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", choices=("zh", "en"), default="zh", help="输出语言 / output language"
    )


def add_from(parser: argparse.ArgumentParser) -> None:
    """``--from PERIOD=RESULT.json`` (repeatable): other periods' results (spec section 11)."""
    parser.add_argument(
        "--from",
        dest="others",
        action="append",
        default=[],
        metavar="PERIOD=RESULT.json",
        help="其他考核期的结果（可重复）/ another period's result for from: indicators",
    )


def other_results(given: Iterable[str]) -> dict[str, Any]:
    """``--from`` options read into period id -> JSON result.

    Raises
    ------
    DataError
        ``cli.from_syntax`` for an option without ``=``; the reader's problems for a
        file that is not a result.
    """
    from leitai.engine import DataError
    from leitai.io import read_result

    others: dict[str, Any] = {}
    for option in given:
        period, _, path = option.partition("=")
        if not period.strip() or not path.strip():
            raise DataError(problem("cli.from_syntax", found=option))
        others[period.strip()] = read_result(path.strip())
    return others


def problem(code: str, **params: Any) -> Problem:
    """A problem of the command line itself (an option's value), unlocated."""
    from leitai.engine.problems import Problem, Where

    return Problem(code, Where(), params)


def fail(problems: Problem | Iterable[Problem], lang: str = "zh") -> int:
    """Print each problem on stderr in ``lang``; returns the bad-input exit code."""
    from leitai.engine.problems import Problem
    from leitai.i18n import render, translator

    if isinstance(problems, str):
        raise TypeError("fail() takes Problem objects (leitai.cli.common.problem), not text")
    _ = translator(lang)
    prefix = _("error: ")
    for item in [problems] if isinstance(problems, Problem) else problems:
        print(f"{prefix}{render(item, _)}", file=sys.stderr)
    return EXIT_BAD_INPUT


def guarded(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn leitai's input errors into exit code 2 with the problems on stderr."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        from leitai.engine import LeitaiError
        from leitai.engine.problems import Problem, Where

        lang = getattr(args, "lang", "zh")
        try:
            return handler(args)
        except LeitaiError as exc:
            return fail(exc.problems, lang)
        except OSError as exc:
            where = Where(file=str(getattr(exc, "filename", "") or "") or None)
            return fail(Problem("file.cannot_read", where, {"reason": exc.strerror or ""}), lang)

    return run


def console(*, stderr: bool = False) -> Any:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # Wide enough for a league table when the output goes to a file or a pipe.
    return Console(file=stream, width=None if stream.isatty() else 160, highlight=False)
