"""Reading a year: its four quarters, the annual assessment, rank paths, most improved.

Only published results are read here, for everyone (the office included): a year page
is a public summary, and a draft quarter would tell a unit's unpublished rank. A
quarter without a published result is listed as waiting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from leitai.web.accounts.selectors import user_can_read_published
from leitai.web.assessments.models import Period, Snapshot, Unit, period_order
from leitai.web.assessments.selectors import (
    NotVisible,
    ResultView,
    period_label,
    period_published_snapshot,
    result_view,
    scheme_version_parsed,
)

QUARTERS = (1, 2, 3, 4)
# Ten distinct colours that stay apart on white and in print (Tableau 10).
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)


@dataclass
class Quarter:
    """One quarter of the year: its period (if opened) and its published result."""

    number: int
    code: str
    label: str
    period: Period | None
    snapshot: Snapshot | None
    view: ResultView | None

    @property
    def published(self) -> bool:
        return self.view is not None


@dataclass
class Annual:
    """The year's annual assessment: a period whose scheme takes values from the quarters."""

    period: Period
    label: str
    view: ResultView | None
    waiting_for: list[str] = field(default_factory=list)


@dataclass
class Year:
    year: int
    quarters: list[Quarter]
    annual: Annual | None

    @property
    def published(self) -> list[Quarter]:
        return [q for q in self.quarters if q.published]

    @property
    def views(self) -> list[ResultView]:
        """The published quarters' results, in order."""
        return [q.view for q in self.quarters if q.view is not None]


def quarter_code(year: int, number: int) -> str:
    return f"{year}Q{number}"


def year_read(*, year: int, user: Any) -> Year:
    """The year as ``user`` may read it, or :class:`NotVisible`.

    ``"missing"`` when no quarter of the year has a published result; ``"login"`` or
    ``"forbidden"`` when the person may not read published results at all.
    """
    if not user_can_read_published(user):
        raise NotVisible("forbidden" if getattr(user, "is_authenticated", False) else "login")
    codes = [quarter_code(year, q) for q in QUARTERS]
    periods = {
        p.code: p for p in Period.objects.filter(code__in=codes).select_related("scheme_version")
    }
    quarters = []
    for number, code in zip(QUARTERS, codes, strict=True):
        period = periods.get(code)
        snapshot = period_published_snapshot(period) if period is not None else None
        view = result_view(snapshot) if snapshot is not None else None
        quarters.append(Quarter(number, code, period_label(code), period, snapshot, view))
    if not any(q.published for q in quarters):
        raise NotVisible("missing")
    return Year(year=year, quarters=quarters, annual=year_annual(year=year))


def years_published() -> list[int]:
    """The years with at least one published quarter, latest first."""
    codes = (
        Snapshot.objects.published().values_list("period__code", flat=True).distinct().order_by()
    )
    years = {int(code[:4]) for code in codes if len(code) == 6 and code[4] in "Qq"}
    return sorted(years, reverse=True)


def year_annual(*, year: int) -> Annual | None:
    """The period of the year's annual assessment, if one is opened.

    It is the period whose scheme takes values from this year's quarters (spec
    section 11); its result is read only when published, and ``waiting_for`` names the
    quarters whose results it still needs.
    """
    from leitai.web.assessments.services import period_sources

    quarter_codes = {quarter_code(year, q) for q in QUARTERS}
    candidates = Period.objects.filter(code__startswith=str(year)).select_related("scheme_version")
    for period in candidates.exclude(code__in=quarter_codes).order_by(*period_order()):
        scheme = scheme_version_parsed(period.scheme_version)
        needed = set(getattr(scheme, "from_periods", ()) or ())
        if not needed or not needed & quarter_codes:
            continue
        snapshot = period_published_snapshot(period)
        waiting = [code for code, s in period_sources(period).items() if s is None]
        return Annual(
            period=period,
            label=period_label(period),
            view=result_view(snapshot) if snapshot is not None else None,
            waiting_for=[period_label(code) for code in waiting],
        )
    return None


def rank_all(row: dict[str, Any]) -> int:
    """A unit's rank among all units (its ``rank`` where the scheme ranks all together)."""
    value = row.get("rank_all")
    return int(value if value is not None else row["rank"])


def _board_columns(year: Year) -> list[dict[str, str]]:
    """The top-level boards of every published quarter, in the order they first appear."""
    seen: dict[str, str] = {}
    for view in year.views:
        for board in view.top_boards:
            seen.setdefault(board.id, board.name)
    return [{"id": board_id, "name": name} for board_id, name in seen.items()]


def unit_year(*, year: Year, unit: Unit) -> dict[str, Any]:
    """A unit's year: a row per quarter, the stars collected, its rank path, the annual
    result."""
    boards = _board_columns(year)
    rows = []
    for quarter in year.quarters:
        row = quarter.view.by_unit.get(unit.code) if quarter.view else None
        rows.append(_unit_quarter(quarter, row, boards))
    annual_row = None
    if year.annual is not None and year.annual.view is not None:
        annual_row = year.annual.view.by_unit.get(unit.code)
    n = max((len(view.rows) for view in year.views), default=1)
    return {
        "boards": boards,
        "rows": rows,
        "stars_total": sum(r["stars_total"] or 0 for r in rows if r["row"]),
        "stars_by_board": [
            {
                "name": b["name"],
                "stars": sum((r["stars"][i] or 0) for r in rows if r["row"]),
            }
            for i, b in enumerate(boards)
        ],
        "flags_total": sum(len(r["row"]["flag_list"]) for r in rows if r["row"]),
        "annual_row": annual_row,
        "annual_n": (
            len(year.annual.view.rows) if annual_row and year.annual and year.annual.view else None
        ),
        "chart": rank_path_chart(
            labels=[q.label for q in year.quarters],
            series=[{"name": unit.name, "ranks": [r["rank_all"] for r in rows]}],
            n=n,
        ),
    }


def _unit_quarter(
    quarter: Quarter, row: dict[str, Any] | None, boards: list[dict[str, str]]
) -> dict[str, Any]:
    if row is None or quarter.view is None:
        return {
            "quarter": quarter,
            "row": None,
            "rank_all": None,
            "stars": [None] * len(boards),
            "stars_total": None,
        }
    stars = [row["boards"].get(b["id"], {}).get("stars") for b in boards]
    return {
        "quarter": quarter,
        "row": row,
        "n": len(quarter.view.rows),
        "n_group": sum(1 for r in quarter.view.rows if r.get("group") == row.get("group")),
        "rank_all": rank_all(row),
        "stars": stars,
        "stars_total": row["stars_total"],
    }


def city_year(*, year: Year) -> dict[str, Any]:
    """Every unit's ranks over the year's quarters, the rank-path chart and the climbers."""
    units: dict[str, dict[str, Any]] = {}
    for index, quarter in enumerate(year.quarters):
        if quarter.view is None:
            continue
        for row in quarter.view.rows:
            entry = units.setdefault(
                row["unit"],
                {
                    "unit": row["unit"],
                    "name": row["name"],
                    "ranks": [None] * len(year.quarters),
                    "stars_total": 0,
                    "flags": 0,
                },
            )
            entry["ranks"][index] = rank_all(row)
            entry["stars_total"] += row["stars_total"]
            entry["flags"] += len(row["flag_list"])
    rows = list(units.values())
    for entry in rows:
        known = [r for r in entry["ranks"] if r is not None]
        entry["climb"] = known[0] - known[-1] if len(known) > 1 else None
    last = next((i for i in reversed(range(len(year.quarters))) if year.quarters[i].view), 0)
    rows.sort(key=lambda e: (e["ranks"][last] is None, e["ranks"][last] or 0, e["unit"]))
    n = max((len(view.rows) for view in year.views), default=1)
    return {
        "rows": rows,
        "most_improved": most_improved(rows),
        "stars_leaders": sorted(rows, key=lambda e: (-e["stars_total"], e["unit"]))[:3],
        "chart": rank_path_chart(
            labels=[q.label for q in year.quarters],
            series=[{"name": e["name"], "ranks": e["ranks"]} for e in rows],
            n=n,
        ),
    }


def most_improved(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The units that climbed most from their first to their last published quarter of
    the year (all those sharing the largest climb; none when nobody climbed)."""
    climbs = [e["climb"] for e in rows if e["climb"] is not None and e["climb"] > 0]
    if not climbs:
        return []
    best = max(climbs)
    return [e for e in rows if e["climb"] == best]


def rank_path_chart(*, labels: list[str], series: list[dict[str, Any]], n: int) -> dict[str, Any]:
    """The geometry of a rank-path chart, drawn as inline SVG by the template.

    One column per quarter, rank 1 at the top; each unit is a polyline of straight
    segments between the quarters it has a rank in (no smoothing), named at its last
    point. Quarters without a result leave a gap in every line.
    """
    left, right, top, step, col = 48, 170, 36, 30, 200
    width = left + col * (len(labels) - 1) + right
    height = top + step * (max(n, 1) - 1) + 36

    def x(i: int) -> int:
        return left + col * i

    def y(rank: int) -> int:
        return top + step * (rank - 1)

    lines = []
    for index, item in enumerate(series):
        points = [(i, r) for i, r in enumerate(item["ranks"]) if r is not None]
        segments = _segments(points)
        last = points[-1] if points else None
        lines.append(
            {
                "name": item["name"],
                "color": PALETTE[index % len(PALETTE)],
                "segments": [" ".join(f"{x(i)},{y(r)}" for i, r in seg) for seg in segments],
                "dots": [{"x": x(i), "y": y(r), "rank": r, "label": labels[i]} for i, r in points],
                "label_x": x(last[0]) + 10 if last else 0,
                "label_y": y(last[1]) + 5 if last else 0,
            }
        )
    return {
        "width": width,
        "height": height,
        "columns": [{"x": x(i), "label": label} for i, label in enumerate(labels)],
        "rows": [{"y": y(r), "rank": r} for r in range(1, max(n, 1) + 1)],
        "bottom": height - 10,
        "top": top,
        "x_first": x(0),
        "x_last": x(len(labels) - 1),
        "lines": lines,
    }


def _segments(points: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Runs of points in consecutive quarters: a line is not drawn across a gap."""
    out: list[list[tuple[int, int]]] = []
    for point in points:
        if out and out[-1][-1][0] == point[0] - 1:
            out[-1].append(point)
        else:
            out.append([point])
    return out
