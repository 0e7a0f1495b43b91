"""The demo's targets, actuals and the 2023-05-27 arena (书记擂台) on the 2023Q1 results.

:func:`arena_demo_install` is called at the end of
:func:`leitai.web.assessments.demo.demo_install`. It only adds what is missing, so it
is safe on every start and keeps any change made to the demo's rows since.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from leitai.web.arena.models import ArenaSession
from leitai.web.assessments.models import Period, Unit
from leitai.web.targets.models import Actual, Target
from leitai.web.targets.services import milestones_json


@transaction.atomic
def arena_demo_install() -> ArenaSession | None:
    """Load the demo targets and actuals and the 2023-05-27 session (once).

    Returns the session, or None when the demo period it is on is not installed.
    """
    from leitai.demo import demo_dir
    from leitai.io.targets import read_demo
    from leitai.reports.arena import load_session

    settings = load_session(demo_dir() / "arena.yaml")
    period = Period.objects.filter(code=str(settings.get("period", "2023Q1"))).first()
    if period is None:
        return None
    date = settings["date"]
    session = ArenaSession.objects.filter(date=date, period=period).first()
    if session is None:
        order = settings.get("order") or "rank"
        session = ArenaSession.objects.create(
            slug=date.isoformat(),
            date=date,
            title=str(settings.get("title") or "书记擂台"),
            theme=str(settings.get("theme") or ""),
            period=period,
            order_mode=order if isinstance(order, str) else ArenaSession.Order.MANUAL,
            manual_order=[] if isinstance(order, str) else list(order),
            minutes_per_speaker=int(settings.get("minutes_per_speaker") or 6),
            as_of=settings.get("as_of"),
        )
    targets, actuals = read_demo()
    units = {u.code: u for u in Unit.objects.all()}
    stored = {(t.unit.code, t.code): t for t in Target.objects.select_related("unit")}
    for t in targets:
        if t.key in stored or t.unit not in units:
            continue
        stored[t.key] = Target.objects.create(
            unit=units[t.unit],
            code=t.id,
            name=t.name,
            indicator=t.indicator or "",
            value=t.value,
            unit_of_measure=t.unit_of_measure,
            direction=t.direction,
            start=t.start,
            deadline=t.deadline,
            milestones=milestones_json(t.milestones),
            source=t.source,
            pledged_on=t.pledged_on,
            session=session if t.source == "pledged" and t.pledged_on == session.date else None,
        )
    reported = set(Actual.objects.values_list("target__unit__code", "target__code", "period"))
    Actual.objects.bulk_create(
        Actual(
            target=stored[a.key],
            period=a.period,
            period_end=a.end,
            value=a.value,
            note=a.note,
            evidence_name=a.evidence or "",
            # As if reported when the period closed: the demo's history reads naturally.
            reported_at=timezone.make_aware(dt.datetime.combine(a.end, dt.time(18, 0))),
        )
        for a in actuals
        if a.key in stored and (a.unit, a.target, a.period) not in reported
    )
    _install_speech(session, settings)
    return session


def _install_speech(session: ArenaSession, settings: dict) -> None:
    """The demo session's illustrative speech, and the pledges proposed from it (once)."""
    from leitai.demo import demo_dir
    from leitai.web.arena.proposals import demo_link_proposals, text_propose

    name = settings.get("speech")
    if not name or session.texts.exists():
        return
    text = (demo_dir() / str(name)).read_text(encoding="utf-8")
    stored = text_propose(session=session, text=text, name=str(name))
    demo_link_proposals(stored)
