"""The demo's period in collection: 2023Q4, with the work of a quarter half done.

Every unit has entered its figures; eight have submitted, of which the office has
returned 平度市's (the resettlement area does not match the housing bureau's ledger);
市北区 and 莱西市 have not submitted yet. The office has computed a draft result, and
城阳区 objects to it: its length of renewed pipes was left blank and scored zero.
So every step of the workflow can be tried at once: entering and uploading figures,
submitting, returning, answering an objection, closing the collection, publishing.

:func:`workflow_demo_install` is called by
:func:`leitai.web.assessments.demo.demo_install`; it does nothing when the period
exists already.
"""

from __future__ import annotations

import csv
from typing import Any

from django.db import transaction
from django.utils import timezone

from leitai.web.accounts.models import User
from leitai.web.assessments.models import Period, Unit
from leitai.web.assessments.services import (
    data_values_update,
    period_compute,
    period_create,
    scheme_version_create,
)
from leitai.web.audit.models import Action
from leitai.web.audit.services import audit_record
from leitai.web.workflow.models import Objection, Submission

COLLECTING = "2023Q4"
SUBMITTED = ("shinan", "licang", "laoshan", "huangdao", "chengyang", "jimo", "jiaozhou", "pingdu")
RETURNED = {
    "pingdu": "安置房建设开工面积（resettlement_area）与市住建局12月台账不一致，请核实后重新提交。",
}
OBJECTION = {
    "unit": "chengyang",
    "key": "pipes_renewed",
    "text": (
        "我区老旧管网改造长度填报时漏填，被按零分计算。本季度我区实际完成老旧管网改造"
        "12.6公里（市住建局12月台账可查），请予更正并重新计算。"
    ),
}


def _person(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


@transaction.atomic
def workflow_demo_install(*, item: Any, previous: Period | None) -> Period | None:
    """Open ``item`` (the demo's 2023Q4) in collection with the story above."""
    if Period.objects.filter(code=item.period).exists():
        return None
    office = _person("office")
    reporters = {
        u.unit.code: u
        for u in User.objects.filter(role=User.Role.REPORTER, is_active=True).select_related("unit")
    }
    version = scheme_version_create(
        content=item.scheme_path.read_bytes(), source=item.scheme_path.name, comment="demo"
    )
    period = period_create(code=item.period, scheme_version=version, previous=previous, user=office)
    cells: dict[str, dict[tuple[str, str], tuple[str, str]]] = {}
    with item.data_path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            cells.setdefault(row["unit"], {})[row["unit"], row["indicator"]] = (
                row["value"].strip(),
                (row.get("target") or "").strip(),
            )
    for unit, unit_cells in cells.items():
        data_values_update(period=period, cells=unit_cells, user=reporters.get(unit), note="demo")
    units = {u.code: u for u in Unit.objects.filter(code__in=cells)}
    now = timezone.now()
    for code in SUBMITTED:
        reporter = reporters.get(code)
        submission = Submission.objects.create(
            period=period,
            unit=units[code],
            state=Submission.State.SUBMITTED,
            submitted_at=now,
            submitted_by=reporter,
        )
        audit_record(
            action=Action.SUBMISSION_SUBMITTED,
            actor=reporter,
            obj=submission,
            period=period,
            unit=code,
            before={"state": None},
            after={"state": "submitted", "reason": None},
            summary=f"{period.code} {code}",
        )
    from leitai.web.assessments.demo import demo_result_dates

    draft = period_compute(period=period, user=office, at=demo_result_dates(item.period)[0])
    reporter = reporters.get(OBJECTION["unit"])
    objection = Objection.objects.create(
        period=period,
        unit=units[OBJECTION["unit"]],
        key=OBJECTION["key"],
        text=OBJECTION["text"],
        raised_by=reporter,
        revision=draft.revision,
        result_sha256=draft.result_sha256,
    )
    audit_record(
        action=Action.OBJECTION_RAISED,
        actor=reporter,
        obj=objection,
        period=period,
        unit=objection.unit,
        after=objection.as_audit(),
        note=objection.text,
        summary=f"{period.code} {objection.unit.code} #{objection.pk}",
    )
    for code, reason in RETURNED.items():
        submission = Submission.objects.get(period=period, unit=units[code])
        submission.state = Submission.State.RETURNED
        submission.returned_at = timezone.now()
        submission.returned_by = office
        submission.return_reason = reason
        submission.save()
        audit_record(
            action=Action.SUBMISSION_RETURNED,
            actor=office,
            obj=submission,
            period=period,
            unit=code,
            before={"state": "submitted", "reason": None},
            after={"state": "returned", "reason": reason},
            note=reason,
            summary=f"{period.code} {code}",
        )
    return period
