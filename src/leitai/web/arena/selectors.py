"""Reading arena sessions and building each speaker's three screens from the data.

The screens are made of the session period's published result (rank, change, flags,
stars, indicator ranks), the previous period's published result (stars lost) and
the engine's progress of the unit's targets at the session's ``as_of`` date. The
order, the indicator ranks and the target progress come from the same functions the
PPTX deck uses (:func:`leitai.reports.arena.arena_order`,
:func:`leitai.reports.arena.indicator_ranks`, :mod:`leitai.engine.targets`).

Who may read a session: the office always; everyone who may read published results
(:func:`leitai.web.accounts.selectors.user_can_read_published`) once the session's
period has a published result. Before that, nobody else learns the session exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from leitai.reports.arena import arena_order, indicator_ranks
from leitai.web.accounts.selectors import user_can_read_published, user_is_office
from leitai.web.arena.models import ArenaSession
from leitai.web.assessments.models import Snapshot, Unit
from leitai.web.assessments.selectors import (
    ResultView,
    period_has_published,
    period_label,
    period_previous_snapshot,
    period_published_snapshot,
    result_view,
)
from leitai.web.targets.models import Target
from leitai.web.targets.selectors import DEFAULT_MARGIN, Row, progress_rows, targets_query


def session_order(session: ArenaSession) -> str | list[str]:
    """The order as :func:`leitai.reports.arena.arena_order` takes it."""
    if session.order_mode == ArenaSession.Order.MANUAL:
        return list(session.manual_order or [])
    return session.order_mode


def session_readable(user: Any, session: ArenaSession) -> bool:
    if user_is_office(user):
        return True
    return user_can_read_published(user) and period_has_published(session.period)


def sessions_visible(user: Any) -> list[tuple[ArenaSession, bool]]:
    """The sessions ``user`` may read, newest first, each with whether its result is out."""
    sessions = ArenaSession.objects.select_related("period").order_by("-date", "-pk")
    office = user_is_office(user)
    reader = user_can_read_published(user)
    out = []
    for session in sessions:
        published = period_has_published(session.period)
        if office or (reader and published):
            out.append((session, published))
    return out


@dataclass(frozen=True)
class IndicatorCell:
    id: str
    name: str
    unit_of_measure: str
    value: float | None
    score: float | None
    rank: int


@dataclass(frozen=True)
class BoardStars:
    id: str
    name: str
    stars: int
    rank: int | None
    before: int | None
    max: int = 10

    @property
    def glyphs(self) -> list[bool]:
        """One entry per star the board can give: whether this one was won."""
        return [k < self.stars for k in range(max(self.max, self.stars))]

    @property
    def lost(self) -> int:
        return max(0, (self.before or 0) - self.stars) if self.before is not None else 0


@dataclass
class Speaker:
    place: int
    unit: Unit
    row: dict[str, Any]
    stars: list[BoardStars]
    star_max: int
    strongest: list[IndicatorCell]
    weakest: list[IndicatorCell]
    has_previous: bool
    red: list[Row]
    targets: list[Row]
    pledges: list[Target] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.unit.code

    @property
    def lost(self) -> list[BoardStars]:
        return [b for b in self.stars if b.lost]

    @property
    def stars_total(self) -> int:
        return sum(b.stars for b in self.stars)


@dataclass
class Arena:
    session: ArenaSession
    snapshot: Snapshot
    view: ResultView
    previous: ResultView | None
    speakers: list[Speaker]
    as_of: dt.date
    period_label: str
    previous_label: str

    @property
    def n(self) -> int:
        return len(self.view.rows)


def session_snapshot(session: ArenaSession) -> Snapshot | None:
    """The published result that sets the order, or None while there is none."""
    return period_published_snapshot(session.period)


def _cells(
    ranks: dict[str, int], view: ResultView, row: dict[str, Any], idents: list[str]
) -> list[IndicatorCell]:
    indicators = {i.id: i for i in view.scheme.all_indicators()}
    out = []
    for ident in idents:
        cell = (row.get("indicators") or {}).get(ident) or {}
        item = indicators.get(ident)
        out.append(
            IndicatorCell(
                id=ident,
                name=item.name if item else ident,
                unit_of_measure=(item.unit or "") if item else "",
                value=cell.get("value"),
                score=cell.get("score"),
                rank=ranks[ident],
            )
        )
    return out


def arena_build(
    session: ArenaSession, *, snapshot: Snapshot | None = None, margin: float = DEFAULT_MARGIN
) -> Arena | None:
    """Every speaker's screens, in speaking order; None while the period is unpublished."""
    snapshot = snapshot or session_snapshot(session)
    if snapshot is None:
        return None
    view = result_view(snapshot)
    earlier = period_previous_snapshot(session.period)
    previous_view = result_view(earlier) if earlier is not None else None
    order = arena_order(view.document, session_order(session))
    ranks = indicator_ranks(view.document)
    position = {i.id: k for k, i in enumerate(view.scheme.all_indicators())}
    units = Unit.objects.in_bulk(order, field_name="code")
    as_of = session.progress_date
    rows = progress_rows(targets_query(), as_of=as_of, margin=margin)
    by_unit: dict[str, list[Row]] = {}
    for r in rows:
        by_unit.setdefault(r.target.unit.code, []).append(r)
    pledges: dict[str, list[Target]] = {}
    for target in targets_query(session=session):
        pledges.setdefault(target.unit.code, []).append(target)
    speakers = []
    for place, code in enumerate(order, start=1):
        row = view.by_unit[code]
        before = previous_view.by_unit.get(code) if previous_view else None
        stars = [
            BoardStars(
                id=b.id,
                name=b.name,
                stars=int(row["boards"][b.id]["stars"] or 0),
                rank=row["boards"][b.id]["rank"],
                before=(
                    int(before["boards"][b.id]["stars"] or 0)
                    if before and b.id in before["boards"]
                    else None
                ),
                max=view.scheme.stars.max,
            )
            for b in view.top_boards
        ]
        mine = ranks.get(code, {})
        scored = [
            i for i in mine if ((row.get("indicators") or {}).get(i) or {}).get("score") is not None
        ]
        best = sorted(scored, key=lambda i: (mine[i], position.get(i, 0)))[:3]
        worst = sorted(mine, key=lambda i: (-mine[i], position.get(i, 0)))[:3]
        targets = sorted(by_unit.get(code, []), key=lambda r: r.target.source != "pledged")
        speakers.append(
            Speaker(
                place=place,
                unit=units.get(code) or Unit(code=code, name=row["name"]),
                row=row,
                stars=stars,
                star_max=view.scheme.stars.max,
                strongest=_cells(mine, view, row, best),
                weakest=_cells(mine, view, row, worst),
                has_previous=before is not None,
                red=[r for r in targets if r.progress.status in ("red", "unreported")],
                targets=targets,
                pledges=pledges.get(code, []),
            )
        )
    return Arena(
        session=session,
        snapshot=snapshot,
        view=view,
        previous=previous_view,
        speakers=speakers,
        as_of=as_of,
        period_label=period_label(session.period),
        previous_label=period_label(earlier.period) if earlier is not None else "",
    )


def session_deck_inputs(arena: Arena) -> dict[str, Any]:
    """What :func:`leitai.reports.arena.arena_deck` is built from for this session (the
    session as a mapping for :meth:`~leitai.reports.arena.Session.from_mapping`)."""
    from leitai.web.targets.selectors import all_engine_inputs

    session = arena.session
    targets, actuals = all_engine_inputs()
    return {
        "result": arena.view.document,
        "previous": arena.previous.document if arena.previous else None,
        "scheme": arena.view.scheme,
        "targets": targets,
        "actuals": actuals,
        "session": {
            "title": session.title,
            "theme": session.theme,
            "date": session.date,
            "period": session.period.code,
            "order": session_order(session),
            "as_of": arena.as_of,
            "margin": DEFAULT_MARGIN,
        },
    }
