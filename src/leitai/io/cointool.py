"""The JRC COIN Tool's Excel workbook (.xlsm/.xlsx) read into COINr's tables.

The COIN Tool (the EU Joint Research Centre's Excel tool for composite indicators)
keeps its data on the sheet ``Database`` and its aggregates on ``Framework``, in the
layout COINr's ``import_coin_tool`` reads (docs/methods.md, section H):

``Database``, one column per indicator from column E (at most to CY):

- row 7 the weight, row 8 the direction (1 or -1), rows 9 and 10 the goalposts (not
  read: COINr does not read them either);
- row 11 the index code, row 12 the sub-index, row 13 the pillar, row 14 the
  sub-pillar code of the indicator's aggregates; row 15 its name, row 16 its code;
- from row 17 (at most to 315) one unit per row: its name in column B, its code in
  column C, its values below the indicators' codes (empty or ``n/a`` for missing).

``Framework``, one aggregate per row below the header in row 4 (rows 5-52): its code
in column C (``--`` for an empty row), its weight in column E, its name in column H.

An aggregate level whose code is the same for every indicator (a level the tool's
user did not use) is left out, as COINr does, except the index. Codes become leitai
ids with ``.`` written ``_`` (``p.Conn`` is ``p_Conn``). Every cell is read as stored
(no formula is evaluated: a formula is refused, as in every workbook leitai reads);
every problem names the sheet and the cell.
"""

from __future__ import annotations

import math
import os
import re
from typing import Any

from leitai.engine.errors import DataError
from leitai.engine.problems import Problem, Where, number_text
from leitai.io.coinr import CoinrTables, _Node
from leitai.io.files import RawSheet, _cell_ref, read_sheet

__all__ = ["read_coin_tool"]

DATABASE, FRAMEWORK = "Database", "Framework"
FIRST_COLUMN, LAST_COLUMN = 4, 102  # E .. CY
FIRST_UNIT, LAST_UNIT = 17, 315
WEIGHT, DIRECTION, INDEX, SUBINDEX, PILLAR, SUBPILLAR, NAME, CODE = 7, 8, 11, 12, 13, 14, 15, 16
LEVELS = (SUBPILLAR, PILLAR, SUBINDEX, INDEX)  # lowest first
NAME_COLUMN, CODE_COLUMN = 1, 2  # B, C
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class _Sheet:
    """A sheet's cells by row and column as stored, with located problems."""

    def __init__(self, raw: RawSheet) -> None:
        self.raw = raw
        self.rows = dict(zip(raw.numbers or range(1, len(raw.rows) + 1), raw.rows, strict=True))

    def get(self, row: int, column: int) -> Any:
        cells = self.rows.get(row) or []
        value = cells[column] if column < len(cells) else None
        return value.strip() if isinstance(value, str) else value

    def text(self, row: int, column: int) -> str:
        value = self.get(row, column)
        if value is None:
            return ""
        return number_text(value) if isinstance(value, float) else str(value)

    def problem(self, what: str, row: int, column: int, /, **params: Any) -> Problem:
        where = Where(
            file=self.raw.name, sheet=self.raw.sheet, row=row, cell=_cell_ref(column, row)
        )
        return Problem(what, where, params)


def _number(sheet: _Sheet, row: int, column: int, errors: list[Problem]) -> float | None:
    value = sheet.get(row, column)
    if value is None or value == "" or (isinstance(value, str) and value.lower() == "n/a"):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        errors.append(sheet.problem("number.not_a_number", row, column, found=str(value)[:40]))
        return None
    return float(value)


def _code(text: str) -> str:
    return text.replace(".", "_")


def read_coin_tool(path: str | os.PathLike[str]) -> CoinrTables:
    """Read a COIN Tool workbook into COINr's tables (:class:`leitai.io.coinr.CoinrTables`),
    ready for :func:`leitai.io.coinr.scheme_document`.

    Raises
    ------
    FileRefused
        A file that is not a workbook, has no sheet ``Database`` or ``Framework``,
        holds a formula, or is too large (the limits of every workbook).
    DataError
        Every problem of the layout, with its sheet and cell: an indicator without a
        code, a code that cannot be an id or appears twice, a weight that is not above
        0, a direction other than 1 or -1, an aggregate missing from the framework or
        under two parents, a value that is not a number, no unit.
    """
    name = os.fspath(path)
    database = _Sheet(read_sheet(path, filename=name, sheet=DATABASE))
    framework = _Sheet(read_sheet(path, filename=name, sheet=FRAMEWORK))
    errors: list[Problem] = []
    columns = _indicator_columns(database, errors)
    aggregates = _framework(framework, errors)
    nodes = _tree(database, columns, aggregates, errors)
    units = _units(database, columns, errors)
    if errors:
        raise DataError(errors)
    return CoinrTables(nodes=nodes, groups=[], denominators={}, units=units)


def _indicator_columns(sheet: _Sheet, errors: list[Problem]) -> dict[int, str]:
    """Column -> indicator code, for every column with a code in row 16."""
    out: dict[int, str] = {}
    seen: dict[str, int] = {}
    for column in range(FIRST_COLUMN, LAST_COLUMN + 1):
        code = sheet.text(CODE, column)
        if not code:
            continue
        if not _ID.match(_code(code)):
            errors.append(sheet.problem("coinr.bad_code", CODE, column, found=code[:64]))
        elif _code(code) in seen:
            errors.append(sheet.problem("coinr.twice", CODE, column, found=code))
        else:
            seen[_code(code)] = column
            out[column] = _code(code)
    if not out:
        errors.append(sheet.problem("cointool.no_indicators", CODE, FIRST_COLUMN))
    return out


def _framework(sheet: _Sheet, errors: list[Problem]) -> dict[str, tuple[str, float, int]]:
    """Aggregate code -> (name, weight, row) from the framework sheet."""
    out: dict[str, tuple[str, float, int]] = {}
    for row in range(5, 53):
        code = sheet.text(row, 2)
        if not code or code == "--":
            continue
        weight = _number(sheet, row, 4, errors)
        if weight is None or weight <= 0:
            found = sheet.text(row, 4)
            errors.append(sheet.problem("coinr.weight", row, 4, code=code, found=found))
            continue
        out[_code(code)] = (sheet.text(row, 7) or code, weight, row)
    return out


def _used_levels(sheet: _Sheet, columns: dict[int, str]) -> list[int]:
    """The aggregate rows in use, lowest first: a level with one code for every
    indicator is not (the index always is)."""
    used = []
    for row in LEVELS:
        codes = {sheet.text(row, c) for c in columns}
        if row == INDEX or len(codes) > 1:
            used.append(row)
    return used


def _tree(
    sheet: _Sheet,
    columns: dict[int, str],
    aggregates: dict[str, tuple[str, float, int]],
    errors: list[Problem],
) -> dict[str, _Node]:
    """Indicators and aggregates as COINr's nodes, each aggregate under one parent."""
    levels = _used_levels(sheet, columns)
    nodes: dict[str, _Node] = {}
    for column, code in columns.items():
        before = len(errors)
        weight = _number(sheet, WEIGHT, column, errors)
        direction = _number(sheet, DIRECTION, column, errors)
        if weight is None or weight <= 0:
            found = sheet.text(WEIGHT, column)
            errors.append(sheet.problem("coinr.weight", WEIGHT, column, code=code, found=found))
        if direction not in (1.0, -1.0):
            found = sheet.text(DIRECTION, column)
            errors.append(sheet.problem("coinr.direction", DIRECTION, column, found=found))
        chain = [_code(sheet.text(row, column)) for row in levels]
        for row, aggregate in zip(levels, chain, strict=True):
            if not aggregate:
                errors.append(sheet.problem("cointool.no_aggregate", row, column, code=code))
        if len(errors) > before:
            continue
        nodes[code] = _Node(
            code=code,
            name=sheet.text(NAME, column) or code,
            level=1,
            weight=float(weight or 1.0),
            parent=chain[0],
            direction=int(direction or 1),
        )
        _link(nodes, chain, aggregates, (sheet, column, levels), errors)
    for code, node in nodes.items():
        if node.parent is not None and node.parent in nodes:
            nodes[node.parent].children.append(code)
    return nodes


def _link(
    nodes: dict[str, _Node],
    chain: list[str],
    aggregates: dict[str, tuple[str, float, int]],
    at: tuple[_Sheet, int, list[int]],
    errors: list[Problem],
) -> None:
    """The aggregates of one indicator's chain, each with its parent (the next one)."""
    sheet, column, levels = at
    for k, code in enumerate(chain):
        parent = chain[k + 1] if k + 1 < len(chain) else None
        if code in nodes:
            if nodes[code].parent != parent:
                errors.append(
                    sheet.problem(
                        "cointool.two_parents", levels[k], column, code=code,
                        first=nodes[code].parent or "", found=parent or "",
                    )
                )  # fmt: skip
            continue
        if code not in aggregates:
            errors.append(sheet.problem("cointool.not_in_framework", levels[k], column, code=code))
            continue
        name, weight, _row = aggregates[code]
        nodes[code] = _Node(code=code, name=name, level=k + 2, weight=weight, parent=parent)


def _units(sheet: _Sheet, columns: dict[int, str], errors: list[Problem]) -> list[dict[str, Any]]:
    units: list[dict[str, Any]] = []
    seen: set[str] = set()
    for row in range(FIRST_UNIT, LAST_UNIT + 1):
        code = sheet.text(row, CODE_COLUMN)
        values = {ind: _number(sheet, row, column, errors) for column, ind in columns.items()}
        if not code:
            if any(v is not None for v in values.values()) or sheet.text(row, NAME_COLUMN):
                errors.append(sheet.problem("coinr.no_code", row, CODE_COLUMN))
            continue
        if not _ID.match(code):
            errors.append(sheet.problem("coinr.bad_code", row, CODE_COLUMN, found=code[:64]))
        elif code in seen:
            errors.append(sheet.problem("coinr.twice", row, CODE_COLUMN, found=code))
        else:
            seen.add(code)
            name = sheet.text(row, NAME_COLUMN) or code
            units.append({"code": code, "name": name, "groups": {}, "values": values})
    if not units:
        errors.append(sheet.problem("cointool.no_units", FIRST_UNIT, CODE_COLUMN))
    return units
