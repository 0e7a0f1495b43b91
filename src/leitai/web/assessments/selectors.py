"""Reading periods and results, and deciding which result a person may see.

Published snapshots are immutable, so their parsed form is cached per process,
keyed by their seal; every read checks the seal first (see ``integrity``).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypedDict

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from leitai.engine import Scheme as EngineScheme
from leitai.engine import parse_scheme
from leitai.engine.display import ShownScores, shown_scores
from leitai.web.accounts.selectors import (
    user_can_read_published,
    user_is_office,
    user_reports_for,
)
from leitai.web.assessments.integrity import SnapshotAltered, period_elsewhere, snapshot_check
from leitai.web.assessments.models import (
    PERIOD_HALF,
    PERIOD_QUARTER,
    PERIOD_YEAR,
    Period,
    SchemeVersion,
    Snapshot,
    Unit,
    period_order,
    period_sort_key,
)

_lock = threading.Lock()
_schemes: dict[str, EngineScheme] = {}
_views: OrderedDict[tuple[int, str], ResultView] = OrderedDict()
_VIEW_CACHE_SIZE = 128


def scheme_version_parsed(version: SchemeVersion) -> EngineScheme:
    """The engine's model of a stored scheme version (parsed once per process)."""
    scheme = _schemes.get(version.sha256)
    if scheme is None:
        scheme = parse_scheme(version.text, source=f"v{version.number}", sha256=version.sha256)
        with _lock:
            _schemes[version.sha256] = scheme
    return scheme


# -- periods ---------------------------------------------------------------------------


def period_label(period: Period | str) -> str:
    """A period's name for people: ``2023年第一季度`` or ``2023 Q1``."""
    if isinstance(period, Period):
        if period.name:
            return period.name
        code = period.code
    else:
        code = period
    if m := PERIOD_QUARTER.match(code):
        quarters = [
            pgettext("period", "Q1"),
            pgettext("period", "Q2"),
            pgettext("period", "Q3"),
            pgettext("period", "Q4"),
        ]
        return _("%(year)s %(part)s") % {"year": m[1], "part": quarters[int(m[2]) - 1]}
    if m := PERIOD_HALF.match(code):
        halves = [pgettext("period", "H1"), pgettext("period", "H2")]
        return _("%(year)s %(part)s") % {"year": m[1], "part": halves[int(m[2]) - 1]}
    if m := PERIOD_YEAR.match(code):
        return _("Year %(year)s") % {"year": m[1]}
    return code


def period_published_snapshot(period: Period) -> Snapshot | None:
    """The current published result of a period: its latest published revision."""
    return period.snapshots.published().order_by("-revision").first()


def period_has_published(period: Period) -> bool:
    """Whether the period has a published result (the result is neither read nor checked)."""
    return period.snapshots.published().exists()


def period_published_revision(period: Period) -> int:
    """The revision of the period's current published result, 0 when none is: for
    pages that say whether and how often a period was published without reading the
    result itself (its texts are neither read nor checked)."""
    revision = (
        period.snapshots.published()
        .order_by("-revision")
        .values_list("revision", flat=True)
        .first()
    )
    return revision or 0


def period_previous_snapshot(period: Period) -> Snapshot | None:
    """The one previous result that rank change, flags, the comparison, report cards and
    anomaly alerts all use: the published result of the period's previous period.

    None when the period names no previous period or that period is not published: an
    unpublished period's figures and ranks are not a result anyone may compare with.
    """
    if period.previous_id is None:
        return None
    # Asked of the database, not of ``period.previous``, which may be an older copy.
    return (
        Snapshot.objects.published()
        .select_related("period")
        .filter(period_id=period.previous_id)
        .order_by("-revision")
        .first()
    )


def snapshot_cells(snapshot: Snapshot) -> dict[tuple[str, str], tuple[str, str]]:
    """The figures a snapshot was computed from, as written: ``{(unit, key): (value, target)}``."""
    import csv
    import io

    reader = csv.DictReader(io.StringIO(snapshot.inputs))
    return {
        (row["unit"], row["indicator"]): (row.get("value") or "", row.get("target") or "")
        for row in reader
    }


def period_previous_cells(period: Period) -> dict[tuple[str, str], tuple[str, str]]:
    """The figures of the previous published result (those its ranks were computed from);
    empty without one."""
    previous = period_previous_snapshot(period)
    return snapshot_cells(previous) if previous is not None else {}


def period_previous_proposed(scheme_version: SchemeVersion | None) -> Period | None:
    """The previous period a new period of ``scheme_version``'s scheme should name: the
    latest published period of the same scheme (None when there is none)."""
    if scheme_version is None:
        return None
    return (
        Period.objects.filter(
            scheme_version__scheme_id=scheme_version.scheme_id, state=Period.State.PUBLISHED
        )
        .order_by(*period_order(newest_first=True))
        .first()
    )


def rules_needing_previous(scheme: EngineScheme) -> list[tuple[str, str]]:
    """The flags and grades whose rule reads ``prev_rank`` or ``rank_change``, as
    ``(kind, name)`` pairs (kind ``flag`` or ``grade``): they cannot be decided without a
    previous result."""
    from leitai.engine.expressions import parse_expression

    needs = {"prev_rank", "rank_change"}
    out = []
    for kind, rules in (("flag", scheme.flags), ("grade", scheme.grades)):
        for rule in rules:
            if parse_expression(rule.when).variables & needs:
                out.append((kind, rule.name))
    return out


def results_as_others(sources: Mapping[str, Snapshot]) -> dict[str, Any] | None:
    """Other periods' published results as the engine's ``others`` (spec section 11):
    their JSON, seal checked; None when there are none.

    The JSON lists the boards of every level without saying which are top-level, so each
    result names its scheme's top-level boards (``scheme.boards``): ``stars`` is the sum
    over those, never counting a sub-board's stars again.
    """
    if not sources:
        return None
    out = {}
    for code, snapshot in sources.items():
        document = dict(snapshot.result_dict)
        top = [b.id for b in scheme_version_parsed(snapshot.scheme_version).boards]
        document["scheme"] = {**(document.get("scheme") or {}), "boards": top}
        out[code] = document
    return out


def snapshot_others(snapshot: Snapshot) -> dict[str, Any] | None:
    """The results a snapshot drew values from (``Snapshot.sources``), as the engine's
    ``others``: what recomputing or analysing it needs besides its inputs."""
    sources = {
        item["period"]: Snapshot.objects.select_related("period", "scheme_version").get(
            pk=item["snapshot"]
        )
        for item in snapshot.sources or []
    }
    return results_as_others(sources)


def period_draft_snapshot(period: Period) -> Snapshot | None:
    return period.snapshots.filter(state=Snapshot.State.DRAFT).order_by("-revision").first()


class NotVisible(Exception):
    """The result asked for does not exist for this person, or they may not read it.

    ``reason`` is ``"missing"`` (answer 404), ``"login"`` (ask a visitor to log in) or
    ``"forbidden"`` (403).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def snapshot_visible(*, period: Period, user: Any, unit: Unit | None = None) -> Snapshot:
    """The snapshot of ``period`` that ``user`` may read, or :class:`NotVisible`.

    Published results go to everyone allowed to read published results. Before
    publication the office reads the draft, and a unit's reporter reads the draft
    of their own unit (pass ``unit``) and nothing of any other unit.
    """
    published = period_published_snapshot(period)
    if published is not None and user_can_read_published(user):
        return published
    if user_is_office(user) or (unit is not None and user_reports_for(user, unit.pk)):
        draft = period_draft_snapshot(period)
        if draft is not None:
            return draft
    if published is None:
        raise NotVisible("missing")
    raise NotVisible("forbidden" if getattr(user, "is_authenticated", False) else "login")


def periods_visible(*, user: Any, unit: Unit | None = None) -> list[tuple[Period, Snapshot]]:
    """Every period with a result ``user`` may read, in order, with that result.

    The same rule as :func:`snapshot_visible`; pass ``unit`` to include the drafts
    its reporter may read.
    """
    snapshots = (
        Snapshot.objects.select_related("period", "scheme_version")
        .defer("inputs", "explanations", "result", "scheme_version__text")
        .order_by("period_id", "revision")
    )
    published: dict[int, Snapshot] = {}
    drafts: dict[int, Snapshot] = {}
    for snapshot in snapshots:
        (published if snapshot.is_published else drafts)[snapshot.period_id] = snapshot
    can_read = user_can_read_published(user)
    may_draft = user_is_office(user) or (unit is not None and user_reports_for(user, unit.pk))
    chosen = []
    for period_id in {*published, *drafts}:
        if period_id in published and can_read:
            chosen.append(published[period_id])
        elif period_id in drafts and may_draft:
            chosen.append(drafts[period_id])
    chosen.sort(key=lambda s: period_sort_key(s.period))
    return [(s.period, s) for s in chosen]


# -- results as the boards show them ------------------------------------------------------


@dataclass(frozen=True)
class BoardInfo:
    id: str
    name: str
    depth: int
    top: str
    points: float | None
    weight: float | None
    descendants: int


@dataclass
class ResultView:
    """A snapshot's result arranged for the boards (parsed once, read many times)."""

    scheme: EngineScheme
    document: dict[str, Any]
    rows: list[dict[str, Any]]
    by_unit: dict[str, dict[str, Any]]
    boards: list[BoardInfo]
    top_boards: list[BoardInfo]
    flags: dict[str, str]
    explanations: dict[str, Any] = field(repr=False)
    # Some score is printed with more decimals (or a tie-break mark): a footnote is due.
    # ``ties_shown`` for scores printed with two decimals; ``ties_shown_short`` for the
    # board scores printed with one under the league table's stars.
    ties_shown: bool = False
    ties_shown_short: bool = False

    @property
    def has_sub_boards(self) -> bool:
        return len(self.boards) > len(self.top_boards)

    def indicator(self, indicator_id: str) -> Any | None:
        return next((i for i in self.scheme.all_indicators() if i.id == indicator_id), None)


def _boards_of(scheme: EngineScheme) -> list[BoardInfo]:
    out: list[BoardInfo] = []

    def visit(board: Any, depth: int, top: str) -> None:
        out.append(
            BoardInfo(
                id=board.id,
                name=board.name,
                depth=depth,
                top=top,
                points=board.points,
                weight=board.weight,
                descendants=sum(1 for _ in board.walk()) - 1,
            )
        )
        for child in board.boards:
            visit(child, depth + 1, top)

    for board in scheme.boards:
        visit(board, 0, board.id)
    return out


def _arrow(change: int | None) -> str:
    if change is None:
        return "new"
    return "up" if change > 0 else "down" if change < 0 else "same"


def _with_shown_scores(row: dict[str, Any], shown: ShownScores, short: ShownScores) -> dict:
    """The row with its scores as printed: ``score_text`` (and ``score_tie``) for the
    composite, and in each board ``score_text``, ``score_tie`` and ``score_text_short``
    (the one-decimal form under the stars), with the decimals that tell ties apart."""
    unit = row["unit"]
    composite = shown.composite[unit]
    row["score_text"], row["score_tie"] = composite.text, composite.tie_break
    row["boards"] = {
        board: dict(
            cell,
            score_text=shown.boards[board][unit].text,
            score_tie=shown.boards[board][unit].tie_break,
            score_extended=shown.boards[board][unit].extended
            or shown.boards[board][unit].tie_break,
            score_text_short=short.boards[board][unit].text,
        )
        for board, cell in row["boards"].items()
    }
    return row


def row_plain_scores(row: dict[str, Any]) -> dict[str, Any]:
    """The row with its scores printed plainly (two decimals, no tie mark): for a reader who
    may see this row only, since extra decimals would tell that another unit's score is
    close to it."""
    shown = shown_scores([row])
    short = shown_scores([row], board_decimals=1)
    out = _with_shown_scores(dict(row), shown, short)
    out["board_cells"] = [
        dict(cell, **{k: out["boards"][cell["id"]][k] for k in _SHOWN_KEYS})
        for cell in row.get("board_cells", [])
    ]
    out["top_cells"] = [c for c in out["board_cells"] if c["depth"] == 0]
    return out


_SHOWN_KEYS = ("score_text", "score_tie", "score_extended", "score_text_short")


def _period_matches(snapshot: Snapshot, document: dict[str, Any]) -> None:
    """The sealed result names the period it was computed for; the period row it is
    shown under (whose code and name the seal does not cover) must be that period."""
    if period_elsewhere(snapshot, document) is not None:
        raise SnapshotAltered(snapshot, "period")


def result_view(snapshot: Snapshot) -> ResultView:
    """The parsed, board-ready form of a snapshot's result (cached).

    Every read checks the snapshot against its seal first and raises
    :class:`~leitai.web.assessments.integrity.SnapshotAltered` when it was changed
    outside leitai: altered numbers are never shown as the result."""
    snapshot_check(snapshot)
    key = (snapshot.pk, snapshot.seal)
    view = _views.get(key)
    if view is not None:
        _period_matches(snapshot, view.document)
        return view
    scheme = scheme_version_parsed(snapshot.scheme_version)
    document = json.loads(snapshot.result)
    _period_matches(snapshot, document)
    explanations = json.loads(snapshot.explanations)
    boards = _boards_of(scheme)
    flags = {flag.id: flag.name for flag in scheme.flags}
    grades = [grade.name for grade in scheme.grades]
    shown = shown_scores(document["results"])
    shown_short = shown_scores(document["results"], board_decimals=1)
    rows = []
    for row in document["results"]:
        row = _with_shown_scores(dict(row), shown, shown_short)
        row["arrow"] = _arrow(row["rank_change"])
        row["rank_change_abs"] = abs(row["rank_change"] or 0)
        row["flag_list"] = [{"id": f, "name": flags.get(f, f)} for f in row["flags"]]
        row["board_cells"] = [
            dict(row["boards"][b.id], id=b.id, name=b.name, depth=b.depth) for b in boards
        ]
        row["top_cells"] = [c for c in row["board_cells"] if c["depth"] == 0]
        row["stars_total"] = sum(c["stars"] or 0 for c in row["top_cells"])
        row["grade_level"] = grades.index(row["grade"]) if row["grade"] in grades else None
        rows.append(row)
    view = ResultView(
        scheme=scheme,
        document=document,
        rows=rows,
        by_unit={row["unit"]: row for row in rows},
        boards=boards,
        top_boards=[b for b in boards if b.depth == 0],
        flags=flags,
        explanations=explanations,
        ties_shown=shown.extended,
        ties_shown_short=shown_short.extended,
    )
    with _lock:
        _views[key] = view
        while len(_views) > _VIEW_CACHE_SIZE:
            _views.popitem(last=False)
    return view


def unit_card(view: ResultView, unit_code: str) -> dict[str, Any]:
    """A unit's report card: its row, the engine's explanation and the indicator table."""
    explanation = view.explanations[unit_code]
    names = {i["indicator"]: i["name"] for i in explanation["indicators"]}
    indicators = sorted(
        explanation["indicators"], key=lambda r: (r["board"] != "", -(r["contribution"] or 0))
    )
    by_board: dict[str, list[dict[str, Any]]] = {}
    for item in explanation["indicators"]:
        by_board.setdefault(item["board"], []).append(item)
    total = sum(r["contribution"] or 0 for r in indicators)
    return {
        "row": view.by_unit[unit_code],
        "explanation": explanation,
        "indicators": explanation["indicators"],
        "indicators_by_contribution": indicators,
        "strongest": [{"id": i, "name": names.get(i, i)} for i in explanation["strongest"]],
        "weakest": [{"id": i, "name": names.get(i, i)} for i in explanation["weakest"]],
        "above": explanation["above"],
        "boards": [
            dict(
                b,
                depth=info.depth,
                score_text=view.by_unit[unit_code]["boards"][info.id]["score_text"],
                score_tie=view.by_unit[unit_code]["boards"][info.id]["score_tie"],
            )
            for b, info in zip(explanation["boards"], view.boards, strict=True)
        ],
        "adjustments": [
            {
                "id": a.id,
                "name": a.name,
                "kind": a.kind,
                "value": explanation["adjustments"].get(a.id),
            }
            for a in view.scheme.adjustments
        ],
        "contribution_total": total,
        "n": len(view.rows),
    }


class StarsOfBoard(TypedDict):
    name: str
    stars: int | None


class HistoryRow(TypedDict):
    """A period of :func:`unit_history`; ``flags`` are the view row's ``flag_list``."""

    period: Period
    label: str
    draft: bool
    rank: int | None
    score: float
    rank_change: int | None
    arrow: str
    flags: list[dict[str, str]]
    grade: str | None
    n: int
    stars: list[StarsOfBoard]
    stars_total: int


def _ranked_among(view: ResultView, row: dict[str, Any]) -> int:
    """How many units ``row``'s rank is out of: its group's where the scheme ranks within
    groups (spec section 10), else all units of the result."""
    if getattr(view.scheme, "ranking", "all") != "group":
        return len(view.rows)
    return sum(1 for r in view.rows if r.get("group") == row.get("group"))


def previous_chain(period: Period, periods: Mapping[int, Period]) -> list[Period]:
    """``period`` and its previous periods, newest first, each once (a loop ends it);
    ``periods`` are all the periods stored, by primary key."""
    chain: list[Period] = []
    seen: set[int] = set()
    current: Period | None = period
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        chain.append(current)
        current = periods.get(current.previous_id) if current.previous_id else None
    return chain


def period_line(period: Period, periods: Mapping[int, Period]) -> list[Period]:
    """The line of periods through ``period``, oldest first: its previous periods, itself
    and the periods that follow it, one after another (``periods``: all the periods
    stored, by primary key).

    The line follows the previous-period links, which say whose ranks a period's rank
    changes count against; periods listed by their last day (:func:`period_order`) can
    be of other lines. Where two periods follow the same one (a variant computed beside
    a quarter), the line goes on with the one whose own line runs longer, then with the
    one created first. A period outside the line (an annual assessment, a variant with
    no previous period) has a line of its own.
    """
    line = previous_chain(period, periods)[::-1]
    followers: dict[int, list[Period]] = {}
    for candidate in sorted(periods.values(), key=lambda p: p.pk):
        if candidate.previous_id is not None:
            followers.setdefault(candidate.previous_id, []).append(candidate)
    seen = {p.pk for p in line}

    def runs(start: Period) -> int:
        # How many periods follow ``start`` at most (each counted once: a loop ends it).
        depth, level, counted = 0, [start], {start.pk}
        while level:
            level = [f for p in level for f in followers.get(p.pk, []) if f.pk not in counted]
            counted.update(f.pk for f in level)
            depth += bool(level)
        return depth

    current = period
    while True:
        after = [f for f in followers.get(current.pk, []) if f.pk not in seen]
        if not after:
            return line
        current = max(after, key=lambda f: (runs(f), -f.pk))
        seen.add(current.pk)
        line.append(current)


class OtherPeriod(TypedDict):
    """A period outside the line of :func:`unit_history` whose result names the unit."""

    period: Period
    label: str
    draft: bool


@dataclass(frozen=True)
class UnitHistory:
    """A unit's results along the line of the period shown (:func:`period_line`), oldest
    first, and the other periods with a result of the unit that the reader may read."""

    rows: list[HistoryRow]
    others: list[OtherPeriod]


def unit_history(*, unit: Unit, user: Any, period: Period) -> UnitHistory:
    """The unit's rank, score, flags and stars in every period of ``period``'s line that
    ``user`` may read; the other periods ``user`` may read the unit's result in apart.

    Ranks of different lines (an annual assessment, a variant ranked within groups) are
    not drawn as one series: they are listed, not charted, beside it."""
    periods = {p.pk: p for p in Period.objects.all()}
    order = {p.pk: i for i, p in enumerate(period_line(period, periods))}
    rows: list[tuple[int, HistoryRow]] = []
    others: list[OtherPeriod] = []
    for shown, snapshot in periods_visible(user=user, unit=unit):
        # The deferred sealed texts are read (in one query) and checked on every read.
        view = result_view(snapshot)
        row = view.by_unit.get(unit.code)
        if row is None:
            continue
        label = period_label(shown)
        if shown.pk not in order:
            others.append({"period": shown, "label": label, "draft": not snapshot.is_published})
            continue
        rows.append(
            (
                order[shown.pk],
                {
                    "period": shown,
                    "label": label,
                    "draft": not snapshot.is_published,
                    "rank": row["rank"],
                    "score": row["score"],
                    "rank_change": row["rank_change"],
                    "arrow": row["arrow"],
                    "flags": row["flag_list"],
                    "grade": row["grade"],
                    "n": _ranked_among(view, row),
                    "stars": [
                        {"name": b.name, "stars": row["boards"][b.id]["stars"]}
                        for b in view.top_boards
                    ],
                    "stars_total": sum(row["boards"][b.id]["stars"] or 0 for b in view.top_boards),
                },
            )
        )
    rows.sort(key=lambda item: item[0])
    return UnitHistory(rows=[r for _i, r in rows], others=others)


class ComparisonRow(TypedDict):
    """A unit of :func:`period_comparison`; ``flags_after`` is the later row's ``flag_list``."""

    unit: str
    name: str
    rank_before: int
    rank_after: int
    score_before: float
    score_after: float
    score_change: float
    rank_change: int
    rank_change_abs: int
    arrow: str
    flags_after: list[dict[str, str]]


def period_comparison(
    earlier: ResultView, later: ResultView, *, previous_ranks: dict[str, int] | None = None
) -> list[ComparisonRow]:
    """Every unit present in both periods: ranks, scores and how far it moved.

    ``previous_ranks`` are the earlier ranks the later result counted its rank changes
    against (its snapshot keeps them): given, they are the ranks "before", so that the
    comparison says exactly what the league table says even if the earlier period was
    revised since.
    """
    rows: list[ComparisonRow] = []
    for row in later.rows:
        before = earlier.by_unit.get(row["unit"])
        if before is None:
            continue
        rank_before = before["rank"]
        if previous_ranks is not None and row["unit"] in previous_ranks:
            rank_before = previous_ranks[row["unit"]]
        change = rank_before - row["rank"]
        rows.append(
            {
                "unit": row["unit"],
                "name": row["name"],
                "rank_before": rank_before,
                "rank_after": row["rank"],
                "score_before": before["score"],
                "score_after": row["score"],
                "score_change": row["score"] - before["score"],
                "rank_change": change,
                "rank_change_abs": abs(change),
                "arrow": _arrow(change),
                "flags_after": row["flag_list"],
            }
        )
    rows.sort(key=lambda r: (-r["rank_change"], r["rank_after"]))
    return rows
