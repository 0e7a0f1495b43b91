"""``leitai assess``, ``validate``, ``template`` and ``demo``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leitai.cli.common import (
    EXIT_OK,
    add_from,
    add_lang,
    console,
    fail,
    guarded,
    other_results,
    problem,
)
from leitai.i18n.words import arrow, label

if TYPE_CHECKING:
    from leitai.engine import Result
    from leitai.engine.display import Shown, ShownScores

FORMATS = ("table", "json", "csv", "xlsx")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("assess", help="计算一期考核结果 / assess one period")
    p.add_argument("scheme", help="考核办法 YAML / scheme file")
    p.add_argument("data", help="数据表 CSV/XLSX / data table")
    p.add_argument("--previous", help="上期结果 JSON 或 unit,rank CSV / previous result")
    p.add_argument("--period", help="考核期，如 2023Q1 / period label")
    add_from(p)
    _add_output(p)
    p.set_defaults(handler=run_assess)

    p = subparsers.add_parser("validate", help="校验考核办法与数据 / check a scheme (and data)")
    p.add_argument("scheme")
    p.add_argument("data", nargs="?")
    add_lang(p)
    p.set_defaults(handler=run_validate)

    p = subparsers.add_parser(
        "template", help="生成数据填报模板 / write a data-collection workbook"
    )
    p.add_argument("scheme")
    p.add_argument("-o", "--output", required=True, help="输出 .xlsx 文件 / output workbook")
    p.add_argument(
        "--unit", action="append", help="只含该单位（可重复）/ only this unit (repeatable)"
    )
    p.add_argument("--period", help="考核期 / period label")
    add_lang(p)
    p.set_defaults(handler=run_template)

    p = subparsers.add_parser("demo", help="运行内置示例（青岛2023）/ run the bundled demo")
    p.add_argument("--period", help="考核期，默认最新一期 / period, default the latest")
    p.add_argument(
        "--out-dir",
        default=None,
        help="另存各期结果（JSON）和成绩册的目录；不给则不写文件 / "
        "a folder for every period's result and the book; none: no files written",
    )
    _add_output(p)
    p.set_defaults(handler=run_demo)


def _add_output(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=FORMATS, default="table", help="输出格式 / output format")
    p.add_argument("-o", "--output", help="输出文件（默认标准输出）/ output file (default stdout)")
    add_lang(p)


def league_table_text(result: Result, lang: str = "zh") -> Any:
    """The league table as a rich Table: rank, unit, composite, change, flags, ★ per board, grade."""
    from rich.table import Table

    from leitai.engine.display import shown_scores

    scheme = result.scheme
    period = f" {result.period}" if result.period else ""
    table = Table(
        title=f"{scheme.name}{period}\n{label('title', lang)}",
        title_style="bold red",
        header_style="bold white on red",
        show_lines=False,
    )
    table.add_column(label("rank", lang), justify="right")
    table.add_column(label("unit", lang))
    table.add_column(label("score", lang), justify="right")
    table.add_column(label("change", lang), justify="center")
    for board in scheme.boards:
        table.add_column(f"{board.name}★", justify="right")
    table.add_column(label("flags", lang), style="bold red")
    table.add_column(label("grade", lang), justify="center")
    if result.grouped:
        table.add_column(label("rank_all", lang), justify="right")
    shown = shown_scores(result.to_dict()["results"])
    group: Any = object()
    for row in result.league_table():
        if result.grouped and row["group"] != group:
            # One section per group (spec section 10): its name, then its units by rank.
            group = row["group"]
            if table.row_count:
                table.add_section()
            table.add_row("", f"[bold]{row['group_name']}[/]")
        table.add_row(*_league_cells(row, scheme, shown, lang, grouped=result.grouped))
    if shown.extended:
        table.caption = label("ties_note", lang)
    return table


def _league_cells(
    row: dict[str, Any], scheme: Any, shown: ShownScores, lang: str, *, grouped: bool
) -> list[str]:
    """A unit's cells of the league table text."""
    change = row["rank_change"]
    colour = "green" if change and change > 0 else "red" if change and change < 0 else ""
    grade = row["grade"] or ""
    if row["vetoed"]:
        grade += f" ({label('vetoed', lang)})"
    cells = [
        str(row["rank"]),
        row["name"],
        _shown_text(shown.composite[row["unit"]]),
        f"[{colour}]{arrow(change, lang)}[/]" if colour else arrow(change, lang),
        *[_stars_text(row, b.id, shown) for b in scheme.boards],
        "🚩" + " 🚩".join(row["flag_names"]) if row["flag_names"] else "",
        grade,
    ]
    return [*cells, str(row["rank_all"])] if grouped else cells


def _shown_text(shown: Shown) -> str:
    return shown.text + ("※" if shown.tie_break else "")


def _stars_text(row: dict[str, Any], board: str, shown: ShownScores) -> str:
    """A board's stars; with the board score, to the decimals that decided, where another
    unit's score prints alike but won a different number of stars."""
    stars = f"{row[f'stars_{board}']}★"
    cell = shown.boards[board][row["unit"]]
    if cell.extended or cell.tie_break:
        return f"{stars} {_shown_text(cell)}"
    return stars


def league_csv(result: Result, lang: str = "zh") -> str:
    """The league table as CSV text, one row per unit, top-level board scores and stars."""
    from leitai.io.export import csv_text

    boards = result.scheme.boards
    header = (
        ["rank", "unit", "name", "score", "prev_rank", "rank_change", "group", "rank_all"]
        + [f"score_{b.id}" for b in boards]
        + [f"stars_{b.id}" for b in boards]
        + ["vetoed", "flags", "grade"]
    )
    rows = []
    for row in result.league_table():
        rows.append(
            [
                row["rank"],
                row["unit"],
                row["name"],
                repr(row["score"]),
                row["prev_rank"] or "",
                "" if row["rank_change"] is None else row["rank_change"],
                row["group"] or "",
                row["rank_all"],
            ]
            + [repr(row[f"score_{b.id}"]) for b in boards]
            + [row[f"stars_{b.id}"] for b in boards]
            + [str(row["vetoed"]).lower(), ";".join(row["flags"]), row["grade"] or ""]
        )
    return csv_text(rows, header=header)


def emit(result: Result, args: argparse.Namespace, *, default_book: Path) -> Path | None:
    """Write ``result`` in the requested format; returns the path of a written file."""
    fmt, lang, output = args.format, args.lang, args.output
    if fmt == "xlsx":
        from leitai.reports.book import write_result_book

        path = Path(output) if output else default_book
        path.parent.mkdir(parents=True, exist_ok=True)
        write_result_book(result, path, lang=lang)
        return path
    if fmt == "json":
        if output:
            with open(output, "wb") as handle:  # a unit at a time, bytes straight to the file
                result.write_json(handle)
            return Path(output)
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            sys.stdout.write(result.to_json() + "\n")
        else:
            sys.stdout.flush()
            result.write_json(buffer)
            buffer.flush()
        return None
    if fmt == "csv":
        text = league_csv(result, lang)
    else:
        if output:
            from rich.console import Console

            with open(output, "w", encoding="utf-8") as handle:
                Console(file=handle, width=160).print(league_table_text(result, lang))
            return Path(output)
        console().print(league_table_text(result, lang))
        return None
    if output:
        Path(output).write_text(text, encoding="utf-8")
        return Path(output)
    sys.stdout.write(text)
    return None


@guarded
def run_assess(args: argparse.Namespace) -> int:
    from leitai.engine import assess, load_scheme
    from leitai.io import read_previous, read_table

    scheme = load_scheme(args.scheme)
    others = other_results(args.others, args.from_schemes)
    data = read_table(args.data, scheme)
    previous = read_previous(args.previous) if args.previous else None
    result = assess(scheme, data, previous=previous, period=args.period, others=others)
    name = f"{scheme.id}-{args.period}.xlsx" if args.period else f"{scheme.id}.xlsx"
    written = emit(result, args, default_book=Path(name))
    if written is not None:
        print(
            f"{label('book_written' if args.format == 'xlsx' else 'results_written', args.lang)}: {written}",
            file=sys.stderr,
        )
    return EXIT_OK


@guarded
def run_validate(args: argparse.Namespace) -> int:
    from leitai.engine import load_scheme
    from leitai.io import read_table

    scheme = load_scheme(args.scheme)
    message = f"{label('valid', args.lang)}: {args.scheme} ({scheme.id} v{scheme.version}"
    message += f", {len(scheme.units)} {label('unit', args.lang)}, {len(scheme.all_indicators())} "
    message += f"{label('indicator', args.lang)})"
    if args.data:
        read_table(args.data, scheme)
        message += f"; {args.data}"
    print(message)
    if scheme.from_periods:
        # Spec section 11: validate names every period whose result the scheme needs.
        print(f"{label('needs_periods', args.lang)}: {', '.join(scheme.from_periods)}")
    return EXIT_OK


@guarded
def run_template(args: argparse.Namespace) -> int:
    from leitai.engine import load_scheme
    from leitai.io import write_template

    scheme = load_scheme(args.scheme)
    if args.unit:
        unknown = [u for u in args.unit if u not in scheme.unit_ids]
        if unknown:
            return fail(
                problem("cli.unknown_unit", units=unknown, expected=scheme.unit_ids), args.lang
            )
    if not args.output.lower().endswith(".xlsx"):
        return fail(problem("cli.output_suffix", output=args.output, suffix=".xlsx"), args.lang)
    write_template(scheme, args.output, units=args.unit, period=args.period, lang=args.lang)
    print(f"{label('template_written', args.lang)}: {args.output}")
    return EXIT_OK


@guarded
def run_demo(args: argparse.Namespace) -> int:
    from leitai.demo import assess_demo, demo_periods

    periods = [p.period for p in demo_periods()]
    period = args.period or periods[-1]
    if period not in periods:
        return fail(problem("cli.unknown_period", period=period, periods=periods), args.lang)
    results = assess_demo()
    result = results[period]
    if args.format == "xlsx" and not (args.output or args.out_dir):
        return fail(problem("cli.output_needed", format="xlsx"), args.lang)
    # Files only where asked for: -o for the output, --out-dir for every period's result.
    book = None
    if args.out_dir:
        out_dir = Path(args.out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, each in results.items():
            (out_dir / f"{name}.json").write_text(each.to_json() + "\n", encoding="utf-8")
        from leitai.reports.book import write_result_book

        book = out_dir / f"{period}.xlsx"
        write_result_book(result, book, lang=args.lang)
    written = emit(result, args, default_book=book or Path(f"{period}.xlsx"))
    notes = [f"{label('results_written', args.lang)}: {book.parent.resolve()}"] if book else []
    if written is not None and written != book:
        notes.append(str(written))
    machine_readable = args.format in ("json", "csv") and not args.output
    if notes:
        print(" ; ".join(notes), file=sys.stderr if machine_readable else sys.stdout)
    return EXIT_OK
