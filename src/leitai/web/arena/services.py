"""Writing arena sessions and the pledges (军令状) made at them.

A pledge is a target of the speaker's unit with ``source="pledged"``, pledged on the
session's date and linked to the session; from then on it is tracked like any other
target (:mod:`leitai.web.targets.services`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from leitai.engine.problems import Problem, Where
from leitai.web.accounts.models import User
from leitai.web.arena.models import DEFAULT_TITLE, ArenaSession
from leitai.web.assessments.models import Period, Unit
from leitai.web.assessments.selectors import scheme_version_parsed
from leitai.web.audit.models import Action
from leitai.web.errors import ServiceError
from leitai.web.targets.models import Target
from leitai.web.targets.services import audit_change, target_create

# In the order the session form shows them.
SESSION_FIELDS = (
    "date",
    "title",
    "theme",
    "period",
    "order_mode",
    "manual_order",
    "minutes_per_speaker",
    "as_of",
    "slug",
)


def _session_state(session: ArenaSession) -> dict[str, Any]:
    return {
        "slug": session.slug,
        "date": session.date,
        "title": session.title,
        "theme": session.theme,
        "period": session.period.code,
        "order_mode": session.order_mode,
        "manual_order": list(session.manual_order or []),
        "minutes_per_speaker": session.minutes_per_speaker,
        "as_of": session.as_of,
    }


def _free_slug(wanted: str, *, exclude: int | None = None) -> str:
    # "new" is the address of the page that creates a session.
    others = ArenaSession.objects.all()
    if exclude is not None:
        others = others.exclude(pk=exclude)
    taken = {"new", *others.values_list("slug", flat=True)}
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted}-{n}" in taken:
        n += 1
    return f"{wanted}-{n}"


def _check_order(period: Period, order_mode: str, manual_order: Sequence[str]) -> list[str]:
    if order_mode != ArenaSession.Order.MANUAL:
        return []
    units = scheme_version_parsed(period.scheme_version).unit_ids
    order = [str(u).strip() for u in manual_order if str(u).strip()]
    unknown = [u for u in order if u not in units]
    if unknown:
        raise ServiceError(
            problems=Problem(
                "arena.units_not_assessed", Where(), {"period": period.code, "units": unknown}
            ),
            field="manual_order",
        )
    repeated = sorted({u for u in order if order.count(u) > 1})
    if repeated:
        raise ServiceError(
            problems=Problem("arena.units_twice", Where(), {"units": repeated}),
            field="manual_order",
        )
    if not order:
        raise ServiceError(problems=Problem("arena.order_empty", Where(), {}), field="manual_order")
    return order


@transaction.atomic
def session_create(
    *,
    date: dt.date,
    period: Period,
    title: str = DEFAULT_TITLE,
    theme: str = "",
    order_mode: str = ArenaSession.Order.RANK,
    manual_order: Sequence[str] = (),
    minutes_per_speaker: int = 6,
    as_of: dt.date | None = None,
    slug: str = "",
    user: User | None = None,
) -> ArenaSession:
    """Create an arena session; its address is its date unless ``slug`` says otherwise."""
    session = ArenaSession(
        slug=_free_slug((slug or "").strip() or date.isoformat()),
        date=date,
        title=(title or "").strip() or DEFAULT_TITLE,
        theme=(theme or "").strip(),
        period=period,
        order_mode=order_mode,
        manual_order=_check_order(period, order_mode, manual_order),
        minutes_per_speaker=minutes_per_speaker,
        as_of=as_of,
        created_by=user,
    )
    session.full_clean()
    session.save()
    audit_change(
        user=user,
        action=Action.ARENA_SESSION_CREATED,
        obj=session,
        period=period,
        after=_session_state(session),
        summary=f"{session.date.isoformat()} {session.title}",
    )
    return session


@transaction.atomic
def session_update(
    *, session: ArenaSession, user: User | None = None, **changes: Any
) -> ArenaSession:
    unknown = set(changes) - set(SESSION_FIELDS)
    if unknown:
        raise TypeError(f"session_update: unknown fields {sorted(unknown)}")
    session = ArenaSession.objects.select_for_update().get(pk=session.pk)
    before = _session_state(session)
    if "slug" in changes:
        changes["slug"] = _free_slug(
            (changes["slug"] or "").strip() or (changes.get("date") or session.date).isoformat(),
            exclude=session.pk,
        )
    for name, value in changes.items():
        setattr(session, name, value.strip() if isinstance(value, str) else value)
    session.title = session.title or DEFAULT_TITLE
    session.manual_order = _check_order(
        session.period, session.order_mode, session.manual_order or []
    )
    session.full_clean()
    session.save()
    if "date" in changes:
        # A pledge is dated by the session it was made at.
        session.pledges.update(pledged_on=session.date)
    after = _session_state(session)
    changed = [name for name in after if after[name] != before[name]]
    audit_change(
        user=user,
        action=Action.ARENA_SESSION_CHANGED,
        obj=session,
        period=session.period,
        before={name: before[name] for name in changed},
        after={name: after[name] for name in changed},
        summary=f"{session.date.isoformat()} {session.title}",
    )
    return session


def session_speakers(session: ArenaSession) -> list[str]:
    """The unit ids who may pledge at the session: those assessed in its period."""
    return list(scheme_version_parsed(session.period.scheme_version).unit_ids)


@transaction.atomic
def pledge_create(
    *,
    session: ArenaSession,
    unit: Unit,
    name: str,
    value: float,
    unit_of_measure: str = "",
    direction: str = Target.Direction.HIGHER,
    start: float | None = None,
    deadline: dt.date | None = None,
    milestones: Iterable[Any] = (),
    indicator: str = "",
    code: str = "",
    user: User | None = None,
) -> Target:
    """Record a pledge made on stage by ``unit``: a target pledged on the session's date.

    The deadline is 31 December of the session's year unless given.
    """
    if unit.code not in session_speakers(session):
        raise ServiceError(
            problems=Problem("arena.not_speaking", Where(), {"unit": unit.name}), field="unit"
        )
    target = target_create(
        unit=unit,
        code=code,
        name=name,
        value=value,
        unit_of_measure=unit_of_measure,
        direction=direction,
        start=start,
        deadline=deadline or dt.date(session.date.year, 12, 31),
        milestones=milestones,
        indicator=indicator,
        source=Target.Source.PLEDGED,
        pledged_on=session.date,
        session=session,
        user=user,
    )
    audit_change(
        user=user,
        action=Action.ARENA_PLEDGE_RECORDED,
        obj=target,
        unit=unit,
        period=session.period,
        after={"session": session.slug, "target": target.code, "name": target.name},
        summary=f"{unit.name}: {target.name}",
    )
    return target
