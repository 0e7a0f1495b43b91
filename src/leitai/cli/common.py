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
LISTED = 100  # problems printed; the rest are counted (as the web's pages do)


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
    parser.add_argument(
        "--from-scheme",
        dest="from_schemes",
        action="append",
        default=[],
        metavar="SCHEME.yaml",
        help="其他考核期所用的考核办法（可重复，按 sha256 对应；用于 value: stars 合计一级板块星级）"
        " / the scheme another period's result was assessed with (matched by sha256; tells "
        "which boards are top-level for value: stars)",
    )


def other_results(given: Iterable[str], schemes: Iterable[str] = ()) -> dict[str, Any]:
    """``--from`` options read into period id -> JSON result.

    The JSON of spec section 8 does not say which boards are top-level; a ``--from-scheme``
    file whose sha256 is the one a result names (``scheme.sha256``) says so, under
    ``scheme.boards``, so that ``value: stars`` can sum them. A result no such file
    matches keeps what it says (and ``value: stars`` of it is refused, never guessed).

    Raises
    ------
    DataError
        ``cli.from_syntax`` for an option without ``=``; the reader's problems for a
        file that is not a result or a scheme.
    """
    from leitai.engine import DataError, load_scheme
    from leitai.io import read_result

    top = {}
    for path in schemes:
        scheme = load_scheme(path)
        top[scheme.sha256] = [board.id for board in scheme.boards]
    others: dict[str, Any] = {}
    for option in given:
        period, _, path = option.partition("=")
        if not period.strip() or not path.strip():
            raise DataError(problem("cli.from_syntax", found=option))
        result = read_result(path.strip())
        named = result.get("scheme") if isinstance(result, dict) else None
        if isinstance(named, dict) and "boards" not in named and named.get("sha256") in top:
            result["scheme"] = {**named, "boards": top[named["sha256"]]}
        others[period.strip()] = result
    return others


def problem(code: str, **params: Any) -> Problem:
    """A problem of the command line itself (an option's value), unlocated."""
    from leitai.engine.problems import Problem, Where

    return Problem(code, Where(), params)


def fail(problems: Problem | Iterable[Problem], lang: str = "zh") -> int:
    """Print each problem on stderr in ``lang``; returns the bad-input exit code."""
    from leitai.engine.problems import Problem, Where
    from leitai.i18n import render, translator

    if isinstance(problems, str):
        raise TypeError("fail() takes Problem objects (leitai.cli.common.problem), not text")
    _ = translator(lang)
    prefix = _("error: ")
    items = [problems] if isinstance(problems, Problem) else list(problems)
    for item in items[:LISTED]:
        print(f"{prefix}{render(item, _)}", file=sys.stderr)
    if len(items) > LISTED:
        rest = Problem("cli.more_problems", Where(), {"count": len(items) - LISTED})
        print(render(rest, _), file=sys.stderr)
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
