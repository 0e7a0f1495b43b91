"""The ``leitai`` command: parses arguments and calls the layers below.

Each command module has ``register(subparsers)``; its handlers take the parsed
arguments and return the exit code: 0 on success, 2 on bad input (a message on
stderr and nothing on stdout). Heavy imports stay inside the handlers so that
the command starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from leitai import __version__

COMMAND_MODULES = (
    "assess",
    "serve",
    "worker",
    "arena",
    "targets",
    "analysis",
    "pledges",
    "verify",
    "backup",
    "notice",
    "weights",
    "panels",
    "plot",
)


# The module of each command, so that running one builds only its module's parsers and
# imports nothing else (tests/cli/test_commands.py checks it against what they register).
COMMANDS = {
    "assess": "assess",
    "validate": "assess",
    "template": "assess",
    "demo": "assess",
    "serve": "serve",
    "worker": "worker",
    "arena": "arena",
    "targets": "targets",
    "analyse": "analysis",
    "whatif": "analysis",
    "import-coinr": "analysis",
    "import-cointool": "analysis",
    "pledges": "pledges",
    "verify": "verify",
    "backup": "backup",
    "restore": "backup",
    "notice": "notice",
    "weights": "weights",
    "trends": "panels",
    "compare": "panels",
    "plot": "plot",
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command; for a known ``command``, of its module's commands only."""
    parser = argparse.ArgumentParser(
        prog="leitai",
        description="leitai（擂台）：摘星夺旗考核 — 考核办法、评分、星级、红旗、擂台与目标跟踪",
    )
    parser.add_argument("--version", action="version", version=f"leitai {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in [COMMANDS[command]] if command in COMMANDS else COMMAND_MODULES:
        try:
            module = importlib.import_module(f"leitai.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"leitai.cli.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    for stream in (sys.stdout, sys.stderr):  # Chinese output on any console
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    given = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(given[0] if given else None)
    args = parser.parse_args(given)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 0
    return int(args.handler(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
