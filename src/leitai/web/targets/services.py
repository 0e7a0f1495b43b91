"""Writing targets, pledges and the actuals reported on them.

Every write is checked by the engine before it is stored: a target must make an
engine ``Target``, an actual an engine ``Actual``, and a target's actuals together
must be something the engine can judge (one reporting frequency, each period once).
Imports read the whole table with :mod:`leitai.io.targets` first, so that a table
with any bad row changes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext

from leitai.engine import targets as engine
from leitai.engine.errors import InvalidValue
from leitai.engine.problems import Problem, Where
from leitai.engine.targets import TargetError, parse_period
from leitai.i18n import render as render_problem
from leitai.io.files import ATTACHMENT_SUFFIXES, TABLE_SUFFIXES
from leitai.io.targets import TargetsTableError, read_actuals, read_targets
from leitai.web.accounts.models import User
from leitai.web.assessments.models import Unit
from leitai.web.audit.models import Action
from leitai.web.errors import ServiceError
from leitai.web.files import attachment_problems, upload_limits
from leitai.web.targets.models import Actual, Target
from leitai.web.targets.selectors import actual_engine, target_engine
from leitai.web.targets.types import MilestoneJson

PREVIEW_MAX = 100  # problems and rows listed on an import's preview
IMPORT_KINDS = ("targets", "actuals")

# The engine names fields as the tables do; the forms name them as the models do.
_FIELDS = {
    "target": "value",
    "id": "code",
    "milestones.date": "milestones",
    "milestones.value": "milestones",
}


def audit_change(
    *,
    user: User | None,
    action: Action,
    obj: Any = None,
    unit: Any = None,
    period: Any = None,
    before: Any = None,
    after: Any = None,
    summary: str = "",
) -> None:
    """Record a change in the audit log (``leitai.web.audit``) in the same transaction."""
    if not apps.is_installed("leitai.web.audit"):
        return
    from leitai.web.audit.services import audit_record

    audit_record(
        action=action,
        actor=user,
        obj=obj,
        unit=unit,
        period=period,
        before=before,
        after=after,
        summary=summary,
    )


def _target_state(target: Target) -> dict[str, Any]:
    return {
        "code": target.code,
        "name": target.name,
        "indicator": target.indicator,
        "value": target.value,
        "unit_of_measure": target.unit_of_measure,
        "direction": target.direction,
        "start": target.start,
        "deadline": target.deadline,
        "milestones": target.milestones,
        "source": target.source,
        "pledged_on": target.pledged_on,
        "session": target.session.slug if target.session is not None else None,
    }


def _field(name: str | None) -> str | None:
    """The form field of an engine field (``target`` is the model's ``value``)."""
    return _FIELDS.get(name or "", name)


def _unplaced(problems: Iterable[Problem]) -> list[Problem]:
    """Problems of a form: the field is shown by the form, not in the sentence."""
    return [Problem(p.code, Where(), p.params) for p in problems]


def milestones_json(milestones: Iterable[Any]) -> list[MilestoneJson]:
    """``[{"date": ISO, "value": number}]`` from Milestones, pairs or such dicts, by date."""
    out: list[MilestoneJson] = []
    for m in milestones:
        if isinstance(m, Mapping):
            day, value = m["date"], m["value"]
        elif isinstance(m, engine.Milestone):
            day, value = m.date, m.value
        else:
            day, value = m
        if isinstance(day, str):
            day = dt.date.fromisoformat(day)
        out.append({"date": day.isoformat(), "value": float(value)})
    return sorted(out, key=lambda m: m["date"])


def _check(target: Target) -> None:
    try:
        target_engine(target)
    except TargetError as error:
        raise ServiceError(problems=_unplaced(error.problems), field=_field(error.field)) from None


def _next_code(unit: Unit, prefix: str) -> str:
    taken = set(Target.objects.filter(unit=unit).values_list("code", flat=True))
    n = 1
    while f"{prefix}-{n}" in taken:
        n += 1
    return f"{prefix}-{n}"


TARGET_FIELDS = (
    "code",
    "name",
    "indicator",
    "value",
    "unit_of_measure",
    "direction",
    "start",
    "deadline",
    "milestones",
    "source",
    "pledged_on",
    "session",
)


@transaction.atomic
def target_create(
    *,
    unit: Unit,
    name: str,
    value: float,
    code: str = "",
    indicator: str = "",
    unit_of_measure: str = "",
    direction: str = Target.Direction.HIGHER,
    start: float | None = None,
    deadline: dt.date | None = None,
    milestones: Iterable[Any] = (),
    source: str = Target.Source.ASSIGNED,
    pledged_on: dt.date | None = None,
    session: Any = None,
    user: User | None = None,
) -> Target:
    """Create a target (or a pledge, with ``source="pledged"``).

    Without a ``code`` one is made up (``t-1``, or ``pledge-1`` for a pledge).
    Raises :class:`ServiceError` naming the field at fault.
    """
    code = (code or "").strip() or _next_code(
        unit, "pledge" if source == Target.Source.PLEDGED else "t"
    )
    if Target.objects.filter(unit=unit, code=code).exists():
        raise ServiceError(
            problems=Problem("targets.code_taken", Where(), {"unit": unit.name, "code": code}),
            field="code",
        )
    target = Target(
        unit=unit,
        code=code,
        name=name.strip(),
        indicator=(indicator or "").strip(),
        value=value,
        unit_of_measure=(unit_of_measure or "").strip(),
        direction=direction,
        start=start,
        deadline=deadline,
        milestones=milestones_json(milestones),
        source=source,
        pledged_on=pledged_on,
        session=session,
        created_by=user,
        updated_by=user,
    )
    _check(target)
    target.full_clean()
    target.save()
    audit_change(
        user=user,
        action=Action.TARGET_CREATED,
        obj=target,
        unit=unit,
        after=_target_state(target),
        summary=f"{target.name} ({target.source})",
    )
    return target


@transaction.atomic
def target_update(*, target: Target, user: User | None = None, **changes: Any) -> Target:
    """Change a target's fields (any of ``TARGET_FIELDS``); its actuals stay."""
    unknown = set(changes) - set(TARGET_FIELDS)
    if unknown:
        raise TypeError(f"target_update: unknown fields {sorted(unknown)}")
    target = Target.objects.select_for_update().select_related("unit").get(pk=target.pk)
    before = _target_state(target)
    if "milestones" in changes:
        changes["milestones"] = milestones_json(changes["milestones"])
    code = (changes.get("code") or target.code).strip()
    if code != target.code and Target.objects.filter(unit=target.unit, code=code).exists():
        raise ServiceError(
            problems=Problem(
                "targets.code_taken", Where(), {"unit": target.unit.name, "code": code}
            ),
            field="code",
        )
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(target, name, value)
    target.code = code
    target.updated_by = user
    _check(target)
    target.full_clean()
    target.save()
    after = _target_state(target)
    changed = [name for name in after if after[name] != before[name]]
    audit_change(
        user=user,
        action=Action.TARGET_CHANGED,
        obj=target,
        unit=target.unit,
        before={name: before[name] for name in changed},
        after={name: after[name] for name in changed},
        summary=target.name,
    )
    return target


@transaction.atomic
def target_delete(*, target: Target, user: User | None = None) -> None:
    """Delete a target with its actuals and their evidence files."""
    files = [a.evidence for a in target.actuals.exclude(evidence="")]
    audit_change(
        user=user,
        action=Action.TARGET_DELETED,
        obj=target,
        unit=target.unit,
        before={
            **_target_state(target),
            "actuals": {a.period: a.value for a in target.actuals.order_by("period_end")},
        },
        summary=target.name,
    )
    target.delete()
    # Files go only once the rows are gone for good.
    transaction.on_commit(lambda: _delete_files(files))


def _delete_files(files: Iterable[FieldFile]) -> None:
    for file in files:
        if file.name:
            file.storage.delete(file.name)


def period_outside(target: Target | engine.Target, end: dt.date) -> Problem | None:
    """Why a report ending on ``end`` cannot be one of the target's, or None when it can.

    Actuals are cumulative from the start of the deadline's year, so a report belongs
    to that year and may not end after the deadline.
    """
    deadline = target.deadline
    if deadline is None or (end.year == deadline.year and end <= deadline):
        return None
    return Problem(
        "targets.period_outside",
        Where(),
        {"end": end.isoformat(), "year": deadline.year, "deadline": deadline.isoformat()},
    )


def evidence_check(upload: UploadedFile) -> None:
    refused = attachment_problems(
        PurePosixPath((upload.name or "").replace("\\", "/")).name, upload.size
    )
    if refused:  # before the type: a cut-off name would lose its suffix
        raise ServiceError(" ".join(refused), field="evidence")
    suffix = PurePosixPath(upload.name or "").suffix.lower()
    if suffix not in ATTACHMENT_SUFFIXES:
        raise ServiceError(
            problems=Problem(
                "targets.evidence_type",
                Where(),
                {"expected": sorted(ATTACHMENT_SUFFIXES), "found": suffix or ""},
            ),
            field="evidence",
        )


@transaction.atomic
def actual_report(
    *,
    target: Target,
    period: str,
    value: float,
    note: str = "",
    evidence: UploadedFile | None = None,
    user: User | None = None,
) -> Actual:
    """Report (or correct) the cumulative value of a target at the end of a period.

    The period is kept in its canonical form (``2023-05``, ``2023Q2``, ``2023-05-31``);
    a target is reported in one frequency throughout. A new evidence file replaces
    the previous one of that period.
    """
    target = Target.objects.select_for_update().select_related("unit").get(pk=target.pk)
    try:
        _frequency, end, label = parse_period(period)
    except InvalidValue as error:
        raise ServiceError(problems=error.problem, field="period") from None
    outside = period_outside(target, end)
    if outside:
        raise ServiceError(problems=outside, field="period")
    try:
        reported = engine.Actual(target.unit.code, target.code, label, value, note or "")
        others = [
            actual_engine(a, unit=target.unit.code, target=target.code)
            for a in target.actuals.exclude(period=label)
        ]
        engine.progress(target_engine(target), [*others, reported], as_of=end)
    except TargetError as error:
        raise ServiceError(
            problems=_unplaced(error.problems), field=_field(error.field) or "period"
        ) from None
    if evidence is not None:
        evidence_check(evidence)
    actual = target.actuals.filter(period=label).first() or Actual(target=target, period=label)
    created = actual.pk is None
    before = None if created else {"value": actual.value, "note": actual.note}
    old_file = actual.evidence.name if actual.evidence else None
    actual.period_end = end
    actual.value = float(value)
    actual.note = (note or "").strip()
    actual.reported_by = user
    actual.reported_at = timezone.now()
    if evidence is not None:
        actual.evidence_name = os.path.basename(evidence.name or "")[:200]
        actual.evidence.save(evidence.name or "evidence", evidence, save=False)
    actual.save()
    if evidence is not None and old_file:
        storage = actual.evidence.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    audit_change(
        user=user,
        action=Action.ACTUAL_REPORTED if created else Action.ACTUAL_CORRECTED,
        obj=actual,
        unit=target.unit,
        before=before,
        after={
            "target": target.code,
            "period": label,
            "value": actual.value,
            "note": actual.note,
            "evidence": actual.evidence_name or None,
        },
        summary=f"{target.name} {label}",
    )
    return actual


# -- imports ------------------------------------------------------------------------------


@dataclass
class ImportPreview:
    """What an import would do, or every problem that stops it."""

    kind: str
    filename: str
    problems: list[Problem] = field(default_factory=list)
    targets: list[engine.Target] = field(default_factory=list)
    actuals: list[engine.Actual] = field(default_factory=list)
    new: set[tuple[str, ...]] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def errors(self) -> list[str]:
        """Every problem in the active language."""
        return [render_problem(p, gettext) for p in self.problems]

    @property
    def rows(self) -> list[Any]:
        return self.targets if self.kind == "targets" else self.actuals

    @property
    def created(self) -> int:
        return len(self.new)

    # The preview page stays small: at most PREVIEW_MAX of each list, the rest counted.
    @property
    def errors_shown(self) -> list[str]:
        return [render_problem(p, gettext) for p in self.problems[:PREVIEW_MAX]]

    @property
    def errors_more(self) -> int:
        return max(len(self.problems) - PREVIEW_MAX, 0)

    @property
    def rows_shown(self) -> list[Any]:
        return self.rows[:PREVIEW_MAX]

    @property
    def rows_more(self) -> int:
        return max(len(self.rows) - PREVIEW_MAX, 0)

    @property
    def updated(self) -> int:
        return len(self.rows) - len(self.new)


def _safe_name(filename: str) -> str:
    name = os.path.basename((filename or "").replace("\\", "/")).strip() or "table.csv"
    return "".join(c for c in name if c.isprintable() and c not in '<>:"|?*')[:120] or "table.csv"


def _read_table(kind: str, data: bytes, filename: str) -> ImportPreview:
    """Read a table and say what importing it would do, as things stand."""
    preview = _read_file(kind, data, filename)
    return _evaluate(preview) if preview.ok else preview


def _read_file(kind: str, data: bytes, filename: str) -> ImportPreview:
    """The file's targets or actuals, read within the upload limits; writes nothing."""
    name = _safe_name(filename)
    preview = ImportPreview(kind=kind, filename=name)
    if kind not in IMPORT_KINDS:
        raise ValueError(f"kind: expected targets or actuals, found {kind!r}")
    if not name.lower().endswith(TABLE_SUFFIXES):
        suffix = PurePosixPath(name).suffix
        preview.problems = [Problem("targets.file_type", Where(file=name), {"found": suffix})]
        return preview
    limits = upload_limits()
    if len(data) > limits.max_bytes:
        limit = limits.max_bytes // (1024 * 1024)
        preview.problems = [Problem("file.too_large", Where(file=name), {"limit_mb": limit})]
        return preview
    stored = {t.key: t for t in _stored_engine_targets()}
    with tempfile.TemporaryDirectory(prefix="leitai-import-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            if kind == "targets":
                units = Unit.objects.values_list("code", flat=True)
                preview.targets = read_targets(path, units=list(units), limits=limits)
            else:
                preview.actuals = read_actuals(path, targets=list(stored.values()), limits=limits)
        except TargetsTableError as error:
            preview.problems = list(error.problems)
    return preview


def _evaluate(preview: ImportPreview) -> ImportPreview:
    """What importing the read rows would create, and what they conflict with."""
    kind = preview.kind
    stored = {t.key: t for t in _stored_engine_targets()}
    if kind == "targets":
        preview.new = {t.key for t in preview.targets if t.key not in stored}
        preview.problems = _target_rows(preview.targets, user=None)[1]
    else:
        preview.problems = _actuals_conflicts(preview.actuals, stored)
        existing = set(Actual.objects.values_list("target__unit__code", "target__code", "period"))
        preview.new = {
            (a.unit, a.target, a.period)
            for a in preview.actuals
            if (a.unit, a.target, a.period) not in existing
        }
    return preview


def _stored_engine_targets() -> list[engine.Target]:
    return [target_engine(t) for t in Target.objects.select_related("unit")]


def _actuals_conflicts(
    actuals: Sequence[engine.Actual], stored: Mapping[tuple[str, str], engine.Target]
) -> list[Problem]:
    """Problems of the imported actuals together with those already stored (e.g. frequencies)."""
    outside = [
        Problem(problem.code, problem.where, {**problem.params, "unit": a.unit, "id": a.target})
        for a in actuals
        if (problem := period_outside(stored[a.key], a.end))
    ]
    if outside:
        return outside
    touched = {a.key for a in actuals}
    incoming = {(a.unit, a.target, a.period) for a in actuals}
    merged = [
        actual_engine(a)
        for a in Actual.objects.select_related("target__unit").filter(
            target__code__in={k[1] for k in touched}
        )
        if (a.target.unit.code, a.target.code) in touched
        and (a.target.unit.code, a.target.code, a.period) not in incoming
    ]
    try:
        engine.progress_all(
            [stored[k] for k in touched],
            [*merged, *actuals],
            as_of=timezone.localdate(),
        )
    except TargetError as error:
        return list(error.problems)  # with the actuals already stored
    return []


def targets_import_preview(*, kind: str, data: bytes, filename: str) -> ImportPreview:
    """Read a targets or actuals table and say what importing it would do; writes nothing."""
    return _read_table(kind, data, filename)


def targets_import(
    *, kind: str, data: bytes, filename: str, user: User | None = None
) -> ImportPreview:
    """Import a targets or actuals table (CSV or XLSX): all of it, or nothing.

    Targets are matched on (unit, id): a new one is created, an existing one takes
    the table's values. Actuals are matched on (unit, target, period) in the same way.
    A pledged target whose pledge date is an arena session's date is linked to it.
    Raises :class:`ServiceError` listing every problem when there is any.

    The file is read before the write transaction (which holds the database's write
    lock); only the checks against the stored rows run under it.
    """
    preview = _read_file(kind, data, filename)
    if not preview.ok:
        raise ServiceError(problems=preview.problems)
    with transaction.atomic():
        return _targets_import_write(_evaluate(preview), user=user)


def _targets_import_write(preview: ImportPreview, *, user: User | None) -> ImportPreview:
    kind = preview.kind
    if not preview.ok:
        raise ServiceError(problems=preview.problems)
    if kind == "targets":
        _import_targets(preview.targets, user=user)
    else:
        _import_actuals(preview.actuals, user=user)
    audit_change(
        user=user,
        action=Action.TARGETS_IMPORTED if kind == "targets" else Action.ACTUALS_IMPORTED,
        after={
            "file": preview.filename,
            "rows": len(preview.rows),
            "created": preview.created,
            "updated": preview.updated,
            "keys": sorted("/".join(k) for k in _keys(preview)),
        },
        summary=f"{preview.filename}: {preview.created} new, {preview.updated} updated",
    )
    return preview


def _keys(preview: ImportPreview) -> list[tuple[str, ...]]:
    if preview.kind == "targets":
        return [t.key for t in preview.targets]
    return [(a.unit, a.target, a.period) for a in preview.actuals]


def _target_rows(
    targets: Sequence[engine.Target], *, user: User | None
) -> tuple[list[Target], list[Problem]]:
    """The model rows the table's targets become (unsaved), and what the model refuses."""
    from leitai.web.arena.models import ArenaSession

    units = {u.code: u for u in Unit.objects.all()}
    sessions = {s.date: s for s in ArenaSession.objects.order_by("-pk")}
    stored = {(t.unit.code, t.code): t for t in Target.objects.select_related("unit")}
    rows: list[Target] = []
    errors: list[Problem] = []
    for t in targets:
        fields = {
            "name": t.name,
            "indicator": t.indicator or "",
            "value": t.value,
            "unit_of_measure": t.unit_of_measure,
            "direction": t.direction,
            "start": t.start,
            "deadline": t.deadline,
            "milestones": milestones_json(t.milestones),
            "source": t.source,
            "pledged_on": t.pledged_on,
            "session": (
                sessions.get(t.pledged_on) if t.source == "pledged" and t.pledged_on else None
            ),
        }
        row = stored.get(t.key) or Target(unit=units[t.unit], code=t.id, created_by=user)
        for name, value in fields.items():
            setattr(row, name, value)
        row.updated_by = user
        try:
            row.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = {"value": "target", "code": "id"}.get(name, name)
                errors.extend(
                    Problem(
                        "targets.not_stored",
                        Where(column=column),
                        {"unit": t.unit, "id": t.id, "detail": str(m)},
                    )
                    for m in messages
                )
        rows.append(row)
    return rows, errors


def _import_targets(targets: Sequence[engine.Target], *, user: User | None) -> None:
    rows, errors = _target_rows(targets, user=user)
    if errors:
        raise ServiceError(problems=errors)
    for row in rows:
        row.save()


def _import_actuals(actuals: Sequence[engine.Actual], *, user: User | None) -> None:
    stored = {(t.unit.code, t.code): t for t in Target.objects.select_related("unit")}
    existing = {
        (a.target_id, a.period): a for a in Actual.objects.filter(target__in=stored.values())
    }
    now = timezone.now()
    for a in actuals:
        target = stored[a.key]
        row = existing.get((target.pk, a.period)) or Actual(target=target, period=a.period)
        row.period_end = a.end
        row.value = a.value
        row.note = a.note
        if a.evidence:
            row.evidence_name = a.evidence[:200]
        row.reported_by = user
        row.reported_at = now
        row.save()
