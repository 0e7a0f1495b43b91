"""The numbers behind each chart, shaped once for the web's pages and ``leitai plot``.

Pure functions of the JSON the rest of leitai writes (a result, spec section 8; the
robustness analysis; a scheme), with no Django and no matplotlib, so that the page
and the picture of the same thing cannot drift apart:

- :func:`indicator_points`: an indicator's value and score of every unit, best first
  (the indicator page's chart and the ``dot`` plot);
- :func:`distributions`: every indicator's scores (or values) over the units (the
  ``distribution`` plot);
- :func:`scatter_points`: two series of the units against each other, with their
  correlation (the ``scatter`` plot);
- :func:`framework`: the scheme's boards and indicators as the share of the composite
  each carries (the ``sunburst`` plot);
- :func:`uncertainty_rows`: each unit's rank interval and flag chances from the
  robustness analysis (the ``uncertainty`` plot);
- :func:`period_trend` and :func:`spark`: a series over the periods, its percentage
  change and compound growth per period, and its sparkline (the trend sections of the
  unit and indicator pages).

Examples
--------
>>> period_trend([100.0, None, 121.0])["cagr"]
0.1
>>> spark([1.0, None, 3.0], low=1.0, high=3.0, width=10, height=6)
'0.0,4.0 10.0,2.0'
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = [
    "COMPOSITE",
    "distributions",
    "framework",
    "indicator_points",
    "number",
    "period_trend",
    "period_trends",
    "scatter_points",
    "series_of",
    "spark",
    "uncertainty_rows",
]

COMPOSITE = "score"  # the composite, as a series id beside boards and indicators


def number(value: Any) -> float:
    """A JSON number as a float; nan for anything else (None, text, booleans)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return math.nan
    return float(value)


def _rows(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    rows = document.get("results")
    if not isinstance(rows, list) or not rows:
        raise ValueError("not a result")
    return rows


def _name(row: Mapping[str, Any]) -> str:
    return str(row.get("name") or row.get("unit"))


def indicator_points(document: Mapping[str, Any], indicator: str) -> list[dict[str, Any]]:
    """Every unit's value and score on ``indicator``, best score first (units without a
    score last), ties in the order of the composite rank.

    Examples
    --------
    >>> doc = {"results": [
    ...     {"unit": "a", "name": "A", "rank": 1, "indicators": {"x": {"value": 3, "score": 60}}},
    ...     {"unit": "b", "name": "B", "rank": 2, "indicators": {"x": {"value": 5, "score": 90}}},
    ...     {"unit": "c", "name": "C", "rank": 3, "indicators": {"x": {"value": None, "score": None}}}]}
    >>> [(p["name"], p["value"], p["score"]) for p in indicator_points(doc, "x")]
    [('B', 5.0, 90.0), ('A', 3.0, 60.0), ('C', None, None)]
    """
    rows = _rows(document)
    if not any(indicator in (r.get("indicators") or {}) for r in rows):
        raise ValueError(f"no indicator {indicator}")
    points: list[dict[str, Any]] = []
    for row in rows:
        cell = (row.get("indicators") or {}).get(indicator) or {}
        value, score = number(cell.get("value")), number(cell.get("score"))
        points.append(
            {
                "unit": str(row.get("unit")),
                "name": _name(row),
                "value": None if math.isnan(value) else value,
                "score": None if math.isnan(score) else score,
                "rank": number(row.get("rank")),
            }
        )
    points.sort(key=lambda p: (p["score"] is None, -(p["score"] or 0.0), p["rank"]))
    for point in points:
        point.pop("rank")
    return points


def series_of(document: Mapping[str, Any], series: str, *, what: str = "score") -> np.ndarray:
    """Every unit's number for ``series`` in the result's row order: the composite
    (``score``), a board's score, or an indicator's score (``what="score"``) or value
    (``what="value"``); nan where a unit has none. ValueError for an unknown series."""
    rows = _rows(document)
    if series == COMPOSITE:
        return np.array([number(r.get("score")) for r in rows])
    for kind in ("boards", "indicators"):
        if any(series in (r.get(kind) or {}) for r in rows):
            key = "score" if kind == "boards" else what
            return np.array(
                [number(((r.get(kind) or {}).get(series) or {}).get(key)) for r in rows]
            )
    raise ValueError(f"no series {series}")


def distributions(
    document: Mapping[str, Any], *, what: str = "score"
) -> list[tuple[str, np.ndarray]]:
    """Each indicator (in the result's order) with its units' scores or values, the
    missing left out.

    Examples
    --------
    >>> doc = {"results": [{"unit": "a", "indicators": {"x": {"score": 1}, "y": {"score": 2}}},
    ...                    {"unit": "b", "indicators": {"x": {"score": None}, "y": {"score": 4}}}]}
    >>> [(k, v.tolist()) for k, v in distributions(doc)]
    [('x', [1.0]), ('y', [2.0, 4.0])]
    """
    rows = _rows(document)
    ids = list(dict.fromkeys(k for r in rows for k in (r.get("indicators") or {})))
    if not ids:
        raise ValueError("no indicators")
    out = []
    for key in ids:
        column = series_of(document, key, what=what)
        out.append((key, column[~np.isnan(column)]))
    return out


def scatter_points(
    document: Mapping[str, Any], x: str, y: str, *, what: str = "score"
) -> dict[str, Any]:
    """Two series of the units (see :func:`series_of`), the units having both, and the
    Pearson correlation of the two over them (nan with fewer than three or a constant).

    Examples
    --------
    >>> doc = {"results": [{"unit": u, "score": s, "boards": {"b": {"score": t}}}
    ...                    for u, s, t in (("a", 1, 2), ("b", 2, 4), ("c", 3, 5))]}
    >>> out = scatter_points(doc, "score", "b")
    >>> out["names"], out["x"].tolist(), round(out["r"], 4)
    (['a', 'b', 'c'], [1.0, 2.0, 3.0], 0.982)
    """
    xs, ys = series_of(document, x, what=what), series_of(document, y, what=what)
    both = ~np.isnan(xs) & ~np.isnan(ys)
    names = [_name(r) for r, keep in zip(_rows(document), both, strict=True) if keep]
    xs, ys = xs[both], ys[both]
    r = math.nan
    if xs.size >= 3 and xs.std() > 0 and ys.std() > 0:
        r = float(np.corrcoef(xs, ys)[0, 1])
    return {"names": names, "x": xs, "y": ys, "r": r}


def framework(scheme: Any) -> list[dict[str, Any]]:
    """The scheme's tree as rings: a segment per board and indicator, with the share of
    the composite's points it carries (spec section 3: a top-level board its points; a
    child its parent's share times its weight over the weights of its siblings) and
    where it starts on its ring (a fraction of the whole, from 0).

    Segments are listed depth-first; ``level`` is 0 for the top-level boards.
    """
    total = sum(b.points or 0.0 for b in scheme.boards)
    if total <= 0:
        raise ValueError("no points")
    out: list[dict[str, Any]] = []

    def visit(board: Any, level: int, share: float, start: float, parent: str | None) -> None:
        out.append(
            {
                "id": board.id,
                "name": board.name,
                "kind": "board",
                "level": level,
                "parent": parent,
                "share": share,
                "start": start,
            }
        )
        weights = [i.weight for i in board.indicators] + [b.weight or 1.0 for b in board.boards]
        whole = sum(weights) or 1.0
        at = start
        for indicator in board.indicators:
            part = share * indicator.weight / whole
            out.append(
                {
                    "id": indicator.id,
                    "name": indicator.name,
                    "kind": "indicator",
                    "level": level + 1,
                    "parent": board.id,
                    "share": part,
                    "start": at,
                }
            )
            at += part
        for child in board.boards:
            part = share * (child.weight or 1.0) / whole
            visit(child, level + 1, part, at, board.id)
            at += part

    start = 0.0
    for board in scheme.boards:
        share = (board.points or 0.0) / total
        visit(board, 0, share, start, None)
        start += share
    return out


def uncertainty_rows(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each unit of a robustness analysis (``leitai analyse --format json``, or its
    ``robustness`` part) in its published rank order: its rank as published, the median
    and the 5th and 95th percentiles of its rank over the samples, and its chance of
    each flag."""
    if isinstance(report.get("robustness"), Mapping):
        report = report["robustness"]
    units = report.get("units")
    if not isinstance(units, list) or not units:
        raise ValueError("not a robustness analysis")
    rows: list[dict[str, Any]] = []
    for unit in units:
        rank, median = number(unit.get("rank")), number(unit.get("median"))
        low, high = number(unit.get("p5")), number(unit.get("p95"))
        if any(math.isnan(v) for v in (rank, median, low, high)):
            raise ValueError("not a robustness analysis")
        flags = unit.get("flags") if isinstance(unit.get("flags"), Mapping) else {}
        rows.append(
            {
                "unit": str(unit.get("unit")),
                "name": _name(unit),
                "rank": rank,
                "median": median,
                "p5": low,
                "p95": high,
                "flags": {str(k): number(v) for k, v in flags.items()},
            }
        )
    rows.sort(key=lambda r: r["rank"])
    return rows


def period_trends(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``values`` (n, T), the periods numbered 1, 2, ...: the percentage
    change per period (COINr's ``prc_change``) and the compound growth per period as a
    fraction (COINr's ``CAGR``), nan where undefined (:mod:`leitai.engine.panels`).

    Both are nan for a row with a value of 0 or below: a percentage of a base that
    crosses zero (a growth rate going from -3% to 5.5%) reads as a fall of 500%, which
    says nothing true.

    Examples
    --------
    >>> change, growth = period_trends(np.array([[-3.0, 5.6, 5.5], [2.0, 3.0, 4.0]]))
    >>> change.round(4).tolist(), growth.round(4).tolist()
    ([nan, 50.0], [nan, 0.4142])
    """
    from leitai.engine.panels import cagr, percentage_change

    values = np.asarray(values, dtype=float)
    x = np.arange(1.0, values.shape[-1] + 1)
    positive = ~(values <= 0).any(axis=-1)  # nan compares False: missing values pass
    change = np.where(positive, percentage_change(values, x), np.nan)
    return change, cagr(values, x)


def period_trend(values: Sequence[float | None]) -> dict[str, float | None]:
    """One series over the periods: ``change`` (percent per period) and ``cagr``
    (a fraction per period), None where undefined."""
    row = np.array([[math.nan if v is None else float(v) for v in values]])
    change, growth = period_trends(row)
    return {
        "change": None if math.isnan(change[0]) else round(float(change[0]), 12),
        "cagr": None if math.isnan(growth[0]) else round(float(growth[0]), 12),
    }


def spark(
    values: Sequence[float | None],
    *,
    low: float | None = None,
    high: float | None = None,
    width: int = 120,
    height: int = 28,
) -> str:
    """The points of an SVG polyline drawing ``values`` (None left out) between ``low``
    (bottom) and ``high`` (top), by default the series' own least and greatest."""
    present = [v for v in values if v is not None and not math.isnan(v)]
    if not present:
        return ""
    low = min(present) if low is None else low
    high = max(present) if high is None else high
    span = (high - low) or 1.0
    step = width / max(len(values) - 1, 1)
    return " ".join(
        f"{k * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}"
        for k, v in enumerate(values)
        if v is not None and not math.isnan(v)
    )
