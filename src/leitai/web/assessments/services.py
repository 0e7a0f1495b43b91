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
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from leitai.engine import DataError, Result, assess, parse_scheme
from leitai.engine import Scheme as EngineScheme
from leitai.io import read_rows, read_table
from leitai.web.accounts.models import User
from leitai.web.assessments.models import (
    DataValue,
    Period,
    Scheme,
    SchemeVersion,
    Snapshot,
    Unit,
)
from leitai.web.assessments.selectors import (
    period_published_snapshot,
    scheme_version_parsed,
)


class AssessmentError(Exception):
    """A request the office made that cannot be carried out as it is."""


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
            raise AssessmentError(
                f"{source}: version {parsed.version} of scheme {parsed.id!r} is already stored "
                "with different rules; bump the version"
            )
        return existing
    if scheme.name != parsed.name:
        scheme.name = parsed.name
        scheme.save(update_fields=["name"])
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
    return version


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
) -> Period:
    period = Period(code=code, name=name, scheme_version=scheme_version, previous=previous)
    period.full_clean()
    period.save()
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
    DataValue.objects.filter(period=period).delete()
    values = []
    for unit, key, value, target in rows:
        if unit not in units:
            raise DataError(f"unknown unit {unit!r}")
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
    return len(values)


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


def _inputs_hash(*, scheme_sha256: str, period: str, inputs: str, previous: Any) -> str:
    document = json.dumps(
        {"scheme": scheme_sha256, "period": period, "inputs": inputs, "previous": previous},
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def snapshot_recompute(*, snapshot: Snapshot) -> Result:
    """The engine's result again, from exactly the inputs the snapshot keeps."""
    scheme = scheme_version_parsed(snapshot.scheme_version)
    data = read_table(
        snapshot.inputs.encode("utf-8"), scheme, filename=f"{snapshot.period.code}.csv"
    )
    return assess(scheme, data, previous=snapshot.previous_ranks, period=snapshot.period.code)


@transaction.atomic
def period_compute(*, period: Period, user: User | None = None) -> Snapshot:
    """Compute a draft result of the period from its current figures.

    A previous draft is replaced; published snapshots are never touched. Raises
    ``DataError`` when the figures are incomplete or wrong.
    """
    version = period.scheme_version
    scheme = scheme_version_parsed(version)
    inputs = period_inputs(period=period)
    previous_ranks = None
    if period.previous is not None:
        earlier = period_published_snapshot(period.previous)
        if earlier is not None:
            previous_ranks = {row["unit"]: row["rank"] for row in earlier.result_dict["results"]}
    data = read_table(inputs.encode("utf-8"), scheme, filename=f"{period.code}.csv")
    result = assess(scheme, data, previous=previous_ranks, period=period.code)
    result_json = result.to_json()
    explanations = json.dumps(
        {unit: result.explain(unit) for unit in scheme.unit_ids}, ensure_ascii=False
    )
    period.snapshots.filter(state=Snapshot.State.DRAFT).delete()
    last = period.snapshots.aggregate(last=Max("revision"))["last"] or 0
    return Snapshot.objects.create(
        period=period,
        revision=last + 1,
        scheme_version=version,
        scheme_sha256=version.sha256,
        inputs=inputs,
        previous_ranks=previous_ranks,
        inputs_sha256=_inputs_hash(
            scheme_sha256=version.sha256, period=period.code, inputs=inputs, previous=previous_ranks
        ),
        result=result_json,
        result_sha256=hashlib.sha256(result_json.encode("utf-8")).hexdigest(),
        explanations=explanations,
        created_by=user,
    )


@transaction.atomic
def snapshot_publish(*, snapshot: Snapshot, user: User | None = None, reason: str = "") -> Snapshot:
    """Publish a draft; from then on it is frozen.

    Publishing over an already published result makes a revision, which needs a reason.
    """
    snapshot = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
    if snapshot.is_published:
        raise AssessmentError("this result is already published")
    period = Period.objects.select_for_update().get(pk=snapshot.period_id)
    if period.snapshots.published().exists() and not reason.strip():
        raise AssessmentError("a revision of a published result needs a reason")
    now = timezone.now()
    snapshot.state = Snapshot.State.PUBLISHED
    snapshot.reason = reason.strip()
    snapshot.published_at = now
    snapshot.published_by = user
    snapshot.save()
    period.state = Period.State.PUBLISHED
    if period.published_at is None:
        period.published_at = now
    period.save(update_fields=["state", "published_at"])
    return snapshot
