"""Reading targets and their progress.

Every figure of progress comes from the engine (:mod:`leitai.engine.targets`): the
rows stored here are turned into the engine's ``Target`` and ``Actual`` and handed to
``progress_all`` or ``trajectory``. Nothing here computes a percentage itself.

Who may read what:

- targets, their actuals, notes and progress: every role (office, viewer, reporters)
  and, while the office has the public boards on, visitors who are not logged in (and
  accounts without a role), exactly like published results
  (:func:`leitai.web.accounts.selectors.user_can_read_published`). Pledges are made in
  public at the arena and their progress is what the public boards are for;
- evidence files: only the office and the reporter of the target's unit, since they
  may be internal documents;
- reporting actuals: the reporter of the target's unit (and the office);
- creating, editing and importing targets: the office.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Max
from django.utils import timezone

from leitai.engine import targets as engine
from leitai.web.accounts.selectors import (
    user_can_read_published,
    user_is_office,
    user_reports_for,
)
from leitai.web.assessments.models import SchemeVersion, Unit
from leitai.web.assessments.selectors import scheme_version_parsed
from leitai.web.targets.models import Actual, Target
from leitai.web.targets.types import TargetChart

DEFAULT_MARGIN = 5.0
STATUSES = engine.STATUSES


# -- who may do what --------------------------------------------------------------------


def user_can_read_targets(user: Any) -> bool:
    return user_can_read_published(user)


def user_can_report(user: Any, target: Target) -> bool:
    """The office, or the reporter bound to the target's unit."""
    return user_is_office(user) or user_reports_for(user, target.unit_id)


def user_can_read_evidence(user: Any, target: Target) -> bool:
    return user_can_report(user, target)


# -- the engine's view of the rows --------------------------------------------------------


def target_engine(target: Target) -> engine.Target:
    """The engine's ``Target`` of a stored target (raises ``TargetError`` if invalid)."""
    return engine.Target(
        unit=target.unit.code,
        id=target.code,
        name=target.name,
        value=target.value,
        unit_of_measure=target.unit_of_measure,
        direction=target.direction,  # type: ignore[arg-type]
        start=target.start,
        deadline=target.deadline,
        milestones=tuple(engine.Milestone(m["date"], m["value"]) for m in target.milestones or ()),
        indicator=target.indicator or None,
        source=target.source,  # type: ignore[arg-type]
        pledged_on=target.pledged_on,
    )


def actual_engine(actual: Actual, *, unit: str | None = None, target: str | None = None):  # type: ignore[no-untyped-def]
    return engine.Actual(
        unit=unit or actual.target.unit.code,
        target=target or actual.target.code,
        period=actual.period,
        value=actual.value,
        note=actual.note,
        evidence=actual.evidence_name or None,
    )


def targets_query(*, unit: Unit | None = None, session: Any = None):  # type: ignore[no-untyped-def]
    query = Target.objects.select_related("unit", "session", "proposal__text__session")
    if unit is not None:
        query = query.filter(unit=unit)
    if session is not None:
        query = query.filter(session=session)
    return query.order_by("unit__position", "unit__code", "source", "pk")


def engine_inputs(
    targets: Sequence[Target],
) -> tuple[list[engine.Target], list[engine.Actual]]:
    """The engine's targets and actuals of these stored targets."""
    by_pk = {t.pk: t for t in targets}
    actuals = [
        actual_engine(a, unit=by_pk[a.target_id].unit.code, target=by_pk[a.target_id].code)
        for a in Actual.objects.filter(target__in=list(by_pk)).order_by("target", "period_end")
    ]
    return [target_engine(t) for t in targets], actuals


def all_engine_inputs() -> tuple[list[engine.Target], list[engine.Actual]]:
    return engine_inputs(list(targets_query()))


# -- boards of the indicators targets feed ---------------------------------------------------


@dataclass(frozen=True)
class BoardRef:
    id: str
    name: str
    indicator_name: str


def indicator_boards() -> dict[str, BoardRef]:
    """Indicator id -> its top-level board (板块) in the newest scheme version naming it."""
    out: dict[str, BoardRef] = {}
    for version in SchemeVersion.objects.order_by("-created_at", "-pk"):
        scheme = scheme_version_parsed(version)
        for board in scheme.boards:
            for indicator in board.all_indicators():
                out.setdefault(indicator.id, BoardRef(board.id, board.name, indicator.name))
    return out


# -- progress ----------------------------------------------------------------------------


def default_as_of(today: dt.date | None = None) -> dt.date:
    """Today, or the end of the targets' last year when that year is over.

    Old targets are judged at the end of their year, not at a date years later.
    """
    today = today or timezone.localdate()
    latest = Target.objects.aggregate(deadline=Max("deadline"), reported=Max("actuals__period_end"))
    ends = [d for d in latest.values() if d is not None]
    if not ends:
        return today
    return min(today, dt.date(max(ends).year, 12, 31))


@dataclass(frozen=True)
class Row:
    """A target and the engine's judgement of it."""

    target: Target
    progress: engine.Progress
    board: BoardRef | None

    @property
    def bar(self) -> float:
        """Task progress clamped to the bar's 0-100 (the figure itself is shown beside)."""
        task = self.progress.task_progress
        return 0.0 if task is None else max(0.0, min(100.0, task))

    @property
    def marker(self) -> float:
        return max(0.0, min(100.0, self.progress.time_progress))

    @property
    def due_marker(self) -> float | None:
        """Where the progress due stands when milestones set it rather than time."""
        if self.progress.basis != "milestone":
            return None
        return max(0.0, min(100.0, self.progress.expected_progress))

    @property
    def milestone(self) -> engine.MilestoneCheck | None:
        due = [m for m in self.progress.milestones if m.due]
        upcoming = [m for m in self.progress.milestones if not m.due]
        return due[-1] if due else (upcoming[0] if upcoming else None)


def progress_rows(
    targets: Iterable[Target],
    *,
    as_of: dt.date,
    margin: float = DEFAULT_MARGIN,
    boards: dict[str, BoardRef] | None = None,
) -> list[Row]:
    """Each target's progress at ``as_of``, computed by the engine in one call."""
    targets = list(targets)
    engine_targets, actuals = engine_inputs(targets)
    progresses = engine.progress_all(engine_targets, actuals, as_of=as_of, margin=margin)
    boards = indicator_boards() if boards is None else boards
    return [
        Row(target=t, progress=p, board=boards.get(t.indicator) if t.indicator else None)
        for t, p in zip(targets, progresses, strict=True)
    ]


@dataclass
class Board:
    rows: list[Row]
    summary: dict[str, int]
    units: list[Unit]
    boards: list[BoardRef]
    as_of: dt.date
    time_progress: float


def progress_board(
    *,
    as_of: dt.date,
    margin: float = DEFAULT_MARGIN,
    unit: Unit | None = None,
    board: str = "",
    status: str = "",
    source: str = "",
) -> Board:
    """The units × targets board: every target's progress, filtered as asked.

    ``board`` is a top-level board id (the board of the target's indicator), ``status``
    one of green, yellow, red, unreported, ``source`` assigned or pledged.
    """
    boards = indicator_boards()
    rows = progress_rows(targets_query(unit=unit), as_of=as_of, margin=margin, boards=boards)
    if board:
        rows = [r for r in rows if r.board is not None and r.board.id == board]
    if source:
        rows = [r for r in rows if r.target.source == source]
    summary = {s: sum(r.progress.status == s for r in rows) for s in STATUSES}
    summary["targets"] = len(rows)
    for verdict in ("achieved", "missed", "pending"):
        summary[f"double_half_{verdict}"] = sum(r.progress.double_half == verdict for r in rows)
    if status:
        rows = [r for r in rows if r.progress.status == status]
    units, board_refs = board_options(boards)
    return Board(
        rows=rows,
        summary=summary,
        units=units,
        boards=board_refs,
        as_of=as_of,
        time_progress=engine.time_progress(as_of),
    )


def board_options(
    boards: dict[str, BoardRef] | None = None,
) -> tuple[list[Unit], list[BoardRef]]:
    """The units that have targets, and the boards their targets' indicators belong to."""
    boards = indicator_boards() if boards is None else boards
    linked = {
        boards[i].id: boards[i]
        for i in Target.objects.exclude(indicator="").values_list("indicator", flat=True)
        if i in boards
    }
    units = list(Unit.objects.filter(targets__isnull=False).distinct().order_by("position"))
    return units, sorted(linked.values(), key=lambda b: b.name)


def next_period(target: Target, today: dt.date | None = None) -> str:
    """The period a reporter most likely reports next: the one after the latest report
    (in the same frequency) while it is inside the target's year, else the latest one
    again; with no report yet, the last month that has ended."""
    today = today or timezone.localdate()
    last = target.actuals.order_by("-period_end").first()
    if last is not None:
        frequency, end, _label = engine.parse_period(last.period)
        if frequency == "month":
            year, month = (end.year, end.month + 1) if end.month < 12 else (end.year + 1, 1)
            label = f"{year}-{month:02d}"
        elif frequency == "quarter":
            quarter = (end.month - 1) // 3 + 1
            label = f"{end.year}Q{quarter + 1}" if quarter < 4 else f"{end.year + 1}Q1"
        else:
            label = today.isoformat()
        following = engine.parse_period(label)[1]
        if target.deadline is not None and following > target.deadline:
            return last.period  # the year is complete: a correction of the last report
        return label
    first = today.replace(day=1)
    ended = first - dt.timedelta(days=1)
    if today.month != (today + dt.timedelta(days=1)).month:
        ended = today
    return f"{ended.year}-{ended.month:02d}"


def target_history(
    target: Target, *, as_of: dt.date | None = None, margin: float = DEFAULT_MARGIN
) -> TargetChart:
    """The engine's trajectory of a target up to ``as_of``, for a chart: progress at each report."""
    engine_targets, actuals = engine_inputs([target])
    if as_of is not None:
        actuals = [a for a in actuals if a.end <= as_of]
    steps = engine.trajectory(engine_targets[0], actuals, margin=margin)
    return {
        "labels": [p.period for p in steps],
        "task": [None if p.task_progress is None else round(p.task_progress, 2) for p in steps],
        "time": [round(p.time_progress, 2) for p in steps],
        "expected": [round(p.expected_progress, 2) for p in steps],
        "status": [p.status for p in steps],
        "milestone_basis": any(p.basis == "milestone" for p in steps),
    }


def target_actuals(target: Target) -> list[Actual]:
    return list(target.actuals.select_related("reported_by").order_by("period_end"))
