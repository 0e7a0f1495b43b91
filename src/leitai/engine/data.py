"""One period's data, checked against a scheme (spec section 7).

Values arrive as a person writes them in a spreadsheet; :func:`parse_number`
and :func:`parse_flag` read them. :class:`PeriodData` holds the checked values
as arrays aligned with the scheme (a row per unit, a column per indicator).

>>> parse_number("１,２34.5%")
1234.5
>>> parse_number("—") is None
True
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from leitai.engine.errors import DataError
from leitai.engine.scheme import Scheme

__all__ = ["MISSING_WORDS", "PeriodData", "Record", "parse_flag", "parse_number"]

MISSING_WORDS = frozenset({"", "-", "—", "/", "n/a", "－", "——", "／"})
TRUE_WORDS = frozenset({"1", "true", "yes", "是", "y"})
FALSE_WORDS = frozenset({"0", "false", "no", "否", "n"})


def parse_number(value: Any) -> float | None:
    """Read a number as a person writes it; ``None`` for a missing value.

    Accepts thousands separators, full-width digits and signs, and a trailing
    ``%`` (the number is kept as written: ``5.2%`` is 5.2).

    Raises
    ------
    ValueError
        When the text is neither a number nor a missing-value mark.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"expected a number, found {value!r}")
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        if math.isnan(number):
            return None
        if math.isinf(number):
            raise ValueError(f"expected a finite number, found {value!r}")
        return number
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if text.lower() in MISSING_WORDS or text == "—":
        return None
    cleaned = text.replace(",", "").replace(" ", "")
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1]
    try:
        number = float(cleaned)
    except ValueError:
        raise ValueError(f"expected a number, found {str(value)!r}") from None
    if not math.isfinite(number) or cleaned.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise ValueError(f"expected a number, found {str(value)!r}")
    return number


def parse_flag(value: Any) -> bool:
    """Read a yes/no word of a veto item; a missing value is ``False``.

    Raises
    ------
    ValueError
        When the word is not one of 1/true/yes/是/Y or 0/false/no/否/N.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if text in MISSING_WORDS:
        return False
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(
        f"expected yes or no (1/true/yes/是/Y or 0/false/no/否/N), found {str(value)!r}"
    )


@dataclass(frozen=True)
class Record:
    """One cell of the data table: unit, indicator (or adjustment or series) and value.

    ``where`` locates it for messages, e.g. ``data.csv: row 12``; ``value_at`` and
    ``target_at`` name the cells of the value and the target.
    """

    unit: Any
    indicator: Any
    value: Any
    target: Any = None
    where: str = ""
    value_at: str = "column value"
    target_at: str = "column target"


@dataclass(frozen=True)
class PeriodData:
    """A period's values aligned with a scheme.

    Attributes
    ----------
    values, targets : ndarray of shape (n_units, n_indicators)
        Raw values and targets in the order of ``scheme.all_indicators()``; nan is missing.
    series : ndarray of shape (n_units, n_series)
        Values of the scheme's series (denominators).
    adjustments : dict of str to ndarray
        Points of bonuses and deductions (nan where missing), booleans of vetoes.
    """

    scheme_id: str
    values: np.ndarray
    targets: np.ndarray
    series: np.ndarray
    adjustments: Mapping[str, np.ndarray]
    source: str = "<data>"
    locations: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for array in (self.values, self.targets, self.series, *self.adjustments.values()):
            array.setflags(write=False)

    @classmethod
    def from_records(
        cls,
        scheme: Scheme,
        records: Iterable[Record],
        *,
        source: str = "<data>",
        require_all_units: bool = True,
    ) -> PeriodData:
        """Check records against ``scheme`` and align them; all errors are collected.

        Raises
        ------
        DataError
            Naming the source, row and column of every bad cell, unknown unit or
            indicator, duplicated pair and absent unit.
        """
        units = {u: i for i, u in enumerate(scheme.unit_ids)}
        indicators = {ind.id: i for i, ind in enumerate(scheme.all_indicators())}
        series_ids = {s.id: i for i, s in enumerate(scheme.series)}
        kinds = {a.id: a.kind for a in scheme.adjustments}
        n = len(units)
        values = np.full((n, len(indicators)), np.nan)
        targets = np.full((n, len(indicators)), np.nan)
        series = np.full((n, len(series_ids)), np.nan)
        adjustments: dict[str, np.ndarray] = {
            a: (np.zeros(n, dtype=bool) if kind == "veto" else np.full(n, np.nan))
            for a, kind in kinds.items()
        }
        errors: list[str] = []
        seen: dict[tuple[str, str], str] = {}
        present_units: set[str] = set()
        prefix = f"{source}: " if source else ""
        for record in records:
            where = f"{prefix}{record.where}: " if record.where else prefix
            unit = "" if record.unit is None else str(record.unit).strip()
            name = "" if record.indicator is None else str(record.indicator).strip()
            if unit not in units:
                errors.append(
                    f"{where}column unit: unknown unit {unit!r} (expected one of the scheme's unit ids)"
                )
                continue
            present_units.add(unit)
            if name not in indicators and name not in kinds and name not in series_ids:
                errors.append(f"{where}column indicator: unknown indicator or adjustment {name!r}")
                continue
            key = (unit, name)
            if key in seen:
                errors.append(f"{where}duplicated ({unit}, {name}): already given at {seen[key]}")
                continue
            seen[key] = record.where or "an earlier row"
            u = units[unit]
            try:
                if name in kinds and kinds[name] == "veto":
                    adjustments[name][u] = parse_flag(record.value)
                else:
                    number = parse_number(record.value)
                    if name in indicators:
                        values[u, indicators[name]] = np.nan if number is None else number
                    elif name in series_ids:
                        series[u, series_ids[name]] = np.nan if number is None else number
                    else:
                        adjustments[name][u] = np.nan if number is None else number
            except ValueError as exc:
                errors.append(f"{where}{record.value_at}: {exc}")
            if record.target is not None and name in indicators:
                try:
                    number = parse_number(record.target)
                except ValueError as exc:
                    errors.append(f"{where}{record.target_at}: {exc}")
                else:
                    targets[u, indicators[name]] = np.nan if number is None else number
        if require_all_units:
            absent = [u for u in scheme.unit_ids if u not in present_units]
            if absent:
                errors.append(
                    f"{prefix}units of the scheme absent from the table: {', '.join(absent)}"
                )
        if errors:
            raise DataError(errors)
        return cls(
            scheme_id=scheme.id,
            values=values,
            targets=targets,
            series=series,
            adjustments=adjustments,
            source=source,
            locations=seen,
        )

    @classmethod
    def from_mapping(
        cls,
        scheme: Scheme,
        values: Mapping[str, Mapping[str, Any]],
        *,
        targets: Mapping[str, Mapping[str, Any]] | None = None,
        source: str = "<data>",
    ) -> PeriodData:
        """Build from ``{unit: {indicator_or_adjustment: value}}`` (and optional targets).

        >>> from leitai.engine.scheme import parse_scheme
        >>> s = parse_scheme("id: x\\nname: x\\nversion: 1\\nunits: [{id: a, name: A}]\\n"
        ...                  "boards: [{id: b, name: B, points: 100, indicators: [{id: i, name: I}]}]")
        >>> PeriodData.from_mapping(s, {"a": {"i": "1,5"}}).values.tolist()
        [[15.0]]
        """
        targets = targets or {}
        records = [
            Record(unit, name, value, targets.get(unit, {}).get(name), where=f"{unit}.{name}")
            for unit, row in values.items()
            for name, value in row.items()
        ]
        return cls.from_records(scheme, records, source=source)

    def with_values(self, changes: Mapping[tuple[int, int], float]) -> PeriodData:
        """A copy with some raw values replaced, keyed by (unit index, indicator index)."""
        values = self.values.copy()
        for (u, i), value in changes.items():
            values[u, i] = value
        return PeriodData(
            scheme_id=self.scheme_id,
            values=values,
            targets=self.targets,
            series=self.series,
            adjustments=self.adjustments,
            source=self.source,
            locations=self.locations,
        )
