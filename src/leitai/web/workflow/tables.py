"""Checking an uploaded data table against a period before anything is saved.

The engine's own checks decide what is wrong (every message names its sheet, row
and cell); this module adds the workflow's own rules (a reporter's table may hold
only their unit's rows; a template must be the period's), works out which figures
would change, and lays the sheet out as a grid with each problem and change at its
cell, so that a person sees the mistake where they made it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from leitai.engine import DataError, PeriodData, Record
from leitai.engine import Scheme as EngineScheme
from leitai.engine.problems import Problem, Where
from leitai.io.tables import TARGET_SUFFIX, Sheet, iter_records, read_rows
from leitai.io.tables import _canonical as canonical_header
from leitai.web.files import stored_value_max_chars, upload_limits

MAX_GRID_ROWS = 400
MAX_GRID_COLUMNS = 80
MAX_PROBLEMS = 100  # listed on the preview; the rest are counted
_CELL = re.compile(r"^([A-Z]{1,3})(\d+)$")


def cell_text(value: Any) -> str:
    """A cell as text, the way it is stored: ``3.0`` is ``3``, blanks are empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class Checked:
    """What an uploaded table would do: its problems, its changes and its grid.

    Each problem is stored as ``{"problem": Problem.to_dict(), "row", "col", "cell"}``
    (row and column of its cell in the grid, when it has one); the page words it.
    """

    problems: list[dict[str, Any]] = field(default_factory=list)
    cells: dict[tuple[str, str], tuple[str, str | None]] = field(default_factory=dict)
    changes: list[dict[str, Any]] = field(default_factory=list)
    grid: dict[str, Any] = field(default_factory=dict)
    more: int = 0  # problems found but not listed (beyond MAX_PROBLEMS)
    _numbers: dict[str, int | None] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, problem: Problem) -> int | None:
        """Add a problem once; its number in the list (None when it is only counted)."""
        data = problem.to_dict()
        key = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
        if key in self._numbers:
            return self._numbers[key]
        if len(self.problems) >= MAX_PROBLEMS:
            self.more += 1
            self._numbers[key] = None
            return None
        at = cell_position(problem.where.cell)
        row, col = at if at else (None, None)
        self.problems.append(
            {"problem": data, "row": row, "col": col, "cell": problem.where.cell or ""}
        )
        self._numbers[key] = len(self.problems)
        return len(self.problems)

    def listed(self) -> list[dict[str, Any]]:
        """The problems to store and show, with a last entry counting those not listed."""
        if not self.more:
            return self.problems
        return [*self.problems, {"row": None, "col": None, "cell": "", "more": self.more}]


def cell_position(reference: str | None) -> tuple[int, int] | None:
    """``"D6"`` as (row 6, column index 3); None for no or another reference."""
    # openpyxl (and what it imports) only when a table is checked, not at the server's start.
    from openpyxl.utils.cell import column_index_from_string

    match = _CELL.match(reference or "")
    if not match:
        return None
    return int(match[2]), column_index_from_string(match[1]) - 1


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
        row = record.where.row
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
    allowed: Mapping[str, Collection[str]] | None = None,
    key_names: Mapping[str, str] | None = None,
) -> Checked:
    """Check an uploaded table (CSV or XLSX, long or wide form, or the period's template).

    Parameters
    ----------
    current : mapping (unit, key) -> (value, target)
        The figures stored now, to tell what would change.
    unit : str, optional
        The one unit the table may touch (a reporter's upload); None for the office.
    allowed : mapping unit -> keys, optional
        The keys of each unit the table may write (from ``writable_keys``); None for
        every key of every unit. A cell outside them that would change the stored
        figure refuses the whole table with the cell named; one that is empty or holds
        the stored figure (a full template downloaded earlier) is left out.
    """
    checked = Checked()
    try:
        sheet = read_rows(data, filename=filename, limits=upload_limits())
    except DataError as exc:
        for problem in exc.problems:
            checked.problem(problem)
        return checked
    _meta_problems(sheet, scheme=scheme, period=period, checked=checked)
    try:
        records = list(iter_records(sheet))
    except DataError as exc:
        for problem in exc.problems:
            checked.problem(problem)
        checked.grid = _grid(sheet, {})
        return checked
    located = _layout(sheet, records)
    marks = _Marks(checked)
    if unit is not None:
        _other_units(located, unit, unit_names or {}, marks)
    if allowed is not None:
        located = _outside_allowed(located, allowed, current, key_names or {}, checked, marks.mark)
        records = [item.record for item in located]
    if not records:
        checked.problem(Problem("upload.no_figures", Where(file=sheet.name, sheet=sheet.sheet), {}))
    for problem, at in _too_long_for_storage(sheet, located):
        marks.problem(problem, at)
    try:
        PeriodData.from_records(scheme, records, source=sheet.name, require_all_units=False)
    except DataError as exc:
        for problem in exc.problems:
            marks.problem(problem, cell_position(problem.where.cell))
    if checked.ok:
        _changes(located, current, marks)
    checked.grid = _grid(sheet, marks.marks)
    return checked


def _meta_problems(sheet: Any, *, scheme: EngineScheme, period: str, checked: Checked) -> None:
    """A template made for another scheme or another period is refused."""
    in_sheet = Where(file=sheet.name, sheet=sheet.sheet)
    meta_scheme = sheet.meta.get("scheme_id")
    if meta_scheme and meta_scheme != scheme.id:
        checked.problem(
            Problem("table.other_scheme", in_sheet, {"made": meta_scheme, "wanted": scheme.id})
        )
    meta_period = sheet.meta.get("period")
    if meta_period and meta_period != period:
        checked.problem(
            Problem("upload.other_period", in_sheet, {"made": meta_period, "wanted": period})
        )


class _Marks:
    """What the preview shows at each cell of the sheet: problems' numbers, changes."""

    def __init__(self, checked: Checked) -> None:
        self.checked = checked
        self.marks: dict[tuple[int, int], dict[str, Any]] = {}

    def mark(self, at: tuple[int | None, int | None] | None, **info: Any) -> None:
        if at is None or at[0] is None or at[1] is None:
            return
        entry = self.marks.setdefault((at[0], at[1]), {})
        if "error" in info:
            entry.setdefault("errors", []).append(info["error"])
        else:
            entry.update(info)

    def problem(self, problem: Problem, at: tuple[int | None, int | None] | None) -> None:
        number = self.checked.problem(problem)
        if number is not None:
            self.mark(at, error=number)


def _other_units(
    located: list[_Located], unit: str, unit_names: Mapping[str, str], marks: _Marks
) -> None:
    """A reporter's table with another unit's rows is refused, each such row named once."""
    own = unit_names.get(unit, unit)
    refused_rows: set[int | None] = set()
    for item in located:
        other = cell_text(item.record.unit)
        if other == unit or item.row in refused_rows:
            continue
        refused_rows.add(item.row)
        name = unit_names.get(other)
        found = _("%(name)s (%(more)s)") % {"name": other, "more": name} if name else other
        where = item.record.unit_at or item.record.where
        marks.problem(
            Problem("upload.not_your_unit", where, {"found": found, "own": own}),
            cell_position(where.cell),
        )


def _changes(
    located: list[_Located], current: Mapping[tuple[str, str], tuple[str, str]], marks: _Marks
) -> None:
    """The figures of a table that passed, and what they would change."""
    checked = marks.checked
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
                marks.mark((item.row, item.value_col), changed=True, before=before_value)
            if new_target != before_target and item.target_col is not None:
                marks.mark((item.row, item.target_col), changed=True, before=before_target)


def _outside_allowed(
    located: list[_Located],
    allowed: Mapping[str, Collection[str]],
    current: Mapping[tuple[str, str], tuple[str, str]],
    key_names: Mapping[str, str],
    checked: Checked,
    mark: Callable[..., None],
) -> list[_Located]:
    """The records the table may write; a cell of another indicator that would change
    the stored figure is a problem at its cell, one that would not is dropped."""
    kept = []
    for item in located:
        code = cell_text(item.record.unit)
        key = cell_text(item.record.indicator)
        if code not in allowed or key in allowed[code]:
            kept.append(item)  # another unit: refused (or unknown) elsewhere
            continue
        value, target = cell_text(item.record.value), cell_text(item.record.target)
        stored_value, stored_target = current.get((code, key), ("", ""))
        if value in ("", stored_value) and target in ("", stored_target):
            continue
        where = item.record.value_at or item.record.where
        name = key_names.get(key)
        found = _("%(name)s (%(more)s)") % {"name": name, "more": key} if name else key
        number = checked.problem(Problem("upload.not_your_indicator", where, {"found": found}))
        if number is not None:
            mark(cell_position(where.cell), error=number)
    return kept


def _too_long_for_storage(
    sheet: Sheet, located: list[_Located]
) -> Iterator[tuple[Problem, tuple[int, int] | None]]:
    """Values longer than the database keeps (a 101-digit number), refused before saving."""
    from openpyxl.utils.cell import get_column_letter

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
                cell=(
                    f"{get_column_letter(col + 1)}{item.row}"
                    if col is not None and at and sheet.sheet
                    else None
                ),
            )
            yield Problem("file.value_too_long", where, {"found": len(text), "limit": limit}), at


def _grid(sheet: Sheet, marks: dict[tuple[int, int], dict[str, Any]]) -> dict[str, Any]:
    """The sheet as rows of text, with the marked cells; long sheets keep marked rows only."""
    from openpyxl.utils.cell import get_column_letter

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
        "columns": [get_column_letter(c + 1) for c in range(width)],
        "rows": out_rows,
        "truncated": not keep_all,
    }
