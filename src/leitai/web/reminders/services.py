"""Writing: deadlines and schedules, robots, planning reminders, sending them once.

Planning inserts one :class:`Delivery` per (period, point, recipient, channel) with
``ignore_conflicts``: the unique constraint is the claim of the point, so workers
planning the same point at once insert each row once. Sending claims a row with a
conditional UPDATE (``pending`` → ``sending``, naming the attempt it read), as
healthchecks' ``sendalerts`` claims its flips: an UPDATE that changed no row means
another worker has it. A failed send is tried again with a growing pause, up to
:data:`MAX_ATTEMPTS`, then marked failed and shown to the office.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import OperationalError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from leitai.web.accounts.models import User
from leitai.web.assessments.models import Period, Unit
from leitai.web.audit.models import Action
from leitai.web.audit.services import audit_record
from leitai.web.errors import ServiceError
from leitai.web.reminders import channels
from leitai.web.reminders.models import (
    Delivery,
    DepartmentDeadline,
    Notification,
    PeriodDeadlines,
    Webhook,
)
from leitai.web.reminders.selectors import (
    Owed,
    deadlines_for,
    department_approvers,
    department_deadline_rows,
    department_deadlines,
    department_providers,
    due_points,
    office_users,
    period_digest_lines,
    period_owed,
    unit_reporters,
)
from leitai.web.tasks.services import JobContext, job_kind, job_submit, worker_id
from leitai.web.workflow.selectors import unit_approvers

logger = logging.getLogger("leitai.reminders")

MAX_ATTEMPTS = 4
_CLAIM = timedelta(minutes=5)  # a claimed reminder whose worker vanished is tried again after this

DEADLINE_FIELDS = [
    "collection_deadline",
    "review_until",
    "publication_planned",
    "days_before",
    "overdue_daily",
    "send_hour",
    "digest",
    "active",
]
WEBHOOK_FIELDS = ["name", "platform", "url", "format", "active"]


def _state(obj: Any, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


# -- the office's settings -------------------------------------------------------------------


@transaction.atomic
def deadlines_update(*, period: Period, actor: Any, **values: Any) -> PeriodDeadlines:
    """Set a period's deadlines and reminder schedule (audited)."""
    deadlines, created = PeriodDeadlines.objects.select_for_update().get_or_create(period=period)
    before = None if created else _state(deadlines, DEADLINE_FIELDS)
    for name, value in values.items():
        if name in DEADLINE_FIELDS:
            setattr(deadlines, name, value)
    deadlines.save()
    audit_record(
        action=Action.REMINDER_SCHEDULE_CHANGED,
        actor=actor,
        obj=deadlines,
        period=period,
        before=before,
        after=_state(deadlines, DEADLINE_FIELDS),
        summary=_("Deadlines and reminders of %(period)s set") % {"period": period.code},
    )
    return deadlines


@transaction.atomic
def webhook_save(
    *, actor: Any, webhook: Webhook | None = None, secret: str = "", **values: Any
) -> Webhook:
    """Create or change a group robot. A blank ``secret`` keeps the stored one; the log
    records only whether a secret is set, never the secret."""
    webhook = webhook or Webhook()
    before = (
        None
        if webhook.pk is None
        else {**_state(webhook, WEBHOOK_FIELDS), "signed": bool(webhook.secret)}
    )
    for name in WEBHOOK_FIELDS:
        if name in values:
            setattr(webhook, name, values[name])
    problem = channels.robot_url_problem(webhook.url)
    if problem is not None:
        raise ServiceError(problem, code="robot_url", field="url")
    if secret:
        webhook.secret = secret
    webhook.full_clean()
    webhook.save()
    audit_record(
        action=Action.REMINDER_ROBOT_CHANGED if before else Action.REMINDER_ROBOT_ADDED,
        actor=actor,
        obj=webhook,
        before=before,
        after={**_state(webhook, WEBHOOK_FIELDS), "signed": bool(webhook.secret)},
        summary=_("Group robot %(name)s saved") % {"name": webhook.name},
    )
    return webhook


@transaction.atomic
def webhook_delete(*, actor: Any, webhook: Webhook) -> None:
    audit_record(
        action=Action.REMINDER_ROBOT_DELETED,
        actor=actor,
        obj=webhook,
        before={**_state(webhook, WEBHOOK_FIELDS), "signed": bool(webhook.secret)},
        summary=_("Group robot %(name)s deleted") % {"name": webhook.name},
    )
    webhook.delete()


def notifications_read(*, user: Any, pk: int | None = None) -> int:
    """Mark one of ``user``'s notifications (or all) as read."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())


# -- planning --------------------------------------------------------------------------------


def _message(period: Period, title: str, lines: list[str], link: str) -> dict[str, Any]:
    return {"title": title, "lines": lines, "link": link, "period": period.code}


def _person_rows(
    period: Period, point: str, user: Any, message: dict[str, Any], *, kind: str = "user"
) -> list[Delivery]:
    """One delivery per channel of ``user``; ``kind`` keeps an approver's approval apart
    from what they owe as a reporter (each once per schedule point)."""
    rows = [Delivery.Channel.APP]
    if user.email:
        rows.append(Delivery.Channel.EMAIL)
    return [
        Delivery(
            period=period,
            point=point,
            recipient=f"{kind}:{user.pk}",
            channel=channel,
            user=user,
            message={**message, "name": user.get_full_name() or user.get_username()},
        )
        for channel in rows
    ]


Recipients = tuple[Any, str, str]  # the people, the title, the link


def _to_office(period: Period, item: Owed) -> Recipients:
    title = _("%(period)s: objections wait for your answer") % {"period": period.code}
    return office_users(), title, reverse("workflow:objection_list", args=[period.code])


def _unit_of(item: Owed) -> Unit:
    if item.unit is None:
        raise ValueError(f"a {item.kind} reminder without a unit")
    return item.unit


def _to_approvers(period: Period, item: Owed) -> Recipients:
    unit = _unit_of(item)
    title = _("%(period)s: an approval of %(unit)s is waiting for you") % {
        "period": period.code,
        "unit": unit.name,
    }
    people = unit_approvers(unit).exclude(pk=item.preparer_id)
    return people, title, reverse("workflow:unit", args=[period.code, unit.code])


def _to_reporters(period: Period, item: Owed) -> Recipients:
    unit = _unit_of(item)
    title = _("%(period)s reminder: %(unit)s still owes figures") % {
        "period": period.code,
        "unit": unit.name,
    }
    people = unit_reporters(unit)
    return people, title, reverse("workflow:unit", args=[period.code, unit.code])


def _to_providers(period: Period, item: Owed) -> Recipients:
    if item.department is None:
        raise ValueError("a provider's reminder without a department")
    title = _("%(period)s reminder: %(department)s still owes figures") % {
        "period": period.code,
        "department": item.department.name,
    }
    people = department_providers(item.department)
    return people, title, reverse("workflow:provider", args=[period.code])


def _to_department_approvers(period: Period, item: Owed) -> Recipients:
    assert item.department is not None  # the kind says so
    title = _("%(period)s: an approval of %(department)s is waiting for you") % {
        "period": period.code,
        "department": item.department.name,
    }
    people = department_approvers(item.department).exclude(pk=item.preparer_id)
    return people, title, reverse("workflow:provider", args=[period.code])


# How a person's delivery of each kind is told apart (an approver who also reports gets
# the approval and the figures as two reminders, each sent once).
PERSON_KINDS = {
    "office": "office",
    "approval": "approval",
    "unit": "user",
    "provider": "user",
    "department_approval": "approval",
}

# Who is reminded of each kind of :class:`Owed` (see ``OWED_SOURCES`` in the selectors).
RECIPIENTS: dict[str, Callable[[Period, Owed], Recipients]] = {
    "office": _to_office,
    "approval": _to_approvers,
    "unit": _to_reporters,
    "provider": _to_providers,
    "department_approval": _to_department_approvers,
}


def _when(deadline: datetime | None) -> str:
    return timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M") if deadline else ""


def _owed_rows(period: Period, point: str, owed: list[Owed]) -> list[Delivery]:
    main = getattr(getattr(period, "deadlines", None), "collection_deadline", None)
    rows: list[Delivery] = []
    for item in owed:
        people, title, link = RECIPIENTS[item.kind](period, item)
        lines = list(item.items)
        when = _when(item.deadline or main)
        if when and item.kind != "office":
            lines.insert(0, _("Collection deadline: %(when)s.") % {"when": when})
        for user in people:
            rows += _person_rows(
                period,
                point,
                user,
                _message(period, title, lines, link),
                kind=PERSON_KINDS[item.kind],
            )
    return rows


def _robot_rows(period: Period, point: str, owed: list[Owed]) -> list[Delivery]:
    debtors = [o for o in owed if o.kind != "office"]
    if not debtors:
        return []
    title = _("%(period)s reminder: units that still owe figures") % {"period": period.code}
    lines = [f"{o.who}{_(': ')}{_('; ').join(o.items)}" for o in debtors]
    message = _message(period, title, lines, reverse("workflow:period", args=[period.code]))
    return [
        Delivery(
            period=period,
            point=point,
            recipient=f"webhook:{w.pk}",
            channel=Delivery.Channel.WEBHOOK,
            webhook=w,
            message=message,
        )
        for w in Webhook.objects.filter(active=True)
    ]


def _digest_rows(period: Period, point: str) -> list[Delivery]:
    title = _("%(period)s daily digest") % {"period": period.code}
    message = _message(
        period, title, period_digest_lines(period), reverse("workflow:period", args=[period.code])
    )
    rows: list[Delivery] = []
    for user in office_users():
        rows += _person_rows(period, point, user, message)
    return rows


def department_point(department_id: int, point: str) -> str:
    """The schedule point of a department with its own deadline: ``d<id>:before-3``."""
    return f"d{department_id}:{point}"


def _point_rows(period: Period, point: str) -> list[Delivery]:
    """The deliveries of one point. A department with its own deadline is reminded on its
    own points (``d<id>:…``) only, and not by the group robots; the office's reminder by
    hand (``manual-…``) reaches everyone who owes."""
    if point.startswith("digest-"):
        return _digest_rows(period, point)
    owed = period_owed(period)
    if point.startswith("d") and ":" in point:
        department = point[1:].partition(":")[0]
        mine = [o for o in owed if o.department is not None and str(o.department.pk) == department]
        return _owed_rows(period, point, mine)
    if not point.startswith("manual-"):
        own = department_deadlines(period)
        owed = [o for o in owed if o.department is None or o.department.pk not in own]
    return _owed_rows(period, point, owed) + _robot_rows(period, point, owed)


def reminders_plan(*, period: Period, point: str) -> int:
    """Insert the deliveries of ``point`` (each at most once, whoever plans it).

    A point planned already (by this worker at an earlier tick or by another) is taken,
    and its rows are not worked out again: every tick goes through every point due so far.
    Two workers planning the same point at once insert each delivery once
    (``ignore_conflicts`` on the deliveries' unique key)."""
    if Delivery.objects.filter(period=period, point=point).exists():
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        rows = _point_rows(period, point)
    if not rows:
        return 0
    created = Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)


def reminders_send_now(*, period: Period, actor: Any) -> int:
    """The office's reminder by hand: a point of its own, sent through the queue."""
    point = f"manual-{timezone.now():%Y%m%dT%H%M%S%f}"
    n = reminders_plan(period=period, point=point)
    audit_record(
        action=Action.REMINDER_REQUESTED,
        actor=actor,
        period=period,
        after={"point": point, "deliveries": n},
        summary=_("Reminder of %(period)s sent by hand") % {"period": period.code},
    )
    if n:
        transaction.on_commit(lambda: job_submit(handler=reminders_send, args={}))
    return n


def reminders_tick(*, now: datetime | None = None) -> int:
    """Plan every due schedule point and hand the sending to the task queue.

    Called by every ``leitai worker`` (its janitor thread) once a minute; racing ticks
    plan each point once. Returns the number of deliveries waiting to be sent.
    """
    now = now or timezone.now()
    schedules = PeriodDeadlines.objects.filter(active=True).exclude(
        period__state=Period.State.PUBLISHED
    )
    for deadlines in schedules.select_related("period"):
        for point in due_points(deadlines, now):
            reminders_plan(period=deadlines.period, point=point)
        for own in DepartmentDeadline.objects.filter(period=deadlines.period):
            # The period's schedule against the department's own deadline (no digest).
            schedule = PeriodDeadlines(
                period=deadlines.period,
                collection_deadline=own.collection_deadline,
                days_before=deadlines.days_before,
                overdue_daily=deadlines.overdue_daily,
                send_hour=deadlines.send_hour,
                digest=False,
            )
            for point in due_points(schedule, now):
                reminders_plan(
                    period=deadlines.period, point=department_point(own.department_id, point)
                )
    waiting = _sendable(now).count()
    if waiting:
        job_submit(handler=reminders_send, args={})
    return waiting


# -- sending ---------------------------------------------------------------------------------


def _sendable(now: datetime) -> Any:
    return Delivery.objects.filter(
        Q(state=Delivery.State.PENDING, next_attempt_at__isnull=True)
        | Q(state=Delivery.State.PENDING, next_attempt_at__lte=now)
        | Q(state=Delivery.State.SENDING, claimed_until__lt=now)
    )


def delivery_claim(
    *, worker: str, now: datetime | None = None, skip: set[int] | frozenset[int] = frozenset()
) -> Delivery | None:
    """Take one reminder to send; None when none waits (or others took them all)."""
    now = now or timezone.now()
    sendable = _sendable(now).exclude(pk__in=list(skip))
    candidates = sendable.order_by("pk").values_list("pk", "state", "attempts")[:50]
    for pk, state, attempts in candidates:
        taken = Delivery.objects.filter(pk=pk, state=state, attempts=attempts).update(
            state=Delivery.State.SENDING,
            claimed_by=worker[:80],
            claimed_until=now + _CLAIM,
            attempts=F("attempts") + 1,
        )
        if taken == 1:
            # Claimed: a busy database now must not leave the claim held with nobody sending.
            claimed = Delivery.objects.select_related("user", "webhook", "period").filter(pk=pk)
            return _settled(claimed.get)
    return None


def _to(delivery: Delivery) -> User:
    """The account a delivery by e-mail or in the app goes to (always set for those)."""
    if delivery.user is None:
        raise ValueError(f"reminder {delivery.pk} by {delivery.channel} has no recipient")
    return delivery.user


def _deliver(delivery: Delivery) -> None:
    message = delivery.message
    if delivery.channel == Delivery.Channel.EMAIL:
        channels.email_send(to=_to(delivery).email, message=message)
    elif delivery.channel == Delivery.Channel.WEBHOOK:
        if delivery.webhook is None:
            raise ValueError(f"reminder {delivery.pk} to a group robot has no robot")
        channels.webhook_send(delivery.webhook, message)


def _backoff(attempts: int) -> timedelta:
    base = float(getattr(settings, "LEITAI_REMINDERS_BACKOFF", 60))
    return timedelta(seconds=base * 2 ** max(attempts - 1, 0))


def delivery_send(*, delivery: Delivery, worker: str) -> bool:
    """Send a claimed reminder; record it (and audit it) sent, or schedule a retry."""
    mine = Delivery.objects.filter(
        pk=delivery.pk, state=Delivery.State.SENDING, claimed_by=worker[:80]
    )
    try:
        with translation.override(settings.LANGUAGE_CODE):
            _deliver(delivery)
    except channels.ChannelError as exc:
        error = str(exc)
        _settled(lambda: _failed(delivery, mine, error))
        return False
    return _settled(lambda: _record_sent(delivery, mine))


def _settled(write: Any) -> Any:
    """Write the outcome of a send that happened: a busy SQLite ("database is locked")
    is waited for, never allowed to lose the record and so send the reminder twice."""
    for attempt in range(200):
        try:
            return write()
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == 199:
                raise
            time.sleep(0.01 * min(attempt + 1, 20))
    return None


def _record_sent(delivery: Delivery, mine: Any) -> bool:
    with transaction.atomic():
        if (
            mine.update(
                state=Delivery.State.SENT, sent_at=timezone.now(), error="", claimed_until=None
            )
            != 1
        ):
            return False
        if delivery.channel == Delivery.Channel.APP:
            Notification.objects.create(
                user=_to(delivery),
                period=delivery.period,
                title=delivery.message["title"],
                body="\n".join(delivery.message.get("lines", [])),
                link=delivery.message.get("link", ""),
            )
        _delivery_audit(delivery, Action.REMINDER_SENT)
    return True


def _delivery_audit(delivery: Delivery, action: Action, note: str = "") -> None:
    """A reminder sent, or given up on after its last attempt, in the audit log."""
    audit_record(
        action=action,
        obj=delivery,
        period=delivery.period,
        after={
            "point": delivery.point,
            "recipient": delivery.recipient,
            "channel": delivery.channel,
        },
        note=note,
        summary=str(delivery.message["title"])[:300],
    )


def _failed(delivery: Delivery, mine: Any, error: str) -> None:
    final = delivery.attempts >= MAX_ATTEMPTS
    with transaction.atomic():
        mine.update(
            state=Delivery.State.FAILED if final else Delivery.State.PENDING,
            error=error[:2000],
            next_attempt_at=None if final else timezone.now() + _backoff(delivery.attempts),
            claimed_until=None,
        )
        if final:
            _delivery_audit(delivery, Action.REMINDER_FAILED, note=error[:2000])
    logger.warning("reminder %s (%s) not sent: %s", delivery.pk, delivery.channel, error)


def reminders_send_due(*, worker: str | None = None, check: Any = None) -> int:
    """Send every reminder that is due now; returns how many this worker sent."""
    worker = worker or worker_id()
    sent = 0
    tried: set[int] = set()  # one attempt per reminder per run: retries wait for their time
    while True:
        if check is not None:
            check()  # a stopping worker stops before claiming, never holding a claim
        delivery = _settled(lambda: delivery_claim(worker=worker, skip=tried))
        if delivery is None:
            break
        tried.add(delivery.pk)
        sent += delivery_send(delivery=delivery, worker=worker)
    return sent


@job_kind
def reminders_send(ctx: JobContext) -> None:
    """The job the queue carries: send the reminders that are due."""
    reminders_send_due(worker=ctx.worker, check=ctx.check)
    with ctx.finishing():
        pass


# -- departments' own deadlines --------------------------------------------------------------


def _deadline_text(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="minutes") if moment else None


@transaction.atomic
def department_deadlines_set(
    *, period: Period, actor: Any, deadlines: dict[str, datetime | None]
) -> int:
    """Set (or, with None, clear) the departments' own collection deadlines in ``period``,
    all or none, each change audited. ``deadlines`` maps a department's code to its
    deadline. Refused, with the department named, for a department that supplies nothing
    in the period or a deadline after the period's own: a department delivers before the
    units or with them, never after the collection closes."""
    supplying = {row["department"].code: row for row in department_deadline_rows(period)}
    main = getattr(deadlines_for(period), "collection_deadline", None)
    problems: dict[str, str] = {}
    for code, moment in deadlines.items():
        if code not in supplying:
            problems[code] = _("%(code)s supplies no indicator in %(period)s.") % {
                "code": code,
                "period": period.code,
            }
        elif moment is not None and main is not None and moment > main:
            problems[code] = _(
                "%(department)s: %(when)s is after the period's collection deadline %(main)s."
            ) % {
                "department": supplying[code]["department"].name,
                "when": _when(moment),
                "main": _when(main),
            }
    if problems:
        raise ServiceError(code="deadline", fields=problems)
    changed = 0
    for code, moment in deadlines.items():
        department = supplying[code]["department"]
        before = supplying[code]["own"]
        if before == moment:
            continue
        if moment is None:
            DepartmentDeadline.objects.filter(period=period, department=department).delete()
        else:
            DepartmentDeadline.objects.update_or_create(
                period=period, department=department, defaults={"collection_deadline": moment}
            )
        audit_record(
            action=Action.REMINDER_SCHEDULE_CHANGED,
            actor=actor,
            period=period,
            before={"department": code, "collection_deadline": _deadline_text(before)},
            after={"department": code, "collection_deadline": _deadline_text(moment)},
            summary=_("Collection deadline of %(department)s in %(period)s set")
            % {"department": department.name, "period": period.code},
        )
        changed += 1
    return changed
