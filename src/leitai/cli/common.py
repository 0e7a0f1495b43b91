"""What the command modules share: language option, error reporting, output."""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from typing import Any

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def add_lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", choices=("zh", "en"), default="zh", help="输出语言 / output language"
    )


def fail(errors: list[str] | str) -> int:
    """Print located errors on stderr; returns the bad-input exit code."""
    for line in [errors] if isinstance(errors, str) else errors:
        print(f"error: {line}", file=sys.stderr)
    return EXIT_BAD_INPUT


def guarded(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn leitai's input errors into exit code 2 with the messages on stderr."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        from leitai.engine import LeitaiError

        try:
            return handler(args)
        except LeitaiError as exc:
            return fail(exc.errors)
        except OSError as exc:
            return fail(f"{getattr(exc, 'filename', '') or ''}: {exc.strerror or exc}")

    return run


def console(*, stderr: bool = False) -> Any:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    # Wide enough for a league table when the output goes to a file or a pipe.
    return Console(file=stream, width=None if stream.isatty() else 160, highlight=False)
