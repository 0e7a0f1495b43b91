"""A wide data table read column by column, for a table with nothing to report.

:func:`wide_period_data` turns the rows of a wide table (a row per unit, a column per
indicator, adjustment or series) into :class:`~leitai.engine.PeriodData` a column at a
time: a column of plain decimal numbers is converted by numpy at once; any other cell
is read by :func:`~leitai.engine.data.parse_number` (spec section 7), cell by cell. It
gives up (returns None) at the first thing the cell-by-cell reading would report — an
unknown unit or column, a repeated one, a cell that is not a number, a value outside
its range, a unit absent — so that :func:`leitai.io.tables.read_table` reads the table
again cell by cell and reports every problem exactly where it always has. What it
returns is what the cell-by-cell reading returns: the same values, targets,
adjustments and series, and the same cell of every value (looked up when asked).
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Iterator, Mapping
from itertools import compress, repeat
from typing import TYPE_CHECKING, Any

import numpy as np

from leitai.engine.data import NumberError, PeriodData, parse_flag, parse_number
from leitai.engine.problems import Where

if TYPE_CHECKING:
    from leitai.engine import Scheme
    from leitai.io.tables import Sheet

__all__ = ["column_numbers", "wide_period_data"]

# A plain ASCII decimal number (parse_number's _PLAIN without Unicode digits).
_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_PLAIN_NUMBER = re.compile(_NUMBER)


def column_numbers(cells: list[Any]) -> np.ndarray | None:
    """The numbers of a column of cells (nan where missing); None if a cell is not one.

    Cells of plain decimal text (a CSV) or of numbers (a workbook), with empty cells,
    are converted at once; a column with any other cell is read cell by cell by
    :func:`~leitai.engine.data.parse_number`. A non-finite number is not a number.

    >>> column_numbers(["1.5", "", "2e3"]).tolist()
    [1.5, nan, 2000.0]
    >>> column_numbers(["1,234", "５%", "—"]).tolist()
    [1234.0, 5.0, nan]
    >>> column_numbers(["12,3"]) is None
    True
    """
    kinds = list(map(type, cells))
    types = set(kinds)
    if types <= {str}:
        numbers = _plain_numbers(cells)
        if numbers is not None:
            return None if np.isinf(numbers).any() else numbers
    elif types <= {str, float, int}:
        # numbers and empty cells (a workbook): numpy converts them at once
        is_text = list(map(operator.is_, kinds, repeat(str)))
        if set(compress(cells, is_text)) <= {""}:
            empty = list(compress(range(len(cells)), is_text))
            if empty:
                cells = list(cells)
                for k in empty:
                    cells[k] = math.nan
            numbers = np.array(cells, dtype=np.float64)
            finite = np.isfinite(numbers)
            finite[empty] = True
            return numbers if finite.all() else None
    try:
        parsed = [parse_number(None if cell == "" else cell) for cell in cells]
    except NumberError:
        return None
    return np.array([math.nan if n is None else n for n in parsed], dtype=np.float64)


def _plain_numbers(cells: list[str]) -> np.ndarray | None:
    """A column of plain ASCII decimal texts (or empty cells) as numbers, or None.

    A text of nothing but digits, ``.``, ``e``, ``E``, ``+`` and ``-`` that ``float()``
    reads is one of :data:`_PLAIN_NUMBER` (``float()`` reads the same language over these
    characters: no spaces, underscores, ``inf`` or ``nan`` can be written with them), so
    ``float()``, as :func:`~leitai.engine.data.parse_number` reads it, gives the very
    same number; nan only where the cell is empty. A cell holding a line break (a
    quoted CSV cell) is not plain.
    """
    text = "\n".join(cells)
    if text.count("\n") != len(cells) - 1 or not text.isascii():
        return None
    if text.encode("ascii").translate(None, b"0123456789.eE+-\n"):
        return None  # another character
    try:
        return np.fromiter(
            map(float, [cell or "nan" for cell in cells]), np.float64, count=len(cells)
        )
    except ValueError:  # "1.2.3", "e5", "+" ...: parse_number says what is wrong
        return None


class _Locations(Mapping[tuple[str, str], Where]):
    """The cell of every (unit, indicator) of a wide table, made when asked for."""

    def __init__(self, sheet: Sheet, rows: dict[str, int], columns: dict[str, int]) -> None:
        self.sheet, self.rows, self.columns = sheet, rows, columns
        self.headers: dict[int, str] = {}

    def __getitem__(self, key: tuple[str, str]) -> Where:
        unit, name = key
        column = self.columns[name]
        if column not in self.headers:
            self.headers[column] = self.sheet.header_text(column)
        where = self.sheet.cell(self.rows[unit], column, self.headers[column])
        assert where is not None
        return where

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return ((unit, name) for unit in self.rows for name in self.columns)

    def __len__(self) -> int:
        return len(self.rows) * len(self.columns)


def wide_period_data(
    sheet: Sheet,
    rows: list[list[Any]],
    header: list[str],
    offset: int,
    scheme: Scheme,
    *,
    require_all_units: bool,
) -> PeriodData | None:
    """A wide table's data, or None when reading it cell by cell would report anything.

    ``rows`` are the table's rows from its header on, ``header`` their canonical
    header and ``offset`` the blank rows above it (as :func:`leitai.io.tables.iter_records`
    takes them).
    """
    from leitai.io.tables import LABEL_COLUMNS, TARGET_SUFFIX, _blank

    skip = int(sheet.meta.get("header_rows", "1") or 1)
    body = [(r + 1 + offset, row) for r, row in enumerate(rows) if r >= skip and not _blank(row)]
    columns = [(i, h) for i, h in enumerate(header) if i > 0 and h and h not in LABEL_COLUMNS]
    targets = {h[: -len(TARGET_SUFFIX)]: i for i, h in columns if h.endswith(TARGET_SUFFIX)}
    named = {h: i for i, h in columns if not h.endswith(TARGET_SUFFIX)}
    units = {u: k for k, u in enumerate(scheme.unit_ids)}
    width = max((len(row) for _, row in body), default=0)
    unit_rows: dict[str, int] = {}
    for number, row in body:
        cell = row[0]
        unit = cell.strip() if isinstance(cell, str) else None
        if unit not in units or unit in unit_rows:
            return None
        unit_rows[unit] = number
    if len(named) != sum(1 for _, h in columns if not h.endswith(TARGET_SUFFIX)):
        return None  # a column repeated
    if require_all_units and len(unit_rows) != len(units):
        return None

    table = list(zip(*[row + [""] * (width - len(row)) for _, row in body], strict=True))

    def column(i: int) -> list[Any]:
        return list(table[i]) if i < width else [""] * len(body)

    order = np.array([units[u] for u in unit_rows], dtype=np.intp)
    arrays = _columns(scheme, named, targets, column, order, width)
    if arrays is None:
        return None
    values, targets_array, series, adjustments = arrays
    return PeriodData(
        scheme_id=scheme.id,
        values=values,
        targets=targets_array,
        series=series,
        adjustments=adjustments,
        source=sheet.name,
        locations=_Locations(sheet, unit_rows, named),
    )


def _columns(
    scheme: Scheme,
    named: dict[str, int],
    targets: dict[str, int],
    column: Any,
    order: np.ndarray,
    width: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]] | None:
    """The arrays of PeriodData from the named columns; None at the first problem."""
    indicators = scheme.all_indicators()
    index = {ind.id: j for j, ind in enumerate(indicators)}
    series_ids = {s.id: k for k, s in enumerate(scheme.series)}
    kinds = {a.id: a.kind for a in scheme.adjustments}
    n = len(scheme.unit_ids)
    values = np.full((n, len(indicators)), np.nan)
    target_values = np.full((n, len(indicators)), np.nan)
    series = np.full((n, len(series_ids)), np.nan)
    adjustments: dict[str, np.ndarray] = {
        a: (np.zeros(n, dtype=bool) if kind == "veto" else np.full(n, np.nan))
        for a, kind in kinds.items()
    }
    for name, i in named.items():
        if name in kinds and kinds[name] == "veto":
            try:
                adjustments[name][order] = [parse_flag(c or None) for c in column(i)]
            except NumberError:
                return None
            continue
        if name not in index and name not in kinds and name not in series_ids:
            return None
        numbers = column_numbers(column(i))
        if numbers is None:
            return None
        if name in series_ids:
            series[order, series_ids[name]] = numbers
        elif name in kinds:
            adjustments[name][order] = numbers
        else:
            j = index[name]
            if not _plausible(indicators[j], numbers):
                return None
            values[order, j] = numbers
            t = targets.get(name)
            if t is not None and t < width:
                given = column_numbers(column(t))
                if given is None:
                    return None
                if scheme.resolved(indicators[j])[0] == "target" and (given <= 0).any():
                    return None
                target_values[order, j] = given
    return values, target_values, series, adjustments


def _plausible(indicator: Any, numbers: np.ndarray) -> bool:
    """Whether no value is outside the indicator's range or, where it must be, not whole."""
    present = numbers[~np.isnan(numbers)]
    if indicator.range is not None:
        low, high = indicator.range
        if low is not None and (present < low).any():
            return False
        if high is not None and (present > high).any():
            return False
    return not (indicator.integer and (present != np.floor(present)).any())
