"""``leitai targets``: the 双过半 progress board of targets in the terminal."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from leitai.cli.common import EXIT_OK, add_lang, console, fail, guarded, problem
from leitai.i18n.words import WordTable

COLOURS = {"green": "green", "yellow": "yellow", "red": "bold red", "unreported": "dim"}
# The board's words: English msgids under the context "cli targets".
WORDS = WordTable(
    "cli targets",
    {
        "title": "Target progress (double-half)",
        "green": "green",
        "yellow": "yellow",
        "red": "red",
        "unreported": "not reported",
        "achieved": "achieved",
        "missed": "missed",
        "pending": "pending",
    },
)
HEADERS = WordTable(
    "cli targets header",
    {
        "unit": "Unit",
        "target": "Target",
        "annual": "Annual",
        "actual": "Actual",
        "time": "Time",
        "task": "Task",
        "progress": "Progress",
        "status": "Status",
        "double_half": "Double-half",
        "projected": "Projected",
    },
)


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("targets", help="目标任务进度与三色预警 / target progress board")
    p.add_argument("targets", nargs="?", help="目标表 CSV/XLSX / targets table")
    p.add_argument("actuals", nargs="?", help="完成情况 CSV/XLSX / reported actuals")
    p.add_argument("--as-of", help="截至日期 YYYY-MM-DD（默认今天）/ date, default today")
    p.add_argument(
        "--margin", type=float, default=5.0, help="黄色预警幅度（百分点）/ yellow margin in points"
    )
    p.add_argument("--unit", action="append", help="只看该单位（可重复）/ only this unit")
    p.add_argument(
        "--status",
        choices=("green", "yellow", "red", "unreported"),
        help="只看该颜色 / only this colour",
    )
    p.add_argument("--demo", action="store_true", help="内置示例目标 / the demo's targets")
    p.add_argument("--format", choices=("table", "csv"), default="table")
    add_lang(p)
    p.set_defaults(handler=run_targets)


def _bar(progress: float | None, time: float | None, width: int = 20) -> str:
    """A text progress bar with a marker at time progress."""
    if progress is None:
        return ""
    filled = max(0, min(width, round(progress / 100 * width)))
    cells = ["█"] * filled + ["░"] * (width - filled)
    if time is not None:
        cells[max(0, min(width - 1, round(time / 100 * width) - 1))] = "│"
    return "".join(cells)


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}%"


@guarded
def run_targets(args: argparse.Namespace) -> int:
    from leitai.engine.targets import progress_table
    from leitai.io.targets import read_actuals, read_demo, read_targets

    if args.demo:
        targets, actuals = read_demo()
    elif args.targets and args.actuals:
        targets = read_targets(args.targets)
        actuals = read_actuals(args.actuals, targets=targets)
    else:
        return fail(problem("cli.targets_need_files"), args.lang)
    try:
        as_of = dt.date.fromisoformat(args.as_of) if args.as_of else dt.date.today()
    except ValueError:
        return fail(problem("cli.as_of", found=args.as_of), args.lang)
    rows = progress_table(targets, actuals, as_of=as_of, margin=args.margin, units=args.unit)
    if args.status:
        rows = [r for r in rows if r["status"] == args.status]
    lang = args.lang
    if args.format == "csv":
        from leitai.io.export import write_csv

        fields = list(rows[0]) if rows else ["unit"]
        write_csv(sys.stdout, ([row.get(f) for f in fields] for row in rows), header=fields)
        return EXIT_OK
    from rich.table import Table

    title = WORDS("title", lang)
    table = Table(
        title=f"{title} · {as_of.isoformat()}",
        title_style="bold red",
        header_style="bold white on red",
    )
    for i, key in enumerate(HEADERS.msgids):
        table.add_column(HEADERS(key, lang), justify="right" if 2 <= i <= 5 or i == 9 else "left")
    for row in rows:
        status = row["status"]
        table.add_row(
            row["unit"],
            row["name"],
            f"{row['target_value']:g}{row['unit_of_measure'] or ''}",
            "" if row["actual"] is None else f"{row['actual']:g}",
            _pct(row["time_progress"]),
            _pct(row["task_progress"]),
            _bar(row["task_progress"], row["expected_progress"]),
            f"[{COLOURS[status]}]● {WORDS(status, lang)}[/]",
            WORDS(row["double_half"], lang)
            if row["double_half"] in WORDS
            else row["double_half"] or "",
            "" if row["projected"] is None else f"{row['projected']:.4g}",
        )
    console().print(table)
    return EXIT_OK
