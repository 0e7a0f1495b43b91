"""Charts of results and analyses as PNG or SVG files (``leitai plot``).

Each chart is drawn from the JSON the rest of leitai writes, the same numbers the
web's charts show: a result (spec section 8), several results (one per period), the
robustness analysis (``leitai analyse --format json``). Matplotlib (the ``plot``
extra) draws them with its Agg backend, offline; Chinese labels use Noto Sans CJK
where the system has it (``fonts-noto-cjk``), and fall back quietly otherwise.

- :func:`bar`: the composite (or a board's score) of every unit, best first;
- :func:`rank_path`: each unit's rank over the periods;
- :func:`trend`: each unit's composite over the periods, with its growth per period;
- :func:`sensitivity`: each unit's rank interval (5th-95th percentile), median and
  nominal rank, and the sensitivity indices with their intervals;
- :func:`correlation`: the correlations of the indicator scores as a heat map;
- :func:`dot`: an indicator's score of every unit, one dot each, a unit highlighted;
- :func:`distribution`: each indicator's scores (or values) over the units, as boxes
  with the units' dots;
- :func:`scatter`: two series (the composite, a board, an indicator) against each
  other, with their correlation;
- :func:`sunburst`: the scheme's framework, each board and indicator as the share of
  the composite's points it carries;
- :func:`uncertainty`: each unit's rank interval and its chance of each flag, from the
  robustness analysis.

The numbers of the later five are shaped by :mod:`leitai.reports.chartdata`, the
module the web's pages use; their words come from the gettext catalogue.
"""

from __future__ import annotations

import io
import math
import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from leitai.i18n.words import WordTable, aside_text, label

__all__ = [
    "KINDS",
    "bar",
    "correlation",
    "distribution",
    "dot",
    "rank_path",
    "save",
    "scatter",
    "sensitivity",
    "sunburst",
    "trend",
    "uncertainty",
]

CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
)
CJK_FAMILY = "Noto Sans CJK SC"
RED, GOLD, GREY = "#b3121d", "#d99a00", "#8c8c8c"
MAX_UNITS = 400  # a chart beyond this many units would be unreadable: refused

# The charts' own words (msgids under the context "plot"; the catalogue has the Chinese).
WORDS = WordTable(
    "plot",
    {
        "rank_path": "Rank over the periods",
        "trend": "Composite over the periods",
        "growth": "growth per period",
        "interval": "Rank interval (5th–95th percentile)",
        "median": "median rank",
        "nominal": "rank as published",
        "indices": "Sensitivity indices",
        "first_order": "first order",
        "total": "total",
        "correlation": "Correlations of the indicator scores",
        "period": "Period",
    },
)


def word(key: str, lang: str, **values: Any) -> str:
    return WORDS(key, lang, **values)


def _pyplot() -> Any:
    """Matplotlib's pyplot on the Agg backend, with the CJK font where installed."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    families = []
    for path in CJK_FONTS:
        if os.path.exists(path):
            font_manager.fontManager.addfont(path)
            if CJK_FAMILY not in families:
                families.append(CJK_FAMILY)
    plt.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [*families, "DejaVu Sans"],
            "axes.unicode_minus": False,
            "svg.hashsalt": "leitai",
            "figure.dpi": 100,
        }
    )
    return plt


def save(figure: Any, path: str | os.PathLike[str]) -> None:
    """Write the figure as PNG or SVG (by the file's suffix), without a date in it."""
    suffix = Path(path).suffix.lower()
    if suffix not in (".png", ".svg"):
        raise ValueError("the file must end in .png or .svg")
    metadata = {"Date": None} if suffix == ".svg" else {"Software": "leitai"}
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # A glyph missing from every font (no CJK font installed) is drawn as a box.
        warnings.simplefilter("ignore", UserWarning)
        figure.savefig(buffer, format=suffix[1:], bbox_inches="tight", metadata=metadata)
    Path(path).write_bytes(buffer.getvalue())
    figure.clear()
    _pyplot().close(figure)


def _rows(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    rows = document.get("results")
    if not isinstance(rows, list) or not rows:
        raise ValueError("not a result")
    if len(rows) > MAX_UNITS:
        raise ValueError("too many units to draw")
    return rows


def _score(row: Mapping[str, Any], board: str | None) -> float:
    value = row.get("score") if board is None else ((row.get("boards") or {}).get(board) or {})
    if board is not None:
        value = value.get("score")  # type: ignore[union-attr]
    return (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else math.nan
    )


def bar(document: Mapping[str, Any], *, board: str | None = None, lang: str = "zh") -> Any:
    """Horizontal bars of the composite (or ``board``'s score), best at the top."""
    if board is not None and not any(board in (r.get("boards") or {}) for r in _rows(document)):
        raise ValueError(f"no board {board}")
    plt = _pyplot()
    rows = sorted(_rows(document), key=lambda r: -np.nan_to_num(_score(r, board), nan=-np.inf))
    names = [str(r.get("name") or r.get("unit")) for r in rows]
    scores = np.array([_score(r, board) for r in rows])
    figure, axes = plt.subplots(figsize=(8, 0.35 * len(rows) + 1.2))
    axes.barh(range(len(rows)), np.nan_to_num(scores), color=RED)
    axes.set_yticks(range(len(rows)), names)
    axes.invert_yaxis()
    for k, value in enumerate(scores):
        if not math.isnan(value):
            axes.text(value, k, f" {value:.2f}", va="center", fontsize=8)
    series = label("score", lang) if board is None else board
    axes.set_title(f"{document.get('period') or ''} {series}".strip())
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def _by_unit(documents: Sequence[Mapping[str, Any]], key: str) -> dict[str, list[float]]:
    """unit name -> its ``key`` (score or rank) per document, nan where absent."""
    names: dict[str, str] = {}
    values: dict[str, list[float]] = {}
    for t, document in enumerate(documents):
        for row in _rows(document):
            unit = str(row.get("unit"))
            names.setdefault(unit, str(row.get("name") or unit))
            series = values.setdefault(unit, [math.nan] * len(documents))
            value = row.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool):
                series[t] = float(value)
    return {names[u]: v for u, v in values.items()}


def _period_axis(axes: Any, labels: Sequence[str], lang: str) -> None:
    axes.set_xticks(range(len(labels)), labels)
    axes.set_xlabel(word("period", lang))
    axes.spines[["top", "right"]].set_visible(False)


def rank_path(
    documents: Sequence[Mapping[str, Any]], labels: Sequence[str], *, lang: str = "zh"
) -> Any:
    """Each unit's rank over the periods (1 at the top)."""
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(1.6 * len(labels) + 4, 6))
    for name, ranks in _by_unit(documents, "rank").items():
        axes.plot(range(len(labels)), ranks, marker="o", linewidth=1.5)
        last = next((r for r in reversed(ranks) if not math.isnan(r)), None)
        if last is not None:
            axes.annotate(f" {name}", (len(labels) - 1, last), va="center", fontsize=8)
    axes.invert_yaxis()
    axes.set_ylabel(label("rank", lang))
    axes.set_title(word("rank_path", lang))
    _period_axis(axes, labels, lang)
    return figure


def trend(
    documents: Sequence[Mapping[str, Any]], labels: Sequence[str], *, lang: str = "zh"
) -> Any:
    """Each unit's composite over the periods; the legend gives its growth per period
    (:func:`leitai.engine.panels.cagr` with the periods numbered 1, 2, ...)."""
    from leitai.engine.panels import cagr

    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(1.6 * len(labels) + 6, 6))
    x = np.arange(1.0, len(labels) + 1)
    for name, scores in _by_unit(documents, "score").items():
        growth = float(cagr(np.array([scores]), x)[0])
        text = "—" if math.isnan(growth) else f"{growth:+.2%}"
        axes.plot(range(len(labels)), scores, marker="o", linewidth=1.5, label=f"{name} {text}")
    axes.set_ylabel(label("score", lang))
    axes.set_title(word("trend", lang) + aside_text(word("growth", lang), lang))
    axes.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    _period_axis(axes, labels, lang)
    return figure


def sensitivity(report: Mapping[str, Any], *, lang: str = "zh") -> Any:
    """Rank intervals of the robustness analysis, and its sensitivity indices."""
    plt = _pyplot()
    if isinstance(report.get("robustness"), Mapping):  # leitai analyse --format json
        report = report["robustness"]
    units = report.get("units")
    if not isinstance(units, list) or not units or len(units) > MAX_UNITS:
        raise ValueError("not a robustness analysis")
    indices = [i for i in report.get("indices") or [] if i.get("first_order") is not None]
    figure, (left, right) = plt.subplots(
        1, 2, figsize=(13, 0.35 * len(units) + 1.8), width_ratios=(3, 2)
    )
    for k, row in enumerate(units):
        left.plot([row["p5"], row["p95"]], [k, k], color=GOLD, linewidth=6, solid_capstyle="butt")
        left.plot(row["median"], k, "o", color=GREY, markersize=5)
        left.plot(row["rank"], k, "D", color=RED, markersize=5)
    left.set_yticks(range(len(units)), [str(r["name"]) for r in units])
    left.invert_yaxis()
    left.set_xlabel(label("rank", lang))
    left.xaxis.get_major_locator().set_params(integer=True)
    left.set_title(word("interval", lang))
    left.plot([], [], "o", color=GREY, label=word("median", lang))
    left.plot([], [], "D", color=RED, label=word("nominal", lang))
    left.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, frameon=False)
    left.spines[["top", "right"]].set_visible(False)
    share = (report.get("settings") or {}).get("weights")
    _indices(right, indices, share if isinstance(share, int | float) else None, lang)
    return figure


def _input_name(name: str, share: float | None, lang: str) -> str:
    """An uncertain input's name as ``leitai analyse`` prints it."""
    from leitai.cli.analysis import WORDS as ANALYSIS_WORDS

    if name not in ANALYSIS_WORDS:
        return name
    return ANALYSIS_WORDS(name, lang, share=f"{share or 0:.0%}")


def _indices(axes: Any, indices: list[Mapping[str, Any]], share: float | None, lang: str) -> None:
    y = np.arange(len(indices))
    for offset, key, color in ((-0.18, "first_order", RED), (0.18, "total", GOLD)):
        values = [float(i.get(key) or 0.0) for i in indices]
        axes.barh(y + offset, values, height=0.34, color=color, label=word(key, lang))
        for k, item in enumerate(indices):
            interval = item.get(f"{key}_interval")
            if interval:
                axes.plot(interval, [k + offset] * 2, color="black", linewidth=1)
    axes.set_yticks(y, [_input_name(str(i["input"]), share, lang) for i in indices])
    axes.invert_yaxis()
    axes.set_title(word("indices", lang))
    axes.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncols=2, frameon=False)
    axes.spines[["top", "right"]].set_visible(False)


def correlation(document: Mapping[str, Any], *, lang: str = "zh") -> Any:
    """Pearson's correlations of the indicator scores over the units with both, as the
    data diagnostics compute them."""
    from leitai.engine.diagnostics import correlation_matrix

    plt = _pyplot()
    rows = _rows(document)
    ids = list(dict.fromkeys(k for r in rows for k in (r.get("indicators") or {})))
    if len(ids) < 2 or len(ids) > MAX_UNITS:
        raise ValueError("too few or too many indicators to correlate")
    table = np.full((len(rows), len(ids)), np.nan)
    for u, row in enumerate(rows):
        cells = row.get("indicators") or {}
        for j, key in enumerate(ids):
            value = (cells.get(key) or {}).get("score")
            if isinstance(value, int | float) and not isinstance(value, bool):
                table[u, j] = value
    matrix = correlation_matrix(table)  # the web's heat map (data diagnostics)
    size = 0.45 * len(ids) + 2
    figure, axes = plt.subplots(figsize=(size + 1.5, size))
    image = axes.imshow(matrix, cmap="RdBu_r", vmin=-1, vmax=1)
    axes.set_xticks(range(len(ids)), ids, rotation=90, fontsize=8)
    axes.set_yticks(range(len(ids)), ids, fontsize=8)
    if len(ids) <= 20:
        for i in range(len(ids)):
            for j in range(len(ids)):
                if not math.isnan(matrix[i, j]):
                    axes.text(j, i, f"{matrix[i, j]:.2f}", ha="center", va="center", fontsize=7)
    figure.colorbar(image, ax=axes, shrink=0.8)
    axes.set_title(word("correlation", lang))
    return figure


KINDS = (
    "bar",
    "rank-path",
    "trend",
    "sensitivity",
    "correlation",
    "dot",
    "distribution",
    "scatter",
    "sunburst",
    "uncertainty",
)


# -- the charts whose numbers the web shapes alike (leitai.reports.chartdata) ---------------


def _words(lang: str) -> Any:
    from leitai.i18n import translator

    return translator(lang)


def _series_label(series: str, lang: str, names: Mapping[str, str] | None = None) -> str:
    """The composite's label, or a board's or indicator's name where ``names`` has it
    (``--scheme``), else its id."""
    return label("score", lang) if series == "score" else (names or {}).get(series, series)


def _limit(count: int) -> None:
    if count == 0 or count > MAX_UNITS:
        raise ValueError("nothing or too much to draw")


def dot(
    document: Mapping[str, Any],
    indicator: str,
    *,
    highlight: str | None = None,
    names: Mapping[str, str] | None = None,
    lang: str = "zh",
) -> Any:
    """An indicator's score of every unit as a dot on one line each, best at the top,
    with its value beside it; ``highlight`` (a unit id) drawn in red, the rest in gold.
    The numbers of the indicator page's chart (:func:`chartdata.indicator_points`)."""
    from leitai.reports.chartdata import indicator_points

    _ = _words(lang)
    points = indicator_points(document, indicator)
    _limit(len(points))
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(8, 0.35 * len(points) + 1.4))
    ys = [k for k, p in enumerate(points) if p["score"] is not None]
    xs = [points[k]["score"] for k in ys]
    colors = [RED if points[k]["unit"] == highlight else GOLD for k in ys]
    if xs:
        axes.hlines(ys, min(xs), xs, color="#dddddd", linewidth=1, zorder=1)
    axes.scatter(xs, ys, c=colors, s=60, zorder=3)
    for k in ys:
        value = points[k]["value"]
        text = "—" if value is None else f"{value:g}"
        axes.annotate(f"  {text}", (points[k]["score"], k), va="center", fontsize=8)
    axes.set_yticks(range(len(points)), [p["name"] for p in points])
    axes.set_ylim(len(points) - 0.5, -0.5)
    axes.set_xlabel(_("Score"))
    shown = _series_label(indicator, lang, names)
    axes.set_title(_("%(indicator)s: each unit's score") % {"indicator": shown})
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def distribution(
    document: Mapping[str, Any],
    *,
    what: str = "score",
    names: Mapping[str, str] | None = None,
    lang: str = "zh",
) -> Any:
    """Each indicator's scores (``what="value"``: values) over the units: a box (the
    quartiles and median; whiskers at 1.5 times the box) with every unit's dot."""
    from leitai.reports.chartdata import distributions

    _ = _words(lang)
    columns = distributions(document, what=what)
    _limit(len(columns))
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(0.55 * len(columns) + 3, 5))
    data = [values for _key, values in columns]
    axes.boxplot(
        data,
        positions=range(len(columns)),
        widths=0.55,
        showfliers=False,
        medianprops={"color": RED, "linewidth": 2},
        boxprops={"color": GREY},
        whiskerprops={"color": GREY},
        capprops={"color": GREY},
    )
    for k, values in enumerate(data):
        # Spread evenly across the box (not at random): the same input, the same picture.
        spread = np.linspace(-0.18, 0.18, values.size) if values.size > 1 else np.zeros(1)
        axes.scatter(k + spread[: values.size], values, s=12, color=GOLD, alpha=0.8, zorder=3)
    shown = [_series_label(key, lang, names) for key, _values in columns]
    axes.set_xticks(range(len(columns)), shown, rotation=90)
    axes.set_ylabel(_("Score") if what == "score" else _("Value"))
    if what == "score":
        axes.set_title(_("Distribution of the indicator scores"))
    else:
        axes.set_title(_("Distribution of the indicator values"))
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def scatter(
    document: Mapping[str, Any],
    x: str,
    y: str,
    *,
    what: str = "score",
    names: Mapping[str, str] | None = None,
    lang: str = "zh",
) -> Any:
    """Two series of the units against each other (the composite ``score``, a board's
    score, an indicator's score or value), each dot named, with Pearson's correlation."""
    from leitai.reports.chartdata import scatter_points

    _ = _words(lang)
    points = scatter_points(document, x, y, what=what)
    _limit(len(points["names"]))
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(8, 6))
    axes.scatter(points["x"], points["y"], s=50, color=RED, zorder=3)
    _name_dots(axes, points["names"], points["x"], points["y"])
    axes.set_xlabel(_series_label(x, lang, names))
    axes.set_ylabel(_series_label(y, lang, names))
    r = points["r"]
    shown = "—" if math.isnan(r) else f"{r:.3f}"
    axes.set_title(_("Pearson's correlation: %(r)s") % {"r": shown})
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def _name_dots(axes: Any, names: Sequence[str], xs: np.ndarray, ys: np.ndarray) -> None:
    """Each dot's name on its right; on its left where a dot already named is close by,
    so that two neighbours' names do not print over each other."""
    span_x = float(np.ptp(xs)) or 1.0
    span_y = float(np.ptp(ys)) or 1.0
    for k, (name, px, py) in enumerate(zip(names, xs, ys, strict=True)):
        near = any(
            abs(px - xs[j]) < 0.1 * span_x and abs(py - ys[j]) < 0.04 * span_y for j in range(k)
        )
        axes.annotate(
            name,
            (px, py),
            xytext=(-6 if near else 6, 0),
            textcoords="offset points",
            ha="right" if near else "left",
            fontsize=8,
            va="center",
        )


SUNBURST_COLORS = ("#b3121d", "#d99a00", "#4e79a7", "#59a14f", "#b07aa1", "#76b7b2", "#9c755f")


def sunburst(scheme: Any, *, lang: str = "zh") -> Any:
    """The scheme's framework as rings: the top-level boards inside, their sub-boards and
    indicators outwards, each segment as wide as the share of the composite's points it
    carries (:func:`chartdata.framework`), named where it is wide enough."""
    from leitai.reports.chartdata import framework

    _ = _words(lang)
    segments = framework(scheme)
    _limit(len(segments))
    total = sum(b.points or 0.0 for b in scheme.boards)
    depth = max(s["level"] for s in segments) + 1
    plt = _pyplot()
    figure = plt.figure(figsize=(9, 9))
    axes = figure.add_subplot(projection="polar")
    top_color: dict[str, str] = {}
    for segment in segments:
        if segment["level"] == 0:
            top_color[segment["id"]] = SUNBURST_COLORS[len(top_color) % len(SUNBURST_COLORS)]
        else:
            top_color[segment["id"]] = top_color[segment["parent"]]
        width = 2 * math.pi * segment["share"]
        middle = 2 * math.pi * segment["start"] + width / 2
        alpha = 1.0 - 0.6 * segment["level"] / max(depth, 1)
        axes.bar(
            middle,
            1.0,
            width=width,
            bottom=segment["level"] + 0.4,
            color=top_color[segment["id"]],
            alpha=alpha,
            edgecolor="white",
            linewidth=1,
        )
        if segment["share"] >= 0.015:
            _sunburst_label(axes, segment, middle, segment["share"] * total)
    axes.set_theta_zero_location("N")
    axes.set_theta_direction(-1)
    axes.set_axis_off()
    axes.set_ylim(0, depth + 0.4)
    axes.set_title(
        _("%(scheme)s: the composite's points by board and indicator") % {"scheme": scheme.name},
        pad=20,
        fontsize=11,
        wrap=True,
    )
    return figure


def _sunburst_label(axes: Any, segment: Mapping[str, Any], middle: float, points: float) -> None:
    """The inner ring's names upright; the outer rings' along the radius (they are narrow),
    turned so that none reads upside down."""
    if segment["level"] == 0:
        text, rotation, size = f"{segment['name']}\n{points:.4g}", 0.0, 10
    else:
        # Clockwise from the top: the screen angle of the radius is 90° minus the angle.
        rotation = 90.0 - math.degrees(middle)
        if rotation < -90.0:
            rotation += 180.0
        name = segment["name"] if len(segment["name"]) <= 9 else segment["name"][:8] + "…"
        text, size = f"{name} {points:.4g}", 7
    axes.text(
        middle,
        segment["level"] + 0.9,
        text,
        ha="center",
        va="center",
        rotation=rotation,
        rotation_mode="anchor",
        fontsize=size,
    )


def uncertainty(report: Mapping[str, Any], *, lang: str = "zh") -> Any:
    """From the robustness analysis: each unit's rank interval (5th to 95th percentile)
    with its median and published rank, and beside it the unit's chance of each flag
    (:func:`chartdata.uncertainty_rows`)."""
    from leitai.reports.chartdata import uncertainty_rows

    _ = _words(lang)
    rows = uncertainty_rows(report)
    _limit(len(rows))
    flags = list(dict.fromkeys(f for r in rows for f in r["flags"]))
    plt = _pyplot()
    figure, (left, right) = plt.subplots(
        1, 2, figsize=(12, 0.35 * len(rows) + 1.8), width_ratios=(3, 2), sharey=True
    )
    for k, row in enumerate(rows):
        left.plot([row["p5"], row["p95"]], [k, k], color=GOLD, linewidth=6, solid_capstyle="butt")
        left.plot(row["median"], k, "o", color=GREY, markersize=5)
        left.plot(row["rank"], k, "D", color=RED, markersize=5)
    left.set_yticks(range(len(rows)), [r["name"] for r in rows])
    left.set_ylim(len(rows) - 0.5, -0.5)
    left.set_xlabel(_("Rank"))
    left.xaxis.get_major_locator().set_params(integer=True)
    left.set_title(_("Uncertainty of the ranks (5th–95th percentile)"))
    left.plot([], [], "o", color=GREY, label=_("Median rank"))
    left.plot([], [], "D", color=RED, label=_("Rank as published"))
    left.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2, frameon=False)
    height = 0.8 / max(len(flags), 1)
    for f, flag in enumerate(flags):
        offset = -0.4 + height * (f + 0.5)
        right.barh(
            [k + offset for k in range(len(rows))],
            [r["flags"].get(flag, 0.0) for r in rows],
            height=height,
            color=SUNBURST_COLORS[f % len(SUNBURST_COLORS)],
            label=flag,
        )
    right.set_xlim(0, 1)
    right.set_xlabel(_("Chance"))
    right.set_title(_("Chance of each flag"))
    if flags:
        right.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False)
    for axes in (left, right):
        axes.spines[["top", "right"]].set_visible(False)
    return figure
