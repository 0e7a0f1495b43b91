"""``leitai plot``: a chart of a result or an analysis as PNG or SVG
(:mod:`leitai.reports.plots`)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from leitai.cli.common import EXIT_OK, add_lang, fail, guarded, problem
from leitai.reports.plots import KINDS


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "plot",
        help=(
            "把结果或分析画成图（PNG/SVG）：得分条形图、历期名次、历期走势、稳健性、相关系数、"
            "指标点图、得分分布、散点图、指标体系旭日图、名次不确定性 / charts: bar, rank-path, "
            "trend, sensitivity, correlation, dot, distribution, scatter, sunburst, uncertainty"
        ),
    )
    p.add_argument("kind", choices=KINDS, help="图的种类 / chart")
    p.add_argument(
        "inputs",
        nargs="+",
        metavar="[LABEL=]FILE",
        help=(
            "结果 JSON（历期图为多期，按给出的顺序）；sensitivity、uncertainty 为 leitai analyse "
            "--format json 的输出；sunburst 为考核办法 YAML / result(s), the robustness analysis, "
            "or (sunburst) the scheme"
        ),
    )
    p.add_argument("-o", "--output", required=True, help="图片文件 .png 或 .svg / image file")
    p.add_argument("--board", help="条形图画此板块得分 / bar: a board's score")
    p.add_argument("--indicator", help="点图的指标代码 / dot: the indicator")
    p.add_argument("--highlight", metavar="UNIT", help="点图突出显示的单位代码 / dot: a unit")
    p.add_argument(
        "--x", help="散点图横轴：score、板块或指标代码 / scatter: score, a board or an indicator"
    )
    p.add_argument("--y", help="散点图纵轴 / scatter: the other series")
    p.add_argument(
        "--scheme",
        metavar="SCHEME.yaml",
        help="用考核办法中的板块、指标名称标注（点图、分布图、散点图）/ name boards and "
        "indicators from the scheme (dot, distribution, scatter)",
    )
    p.add_argument(
        "--what",
        choices=("score", "value"),
        default="score",
        help="分布图、散点图用指标得分或数值 / distribution, scatter: scores or values",
    )
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
        if args.kind == "sunburst":
            documents.append(_read_scheme(item))
            continue
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
    if args.kind == "correlation":
        return plots.correlation(documents[0], lang=args.lang)
    return _figure_new(plots, args, documents[0])


def _figure_new(plots: Any, args: argparse.Namespace, document: Any) -> Any:
    """The charts whose numbers :mod:`leitai.reports.chartdata` shapes."""
    names = _names(args.scheme) if args.scheme else None
    if args.kind == "dot":
        if not args.indicator:
            raise ValueError("dot needs --indicator")
        return plots.dot(
            document, args.indicator, highlight=args.highlight, names=names, lang=args.lang
        )
    if args.kind == "distribution":
        return plots.distribution(document, what=args.what, names=names, lang=args.lang)
    if args.kind == "scatter":
        if not (args.x and args.y):
            raise ValueError("scatter needs --x and --y")
        return plots.scatter(document, args.x, args.y, what=args.what, names=names, lang=args.lang)
    if args.kind == "sunburst":
        return plots.sunburst(document, lang=args.lang)
    return plots.uncertainty(document, lang=args.lang)


def _names(path: str) -> dict[str, str]:
    """Board and indicator id -> name, from the scheme file."""
    scheme = _read_scheme(path)
    names = {b.id: b.name for b in scheme.all_boards()}
    names.update({i.id: i.name for i in scheme.all_indicators()})
    return names


def _read_scheme(path: str) -> Any:
    """The scheme a sunburst draws, read and validated as ``leitai assess`` reads it."""
    from leitai.engine import load_scheme

    return load_scheme(path)
