"""The one writer of the spreadsheets and CSV files leitai hands out: text stays text.

A unit's, board's or indicator's name, an objection's text or a reported value is
written by a person; a text beginning with ``=`` ``+`` ``-`` ``@``, a tab or a carriage
return would be run as a formula by a spreadsheet that opens the export (CSV or
formula injection). Every export goes through this module, which follows the OWASP
rule:

- in CSV, such a text is prefixed with a single quote (``'=1+1``), so that a
  spreadsheet shows it as text;
- in XLSX, the cell is written as a string (never as a formula) and marked with
  Excel's own quote prefix, so that it stays text even when edited.

A plain number written as text (``-5``, ``+3.2``) is left alone: it is a number to a
spreadsheet, not a formula. Numbers are written as numbers.

>>> csv_value("=1+1"), csv_value("-5"), csv_value(3.5)
("'=1+1", '-5', 3.5)
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import IO, Any

__all__ = [
    "FORMULA_STARTS",
    "append_row",
    "csv_text",
    "csv_value",
    "is_formula_like",
    "write_csv",
    "xlsx_value_cell",
]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def is_formula_like(value: Any) -> bool:
    """Whether a spreadsheet could take ``value`` for a formula (a text, not a plain number)."""
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _PLAIN_NUMBER.fullmatch(value)
    )


# ---------------------------------------------------------------------------
# CSV


def csv_value(value: Any) -> Any:
    """A cell for :mod:`csv`: a formula-like text gets a leading single quote."""
    if value is None:
        return ""
    if is_formula_like(value):
        return "'" + value
    return value


def write_csv(
    handle: IO[str],
    rows: Iterable[Sequence[Any]],
    *,
    header: Sequence[Any] | None = None,
    lineterminator: str = "\n",
) -> None:
    """Write ``rows`` (after ``header``) as CSV to a text handle."""
    plain = csv.writer(handle, lineterminator=lineterminator)
    # csv quotes a field holding a line break only if the break is in ``lineterminator``:
    # a row with a CR or LF in a text is written with every text quoted.
    quoted = csv.writer(handle, lineterminator=lineterminator, quoting=csv.QUOTE_NONNUMERIC)
    for row in [header] if header is not None else []:
        _write_row(plain, quoted, row)
    for row in rows:
        _write_row(plain, quoted, row)


def _write_row(plain: Any, quoted: Any, row: Sequence[Any]) -> None:
    # csv_value of each cell, a step in Python only for a text that may be a formula
    values = ["" if v is None else v for v in row]
    texts = [k for k, v in enumerate(values) if isinstance(v, str)]
    for k in texts:
        if values[k].startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(values[k]):
            values[k] = "'" + values[k]
    joined = "".join([values[k] for k in texts])
    breaks = "\r" in joined or "\n" in joined
    (quoted if breaks else plain).writerow(values)


def csv_text(
    rows: Iterable[Sequence[Any]],
    *,
    header: Sequence[Any] | None = None,
    bom: bool = False,
    lineterminator: str = "\n",
) -> str:
    """The CSV text of ``rows``; ``bom`` adds a byte-order mark for Excel."""
    buffer = io.StringIO()
    if bom:
        buffer.write("\ufeff")
    write_csv(buffer, rows, header=header, lineterminator=lineterminator)
    return buffer.getvalue()


# ---------------------------------------------------------------------------
# XLSX (openpyxl)


def _as_text(cell: Any) -> Any:
    if is_formula_like(cell.value):
        cell.data_type = "s"  # never "f": the writer then stores it as a string
        cell.quotePrefix = True
    return cell


def xlsx_value_cell(sheet: Any, value: Any) -> Any:
    """A cell of a write-only sheet holding ``value``, text kept as text."""
    from openpyxl.cell import WriteOnlyCell

    return _as_text(WriteOnlyCell(sheet, value))


def append_row(sheet: Any, row: Sequence[Any]) -> None:
    """Append ``row`` to an openpyxl sheet (ordinary or write-only), text kept as text."""
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    if isinstance(sheet, WriteOnlyWorksheet):
        sheet.append([xlsx_value_cell(sheet, v) for v in row])
        return
    sheet.append(list(row))
    if any(is_formula_like(v) for v in row):
        for cell in sheet[sheet._current_row]:
            _as_text(cell)
