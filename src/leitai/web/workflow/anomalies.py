"""Values that jump against the unit's previous published value, and their explanations.

An indicator with ``change_alert`` (spec section 1) asks for an explanation where a
unit's value changed by more than that many per cent against its value in the previous
published result (:func:`leitai.web.assessments.selectors.period_previous_snapshot`,
the same one rank changes count against). It is not an error: the value is saved, but
the unit cannot submit until whoever entered it has said why it is right. The office
reads value, previous value, change and explanation side by side.

The reading functions (``*_alerts``, ``*_rows``) and the one writing function
(:func:`explanations_save`, audited) are kept here, apart from the rest of the
workflow, because they belong together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from leitai.engine.anomalies import Alert, scheme_alerts
from leitai.engine.data import parse_number
from leitai.web.accounts.models import User
from leitai.web.assessments.models import DataValue, Period, Unit
from leitai.web.assessments.selectors import period_previous_cells, scheme_version_parsed
from leitai.web.audit.models import Action
from leitai.web.audit.services import audit_record
from leitai.web.workflow.models import Explanation

EXPLANATION_MAX_CHARS = 2000

Cells = Mapping[tuple[str, str], str]


def _number(text: str) -> float | None:
    try:
        return parse_number(text)
    except ValueError:
        return None  # a bad value is the checker's business, not an alert


def _by_unit(cells: Cells) -> dict[str, dict[str, float | None]]:
    out: dict[str, dict[str, float | None]] = {}
    for (unit, key), text in cells.items():
        out.setdefault(unit, {})[key] = _number(text)
    return out


def cells_alerts(period: Period, cells: Cells) -> dict[tuple[str, str], Alert]:
    """The change alerts that ``cells`` (``{(unit, key): value as written}``) set off against
    the previous published result; empty without one or without ``change_alert``."""
    scheme = scheme_version_parsed(period.scheme_version)
    if not any(i.change_alert for i in scheme.all_indicators()):
        return {}
    previous = {cell: value for cell, (value, _t) in period_previous_cells(period).items()}
    if not previous:
        return {}
    alerts = scheme_alerts(scheme, _by_unit(cells), _by_unit(previous), kinds=("change",))
    return {(a.unit, a.indicator): a for a in alerts}


@dataclass
class AlertRow:
    """One alert as people read it: the value, the previous one, the change, why."""

    unit: Unit
    key: str
    name: str
    value: str
    previous: float | None
    change: float | None
    limit: float
    explanation: Explanation | None

    @property
    def explained(self) -> bool:
        return self.explanation is not None


def _rows(period: Period, units: list[Unit]) -> list[AlertRow]:
    stored = DataValue.objects.filter(period=period, unit__in=units).select_related("unit")
    cells = {(v.unit.code, v.key): v.value for v in stored}
    alerts = cells_alerts(period, cells)
    if not alerts:
        return []
    scheme = scheme_version_parsed(period.scheme_version)
    names = {i.id: i.name for i in scheme.all_indicators()}
    by_code = {u.code: u for u in units}
    written = {
        (e.unit.code, e.key): e
        for e in Explanation.objects.filter(period=period, unit__in=units).select_related(
            "unit", "written_by"
        )
    }
    rows = []
    for (unit, key), alert in alerts.items():
        explanation = written.get((unit, key))
        if explanation is not None and explanation.value != cells[unit, key]:
            explanation = None  # it explained another value
        rows.append(
            AlertRow(
                unit=by_code[unit],
                key=key,
                name=names.get(key, key),
                value=cells[unit, key],
                previous=alert.previous,
                change=alert.change,
                limit=alert.limit,
                explanation=explanation,
            )
        )
    order = {code: k for k, code in enumerate(scheme.unit_ids)}
    keys = {i.id: k for k, i in enumerate(scheme.all_indicators())}
    rows.sort(key=lambda r: (order.get(r.unit.code, 0), keys.get(r.key, 0)))
    return rows


def unit_alert_rows(period: Period, unit: Unit) -> list[AlertRow]:
    """The alerts of a unit's stored figures, each with its explanation (or none)."""
    return _rows(period, [unit])


def period_alert_rows(period: Period) -> list[AlertRow]:
    """Every unit's alerts, for the office's review."""
    scheme = scheme_version_parsed(period.scheme_version)
    return _rows(period, list(Unit.objects.filter(code__in=scheme.unit_ids)))


@dataclass
class OutlierRow:
    """A value far from the period's others (``outlier_alert``): for the office to check."""

    unit: Unit
    key: str
    name: str
    value: str
    z: float
    limit: float


def period_outlier_rows(period: Period) -> list[OutlierRow]:
    """The values whose robust z-score among the period's figures exceeds their
    indicator's ``outlier_alert`` (see :mod:`leitai.engine.anomalies`)."""
    scheme = scheme_version_parsed(period.scheme_version)
    if not any(i.outlier_alert for i in scheme.all_indicators()):
        return []
    stored = DataValue.objects.filter(period=period).select_related("unit")
    cells = {(v.unit.code, v.key): v.value for v in stored}
    units = {v.unit.code: v.unit for v in stored}
    names = {i.id: i.name for i in scheme.all_indicators()}
    return [
        OutlierRow(
            unit=units[a.unit],
            key=a.indicator,
            name=names.get(a.indicator, a.indicator),
            value=cells[a.unit, a.indicator],
            z=a.z or 0.0,
            limit=a.limit,
        )
        for a in scheme_alerts(scheme, _by_unit(cells), kinds=("outlier",))
    ]


def unit_unexplained(period: Period, unit: Unit) -> list[AlertRow]:
    return [row for row in unit_alert_rows(period, unit) if not row.explained]


@transaction.atomic
def explanations_save(
    *,
    period: Period,
    user: User | None,
    texts: Mapping[tuple[str, str], str],
) -> int:
    """Keep the explanations ``{(unit, key): text}`` of values that set off an alert.

    Only values that alert now are explained (other texts are dropped), each for the
    value as it is stored; an empty text leaves an existing explanation alone. Each
    change is recorded in the audit log as ``<key>.explanation``. Returns how many
    explanations changed.
    """
    wanted = {cell: text.strip()[:EXPLANATION_MAX_CHARS] for cell, text in texts.items()}
    wanted = {cell: text for cell, text in wanted.items() if text}
    if not wanted:
        return 0
    units = {u.code: u for u in Unit.objects.filter(code__in={u for u, _k in wanted})}
    stored = {
        (v.unit.code, v.key): v.value
        for v in DataValue.objects.filter(period=period, unit__in=units.values()).select_related(
            "unit"
        )
    }
    alerts = cells_alerts(period, stored)
    changed = 0
    for (unit, key), text in sorted(wanted.items()):
        if (unit, key) not in alerts:
            continue
        changed += _explanation_put(
            period=period, unit=units[unit], key=key, value=stored[unit, key], text=text, user=user
        )
    return changed


def _explanation_put(
    *, period: Period, unit: Unit, key: str, value: str, text: str, user: User | None
) -> int:
    current = (
        Explanation.objects.select_for_update().filter(period=period, unit=unit, key=key).first()
    )
    before: dict[str, Any] = {f"{key}.explanation": None}
    if current is not None:
        if current.value == value and current.text == text:
            return 0
        before = {f"{key}.explanation": current.text, f"{key}.explained_value": current.value}
    else:
        current = Explanation(period=period, unit=unit, key=key)
    current.value, current.text, current.written_by = value, text, user
    current.save()
    audit_record(
        action=Action.DATA_CHANGED,
        actor=user,
        obj=current,
        period=period,
        unit=unit,
        before=before,
        after={f"{key}.explanation": text, f"{key}.explained_value": value},
        note="explanation",
        summary=f"{period.code} {unit.code}: {key}",
    )
    return 1
