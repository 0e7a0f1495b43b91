"""Reading a period's workflow: where each unit stands, what is missing, who may do what.

Every rule about who may change what lives here, in :func:`unit_rights`, so that the
views, the templates and the services ask the same question the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leitai.engine import Scheme as EngineScheme
from leitai.web.accounts.selectors import (
    user_approves_for,
    user_approves_for_department,
    user_is_office,
    user_reports_for,
)
from leitai.web.assessments.models import DataValue, Period, Snapshot, Unit, period_order
from leitai.web.assessments.selectors import (
    period_draft_snapshot,
    period_has_published,
    period_previous_cells,
    period_previous_snapshot,
    period_published_revision,
    period_published_snapshot,
    result_view,
    rules_needing_previous,
    scheme_version_parsed,
)
from leitai.web.assessments.services import period_current_inputs
from leitai.web.workflow.models import (
    Approval,
    Assignment,
    Department,
    Evidence,
    Objection,
    PeriodStatus,
    Submission,
    UnitStatus,
    Upload,
)

# -- the period's units ------------------------------------------------------------------


def period_units(period: Period) -> list[Unit]:
    """The units of the period's scheme, in the scheme's order."""
    scheme = scheme_version_parsed(period.scheme_version)
    units = {u.code: u for u in Unit.objects.filter(code__in=scheme.unit_ids)}
    return [units[code] for code in scheme.unit_ids if code in units]


def scheme_keys(scheme: EngineScheme) -> list[str]:
    """Every id a unit reports a figure for: indicators, adjustments and series.

    Not an indicator whose value comes from another period's result (``from:``, spec
    section 11): nobody reports it."""
    return (
        [i.id for i in scheme.all_indicators() if getattr(i, "from_", None) is None]
        + [a.id for a in scheme.adjustments]
        + [s.id for s in scheme.series]
    )


def scheme_names(scheme: EngineScheme) -> dict[str, str]:
    names = {i.id: i.name for i in scheme.all_indicators()}
    names.update({a.id: a.name for a in scheme.adjustments})
    names.update({s.id: s.name for s in scheme.series})
    return names


def target_keys(scheme: EngineScheme) -> set[str]:
    """Indicators scored against a target, whose target is reported beside the value."""
    return {i.id for i in scheme.all_indicators() if scheme.resolved(i)[0] == "target"}


@dataclass(kw_only=True)
class BoardRow:
    """One line of a status board: where a unit's or a department's submission stands,
    how many of its figures are filled in, who changed one last."""

    status: str
    submission: Submission | None
    filled: int
    total: int
    last_change_at: Any = None
    last_change_by: Any = None

    @property
    def status_label(self) -> str:
        return str(UnitStatus(self.status).label)

    @property
    def blank(self) -> int:
        return max(self.total - self.filled, 0)


@dataclass(kw_only=True)
class UnitRow(BoardRow):
    """One line of the status board by unit."""

    unit: Unit
    pending_objections: int = 0
    objections: int = 0


def unit_status(
    *, filled: int, submission: Submission | None, by_office: bool = False, nothing: bool = False
) -> str:
    """The one rule for a unit's state in a period.

    A submission decides (submitted, returned, or inside the unit: awaiting its
    approver's approval or sent back by them); without one, figures that only the
    office entered (or any figures once the office closed the collection) count as
    entered by the office, which counts as submitted; other figures not submitted are
    "filled in"; no figures, "not started". A unit with no figure to report in the
    period (``nothing``: its indicators come from other periods or from departments) has
    nothing to report, which counts as done.
    """
    if nothing:
        return UnitStatus.NOTHING
    if submission is not None and submission.state == Submission.State.SUBMITTED:
        return UnitStatus.SUBMITTED
    if submission is not None and submission.state in INSIDE_UNIT:
        return INSIDE_UNIT[submission.state]
    if filled and by_office:
        return UnitStatus.BY_OFFICE
    return UnitStatus.FILLED if filled else UnitStatus.NOT_STARTED


def period_status(period: Period, rows: list[UnitRow], *, revision: int = 0) -> str:
    """The one rule for a period's state (new, partly filled, all submitted, returned,
    in review, published, revised), from its state and its units' rows."""
    if period.state == Period.State.PUBLISHED:
        return PeriodStatus.REVISED if revision > 1 else PeriodStatus.PUBLISHED
    if period.state == Period.State.REVIEW:
        return PeriodStatus.REVIEW
    statuses = {row.status for row in rows}
    if rows and statuses == {UnitStatus.NOTHING}:
        return PeriodStatus.NOTHING
    if UnitStatus.RETURNED in statuses:
        return PeriodStatus.RETURNED
    if rows and statuses <= DONE:
        return PeriodStatus.SUBMITTED
    if statuses <= {UnitStatus.NOT_STARTED}:
        return PeriodStatus.NEW
    return PeriodStatus.PARTLY


# Units whose figures are in for the office: submitted by the unit or entered by the office.
DONE = frozenset({UnitStatus.SUBMITTED, UnitStatus.BY_OFFICE, UnitStatus.NOTHING})
# A submission's states other than "submitted", as the unit's status.
INSIDE_UNIT: dict[str, UnitStatus] = {
    Submission.State.RETURNED: UnitStatus.RETURNED,
    Submission.State.PENDING_APPROVAL: UnitStatus.PENDING_APPROVAL,
    Submission.State.SENT_BACK: UnitStatus.SENT_BACK,
}
# The reporter's figures are locked: with the office, or with the unit's approver.
LOCKED = frozenset({UnitStatus.SUBMITTED, UnitStatus.PENDING_APPROVAL})


def period_status_for(period: Period, *, user: Any) -> str:
    """:func:`period_status` of ``period`` as it stands, as ``user`` may see it: over every
    unit's row for the office, over their own unit's row for a reporter (a reporter sees
    the period as their unit stands in it, and learns nothing of the other units)."""
    revision = period_published_revision(period)
    rows: list[UnitRow] = []
    if period.state != Period.State.PUBLISHED:
        if user_is_office(user):
            rows = status_board(period)
        elif getattr(user, "is_authenticated", False) and user.is_reporter:
            rows = [unit_row(period, user.unit)]
    return period_status(period, rows, revision=revision)


def status_board(period: Period, units: list[Unit] | None = None) -> list[UnitRow]:
    """Each unit's status (未填报 / 已填报 / 已提交 / 已退回), with who and when."""
    units = units if units is not None else period_units(period)
    # A unit's own work: the keys no department supplies (issue 11).
    keys = unit_supplied_keys(period)
    total = len(keys)
    counts: dict[int, dict[str, Any]] = {
        row["unit_id"]: dict(row)
        for row in DataValue.objects.filter(period=period, unit__in=units, key__in=keys)
        .exclude(value="")
        .values("unit_id")
        .annotate(n=Count("pk"), last=Max("updated_at"))
    }
    last_by: dict[int, DataValue] = {}
    by_office: set[int] = set()
    by_other: set[int] = set()
    # Once the office closed the collection, the figures are taken as they are.
    closed = period.state != Period.State.COLLECTING
    for value in (
        DataValue.objects.filter(period=period, unit__in=units, key__in=keys)
        .select_related("updated_by")
        .order_by("unit_id", "-updated_at")
    ):
        last_by.setdefault(value.unit_id, value)
        if value.updated_by is not None and value.updated_by.is_office:
            by_office.add(value.unit_id)
        elif value.value != "":
            # A reporter's figure, or one whose author is not known: not the office's.
            by_other.add(value.unit_id)
    submissions = {
        s.unit_id: s
        for s in Submission.objects.filter(period=period, unit__in=units).select_related(
            "submitted_by", "returned_by", "approved_by", "sent_back_by"
        )
    }
    objections: dict[int, dict[str, Any]] = {
        row["unit_id"]: dict(row)
        for row in Objection.objects.filter(period=period, unit__in=units)
        .values("unit_id")
        .annotate(n=Count("pk"), pending=Count("pk", filter=Q(state=Objection.State.PENDING)))
    }
    rows = []
    for unit in units:
        count = counts.get(unit.pk, {})
        last = last_by.get(unit.pk)
        rows.append(
            UnitRow(
                unit=unit,
                status=unit_status(
                    filled=count.get("n", 0),
                    submission=submissions.get(unit.pk),
                    by_office=closed or (unit.pk in by_office and unit.pk not in by_other),
                    nothing=total == 0,
                ),
                submission=submissions.get(unit.pk),
                filled=count.get("n", 0),
                total=total,
                last_change_at=last.updated_at if last else None,
                last_change_by=last.updated_by if last else None,
                pending_objections=objections.get(unit.pk, {}).get("pending", 0),
                objections=objections.get(unit.pk, {}).get("n", 0),
            )
        )
    return rows


def unit_row(period: Period, unit: Unit) -> UnitRow:
    return status_board(period, [unit])[0]


# -- who may do what ------------------------------------------------------------------------


@dataclass(frozen=True)
class Rights:
    view: bool = False
    edit: bool = False
    submit: bool = False
    give_back: bool = False
    object: bool = False
    office: bool = False
    correction: bool = False  # the office changing figures of a published period
    approve: bool = False  # the unit's 审核人: approve or send back what waits for them


def unit_rights(*, user: Any, period: Period, unit: Unit, row: UnitRow | None = None) -> Rights:
    """What ``user`` may do with ``unit``'s figures in ``period``.

    - The unit's reporter edits while the period collects and the unit has not submitted,
      or whenever the office has returned the submission (until publication); submits
      what they entered; raises objections to the unit's draft result before publication.
    - The office edits every unit's figures (after publication only towards a revision),
      and returns a submission before publication.
    - Where the period asks for approval inside the unit, the unit's 审核人 approves or
      sends back a submission that waits for them (before publication); the figures
      stay locked for the reporters meanwhile.
    - Nobody else sees anything of a unit's work.
    """
    office = user_is_office(user)
    reporter = user_reports_for(user, unit.pk)
    if not (office or reporter):
        return Rights()
    row = row or unit_row(period, unit)
    published = period.state == Period.State.PUBLISHED
    open_for_unit = not published and (
        (period.state == Period.State.COLLECTING and row.status not in LOCKED)
        or row.status == UnitStatus.RETURNED
        or (
            row.status == UnitStatus.SENT_BACK
            and row.submission is not None
            and row.submission.returned_at is not None
        )
    )
    has_draft = not published and period_draft_snapshot(period) is not None
    return Rights(
        view=True,
        edit=office or (reporter and open_for_unit),
        submit=reporter and open_for_unit and row.filled > 0,
        give_back=office and not published and row.status == UnitStatus.SUBMITTED,
        object=reporter and has_draft,
        office=office,
        correction=office and published,
        approve=not published
        and row.status == UnitStatus.PENDING_APPROVAL
        and user_approves_for(user, unit.pk),
    )


# -- approval inside units and departments ----------------------------------------------------

# Who submits: a unit (its reporters) or a department (its data providers).
Party = Unit | Department


def party_filter(party: Party) -> dict[str, Any]:
    """The lookup of a submission's or an approval's party (its unit or its department)."""
    return {"department": party} if isinstance(party, Department) else {"unit": party}


def party_submission(period: Period, party: Party) -> Submission | None:
    """The submission of a unit or of a department in ``period``, if it has one."""
    return Submission.objects.filter(period=period, **party_filter(party)).first()


def approval_required(period: Period, party: Party) -> bool:
    """Whether the submission of ``party`` (a unit or a department) in ``period`` goes
    through its 审核人 first."""
    return Approval.objects.filter(period=period, **party_filter(party)).exists()


def approval_units(period: Period) -> set[str]:
    """The codes of the units whose submissions the unit's 审核人 approves in ``period``."""
    return set(
        Approval.objects.filter(period=period, unit__isnull=False).values_list(
            "unit__code", flat=True
        )
    )


def approval_departments(period: Period) -> set[str]:
    """The codes of the departments whose submissions their 审核人 approves in ``period``."""
    return set(
        Approval.objects.filter(period=period, department__isnull=False).values_list(
            "department__code", flat=True
        )
    )


def approves_for(user: Any, party: Party) -> bool:
    """Whether ``user`` is a 审核人 of ``party`` (a unit's reporter or a department's data
    provider, with the approver flag)."""
    if isinstance(party, Department):
        return user_approves_for_department(user, party.pk)
    return user_approves_for(user, party.pk)


def approval_panel(period: Period) -> dict[str, Any]:
    """Each unit of ``period`` and each department supplying indicators in it: whether
    its submission goes through its 审核人, and who they are (for the office's switch on
    the status board)."""
    from leitai.web.accounts.models import User

    units_on, departments_on = approval_units(period), approval_departments(period)
    by_unit: dict[int, list[Any]] = {}
    by_department: dict[int, list[Any]] = {}
    for user in User.objects.filter(
        role__in=(User.Role.REPORTER, User.Role.PROVIDER), unit_approver=True, is_active=True
    ).order_by("username"):
        if user.unit_id is not None:
            by_unit.setdefault(user.unit_id, []).append(user)
        elif user.department_id is not None:
            by_department.setdefault(user.department_id, []).append(user)
    units = [
        {"unit": unit, "on": unit.code in units_on, "approvers": by_unit.get(unit.pk, [])}
        for unit in period_units(period)
    ]
    departments = [
        {
            "department": department,
            "on": department.code in departments_on,
            "approvers": by_department.get(department.pk, []),
        }
        for department in period_departments(period)
    ]
    return {
        "units": units,
        "departments": departments,
        "on_count": len(units_on),
        "departments_on_count": len(departments_on),
    }


def unit_approvers(unit: Unit) -> QuerySet[Any]:
    """The active 审核人 accounts of ``unit``."""
    from leitai.web.accounts.models import User

    return User.objects.filter(
        role=User.Role.REPORTER, unit=unit, unit_approver=True, is_active=True
    )


def party_approvers(party: Party) -> QuerySet[Any]:
    """The active 审核人 accounts of a unit or a department."""
    from leitai.web.accounts.models import User

    if isinstance(party, Unit):
        return unit_approvers(party)
    return User.objects.filter(
        role=User.Role.PROVIDER, department=party, unit_approver=True, is_active=True
    )


# -- uploads and objections, as far as a person may see them ---------------------------------


def uploads_visible(*, user: Any) -> QuerySet[Upload]:
    """The office sees every upload; a reporter their own unit's; nobody else any."""
    uploads = Upload.objects.select_related("period", "unit", "uploaded_by")
    if user_is_office(user):
        return uploads
    if getattr(user, "is_authenticated", False) and user.is_reporter:
        return uploads.filter(unit_id=user.unit_id)
    if getattr(user, "is_authenticated", False) and user.is_provider:
        return uploads.filter(department_id=user.department_id)
    return uploads.none()


def objections_visible(*, user: Any) -> QuerySet[Objection]:
    """The office sees every objection; a reporter their own unit's; nobody else any."""
    objections = Objection.objects.select_related("period", "unit", "raised_by", "answered_by")
    if user_is_office(user):
        return objections
    if getattr(user, "is_authenticated", False) and user.is_reporter:
        return objections.filter(unit_id=user.unit_id)
    return objections.none()


def evidence_visible(*, user: Any) -> QuerySet[Evidence]:
    """The office sees every unit's evidence; a reporter their own unit's; nobody else any."""
    evidence = Evidence.objects.select_related("period", "unit", "added_by")
    if user_is_office(user):
        return evidence
    if getattr(user, "is_authenticated", False) and user.is_reporter:
        return evidence.filter(unit_id=user.unit_id)
    if getattr(user, "is_authenticated", False) and user.is_provider:
        return evidence.filter(added_by__department_id=user.department_id)
    return evidence.none()


# -- the online form -------------------------------------------------------------------------


@dataclass
class FormField:
    key: str
    name: str
    kind: str  # indicator, bonus, deduction, veto, series
    group: str
    measure: str
    direction: str
    value: str
    target: str | None  # None: no target is asked for this field
    previous: str | None
    previous_target: str | None
    max_points: float | None = None
    updated_at: Any = None
    updated_by: Any = None
    notes: dict[str, str] = field(default_factory=dict)  # 口径, source, department, contact
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(frozen=True)
class _Previous:
    value: str
    target: str


def unit_form_fields(period: Period, unit: Unit) -> list[FormField]:
    """The fields of a unit's figures, with the stored value and the previous period's."""
    scheme = scheme_version_parsed(period.scheme_version)
    stored = {
        v.key: v
        for v in DataValue.objects.filter(period=period, unit=unit).select_related("updated_by")
    }
    # The previous published result's figures: the ones rank changes and alerts count against.
    before = {
        key: _Previous(value, target)
        for (code, key), (value, target) in period_previous_cells(period).items()
        if code == unit.code
    }
    targets = target_keys(scheme)
    fields = []

    def add(key: str, name: str, kind: str, group: str, measure: str, direction: str, **kw: Any):
        value = stored.get(key)
        old = before.get(key)
        fields.append(
            FormField(
                key=key,
                name=name,
                kind=kind,
                group=group,
                measure=measure,
                direction=direction,
                value=value.value if value else "",
                target=(value.target if value else "") if key in targets else None,
                previous=old.value if old else None,
                previous_target=old.target if old and key in targets else None,
                updated_at=value.updated_at if value else None,
                updated_by=value.updated_by if value else None,
                **kw,
            )
        )

    for board in scheme.all_boards():
        for indicator in board.indicators:
            if getattr(indicator, "from_", None) is not None:
                continue  # its value comes from another period's result, not from a form
            _method, direction, _missing = scheme.resolved(indicator)
            add(
                indicator.id,
                indicator.name,
                "indicator",
                board.name,
                indicator.unit or "",
                direction,
                notes=indicator.notes,
            )
    for adjustment in scheme.adjustments:
        add(
            adjustment.id,
            adjustment.name,
            adjustment.kind,
            "",
            "",
            "",
            max_points=adjustment.max_points,
        )
    for series in scheme.series:
        add(series.id, series.name, "series", "", series.unit or "", "")
    by_key = {f.key: f for f in fields}
    for evidence in Evidence.objects.filter(period=period, unit=unit).select_related("added_by"):
        if evidence.key in by_key:
            by_key[evidence.key].evidence.append(evidence)
    return fields


# -- the draft result and what stands between it and publication ------------------------------


def draft_is_current(period: Period, draft: Snapshot | None) -> bool:
    """Whether ``draft`` was computed from the figures as they stand now."""
    if draft is None:
        return False
    return draft.inputs_sha256 == period_current_inputs(period=period)[2]


def unit_draft(period: Period, unit: Unit) -> dict[str, Any] | None:
    """The unit's own line of the draft result (before publication only)."""
    if period.state == Period.State.PUBLISHED:
        return None
    draft = period_draft_snapshot(period)
    if draft is None:
        return None
    view = result_view(draft)
    row = view.by_unit.get(unit.code)
    if row is None:
        return None
    return {
        "snapshot": draft,
        "row": row,
        "n": len(view.rows),
        "boards": [
            {
                "name": b.name,
                "stars": row["boards"][b.id]["stars"],
                "score": row["boards"][b.id]["score"],
            }
            for b in view.top_boards
        ],
    }


def previous_missing(period: Period) -> list[str]:
    """What cannot be computed for lack of a published previous result: rank change, and
    every flag and grade whose rule reads ``prev_rank`` or ``rank_change`` (empty when
    the period has its previous result)."""
    if period_previous_snapshot(period) is not None:
        return []
    scheme = scheme_version_parsed(period.scheme_version)
    items = [str(_("rank change"))]
    for kind, name in rules_needing_previous(scheme):
        label = _("flag %(name)s") if kind == "flag" else _("grade %(name)s")
        items.append(str(label % {"name": name}))
    return items


@dataclass
class Readiness:
    """Where a period stands and what is missing before its next step."""

    period: Period
    rows: list[UnitRow]
    draft: Snapshot | None
    draft_current: bool
    published: Snapshot | None
    pending_objections: list[Objection] = field(default_factory=list)
    previous: Period | None = None
    previous_published: bool = True
    previous_missing: list[str] = field(default_factory=list)

    def with_status(self, *statuses: str) -> list[UnitRow]:
        return [r for r in self.rows if r.status in statuses]

    @property
    def not_started(self) -> list[UnitRow]:
        return self.with_status(UnitStatus.NOT_STARTED)

    @property
    def outstanding(self) -> list[UnitRow]:
        """Units whose figures are not (or no longer) in: neither submitted by the unit
        nor entered by the office."""
        return [r for r in self.rows if r.status not in DONE]

    @property
    def submitted(self) -> list[UnitRow]:
        return self.with_status(*DONE)

    @property
    def status(self) -> str:
        """The period's state by :func:`period_status`."""
        return period_status(
            self.period, self.rows, revision=self.published.revision if self.published else 0
        )

    @property
    def status_label(self) -> str:
        return str(PeriodStatus(self.status).label)

    @property
    def units_report(self) -> bool:
        """Whether any unit reports figures of its own in the period (not when every
        indicator comes from other periods' results or from departments)."""
        return any(row.status != UnitStatus.NOTHING for row in self.rows)

    @property
    def with_blanks(self) -> list[UnitRow]:
        return [r for r in self.rows if r.filled and r.blank]

    @property
    def counts(self) -> dict[str, int]:
        out = {status: 0 for status in UnitStatus.values}
        for row in self.rows:
            out[row.status] += 1
        return out

    @property
    def shares(self) -> dict[str, float]:
        """Each status's share of the units, in per cent (for the progress bar)."""
        n = len(self.rows) or 1
        return {status: 100.0 * count / n for status, count in self.counts.items()}

    @property
    def can_publish(self) -> bool:
        return (
            self.draft is not None
            and self.draft_current
            and not self.pending_objections
            and not self.not_started
            and self.previous_published
        )


def period_readiness(period: Period) -> Readiness:
    draft = period_draft_snapshot(period)
    return Readiness(
        period=period,
        rows=status_board(period),
        draft=draft,
        draft_current=draft_is_current(period, draft),
        published=period_published_snapshot(period),
        pending_objections=list(
            Objection.objects.filter(period=period, state=Objection.State.PENDING).select_related(
                "unit", "raised_by"
            )
        ),
        previous=period.previous,
        previous_published=period.previous_id is None
        or period_previous_snapshot(period) is not None,
        previous_missing=previous_missing(period),
    )


@dataclass(frozen=True)
class DrawnFrom:
    """A period whose published result a scheme's ``from:`` indicators read (spec §11)."""

    code: str
    period: Period | None
    published: bool


def drawn_from(period: Period) -> list[DrawnFrom]:
    """The periods ``period``'s scheme takes values from, in the scheme's order, and
    whether each has a published result to take them from (the results themselves are
    read, and their seals checked, when the period is computed)."""
    codes = scheme_version_parsed(period.scheme_version).from_periods
    found = {p.code: p for p in Period.objects.filter(code__in=codes)}
    return [
        DrawnFrom(
            code=code,
            period=found.get(code),
            published=code in found and period_has_published(found[code]),
        )
        for code in codes
    ]


def periods_for(user: Any) -> list[Period]:
    """The periods a person works on, newest first (all of them for the office)."""
    periods = Period.objects.select_related("scheme_version__scheme", "previous").order_by(
        *period_order(newest_first=True)
    )
    if user_is_office(user):
        return list(periods)
    if getattr(user, "is_authenticated", False) and user.is_reporter:
        return [
            p for p in periods if user.unit.code in scheme_version_parsed(p.scheme_version).unit_ids
        ]
    return []


def result_rows(snapshot: Snapshot) -> list[dict[str, Any]]:
    return result_view(snapshot).rows


def revision_changes(older: Snapshot, newer: Snapshot) -> list[dict[str, Any]]:
    """Unit by unit, how a newer result differs from an older one of the same period."""
    before = result_view(older).by_unit
    rows = []
    for row in result_view(newer).rows:
        old = before.get(row["unit"])
        rows.append(
            {
                "row": row,
                "old": old,
                "rank_changed": old is None or old["rank"] != row["rank"],
                "score_changed": old is None or abs(old["score"] - row["score"]) > 1e-9,
                "flags_changed": old is None or old["flags"] != row["flags"],
            }
        )
    return rows


def period_units_for(user: Any, period: Period) -> list[Unit]:
    """The units whose work ``user`` sees in ``period``: all for the office, one for a reporter."""
    units = period_units(period)
    if user_is_office(user):
        return units
    return [u for u in units if user_reports_for(user, u.pk)]


# -- data providers (issue 11) ---------------------------------------------------------------


def period_assignments(period: Period) -> dict[str, Department]:
    """Which department supplies which indicator in ``period``: the scheme version's
    assignments, with the period's own in their place where it has one for the same key."""
    out: dict[str, Department] = {}
    for scope in (
        Assignment.objects.filter(scheme_version_id=period.scheme_version_id),
        Assignment.objects.filter(period=period),
    ):
        for assignment in scope.select_related("department"):
            out[assignment.key] = assignment.department
    return out


def department_keys(period: Period, department: Department | int) -> list[str]:
    """The keys ``department`` supplies in ``period``, in the scheme's order."""
    pk = department if isinstance(department, int) else department.pk
    mine = {k for k, d in period_assignments(period).items() if d.pk == pk}
    return [k for k in scheme_keys(scheme_version_parsed(period.scheme_version)) if k in mine]


def unit_supplied_keys(period: Period) -> list[str]:
    """The keys the units report themselves in ``period`` (every key no department supplies)."""
    supplied = period_assignments(period)
    return [
        k for k in scheme_keys(scheme_version_parsed(period.scheme_version)) if k not in supplied
    ]


def period_departments(period: Period) -> list[Department]:
    """The departments that supply indicators in ``period``, by code."""
    return sorted({d.pk: d for d in period_assignments(period).values()}.values(), key=_code)


def _code(department: Department) -> str:
    return department.code


@dataclass(frozen=True)
class ProviderRights:
    view: bool = False
    edit: bool = False
    submit: bool = False
    approve: bool = False  # the department's 审核人: approve or send back what waits


# A submission's states in which the preparers' figures are locked.
LOCKED_STATES = frozenset({Submission.State.SUBMITTED, Submission.State.PENDING_APPROVAL})


def provider_rights(*, user: Any, period: Period) -> ProviderRights:
    """What a data provider may do in ``period``: see its department's indicators when it
    has some there; change them for every unit only while the period collects and the
    department's submission is neither with the office nor waiting for its 审核人 (or
    the office returned it, or the 审核人 sent it back); the department's 审核人 approves
    or sends back a submission that waits for them."""
    if not getattr(user, "is_authenticated", False) or not user.is_provider:
        return ProviderRights()
    keys = department_keys(period, user.department_id)
    if not keys:
        return ProviderRights()
    submission = party_submission(period, user.department)
    state = submission.state if submission is not None else None
    collecting = period.state == Period.State.COLLECTING
    edit = collecting and state not in LOCKED_STATES
    approve = (
        collecting
        and state == Submission.State.PENDING_APPROVAL
        and user_approves_for_department(user, user.department_id)
    )
    return ProviderRights(view=True, edit=edit, submit=edit, approve=approve)


def writable_keys(*, user: Any, period: Period, unit: Unit) -> frozenset[str]:
    """The one rule for who may write which figure of which unit in ``period``.

    - The office: every key of the scheme, whenever :func:`unit_rights` lets it edit.
    - The unit's reporter: the keys no department supplies, while it may edit.
    - A data provider: its department's keys, for every unit of the period, while
      :func:`provider_rights` lets it edit.
    - Nobody else: none.

    Uploads, the online forms and the write API all ask this function.
    """
    if unit.code not in scheme_version_parsed(period.scheme_version).unit_ids:
        return frozenset()
    if getattr(user, "is_authenticated", False) and user.is_provider:
        if not provider_rights(user=user, period=period).edit:
            return frozenset()
        return frozenset(department_keys(period, user.department_id))
    rights = unit_rights(user=user, period=period, unit=unit)
    if not rights.edit:
        return frozenset()
    if rights.office:
        return frozenset(scheme_keys(scheme_version_parsed(period.scheme_version)))
    return frozenset(unit_supplied_keys(period))


@dataclass(kw_only=True)
class ProviderRow(BoardRow):
    """One line of the status board by provider."""

    department: Department
    keys: list[str]
    people: list[Any] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(DEPARTMENT_LABELS.get(self.status) or UnitStatus(self.status).label)

    @property
    def share(self) -> float:
        return 100.0 * self.filled / self.total if self.total else 0.0


# The steps inside a department, as its row on the status board says them.
DEPARTMENT_LABELS: dict[str, Any] = {
    UnitStatus.PENDING_APPROVAL: gettext_lazy("Awaiting the department's approval"),
    UnitStatus.SENT_BACK: gettext_lazy("Sent back by the department's approver"),
}


def provider_board(period: Period) -> list[ProviderRow]:
    """Each department supplying indicators in ``period``: how many of its cells (its
    indicators × the period's units) are filled, whether it submitted, who changed last."""
    from leitai.web.accounts.models import User

    assignments = period_assignments(period)
    order = scheme_keys(scheme_version_parsed(period.scheme_version))
    units = period_units(period)
    departments = {d.pk: d for d in assignments.values()}
    submissions = {
        s.department_id: s
        for s in Submission.objects.filter(period=period, department__isnull=False).select_related(
            "submitted_by", "returned_by", "approved_by", "sent_back_by"
        )
    }
    rows = []
    for department in sorted(departments.values(), key=lambda d: d.code):
        keys = [k for k in order if k in assignments and assignments[k].pk == department.pk]
        values = DataValue.objects.filter(period=period, unit__in=units, key__in=keys)
        filled = values.exclude(value="").count()
        last = values.select_related("updated_by").order_by("-updated_at").first()
        submission = submissions.get(department.pk)
        rows.append(
            ProviderRow(
                department=department,
                keys=keys,
                status=unit_status(filled=filled, submission=submission),
                submission=submission,
                filled=filled,
                total=len(keys) * len(units),
                last_change_at=last.updated_at if last else None,
                last_change_by=last.updated_by if last else None,
                people=list(
                    User.objects.filter(
                        department=department, role=User.Role.PROVIDER, is_active=True
                    ).order_by("username")
                ),
            )
        )
    return rows


def periods_for_provider(user: Any) -> list[Period]:
    """The periods in which ``user``'s department supplies indicators, newest first."""
    if not getattr(user, "is_authenticated", False) or not user.is_provider:
        return []
    periods = Period.objects.select_related("scheme_version__scheme").order_by(
        *period_order(newest_first=True)
    )
    return [p for p in periods if department_keys(p, user.department_id)]


def provider_grid(period: Period, department: Department) -> dict[str, Any]:
    """The provider's online form: its indicators across (with their notes), the units
    down, each cell with the stored value and target and the evidence attached."""
    scheme = scheme_version_parsed(period.scheme_version)
    keys = department_keys(period, department)
    targets = target_keys(scheme)
    indicators = {i.id: i for i in scheme.all_indicators()}
    names = scheme_names(scheme)
    columns: list[dict[str, Any]] = [
        {
            "key": key,
            "name": names.get(key, key),
            "measure": getattr(indicators.get(key), "unit", "") or "",
            "notes": getattr(indicators.get(key), "notes", {}) or {},
            "target": key in targets,
        }
        for key in keys
    ]
    units = period_units(period)
    stored = {
        (v.unit_id, v.key): v
        for v in DataValue.objects.filter(period=period, key__in=keys, unit__in=units)
    }
    evidence: dict[tuple[int, str], list[Evidence]] = {}
    for item in Evidence.objects.filter(period=period, key__in=keys).select_related("added_by"):
        evidence.setdefault((item.unit_id, item.key), []).append(item)
    rows = []
    for unit in units:
        cells = []
        for column in columns:
            value = stored.get((unit.pk, column["key"]))
            cells.append(
                {
                    "key": column["key"],
                    "value": value.value if value else "",
                    "target": (value.target if value else "") if column["target"] else None,
                    "evidence": evidence.get((unit.pk, column["key"]), []),
                }
            )
        rows.append({"unit": unit, "cells": cells})
    return {"columns": columns, "rows": rows}


def assignment_problems(assignment: Assignment) -> None:
    """Refuse an assignment that would make an indicator supplied twice, with the place
    named (raises :class:`django.core.exceptions.ValidationError` on the field)."""
    from django.core.exceptions import ValidationError

    if assignment.period_id is None and assignment.scheme_version_id is None:
        raise ValidationError(_("Choose a scheme version or a period."))
    if assignment.period_id is not None and assignment.scheme_version_id is not None:
        raise ValidationError(_("Choose a scheme version or a period, not both."))
    version = assignment.scheme_version or (
        assignment.period.scheme_version if assignment.period is not None else None
    )
    if version is None:
        raise ValidationError(_("Choose a scheme version or a period."))
    scheme = scheme_version_parsed(version)
    if assignment.key not in scheme_keys(scheme):
        raise ValidationError(
            {
                "key": _(
                    "“%(key)s” is not an indicator of %(scheme)s; the indicators are %(keys)s."
                )
                % {
                    "key": assignment.key,
                    "scheme": version,
                    "keys": _(", ").join(scheme_keys(scheme)),
                }
            }
        )
    name = scheme_names(scheme).get(assignment.key, assignment.key)
    same = Assignment.objects.filter(
        key=assignment.key,
        period=assignment.period,
        scheme_version=assignment.scheme_version,
    ).exclude(pk=assignment.pk)
    other = same.select_related("department").first()
    if other is not None:
        raise ValidationError(
            {
                "key": _("%(name)s (%(key)s) is already supplied by %(department)s here.")
                % {"name": name, "key": assignment.key, "department": other.department}
            }
        )
    _units_already_report(assignment, name)


def _units_already_report(assignment: Assignment, name: str) -> None:
    """An indicator the units have started to report in a collecting period stays theirs."""
    from django.core.exceptions import ValidationError

    periods = Period.objects.filter(state=Period.State.COLLECTING)
    if assignment.period_id is not None:
        periods = periods.filter(pk=assignment.period_id)
    else:
        periods = periods.filter(scheme_version_id=assignment.scheme_version_id).exclude(
            assignments__key=assignment.key
        )
    reported = (
        DataValue.objects.filter(
            period__in=periods, key=assignment.key, updated_by__role="reporter"
        )
        .exclude(value="")
        .select_related("period", "unit")
        .order_by(*period_order("period__"), "unit__position", "unit__code")
    )
    first = reported.first()
    if first is not None:
        raise ValidationError(
            {
                "key": _(
                    "%(name)s (%(key)s) is supplied by the units in %(period)s: %(unit)s has "
                    "already reported it. An indicator is supplied by one department or by "
                    "the units, never both."
                )
                % {
                    "name": name,
                    "key": assignment.key,
                    "period": first.period.code,
                    "unit": first.unit.name,
                }
            }
        )
