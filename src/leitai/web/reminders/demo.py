"""The demo's 2023Q4: a collection deadline two days after the demo is installed, with
市住房城乡建设局's own a day earlier; the "3 days before" reminders (the units', and
住建局's against its own deadline) and the office's digest of the day already sent in the
app, e-mails (to accounts with an address) and the later points still to come."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from leitai.web.assessments.models import Period
from leitai.web.reminders.models import Delivery, DepartmentDeadline, PeriodDeadlines
from leitai.web.reminders.services import delivery_send, department_point, reminders_plan
from leitai.web.workflow.models import Department

DEMO_PERIOD = "2023Q4"


def reminders_demo_install() -> None:
    period = Period.objects.filter(code=DEMO_PERIOD).first()
    if period is None or PeriodDeadlines.objects.filter(period=period).exists():
        return
    now = timezone.now()
    deadline = timezone.localtime(now + timedelta(days=2)).replace(
        hour=17, minute=0, second=0, microsecond=0
    )
    PeriodDeadlines.objects.create(
        period=period,
        collection_deadline=deadline,
        review_until=deadline + timedelta(days=7),
        publication_planned=(deadline + timedelta(days=10)).date(),
        days_before="3,1",
    )
    zhujian = Department.objects.filter(code="zhujian").first()
    points = ["before-3", f"digest-{timezone.localdate(now).isoformat()}"]
    if zhujian is not None:
        DepartmentDeadline.objects.create(
            period=period, department=zhujian, collection_deadline=deadline - timedelta(days=1)
        )
        points.append(department_point(zhujian.pk, "before-3"))
    for point in points:
        reminders_plan(period=period, point=point)
    for delivery in Delivery.objects.filter(period=period, channel=Delivery.Channel.APP):
        Delivery.objects.filter(pk=delivery.pk).update(
            state=Delivery.State.SENDING, claimed_by="demo", attempts=1
        )
        delivery.state, delivery.attempts = Delivery.State.SENDING, 1
        delivery_send(delivery=delivery, worker="demo")
