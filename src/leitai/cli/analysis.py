"""``leitai analyse``, ``whatif`` and ``import-coinr``.

- ``analyse``: how solid each rank is (Monte Carlo uncertainty and sensitivity
  analysis), with the statistical audit of the data and any preparation applied.
- ``whatif``: for a unit, the smallest change of each indicator alone that moves it
  up a place, earns a star or wins a flag; with ``--set`` a recomputation from
  edited values.
- ``import-coinr``: a leitai scheme and data table from COINr's iData and iMeta.
"""

from __future__ import annotations

import argparse
import math
import sys
from typing import TYPE_CHECKING, Any

from leitai.cli import common
from leitai.cli.common import (
    EXIT_OK,
    add_lang,
    console,
    fail,
    guarded,
    problem,
)
from leitai.i18n import translations
from leitai.i18n.words import WordTable, label

if TYPE_CHECKING:
    from leitai.engine.diagnostics import Diagnostics
    from leitai.engine.problems import Problem
    from leitai.engine.sensitivity import SensitivityResult
    from leitai.engine.whatif import WhatIf, WhatIfRow

# The words of these commands: English msgids under the context "cli analysis".
WORDS = WordTable(
    "cli analysis",
    {
        "robustness": "How solid is each rank",
        "samples": " (%(samples)s samples, seed %(seed)s)",
        "list_sep": "; ",
        "standing": "%(unit)s: Rank %(rank)s, Composite %(score)s",
        "median": "Median rank",
        "interval": "90% rank interval",
        "p_flag": "P(flag)",
        "p_stars": "P(same stars)",
        "sensitivity": "Sensitivity indices (on mean rank shift; bootstrap intervals)",
        "input": "Uncertain input",
        "first_order": "First order",
        "total": "Total effect",
        "interval95": "95% interval",
        "weights": "weights ±%(share)s",
        "methods": "normalisation method",
        "missing": "missing-value policy",
        "leave_one_out": "leaving one indicator out",
        "mean_shift": "Mean rank shift",
        "diagnostics": "Indicator diagnostics",
        "availability": "Availability",
        "mean": "Mean",
        "sd": "SD",
        "skew": "Skew",
        "kurtosis": "Kurtosis",
        "notes": "Notes",
        "outlier": "outliers",
        "low_discrimination": "barely discriminates",
        "low_availability": "many missing",
        "collinear": "Highly correlated (double counting?)",
        "alpha": "Board consistency (Cronbach's alpha)",
        "items": "Items",
        "preparation": "Data preparation",
        "prep_what": "What was done",
        "denominated": "divided by %(d)s",
        "imputed": "%(n)s imputed",
        "winsorised": "%(n)s winsorised",
        "log": "log-transformed",
        "boxcox": "Box-Cox-transformed",
        "screened": "screened out: %(u)s",
        "whatif": "What it takes (one indicator at a time)",
        "current": "Value",
        "goal_rank": "Up one place (to %(r)s)",
        "goal_stars": "%(b)s: one more star (%(s)s)",
        "met": "already",
        "any_value": "any value",
        "vetoed": "vetoed",
        "capped": "score capped",
        "limit": "not by this alone",
        "bound": "needs a value below 0",
        "no_target": "no target",
        "edited": "Recomputed with edits",
        "before": "before",
        "after": "after",
        "written": "Written",
        "running": "Simulating",
    },
)


def word(key: str, lang: str, **values: Any) -> str:
    """The word ``key`` in ``lang``, its parameters filled with ``values``."""
    return WORDS(key, lang, **values)


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "analyse", help="排名稳健性、敏感性与指标诊断 / robustness, sensitivity, diagnostics"
    )
    p.add_argument("scheme", help="考核办法 YAML / scheme file")
    p.add_argument("data", help="数据表 CSV/XLSX / data table")
    p.add_argument("--samples", type=int, default=1000, help="抽样次数 / Monte Carlo samples")
    p.add_argument("--seed", type=int, default=0, help="随机种子 / random seed")
    p.add_argument("--previous", help="上期结果 / previous result (JSON or unit,rank CSV)")
    p.add_argument("--period", help="考核期 / period label")
    common.add_from(p)  # --from: values of other periods (spec §11)
    p.add_argument(
        "--weights", type=float, default=0.25, help="权重扰动幅度 / weight perturbation share"
    )
    p.add_argument(
        "--methods",
        default="efficacy,minmax,zscore,rank_points",
        help="备选标准化方法，逗号分隔，none 为不变 / alternative methods, or none",
    )
    p.add_argument(
        "--missing",
        default="zero,worst,exclude",
        help="备选缺失值处理，逗号分隔，none 为不变 / alternative missing policies, or none",
    )
    p.add_argument(
        "--no-leave-one-out", action="store_true", help="不逐一剔除指标 / keep every indicator"
    )
    p.add_argument(
        "--no-indices",
        action="store_true",
        help="不计算敏感性指数（只做 N 次评估）/ skip the sensitivity indices (N evaluations, not 3N+)",
    )
    p.add_argument(
        "--parameter",
        action="append",
        default=[],
        metavar="PATH=V1,V2|LOW..HIGH[:N]",
        help=(
            "考核办法中的任一参数作为不确定因素（可重复），如 prepare.treat.skew=1.5..2.5:5 / "
            "any scheme parameter as an uncertain input (repeatable)"
        ),
    )
    p.add_argument("--format", choices=("table", "json"), default="table")
    add_lang(p)
    p.set_defaults(handler=run_analyse)

    p = subparsers.add_parser("whatif", help="进位所需与模拟重算 / what it takes to move")
    p.add_argument("scheme")
    p.add_argument("data")
    p.add_argument("--unit", required=True, help="单位代码 / unit id")
    p.add_argument("--previous", help="上期结果 / previous result")
    common.add_from(p)  # --from: values of other periods (spec §11)
    p.add_argument("--indicator", action="append", help="只看该指标（可重复）/ only this indicator")
    p.add_argument(
        "--set",
        action="append",
        metavar="INDICATOR=VALUE",
        help="修改该单位的指标值后重算（可重复）/ recompute with this value (repeatable)",
    )
    p.add_argument("--format", choices=("table", "json"), default="table")
    add_lang(p)
    p.set_defaults(handler=run_whatif)

    p = subparsers.add_parser(
        "import-coinr", help="从 COINr 的 iData/iMeta 导入 / convert COINr tables"
    )
    p.add_argument("idata", help="iData CSV")
    p.add_argument("imeta", help="iMeta CSV")
    p.add_argument("-o", "--out-dir", required=True, help="输出目录 / output directory")
    p.add_argument(
        "--group",
        default="auto",
        help="按此分组列插补，none 为全体 / group column to impute by, or none",
    )
    p.add_argument("--time", help="面板数据取该时间 / time point of a panel")
    p.add_argument(
        "--no-impute", action="store_true", help="不插补缺失值 / leave missing values missing"
    )
    p.add_argument("--no-treat", action="store_true", help="不处理异常值 / no outlier treatment")
    add_coinr_methods(p)
    add_lang(p)
    p.set_defaults(handler=run_import_coinr)

    p = subparsers.add_parser(
        "import-cointool",
        help="从 JRC COIN Tool 的 Excel 工作簿导入 / convert a COIN Tool workbook (.xlsm/.xlsx)",
    )
    p.add_argument("workbook", help="COIN Tool 工作簿 / the COIN Tool's workbook")
    p.add_argument("-o", "--out-dir", required=True, help="输出目录 / output directory")
    p.add_argument(
        "--no-impute", action="store_true", help="不插补缺失值 / leave missing values missing"
    )
    p.add_argument("--no-treat", action="store_true", help="不处理异常值 / no outlier treatment")
    add_coinr_methods(p)
    add_lang(p)
    p.set_defaults(handler=run_import_cointool)


def add_coinr_methods(p: argparse.ArgumentParser) -> None:
    """COINr's aggregation, normalisation and treatment settings, mapped onto leitai's
    methods (docs/methods.md, sections A-C)."""
    p.add_argument("--f-ag", help="COINr 的汇总函数 / COINr's f_ag (a_amean, a_gmean, ...)")
    p.add_argument("--f-ag-p", type=float, help="a_genmean 的幂 p / a_genmean's p")
    p.add_argument("--dat-thresh", type=float, help="COINr 的 dat_thresh / data threshold")
    p.add_argument("--f-n", help="COINr 的标准化函数 / COINr's f_n (n_minmax, n_prank, ...)")
    p.add_argument(
        "--f-n-para",
        help="标准化参数 KEY=VALUE,…（列表用 ; 分隔）/ f_n_para, e.g. gposts=10;90;100",
    )
    p.add_argument("--f2", help="COINr 的变换函数 / COINr's Treat f2 (log_CT, boxcox, ...)")
    p.add_argument("--lambda", dest="boxcox_lambda", type=float, help="Box-Cox 的 lambda")
    p.add_argument("--winmax", type=int, default=5, help="最多缩尾点数 / winmax")
    p.add_argument("--skew-thresh", type=float, default=2.0, help="偏度阈值 / skew_thresh")
    p.add_argument("--kurt-thresh", type=float, default=3.5, help="峰度阈值 / kurt_thresh")


def _choices(
    text: str, allowed: tuple[str, ...], option: str
) -> tuple[list[str] | None, Problem | None]:
    if text.strip().lower() in ("none", ""):
        return None, None
    items = [t.strip() for t in text.split(",") if t.strip()]
    bad = [t for t in items if t not in allowed]
    if bad:
        return None, problem("cli.choices", option=option, allowed=list(allowed), found=bad)
    return items, None


def _fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


@guarded
def run_analyse(args: argparse.Namespace) -> int:
    from leitai.engine import assess, load_scheme
    from leitai.engine.parameters import Parameter
    from leitai.engine.sensitivity import ALTERNATIVE_METHODS, DEFAULT_MISSING
    from leitai.io import read_previous, read_table

    if args.samples < 2:
        return fail(problem("cli.samples", found=args.samples), args.lang)
    if not 0 <= args.weights < 1:
        return fail(problem("cli.weights", found=args.weights), args.lang)
    methods, error = _choices(args.methods, ALTERNATIVE_METHODS, "--methods")
    if error:
        return fail(error, args.lang)
    missing, error = _choices(args.missing, DEFAULT_MISSING, "--missing")
    if error:
        return fail(error, args.lang)
    parameters = [Parameter.parse(text) for text in args.parameter]
    scheme = load_scheme(args.scheme)
    data = read_table(args.data, scheme)
    previous = read_previous(args.previous) if args.previous else None
    others = common.other_results(args.others, args.from_schemes)
    # Bad input fails here, before any output.
    assess(scheme, data, previous=previous, others=others)

    from leitai.engine.diagnostics import diagnose
    from leitai.engine.sensitivity import analyse

    err = console(stderr=True)
    with _Progress(err, word("running", args.lang)) as advance:
        robustness = analyse(
            scheme,
            data,
            samples=args.samples,
            seed=args.seed,
            weights=args.weights,
            methods=methods,
            missing=missing,
            leave_one_out=not args.no_leave_one_out,
            sensitivity=not args.no_indices,
            parameters=parameters,
            previous=previous,
            period=args.period,
            others=others,
            progress=advance,
        )
    diagnostics = diagnose(scheme, data, others=others)
    if args.format == "json":
        document = {
            "robustness": robustness.to_dict(),
            "diagnostics": diagnostics.to_dict(),
            "preparation": list(robustness.nominal.preparation),
        }
        from leitai.engine.result import json_text

        sys.stdout.write(json_text(document) + "\n")
        return EXIT_OK
    out = console()
    out.print(_robustness_table(robustness, args.lang))
    if robustness.indices:
        out.print(_indices_table(robustness, args.lang))
    for table in _diagnostics_tables(diagnostics, args.lang):
        out.print(table)
    if robustness.nominal.preparation:
        out.print(_preparation_table(robustness.nominal.preparation, args.lang))
    return EXIT_OK


class _Progress:
    """A rich progress bar on stderr while the simulation runs (only on a terminal)."""

    def __init__(self, err: Any, description: str) -> None:
        self.err = err
        self.description = description
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> Any:
        if not self.err.is_terminal:
            return None
        from rich.progress import BarColumn, Progress, TimeElapsedColumn

        self.bar = Progress(
            "{task.description}",
            BarColumn(),
            "{task.completed}/{task.total}",
            TimeElapsedColumn(),
            console=self.err,
            transient=True,
        )
        self.bar.start()
        self.task = self.bar.add_task(self.description, total=None)

        def advance(done: int, total: int) -> None:
            self.bar.update(self.task, completed=done, total=total)

        return advance

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _robustness_table(result: SensitivityResult, lang: str) -> Any:
    from rich.table import Table

    scheme = result.scheme
    note = word("samples", lang, samples=result.samples, seed=result.seed)
    title = f"{scheme.name}\n{word('robustness', lang)}{note}"
    table = Table(title=title, title_style="bold red", header_style="bold white on red")
    table.add_column(label("rank", lang), justify="right")
    table.add_column(label("unit", lang))
    table.add_column(label("score", lang), justify="right")
    table.add_column(word("median", lang), justify="right")
    table.add_column(word("interval", lang), justify="center")
    for flag in scheme.flags:
        table.add_column(f"{word('p_flag', lang)}\n{flag.name}", justify="right")
    for board in scheme.boards:
        table.add_column(f"{word('p_stars', lang)}\n{board.name}", justify="right")
    for row in result.unit_table():
        u = scheme.unit_ids.index(row["unit"])
        low, high = int(row["p5"]), int(row["p95"])
        interval = f"{low}" if low == high else f"{low}–{high}"
        cells = [
            str(row["rank"]),
            row["name"],
            f"{row['score']:.2f}",
            f"{row['median']:.0f}",
            interval if low == high else f"[yellow]{interval}[/]",
        ]
        cells += [f"{row['flags'][f.id]:.0%}" for f in scheme.flags]
        for board in scheme.boards:
            b = result.nominal.boards.index(board)
            stars = str(int(result.nominal.stars[u, b]))
            cells.append(f"{row['stars'][board.id].get(stars, 0.0):.0%}")
        table.add_row(*cells)
    return table


def _indices_table(result: SensitivityResult, lang: str) -> Any:
    from rich.markup import escape
    from rich.table import Table

    caption = f"{word('mean_shift', lang)}: {result.mean_rank_shift:.3f}"
    table = Table(title=word("sensitivity", lang), caption=caption, header_style="bold")
    table.add_column(word("input", lang))
    table.add_column(word("first_order", lang), justify="right")
    table.add_column(word("interval95", lang), justify="center")
    table.add_column(word("total", lang), justify="right")
    table.add_column(word("interval95", lang), justify="center")
    share = f"{result.settings['weights']:.0%}"
    for row in result.indices:
        table.add_row(
            word(row["input"], lang, share=share)
            if row["input"] in WORDS
            else escape(row["input"]),
            _fmt(row["first_order"], 3),
            _interval(row.get("first_order_interval")),
            _fmt(row["total"], 3),
            _interval(row.get("total_interval")),
        )
    return table


def _interval(bounds: list[float] | None) -> str:
    """A bootstrap interval as ``[low, high]`` to three decimals; a dash without one."""
    if not bounds:
        return "—"
    return f"[{bounds[0]:.3f}, {bounds[1]:.3f}]"


def _diagnostics_tables(report: Diagnostics, lang: str) -> list[Any]:
    from rich.table import Table

    table = Table(title=word("diagnostics", lang), header_style="bold")
    for key, justify in (
        ("indicator", "left"),
        ("availability", "right"),
        ("mean", "right"),
        ("sd", "right"),
        ("skew", "right"),
        ("kurtosis", "right"),
        ("notes", "left"),
    ):
        heading = label(key, lang) if key == "indicator" else word(key, lang)
        table.add_column(heading, justify=justify)  # type: ignore[arg-type]
    for row in report.indicators:
        found = (
            ("outlier", row["outlier"]),
            ("low_discrimination", row["low_discrimination"]),
            ("low_availability", row["low_availability"]),
        )
        notes = [word(k, lang) for k, flagged in found if flagged]
        table.add_row(
            row["name"],
            f"{row['availability']:.0%}",
            _fmt(row["mean"], 3),
            _fmt(row["sd"], 3),
            _fmt(row["skew"]),
            _fmt(row["kurtosis"]),
            f"[red]{translations(lang).gettext('; ').join(notes)}[/]" if notes else "",
        )
    tables = [table]
    names = {row["indicator"]: row["name"] for row in report.indicators}
    if report.collinear:
        pairs = Table(title=word("collinear", lang), header_style="bold")
        pairs.add_column(label("indicator", lang))
        pairs.add_column(label("indicator", lang))
        pairs.add_column("r", justify="right")
        for pair in report.collinear:
            pairs.add_row(names[pair["a"]], names[pair["b"]], f"{pair['r']:.3f}")
        tables.append(pairs)
    if report.alpha:
        alpha = Table(title=word("alpha", lang), header_style="bold")
        alpha.add_column(label("board", lang))
        alpha.add_column(word("items", lang), justify="right")
        alpha.add_column("α", justify="right")
        for board_row in report.alpha:
            alpha.add_row(board_row["name"], str(board_row["items"]), _fmt(board_row["alpha"], 3))
        tables.append(alpha)
    return tables


def _preparation_table(records: Any, lang: str) -> Any:
    from rich.table import Table

    table = Table(title=word("preparation", lang), header_style="bold")
    table.add_column(label("indicator", lang))
    table.add_column(word("prep_what", lang))
    for record in records:
        what = []
        if "denominator" in record:
            what.append(word("denominated", lang, d=record["denominator"]))
        if "screened" in record:
            what.append(word("screened", lang, u=", ".join(record["screened"])))
        if "imputed" in record:
            what.append(word("imputed", lang, n=len(record["imputed"])))
        if record.get("treatment") in ("log", "log_plus", "log_orig", "log_gii", "boxcox"):
            what.append(word("boxcox" if record["treatment"] == "boxcox" else "log", lang))
        elif "treatment" in record:
            units = ", ".join(record["changed_units"])
            what.append(word("winsorised", lang, n=record["winsorised_count"]) + f" ({units})")
        table.add_row(record["indicator"], word("list_sep", lang).join(what))
    return table


@guarded
def run_whatif(args: argparse.Namespace) -> int:
    from leitai.engine import assess, load_scheme
    from leitai.engine.result import json_text
    from leitai.engine.whatif import recompute, what_it_takes
    from leitai.io import read_previous, read_table

    scheme = load_scheme(args.scheme)
    if args.unit not in scheme.unit_ids:
        return fail(
            problem("cli.unknown_unit", units=[args.unit], expected=scheme.unit_ids), args.lang
        )
    data = read_table(args.data, scheme)
    previous = read_previous(args.previous) if args.previous else None
    others = common.other_results(args.others, args.from_schemes)
    edits: dict[str, Any] = {}
    for item in args.set or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            return fail(problem("cli.set_syntax", found=item), args.lang)
        edits[name.strip()] = value.strip()
    if edits:
        before = assess(scheme, data, previous=previous, others=others)
        after = recompute(scheme, data, {args.unit: edits}, previous=previous, others=others)
        if args.format == "json":
            u = scheme.unit_ids.index(args.unit)
            document = {
                "unit": args.unit,
                "before": _unit_summary(before, u),
                "after": after.to_dict(),
            }
            sys.stdout.write(json_text(document) + "\n")
        else:
            console().print(_edited_table(before, after, args.unit, args.lang))
        return EXIT_OK
    report = what_it_takes(
        scheme, data, args.unit, previous=previous, indicators=args.indicator, others=others
    )
    if args.format == "json":
        sys.stdout.write(json_text(report.to_dict()) + "\n")
        return EXIT_OK
    console().print(_whatif_table(report, args.lang))
    return EXIT_OK


def _unit_summary(result: Any, u: int) -> dict[str, Any]:
    return {
        "score": float(result.composite[u]),
        "rank": int(result.rank[u]),
        "stars": {b.id: int(result.stars[u, i]) for i, b in enumerate(result.boards)},
        "flags": result.flag_ids(u),
    }


def _edited_table(before: Any, after: Any, unit: str, lang: str) -> Any:
    from rich.table import Table

    scheme = before.scheme
    u = scheme.unit_ids.index(unit)
    table = Table(title=f"{scheme.units[u].name} {word('edited', lang)}", header_style="bold")
    table.add_column("")
    table.add_column(word("before", lang), justify="right")
    table.add_column(word("after", lang), justify="right")
    table.add_row(label("score", lang), f"{before.composite[u]:.2f}", f"{after.composite[u]:.2f}")
    table.add_row(label("rank", lang), str(int(before.rank[u])), str(int(after.rank[u])))
    for board in scheme.boards:
        b = before.boards.index(board)
        table.add_row(f"{board.name}★", str(int(before.stars[u, b])), str(int(after.stars[u, b])))
    names = {f.id: f.name for f in scheme.flags}
    table.add_row(
        label("flags", lang),
        " ".join(names[f] for f in before.flag_ids(u)),
        " ".join(names[f] for f in after.flag_ids(u)),
    )
    return table


def _whatif_cell(row: WhatIfRow, lang: str) -> str:
    if row["status"] == "met":
        return f"[green]{word('met', lang)}[/]"
    if row["status"] == "unreachable":
        # An unreachable answer always says why (whatif._answer).
        return f"[dim]✗ {word(str(row['reason']), lang)}[/]"
    if row["reason"] == "any_value":
        return word("any_value", lang)
    step = row["step"]
    digits = max(0, -round(math.log10(step))) if step else 2
    text = f"{row['required']:.{digits}f}"
    if row["change"] is not None:
        text += f" ({row['change']:+.{digits}f})"
    return f"[bold]{text}[/]"


def _whatif_table(report: WhatIf, lang: str) -> Any:
    from rich.table import Table

    result = report.result
    scheme = result.scheme
    u = scheme.unit_ids.index(report.unit)
    rank = int(result.rank[u])
    standing = word(
        "standing", lang, unit=scheme.units[u].name, rank=rank, score=f"{result.composite[u]:.2f}"
    )
    title = f"{standing}\n{word('whatif', lang)}"
    table = Table(title=title, title_style="bold red", header_style="bold white on red")
    table.add_column(label("indicator", lang))
    table.add_column(word("current", lang), justify="right")
    table.add_column(word("goal_rank", lang, r=max(rank - 1, 1)), justify="right")
    table.add_column(label("stars", lang), justify="right")
    for flag in scheme.flags:
        table.add_column(flag.name, justify="right")
    by_indicator: dict[str, dict[tuple[str, str | None], WhatIfRow]] = {}
    for row in report.rows:
        by_indicator.setdefault(row["indicator"], {})[(row["goal"], row["flag"])] = row
    for goals in by_indicator.values():
        first = goals[("rank", None)]
        value = "—" if first["value"] is None else f"{first['value']:g}"
        stars = goals[("stars", None)]
        board = next(b for b in scheme.boards if b.id == stars["board"])
        star_cell = _whatif_cell(stars, lang)
        if stars["status"] == "reachable":
            star_cell = f"{board.name}→{stars['want']}★ {star_cell}"
        cells = [first["name"], value, _whatif_cell(first, lang), star_cell]
        cells += [_whatif_cell(goals[("flag", f.id)], lang) for f in scheme.flags]
        table.add_row(*cells)
    return table


@guarded
def run_import_coinr(args: argparse.Namespace) -> int:
    from pathlib import Path

    from leitai.io.coinr import header_comment, read_coinr, scheme_document, write_converted

    tables = read_coinr(args.idata, args.imeta, time=args.time)
    group = None if args.group.lower() == "none" else args.group
    document = scheme_document(
        tables,
        group=group,
        impute=None if args.no_impute else "mean",
        treat=not args.no_treat,
        **_coinr_methods(args, [u["code"] for u in tables.units]),
    )
    source = f"COINr tables {Path(args.idata).name} and {Path(args.imeta).name}"
    return _written(
        write_converted(tables, document, header_comment(source, document), args.out_dir), args
    )


@guarded
def run_import_cointool(args: argparse.Namespace) -> int:
    from pathlib import Path

    from leitai.io.coinr import header_comment, scheme_document, write_converted
    from leitai.io.cointool import read_coin_tool

    tables = read_coin_tool(args.workbook)
    document = scheme_document(
        tables,
        group=None,
        impute=None if args.no_impute else "mean",
        treat=not args.no_treat,
        **_coinr_methods(args, [u["code"] for u in tables.units]),
    )
    source = f"the COIN Tool workbook {Path(args.workbook).name}"
    return _written(
        write_converted(tables, document, header_comment(source, document), args.out_dir), args
    )


def _written(paths: tuple[Any, Any], args: argparse.Namespace) -> int:
    for path in paths:
        print(f"{word('written', args.lang)}: {path}")
    return EXIT_OK


def _para(text: str | None) -> dict[str, Any]:
    """``KEY=VALUE,...`` with ``;`` between a list's items, values as YAML scalars."""
    import yaml

    from leitai.engine import DataError

    out: dict[str, Any] = {}
    for item in (text or "").split(","):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise DataError(problem("cli.coinr_para", found=item))
        parts = [yaml.safe_load(v) for v in value.split(";")]
        out[key.strip()] = parts if ";" in value else parts[0]
    return out


def _coinr_methods(args: argparse.Namespace, units: list[str]) -> dict[str, Any]:
    """COINr's settings given on the command line as :func:`scheme_document`'s keywords."""
    from leitai.io.coinr import coinr_aggregation, coinr_normalisation, coinr_treatment

    methods: dict[str, Any] = {}
    if args.f_ag or args.dat_thresh is not None:
        para = {"p": args.f_ag_p} if args.f_ag_p is not None else None
        methods["aggregation"] = coinr_aggregation(args.f_ag or "a_amean", para, args.dat_thresh)
    if args.f_n:
        methods["normalisation"] = coinr_normalisation(args.f_n, _para(args.f_n_para), units)
    if args.f2 or (args.winmax, args.skew_thresh, args.kurt_thresh) != (5, 2.0, 3.5):
        lam = {"lambda": args.boxcox_lambda} if args.boxcox_lambda is not None else None
        methods["treatment"] = coinr_treatment(
            args.f2 or "log_CT",
            lam,
            winmax=args.winmax,
            skew_thresh=args.skew_thresh,
            kurt_thresh=args.kurt_thresh,
        )
    return methods
