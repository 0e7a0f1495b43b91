"""The demo's targets, actuals and the 2023-05-27 arena (书记擂台) on the 2023Q1 results.

:func:`arena_demo_install` is called by
:func:`leitai.web.demo.demo_install`. It only adds what is missing, so it
is safe on every start and keeps any change made to the demo's rows since.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

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
    _install_scoring(session)
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


# The demo's live scoring (现场评议): 30 judges (10 per group) have scored the first two
# speakers, whose units are closed; the third speaker is open for scoring.
DEMO_SHEET: dict[str, Any] = {
    "kind": "criteria",
    "criteria": [
        {"id": "c1", "name": "晒成绩 真实充分", "max": 30},
        {"id": "c2", "name": "查不足 精准深刻", "max": 30},
        {"id": "c3", "name": "谈举措 务实可行", "max": 40},
    ],
    "groups": [
        {"id": "g1", "name": "市领导", "weight": 40},
        {"id": "g2", "name": "部门", "weight": 30},
        {"id": "g3", "name": "代表", "weight": 30},
    ],
    "rule": "trimmed",
    "trim": 1,
}
DEMO_JUDGES_PER_GROUP = 10
DEMO_UNITS_SCORED = 2


def _install_scoring(session: ArenaSession) -> None:
    """The session's scoring sheet, 30 judges' sheets for two closed units (once)."""
    import hashlib
    import random
    import secrets

    from leitai.web.arena.judging_services import codes_issue, scoring_define, token_digest
    from leitai.web.arena.models import JudgeSheet, Scoring
    from leitai.web.arena.selectors import arena_build
    from leitai.web.audit.models import Action
    from leitai.web.audit.services import audit_record

    if Scoring.objects.filter(session=session).exists():
        return
    arena = arena_build(session)
    if arena is None:
        return
    order = [s.code for s in arena.speakers]
    scoring = scoring_define(
        session=session, definition=DEMO_SHEET, units=order, show=Scoring.Show.LIVE
    )
    rng = random.Random(20230527)
    sheets = []
    for group in ("g1", "g2", "g3"):
        codes_issue(scoring=scoring, group=group, count=DEMO_JUDGES_PER_GROUP)
    now = timezone.now()
    for code in scoring.codes.order_by("number"):
        # Held by a demo device nobody has: these codes cannot be used again.
        code.device = token_digest(secrets.token_urlsafe(32))
        code.claimed_at = now
        code.save(update_fields=["device", "claimed_at"])
        for place, unit in enumerate(order[:DEMO_UNITS_SCORED]):
            level = 0.86 - 0.04 * place + rng.uniform(-0.08, 0.08)
            entry = {
                c["id"]: round(min(c["max"], c["max"] * (level + rng.uniform(-0.05, 0.05))))
                for c in DEMO_SHEET["criteria"]
            }
            client = hashlib.sha256(f"demo:{code.number}:{unit}".encode()).hexdigest()[:32]
            sheets.append(
                JudgeSheet(
                    code=code,
                    unit=unit,
                    entry=entry,
                    total=float(sum(entry.values())),
                    client_id=client,
                )
            )
    JudgeSheet.objects.bulk_create(sheets)
    scoring.closed_units = order[:DEMO_UNITS_SCORED]
    scoring.open_unit = order[DEMO_UNITS_SCORED] if len(order) > DEMO_UNITS_SCORED else ""
    scoring.save()
    audit_record(
        action=Action.ARENA_SHEET_SCORED,
        obj=scoring,
        period=session.period,
        after={"demo_sheets": len(sheets), "closed": scoring.closed_units},
        summary=f"{session.slug}: demo, {len(sheets)} sheets",
    )


def arena_demo_judge_codes(count: int = 5) -> list[tuple[int, str, str]]:
    """Fresh judge codes for the demo session (printed by ``leitai serve --demo``).

    The demo's earlier codes nobody used are revoked first, so only the codes printed
    at the last start work. Returns (number, group name, code as printed).
    """
    from leitai.web.arena.judging_services import codes_issue, scheme_of
    from leitai.web.arena.models import Scoring

    scoring = Scoring.objects.filter(session__date=dt.date(2023, 5, 27)).first()
    if scoring is None or scoring.closed_at is not None:
        return []
    scoring.codes.filter(device="", revoked=False).update(revoked=True)
    groups = {g.id: g.name for g in scheme_of(scoring).groups}
    group = list(groups)[-1]
    issued = codes_issue(scoring=scoring, group=group, count=count)
    return [(c.number, groups[c.group], c.display) for c in issued]
