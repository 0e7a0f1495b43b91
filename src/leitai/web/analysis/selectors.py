"""Reading analyses: who may run a what-if, and the pages' numbers, arranged.

Everything here starts from a snapshot's own stored inputs (the table the result was
computed from and the previous ranks it used), never from the period's current
figures: an analysis of a published result must describe that result.
"""

from __future__ import annotations

import csv
import io
import math
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, cast

from django.utils.translation import gettext as _

from leitai.engine import Scheme as EngineScheme
from leitai.engine import assess
from leitai.engine.data import PeriodData, parse_number
from leitai.engine.diagnostics import IndicatorAudit, diagnose
from leitai.engine.result import Result
from leitai.engine.sensitivity import SensitivityDict
from leitai.engine.whatif import WhatIfRow, crossings, recompute, what_it_takes
from leitai.io import read_table
from leitai.reports.chartdata import uncertainty_rows
from leitai.web.accounts.selectors import analysis_visible_to, user_is_office, user_reports_for
from leitai.web.analysis.models import AnalysisRun
from leitai.web.analysis.options import RunSettings
from leitai.web.analysis.types import (
    BuildOption,
    BuildsReport,
    CollinearNames,
    Correlation,
    DiagnosticsTables,
    FlagChance,
    GoalLabel,
    HeatCell,
    HeatRow,
    IndexRow,
    IndicatorNotes,
    RankChart,
    RobustnessRow,
    RobustnessTables,
    Standing,
    StarCell,
    StarRow,
    StarTable,
    TrendReport,
    TrendRow,
    WhatIfCell,
    WhatIfGroup,
    WhatIfItem,
    WhatIfOutcome,
    WhatIfReport,
)
from leitai.web.assessments.models import Period, Snapshot, Unit
from leitai.web.assessments.selectors import (
    NotVisible,
    ResultView,
    period_draft_snapshot,
    period_published_snapshot,
    scheme_version_parsed,
    snapshot_others,
    snapshot_visible,
)
from leitai.web.caching import sealed_get, sealed_set

_lock = threading.Lock()
_data: OrderedDict[tuple[int, str], PeriodData] = OrderedDict()
_DATA_CACHE_SIZE = 32
WHATIF_CACHE_SECONDS = 24 * 3600


# -- a snapshot's inputs ---------------------------------------------------------------


def snapshot_period_data(snapshot: Snapshot) -> tuple[EngineScheme, PeriodData]:
    """The scheme and the data table a snapshot was computed from (parsed once per process)."""
    scheme = scheme_version_parsed(snapshot.scheme_version)
    key = (snapshot.pk, snapshot.inputs_sha256)
    data = _data.get(key)
    if data is None:
        data = read_table(
            snapshot.inputs.encode("utf-8"), scheme, filename=f"{snapshot.period.code}.csv"
        )
        with _lock:
            _data[key] = data
            while len(_data) > _DATA_CACHE_SIZE:
                _data.popitem(last=False)
    return scheme, data


def snapshot_unit_inputs(snapshot: Snapshot, unit: str) -> dict[str, str]:
    """A unit's figures in the snapshot's input table, as they were written."""
    reader = csv.DictReader(io.StringIO(snapshot.inputs))
    return {row["indicator"]: row["value"] for row in reader if row["unit"] == unit}


def whatif_reported(*, snapshot: Snapshot, unit: str) -> dict[str, str]:
    """The unit's indicator values as written, in the scheme's order ("" when missing)."""
    scheme = scheme_version_parsed(snapshot.scheme_version)
    written = snapshot_unit_inputs(snapshot, unit)
    return {ind.id: written.get(ind.id, "") for ind in scheme.all_indicators()}


def _assess(snapshot: Snapshot, data: PeriodData, scheme: EngineScheme) -> Result:
    return assess(
        scheme,
        data,
        previous=snapshot.previous_ranks,
        period=snapshot.period.code,
        others=snapshot_others(snapshot),
    )


# -- what-if: who may --------------------------------------------------------------------


def user_may_whatif(*, user: Any, unit: Unit, snapshot: Snapshot) -> bool:
    """Whether ``user`` may run what-ifs for ``unit`` on ``snapshot``.

    The office may, for any unit and any result it can read. A unit's own reporter
    may on a published result only: on a draft, what-ifs would show them how far
    their not yet final figures are from the next place, star or flag, and so how to
    tune them before publication (and, by trying values, how far the other units'
    unpublished scores are). Viewers and visitors may not: editing values is a
    planning tool for the office and the units, although a what-if on published data
    reveals nothing secret.
    """
    if user_is_office(user):
        return True
    return user_reports_for(user, unit.pk) and snapshot.is_published and analysis_visible_to(user)


def whatif_snapshot(*, period: Period, user: Any, unit: Unit) -> Snapshot:
    """The snapshot ``user`` may run what-ifs on for ``unit``, or :class:`NotVisible`."""
    if not getattr(user, "is_authenticated", False):
        raise NotVisible("login")
    if user_is_office(user):
        return snapshot_visible(period=period, user=user, unit=unit)
    if not (user_reports_for(user, unit.pk) and analysis_visible_to(user)):
        raise NotVisible("forbidden")
    published = period_published_snapshot(period)
    if published is not None:
        return published
    # The reporter can read their own draft, so its existence is no secret to them.
    raise NotVisible("forbidden" if period_draft_snapshot(period) is not None else "missing")


# -- what-if: the smallest changes ---------------------------------------------------------


def _digits(step: float | None) -> int:
    if not step:
        return 2
    return max(0, -round(math.log10(step)))


def _fixed(value: float | None, digits: int) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _reason_text(row: WhatIfRow) -> str:
    reason = row.get("reason")
    if reason == "met":
        return _("already so")
    if reason == "vetoed":
        return _("vetoed")
    if reason == "capped":
        return _("score already at its ceiling")
    if reason == "bound":
        return _("would need a negative value")
    if reason == "no_target":
        return _("no target set")
    if reason == "any_value":
        return _("report any value")
    if reason == "limit":
        return _("not enough alone")
    return reason or ""


def _reason_detail(row: WhatIfRow) -> str:
    if row.get("reason") == "limit" and row.get("best_rank") is not None:
        return _("at best No. %(rank)s, %(stars)s★") % {
            "rank": row["best_rank"],
            "stars": row["best_stars"],
        }
    return ""


def whatif_report(*, snapshot: Snapshot, unit: str) -> WhatIfReport:
    """For each of the unit's indicators, the smallest change that moves it (cached).

    The engine's :func:`what_it_takes` rows are arranged a row per indicator and a
    cell per goal: one place up, one more star in the indicator's board, each flag.
    """
    key = f"leitai:whatif:{snapshot.pk}:{snapshot.result_sha256}:{unit}"
    rows: list[WhatIfRow] | None = sealed_get(key)
    scheme, data = snapshot_period_data(snapshot)
    if rows is None:
        rows = what_it_takes(
            scheme, data, unit, previous=snapshot.previous_ranks, others=snapshot_others(snapshot)
        ).rows
        sealed_set(key, rows, WHATIF_CACHE_SECONDS)
    written = snapshot_unit_inputs(snapshot, unit)
    flags = [(f.id, f.name) for f in scheme.flags]
    boards = {b.id: b.name for b in scheme.boards}
    by_indicator: dict[str, dict[tuple[str, str | None], WhatIfRow]] = {}
    for row in rows:
        by_indicator.setdefault(row["indicator"], {})[(row["goal"], row["flag"])] = row
    groups: list[WhatIfGroup] = []
    for board in scheme.boards:
        items: list[WhatIfItem] = []
        for indicator in board.all_indicators():
            goals = by_indicator.get(indicator.id)
            if goals is None:
                continue
            first = goals[("rank", None)]
            digits = _digits(first["step"])
            cells: list[WhatIfCell] = []
            for goal_key in [("rank", None), ("stars", None), *[("flag", f) for f, _n in flags]]:
                row = goals[goal_key]
                cell: WhatIfCell = {
                    "goal": row["goal"],
                    "flag": row["flag"],
                    "status": row["status"],
                    "reason": row["reason"],
                    "reason_text": _reason_text(row),
                    "reason_detail": _reason_detail(row),
                    "verified": row["verified"],
                    "want": row["want"],
                    "new_rank": row["new_rank"],
                    "new_stars": row["new_stars"],
                    "required": row["required"],
                    "required_text": _fixed(row["required"], digits),
                    "change_text": (
                        "" if row["change"] is None else f"{row['change']:+.{digits}f}"
                    ),
                }
                cells.append(cell)
            items.append(
                {
                    "indicator": indicator.id,
                    "name": indicator.name,
                    "unit_of_measure": indicator.unit or "",
                    "direction": scheme.resolved(indicator)[1],
                    "written": written.get(indicator.id, ""),
                    "value": first["value"],
                    "step_text": _fixed(first["step"], digits),
                    "cells": cells,
                }
            )
        if items:
            groups.append({"board": board.id, "name": boards[board.id], "items": items})
    u = scheme.unit_ids.index(unit)
    result = _assess(snapshot, data, scheme)
    rank = int(result.rank[u])
    up: GoalLabel = (
        {"key": "rank", "label": _("Up one place (to No. %(rank)s)") % {"rank": rank - 1}}
        if rank > 1
        else {"key": "rank", "label": _("Up one place")}
    )
    goal_labels: list[GoalLabel] = [
        up,
        {"key": "stars", "label": _("One more star in its board")},
        *[GoalLabel(key=f"flag:{f}", label=name) for f, name in flags],
    ]
    return {
        "unit": unit,
        "rank": rank,
        "score": float(result.composite[u]),
        "n": len(scheme.units),
        "goals": goal_labels,
        "groups": groups,
        "rows": rows,
    }


# -- what-if: recomputing with edited values ---------------------------------------------


def _summary(result: Result, u: int) -> Standing:
    scheme = result.scheme
    top_ids = {board.id for board in scheme.boards}
    top = [(b, board) for b, board in enumerate(result.boards) if board.id in top_ids]
    return {
        "rank": int(result.rank[u]),
        "score": float(result.composite[u]),
        "stars": {board.id: int(result.stars[u, b]) for b, board in top},
        "flags": result.flag_ids(u),
        "grade": result.grades[u],
    }


def whatif_outcome(*, snapshot: Snapshot, unit: str, values: Mapping[str, Any]) -> WhatIfOutcome:
    """The unit's rank, stars, flags and grade if its figures were ``values``.

    ``values`` maps indicator ids to text as a person types it; ids that are not
    indicators of the scheme are ignored (the unit is the one given, never one named
    in the values), and values equal to the reported ones are not edits. Nothing is
    stored.
    """
    scheme, data = snapshot_period_data(snapshot)
    u = scheme.unit_ids.index(unit)
    columns = {ind.id: j for j, ind in enumerate(scheme.all_indicators())}
    names = {ind.id: ind.name for ind in scheme.all_indicators()}
    edits: dict[str, float | None] = {}
    errors: dict[str, str] = {}
    for indicator, raw in values.items():
        if indicator not in columns:
            continue
        text = str(raw if raw is not None else "").strip()[:100]
        try:
            number = parse_number(text)
        except ValueError:
            errors[indicator] = _("Not a number: %(text)s") % {"text": text}
            continue
        current = float(data.values[u, columns[indicator]])
        if (number is None and math.isnan(current)) or (
            number is not None and not math.isnan(current) and number == current
        ):
            continue
        edits[indicator] = number
    before = _assess(snapshot, data, scheme)
    after = (
        recompute(
            scheme,
            data,
            {unit: edits},
            previous=snapshot.previous_ranks,
            period=snapshot.period.code,
            others=snapshot_others(snapshot),
        )
        if edits
        else before
    )
    b, a = _summary(before, u), _summary(after, u)
    flag_names = {f.id: f.name for f in scheme.flags}
    unit_names = {x.id: x.name for x in scheme.units}
    crossed = crossings(before, after, u)
    return {
        "unit": unit,
        "n": len(scheme.units),
        "edited": [
            {
                "indicator": k,
                "name": names[k],
                "before": None
                if math.isnan(data.values[u, columns[k]])
                else float(data.values[u, columns[k]]),
                "after": v,
            }
            for k, v in edits.items()
        ],
        "errors": errors,
        "before": b,
        "after": a,
        "rank_change": b["rank"] - a["rank"],
        "stars": [
            {
                "board": board.id,
                "name": board.name,
                "before": b["stars"][board.id],
                "after": a["stars"][board.id],
            }
            for board in scheme.boards
        ],
        "flags": [
            {"id": f, "name": flag_names[f], "before": f in b["flags"], "after": f in a["flags"]}
            for f in flag_names
        ],
        "passed": [unit_names[scheme.unit_ids[v]] for v in crossed.passed],
        "overtaken_by": [unit_names[scheme.unit_ids[v]] for v in crossed.overtaken_by],
    }


# -- robustness ---------------------------------------------------------------------------


def analysis_run_of(*, snapshot: Snapshot, run_settings: RunSettings) -> AnalysisRun | None:
    return (
        AnalysisRun.objects.select_related("job")
        .filter(snapshot=snapshot, key=run_settings.key)
        .first()
    )


def analysis_runs_listed(*, snapshot: Snapshot) -> list[AnalysisRun]:
    """The snapshot's runs, newest first, without their (large) results."""
    return list(
        AnalysisRun.objects.filter(snapshot=snapshot)
        .defer("result")
        .select_related("created_by")
        .order_by("-created_at")
    )


def input_label(name: str, share: float) -> str:
    labels = {
        "weights": _("Weights and board points (±%(share)s%%)") % {"share": f"{share * 100:g}"},
        "methods": _("Normalisation method of each indicator"),
        "missing": _("Missing-value policy"),
        "leave_one_out": _("Leaving out one indicator"),
    }
    return labels.get(name, name)


def percent_text(p: float) -> str:
    """A probability as a whole percentage that never rounds a possibility away."""
    if p <= 0:
        return "0"
    if p < 0.005:
        return "<1"
    if p >= 1:
        return "100"
    if p > 0.995:
        return ">99"
    return f"{p * 100:.0f}"


def robustness_tables(*, run: AnalysisRun, view: ResultView) -> RobustnessTables:
    """A finished run arranged for the page: chart data, unit rows, stars and indices."""
    # The run's stored JSON is what SensitivityResult.to_dict wrote (services.run_robustness).
    document = cast(SensitivityDict, run.result_dict)
    s = run.run_settings
    units = document["units"]
    flags = view.flags
    n = len(units)
    # The chart's numbers are the rows `leitai plot uncertainty` draws (one shaping for both).
    points = uncertainty_rows(document)
    chart: RankChart = {
        "labels": [p["name"] for p in points],
        "nominal": [int(p["rank"]) for p in points],
        "median": [p["median"] for p in points],
        "interval": [[p["p5"], p["p95"]] for p in points],
        "n": n,
        "nominal_label": _("Rank as published"),
        "median_label": _("Median rank"),
        "interval_label": _("5th–95th percentile of rank"),
        "axis_label": _("Rank"),
    }
    rows: list[RobustnessRow] = []
    for u in units:
        nominal_flags = set(view.by_unit[u["unit"]]["flags"])
        rows.append(
            {
                "unit": u["unit"],
                "name": u["name"],
                "rank": u["rank"],
                "score": u["score"],
                "median": u["median"],
                "p5": int(u["p5"]),
                "p95": int(u["p95"]),
                "solid": u["p5"] == u["p95"],
                # Positions of the interval on a 0-100 track of ranks 1..n (for the CSS bar).
                "left": 100.0 * (u["p5"] - 1) / n,
                "width": 100.0 * (u["p95"] - u["p5"] + 1) / n,
                "mark": 100.0 * (u["rank"] - 0.5) / n,
                "flags": [
                    FlagChance(
                        id=f,
                        name=name,
                        p=u["flags"].get(f, 0.0),
                        text=percent_text(u["flags"].get(f, 0.0)),
                        held=f in nominal_flags,
                    )
                    for f, name in flags.items()
                ],
            }
        )
    star_tables: list[StarTable] = []
    for board in view.top_boards:
        values: set[int] = set()
        for u in units:
            values.update(int(v) for v in u["stars"].get(board.id, {}))
        values.update(int(view.by_unit[u["unit"]]["boards"][board.id]["stars"] or 0) for u in units)
        columns = sorted(values)
        table_rows: list[StarRow] = []
        for u in units:
            probs = u["stars"].get(board.id, {})
            nominal = view.by_unit[u["unit"]]["boards"][board.id]["stars"]
            table_rows.append(
                {
                    "name": u["name"],
                    "nominal": nominal,
                    "p_nominal": probs.get(str(nominal), 0.0),
                    "cells": [
                        StarCell(
                            stars=v,
                            p=probs.get(str(v), 0.0),
                            text=percent_text(probs.get(str(v), 0.0)),
                            nominal=v == nominal,
                        )
                        for v in columns
                    ],
                }
            )
        star_tables.append({"board": board, "columns": columns, "rows": table_rows})
    indices: list[IndexRow] = [
        {
            "input": row["input"],
            "label": input_label(row["input"], s.weights),
            "first_order": row["first_order"],
            "total": row["total"],
        }
        for row in document.get("indices", [])
    ]
    return {
        "chart": chart,
        "rows": rows,
        "star_tables": star_tables,
        "indices": indices,
        "mean_rank_shift": document.get("mean_rank_shift"),
        "evaluations": document.get("evaluations"),
        "inputs": [input_label(name, s.weights) for name in document.get("inputs", [])],
        "unstable": sum(1 for r in rows if not r["solid"]),
        # A line per unit that its name fits, plus the axis and the legend.
        "chart_height": max(16, round(2.1 * len(rows) + 7)),
    }


# -- diagnostics --------------------------------------------------------------------------


def _heat(r: float | None) -> str:
    """A background for a correlation: red for positive, blue for negative."""
    if r is None:
        return "#f4f4f4"
    alpha = min(1.0, abs(r)) * 0.85
    return f"rgba(179,18,29,{alpha:.2f})" if r >= 0 else f"rgba(31,78,140,{alpha:.2f})"


def _notes(row: IndicatorAudit) -> list[str]:
    """What the audit found in an indicator, in words (barely discriminating is not said
    of an indicator whose values are all equal)."""
    checks = (
        (row["outlier"], _("outliers")),
        (row["all_equal"], _("all values equal")),
        (row["low_discrimination"] and not row["all_equal"], _("barely discriminates")),
        (row["low_availability"], _("low availability")),
    )
    return [text for found, text in checks if found]


def diagnostics_tables(*, snapshot: Snapshot) -> DiagnosticsTables:
    """The statistical audit of the snapshot's data, arranged for the page."""
    scheme, data = snapshot_period_data(snapshot)
    report = diagnose(scheme, data, others=snapshot_others(snapshot)).to_dict()
    boards = {b.id: b.name for b in scheme.all_boards()}
    indicators: list[IndicatorNotes] = [
        {
            **row,
            "number": number,
            "board_name": boards.get(row["board"], row["board"]),
            "notes": _notes(row),
        }
        for number, row in enumerate(report["indicators"], start=1)
    ]
    ids = report["correlation"]["indicators"]
    matrix = report["correlation"]["matrix"]
    limit = report["thresholds"]["correlation"]
    number_of = {row["indicator"]: row["number"] for row in indicators}
    heat_rows: list[HeatRow] = []
    for a, row in enumerate(indicators):
        cells: list[HeatCell] = []
        for b, _other in enumerate(ids):
            r = matrix[a][b]
            cells.append(
                {
                    "r": r,
                    "diagonal": a == b,
                    "high": a != b and r is not None and r > limit,
                    "text": "" if r is None else f"{r:.2f}".replace("0.", ".", 1),
                    "background": "#fff" if a == b else _heat(r),
                    "dark": r is not None and abs(r) >= 0.55 and a != b,
                    "title": f"{row['name']} × {indicators[b]['name']}{_(': ')}"
                    + ("—" if r is None else f"{r:.2f}"),
                }
            )
        heat_rows.append({"row": row, "cells": cells})
    names = {row["indicator"]: row["name"] for row in indicators}
    collinear: list[CollinearNames] = [
        {
            **pair,
            "a_name": names[pair["a"]],
            "b_name": names[pair["b"]],
            "a_number": number_of[pair["a"]],
            "b_number": number_of[pair["b"]],
            "board_name": boards.get(pair["board"]) if pair["board"] else None,
        }
        for pair in report["collinear"]
    ]
    result = _assess(snapshot, data, scheme)
    return {
        "indicators": indicators,
        "heat_rows": heat_rows,
        "numbers": [row["number"] for row in indicators],
        "collinear": collinear,
        "alpha": report["alpha"],
        "thresholds": report["thresholds"],
        "flagged": sum(1 for row in indicators if row["notes"]),
        "preparation": list(result.preparation),
    }


# -- two builds compared, trends over periods (docs/methods.md, section G) ---------------

BUILDS_MOVERS = 10


def builds_options() -> list[BuildOption]:
    """Every snapshot of every period, drafts included (the office's page), newest
    period first: ``{"snapshot", "label"}``."""
    from leitai.web.assessments.selectors import period_label

    snapshots = (
        Snapshot.objects.select_related("period")
        .defer("inputs", "explanations", "result")
        .order_by("-period__code", "-revision")
    )
    out: list[BuildOption] = []
    for snapshot in snapshots:
        label = _("%(period)s, revision %(revision)s (%(state)s)") % {
            "period": period_label(snapshot.period),
            "revision": snapshot.revision,
            "state": snapshot.get_state_display(),
        }
        out.append({"snapshot": snapshot, "label": label})
    return out


def builds_latest(period: Period) -> Snapshot | None:
    """The period's newest revision, draft or published."""
    return period.snapshots.select_related("period", "scheme_version").order_by("-revision").first()


def builds_default(snapshot: Snapshot) -> Snapshot | None:
    """What a snapshot is compared with by default: the period's revision before it,
    else the previous period's published result."""
    from leitai.web.assessments.selectors import period_previous_snapshot

    earlier = (
        snapshot.period.snapshots.filter(revision__lt=snapshot.revision)
        .order_by("-revision")
        .first()
    )
    return earlier or period_previous_snapshot(snapshot.period)


def _series_names(*snapshots: Snapshot) -> dict[str, str]:
    names = {"score": _("Composite score")}
    for snapshot in snapshots:
        scheme = scheme_version_parsed(snapshot.scheme_version)
        for board in scheme.all_boards():
            names.setdefault(board.id, board.name)
    return names


def builds_report(*, before: Snapshot, after: Snapshot, series: str) -> BuildsReport:
    """Two snapshots compared by the engine: correlations per series, the units moving
    most and every unit's ranks and scores for ``series`` (the composite or a board).

    Raises
    ------
    NotVisible
        ``missing`` where neither result has the series.
    """
    import numpy as np

    from leitai.engine.panels import compare_results

    out = compare_results(before.result_dict, after.result_dict)
    if series not in out.series:
        raise NotVisible("missing")
    names = _series_names(before, after)

    def fixed(value: float) -> str | None:
        return None if math.isnan(value) else f"{value:.3f}"

    correlations: list[Correlation] = [
        {
            "series": key,
            "name": names.get(key, key),
            "spearman": fixed(out.spearman[s]),
            "pearson": fixed(out.pearson[s]),
            "moved": int((np.nan_to_num(out.rank_change[:, s]) != 0).sum()),
            "current": key == series,
        }
        for s, key in enumerate(out.series)
    ]
    return {
        "series": series,
        "series_name": names.get(series, series),
        "correlations": correlations,
        "movers": out.movers(series, BUILDS_MOVERS),
        "rows": out.table(series),
    }


def trend_report(*, user: Any, upto: Period) -> TrendReport:
    """Each unit's composite over ``upto`` and the periods before it (its chain of
    previous periods) that ``user`` may read, with its compound growth per period (the
    engine's CAGR with the periods numbered 1, 2, ...: periods are not all a year
    long)."""
    import numpy as np

    from leitai.engine.panels import trends
    from leitai.web.assessments.selectors import period_label, periods_visible

    readable = {p.pk: (p, s) for p, s in periods_visible(user=user)}
    chosen: list[tuple[Period, Snapshot]] = []
    period_id: int | None = upto.pk
    while period_id in readable and len(chosen) < len(readable):
        chosen.insert(0, readable[period_id])
        period_id = readable[period_id][0].previous_id
    if len(chosen) < 2:
        return {"periods": [], "rows": []}
    documents = [s.result_dict for _p, s in chosen]
    out = trends(documents, list(range(1, len(chosen) + 1)), what="composite")
    present = out.values[~np.isnan(out.values)]
    low, high = (float(present.min()), float(present.max())) if present.size else (0.0, 1.0)
    rows: list[TrendRow] = []
    for u, unit in enumerate(out.units):
        scores: list[float | None] = [None if math.isnan(v) else float(v) for v in out.values[u, 0]]
        growth = out.trend[u, 0]
        rows.append(
            {
                "unit": unit,
                "name": out.names[u],
                "scores": scores,
                "growth": None if math.isnan(growth) else float(growth) * 100.0,
                "spark": _spark(scores, low, high),
            }
        )
    rows.sort(key=lambda r: (r["growth"] is None, -(r["growth"] or 0.0)))
    return {"periods": [period_label(p) for p, _s in chosen], "rows": rows}


SPARK_WIDTH, SPARK_HEIGHT = 120, 28


def _spark(scores: list[float | None], low: float, high: float) -> str:
    """SVG polyline points of a unit's scores, on one scale for every unit."""
    span = (high - low) or 1.0
    step = SPARK_WIDTH / max(len(scores) - 1, 1)
    points = [
        f"{k * step:.1f},{SPARK_HEIGHT - 2 - (v - low) / span * (SPARK_HEIGHT - 4):.1f}"
        for k, v in enumerate(scores)
        if v is not None
    ]
    return " ".join(points)
