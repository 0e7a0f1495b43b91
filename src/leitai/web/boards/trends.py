"""Trends over the periods and the comparison with the previous result, for the unit and
indicator pages (issue 16; the engine's :mod:`leitai.engine.panels`).

Which results a trend reads: the period shown and the periods before it (its chain of
previous periods, at most :data:`MAX_PERIODS`), each by its *published* result. The
one exception is the office reading a draft: the draft shown is the last point of its
trend. A unit's reporter reading their own draft sees the trend of the published
periods only, and no comparison: the comparison's correlation is computed over every
unit, whose drafts are not theirs to read.

The numbers (percentage change and compound growth per period, the periods numbered
1, 2, ... since they need not be a year long; sparklines) come from
:mod:`leitai.reports.chartdata`, the same as ``leitai plot``'s.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from leitai.reports.chartdata import period_trend, period_trends, spark
from leitai.web.accounts.selectors import user_can_read_published, user_is_office
from leitai.web.assessments.models import Period, Snapshot
from leitai.web.assessments.selectors import (
    ResultView,
    period_label,
    previous_chain,
    result_view,
)

MAX_PERIODS = 12
IMPROVED_SHOWN = 3


@dataclass(frozen=True)
class Point:
    """One period of a trend: the period, its label, the result read and its view."""

    period: Period
    label: str
    snapshot: Snapshot
    view: ResultView

    @property
    def draft(self) -> bool:
        return not self.snapshot.is_published


def trend_points(*, user: Any, period: Period, shown: Snapshot) -> list[Point]:
    """The results a trend up to ``period`` reads for ``user``, oldest first.

    ``shown`` is the result of ``period`` the page shows; it is used only where it is
    published or ``user`` is the office (the office's draft). The chain of previous
    periods and their published results are read in three queries, not two a period."""
    readable = user_can_read_published(user)
    chain = _chain(period)
    latest: dict[int, Snapshot] = {}
    if readable:
        latest = _latest_published([p.pk for p in chain])
    points: list[Point] = []
    for current in chain:
        if len(points) >= MAX_PERIODS:
            break
        if current.pk == period.pk and (shown.is_published or user_is_office(user)):
            snapshot: Snapshot | None = shown
        else:
            snapshot = latest.get(current.pk) if readable else None
        if snapshot is not None:
            points.insert(0, Point(current, period_label(current), snapshot, result_view(snapshot)))
    return points


def _chain(period: Period) -> list[Period]:
    """``period`` and its previous periods, newest first, each once (a loop ends it)."""
    periods = {p.pk: p for p in Period.objects.select_related("scheme_version")}
    return previous_chain(period, periods)


def _latest_published(period_ids: list[int]) -> dict[int, Snapshot]:
    """The current published result of each period (its latest published revision),
    as :func:`period_published_snapshot` finds it."""
    if not period_ids:
        return {}
    newest: dict[int, int] = {}
    for period_id, pk in (
        Snapshot.objects.published()
        .filter(period_id__in=period_ids)
        .order_by("period_id", "revision")
        .values_list("period_id", "pk")
    ):
        newest[period_id] = pk
    found = Snapshot.objects.select_related("period").in_bulk(list(newest.values()))
    return {period_id: found[pk] for period_id, pk in newest.items()}


def _direction_sign(view: ResultView, indicator: str) -> int:
    """+1 where a higher value is better, -1 where lower is."""
    item = view.indicator(indicator)
    if item is None:
        return 1
    _method, direction, _missing = view.scheme.resolved(item)
    return -1 if direction == "lower" else 1


def _trend_row(values: Sequence[float | None], sign: int = 1) -> dict[str, Any]:
    trend = period_trend(values)
    change = trend["change"]
    return {
        "spark": spark(values),
        "change": change,
        "cagr": None if trend["cagr"] is None else trend["cagr"] * 100.0,
        # Better or worse, whichever way the indicator points.
        "better": None if not change else (change * sign > 0),
    }


def _unit_cells(points: list[Point], unit: str) -> list[dict[str, Any] | None]:
    return [p.view.by_unit.get(unit) for p in points]


def unit_trend(points: list[Point], unit: str) -> dict[str, Any]:
    """The unit's composite, boards and indicators over ``points``: per period the
    number (score, or an indicator's value), its score and rank; per row the change,
    compound growth and sparkline (of the score for the composite and boards, of the
    value for indicators)."""
    rows_of = _unit_cells(points, unit)
    if sum(r is not None for r in rows_of) < 2:
        return {"periods": [], "rows": []}
    rows: list[dict[str, Any]] = []
    composite = [
        None if r is None else {"number": r["score"], "score": r["score"], "rank": r["rank"]}
        for r in rows_of
    ]
    rows.append(_series_row("composite", "", composite))
    latest = points[-1].view
    for board in latest.boards:
        cells = []
        for r in rows_of:
            cell = None if r is None else r["boards"].get(board.id)
            cells.append(
                None
                if cell is None
                else {"number": cell["score"], "score": cell["score"], "rank": cell["rank"]}
            )
        rows.append(_series_row("board", board.name, cells, depth=board.depth))
    for item in latest.scheme.all_indicators():
        cells = []
        for p in points:
            explained = p.view.explanations.get(unit, {}).get("indicators", [])
            found = next((i for i in explained if i["indicator"] == item.id), None)
            cells.append(
                None
                if found is None
                else {"number": found["value"], "score": found["score"], "rank": found["rank"]}
            )
        row = _series_row(
            "indicator", item.name, cells, sign=_direction_sign(latest, item.id), key=item.id
        )
        row["unit_of_measure"] = item.unit
        rows.append(row)
    for row in rows:  # each cell with its period's name (a phone shows it beside the number)
        row["columns"] = [
            {"label": p.label, "cell": c} for p, c in zip(points, row["cells"], strict=True)
        ]
    return {"periods": [_period_head(p) for p in points], "rows": rows}


def _period_head(point: Point) -> dict[str, Any]:
    return {"label": point.label, "code": point.period.code, "draft": point.draft}


def _series_row(
    kind: str,
    name: str,
    cells: list[dict[str, Any] | None],
    *,
    sign: int = 1,
    depth: int = 0,
    key: str = "",
) -> dict[str, Any]:
    numbers = [None if c is None else c["number"] for c in cells]
    return {
        "kind": kind,
        "key": key,
        "name": name,
        "depth": depth,
        "cells": cells,
        **_trend_row(numbers, sign),
    }


def indicator_trend(points: list[Point], indicator: str) -> dict[str, Any]:
    """One indicator's value for every unit over ``points`` (units in the order of the
    latest result), each unit's change, compound growth and sparkline on one scale for
    all, and the units that improved most (by the change, turned round for an indicator
    where lower is better)."""
    if len(points) < 2:
        return {"periods": [], "rows": [], "improved": []}
    latest = points[-1].view
    sign = _direction_sign(latest, indicator)
    units = [(r["unit"], r["name"]) for r in latest.rows]
    values = np.full((len(units), len(points)), np.nan)
    for t, p in enumerate(points):
        for u, (unit, _name) in enumerate(units):
            cell = (p.view.by_unit.get(unit) or {}).get("indicators", {}).get(indicator) or {}
            value = cell.get("value")
            if isinstance(value, int | float) and not isinstance(value, bool):
                values[u, t] = value
    change, growth = period_trends(values)
    present = values[~np.isnan(values)]
    low, high = (float(present.min()), float(present.max())) if present.size else (0.0, 1.0)
    rows = []
    for u, (unit, name) in enumerate(units):
        series = [None if math.isnan(v) else float(v) for v in values[u]]
        rows.append(
            {
                "unit": unit,
                "name": name,
                "values": series,
                "columns": [
                    {"label": p.label, "value": v} for p, v in zip(points, series, strict=True)
                ],
                "spark": spark(series, low=low, high=high),
                "change": None if math.isnan(change[u]) else float(change[u]),
                "cagr": None if math.isnan(growth[u]) else float(growth[u]) * 100.0,
                "better": None
                if math.isnan(change[u]) or change[u] == 0
                else bool(change[u] * sign > 0),
            }
        )
    improved = sorted((r for r in rows if r["better"]), key=lambda r: -abs(r["change"] or 0.0))[
        :IMPROVED_SHOWN
    ]
    return {
        "periods": [_period_head(p) for p in points],
        "rows": rows,
        "improved": improved,
        "lower_better": sign < 0,
    }


def unit_comparison(points: list[Point], unit: str, shown: Snapshot) -> dict[str, Any] | None:
    """The shown result against the one before it in ``points`` (the engine's comparison
    of two builds): the unit's rank before and after in the composite and each board,
    and Spearman's correlation of each over all units. None where the shown result is
    not the last of ``points`` (a reporter's own draft) or there is none before it."""
    from leitai.engine.panels import compare_results

    if len(points) < 2 or points[-1].snapshot.pk != shown.pk:
        return None
    before, after = points[-2], points[-1]
    out = compare_results(before.snapshot.result_dict, after.snapshot.result_dict)
    if unit not in out.units:
        return None
    u = out.units.index(unit)
    names = {b.id: b.name for b in after.view.boards}
    rows = []
    for s, key in enumerate(out.series):
        if key != "score" and key not in names:
            continue  # a board of the earlier scheme only
        row = out.row(u, s)
        spearman = out.spearman[s]
        rows.append(
            dict(
                row,
                name=names.get(key, ""),
                composite=key == "score",
                spearman=None if math.isnan(spearman) else float(spearman),
            )
        )
    return {
        "before": _period_head(before),
        "after": _period_head(after),
        "rows": rows,
        "same_scheme": before.snapshot.scheme_version_id == after.snapshot.scheme_version_id,
    }


def indicator_comparison(points: list[Point], indicator: str) -> dict[str, Any] | None:
    """Spearman's correlation of the indicator's scores between the last two of
    ``points`` over the units scored in both, and how many units changed their rank on
    it. None with fewer than two points."""
    from leitai.engine.panels import average_ranks

    if len(points) < 2:
        return None
    before, after = points[-2], points[-1]
    pairs = []
    moved = 0
    for row in after.view.rows:
        now = (row.get("indicators") or {}).get(indicator) or {}
        then = ((before.view.by_unit.get(row["unit"]) or {}).get("indicators") or {}).get(
            indicator
        ) or {}
        if isinstance(now.get("score"), int | float) and isinstance(then.get("score"), int | float):
            pairs.append((float(then["score"]), float(now["score"])))
    ranks_then = _indicator_ranks(before, indicator)
    ranks_now = _indicator_ranks(after, indicator)
    moved = sum(
        1
        for unit, rank in ranks_now.items()
        if unit in ranks_then and rank is not None and ranks_then[unit] not in (None, rank)
    )
    rho = None
    if len(pairs) >= 3:
        x, y = (np.array(c) for c in zip(*pairs, strict=True))
        rx, ry = average_ranks(x), average_ranks(y)
        if rx.std() > 0 and ry.std() > 0:
            rho = float(np.corrcoef(rx, ry)[0, 1])
    return {
        "before": _period_head(before),
        "after": _period_head(after),
        "spearman": rho,
        "units": len(pairs),
        "moved": moved,
    }


def _indicator_ranks(point: Point, indicator: str) -> dict[str, int | None]:
    out = {}
    for unit, explained in point.view.explanations.items():
        found = next((i for i in explained["indicators"] if i["indicator"] == indicator), None)
        if found is not None:
            out[unit] = found["rank"]
    return out
