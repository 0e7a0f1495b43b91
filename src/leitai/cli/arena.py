"""``leitai arena``: the arena deck (擂台 PPTX) from a result, without the web application."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from leitai.cli.common import EXIT_OK, add_lang, fail, guarded, problem


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("arena", help="生成擂台演示文稿 PPTX / write the arena deck")
    p.add_argument(
        "result",
        nargs="?",
        help="本期结果 JSON（leitai assess --format json）/ the period's result",
    )
    p.add_argument("-o", "--output", required=True, help="输出 .pptx / output deck")
    p.add_argument("--targets", help="目标表 CSV/XLSX / targets table")
    p.add_argument("--actuals", help="目标完成情况 CSV/XLSX / reported actuals")
    p.add_argument("--scheme", help="考核办法 YAML（板块、指标名称）/ scheme, for names")
    p.add_argument("--previous", help="上期结果 JSON（星级变化）/ previous result, for stars lost")
    p.add_argument("--session", help="擂台设置 YAML（日期、主题、顺序）/ session settings")
    p.add_argument("--order", choices=("rank", "reverse"), help="出场顺序 / speaking order")
    p.add_argument(
        "--demo",
        action="store_true",
        help="内置示例：2023-05-27 擂台 / the demo's 2023-05-27 arena",
    )
    add_lang(p)
    p.set_defaults(handler=run_arena)


def _read_json(path: str) -> dict[str, Any]:
    from leitai.engine import DataError
    from leitai.engine.problems import Problem, Where

    try:
        document = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except ValueError:
        raise DataError(Problem("previous.not_a_result", Where(file=path), {})) from None
    if not isinstance(document, dict) or not isinstance(document.get("results"), list):
        raise DataError(Problem("previous.not_a_result", Where(file=path), {}))
    return document


def _demo_inputs() -> dict[str, Any]:
    from leitai.demo import assess_demo, demo_dir, demo_periods
    from leitai.reports.arena import load_session

    session = load_session(demo_dir() / "arena.yaml")
    period = str(session.get("period", "2023Q1"))
    results = assess_demo(period)
    chosen = next(p for p in demo_periods() if p.period == period)
    return {
        "result": results[period].to_dict(),
        "previous": results[chosen.previous].to_dict() if chosen.previous else None,
        "scheme": results[period].scheme,
        "session": session,
    }


def _targets(args: argparse.Namespace) -> tuple[Any, Any] | None:
    """The targets and actuals files given on the command line, read."""
    from leitai.io.targets import read_actuals, read_targets

    if not args.targets:
        return None
    targets = read_targets(args.targets)
    return targets, read_actuals(args.actuals, targets=targets) if args.actuals else []


@guarded
def run_arena(args: argparse.Namespace) -> int:
    from leitai.engine import load_scheme
    from leitai.i18n import translator
    from leitai.reports.arena import (
        Session,
        arena_deck,
        load_session,
        session_targets,
        target_progress,
    )

    if not args.output.lower().endswith(".pptx"):
        return fail(problem("cli.output_suffix", output=args.output, suffix=".pptx"), args.lang)
    if args.demo:
        inputs = _demo_inputs()
    elif not args.result:
        return fail(problem("cli.arena_needs_result"), args.lang)
    else:
        inputs = {
            "result": _read_json(args.result),
            "previous": _read_json(args.previous) if args.previous else None,
            "scheme": load_scheme(args.scheme) if args.scheme else None,
            "session": load_session(args.session) if args.session else {},
        }
    settings = dict(inputs["session"])
    if args.order:
        settings["order"] = args.order
    tables = _targets(args)
    try:
        session = Session.from_mapping(settings)
        # Without --targets, the files the session names (as the demo's does).
        tables = tables if tables is not None else session_targets(settings)
        progress = as_of = None
        if tables is not None:
            targets, actuals = tables
            progress, as_of = target_progress(targets, actuals, session)
        arena_deck(
            inputs["result"],
            args.output,
            scheme=inputs["scheme"],
            progress=progress,
            as_of=as_of,
            previous=inputs["previous"],
            session=session,
            lang=args.lang,
        )
    except ValueError:
        # reports.arena words its own ValueError; kept for the log, not shown.
        return fail(problem("cli.arena_input", order=str(args.order or "")), args.lang)
    _ = translator(args.lang)
    print(_("Arena deck written to %(path)s") % {"path": args.output}, file=sys.stderr)
    return EXIT_OK
