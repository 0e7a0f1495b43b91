"""``leitai trends`` and ``leitai compare``: several results side by side
(docs/methods.md, section G)."""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any

from leitai.cli.common import EXIT_OK, add_lang, console, fail, guarded, problem
from leitai.i18n.words import WordTable, label

# The words of these commands: English msgids under the context "cli panels".
WORDS = WordTable(
    "cli panels",
    {
        "trends": "Trends of %(what)s (%(method)s)",
        "cagr": "CAGR",
        "change": "change per period",
        "latest": ", latest %(latest)s periods",
        "values": "indicator values",
        "scores": "indicator scores",
        "boards": "board scores",
        "composite": "the composite",
        "series": "Series",
        "first": "From",
        "last": "To",
        "trend": "Trend",
        "compare": "Two results compared: %(series)s",
        "before": "Before",
        "after": "After",
        "spearman": "Spearman correlation %(value)s",
        "pearson": "Pearson correlation %(value)s",
        "movers": "Units moving most: ",
        "column": "%(when)s %(what)s",
        "none": "—",
    },
)


def word(key: str, lang: str, **values: Any) -> str:
    """The word ``key`` in ``lang``, its parameters filled with ``values``."""
    return WORDS(key, lang, **values)


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "trends",
        help="多期结果的变化趋势（年均增长率、变化率）/ trends over periods (CAGR, change)",
    )
    p.add_argument(
        "results",
        nargs="+",
        metavar="[TIME=]RESULT.json",
        help="各期结果；时间默认取结果的考核期 / each period's result, with its time",
    )
    p.add_argument(
        "--what",
        choices=("values", "scores", "boards", "composite"),
        default="composite",
        help="比较的数 / what to trend",
    )
    p.add_argument("--method", choices=("cagr", "change"), default="cagr", help="方法 / method")
    p.add_argument("--latest", type=int, help="只用最近几期 / only the latest periods")
    p.add_argument("--format", choices=("table", "json"), default="table")
    add_lang(p)
    p.set_defaults(handler=run_trends)

    p = subparsers.add_parser(
        "compare",
        help="比较两次结果：名次变化与相关性 / two results compared: rank changes, correlation",
    )
    p.add_argument("before", help="前一次结果 JSON / the earlier result")
    p.add_argument("after", help="后一次结果 JSON / the later result")
    p.add_argument("--board", help="板块（默认综合成绩）/ a board instead of the composite")
    p.add_argument("--top", type=int, default=10, help="列出变化最大的单位数 / movers listed")
    p.add_argument("--format", choices=("table", "json"), default="table")
    add_lang(p)
    p.set_defaults(handler=run_compare)


def _timed(given: list[str]) -> tuple[list[float], list[dict[str, Any]]]:
    """``[TIME=]FILE`` options read: the times and the results. Without ``TIME=`` the
    result's period must be a number (a year such as 2023)."""
    from leitai.engine import DataError
    from leitai.io import read_result

    times, documents = [], []
    for option in given:
        time, sep, path = option.rpartition("=")
        document = read_result(path if sep else option)
        text = time if sep else str(document.get("period") or "")
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise DataError(problem("cli.trend_time", found=option))
        times.append(value)
        documents.append(document)
    if len(set(times)) != len(times):
        raise DataError(problem("cli.trend_times_repeat", found=", ".join(given)))
    return times, documents


def _percent(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}%"


@guarded
def run_trends(args: argparse.Namespace) -> int:
    from leitai.engine.panels import trends
    from leitai.engine.result import json_text

    if len(args.results) < 2:
        return fail(problem("cli.trend_two_results", found=len(args.results)), args.lang)
    if args.latest is not None and args.latest < 2:
        return fail(problem("cli.trend_latest", found=args.latest), args.lang)
    times, documents = _timed(args.results)
    out = trends(documents, times, what=args.what, method=args.method, latest=args.latest)
    if args.format == "json":
        document = {
            "times": [float(t) for t in out.times],
            "what": args.what,
            "method": args.method,
            "latest": args.latest,
            "trends": out.rows(),
        }
        sys.stdout.write(json_text(document) + "\n")
        return EXIT_OK
    console().print(_trends_table(out, args))
    return EXIT_OK


def _trends_table(out: Any, args: argparse.Namespace) -> Any:
    from rich.table import Table

    lang = args.lang
    method = word(args.method, lang)
    if args.latest:
        method += word("latest", lang, latest=args.latest)
    title = word("trends", lang, what=word(args.what, lang), method=method)
    table = Table(title=title, title_style="bold red", header_style="bold white on red")
    table.add_column(label("unit", lang))
    if args.what != "composite":
        table.add_column(word("series", lang))
    for key in ("first", "last", "trend"):
        table.add_column(word(key, lang), justify="right")
    scale = 100.0 if args.method == "cagr" else 1.0
    for row in out.rows():
        cells = [row["name"]]
        if args.what != "composite":
            cells.append(row["series"])
        for end in ("first", "last"):
            cells.append(
                word("none", lang) if row[end] is None else f"{row[end]}: {row[f'{end}_value']:.4g}"
            )
        trend = None if row["trend"] is None else row["trend"] * scale
        cells.append(_percent(trend))
        table.add_row(*cells)
    return table


@guarded
def run_compare(args: argparse.Namespace) -> int:
    from leitai.engine.panels import COMPOSITE, compare_results
    from leitai.engine.result import json_text
    from leitai.io import read_result

    out = compare_results(read_result(args.before), read_result(args.after))
    series = args.board or COMPOSITE
    if series not in out.series:
        return fail(problem("cli.compare_board", found=series), args.lang)
    if args.format == "json":
        document = out.to_dict()
        document["movers"] = {key: out.movers(key, args.top) for key in out.series}
        sys.stdout.write(json_text(document) + "\n")
        return EXIT_OK
    s = out.series.index(series)
    show = console()
    show.print(_compare_table(out, series, args.lang))
    for key, value in (("spearman", out.spearman[s]), ("pearson", out.pearson[s])):
        text = word("none", args.lang) if math.isnan(value) else f"{value:.4f}"
        show.print(word(key, args.lang, value=text))
    movers = out.movers(series, args.top)
    if movers:
        show.print(word("movers", args.lang))
        for row in movers:
            change = int(row["rank_change"])
            show.print(f"  {row['name']} {'↑' if change > 0 else '↓'}{abs(change)}")
    return EXIT_OK


def _compare_table(out: Any, series: str, lang: str) -> Any:
    from rich.table import Table

    from leitai.i18n.words import arrow

    name = label("score", lang) if series == "score" else series
    table = Table(
        title=word("compare", lang, series=name),
        title_style="bold red",
        header_style="bold white on red",
    )
    table.add_column(label("unit", lang))
    for when in ("before", "after"):
        for key in ("rank", "score"):
            column = word("column", lang, when=word(when, lang), what=label(key, lang))
            table.add_column(column, justify="right")
    table.add_column(label("change", lang), justify="right")

    def num(value: float | None, digits: int) -> str:
        return word("none", lang) if value is None else f"{value:.{digits}f}"

    for row in out.table(series):
        change = row["rank_change"]
        table.add_row(
            row["name"],
            num(row["before_rank"], 0),
            num(row["before_score"], 2),
            num(row["after_rank"], 0),
            num(row["after_score"], 2),
            word("none", lang) if change is None else arrow(int(change), lang),
        )
    return table
