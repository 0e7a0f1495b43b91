"""Writing schemes, periods, data values and result snapshots.

The engine does the computing; these functions keep what goes in and what comes out,
so that a published result can always be traced to its exact inputs.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from leitai.engine import DataError, Result, assess, parse_scheme
from leitai.engine import Scheme as EngineScheme
from leitai.engine.problems import Problem, Where
from leitai.io import read_rows, read_table
from leitai.web.accounts.models import User
from leitai.web.assessments.models import (
    DataValue,
    Period,
    Scheme,
    SchemeVersion,
    Snapshot,
    Unit,
    period_end,
)
from leitai.web.assessments.selectors import (
    period_previous_snapshot,
    period_published_snapshot,
    results_as_others,
    scheme_version_parsed,
    snapshot_others,
)
from leitai.web.audit.models import Action
from leitai.web.audit.selectors import audit_head
from leitai.web.audit.services import audit_record
from leitai.web.errors import ServiceError


@transaction.atomic
def scheme_version_create(
    *,
    content: bytes | str,
    source: str = "<scheme>",
    comment: str = "",
    user: User | None = None,
) -> SchemeVersion:
    """Store a scheme version from its YAML and make its units known.

    The scheme is validated by the engine first (raising ``SchemeError`` with every
    problem at its YAML path). Storing the same version again returns the stored one;
    a different text under an existing version number is refused.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    text = data.decode("utf-8-sig")
    sha256 = hashlib.sha256(data).hexdigest()
    parsed = parse_scheme(text, source=source, sha256=sha256)
    scheme, _created = Scheme.objects.get_or_create(code=parsed.id, defaults={"name": parsed.name})
    existing = SchemeVersion.objects.filter(scheme=scheme, number=parsed.version).first()
    if existing is not None:
        if existing.sha256 != sha256:
            raise ServiceError(
                _(
                    "%(source)s: version %(version)s of scheme %(scheme)s is stored already "
                    "with other rules; give the new rules a new version number."
                )
                % {"source": source, "version": parsed.version, "scheme": parsed.id}
            )
        return existing
    if scheme.name != parsed.name:
        scheme.name = parsed.name
        scheme.save(update_fields=["name"])
    latest = scheme.versions.order_by("-number").first()
    version = SchemeVersion.objects.create(
        scheme=scheme,
        number=parsed.version,
        name=parsed.name,
        text=text,
        sha256=sha256,
        comment=comment,
        created_by=user,
    )
    units_sync(scheme=parsed)
    audit_record(
        action=Action.SCHEME_VERSION_CREATED,
        actor=user,
        obj=version,
        before=_version_state(latest) if latest else None,
        after=_version_state(version),
        note=comment,
        summary=f"{scheme.code} v{version.number}",
    )
    return version


def _version_state(version: SchemeVersion) -> dict[str, Any]:
    return {
        "scheme": version.scheme.code,
        "version": version.number,
        "name": version.name,
        "sha256": version.sha256,
    }


_VERSION_LINE = re.compile(r"^version[ \t]*:[^\n]*$", re.MULTILINE)


@transaction.atomic
def scheme_version_save(
    *,
    text: str,
    comment: str,
    user: User | None = None,
    source: str = "scheme.yaml",
) -> SchemeVersion:
    """Save a scheme edited or uploaded by the office as a new version, with a comment.

    The engine validates the text first (``SchemeError`` names every problem's YAML
    path). When the text's ``version`` number is already taken by different rules,
    the version line is rewritten to the next free number, so that every saved change
    is a new version and no stored version ever changes. A text identical to the
    latest version is refused: there is nothing to save.
    """
    text = text.replace("\r\n", "\n")
    parsed = parse_scheme(text, source=source)
    if not comment.strip():
        raise ServiceError(_("Say in a comment what changed."))
    scheme = Scheme.objects.select_for_update().filter(code=parsed.id).first()
    if scheme is not None:
        latest = scheme.versions.order_by("-number").first()
        if latest is not None and latest.text.replace("\r\n", "\n") == text:
            raise ServiceError(
                _("Nothing changed: this is version %(number)s as it is stored.")
                % {"number": latest.number}
            )
        # Taken by other rules, or by an older version the office goes back to.
        taken = scheme.versions.filter(number=parsed.version).first()
        if taken is not None:
            number = (latest.number if latest else 0) + 1
            if not _VERSION_LINE.search(text):
                raise ServiceError(
                    _(
                        "Version %(number)s is taken by other rules, and the scheme has no "
                        "line 'version: …' at its top level to renumber: give it a new "
                        "version number."
                    )
                    % {"number": parsed.version}
                )
            text = _VERSION_LINE.sub(f"version: {number}", text, count=1)
    return scheme_version_create(content=text, source=source, comment=comment.strip(), user=user)


def units_sync(*, scheme: EngineScheme) -> list[Unit]:
    """Create the scheme's units that are new and take their current names and order."""
    units = []
    for position, unit in enumerate(scheme.units):
        obj, _created = Unit.objects.update_or_create(
            code=unit.id, defaults={"name": unit.name, "position": position}
        )
        units.append(obj)
    return units


@transaction.atomic
def period_create(
    *,
    code: str,
    scheme_version: SchemeVersion,
    previous: Period | None = None,
    name: str = "",
    ends_on: date | None = None,
    user: User | None = None,
) -> Period:
    """Store a new period; ``ends_on`` (the last day it assesses) defaults to the one its
    code says (:func:`period_end`), else stays unknown."""
    period = Period(
        code=code,
        name=name,
        scheme_version=scheme_version,
        previous=previous,
        ends_on=ends_on or period_end(code),
    )
    period.full_clean()
    period.save()
    audit_record(
        action=Action.PERIOD_OPENED,
        actor=user,
        obj=period,
        period=period,
        after={
            "code": period.code,
            "name": period.name,
            "scheme_version": str(scheme_version),
            "previous": previous.code if previous else None,
            "ends_on": period.ends_on.isoformat() if period.ends_on else None,
            "state": period.state,
        },
        summary=f"{period.code} · {scheme_version}",
    )
    return period


@transaction.atomic
def period_state_set(
    *, period: Period, state: str, user: User | None = None, note: str = ""
) -> Period:
    """Move a period to ``state`` and record it; the workflow decides when that is allowed."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    before = period.state
    if before == state:
        return period
    period.state = state
    period.save(update_fields=["state"])
    audit_record(
        action=Action.PERIOD_STATE_CHANGED,
        actor=user,
        obj=period,
        period=period,
        before={"state": before},
        after={"state": state},
        note=note,
        summary=f"{period.code}: {before} → {state}",
    )
    return period


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@transaction.atomic
def data_values_import(
    *,
    period: Period,
    source: str | os.PathLike[str] | bytes,
    filename: str | None = None,
    user: User | None = None,
) -> int:
    """Replace all of a period's figures with those of a data table (CSV or XLSX).

    The table is checked by the engine against the period's scheme first; a table
    with any error changes nothing (``DataError`` lists every bad cell).
    Returns the number of values stored.
    """
    from leitai.io.tables import iter_records  # the cells as written, located

    scheme = scheme_version_parsed(period.scheme_version)
    read_table(source, scheme, filename=filename)
    sheet = read_rows(source, filename=filename)
    rows = [
        (_cell_text(r.unit), _cell_text(r.indicator), _cell_text(r.value), _cell_text(r.target))
        for r in iter_records(sheet)
    ]
    return data_values_replace(period=period, rows=rows, user=user)


@transaction.atomic
def data_values_replace(
    *,
    period: Period,
    rows: Iterable[tuple[str, str, str, str]],
    user: User | None = None,
) -> int:
    """Store ``(unit id, indicator id, value, target)`` rows as the period's figures."""
    units = {u.code: u for u in Unit.objects.all()}
    rows = list(rows)
    old = _period_cells(period=period)
    DataValue.objects.filter(period=period).delete()
    values = []
    for unit, key, value, target in rows:
        if unit not in units:
            raise DataError(Problem("data.unknown_unit", Where(), {"unit": str(unit)}))
        values.append(
            DataValue(
                period=period,
                unit=units[unit],
                key=key,
                value=value,
                target=target,
                updated_by=user,
            )
        )
    DataValue.objects.bulk_create(values)
    new = {(u, k): (v, t) for u, k, v, t in rows}
    _audit_cells(period=period, old=old, new=new, user=user, note="import")
    return len(values)


def _period_cells(*, period: Period, units: Iterable[Unit] | None = None) -> dict:
    values = DataValue.objects.filter(period=period).select_related("unit")
    if units is not None:
        values = values.filter(unit__in=list(units))
    return {(v.unit.code, v.key): (v.value, v.target) for v in values}


def _cell_fields(key: str, pair: tuple[str, str] | None) -> dict[str, str | None]:
    """A cell as the audit log shows it: the value under its id, a target under ``id.target``."""
    if pair is None:
        return {key: None}
    value, target = pair
    out: dict[str, str | None] = {key: value}
    if target:
        out[f"{key}.target"] = target
    return out


def _audit_cells(
    *,
    period: Period,
    old: Mapping[tuple[str, str], tuple[str, str]],
    new: Mapping[tuple[str, str], tuple[str, str]],
    user: User | None,
    note: str,
) -> int:
    """One audit entry per unit whose figures differ between ``old`` and ``new``.

    Returns the number of cells (a unit's figure, with its target) that changed: the
    count an upload's preview shows, so that the preview and the confirmation agree.
    """
    by_unit: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    cells = 0
    for cell in sorted(set(old) | set(new)):
        before, after = old.get(cell), new.get(cell)
        if before == after:
            continue
        cells += 1
        unit, key = cell
        b, a = by_unit.setdefault(unit, ({}, {}))
        fields_before, fields_after = _cell_fields(key, before), _cell_fields(key, after)
        for name in fields_before.keys() | fields_after.keys():
            if fields_before.get(name) != fields_after.get(name):
                b[name] = fields_before.get(name)
                a[name] = fields_after.get(name)
    for unit, (b, a) in by_unit.items():
        audit_record(
            action=Action.DATA_CHANGED,
            actor=user,
            period=period,
            unit=unit,
            before=b,
            after=a,
            note=note,
            summary=f"{period.code} {unit}: {len(a)}",
        )
    return cells


@transaction.atomic
def data_values_update(
    *,
    period: Period,
    cells: Mapping[tuple[str, str], tuple[str, str | None]],
    user: User | None = None,
    note: str = "",
) -> int:
    """Set some of a period's figures: ``{(unit id, key): (value, target)}``.

    A target of ``None`` keeps the stored target. Cells not given are left as they
    are. Each unit's changes are recorded in the audit log with the values before and
    after. The cells must have been checked against the scheme already (by the upload
    or the form). Returns the number of cells that changed.
    """
    units = {u.code: u for u in Unit.objects.filter(code__in={u for u, _k in cells})}
    unknown = sorted({u for u, _k in cells} - units.keys())
    if unknown:
        raise DataError(Problem("data.unknown_unit", Where(), {"unit": str(unknown[0])}))
    stored = {
        (v.unit.code, v.key): v
        for v in DataValue.objects.select_for_update(of=("self",))
        .filter(period=period, unit__in=units.values())
        .select_related("unit")
    }
    old: dict[tuple[str, str], tuple[str, str]] = {}
    new: dict[tuple[str, str], tuple[str, str]] = {}
    for (unit, key), (value, target) in cells.items():
        current = stored.get((unit, key))
        wanted_target = (current.target if current else "") if target is None else target
        if current is not None:
            old[unit, key] = (current.value, current.target)
            if current.value == value and current.target == wanted_target:
                continue
            current.value, current.target, current.updated_by = value, wanted_target, user
            current.save(update_fields=["value", "target", "updated_by", "updated_at"])
        elif value or wanted_target:
            DataValue.objects.create(
                period=period,
                unit=units[unit],
                key=key,
                value=value,
                target=wanted_target,
                updated_by=user,
            )
        else:
            continue  # blank where nothing was reported: nothing to store
        new[unit, key] = (value, wanted_target)
    for cell in list(old):
        new.setdefault(cell, old[cell])
    return _audit_cells(period=period, old=old, new=new, user=user, note=note)


def period_inputs(*, period: Period) -> str:
    """The period's figures as the long-form CSV table the engine reads."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["unit", "indicator", "value", "target"])
    for value in (
        DataValue.objects.filter(period=period)
        .select_related("unit")
        .order_by("unit__position", "unit__code", "pk")
    ):
        writer.writerow([value.unit.code, value.key, value.value, value.target])
    return buffer.getvalue()


def _inputs_hash(
    *, scheme_sha256: str, period: str, inputs: str, previous: Any, sources: Any = None
) -> str:
    content = {"scheme": scheme_sha256, "period": period, "inputs": inputs, "previous": previous}
    if sources:  # only annual schemes have them: the hashes of every other draft stay as they were
        content["sources"] = sources
    document = json.dumps(content, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def period_current_inputs(*, period: Period) -> tuple[str, dict[str, int] | None, str]:
    """What computing the period now would start from: its figures as the engine's table,
    the previous period's published ranks, and the hash of both with the scheme.

    A draft whose ``inputs_sha256`` equals this hash is the result of the figures as
    they stand; any other draft is out of date.
    """
    inputs = period_inputs(period=period)
    previous_ranks = None
    earlier = period_previous_snapshot(period)
    if earlier is not None:
        previous_ranks = {row["unit"]: row["rank"] for row in earlier.result_dict["results"]}
    sha256 = _inputs_hash(
        scheme_sha256=period.scheme_version.sha256,
        period=period.code,
        inputs=inputs,
        previous=previous_ranks,
        sources=[
            _source_state(code, snapshot) for code, snapshot in period_sources(period).items()
        ],
    )
    return inputs, previous_ranks, sha256


# -- values from other periods (spec section 11: the annual assessment) ---------------------


def period_sources(period: Period) -> dict[str, Snapshot | None]:
    """The published result of every period the period's scheme takes values from
    (``from:``), by period id; None where that period has no published result (yet).

    Empty for an ordinary scheme. An annual scheme names its quarters (``2023Q1`` …).
    """
    scheme = scheme_version_parsed(period.scheme_version)
    needed = tuple(getattr(scheme, "from_periods", ()) or ())
    if not needed:
        return {}
    found = {
        s.period.code: s
        for s in Snapshot.objects.published()
        .select_related("period")
        .filter(period__code__in=needed)
        .order_by("revision")
    }
    return {code: found.get(code) for code in needed}


def _source_state(code: str, snapshot: Snapshot | None) -> dict[str, Any]:
    """What the snapshot records of one result it drew values from."""
    if snapshot is None:
        return {"period": code, "snapshot": None}
    return {
        "period": code,
        "snapshot": snapshot.pk,
        "revision": snapshot.revision,
        "result_sha256": snapshot.result_sha256,
    }


def period_sources_required(period: Period) -> dict[str, Snapshot]:
    """:func:`period_sources`, all of them published, or ``DataError`` naming every period
    whose result is not published (or that does not exist)."""
    sources = period_sources(period)
    missing = [code for code, snapshot in sources.items() if snapshot is None]
    if missing:
        known = set(Period.objects.filter(code__in=missing).values_list("code", flat=True))
        raise DataError(
            [
                Problem(
                    "period.source_unpublished" if code in known else "period.source_missing",
                    Where(),
                    {"period": code, "annual": period.code},
                )
                for code in missing
            ]
        )
    return {code: snapshot for code, snapshot in sources.items() if snapshot is not None}


def _assess(scheme: EngineScheme, data: Any, **kwargs: Any) -> Result:
    # ``others`` only where the scheme takes values from other periods, so that an
    # engine without them still computes every ordinary period.
    if kwargs.get("others") is None:
        kwargs.pop("others", None)
    return assess(scheme, data, **kwargs)


def snapshot_recompute(*, snapshot: Snapshot) -> Result:
    """The engine's result again, from exactly the inputs the snapshot keeps."""
    scheme = scheme_version_parsed(snapshot.scheme_version)
    data = read_table(
        snapshot.inputs.encode("utf-8"), scheme, filename=f"{snapshot.period.code}.csv"
    )
    return _assess(
        scheme,
        data,
        previous=snapshot.previous_ranks,
        period=snapshot.period.code,
        others=snapshot_others(snapshot),
    )


@transaction.atomic
def period_compute(
    *, period: Period, user: User | None = None, at: datetime | None = None
) -> Snapshot:
    """Compute a draft result of the period from its current figures.

    A previous draft is replaced; published snapshots are never touched. Raises
    ``DataError`` when the figures are incomplete or wrong, or when the scheme takes
    values from another period (an annual scheme, its quarters) whose result is not
    published. The snapshot records the results it drew values from. ``at`` dates the
    result (the demo's 2023 results are dated in 2023); by default, now.
    """
    version = period.scheme_version
    scheme = scheme_version_parsed(version)
    sources = period_sources_required(period)
    inputs, previous_ranks, inputs_sha256 = period_current_inputs(period=period)
    data = read_table(inputs.encode("utf-8"), scheme, filename=f"{period.code}.csv")
    result = _assess(
        scheme, data, previous=previous_ranks, period=period.code, others=results_as_others(sources)
    )
    result_json = result.to_json()
    explanations = json.dumps(
        {unit: result.explain(unit) for unit in scheme.unit_ids}, ensure_ascii=False
    )
    replaced = period.snapshots.filter(state=Snapshot.State.DRAFT).order_by("-revision").first()
    before = _snapshot_state(replaced) if replaced else None
    period.snapshots.filter(state=Snapshot.State.DRAFT).delete()
    last = period.snapshots.aggregate(last=Max("revision"))["last"] or 0
    snapshot = Snapshot.objects.create(
        period=period,
        revision=last + 1,
        created_at=at or timezone.now(),
        scheme_version=version,
        scheme_sha256=version.sha256,
        inputs=inputs,
        previous_ranks=previous_ranks,
        sources=[_source_state(code, source) for code, source in sources.items()] or None,
        inputs_sha256=inputs_sha256,
        result=result_json,
        result_sha256=hashlib.sha256(result_json.encode("utf-8")).hexdigest(),
        explanations=explanations,
        created_by=user,
    )
    audit_record(
        action=Action.SNAPSHOT_COMPUTED,
        actor=user,
        obj=snapshot,
        period=period,
        before=before,
        after=_snapshot_state(snapshot),
        summary=f"{period.code} r{snapshot.revision}",
    )
    return snapshot


def _snapshot_state(snapshot: Snapshot) -> dict[str, Any]:
    return {
        "previous": previous.code if (previous := snapshot.period.previous) else None,
        "previous_note": snapshot.previous_note or None,
        "revision": snapshot.revision,
        "state": snapshot.state,
        "scheme_version": snapshot.scheme_version.number,
        "inputs_sha256": snapshot.inputs_sha256,
        "result_sha256": snapshot.result_sha256,
        **({"sources": snapshot.sources} if snapshot.sources else {}),
    }


@transaction.atomic
def snapshot_publish(
    *,
    snapshot: Snapshot,
    user: User | None = None,
    reason: str = "",
    previous_note: str = "",
    at: datetime | None = None,
) -> Snapshot:
    """Publish a draft; from then on it is frozen.

    Publishing over an already published result makes a revision, which needs a reason.
    ``at`` dates the publication (the demo's); by default, now.
    """
    snapshot = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
    if snapshot.is_published:
        raise ServiceError(_("This result is published already."))
    period = Period.objects.select_for_update().get(pk=snapshot.period_id)
    earlier = period_published_snapshot(period)
    if earlier is not None and not reason.strip():
        raise ServiceError(_("A revision of a published result needs a reason."))
    before = _snapshot_state(snapshot)
    if earlier is not None:
        before["published_revision"] = earlier.revision
        before["published_result_sha256"] = earlier.result_sha256
    period_state = period.state
    now = at or timezone.now()
    snapshot.state = Snapshot.State.PUBLISHED
    snapshot.reason = reason.strip()
    snapshot.previous_note = previous_note.strip()
    snapshot.published_at = now
    snapshot.published_by = user
    head = audit_head()  # anchors the log as it stands: a cut or a wipe later shows
    snapshot.chain_head_id, snapshot.chain_head_digest = head.id, head.digest
    snapshot.save()
    period.state = Period.State.PUBLISHED
    if period.published_at is None:
        period.published_at = now
    period.save(update_fields=["state", "published_at"])
    audit_record(
        action=Action.SNAPSHOT_REVISED if earlier is not None else Action.SNAPSHOT_PUBLISHED,
        actor=user,
        obj=snapshot,
        period=period,
        before=before,
        after=_snapshot_state(snapshot),
        note="\n".join(t for t in (snapshot.reason, snapshot.previous_note) if t),
        summary=f"{period.code} r{snapshot.revision}",
    )
    if period_state != period.state:
        audit_record(
            action=Action.PERIOD_STATE_CHANGED,
            actor=user,
            obj=period,
            period=period,
            before={"state": period_state},
            after={"state": period.state},
            summary=f"{period.code}: {period_state} → {period.state}",
        )
    return snapshot


@transaction.atomic
def period_city_table_set(*, period: Period, on: bool, user: User | None = None) -> Period:
    """Show (or hide) the city-wide table beside the groups' tables of a grouped period."""
    return period_setting_set(period=period, name="city_table", value=on, user=user)


@transaction.atomic
def period_setting_set(
    *, period: Period, name: str, value: bool | date, user: User | None = None
) -> Period:
    """Change one of a period's settings (``city_table``, ``ends_on``), audited with its
    value before and after; nothing is written where it does not change."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    before = getattr(period, name)
    if before == value:
        return period
    setattr(period, name, value)
    period.save(update_fields=[name])

    def plain(v: bool | date | None) -> bool | str | None:
        return v.isoformat() if isinstance(v, date) else v

    audit_record(
        action=Action.SETTINGS_CHANGED,
        actor=user,
        obj=period,
        period=period,
        before={name: plain(before)},
        after={name: plain(value)},
        summary=f"{period.code}: {name} {plain(before)} → {plain(value)}",
    )
    return period
