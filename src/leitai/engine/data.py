"""One period's data, checked against a scheme (spec section 7).

Values arrive as a person writes them in a spreadsheet; :func:`parse_number`
and :func:`parse_flag` read them. :class:`PeriodData` holds the checked values
as arrays aligned with the scheme (a row per unit, a column per indicator).

>>> parse_number("１，２34.5%")
1234.5
>>> parse_number("—") is None
True
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from leitai.engine.errors import DataError, InvalidValue
from leitai.engine.problems import Problem, Where, number_text
from leitai.engine.scheme import Scheme

__all__ = ["MISSING_WORDS", "NumberError", "PeriodData", "Record", "parse_flag", "parse_number"]

MISSING_WORDS = frozenset({"", "-", "—", "/", "n/a", "－", "——", "／"})
TRUE_WORDS = frozenset({"1", "true", "yes", "是", "y"})
FALSE_WORDS = frozenset({"0", "false", "no", "否", "n"})


_MINUSES = "\u2212\uff0d"  # Unicode minus; full-width hyphen-minus (NFKC leaves both)
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")
_PLAIN = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


class NumberError(InvalidValue):
    """A cell that is not a number; ``problem`` says why (its place is added by the caller)."""


def parse_number(value: Any) -> float | None:
    """Read a number as a person writes it; ``None`` for a missing value (spec section 7).

    Accepted: surrounding spaces; full-width digits, point and comma (``１２３．５``); a
    leading ASCII ``-``/``+``, Unicode minus (U+2212) or full-width minus (U+FF0D); a
    trailing ``%`` or ``％`` (the number is kept as written: ``5.2%`` is 5.2); and a comma
    only as a thousands separator between groups of exactly three digits after a first
    group of one to three (``1,234``, ``12,345,678.5``). Any other comma (``12,3``,
    ``0,5%``, ``1,5``, ``12,34,567``) is refused: a decimal point was probably meant.
    Only finite numbers are accepted. ``""``, ``-``, ``—``, ``/`` and ``N/A`` are missing.

    Raises
    ------
    NumberError
        A ``ValueError`` whose ``problem`` has the code ``number.decimal_comma``,
        ``number.not_finite`` or ``number.not_a_number`` and the text ``found``.

    Examples
    --------
    >>> parse_number("12,345,678.5"), parse_number("\u22123"), parse_number(" 5.2％ ")
    (12345678.5, -3.0, 5.2)
    >>> parse_number("12,3")
    Traceback (most recent call last):
    ...
    leitai.engine.data.NumberError: number.decimal_comma {'found': '12,3'}
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise NumberError("number.not_a_number", found=str(value))
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        if math.isnan(number):
            return None
        if math.isinf(number):
            raise NumberError("number.not_finite", found=str(value))
        return number
    found = str(value)
    text = unicodedata.normalize("NFKC", found).strip()
    if text.lower() in MISSING_WORDS:
        return None
    if text[:1] in _MINUSES:
        text = "-" + text[1:]
    if text.endswith("%"):
        text = text[:-1].rstrip()
    shown = found.strip()[:40]
    if "," in text:
        if not _GROUPED.match(text):
            if _PLAIN.match(text.replace(",", "")):
                raise NumberError("number.decimal_comma", found=shown)
            raise NumberError("number.not_a_number", found=shown)
        text = text.replace(",", "")
    if not _PLAIN.match(text):
        raise NumberError("number.not_a_number", found=shown)
    number = float(text)
    if not math.isfinite(number):
        raise NumberError("number.not_finite", found=shown)
    return number


def parse_flag(value: Any) -> bool:
    """Read a yes/no word of a veto item; a missing value is ``False``.

    Raises
    ------
    NumberError
        With the code ``flag.not_yes_no`` when the word is not one of 1/true/yes/是/Y
        or 0/false/no/否/N.
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
    raise NumberError("flag.not_yes_no", found=str(value).strip()[:40])


@dataclass(frozen=True)
class Record:
    """One cell of the data table: unit, indicator (or adjustment or series) and value.

    ``where`` locates the row (file, sheet, row as the spreadsheet shows it);
    ``value_at`` and ``target_at`` name the cells of the value and the target (cell
    reference and the column's header as written in the file).
    """

    unit: Any
    indicator: Any
    value: Any
    target: Any = None
    where: Where = field(default_factory=Where)
    value_at: Where | None = None
    target_at: Where | None = None
    unit_at: Where | None = None
    indicator_at: Where | None = None


def plausibility(indicator: Any, number: float) -> list[Problem]:
    """The plausibility problems of a value of ``indicator`` (spec section 1), unlocated.

    A value outside the indicator's ``range`` and a non-whole value where ``integer`` is
    true are problems; they never change a score.
    """
    problems: list[Problem] = []
    if indicator.range is not None:
        low, high = indicator.range
        if low is not None and number < low:
            problems.append(
                Problem("data.below_range", Where(), {"found": _shown(number), "min": _shown(low)})
            )
        if high is not None and number > high:
            problems.append(
                Problem("data.above_range", Where(), {"found": _shown(number), "max": _shown(high)})
            )
    if indicator.integer and not float(number).is_integer():
        problems.append(Problem("data.not_integer", Where(), {"found": _shown(number)}))
    return problems


def _shown(number: float) -> str:
    """A number as a person wrote it: ``3`` rather than ``3.0``."""
    return number_text(number)


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
    locations: Mapping[tuple[str, str], Where] = field(default_factory=dict)

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
        aligner = _Aligner(scheme, source)
        for record in records:
            aligner.add(record)
        problems = aligner.problems
        if require_all_units and _reads_data(scheme):
            absent = [u for u in scheme.unit_ids if u not in aligner.present_units]
            if absent:
                problems.append(
                    Problem("data.units_absent", Where(file=aligner.file), {"units": absent})
                )
        if problems:
            raise DataError(problems)
        return cls(
            scheme_id=scheme.id,
            values=aligner.values,
            targets=aligner.targets,
            series=aligner.series,
            adjustments=aligner.adjustments,
            source=source,
            locations=aligner.seen,
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
        >>> PeriodData.from_mapping(s, {"a": {"i": "1,500"}}).values.tolist()
        [[1500.0]]
        """
        targets = targets or {}
        records = [
            Record(unit, name, value, targets.get(unit, {}).get(name), Where(path=f"{unit}.{name}"))
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


class _Aligner:
    """Records checked one at a time into the arrays of :class:`PeriodData`; every
    problem is kept (see :meth:`PeriodData.from_records`)."""

    def __init__(self, scheme: Scheme, source: str) -> None:
        self.scheme = scheme
        self.units = {u: i for i, u in enumerate(scheme.unit_ids)}
        self.all_indicators = scheme.all_indicators()
        self.indicators = {ind.id: i for i, ind in enumerate(self.all_indicators)}
        self.series_ids = {s.id: i for i, s in enumerate(scheme.series)}
        self.kinds = {a.id: a.kind for a in scheme.adjustments}
        n = len(self.units)
        self.values = np.full((n, len(self.indicators)), np.nan)
        self.targets = np.full((n, len(self.indicators)), np.nan)
        self.series = np.full((n, len(self.series_ids)), np.nan)
        self.adjustments: dict[str, np.ndarray] = {
            a: (np.zeros(n, dtype=bool) if kind == "veto" else np.full(n, np.nan))
            for a, kind in self.kinds.items()
        }
        self.problems: list[Problem] = []
        self.seen: dict[tuple[str, str], Where] = {}
        self.present_units: set[str] = set()
        self.file = source if source and source != "<data>" else None

    def _at(self, cell: Where | None, row_at: Where) -> Where:
        """A cell's place, else its row's, with the source's file name where it has none."""
        if cell is None:
            return row_at
        return cell if cell.file or not self.file else cell.but(file=self.file)

    def add(self, record: Record) -> None:
        file = self.file
        row_at = record.where if record.where.file or not file else record.where.but(file=file)
        unit = "" if record.unit is None else str(record.unit).strip()
        name = "" if record.indicator is None else str(record.indicator).strip()
        if unit not in self.units:
            where = self._at(record.unit_at, row_at)
            self.problems.append(Problem("data.unknown_unit", where, {"unit": unit}))
            return
        self.present_units.add(unit)
        if name not in self.indicators and name not in self.kinds and name not in self.series_ids:
            where = self._at(record.indicator_at, row_at)
            self.problems.append(Problem("data.unknown_indicator", where, {"indicator": name}))
            return
        value_at = self._at(record.value_at, row_at)
        if not self._first(unit, name, value_at) or self._from_elsewhere(name, record, value_at):
            return
        u = self.units[unit]
        try:
            self._value(u, name, record.value, value_at)
        except NumberError as exc:
            self.problems.append(exc.problem.located(**_parts(value_at)))
        if record.target is not None and name in self.indicators:
            self._target(u, name, record.target, self._at(record.target_at, row_at))

    def _first(self, unit: str, name: str, value_at: Where) -> bool:
        """Whether this is the first value of the pair; a second one is a problem."""
        key = (unit, name)
        if key in self.seen:
            first = self.seen[key]
            params = {
                "unit": unit,
                "indicator": name,
                "first": first.cell or first.row or first.path,
            }
            self.problems.append(Problem("data.duplicated", value_at, params))
            return False
        self.seen[key] = value_at
        return True

    def _from_elsewhere(self, name: str, record: Record, value_at: Where) -> bool:
        """Whether the indicator's value comes from another period's result (spec section
        11); a value given for it anyway is a problem."""
        indicators = self.indicators
        elsewhere = self.all_indicators[indicators[name]].from_ if name in indicators else None
        if elsewhere is None:
            return False
        if _given(record.value):
            params = {"indicator": name, "period": elsewhere.period}
            self.problems.append(Problem("data.value_from_other_period", value_at, params))
        return True

    def _value(self, u: int, name: str, value: Any, value_at: Where) -> None:
        if name in self.kinds and self.kinds[name] == "veto":
            self.adjustments[name][u] = parse_flag(value)
            return
        number = parse_number(value)
        cell = np.nan if number is None else number
        if name in self.indicators:
            self.values[u, self.indicators[name]] = cell
            if number is not None:
                indicator = self.all_indicators[self.indicators[name]]
                self.problems += [
                    p.located(**_parts(value_at)) for p in plausibility(indicator, number)
                ]
        elif name in self.series_ids:
            self.series[u, self.series_ids[name]] = cell
        else:
            self.adjustments[name][u] = cell

    def _target(self, u: int, name: str, target: Any, target_at: Where) -> None:
        try:
            number = parse_number(target)
        except NumberError as exc:
            self.problems.append(exc.problem.located(**_parts(target_at)))
            return
        self.targets[u, self.indicators[name]] = np.nan if number is None else number
        indicator = self.all_indicators[self.indicators[name]]
        if number is not None and number <= 0 and self.scheme.resolved(indicator)[0] == "target":
            params = {"found": _shown(number)}
            self.problems.append(Problem("data.target_not_positive", target_at, params))


def _given(value: Any) -> bool:
    """Whether a cell holds anything but a missing-value word."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    return unicodedata.normalize("NFKC", str(value)).strip().lower() not in MISSING_WORDS


def _reads_data(scheme: Scheme) -> bool:
    """Whether any item of the scheme is read from the data table (spec section 11: an
    annual scheme may take every value from other periods)."""
    return bool(
        scheme.adjustments or scheme.series or any(i.from_ is None for i in scheme.all_indicators())
    )


def _parts(where: Where) -> dict[str, Any]:
    return {k: v for k, v in vars(where).items() if v is not None}
