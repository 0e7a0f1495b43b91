"""Reading targets (目标) and their reported actuals from CSV and XLSX tables.

Both tables are in long form, one row per target or per report, with a header row.
Column names are matched without regard to case or surrounding spaces; a few
Chinese headers are accepted as well (see ``TARGET_COLUMNS`` and ``ACTUAL_COLUMNS``).

Targets::

    unit,id,name,indicator,target,unit_of_measure,direction,start,deadline,milestones,source,pledged_on
    pingdu,key_projects,重点项目开工,,115,个,higher,,2023-12-31,2023-06-30:83,pledged,2023-05-27

Actuals (cumulative values from the start of the year)::

    unit,target,period,value,note,evidence
    pingdu,key_projects,2023-05,61,新开工12个,pingdu-2023-05.pdf

Required columns: ``unit, id, name, target`` and ``unit, target, period, value``.
Values may be written as a person writes them (``1,234.5``, full-width digits, a
trailing ``%``); periods as ``2023-05``, ``2023Q2`` or ``2023-05-31``; milestones as
``date:value`` pairs separated by ``;``. Lines before the header that begin with
``#`` are comments. CSV files are read as UTF-8 (with or without a byte-order mark)
or, failing that, as GB18030 as Excel writes them on Chinese Windows.

Every problem of a table is collected and reported together in one
:class:`TargetsTableError`, each naming the file, the row (as a spreadsheet numbers
it, the header being row 1 when nothing precedes it) and the column; nothing is
returned from a table with any problem.
"""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from leitai.engine.data import MISSING_WORDS, parse_number
from leitai.engine.errors import DataError, InvalidValue
from leitai.engine.problems import Problem, Where
from leitai.engine.targets import Actual, Milestone, Source, Target, TargetError, parse_period
from leitai.io.files import DEFAULT_LIMITS, FileRefused, Limits, read_sheet

__all__ = [
    "ACTUAL_COLUMNS",
    "TARGET_COLUMNS",
    "TargetsTableError",
    "demo_paths",
    "read_actuals",
    "read_demo",
    "read_targets",
]


class TargetsTableError(DataError):
    """A targets or actuals table with problems; ``problems`` lists every one."""


# Canonical column -> accepted headers (after NFKC, strip and lower-casing).
TARGET_COLUMNS: dict[str, tuple[str, ...]] = {
    "unit": ("unit", "单位"),
    "id": ("id", "编号", "目标编号"),
    "name": ("name", "名称", "目标名称"),
    "indicator": ("indicator", "指标"),
    "target": ("target", "目标值"),
    "unit_of_measure": ("unit_of_measure", "计量单位"),
    "direction": ("direction", "方向"),
    "start": ("start", "起始值", "基数"),
    "deadline": ("deadline", "截止日期"),
    "milestones": ("milestones", "节点目标"),
    "source": ("source", "来源"),
    "pledged_on": ("pledged_on", "承诺日期"),
    # Kept for the person who confirms proposed pledges (``leitai pledges``); not read.
    "evidence": ("evidence", "依据", "佐证材料"),
    "confidence": ("confidence", "置信度"),
}
TARGET_REQUIRED = ("unit", "id", "name", "target")

ACTUAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "unit": ("unit", "单位"),
    "target": ("target", "目标编号"),
    "period": ("period", "期间"),
    "value": ("value", "累计完成"),
    "note": ("note", "说明", "进展情况"),
    "evidence": ("evidence", "佐证材料"),
}
ACTUAL_REQUIRED = ("unit", "target", "period", "value")

_DIRECTIONS = {
    "higher": "higher",
    "high": "higher",
    "越高越好": "higher",
    "正向": "higher",
    "↑": "higher",
    "lower": "lower",
    "low": "lower",
    "越低越好": "lower",
    "逆向": "lower",
    "↓": "lower",
}
_SOURCES = {
    "assigned": "assigned",
    "city": "assigned",
    "市级下达": "assigned",
    "下达": "assigned",
    "pledged": "pledged",
    "pledge": "pledged",
    "擂台承诺": "pledged",
    "承诺": "pledged",
    "军令状": "pledged",
}


# ---------------------------------------------------------------------------
# Raw rows


Rows = list[tuple[int, dict[str, Any]]]


def _norm(text: Any) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip()


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _raw_rows(
    path: Path, sheet: str | None, limits: Limits = DEFAULT_LIMITS
) -> list[tuple[int, list[Any]]]:
    """Numbered rows of the file, comments and blank rows dropped."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt", ""):
        raise TargetsTableError(
            Problem("targets.file_type", Where(file=path.name), {"found": path.suffix or ""})
        )
    try:
        raw = read_sheet(path, filename=path.name, limits=limits, sheet=sheet)
    except FileRefused as refused:
        raise TargetsTableError(refused.problems) from None
    rows = list(zip(raw.numbers, raw.rows, strict=True))
    kept = []
    header_seen = False
    for number, values in rows:
        if all(_is_blank(v) for v in values):
            continue
        first = next((v for v in values if not _is_blank(v)), "")
        if not header_seen and isinstance(first, str) and first.lstrip().startswith("#"):
            continue
        header_seen = True
        kept.append((number, values))
    return kept


class _Table:
    """Where the cells of a table are: its file name and its columns' headers as written."""

    def __init__(self, name: str, headers: dict[str, str]) -> None:
        self.name = name
        self.headers = headers

    def at(self, row: int | None, column: str | None = None) -> Where:
        header = self.headers.get(column, column) if column else None
        return Where(file=self.name, row=row, column=header)

    def problem(self, code: str, row: int | None, column: str | None, **params: Any) -> Problem:
        return Problem(code, self.at(row, column), params)


def _read(
    path: Path,
    columns: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    sheet: str | None,
    limits: Limits = DEFAULT_LIMITS,
) -> tuple[Rows, list[Problem], _Table]:
    """Rows as ``{canonical column: raw value}``, the header problems, and the table."""
    table = _Table(path.name, {})
    try:
        raw = _raw_rows(path, sheet, limits)
    except TargetsTableError:
        raise
    except Exception as error:  # any reader failure is reported as the file's problem
        reason = getattr(error, "strerror", None) or type(error).__name__
        raise TargetsTableError(
            table.problem("file.cannot_read", None, None, reason=reason)
        ) from None
    if not raw:
        return [], [table.problem("targets.empty_table", None, None)], table
    header_number, header = raw[0]
    lookup = {alias.lower(): name for name, aliases in columns.items() for alias in aliases}
    errors = []
    positions: dict[str, int] = {}
    for k, cell in enumerate(header):
        if _is_blank(cell):
            continue
        label = _norm(cell).lower().replace(" ", "_")
        name = lookup.get(label)
        if name is None:
            errors.append(
                Problem(
                    "targets.unknown_column",
                    Where(file=path.name, row=header_number, column=_norm(cell)),
                    {"found": _norm(cell), "expected": list(columns)},
                )
            )
        elif name in positions:
            errors.append(
                Problem(
                    "targets.column_twice",
                    Where(file=path.name, row=header_number, column=_norm(cell)),
                    {"found": _norm(cell)},
                )
            )
        else:
            positions[name] = k
            table.headers[name] = _norm(cell)
    for name in required:
        if name not in positions:
            errors.append(table.problem("targets.missing_column", header_number, None, name=name))
    rows = []
    for number, values in raw[1:]:
        row = {name: (values[k] if k < len(values) else None) for name, k in positions.items()}
        rows.append((number, row))
    return rows, errors, table


# ---------------------------------------------------------------------------
# Cell readers: each returns a value or raises InvalidValue (a ValueError with a problem).


def _found(value: Any) -> str:
    return "" if _is_blank(value) else _norm(value)[:40]


def _words(value: Any, required: bool) -> str | None:
    """Words people read (a target's name, a progress note): as written, without NFKC,
    which would turn Chinese punctuation into ASCII (，into , and （into ()."""
    if _is_blank(value):
        if required:
            raise InvalidValue("targets.empty_cell")
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def _text(value: Any, required: bool) -> str | None:
    """A code or a short value: NFKC, so that full-width letters and digits read as ASCII."""
    words = _words(value, required)
    return None if words is None else _norm(words)


def _number(value: Any, required: bool) -> float | None:
    number = parse_number(value)
    if number is None and required:
        raise InvalidValue("targets.empty_cell")
    return number


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if _is_blank(value) or _norm(value).lower() in MISSING_WORDS:
        return None
    try:
        kind, day, _ = parse_period(_norm(value))
    except ValueError:
        kind = None
    if kind != "day":
        raise InvalidValue("target.not_a_date", found=_found(value))
    return day


def _choice(value: Any, words: dict[str, str], default: str | None, expected: str) -> str | None:
    if _is_blank(value):
        return default
    word = _norm(value).lower()
    if word not in words:
        raise InvalidValue("targets.not_one_of", found=_found(value), expected=list(words))
    return words[word]


def _milestones(value: Any) -> tuple[Milestone, ...]:
    if _is_blank(value):
        return ()
    text = _norm(value).replace("；", ";").replace("|", ";").replace("\n", ";")
    out = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        date_text, sep, value_text = part.rpartition(":")
        if not sep:
            raise InvalidValue("targets.milestones_syntax", found=part[:40])
        try:
            day = _date(date_text)
            number = parse_number(value_text)
        except ValueError:
            raise InvalidValue("targets.milestones_syntax", found=part[:40]) from None
        if day is None or number is None:
            raise InvalidValue("targets.milestones_syntax", found=part[:40])
        out.append(Milestone(day, number))
    return tuple(out)


def _cell(
    errors: list[Problem],
    at: tuple[_Table, int],
    row: dict[str, Any],
    column: str,
    read: Any,
    *args: Any,
) -> Any:
    """Read one cell, recording a problem at its row and column instead of raising."""
    try:
        return read(row.get(column), *args)
    except InvalidValue as error:
        table, number = at
        errors.append(Problem(error.problem.code, table.at(number, column), error.problem.params))
        return None


def _from_engine(error: TargetError, table: _Table, number: int, default: str) -> list[Problem]:
    """The engine's problems of one row, placed at the row and the field's column."""
    out = []
    for problem in error.problems:
        field = (problem.where.path or error.field or default).split(".")[0]
        if field not in table.headers:
            field = default
        out.append(Problem(problem.code, table.at(number, field), problem.params))
    return out


# ---------------------------------------------------------------------------
# Public readers


def read_targets(
    path: str | os.PathLike[str],
    *,
    units: Iterable[str] | None = None,
    sheet: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> list[Target]:
    """Read a targets table.

    Parameters
    ----------
    path : str or path-like
        A ``.csv`` or ``.xlsx`` file.
    units : iterable of str, optional
        The unit ids allowed; any other unit is an error.
    sheet : str, optional
        The worksheet of an XLSX file; the first by default.

    Returns
    -------
    list of Target
        In the table's order.

    Raises
    ------
    TargetsTableError
        Listing every problem, each with the file, the row and the column.

    Examples
    --------
    >>> from leitai.io.targets import demo_paths
    >>> targets = read_targets(demo_paths()[0])
    >>> [t.value for t in targets if t.key == ("pingdu", "key_projects")]
    [115.0]
    """
    path = Path(path)
    rows, errors, table = _read(path, TARGET_COLUMNS, TARGET_REQUIRED, sheet, limits)
    allowed = set(units) if units is not None else None
    targets: list[Target] = []
    seen: dict[tuple[str, str], int] = {}
    for number, row in rows:
        where = (table, number)
        before = len(errors)
        # Read in the columns' order, so that a row's errors read left to right.
        unit = _cell(errors, where, row, "unit", _text, True)
        ident = _cell(errors, where, row, "id", _text, True)
        name = _cell(errors, where, row, "name", _words, True)
        indicator = _cell(errors, where, row, "indicator", _text, False)
        value = _cell(errors, where, row, "target", _number, True)
        measure = _cell(errors, where, row, "unit_of_measure", _text, False)
        direction = _cell(
            errors, where, row, "direction", _choice, _DIRECTIONS, "higher", "higher or lower"
        )
        start = _cell(errors, where, row, "start", _number, False)
        deadline = _cell(errors, where, row, "deadline", _date)
        milestones = _cell(errors, where, row, "milestones", _milestones)
        chosen = _cell(errors, where, row, "source", _choice, _SOURCES, None, "assigned or pledged")
        pledged_on = _cell(errors, where, row, "pledged_on", _date)
        source: Source = chosen or ("pledged" if pledged_on else "assigned")
        if unit is not None and allowed is not None and unit not in allowed:
            errors.append(table.problem("targets.unknown_unit", number, "unit", unit=unit))
        if unit is not None and ident is not None:
            if (unit, ident) in seen:
                errors.append(
                    table.problem(
                        "targets.duplicate",
                        number,
                        "id",
                        unit=unit,
                        id=ident,
                        first=seen[unit, ident],
                    )
                )
            seen.setdefault((unit, ident), number)
        if len(errors) > before:
            continue
        try:
            targets.append(
                Target(
                    unit=unit,
                    id=ident,
                    name=name,
                    value=value,
                    unit_of_measure=measure or "",
                    direction=direction,
                    start=start,
                    deadline=deadline,
                    milestones=milestones or (),
                    indicator=indicator,
                    source=source,
                    pledged_on=pledged_on,
                )
            )
        except TargetError as error:
            errors += _from_engine(error, table, number, "id")
    if errors:
        raise TargetsTableError(errors)
    return targets


def read_actuals(
    path: str | os.PathLike[str],
    *,
    targets: Iterable[Target] | None = None,
    sheet: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> list[Actual]:
    """Read a table of reported cumulative actuals.

    Parameters
    ----------
    path : str or path-like
        A ``.csv`` or ``.xlsx`` file.
    targets : iterable of Target, optional
        The targets reported on; a row naming any other (unit, target) is an error.
    sheet : str, optional
        The worksheet of an XLSX file; the first by default.

    Returns
    -------
    list of Actual
        In the table's order.

    Raises
    ------
    TargetsTableError
        Listing every problem, each with the file, the row and the column. Besides
        unreadable cells: a period reported twice for one target, and one target
        reported in more than one frequency (months and quarters, say).
    """
    path = Path(path)
    rows, errors, table = _read(path, ACTUAL_COLUMNS, ACTUAL_REQUIRED, sheet, limits)
    known = {t.key for t in targets} if targets is not None else None
    actuals: list[Actual] = []
    seen: dict[tuple[str, str, str], int] = {}
    frequency: dict[tuple[str, str], tuple[str, int]] = {}
    for number, row in rows:
        where = (table, number)
        before = len(errors)
        unit = _cell(errors, where, row, "unit", _text, True)
        target = _cell(errors, where, row, "target", _text, True)
        period = _cell(errors, where, row, "period", _period)
        value = _cell(errors, where, row, "value", _number, True)
        note = _cell(errors, where, row, "note", _words, False)
        evidence = _cell(errors, where, row, "evidence", _text, False)
        if unit is not None and target is not None:
            if known is not None and (unit, target) not in known:
                errors.append(
                    table.problem("target.no_such_target", number, "target", unit=unit, id=target)
                )
            if period is not None:
                kind, _, label = parse_period(period)
                if (unit, target, label) in seen:
                    errors.append(
                        table.problem(
                            "targets.period_twice",
                            number,
                            "period",
                            period=label,
                            unit=unit,
                            id=target,
                            first=seen[unit, target, label],
                        )
                    )
                seen.setdefault((unit, target, label), number)
                first_kind, first_row = frequency.setdefault((unit, target), (kind, number))
                if kind != first_kind:
                    errors.append(
                        table.problem(
                            "targets.mixed_frequency",
                            number,
                            "period",
                            period=label,
                            unit=unit,
                            id=target,
                            first=first_row,
                        )
                    )
        if len(errors) > before:
            continue
        try:
            actuals.append(Actual(unit, target, period, value, note or "", evidence))
        except TargetError as error:
            errors += _from_engine(error, table, number, "value")
    if errors:
        raise TargetsTableError(errors)
    return actuals


def _period(value: Any) -> str | dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise InvalidValue("target.not_a_period", found=str(value))
    if _is_blank(value):
        raise InvalidValue("targets.empty_cell")
    parse_period(_norm(value))  # raises InvalidValue naming what was expected
    return _norm(value)


def demo_paths() -> tuple[Path, Path]:
    """The bundled illustrative ``targets.csv`` and ``actuals.csv`` (Qingdao 2023)."""
    root = resources.files("leitai") / "demo"
    return Path(str(root / "targets.csv")), Path(str(root / "actuals.csv"))


def read_demo() -> tuple[list[Target], list[Actual]]:
    """The bundled demo targets and their synthetic monthly actuals for 2023."""
    targets_path, actuals_path = demo_paths()
    targets = read_targets(targets_path)
    return targets, read_actuals(actuals_path, targets=targets)
