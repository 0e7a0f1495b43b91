"""``leitai plot``: a chart of a result or an analysis as PNG or SVG
(:mod:`leitai.reports.plots`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from leitai.cli.common import EXIT_OK, add_lang, fail, guarded, problem

KINDS = ("bar", "rank-path", "trend", "sensitivity", "correlation")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "plot",
        help=(
            "把结果或分析画成图（PNG/SVG）：得分条形图、历期名次、历期走势、稳健性、相关系数 / "
            "charts: bar, rank-path, trend, sensitivity, correlation"
        ),
    )
    p.add_argument("kind", choices=KINDS, help="图的种类 / chart")
    p.add_argument(
        "inputs",
        nargs="+",
        metavar="[LABEL=]FILE.json",
        help=(
            "结果 JSON（历期图为多期，按给出的顺序）；sensitivity 为 leitai analyse --format json "
            "的输出 / result(s), or the robustness analysis"
        ),
    )
    p.add_argument("-o", "--output", required=True, help="图片文件 .png 或 .svg / image file")
    p.add_argument("--board", help="条形图画此板块得分 / bar: a board's score")
    add_lang(p)
    p.set_defaults(handler=run_plot)


def _read_json(path: str) -> dict[str, Any]:
    """A JSON object from a file, bounded like every input."""
    import json

    from leitai.engine import DataError
    from leitai.io.files import read_bounded, read_text

    text = read_text(read_bounded(path, name=path), name=path)
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise DataError(problem("cli.plot_not_json", found=path))
    return document


@guarded
def run_plot(args: argparse.Namespace) -> int:
    if Path(args.output).suffix.lower() not in (".png", ".svg"):
        return fail(problem("cli.plot_suffix", found=args.output), args.lang)
    many = args.kind in ("rank-path", "trend")
    if many != (len(args.inputs) > 1) or (many and len(args.inputs) < 2):
        return fail(problem("cli.plot_inputs", kind=args.kind, found=len(args.inputs)), args.lang)
    try:
        from leitai.reports import plots
    except ImportError:  # pragma: no cover - the plot extra not installed
        return fail(problem("cli.plot_needs_matplotlib"), args.lang)
    labels, documents = [], []
    for item in args.inputs:
        given, sep, path = item.rpartition("=")
        documents.append(_read_json(path if sep else item))
        labels.append(given if sep else str(documents[-1].get("period") or Path(item).stem))
    try:
        figure = _figure(plots, args, labels, documents)
    except ValueError:
        return fail(problem("cli.plot_wrong_input", kind=args.kind), args.lang)
    plots.save(figure, args.output)
    return EXIT_OK


def _figure(plots: Any, args: argparse.Namespace, labels: list[str], documents: list[Any]) -> Any:
    if args.kind == "bar":
        return plots.bar(documents[0], board=args.board, lang=args.lang)
    if args.kind == "rank-path":
        return plots.rank_path(documents, labels, lang=args.lang)
    if args.kind == "trend":
        return plots.trend(documents, labels, lang=args.lang)
    if args.kind == "sensitivity":
        return plots.sensitivity(documents[0], lang=args.lang)
    return plots.correlation(documents[0], lang=args.lang)
