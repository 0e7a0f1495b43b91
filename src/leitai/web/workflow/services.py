"""The workflow's writes: uploads, the online form, submissions, objections, the period's
steps and publication. Each checks who is acting and in what state the period is, calls
the assessments services for the figures and results, and records itself in the audit log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import PurePath
from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leitai.engine import DataError, PeriodData, Record, parse_scheme
from leitai.engine.problems import Problem, Where
from leitai.i18n import render as render_problem
from leitai.io.files import ATTACHMENT_SUFFIXES, TABLE_SUFFIXES
from leitai.web.accounts.models import User
from leitai.web.accounts.selectors import user_is_office, user_reports_for
from leitai.web.assessments.models import (
    DataValue,
    Period,
    SchemeVersion,
    Snapshot,
    Unit,
    period_end,
    period_order,
)
from leitai.web.assessments.selectors import (
    period_draft_snapshot,
    period_previous_snapshot,
    scheme_version_parsed,
)
from leitai.web.assessments.services import (
    data_values_update,
    period_compute,
    period_create,
    period_setting_set,
    period_state_set,
    scheme_version_save,
    snapshot_publish,
)
from leitai.web.audit.models import Action
from leitai.web.audit.services import audit_record
from leitai.web.errors import ServiceError
from leitai.web.files import attachment_problems, upload_limits
from leitai.web.workflow.anomalies import explanations_save, unit_unexplained
from leitai.web.workflow.models import (
    Approval,
    Department,
    Evidence,
    Objection,
    Submission,
    UnitStatus,
    Upload,
)
from leitai.web.workflow.selectors import (
    LOCKED_STATES,
    Party,
    approval_departments,
    approval_required,
    approval_units,
    approves_for,
    department_keys,
    party_approvers,
    party_filter,
    party_submission,
    period_departments,
    period_readiness,
    period_units,
    previous_missing,
    provider_board,
    provider_rights,
    scheme_keys,
    scheme_names,
    target_keys,
    unit_rights,
    unit_row,
    unit_supplied_keys,
    writable_keys,
)
from leitai.web.workflow.tables import table_check


def _require(condition: bool, message: str, code: str) -> None:
    if not condition:
        raise ServiceError(message, code=code)


def _safe_name(name: str) -> str:
    """A file name fit for messages: no folders, no colons (they separate message parts)."""
    name = PurePath(name.replace("\\", "/")).name or "upload"
    return name.replace(":", "_")[:200]


def _checked_attachment(attachment: UploadedFile) -> str:
    """The safe name of an attachment (an objection's file, evidence) that passes the rules:
    bounded name and size (``LEITAI_UPLOAD_*``), a document type from the allow-list."""
    refused = attachment_problems(
        PurePath((attachment.name or "").replace("\\", "/")).name, attachment.size
    )
    if refused:  # before the type: a cut-off name would lose its suffix
        raise ServiceError(" ".join(refused), code="file_name")
    name = _safe_name(attachment.name or "attachment")
    if PurePath(name).suffix.lower() not in ATTACHMENT_SUFFIXES:
        raise ServiceError(
            _(
                "Attach a document, spreadsheet, image or archive (PDF, Word, Excel, JPG, PNG, ZIP…)."
            ),
            code="file_type",
        )
    return name


# -- schemes ---------------------------------------------------------------------------------


@transaction.atomic
def scheme_change_save(*, text: str, comment: str, user: User, source: str) -> SchemeVersion:
    """Save a scheme uploaded or edited by the office as a new version with a comment.

    The engine's ``SchemeError`` (every problem at its YAML path) passes through.
    """
    _require(user_is_office(user), _("Only the assessment office changes schemes."), "forbidden")
    parsed = parse_scheme(text.replace("\r\n", "\n"), source=source)
    _require(bool(comment.strip()), _("Say in a comment what changed."), "comment")
    latest = SchemeVersion.objects.filter(scheme__code=parsed.id).order_by("-number").first()
    if latest is not None and latest.text.replace("\r\n", "\n") == text.replace("\r\n", "\n"):
        raise ServiceError(
            _("Nothing changed: this is version %(number)s as it is stored.")
            % {"number": latest.number},
            code="unchanged",
        )
    try:
        return scheme_version_save(text=text, comment=comment, user=user, source=source)
    except ServiceError as exc:
        raise ServiceError(str(exc), code="scheme") from None


# -- periods ---------------------------------------------------------------------------------


@transaction.atomic
def period_open(
    *,
    code: str,
    scheme_version: SchemeVersion,
    previous: Period | None,
    name: str = "",
    ends_on: date | None = None,
    user: User,
) -> Period:
    """Open a period for collection. ``ends_on``, the last day it assesses, may be left
    out where the code says it (2024Q1, 2024H1, 2024), and must agree with it there."""
    _require(user_is_office(user), _("Only the assessment office opens periods."), "forbidden")
    _previous_published_required(previous)
    return period_create(
        code=code,
        scheme_version=scheme_version,
        previous=previous,
        name=name,
        ends_on=_period_end_checked(code, ends_on),
        user=user,
    )


def period_end_set(*, period: Period, ends_on: date, user: User) -> Period:
    """Give the last day a period assesses where its code does not say it (a variant, a
    period stored before periods had an end); audited."""
    _require(user_is_office(user), _("Only the assessment office changes periods."), "forbidden")
    end = _period_end_checked(period.code, ends_on)
    return period_setting_set(period=period, name="ends_on", value=end, user=user)


def _period_end_checked(code: str, ends_on: date | None) -> date:
    """The last day a new period assesses: as given, else as its code says; refused where
    neither says it, or where the two disagree (which one is meant?)."""
    said = period_end(code)
    end = ends_on or said
    if end is None:
        raise ServiceError(
            _("%(code)s does not say when the period ends: give the last day it assesses.")
            % {"code": code},
            code="ends_on",
            field="ends_on",
        )
    if said is not None and end != said:
        raise ServiceError(
            _("%(code)s ends on %(said)s, not on %(given)s: correct the code or the date.")
            % {"code": code, "said": said.isoformat(), "given": end.isoformat()},
            code="ends_on",
            field="ends_on",
        )
    return end


def _previous_published_required(previous: Period | None) -> None:
    """Rank changes and flags count against a published result only."""
    if previous is not None and previous.state != Period.State.PUBLISHED:
        _refuse_unpublished(previous)


def _problem_text(code: str, **params: Any) -> str:
    """A new problem of the workflow as words, through the problem catalogue."""
    return render_problem(Problem(code, Where(), params), _, with_where=False)


def _refuse_unpublished(previous: Period) -> None:
    raise ServiceError(
        _problem_text("period.previous_unpublished", period=previous.code),
        code="previous_unpublished",
        field="previous",
    )


def _previous_checked(period: Period, note: str) -> str:
    """Refuse to publish against an unpublished previous period, or without the previous
    result the rules need unless the office says why in words; returns the note to keep."""
    if period.previous is not None and period_previous_snapshot(period) is None:
        _refuse_unpublished(period.previous)
    missing = previous_missing(period)
    if missing and not note.strip():
        raise ServiceError(
            _problem_text("period.no_previous", items=missing),
            code="no_previous",
        )
    return note.strip() if missing else ""


@transaction.atomic
def period_review_start(*, period: Period, user: User, acknowledge: bool = False) -> Period:
    """Close the collection: from now on only returned units change their figures.

    Every unit must have entered figures; units that have not submitted (or were
    returned) are taken as they are only when the office acknowledges them.
    """
    _require(
        user_is_office(user), _("Only the assessment office closes a collection."), "forbidden"
    )
    period = Period.objects.select_for_update().get(pk=period.pk)
    _require(
        period.state == Period.State.COLLECTING,
        _("The period is not collecting figures."),
        "state",
    )
    readiness = period_readiness(period)
    if readiness.not_started:
        names = _(", ").join(r.unit.name for r in readiness.not_started)
        raise ServiceError(
            _("These units have not entered any figures: %(units)s.") % {"units": names},
            code="not_started",
        )
    outstanding = readiness.outstanding
    # Departments that supply indicators (issue 11) and have not submitted them.
    departments = [r for r in provider_board(period) if r.status != UnitStatus.SUBMITTED]
    if (outstanding or departments) and not acknowledge:
        messages = []
        if outstanding:
            messages.append(
                _(
                    "These units have not submitted: %(units)s. Tick the box to close the "
                    "collection anyway and take their figures as they are."
                )
                % {"units": _(", ").join(r.unit.name for r in outstanding)}
            )
        if departments:
            messages.append(
                _(
                    "These departments have not submitted: %(departments)s. Tick the box to "
                    "close the collection anyway and take their figures as they are."
                )
                % {"departments": _(", ").join(r.department.name for r in departments)}
            )
        raise ServiceError(messages, code="acknowledge")
    late = [f"{r.unit.code} ({r.status})" for r in outstanding] + [
        f"{r.department.code} ({r.status})" for r in departments
    ]
    note = "not submitted: " + ", ".join(late) if late else ""
    return period_state_set(period=period, state=Period.State.REVIEW, user=user, note=note)


@transaction.atomic
def period_collection_reopen(*, period: Period, user: User, reason: str = "") -> Period:
    _require(
        user_is_office(user), _("Only the assessment office reopens a collection."), "forbidden"
    )
    period = Period.objects.select_for_update().get(pk=period.pk)
    _require(
        period.state == Period.State.REVIEW,
        _("Only a period under review can go back to collecting figures."),
        "state",
    )
    return period_state_set(period=period, state=Period.State.COLLECTING, user=user, note=reason)


@transaction.atomic
def period_draft_compute(*, period: Period, user: User) -> Snapshot:
    """Compute the draft result from the figures as they stand (the engine checks them)."""
    _require(user_is_office(user), _("Only the assessment office computes results."), "forbidden")
    period = Period.objects.select_for_update().get(pk=period.pk)
    try:
        return period_compute(period=period, user=user)
    except DataError as exc:
        raise ServiceError(problems=exc.problems, code="data") from None


@transaction.atomic
def period_result_publish(
    *,
    period: Period,
    user: User,
    reason: str = "",
    acknowledge: bool = False,
    previous_note: str = "",
) -> Snapshot:
    """Publish the period's draft result; from then on it is frozen.

    The first publication needs the period under review, a draft computed from the
    figures as they stand and every objection answered; units that have not submitted
    must be acknowledged. Publishing again is a revision, which needs a reason. The
    previous period must be published; where the rules need a previous result that
    the period does not have, ``previous_note`` must say why (the notice carries it).
    """
    _require(user_is_office(user), _("Only the assessment office publishes."), "forbidden")
    period = Period.objects.select_for_update().get(pk=period.pk)
    readiness = period_readiness(period)
    revision = readiness.published is not None
    if not revision:
        _require(
            period.state == Period.State.REVIEW,
            _("Close the collection first: a result is published from the review."),
            "state",
        )
    _require(readiness.draft is not None, _("There is no draft result to publish."), "no_draft")
    _require(
        readiness.draft_current,
        _("The figures have changed since the draft was computed: compute it again first."),
        "stale",
    )
    if readiness.pending_objections:
        names = _(", ").join(sorted({o.unit.name for o in readiness.pending_objections}))
        raise ServiceError(
            _("Objections are waiting for an answer: %(units)s.") % {"units": names},
            code="objections",
        )
    if revision:
        _require(
            bool(reason.strip()),
            _("A revision of a published result needs a reason."),
            "reason",
        )
    elif readiness.outstanding and not acknowledge:
        names = _(", ").join(r.unit.name for r in readiness.outstanding)
        raise ServiceError(
            _(
                "These units have not submitted: %(units)s. Tick the box to publish "
                "with their figures as they are."
            )
            % {"units": names},
            code="acknowledge",
        )
    note = _previous_checked(period, previous_note)
    assert readiness.draft is not None  # _require above: there is a draft to publish
    return snapshot_publish(snapshot=readiness.draft, user=user, reason=reason, previous_note=note)


# -- figures: checking and saving -------------------------------------------------------------


def figures_check(
    *, period: Period, unit: Unit, values: Mapping[str, tuple[str, str | None]]
) -> dict[str, str]:
    """Check a unit's figures with the engine; return the message of each bad field.

    Fields are named by their id; a target's field is ``<id>.target``. The engine's
    checks (numbers, plausibility, targets) are the same as an upload's.
    """
    scheme = scheme_version_parsed(period.scheme_version)
    records = [
        Record(
            unit=unit.code,
            indicator=key,
            value=value,
            target=target,
            value_at=Where(column=key),
            target_at=Where(column=f"{key}.target"),
            unit_at=Where(column=key),
            indicator_at=Where(column=key),
        )
        for key, (value, target) in values.items()
    ]
    try:
        PeriodData.from_records(scheme, records, source="", require_all_units=False)
    except DataError as exc:
        errors: dict[str, str] = {}
        for problem in exc.problems:
            field = problem.where.column or ""
            errors.setdefault(field, render_problem(problem, _, with_where=False))
        return errors
    return {}


def unit_figures_save(**arguments: Any) -> int:
    """:func:`unit_figures_explain` (the same keyword arguments), returning only the
    number of figures that changed."""
    return unit_figures_explain(**arguments)[0]


@transaction.atomic
def unit_figures_explain(
    *,
    period: Period,
    unit: Unit,
    user: User,
    values: Mapping[str, tuple[str, str | None]],
    explanations: Mapping[str, str] | None = None,
) -> tuple[int, int]:
    """Save the figures of the online form for one unit: all of them or none.

    Only the scheme's own fields are taken; the values are checked by the engine
    exactly as an upload's are. ``explanations`` (``{key: text}``) explain values that
    jump against the previous published value (see :mod:`.anomalies`). Returns the
    number of figures and of explanations that changed.
    """
    period = Period.objects.select_for_update().get(pk=period.pk)
    allowed = writable_keys(user=user, period=period, unit=unit)
    _require(bool(allowed), _("You may not change these figures now."), "forbidden")
    values = _writable_values(period, allowed, values)
    errors = figures_check(period=period, unit=unit, values=values)
    if errors:
        raise ServiceError(list(errors.values()), code="invalid", fields=errors)
    changed = data_values_update(
        period=period,
        cells={(unit.code, key): pair for key, pair in values.items()},
        user=user,
        note="form",
    )
    explained = _explain(period, user, {(unit.code, k): t for k, t in (explanations or {}).items()})
    return changed, explained


def _writable_values(
    period: Period, allowed: frozenset[str], values: Mapping[str, tuple[str, str | None]]
) -> dict[str, tuple[str, str | None]]:
    """The scheme's fields among ``values``, stripped; a field of the scheme that ``allowed``
    (from :func:`writable_keys`) leaves out is refused, never quietly dropped."""
    scheme = scheme_version_parsed(period.scheme_version)
    known = set(scheme_keys(scheme))
    targets = target_keys(scheme)
    refused = sorted(k for k in values if k in known and k not in allowed)
    if refused:
        names = scheme_names(scheme)
        raise ServiceError(
            _("You may not change these figures: %(items)s.")
            % {"items": _(", ").join(names.get(k, k) for k in refused)},
            code="forbidden",
        )
    return {
        key: (value.strip(), None if key not in targets or target is None else target.strip())
        for key, (value, target) in values.items()
        if key in allowed
    }


def _explain(period: Period, user: User, texts: Mapping[tuple[str, str], str]) -> int:
    """Keep the explanations given with saved figures (values that set off an alert)."""
    return explanations_save(period=period, user=user, texts=texts) if texts else 0


def upload_check(
    *, period: Period, user: User, file: UploadedFile, unit: Unit | None = None
) -> Upload:
    """Check an uploaded table; nothing in the database changes unless it is correct.

    A reporter's upload may touch only their own unit (``unit`` is theirs whatever the
    request says); the office's may touch every unit, or one when ``unit`` is given.
    Returns an :class:`Upload`: refused (every problem at its cell) and *not stored*,
    or checked, stored with its file and waiting for :func:`upload_confirm`.
    """
    department = None
    if user_is_office(user):
        scope = unit
    elif getattr(user, "is_reporter", False):
        scope = user.unit
    elif getattr(user, "is_provider", False):
        scope, department = None, user.department
        _require(
            provider_rights(user=user, period=period).edit,
            _("You may not change these figures now."),
            "forbidden",
        )
    else:
        raise ServiceError(_("You may not upload figures."), code="forbidden")
    if scope is not None:
        rights = unit_rights(user=user, period=period, unit=scope)
        _require(rights.edit, _("You may not change these figures now."), "forbidden")
    name = _safe_name(file.name or "upload")
    if not name.lower().endswith(TABLE_SUFFIXES):
        raise ServiceError(
            _("Upload the period's .xlsx template or a .csv table."), code="file_type"
        )
    limit = upload_limits().max_bytes
    if file.size is not None and file.size > limit:
        raise ServiceError(
            _("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
            code="file_size",
        )
    data = b"".join(file.chunks())
    scheme = scheme_version_parsed(period.scheme_version)
    upload = Upload(
        period=period,
        unit=scope,
        department=department,
        filename=name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=user,
        state=Upload.State.REFUSED,
    )
    _check_into(upload, data=data, scheme=scheme)
    if upload.is_checked:
        upload.file.save(name, ContentFile(data), save=False)
        upload.save()
    return upload


def _current_cells(period: Period, unit: Unit | None) -> dict[tuple[str, str], tuple[str, str]]:
    values = DataValue.objects.filter(period=period).select_related("unit")
    if unit is not None:
        values = values.filter(unit=unit)
    return {(v.unit.code, v.key): (v.value, v.target) for v in values}


def _upload_allowed(upload: Upload) -> dict[str, frozenset[str]] | None:
    """Which keys of which unit the upload may write, by :func:`writable_keys` for the
    person who uploaded it (None: the office, every key)."""
    user = upload.uploaded_by
    if user is not None and user_is_office(user) and upload.department_id is None:
        return None
    if user is None:
        return {}
    units = [upload.unit] if upload.unit is not None else period_units(upload.period)
    return {u.code: writable_keys(user=user, period=upload.period, unit=u) for u in units}


def _check_into(
    upload: Upload,
    *,
    data: bytes,
    scheme: Any,
    current: Mapping[tuple[str, str], tuple[str, str]] | None = None,
) -> Any:
    checked = table_check(
        data=data,
        filename=upload.filename,
        scheme=scheme,
        period=upload.period.code,
        current=_current_cells(upload.period, None) if current is None else current,
        unit=upload.unit.code if upload.unit else None,
        unit_names={u.id: u.name for u in scheme.units},
        allowed=_upload_allowed(upload),
        key_names=scheme_names(scheme),
    )
    if checked.ok and not checked.changes:
        checked.problem(Problem("upload.nothing_changes", Where(file=upload.filename), {}))
    upload.problems = checked.listed()
    upload.changes = checked.changes
    upload.grid = checked.grid
    upload.state = Upload.State.CHECKED if checked.ok else Upload.State.REFUSED
    return checked


def upload_confirm(
    *,
    upload: Upload,
    user: User,
    explanations: Mapping[tuple[str, str], str] | None = None,
) -> int:
    """Save a checked upload's figures: all of them, or none when anything changed since.

    ``explanations`` (``{(unit, key): text}``) explain values of the upload that jump
    against the previous published value; only the upload's own cells are taken.

    The file is checked again against the figures as they stand; if the changes are
    not those the preview showed (someone saved figures in between), nothing is saved
    and the preview is brought up to date for the person to look at again.
    """
    # The file is read and checked before the write transaction (which holds the
    # database's write lock): against the figures as read now, then, under the lock,
    # only those figures are compared again, which is linear and quick.
    upload = Upload.objects.select_related("period", "unit").get(pk=upload.pk)
    _upload_may_save(upload, user, upload.period)
    with upload.file.open("rb") as handle:
        data = handle.read()
    previewed = upload.changes
    scheme = scheme_version_parsed(upload.period.scheme_version)
    before = _current_cells(upload.period, None)
    checked = _check_into(upload, data=data, scheme=scheme, current=before)
    with transaction.atomic():
        locked = (
            Upload.objects.select_for_update(of=("self",))
            .select_related("period", "unit")
            .get(pk=upload.pk)
        )
        period = Period.objects.select_for_update().get(pk=locked.period_id)
        _upload_may_save(locked, user, period)
        now = _current_cells(period, None)
        unchanged = all(now.get(key) == before.get(key) for key in checked.cells)
        if checked.ok and unchanged and upload.changes == previewed:
            changed = data_values_update(
                period=period,
                cells=checked.cells,
                user=user,
                note=f"upload #{upload.pk} {upload.filename}",
            )
            _explain(
                period,
                user,
                {cell: t for cell, t in (explanations or {}).items() if cell in checked.cells},
            )
            locked.problems, locked.changes, locked.grid = (
                upload.problems,
                upload.changes,
                upload.grid,
            )
            locked.state = Upload.State.APPLIED
            locked.decided_at = timezone.now()
            locked.decided_by = user
            locked.save(
                update_fields=["state", "decided_at", "decided_by", "problems", "changes", "grid"]
            )
            return changed
        # Nothing saved: the preview as it now stands, for the person to look at again.
        locked.problems, locked.changes, locked.grid, locked.state = (
            upload.problems,
            upload.changes,
            upload.grid,
            upload.state,
        )
        locked.save(update_fields=["problems", "changes", "grid", "state"])
    raise ServiceError(
        _("The figures have changed since this preview. Look at it again before saving."),
        code="stale",
    )


def _upload_may_save(upload: Upload, user: User, period: Period) -> None:
    _require(
        user_is_office(user) or upload.uploaded_by_id == user.pk,
        _("Only the person who uploaded the file (or the office) may save it."),
        "forbidden",
    )
    _require(upload.is_checked, _("This upload cannot be saved."), "state")
    if upload.department_id is not None:
        _require(
            provider_rights(user=upload.uploaded_by, period=period).edit,
            _("You may not change these figures now."),
            "forbidden",
        )
    if upload.unit is not None:
        rights = unit_rights(user=user, period=period, unit=upload.unit)
        _require(rights.edit, _("You may not change these figures now."), "forbidden")


@transaction.atomic
def upload_discard(*, upload: Upload, user: User) -> Upload:
    upload = Upload.objects.select_for_update().get(pk=upload.pk)
    _require(
        user_is_office(user) or upload.uploaded_by_id == user.pk,
        _("Only the person who uploaded the file (or the office) may discard it."),
        "forbidden",
    )
    _require(upload.is_checked, _("This upload cannot be discarded."), "state")
    upload.state = Upload.State.DISCARDED
    upload.decided_at = timezone.now()
    upload.decided_by = user
    upload.save(update_fields=["state", "decided_at", "decided_by"])
    return upload


# -- submissions: of a unit or of a department, one state machine ---------------------------


def _submission_state(submission: Submission | None) -> dict[str, Any]:
    if submission is None:
        return {"state": None}
    reason = (
        submission.send_back_reason
        if submission.state == Submission.State.SENT_BACK
        else submission.return_reason
    )
    return {"state": submission.state, "reason": reason or None}


def submission_step(
    submission: Submission,
    *,
    action: Action,
    user: User | None,
    before: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    **fields: Any,
) -> Submission:
    """Set ``fields`` on a unit's or a department's submission, save it and record the step
    in the audit log (the reason as its note): the one audit path of every submission.

    It checks nothing: the services below check who may take the step first (the demo
    installer tells its story through it). ``before`` is the state before the step when
    the caller changed the submission already (a new one has ``{"state": None}``).
    """
    before = before if before is not None else _submission_state(submission)
    for name, value in fields.items():
        setattr(submission, name, value)
    submission.save()
    audit_record(
        action=action,
        actor=user,
        obj=submission,
        period=submission.period,
        unit=submission.unit,
        before=before,
        after=_submission_state(submission) | (extra or {}),
        note=fields.get("send_back_reason") or fields.get("return_reason") or "",
        summary=f"{submission.period.code} {submission.party_code}",
    )
    return submission


def _one_party(unit: Unit | None, department: Department | None) -> Party:
    if (unit is None) == (department is None):
        raise ServiceError(_("Choose a unit or a department."), code="party")
    party = unit if unit is not None else department
    assert party is not None
    return party


def _locked_submission(period: Period, party: Party) -> Submission | None:
    return (
        # Only the submission's row (its unit or department may be the NULL side of a join).
        Submission.objects.select_for_update(of=("self",))
        .filter(period=period, **party_filter(party))
        .order_by("pk")
        .first()
    )


def _unit_ready(period: Period, unit: Unit, user: User) -> tuple[int, int]:
    """Refuse a unit's submission that is not the reporter's to make now; else its counts."""
    _require(user_reports_for(user, unit.pk), _("Only the unit's reporter submits."), "forbidden")
    row = unit_row(period, unit)
    rights = unit_rights(user=user, period=period, unit=unit, row=row)
    if row.status == UnitStatus.SUBMITTED:
        raise ServiceError(_("The figures are already submitted."), code="state")
    if row.status == UnitStatus.PENDING_APPROVAL:
        raise ServiceError(_("The figures are waiting for the unit's approval."), code="state")
    _require(row.filled > 0, _("Enter the figures before submitting them."), "empty")
    _require(rights.submit, _("The figures cannot be submitted now."), "state")
    _explanations_required(period, unit)
    return row.filled, row.blank


def _department_ready(period: Period, department: Department, user: User) -> tuple[int, int]:
    """Refuse a department's submission that is not this provider's to make now; else its
    counts (every change alert of its indicators, in every unit, explained)."""
    rights = provider_rights(user=user, period=period)
    _require(
        rights.view and user.department_id == department.pk,
        _("Only the department's data provider submits."),
        "forbidden",
    )
    _require(rights.submit, _("The figures cannot be submitted now."), "state")
    row = next(r for r in provider_board(period) if r.department.pk == department.pk)
    _require(row.filled > 0, _("Enter the figures before submitting them."), "empty")
    keys = set(row.keys)
    missing = [
        alert
        for unit in period_units(period)
        for alert in unit_unexplained(period, unit)
        if alert.key in keys
    ]
    if missing:
        raise ServiceError(
            _problem_text(
                "figures.explanation_required",
                items=[f"{a.unit.name} {a.name}" for a in missing],
            ),
            code="explanation",
        )
    return row.filled, row.blank


@transaction.atomic
def submission_submit(
    *, period: Period, user: User, unit: Unit | None = None, department: Department | None = None
) -> Submission:
    """A unit's reporter submits the unit's figures, or a department's data provider the
    department's (exactly one of ``unit`` and ``department``); they are then locked for
    them.

    Where the period asks for approval inside the unit or the department, the submission
    waits for its 审核人 (:func:`submission_approve`) before the office sees it.
    """
    period = Period.objects.select_for_update().get(pk=period.pk)
    party = _one_party(unit, department)
    if isinstance(party, Department):
        filled, blank = _department_ready(period, party, user)
    else:
        filled, blank = _unit_ready(period, party, user)
    submission = _locked_submission(period, party)
    before = _submission_state(submission)
    if submission is None:
        submission = Submission(period=period, **party_filter(party))
    return submission_step(
        submission,
        action=Action.SUBMISSION_SUBMITTED,
        user=user,
        before=before,
        extra={"filled": filled, "blank": blank},
        state=Submission.State.PENDING_APPROVAL
        if approval_required(period, party)
        else Submission.State.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=user,
        approved_at=None,
        approved_by=None,
    )


def _waiting_for(period: Period, party: Party, user: User) -> Submission:
    """The submission of ``party`` that waits for ``user``, its 审核人 (locked)."""
    unit = isinstance(party, Unit)
    _require(
        approves_for(user, party),
        _("Only the unit's approver approves or sends back its figures.")
        if unit
        else _("Only the department's approver approves or sends back its figures."),
        "forbidden",
    )
    submission = _locked_submission(period, party)
    _require(
        period.state != Period.State.PUBLISHED
        and submission is not None
        and submission.state == Submission.State.PENDING_APPROVAL,
        _("Nothing of this unit waits for approval.")
        if unit
        else _("Nothing of this department waits for approval."),
        "state",
    )
    assert submission is not None  # _require above
    return submission


@transaction.atomic
def submission_approve(
    *, period: Period, user: User, unit: Unit | None = None, department: Department | None = None
) -> Submission:
    """The 审核人 of a unit or a department approves the figures prepared there: from now
    on they are with the office. Nobody approves their own preparation."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    party = _one_party(unit, department)
    submission = _waiting_for(period, party, user)
    _require(
        submission.submitted_by_id != user.pk,
        _("You prepared these figures: another approver of the unit must approve them.")
        if isinstance(party, Unit)
        else _("You prepared these figures: another approver of the department must approve them."),
        "own",
    )
    return submission_step(
        submission,
        action=Action.SUBMISSION_APPROVED,
        user=user,
        state=Submission.State.SUBMITTED,
        approved_at=timezone.now(),
        approved_by=user,
    )


@transaction.atomic
def submission_send_back(
    *,
    period: Period,
    user: User,
    reason: str,
    unit: Unit | None = None,
    department: Department | None = None,
) -> Submission:
    """The 审核人 of a unit or a department sends the prepared figures back, with a reason."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    submission = _waiting_for(period, _one_party(unit, department), user)
    _require(bool(reason.strip()), _("Say why the figures are sent back."), "reason")
    return submission_step(
        submission,
        action=Action.SUBMISSION_SENT_BACK,
        user=user,
        state=Submission.State.SENT_BACK,
        sent_back_at=timezone.now(),
        sent_back_by=user,
        send_back_reason=reason.strip()[:2000],
    )


@transaction.atomic
def approval_units_set(
    *, period: Period, units: Iterable[str], user: User, departments: Iterable[str] | None = None
) -> set[str]:
    """The office chooses the units (and, given ``departments``, the departments) whose
    submissions in ``period`` go through their 审核人 first (an empty choice switches
    approval off). Refused, naming them, for those without an active approver, or with
    figures already submitted or waiting (their state would change under them).
    Audited; returns the chosen units' codes."""
    _require(
        user_is_office(user),
        _("Only the assessment office sets approval inside units."),
        "forbidden",
    )
    period = Period.objects.select_for_update().get(pk=period.pk)
    _require(
        period.state != Period.State.PUBLISHED,
        _("The period is published; its submissions are closed."),
        "state",
    )
    by_code: dict[str, Party] = {u.code: u for u in period_units(period)}
    by_code.update({_key("department", d.code): d for d in period_departments(period)})
    current = {("unit", code) for code in approval_units(period)} | {
        ("department", code) for code in approval_departments(period)
    }
    # Without ``departments``, the departments' switches stay as they are.
    wanted = {("unit", code) for code in units} | (
        {("department", code) for code in departments}
        if departments is not None
        else {pair for pair in current if pair[0] == "department"}
    )
    unknown = sorted(code for kind, code in wanted if _key(kind, code) not in by_code)
    _require(
        not unknown,
        _("Not a unit of this period: %(units)s.") % {"units": _(", ").join(unknown)},
        "unit",
    )
    parties = {pair: by_code[_key(*pair)] for pair in wanted | current}
    _approval_change_allowed(period, [parties[p] for p in wanted ^ current], wanted)
    for pair in current - wanted:
        Approval.objects.filter(period=period, **party_filter(parties[pair])).delete()
    for pair in sorted(wanted - current):
        Approval.objects.create(period=period, switched_by=user, **party_filter(parties[pair]))
    if wanted != current:
        audit_record(
            action=Action.APPROVAL_CHANGED,
            actor=user,
            period=period,
            before=_switches(current),
            after=_switches(wanted),
            summary=f"{period.code}: {', '.join(sorted(c for _k, c in wanted)) or '-'}",
        )
    return {code for kind, code in wanted if kind == "unit"}


def _key(kind: str, code: str) -> str:
    return code if kind == "unit" else f"department:{code}"


def _switches(pairs: set[tuple[str, str]]) -> dict[str, list[str]]:
    """An approval setting as the audit log keeps it (departments only where there are)."""
    out = {"units": sorted(c for k, c in pairs if k == "unit")}
    departments = sorted(c for k, c in pairs if k == "department")
    return out | ({"departments": departments} if departments else {})


def _approval_change_allowed(
    period: Period, changed: list[Party], wanted: set[tuple[str, str]]
) -> None:
    """A unit or a department whose approval switches must have no submission on its way,
    and one switched on needs an active 审核人."""
    problems = []
    for party in changed:
        submission = party_submission(period, party)
        kind = "department" if isinstance(party, Department) else "unit"
        if submission is not None and submission.state in LOCKED_STATES:
            problems.append(
                _("%(unit)s: its figures are submitted or waiting for approval.")
                % {"unit": party.name}
            )
        elif (kind, party.code) in wanted and not party_approvers(party).exists():
            problems.append(_("%(unit)s has no active approver account.") % {"unit": party.name})
    if problems:
        raise ServiceError(problems, code="approval")


def _explanations_required(period: Period, unit: Unit) -> None:
    """A value that jumps against the previous published value needs a written reason."""
    own = set(unit_supplied_keys(period))
    missing = [row for row in unit_unexplained(period, unit) if row.key in own]
    if missing:
        raise ServiceError(
            _problem_text("figures.explanation_required", items=[row.name for row in missing]),
            code="explanation",
        )


@transaction.atomic
def submission_return(
    *,
    period: Period,
    unit: Unit | None = None,
    department: Department | None = None,
    user: User,
    reason: str,
) -> Submission:
    """The office returns a unit's or a department's submission with a reason; the unit's
    reporter (or the department's provider) may then edit again. A department's only while
    the period collects: afterwards its figures are taken as they are."""
    _require(
        user_is_office(user), _("Only the assessment office returns submissions."), "forbidden"
    )
    period = Period.objects.select_for_update().get(pk=period.pk)
    party = _one_party(unit, department)
    if isinstance(party, Department):
        _require(
            period.state == Period.State.COLLECTING,
            _("The period is not collecting figures."),
            "state",
        )
    _require(
        period.state != Period.State.PUBLISHED,
        _("The period is published; its submissions are closed."),
        "state",
    )
    _require(bool(reason.strip()), _("Say why the submission is returned."), "reason")
    submission = _locked_submission(period, party)
    _require(
        submission is not None and submission.state == Submission.State.SUBMITTED,
        _("Only submitted figures can be returned."),
        "state",
    )
    assert submission is not None  # _require above
    return submission_step(
        submission,
        action=Action.SUBMISSION_RETURNED,
        user=user,
        state=Submission.State.RETURNED,
        returned_at=timezone.now(),
        returned_by=user,
        return_reason=reason.strip(),
    )


# -- objections ----------------------------------------------------------------------------------


@transaction.atomic
def objection_raise(
    *,
    period: Period,
    unit: Unit,
    user: User,
    text: str,
    key: str = "",
    attachment: UploadedFile | None = None,
) -> Objection:
    """The unit's reporter contests the unit's draft result, with text and an attachment."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    _require(
        user_reports_for(user, unit.pk),
        _("Only the unit's reporter raises its objections."),
        "forbidden",
    )
    _require(
        period.state != Period.State.PUBLISHED,
        _("The result is published; objections are closed."),
        "state",
    )
    draft = period_draft_snapshot(period)
    _require(draft is not None, _("There is no draft result to object to yet."), "no_draft")
    assert draft is not None  # _require above
    _require(bool(text.strip()), _("Say what is wrong."), "text")
    scheme = scheme_version_parsed(period.scheme_version)
    if key and key not in scheme_keys(scheme):
        raise ServiceError(_("Choose one of the scheme's indicators."), code="key")
    objection = Objection(
        period=period,
        unit=unit,
        key=key,
        text=text.strip(),
        raised_by=user,
        revision=draft.revision,
        result_sha256=draft.result_sha256,
    )
    if attachment is not None:
        name = _checked_attachment(attachment)
        objection.attachment.save(name, attachment, save=False)
        objection.attachment_name = name
        objection.attachment_size = attachment.size
    objection.save()
    audit_record(
        action=Action.OBJECTION_RAISED,
        actor=user,
        obj=objection,
        period=period,
        unit=unit,
        after=objection.as_audit(),
        note=objection.text,
        summary=f"{period.code} {unit.code} #{objection.pk}",
    )
    return objection


@transaction.atomic
def objection_answer(
    *,
    objection: Objection,
    user: User,
    accepted: bool,
    answer: str,
    corrections: Mapping[str, tuple[str, str | None]] | None = None,
) -> Objection:
    """The office answers an objection.

    Accepted: the corrected figures (if any) are saved and the draft result is computed
    again, all in one step. Rejected: the answer must give the reason. Either way the
    unit sees the answer.
    """
    _require(user_is_office(user), _("Only the assessment office answers objections."), "forbidden")
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("period", "unit")
        .get(pk=objection.pk)
    )
    period = Period.objects.select_for_update().get(pk=objection.period_id)
    _require(objection.is_pending, _("This objection has been answered."), "state")
    _require(
        period.state != Period.State.PUBLISHED,
        _("The result is published; correct it with a revision instead."),
        "state",
    )
    _require(
        bool(answer.strip()),
        _("Give the reason for rejecting it.") if not accepted else _("Write the answer."),
        "answer",
    )
    before = objection.as_audit()
    applied: list[dict[str, Any]] = []
    if accepted and corrections:
        scheme = scheme_version_parsed(period.scheme_version)
        allowed = set(scheme_keys(scheme))
        targets = target_keys(scheme)
        values = {
            k: (v.strip(), None if k not in targets or t is None else t.strip())
            for k, (v, t) in corrections.items()
            if k in allowed
        }
        errors = figures_check(period=period, unit=objection.unit, values=values)
        if errors:
            raise ServiceError(list(errors.values()), code="invalid", fields=errors)
        stored = {
            v.key: (v.value, v.target)
            for v in DataValue.objects.filter(period=period, unit=objection.unit, key__in=values)
        }
        for key, (value, target) in values.items():
            old = stored.get(key, ("", ""))
            if (value, old[1] if target is None else target) != old:
                applied.append({"key": key, "before": old[0], "after": value})
        data_values_update(
            period=period,
            cells={(objection.unit.code, k): pair for k, pair in values.items()},
            user=user,
            note=f"objection #{objection.pk}",
        )
    objection.state = Objection.State.ACCEPTED if accepted else Objection.State.REJECTED
    objection.answer = answer.strip()
    objection.answered_at = timezone.now()
    objection.answered_by = user
    objection.corrections = applied
    objection.save()
    audit_record(
        action=Action.OBJECTION_ANSWERED,
        actor=user,
        obj=objection,
        period=period,
        unit=objection.unit,
        before=before,
        after=objection.as_audit() | {"corrections": applied},
        note=objection.answer,
        summary=f"{period.code} {objection.unit.code} #{objection.pk}",
    )
    if applied:
        try:
            period_compute(period=period, user=user)
        except DataError as exc:
            raise ServiceError(problems=exc.problems, code="data") from None
    return objection


# -- evidence (佐证材料) --------------------------------------------------------------------------

EVIDENCE_PER_VALUE = 10


def _evidence_supplier(unit: Unit, user: User) -> None:
    _require(
        user_reports_for(user, unit.pk) or getattr(user, "is_provider", False),
        _("Only the unit's reporter attaches its evidence."),
        "forbidden",
    )


def _evidence_allowed(period: Period, unit: Unit, user: User, key: str) -> None:
    """Only whoever supplies the figure: the unit's own reporter, or the data provider of
    a department's indicator, only while they may change it (:func:`writable_keys`)."""
    _evidence_supplier(unit, user)
    if getattr(user, "is_provider", False):
        _require(
            user.department_id is not None and key in department_keys(period, user.department_id),
            _("You may not change these figures: %(items)s.") % {"items": key},
            "forbidden",
        )
    _require(
        key in writable_keys(user=user, period=period, unit=unit),
        _("Evidence is attached while the unit's figures can still change."),
        "state",
    )


@transaction.atomic
def evidence_add(
    *, period: Period, unit: Unit, user: User, key: str, file: UploadedFile
) -> Evidence:
    """The unit's reporter attaches a supporting document to one of the unit's figures."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    _evidence_supplier(unit, user)
    scheme = scheme_version_parsed(period.scheme_version)
    if key not in {i.id for i in scheme.all_indicators() if i.from_ is None}:
        raise ServiceError(_("Choose one of the scheme's indicators."), code="key")
    _evidence_allowed(period, unit, user, key)
    _require(
        Evidence.objects.filter(period=period, unit=unit, key=key).count() < EVIDENCE_PER_VALUE,
        _("At most %(n)d files per figure.") % {"n": EVIDENCE_PER_VALUE},
        "too_many",
    )
    name = _checked_attachment(file)
    return evidence_store(period=period, unit=unit, key=key, name=name, file=file, user=user)


def evidence_store(
    *, period: Period, unit: Unit, key: str, name: str, file: File, user: User | None
) -> Evidence:
    """Store an evidence file under ``name`` and record it in the audit log. It checks
    nothing: :func:`evidence_add` checks first (the demo installer stores its own)."""
    evidence = Evidence(period=period, unit=unit, key=key, name=name, size=file.size, added_by=user)
    evidence.file.save(name, file, save=False)
    evidence.save()
    audit_record(
        action=Action.EVIDENCE_ADDED,
        actor=user,
        obj=evidence,
        period=period,
        unit=unit,
        after=evidence.as_audit(),
        summary=f"{period.code} {unit.code} {key}: {name}",
    )
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, user: User) -> None:
    """The unit's reporter takes back a file it attached (the file itself is kept)."""
    period = Period.objects.select_for_update().get(pk=evidence.period_id)
    _evidence_allowed(period, evidence.unit, user, evidence.key)
    before = evidence.as_audit()
    audit_record(
        action=Action.EVIDENCE_REMOVED,
        actor=user,
        obj=evidence,
        period=period,
        unit=evidence.unit,
        before=before,
        summary=f"{period.code} {evidence.unit.code} {evidence.key}: {evidence.name}",
    )
    evidence.delete()


# -- data providers (issue 11) ---------------------------------------------------------------


@transaction.atomic
def provider_figures_save(
    *,
    period: Period,
    user: User,
    values: Mapping[tuple[str, str], tuple[str, str | None]],
    explanations: Mapping[tuple[str, str], str] | None = None,
) -> tuple[int, int]:
    """Save a data provider's online form (``{(unit, key): (value, target)}``): every unit's
    figures of its department's indicators, all of them or none.

    Each unit's figures are checked by the engine exactly as an upload's are; a cell
    outside what :func:`writable_keys` allows is refused. Returns the number of figures
    and of explanations that changed.
    """
    period = Period.objects.select_for_update().get(pk=period.pk)
    _require(
        provider_rights(user=user, period=period).edit,
        _("You may not change these figures now."),
        "forbidden",
    )
    units = {u.code: u for u in period_units(period)}
    by_unit: dict[str, dict[str, tuple[str, str | None]]] = {}
    for (code, key), pair in values.items():
        if code not in units:
            raise ServiceError(_("Choose one of the period's units."), code="forbidden")
        by_unit.setdefault(code, {})[key] = pair
    cells: dict[tuple[str, str], tuple[str, str | None]] = {}
    errors: dict[str, str] = {}
    for code, unit_values in by_unit.items():
        allowed = writable_keys(user=user, period=period, unit=units[code])
        checked = _writable_values(period, allowed, unit_values)
        for key, message in figures_check(period=period, unit=units[code], values=checked).items():
            errors[f"{code}:{key}"] = f"{units[code].name}{_(': ')}{message}"
        cells.update({(code, key): pair for key, pair in checked.items()})
    if errors:
        raise ServiceError(list(errors.values()), code="invalid", fields=errors)
    changed = data_values_update(period=period, cells=cells, user=user, note="form")
    texts = {cell: t for cell, t in (explanations or {}).items() if cell in cells}
    return changed, _explain(period, user, texts)


def _assignment_scope(
    period: Period | None, scheme_version: SchemeVersion | None
) -> tuple[SchemeVersion, list[Period]]:
    """The scheme version an assignment belongs to and the periods it may reach."""
    if period is not None and scheme_version is None:
        return period.scheme_version, [period]
    if scheme_version is not None and period is None:
        return scheme_version, list(scheme_version.periods.order_by(*period_order()))
    raise ServiceError(_("Choose a scheme version or a period."), code="scope")


def _assignment_reach(key: str, periods: list[Period], *, per_period: bool) -> list[Period]:
    """The periods whose supplier of ``key`` an assignment in this scope decides: a scheme
    version's assignment does not reach a period with its own assignment of the key."""
    from leitai.web.workflow.models import Assignment

    if per_period:
        return periods
    own = set(
        Assignment.objects.filter(period__in=periods, key=key).values_list("period_id", flat=True)
    )
    return [p for p in periods if p.pk not in own]


def _assignment_collecting(reach: list[Period], name: str, *, per_period: bool) -> None:
    closed = next((p for p in reach if p.state != Period.State.COLLECTING), None)
    if closed is None:
        return
    words = {"period": closed.code, "state": closed.get_state_display(), "name": name}
    if per_period:
        message = _(
            "%(period)s no longer collects figures (%(state)s): who supplies %(name)s there "
            "stays as it was."
        )
    else:
        message = _(
            "%(period)s of this scheme version no longer collects figures (%(state)s): who "
            "supplied %(name)s there stays as it was. Assign it per period, on the page of "
            "each period that collects."
        )
    raise ServiceError(message % words, code="state", field="department")


def _assignment_values_kept(
    key: str, name: str, reach: list[Period], department: Department | None
) -> None:
    """Figures already entered by a supplier who would lose the indicator stay theirs: the
    change is refused, naming the first such figure (the office clears them first, or
    leaves the indicator where it is). The office's own and imported figures never block."""
    from django.db.models import Q

    values = DataValue.objects.filter(period__in=reach, key=key).exclude(value="")
    if department is None:
        losing = Q(updated_by__role=User.Role.PROVIDER)
    else:
        losing = Q(updated_by__role=User.Role.REPORTER) | (
            Q(updated_by__role=User.Role.PROVIDER) & ~Q(updated_by__department=department)
        )
    first = (
        values.filter(losing)
        .select_related("period", "unit", "updated_by")
        .order_by(*period_order("period__"), "unit__position", "unit__code")
        .first()
    )
    if first is None:
        return
    from leitai.web.accounts.selectors import person_display

    raise ServiceError(
        _(
            "%(name)s already has figures entered by %(who)s (%(unit)s, %(period)s): they "
            "would pass to another supplier. Clear them first, or leave the indicator with "
            "its supplier."
        )
        % {
            "name": name,
            "who": person_display(first.updated_by) or "—",
            "unit": first.unit.name,
            "period": first.period.code,
        },
        code="values",
        field="department",
    )


def _assignment_department_open(department: Department, reach: list[Period]) -> None:
    submitted = (
        Submission.objects.filter(
            period__in=reach,
            department=department,
            state__in=[Submission.State.SUBMITTED, Submission.State.PENDING_APPROVAL],
        )
        .select_related("period")
        .order_by(*period_order("period__"))
        .first()
    )
    if submitted is not None:
        raise ServiceError(
            _(
                "%(department)s has submitted its figures of %(period)s: return its submission "
                "first, then give it more indicators."
            )
            % {"department": department.name, "period": submitted.period.code},
            code="submitted",
            field="department",
        )


@transaction.atomic
def assignment_set(
    *,
    key: str,
    department: Department | None,
    user: User,
    period: Period | None = None,
    scheme_version: SchemeVersion | None = None,
) -> bool:
    """Make ``department`` (None: the units themselves) the supplier of ``key`` in one
    period or in every period of a scheme version; audited. Returns whether it changed.

    The rules, each refused with the indicator, period, unit or department named:

    - an indicator of the scheme version, in one scope (a period's own assignment wins
      over its version's, so a version's change does not reach a period with its own);
    - every period it reaches still collects figures: a period in review or published
      keeps the suppliers its figures came from;
    - no figure already entered there by a supplier who would lose the indicator (a
      unit's reporter, or another department's provider): figures never pass from one
      supplier to another; the office clears them first (its own figures never block);
    - a department that has submitted there is returned first before it gets more;
    - a period cannot hand back to the units an indicator its version gives a
      department (there is no "the units" assignment to override it): change the version.

    So an indicator stays supplied by one department or by the units, never both.
    """
    from leitai.web.workflow.models import Assignment

    if not user_is_office(user):
        raise ServiceError(_("Only the assessment office assigns indicators."), code="forbidden")
    version, periods = _assignment_scope(period, scheme_version)
    if period is not None:
        period = Period.objects.select_for_update(of=("self",)).get(pk=period.pk)
        periods = [period]
    scheme = scheme_version_parsed(version)
    if key not in scheme_keys(scheme):
        raise ServiceError(
            _("“%(key)s” is not an indicator of %(scheme)s.") % {"key": key, "scheme": version},
            code="key",
            field="key",
        )
    name = f"{scheme_names(scheme).get(key, key)} ({key})"
    # Locked on its own: PostgreSQL refuses FOR UPDATE across a join's nullable side.
    row = (
        Assignment.objects.select_for_update(of=("self",))
        .filter(key=key, period=period, scheme_version=None if period else version)
        .first()
    )
    inherited = (
        Assignment.objects.filter(key=key, scheme_version=version)
        .select_related("department")
        .first()
        if period is not None
        else None
    )
    if department is None and inherited is not None:
        raise ServiceError(
            _(
                "%(name)s is supplied by %(department)s in every period of %(version)s: "
                "hand it back to the units on the scheme version's page."
            )
            % {"name": name, "department": inherited.department, "version": version},
            code="inherited",
            field="department",
        )
    current = row or inherited  # the period's own, else its version's
    if (current.department if current else None) == department:
        return False
    reach = _assignment_reach(key, periods, per_period=period is not None)
    _assignment_collecting(reach, name, per_period=period is not None)
    _assignment_values_kept(key, name, reach, department)
    if department is not None:
        _assignment_department_open(department, reach)
    before = row.department.code if row else None
    if department is None:
        if row is not None:
            row.delete()
    else:
        row = row or Assignment(key=key, period=period, scheme_version=None if period else version)
        row.department = department
        row.save()
    audit_record(
        action=Action.ASSIGNMENT_CHANGED,
        actor=user,
        period=period,
        before={"key": key, "department": before},
        after={"key": key, "department": department.code if department else None},
        summary=_("%(name)s in %(scope)s: supplied by %(who)s")
        % {
            "name": name,
            "scope": period.code if period else str(version),
            "who": department.name if department else _("the units"),
        },
    )
    return True
