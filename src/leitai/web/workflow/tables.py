"""Checking an uploaded data table against a period before anything is saved.

The engine's own checks decide what is wrong (every message names its sheet, row
and cell); this module adds the workflow's own rules (a reporter's table may hold
only their unit's rows; a template must be the period's), works out which figures
would change, and lays the sheet out as a grid with each problem and change at its
cell, so that a person sees the mistake where they made it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

from leitai.engine import DataError, PeriodData, Record
from leitai.engine import Scheme as EngineScheme
from leitai.engine.problems import Problem, Where
from leitai.i18n import render
from leitai.io.tables import TARGET_SUFFIX, Sheet, iter_records, read_rows
from leitai.io.tables import _canonical as canonical_header
from leitai.web.files import problem_texts, stored_value_max_chars, upload_limits

MAX_GRID_ROWS = 400
MAX_GRID_COLUMNS = 80
MAX_PROBLEMS = 100  # listed on the preview; the rest are counted
_ROW = re.compile(r"row (\d+)$")


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_text(value: Any) -> str:
    """A cell as text, the way it is stored: ``3.0`` is ``3``, blanks are empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class Checked:
    """What an uploaded table would do: its problems, its changes and its grid."""

    problems: list[dict[str, Any]] = field(default_factory=list)
    cells: dict[tuple[str, str], tuple[str, str | None]] = field(default_factory=dict)
    changes: list[dict[str, Any]] = field(default_factory=list)
    grid: dict[str, Any] = field(default_factory=dict)
    more: int = 0  # problems found but not listed (beyond MAX_PROBLEMS)
    _numbers: dict[str, int | None] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, message: str, at: tuple[int, int] | None = None) -> int | None:
        """Add a problem once; returns its number in the list (None when not listed)."""
        if message in self._numbers:
            return self._numbers[message]
        if len(self.problems) >= MAX_PROBLEMS:
            self.more += 1
            self._numbers[message] = None
            return None
        row, col = at if at else (None, None)
        cell = f"{column_letter(col)}{row}" if at else ""
        self.problems.append({"message": message, "row": row, "col": col, "cell": cell})
        self._numbers[message] = len(self.problems)
        return len(self.problems)

    def has_room(self) -> bool:
        """Whether another problem would still be listed (else it is only counted)."""
        return len(self.problems) < MAX_PROBLEMS

    def listed(self) -> list[dict[str, Any]]:
        """The problems to store and show, with a last entry counting those not listed."""
        if not self.more:
            return self.problems
        return [
            *self.problems,
            {"message": "", "row": None, "col": None, "cell": "", "more": self.more},
        ]


@dataclass
class _Located:
    record: Record
    row: int | None
    unit_col: int | None
    value_col: int | None
    target_col: int | None
    indicator_col: int | None


def _layout(sheet: Sheet, records: list[Record]) -> list[_Located]:
    """Where each record's cells are in the sheet (row numbers are the sheet's own)."""
    rows = sheet.rows
    start = 0
    while start < len(rows) and all(c is None or str(c).strip() == "" for c in rows[start]):
        start += 1
    header = [cell_text(h) for h in rows[start]] if start < len(rows) else []
    canonical = {h: i for i, h in enumerate(header)}
    keys = {canonical_header(h): i for i, h in enumerate(header)}
    long_form = {"unit", "indicator", "value"} <= keys.keys()
    located = []
    for record in records:
        match = _ROW.search(record.where)
        row = int(match[1]) if match else None
        if long_form:
            located.append(
                _Located(
                    record,
                    row,
                    keys["unit"],
                    keys["value"],
                    keys.get("target"),
                    keys["indicator"],
                )
            )
        else:
            name = cell_text(record.indicator)
            located.append(
                _Located(
                    record,
                    row,
                    0,
                    canonical.get(name),
                    canonical.get(name + TARGET_SUFFIX),
                    None,
                )
            )
    return located


def table_check(
    *,
    data: bytes,
    filename: str,
    scheme: EngineScheme,
    period: str,
    current: Mapping[tuple[str, str], tuple[str, str]],
    unit: str | None = None,
    unit_names: Mapping[str, str] | None = None,
) -> Checked:
    """Check an uploaded table (CSV or XLSX, long or wide form, or the period's template).

    Parameters
    ----------
    current : mapping (unit, key) -> (value, target)
        The figures stored now, to tell what would change.
    unit : str, optional
        The one unit the table may touch (a reporter's upload); None for the office.
    """
    checked = Checked()
    unit_names = unit_names or {}
    try:
        sheet = read_rows(data, filename=filename, limits=upload_limits())
    except DataError as exc:
        for text in problem_texts(exc):
            checked.problem(text)
        return checked
    meta_scheme = sheet.meta.get("scheme_id")
    if meta_scheme and meta_scheme != scheme.id:
        checked.problem(
            f"{sheet.name}: this template was made for scheme {meta_scheme!r}, not {scheme.id!r}"
        )
    meta_period = sheet.meta.get("period")
    if meta_period and meta_period != period:
        checked.problem(
            f"{sheet.name}: this template was made for period {meta_period}, not {period}; "
            f"download the template of {period}"
        )
    try:
        records = list(iter_records(sheet))
    except DataError as exc:
        for message in exc.errors:
            checked.problem(message)
        checked.grid = _grid(sheet, {})
        return checked
    located = _layout(sheet, records)
    marks: dict[tuple[int, int], dict[str, Any]] = {}

    def mark(at: tuple[int, int] | None, **info: Any) -> None:
        if at is None or at[0] is None or at[1] is None:
            return
        entry = marks.setdefault(at, {})
        if "error" in info:
            entry.setdefault("errors", []).append(info["error"])
        else:
            entry.update(info)

    prefix = f"{sheet.name}: "
    if unit is not None:
        own = unit_names.get(unit, unit)
        refused_rows: set[int | None] = set()
        for item in located:
            other = cell_text(item.record.unit)
            if other == unit or item.row in refused_rows:
                continue
            refused_rows.add(item.row)
            name = unit_names.get(other)
            found = f"{other} ({name})" if name else repr(other)
            message = (
                f"{prefix}{item.record.where}: column unit: {found} is not your unit; "
                f"you may upload only {own}'s rows, so the whole upload is refused"
            )
            at = (item.row, item.unit_col) if item.row else None
            number = checked.problem(message, at)
            if number is not None:
                mark(at, error=number)
    if not records:
        checked.problem(f"{sheet.name}: the table has no figures")
    for problem, at in _too_long_for_storage(sheet, located):
        number = checked.problem(render(problem, gettext), at)
        if number is not None:
            mark(at, error=number)
    try:
        PeriodData.from_records(scheme, records, source=sheet.name, require_all_units=False)
    except DataError as exc:
        index = _MessageIndex(located, prefix)
        for message in exc.errors:
            at = index.locate(message) if checked.has_room() else None
            number = checked.problem(message, at)
            if number is not None:
                mark(at, error=number)
    if checked.ok:
        for item in located:
            key = (cell_text(item.record.unit), cell_text(item.record.indicator))
            value = cell_text(item.record.value)
            target = None if item.record.target is None else cell_text(item.record.target)
            checked.cells[key] = (value, target)
            before = current.get(key)
            before_value, before_target = before if before else ("", "")
            new_target = before_target if target is None else target
            if (value, new_target) == (before_value, before_target):
                continue
            if before is None and not value and not new_target:
                continue
            checked.changes.append(
                {
                    "unit": key[0],
                    "key": key[1],
                    "before": before_value if before else None,
                    "after": value,
                    "before_target": before_target,
                    "after_target": new_target,
                }
            )
            if item.row is not None:
                if value != before_value:
                    mark((item.row, item.value_col), changed=True, before=before_value)
                if new_target != before_target and item.target_col is not None:
                    mark((item.row, item.target_col), changed=True, before=before_target)
    checked.grid = _grid(sheet, marks)
    return checked


def _too_long_for_storage(
    sheet: Sheet, located: list[_Located]
) -> Iterator[tuple[Problem, tuple[int, int] | None]]:
    """Values longer than the database keeps (a 101-digit number), refused before saving."""
    limit = stored_value_max_chars()
    for item in located:
        for value, col in (
            (item.record.value, item.value_col),
            (item.record.target, item.target_col),
        ):
            text = cell_text(value)
            if len(text) <= limit:
                continue
            at = (item.row, col) if item.row is not None and col is not None else None
            where = Where(
                file=sheet.name,
                sheet=sheet.sheet,
                row=item.row,
                cell=f"{column_letter(col)}{item.row}" if at and sheet.sheet else None,
            )
            yield Problem("file.value_too_long", where, {"found": len(text), "limit": limit}), at


class _MessageIndex:
    """Where the engine's messages point: the message beginnings written for each cell.

    The items are grouped by their row's own place (``row 12``) and a row's beginnings
    are worked out only when a message names that row, so each message is compared
    with the few beginnings of its own row, not with every cell of the sheet (which
    made checking quadratic in rows).
    """

    def __init__(self, located: list[_Located], prefix: str) -> None:
        self.prefix = prefix
        self.items: dict[str, list[_Located]] = {}
        for item in located:
            if item.row is not None:
                self.items.setdefault(item.record.where, []).append(item)
        self.starts: dict[str, list[tuple[str, tuple[int, int]]]] = {}

    def locate(self, message: str) -> tuple[int, int] | None:
        where, _sep, _rest = message[len(self.prefix) :].partition(": ")
        if where not in self.starts:
            self.starts[where] = self._starts(self.items.get(where, []))
        return next((cell for start, cell in self.starts[where] if message.startswith(start)), None)

    def _starts(self, items: list[_Located]) -> list[tuple[str, tuple[int, int]]]:
        index: dict[str, tuple[int, int]] = {}
        for item in items:
            row = int(item.row or 0)
            where = f"{self.prefix}{item.record.where}: "
            if item.value_col is not None:
                index[f"{where}{item.record.value_at}"] = (row, item.value_col)
                key = f"({cell_text(item.record.unit)}, {cell_text(item.record.indicator)})"
                index[f"{where}duplicated {key}"] = (row, item.value_col)
            if item.target_col is not None:
                index[f"{where}{item.record.target_at}"] = (row, item.target_col)
            if item.unit_col is not None:
                index.setdefault(f"{where}column unit", (row, item.unit_col))
            if item.indicator_col is not None:
                index[f"{where}column indicator"] = (row, item.indicator_col)
            elif item.value_col is not None:
                index.setdefault(f"{where}column indicator", (row, item.value_col))
        return sorted(index.items(), key=lambda pair: -len(pair[0]))


def _grid(sheet: Sheet, marks: dict[tuple[int, int], dict[str, Any]]) -> dict[str, Any]:
    """The sheet as rows of text, with the marked cells; long sheets keep marked rows only."""
    rows = sheet.rows
    width = min(max((len(r) for r in rows), default=0), MAX_GRID_COLUMNS)
    marked_rows = {r for r, _c in marks}
    keep_all = len(rows) <= MAX_GRID_ROWS
    out_rows: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=1):
        if not keep_all and number not in marked_rows and number > 5:
            continue
        if len(out_rows) >= MAX_GRID_ROWS:  # the page stays small: the problems list the rest
            break
        cells = []
        for col in range(width):
            value = row[col] if col < len(row) else None
            cell: dict[str, Any] = {"text": cell_text(value)}
            if (number, col) in marks:
                cell.update(marks[number, col])
                cell["marked"] = True
            cells.append(cell)
        out_rows.append({"number": number, "cells": cells})
    return {
        "sheet": sheet.sheet or "",
        "columns": [column_letter(c) for c in range(width)],
        "rows": out_rows,
        "truncated": not keep_all,
    }
