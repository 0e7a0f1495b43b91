"""The demo's period in collection: 2023Q4, with the work of a quarter half done.

Every unit has entered its figures; eight have submitted, of which the office has
returned 平度市's (the resettlement area does not match the housing bureau's ledger);
市北区 and 莱西市 have not submitted yet. The office has computed a draft result, and
城阳区 objects to it: its length of renewed pipes was left blank and scored zero.
Some figures carry evidence (佐证材料, small illustrative files).
崂山区 approves inside the unit before submitting: its 审核人 (``laoshan-shenhe``)
approved what its reporter prepared.
Two municipal departments supply indicators for every district (issue 11): 市统计局
the retail sales growth, entered and submitted; 市住房城乡建设局 five city-renewal
figures, entered but not submitted yet, and approved inside the department before they
go to the office: its provider (``zhujian``) submits to its 审核人 (``zhujian-shenhe``).
So every step of the workflow can be tried at once: entering and uploading figures,
submitting, returning, answering an objection, closing the collection, publishing.

:func:`workflow_demo_install` is called by
:func:`leitai.web.assessments.demo.demo_install`; it does nothing when the period
exists already.
"""

from __future__ import annotations

import csv
from typing import Any

from django.core.files.base import ContentFile
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
from leitai.web.workflow.models import (
    Approval,
    Assignment,
    Department,
    Objection,
    Submission,
)
from leitai.web.workflow.services import evidence_store, submission_step

COLLECTING = "2023Q4"
SUBMITTED = ("shinan", "licang", "laoshan", "huangdao", "chengyang", "jimo", "jiaozhou", "pingdu")
# 崂山区 submits in two steps: its reporter prepares, its 审核人 approves (issue 11).
APPROVAL_UNIT = "laoshan"
# 市住房城乡建设局 too: its provider prepares, its 审核人 approves (not submitted yet).
APPROVAL_DEPARTMENT = "zhujian"
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


# Departments that supply indicators for every unit in 2023Q4, with their demo account.
DEPARTMENTS = {
    "tongji": ("市统计局", ("retail_growth",)),
    "zhujian": (
        "市住房城乡建设局",
        (
            "renewal_start_rate",
            "village_households",
            "village_progress",
            "estates_started",
            "estates_progress",
        ),
    ),
}
PROVIDERS_SUBMITTED = ("tongji",)


def demo_departments() -> dict[str, Department]:
    """The demo's departments (created once)."""
    return {
        code: Department.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, (name, _keys) in DEPARTMENTS.items()
    }


# (unit, indicator, file name, content): illustrative supporting documents, not real ones.
EVIDENCE = (
    (
        "shibei",
        "gdp_growth",
        "市统计局四季度地区生产总值核算反馈（示意）.txt",
        "市北区2023年四季度地区生产总值核算反馈（示意材料，非真实数据）\n"
        "按不变价计算累计同比增速以市统计局统一核算结果为准。\n",
    ),
    (
        "shibei",
        "signed_projects",
        "新签约过亿元项目清单（示意）.csv",
        "项目名称,协议投资额（亿元）,签约日期\n示意项目甲,3.2,2023-10-18\n示意项目乙,1.5,2023-11-30\n",
    ),
    (
        "pingdu",
        "resettlement_area",
        "安置房施工许可证清单（示意）.csv",
        "项目,许可证号,建筑面积（万平方米）\n示意安置区一期,示意-0001,8.6\n",
    ),
    (
        "chengyang",
        "pipes_renewed",
        "老旧管网改造台账（示意）.csv",
        "路段,管网类型,长度（公里）\n示意路段一,供水,5.1\n示意路段二,燃气,7.5\n",
    ),
)


def _demo_evidence(
    period: Period,
    units: dict[str, Unit],
    reporters: dict[str, User],
    suppliers: dict[str, User | None],
) -> None:
    for code, key, name, text in EVIDENCE:
        # A department's figure carries the department's evidence.
        who = suppliers.get(key) or reporters.get(code)
        content = ContentFile(text.encode("utf-8"), name=name)
        evidence_store(period=period, unit=units[code], key=key, name=name, file=content, user=who)


def _approval_demo(period: Period, units: dict[str, Unit], office: User | None) -> User | None:
    """崂山区 approves inside the unit in 2023Q4: its 审核人 approved what its reporter
    prepared (two steps, both in the audit log); 市住房城乡建设局 approves inside the
    department. Nothing for one whose 审核人 the demo has not (no accounts)."""
    from leitai.web.assessments.demo import DEMO_APPROVER, DEMO_DEPARTMENT_APPROVER

    approver = _person(DEMO_APPROVER[0])
    on: dict[str, list[str]] = {"units": []}
    if approver is not None and APPROVAL_UNIT in units:
        Approval.objects.create(period=period, unit=units[APPROVAL_UNIT], switched_by=office)
        on["units"].append(APPROVAL_UNIT)
    department = Department.objects.filter(code=APPROVAL_DEPARTMENT).first()
    if _person(DEMO_DEPARTMENT_APPROVER[0]) is not None and department is not None:
        Approval.objects.create(period=period, department=department, switched_by=office)
        on["departments"] = [APPROVAL_DEPARTMENT]
    if on["units"] or on.get("departments"):
        audit_record(
            action=Action.APPROVAL_CHANGED,
            actor=office,
            period=period,
            before={"units": []},
            after=on,
            summary=f"{period.code}: {', '.join(on['units'] + on.get('departments', []))}",
        )
    return approver if on["units"] else None


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
        for u in User.objects.filter(
            role=User.Role.REPORTER, is_active=True, unit_approver=False
        ).select_related("unit")
        if u.unit is not None
    }
    version = scheme_version_create(
        content=item.scheme_path.read_bytes(), source=item.scheme_path.name, comment="示例"
    )
    period = period_create(code=item.period, scheme_version=version, previous=previous, user=office)
    cells: dict[str, dict[tuple[str, str], tuple[str, str]]] = {}
    with item.data_path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            cells.setdefault(row["unit"], {})[row["unit"], row["indicator"]] = (
                row["value"].strip(),
                (row.get("target") or "").strip(),
            )
    suppliers = _demo_assignments(period)
    for unit, unit_cells in cells.items():
        own = {cell: pair for cell, pair in unit_cells.items() if cell[1] not in suppliers}
        data_values_update(period=period, cells=own, user=reporters.get(unit), note="demo")
    for code, (_name, keys) in DEPARTMENTS.items():
        supplied = {
            cell: pair
            for unit_cells in cells.values()
            for cell, pair in unit_cells.items()
            if cell[1] in keys
        }
        data_values_update(period=period, cells=supplied, user=_person(code), note="demo")
    units = {u.code: u for u in Unit.objects.filter(code__in=cells)}
    _demo_provider_submissions(period)
    now = timezone.now()
    approver = _approval_demo(period, units, office)
    for code in SUBMITTED:
        two_step = code == APPROVAL_UNIT and approver is not None
        submission = submission_step(
            Submission(period=period, unit=units[code]),
            action=Action.SUBMISSION_SUBMITTED,
            user=reporters.get(code),
            before={"state": None},
            state=Submission.State.PENDING_APPROVAL if two_step else Submission.State.SUBMITTED,
            submitted_at=now,
            submitted_by=reporters.get(code),
        )
        if two_step:
            submission_step(
                submission,
                action=Action.SUBMISSION_APPROVED,
                user=approver,
                state=Submission.State.SUBMITTED,
                approved_at=timezone.now(),
                approved_by=approver,
            )
    _demo_evidence(period, units, reporters, suppliers)
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
        submission_step(
            Submission.objects.get(period=period, unit=units[code]),
            action=Action.SUBMISSION_RETURNED,
            user=office,
            state=Submission.State.RETURNED,
            returned_at=timezone.now(),
            returned_by=office,
            return_reason=reason,
        )
    return period


def _demo_assignments(period: Period) -> dict[str, User | None]:
    """Assign the departments' indicators in ``period``; each key's provider account."""
    departments = demo_departments()
    out: dict[str, User | None] = {}
    for code, (_name, keys) in DEPARTMENTS.items():
        for key in keys:
            Assignment.objects.create(department=departments[code], key=key, period=period)
            out[key] = _person(code)
    return out


def _demo_provider_submissions(period: Period) -> None:
    departments = demo_departments()
    for code in PROVIDERS_SUBMITTED:
        person = _person(code)
        submission_step(
            Submission(period=period, department=departments[code]),
            action=Action.SUBMISSION_SUBMITTED,
            user=person,
            before={"state": None},
            state=Submission.State.SUBMITTED,
            submitted_at=timezone.now(),
            submitted_by=person,
        )
