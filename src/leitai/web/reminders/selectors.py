"""Reading: who owes what in a period, which schedule points are due, what the office sees.

Who owes what comes from the workflow's own status (:func:`period_readiness`, the status
board) and anomaly checks (:func:`period_alert_rows`): no second status is kept here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from leitai.web.accounts.selectors import person_display
from leitai.web.assessments.models import Period, Unit
from leitai.web.reminders.models import (
    Delivery,
    DepartmentDeadline,
    Notification,
    PeriodDeadlines,
)
from leitai.web.workflow.anomalies import AlertRow, period_alert_rows
from leitai.web.workflow.models import Department, UnitStatus
from leitai.web.workflow.selectors import (
    DONE,
    ProviderRow,
    Readiness,
    period_assignments,
    period_readiness,
    provider_board,
)


@dataclass
class Owed:
    """What one unit, one department or the office (neither) still owes in a period.

    ``kind`` says who is reminded of it (see :data:`OWED_SOURCES` and the planner's
    ``RECIPIENTS`` in :mod:`leitai.web.reminders.services`): ``unit`` its reporters,
    ``approval`` its 审核人, ``provider`` the department's provider accounts,
    ``department_approval`` the department's 审核人, ``office`` the office.
    """

    unit: Unit | None
    items: list[str] = field(default_factory=list)
    # Who in the unit owes it: its reporters, or its 审核人 (an approval waits for them).
    approvers: bool = False
    # The account that prepared what waits: it may not approve it, so is not reminded.
    preparer_id: int | None = None
    department: Department | None = None
    # The deadline the reminder names: the department's own where it has one.
    deadline: datetime | None = None
    kind: str = ""

    def __post_init__(self) -> None:
        if not self.kind:
            if self.department is not None:
                self.kind = "department_approval" if self.approvers else "provider"
            elif self.unit is None:
                self.kind = "office"
            else:
                self.kind = "approval" if self.approvers else "unit"

    @property
    def who(self) -> str:
        """The name of who owes it, for the group robots' lines."""
        if self.department is not None:
            return self.department.name
        return self.unit.name if self.unit is not None else ""


def office_users() -> QuerySet[Any]:
    User = get_user_model()
    return User.objects.filter(Q(role=User.Role.OFFICE) | Q(is_superuser=True), is_active=True)


def unit_reporters(unit: Unit) -> QuerySet[Any]:
    User = get_user_model()
    return User.objects.filter(role=User.Role.REPORTER, unit=unit, is_active=True)


def department_providers(department: Department) -> QuerySet[Any]:
    User = get_user_model()
    return User.objects.filter(role=User.Role.PROVIDER, department=department, is_active=True)


def department_approvers(department: Department) -> QuerySet[Any]:
    return department_providers(department).filter(unit_approver=True)


def _approvals(period: Period, readiness: Readiness) -> list[Owed]:
    """The units whose prepared figures wait for the unit's 审核人, owed by them."""
    return [
        Owed(
            unit=row.unit,
            items=[
                _("An approval is waiting: %(who)s prepared the figures; approve or send back.")
                % {"who": person_display(row.submission.submitted_by) or "—"}
            ],
            approvers=True,
            preparer_id=row.submission.submitted_by_id,
        )
        for row in readiness.rows
        if row.status == UnitStatus.PENDING_APPROVAL and row.submission is not None
    ]


def _unexplained(period: Period) -> list[AlertRow]:
    return [alert for alert in period_alert_rows(period) if not alert.explained]


def _units(period: Period, readiness: Readiness) -> list[Owed]:
    """The units' reporters: figures not submitted (while the period collects) and
    unexplained anomalies of the indicators the units supply."""
    owed: dict[int, Owed] = {}
    if period.state == Period.State.COLLECTING:
        for row in readiness.rows:
            if row.status in DONE or row.status == UnitStatus.PENDING_APPROVAL:
                continue  # with the office (or the office's), or with the unit's approver
            item = owed.setdefault(row.unit.pk, Owed(unit=row.unit))
            if row.status == UnitStatus.RETURNED:
                item.items.append(_("Your submission was returned: correct it and submit again."))
            elif row.status == UnitStatus.SENT_BACK:
                item.items.append(
                    _("Your unit's approver sent the figures back: correct them and submit again.")
                )
            elif row.filled:
                item.items.append(
                    _("Figures entered but not submitted (%(blank)d of %(total)d blank).")
                    % {"blank": row.blank, "total": row.total}
                )
            else:
                item.items.append(
                    _("No figures entered yet (%(total)d to fill).") % {"total": row.total}
                )
    supplied = period_assignments(period)
    for alert in _unexplained(period):
        if alert.key in supplied:
            continue  # the department's to explain
        item = owed.setdefault(alert.unit.pk, Owed(unit=alert.unit))
        item.items.append(
            _("Unexplained anomaly: %(name)s changed beyond its limit; explain it.")
            % {"name": alert.name}
        )
    return list(owed.values())


def _provider_items(row: ProviderRow) -> list[str]:
    if row.status == UnitStatus.RETURNED:
        return [_("Your department's submission was returned: correct it and submit again.")]
    if row.status == UnitStatus.SENT_BACK:
        return [
            _("Your department's approver sent the figures back: correct them and submit again.")
        ]
    if row.filled:
        return [
            _("Figures entered for every unit but not submitted (%(blank)d of %(total)d blank).")
            % {"blank": row.blank, "total": row.total}
        ]
    return [
        _("No figures entered yet (%(total)d to fill: %(keys)d indicators for every unit).")
        % {"total": row.total, "keys": len(row.keys)}
    ]


def _providers(period: Period, readiness: Readiness) -> list[Owed]:
    """The departments' provider accounts: their indicators' figures for every unit not
    submitted (while the period collects) and unexplained anomalies of their indicators;
    each against the department's own deadline where it has one."""
    own = department_deadlines(period)
    main = getattr(deadlines_for(period), "collection_deadline", None)
    owed: dict[int, Owed] = {}
    rows = provider_board(period)

    def item(department: Department) -> Owed:
        return owed.setdefault(
            department.pk,
            Owed(unit=None, department=department, deadline=own.get(department.pk, main)),
        )

    if period.state == Period.State.COLLECTING:
        for row in rows:
            if row.status in DONE or row.status == UnitStatus.PENDING_APPROVAL:
                continue  # with the office (or the office's), or with the department's approver
            item(row.department).items.extend(_provider_items(row))
    by_key = {key: row.department for row in rows for key in row.keys}
    for alert in _unexplained(period):
        if alert.key in by_key:
            item(by_key[alert.key]).items.append(
                _("Unexplained anomaly: %(name)s of %(unit)s changed beyond its limit; explain it.")
                % {"name": alert.name, "unit": alert.unit.name}
            )
    return list(owed.values())


def _department_approvals(period: Period, readiness: Readiness) -> list[Owed]:
    """The departments whose prepared figures wait for the department's 审核人."""
    if period.state != Period.State.COLLECTING:
        return []
    own = department_deadlines(period)
    main = getattr(deadlines_for(period), "collection_deadline", None)
    return [
        Owed(
            unit=None,
            department=row.department,
            items=[
                _("An approval is waiting: %(who)s prepared the figures; approve or send back.")
                % {"who": person_display(row.submission.submitted_by) or "—"}
            ],
            approvers=True,
            preparer_id=row.submission.submitted_by_id,
            deadline=own.get(row.department.pk, main),
        )
        for row in provider_board(period)
        if row.status == UnitStatus.PENDING_APPROVAL and row.submission is not None
    ]


def _office(period: Period, readiness: Readiness) -> list[Owed]:
    if not readiness.pending_objections:
        return []
    return [
        Owed(
            unit=None,
            items=[
                _("Objection of %(unit)s waits for an answer.") % {"unit": o.unit.name}
                for o in readiness.pending_objections
            ],
        )
    ]


OwedSource = Callable[[Period, Readiness], list[Owed]]

# Who owes what, one function per kind of debtor. A new kind (e.g. a department's own
# approver) is one more function here and one more entry of the planner's RECIPIENTS.
OWED_SOURCES: list[OwedSource] = [_units, _approvals, _providers, _department_approvals, _office]


def period_owed(period: Period) -> list[Owed]:
    """Everyone who still owes something in ``period``: units, approvers, departments'
    providers, and the office when objections wait."""
    readiness = period_readiness(period)
    return [item for source in OWED_SOURCES for item in source(period, readiness)]


def period_digest_lines(period: Period) -> list[str]:
    """The office's daily digest: the counts of the status board and what waits."""
    readiness = period_readiness(period)
    counts = readiness.counts
    lines = [
        _("Submitted: %(n)d of %(total)d units.")
        % {"n": len(readiness.rows) - len(readiness.outstanding), "total": len(readiness.rows)},
        _("Not started: %(n)d; entered but not submitted: %(m)d; returned: %(r)d.")
        % {
            "n": counts[UnitStatus.NOT_STARTED],
            "m": counts[UnitStatus.FILLED],
            "r": counts[UnitStatus.RETURNED],
        },
        _("Objections waiting for an answer: %(n)d.") % {"n": len(readiness.pending_objections)},
    ]
    providers = provider_board(period)
    if providers:
        late = [r.department.name for r in providers if r.status not in DONE]
        lines.insert(
            1,
            _("Departments submitted: %(n)d of %(total)d%(late)s.")
            % {
                "n": len(providers) - len(late),
                "total": len(providers),
                "late": _("; not yet: %(names)s") % {"names": _(", ").join(late)} if late else "",
            },
        )
    if counts[UnitStatus.PENDING_APPROVAL]:
        lines.append(
            _("Waiting for approval inside the unit: %(n)d.")
            % {"n": counts[UnitStatus.PENDING_APPROVAL]}
        )
    unexplained = sum(1 for a in period_alert_rows(period) if not a.explained)
    lines.append(_("Unexplained anomalies: %(n)d.") % {"n": unexplained})
    failed = Delivery.objects.filter(period=period, state=Delivery.State.FAILED).count()
    if failed:
        lines.append(_("Reminders that could not be sent: %(n)d.") % {"n": failed})
    return lines


def _send_time(deadlines: PeriodDeadlines, day: Any) -> datetime:
    naive = datetime.combine(day, datetime.min.time()).replace(hour=min(deadlines.send_hour, 23))
    return timezone.make_aware(naive)


def due_points(deadlines: PeriodDeadlines, now: datetime) -> list[str]:
    """The schedule points due at ``now`` (each sent once: later ticks find it sent).

    ``before-N`` N days before the deadline (only the nearest one due, never after the
    deadline); ``overdue-DATE`` each morning after the deadline; ``digest-DATE`` the
    office's digest each morning while the period is not published.
    """
    points: list[str] = []
    deadline = deadlines.collection_deadline
    today = timezone.localdate(now)
    morning = _send_time(deadlines, today)
    if deadline is not None and now < deadline:
        due = [n for n in deadlines.day_list if deadline - timedelta(days=n) <= now]
        if due:
            points.append(f"before-{min(due)}")
    elif deadline is not None and deadlines.overdue_daily and now >= morning > deadline:
        points.append(f"overdue-{today.isoformat()}")
    if deadlines.digest and now >= morning:
        points.append(f"digest-{today.isoformat()}")
    return points


def deadlines_for(period: Period) -> PeriodDeadlines | None:
    return PeriodDeadlines.objects.filter(period=period).first()


def period_deliveries(period: Period) -> QuerySet[Delivery]:
    return Delivery.objects.filter(period=period).select_related("user", "webhook")


def deliveries_failing(period: Period) -> QuerySet[Delivery]:
    """Failed for good, or waiting for a retry after an error: shown to the office."""
    return period_deliveries(period).exclude(error="").exclude(state=Delivery.State.SENT)


def unread_count(user: Any) -> int:
    # A reader with no stored account (the report-card printer's) has no notifications.
    if not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_of(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("period")


def department_deadlines(period: Period) -> dict[int, datetime]:
    """The departments' own collection deadlines in ``period``, by department id."""
    return dict(
        DepartmentDeadline.objects.filter(period=period).values_list(
            "department_id", "collection_deadline"
        )
    )


def department_deadline_rows(period: Period) -> list[dict[str, Any]]:
    """Each department supplying indicators in ``period`` with its own deadline (or None)
    and the one that applies to it, for the office's schedule page and the boards."""
    own = department_deadlines(period)
    main = getattr(deadlines_for(period), "collection_deadline", None)
    departments = sorted(
        {d.pk: d for d in period_assignments(period).values()}.values(), key=lambda d: d.code
    )
    return [
        {"department": d, "own": own.get(d.pk), "applies": own.get(d.pk, main)} for d in departments
    ]


_POINT = re.compile(
    r"^(?:d(?P<department>\d+):)?(?P<kind>before|overdue|digest|manual)-(?P<rest>.+)$"
)


def department_names() -> dict[int, str]:
    """Every department's name by id (for the schedule points of their own deadlines)."""
    return dict(Department.objects.values_list("pk", "name"))


def point_text(point: str, names: Mapping[int, str] | None = None) -> str:
    """A schedule point in words (:func:`due_points`' codes; ``d<id>:`` is a department's
    own deadline, named from ``names``); a code it does not know is shown as it is.

    ``before-3`` → 截止前 3 天; ``overdue-2024-01-10`` → 逾期提醒 2024-01-10;
    ``digest-2024-01-10`` → 每日汇总 2024-01-10; ``manual-20240110T093000…`` → 手动催报
    2024-01-10 09:30.
    """
    match = _POINT.match(point)
    if match is None:
        return point
    kind, rest = match["kind"], match["rest"]
    if kind == "before":
        text = _("%(days)s days before the deadline") % {"days": rest}
    elif kind == "overdue":
        text = _("Overdue reminder %(date)s") % {"date": rest}
    elif kind == "digest":
        text = _("Daily digest %(date)s") % {"date": rest}
    else:
        stamp = rest[:13]  # 20240110T0930
        when = f"{stamp[:4]}-{stamp[4:6]}-{stamp[6:8]} {stamp[9:11]}:{stamp[11:13]}"
        text = _("Sent by hand %(when)s") % {"when": when}
    name = (names or {}).get(int(match["department"] or 0))
    return f"{name} · {text}" if name else text
