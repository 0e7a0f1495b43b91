"""Read a period's data table, long or wide, CSV or XLSX (spec section 7).

Cells are handed to the engine as :class:`~leitai.engine.Record` objects that
carry their location (file, sheet, row, column), so every error a person sees
points at the cell to fix. Nothing is returned from a table with any error.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Iterator
from typing import IO, Any

from leitai.engine import DataError, PeriodData, Record, Scheme
from leitai.engine.problems import Problem, Where
from leitai.io.files import (
    DEFAULT_LIMITS,
    Limits,
    _cell_ref,
    display_name,
    read_bounded,
    read_sheet,
    read_sheet_fast,
    read_text,
)

__all__ = [
    "TEMPLATE_SHEET",
    "iter_records",
    "read_previous",
    "read_result",
    "read_rows",
    "read_table",
]

TEMPLATE_SHEET = "数据填报"
META_SHEET = "_leitai"
ALIASES = {
    "unit": {"unit", "单位", "单位代码", "被考核单位"},
    "indicator": {"indicator", "指标", "指标代码", "项目"},
    "value": {"value", "数值", "值", "完成值"},
    "target": {"target", "目标", "目标值"},
}
LABEL_COLUMNS = {"name", "单位名称", "名称"}
TARGET_SUFFIX = ".target"

Source = str | os.PathLike[str] | bytes | IO[bytes]


class Sheet:
    """Rows of cells with a way to name each cell for messages."""

    def __init__(
        self, rows: list[list[Any]], name: str, sheet: str | None, meta: dict[str, str]
    ) -> None:
        self.rows = rows
        self.name = name
        self.sheet = sheet
        self.meta = meta

    def where(self, row: int) -> Where:
        """A row as the spreadsheet shows it (1-based, header included)."""
        return Where(file=self.name, sheet=self.sheet, row=row)

    def cell(self, row: int, column: int | None, header: Any = None) -> Where | None:
        """A cell: its reference (``D6``) and its column's header as written in the file."""
        if column is None:
            return None
        if header is None:
            header = self.header_text(column)
        return self.where(row).but(cell=_cell_ref(column, row), column=header or None)

    def header_text(self, column: int) -> str:
        """The header of a column as written in the file.

        The first non-blank row; in a workbook made by ``leitai template`` (several
        header rows) the row of names a person reads, when it has one for the column.
        """
        rows = [row for row in self.rows[:10] if not _blank(row)]
        texts = [_text(row[column] if column < len(row) else None) for row in rows[:2]]
        if int(self.meta.get("header_rows", "1") or 1) > 1 and len(texts) > 1 and texts[1]:
            return texts[1]
        return texts[0] if texts else ""


def read_rows(
    source: Source, *, filename: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Sheet:
    """Read the first visible (or the template's) sheet of a CSV or XLSX file into rows.

    The file is opened within ``limits`` by :func:`leitai.io.files.read_sheet`.
    """
    raw = read_sheet(source, filename=filename, limits=limits, prefer=TEMPLATE_SHEET)
    return Sheet(raw.rows, raw.name, raw.sheet, raw.meta)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _blank(row: Iterable[Any]) -> bool:
    return all(cell is None or str(cell).strip() == "" for cell in row)


def _canonical(header: Any) -> str:
    text = "" if header is None else str(header).strip()
    for key, names in ALIASES.items():
        if text.lower() in names:
            return key
    return text


def iter_records(sheet: Sheet, *, leave_out: Collection[int] = ()) -> Iterator[Record]:
    """The table's cells as records; a wide table's columns ``leave_out`` are left out."""
    rows = sheet.rows
    while rows and _blank(rows[0]):
        rows = rows[1:]
    if not rows:
        raise DataError(Problem("table.empty", Where(file=sheet.name, sheet=sheet.sheet), {}))
    offset = len(sheet.rows) - len(rows)
    header = [_canonical(h) for h in rows[0]]
    raw_header = [sheet.header_text(i) for i in range(len(rows[0]))]
    skip = int(sheet.meta.get("header_rows", "1") or 1)
    first_data = skip
    if {"unit", "indicator", "value"} <= set(header):
        col = {key: header.index(key) for key in ("unit", "indicator", "value")}
        target = header.index("target") if "target" in header else None
        for r in range(first_data, len(rows)):
            row = rows[r]
            if _blank(row):
                continue
            number = r + 1 + offset

            def get(i: int | None, row: list[Any] = row) -> Any:
                return row[i] if i is not None and i < len(row) else None

            yield Record(
                unit=get(col["unit"]),
                indicator=get(col["indicator"]),
                value=get(col["value"]),
                target=get(target),
                where=sheet.where(number),
                value_at=sheet.cell(number, col["value"], raw_header[col["value"]]),
                target_at=sheet.cell(
                    number, target, None if target is None else raw_header[target]
                ),
                unit_at=sheet.cell(number, col["unit"], raw_header[col["unit"]]),
                indicator_at=sheet.cell(number, col["indicator"], raw_header[col["indicator"]]),
            )
        return
    if header[0] != "unit":
        raise DataError(
            Problem(
                "table.no_header",
                Where(file=sheet.name, sheet=sheet.sheet, row=1 + offset),
                {"found": [h for h in raw_header[:4]]},
            )
        )
    columns = [(i, h) for i, h in enumerate(header) if i > 0 and h and h not in LABEL_COLUMNS]
    targets = {h[: -len(TARGET_SUFFIX)]: i for i, h in columns if h.endswith(TARGET_SUFFIX)}
    columns = [(i, h) for i, h in columns if i not in leave_out]
    for r in range(first_data, len(rows)):
        row = rows[r]
        if _blank(row):
            continue
        number = r + 1 + offset
        for i, indicator in columns:
            if indicator.endswith(TARGET_SUFFIX):
                continue
            t = targets.get(indicator)
            yield Record(
                unit=row[0],
                indicator=indicator,
                value=row[i] if i < len(row) else None,
                target=row[t] if t is not None and t < len(row) else None,
                where=sheet.where(number),
                value_at=sheet.cell(number, i, raw_header[i]),
                target_at=sheet.cell(number, t, None if t is None else raw_header[t]),
                unit_at=sheet.cell(number, 0, raw_header[0]),
                indicator_at=sheet.cell(number, i, raw_header[i]),
            )


def _head(sheet: Sheet) -> tuple[list[list[Any]], int, list[str]] | None:
    """The rows from the header on, the blank rows above it, and the canonical header."""
    rows = sheet.rows
    offset = 0
    while offset < len(rows) and _blank(rows[offset]):
        offset += 1
    if offset == len(rows):
        return None
    rows = rows[offset:]
    return rows, offset, [_canonical(h) for h in rows[0]]


def _fast(sheet: Sheet, scheme: Scheme, require_all_units: bool) -> PeriodData | None:
    """A wide table's data read column by column, or None (see :mod:`leitai.io.columns`)."""
    from leitai.io.columns import wide_period_data

    meta_scheme = sheet.meta.get("scheme_id")
    head = _head(sheet)
    if (meta_scheme and meta_scheme != scheme.id) or head is None:
        return None
    rows, offset, header = head
    if {"unit", "indicator", "value"} <= set(header) or header[0] != "unit":
        return None
    return wide_period_data(
        sheet, rows, header, offset, scheme, require_all_units=require_all_units
    )


def _unknown_columns(sheet: Sheet, scheme: Scheme) -> tuple[list[Problem], set[int]]:
    """A wide table's columns that name nothing of the scheme: a problem each, at its header."""
    head = _head(sheet)
    if head is None:
        return [], set()
    _rows, offset, header = head
    if {"unit", "indicator", "value"} <= set(header) or header[0] != "unit":
        return [], set()
    known = {i.id for i in scheme.all_indicators()}
    known |= {a.id for a in scheme.adjustments} | {s.id for s in scheme.series}
    problems, columns = [], set()
    for i, name in enumerate(header):
        if i == 0 or not name or name in LABEL_COLUMNS or name.endswith(TARGET_SUFFIX):
            continue
        if name not in known:
            at = sheet.cell(offset + 1, i)
            problems.append(Problem("data.unknown_indicator", at or Where(), {"indicator": name}))
            columns.add(i)
    return problems, columns


def _once(problems: list[Problem]) -> list[Problem]:
    """Problems without repeats (a wide table's unknown unit is one problem per row)."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for problem in problems:
        key = (problem.code, problem.where, repr(sorted(problem.params.items())))
        if key not in seen:
            seen.add(key)
            out.append(problem)
    return out


def read_table(
    source: Source,
    scheme: Scheme,
    *,
    filename: str | None = None,
    require_all_units: bool = True,
    fast: bool = True,
) -> PeriodData:
    """Read and check a period's data table against ``scheme``.

    Parameters
    ----------
    source : path, bytes or binary file
        A CSV (UTF-8 or GBK) or XLSX file, in long form (columns unit, indicator,
        value and optional target) or wide form (unit, then a column per indicator,
        adjustment or series id; ``<id>.target`` columns give targets). A workbook
        made by ``leitai template`` is read as it is.
    scheme : Scheme
    filename : str, optional
        The name to use in messages (for uploads).
    require_all_units : bool
        Whether every unit of the scheme must appear (False for one unit's upload).
    fast : bool
        Read a wide table column by column (a workbook with calamine) when it has
        nothing to report; False reads every table cell by cell. Both give the same
        data, and a table with any problem is always read again cell by cell, so the
        problems are those of the cell-by-cell reading.

    Raises
    ------
    DataError
        Listing every problem with its file, row and column; nothing is returned from a
        table that has any. An unknown column of a wide table is one problem, at its
        header; an unknown unit, one per row.
    """
    if fast:
        name = display_name(source, filename)
        sheet_read, raw = read_sheet_fast(source, filename=name, prefer=TEMPLATE_SHEET)
        if sheet_read is not None:
            sheet = Sheet(sheet_read.rows, sheet_read.name, sheet_read.sheet, sheet_read.meta)
            period = _fast(sheet, scheme, require_all_units)
            if period is not None:
                return period
        source, filename = raw, name
    sheet = read_rows(source, filename=filename)
    errors: list[Problem] = []
    meta_scheme = sheet.meta.get("scheme_id")
    if meta_scheme and meta_scheme != scheme.id:
        errors.append(
            Problem(
                "table.other_scheme",
                Where(file=sheet.name, sheet=sheet.sheet),
                {"made": meta_scheme, "wanted": scheme.id},
            )
        )
    unknown, leave_out = _unknown_columns(sheet, scheme)
    errors += unknown
    try:
        data = PeriodData.from_records(
            scheme,
            list(iter_records(sheet, leave_out=leave_out)),
            source=sheet.name,
            require_all_units=require_all_units,
        )
    except DataError as exc:
        raise DataError(_once(errors + exc.problems)) from None
    if errors:
        raise DataError(errors)
    return data


def read_previous(source: Source, *, filename: str | None = None) -> dict[str, Any]:
    """Read previous ranks from a JSON result (spec section 8) or a CSV with unit and rank.

    Returns unit id -> rank; where the source says each unit's group (a JSON result of
    spec section 10, a CSV with a ``group`` column), unit id -> ``{"rank", "group"}``,
    which :func:`leitai.engine.assess` reads to keep previous ranks within groups.
    """
    import json

    name = filename or (
        os.fspath(source) if isinstance(source, str | os.PathLike) else "<previous>"
    )
    text = read_text(read_bounded(source, name=name), name=name)
    if text.lstrip().startswith("{"):
        try:
            rows = json.loads(text)["results"]
            ranks: dict[str, int] = {str(row["unit"]): int(row["rank"]) for row in rows}
            groups: dict[str, Any] = {str(row["unit"]): row.get("group") for row in rows}
        except (ValueError, KeyError, TypeError, AttributeError):
            raise DataError(Problem("previous.not_a_result", Where(file=name), {})) from None
        return _with_groups(ranks, groups)
    rows = read_sheet(text.encode("utf-8"), filename=name).rows
    header = [_canonical(h) for h in rows[0]] if rows else []
    if "unit" not in header or "rank" not in header:
        raise DataError(Problem("previous.no_unit_rank", Where(file=name, row=1), {}))
    unit_col, rank_col = header.index("unit"), header.index("rank")
    group_col = next((c for c, h in enumerate(header) if h.lower() in ("group", "分类")), None)
    ranks = {}
    groups = {}
    errors = []
    for r, row in enumerate(rows[1:], start=2):
        if _blank(row):
            continue
        try:
            ranks[row[unit_col].strip()] = int(float(row[rank_col]))
        except (ValueError, IndexError, OverflowError):
            found = row[rank_col] if rank_col < len(row) else ""
            errors.append(
                Problem(
                    "previous.not_a_rank",
                    Where(file=name, row=r, column=rows[0][rank_col].strip()),
                    {"found": str(found)[:40], "unit": row[unit_col].strip() if row else ""},
                )
            )
            continue
        if group_col is not None:
            group = row[group_col].strip() if group_col < len(row) else ""
            groups[row[unit_col].strip()] = group or None
    if errors:
        raise DataError(errors)
    return _with_groups(ranks, groups)


def read_result(source: Source, *, filename: str | None = None) -> dict[str, Any]:
    """Read a result in the JSON form of spec section 8 (another period's, for ``from:``).

    Raises
    ------
    DataError
        ``previous.not_a_result`` where the file is not a JSON object with a list of
        ``results``.
    """
    import json

    name = filename or (os.fspath(source) if isinstance(source, str | os.PathLike) else "<result>")
    text = read_text(read_bounded(source, name=name), name=name)
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if not isinstance(document, dict) or not isinstance(document.get("results"), list):
        raise DataError(Problem("previous.not_a_result", Where(file=name), {}))
    return document


def _with_groups(ranks: dict[str, int], groups: dict[str, Any]) -> dict[str, Any]:
    """Ranks alone where no unit has a group, else ranks with groups."""
    if not any(g is not None for g in groups.values()):
        return dict(ranks)
    return {unit: {"rank": rank, "group": groups.get(unit)} for unit, rank in ranks.items()}
