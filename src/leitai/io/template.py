"""Data-collection workbooks (填报模板) that :func:`leitai.io.read_table` reads back as they are.

Sheet 数据填报: row 1 holds the machine-readable column ids (``unit``, ``name``,
indicator, target, adjustment and series ids), rows 2 to 4 the name, unit of
measure and direction a person reads, then a row per unit. A hidden sheet
``_leitai`` records the scheme id, version and hash and the number of header rows.
Sheet 指标说明 lists every indicator's 口径, 数据来源, 责任部门 and 联系人, and the name
cell of each indicator column carries the same as a cell comment. Nothing written is a
formula (text that looks like one is stored as text).
"""

from __future__ import annotations

import math
import os
from collections.abc import Collection, Mapping, Sequence
from typing import IO, Any

from leitai.engine import Scheme
from leitai.i18n import translations
from leitai.i18n.words import aside_text, label
from leitai.io.export import append_row
from leitai.io.tables import META_SHEET, TARGET_SUFFIX, TEMPLATE_SHEET

__all__ = ["template_columns", "write_template"]

HEADER_ROWS = 4
NOTE_FIELDS = ("definition", "source", "department", "contact")


def template_columns(scheme: Scheme, lang: str = "zh") -> list[dict[str, Any]]:
    """The data columns of the template: id, name, unit of measure, direction text, kind."""
    columns: list[dict[str, Any]] = []
    for indicator in scheme.all_indicators():
        if indicator.from_ is not None:
            continue  # its value comes from another period's result (spec section 11)
        method, direction, _ = scheme.resolved(indicator)
        columns.append(
            {
                "id": indicator.id,
                "name": indicator.name,
                "measure": indicator.unit or "",
                "direction": label(direction, lang),
                "kind": "value",
                "notes": indicator.notes,
            }
        )
        if method == "target":
            columns.append(
                {
                    "id": indicator.id + TARGET_SUFFIX,
                    "name": indicator.name + aside_text(label("target", lang), lang),
                    "measure": indicator.unit or "",
                    "direction": "> 0",
                    "kind": "target",
                }
            )
    for adjustment in scheme.adjustments:
        if adjustment.kind == "veto":
            choices = f"{label('yes', lang)}/{label('no', lang)}"
            rule = label("veto", lang) + aside_text(choices, lang)
        else:
            rule = f"{label(adjustment.kind, lang)} 0–{adjustment.max_points:g}"
        columns.append(
            {
                "id": adjustment.id,
                "name": adjustment.name,
                "measure": "",
                "direction": rule,
                "kind": adjustment.kind,
                "max": adjustment.max_points,
            }
        )
    for series in scheme.series:
        columns.append(
            {
                "id": series.id,
                "name": series.name,
                "measure": series.unit or "",
                "direction": "",
                "kind": "series",
            }
        )
    return columns


def write_template(
    scheme: Scheme,
    target: str | os.PathLike[str] | IO[bytes],
    *,
    units: Sequence[str] | None = None,
    values: Mapping[str, Mapping[str, Any]] | None = None,
    period: str | None = None,
    lang: str = "zh",
    keys: Collection[str] | None = None,
) -> None:
    """Write a data-collection workbook for ``scheme``.

    Parameters
    ----------
    units : list of unit ids, optional
        Only these units' rows (e.g. one reporter's unit); default all.
    values : mapping unit -> column id -> value, optional
        Values to fill in (e.g. what a unit already reported).
    period : str, optional
        Recorded in the workbook.
    keys : collection of str, optional
        Only these indicators' columns (with their targets), e.g. those a department
        supplies for every unit, or those a unit reports itself; default all.

    Examples
    --------
    >>> import io
    >>> from leitai.engine import load_scheme
    >>> from leitai.demo import demo_periods
    >>> scheme = load_scheme(demo_periods()[-1].scheme_path)
    >>> buffer = io.BytesIO()
    >>> write_template(scheme, buffer, keys=["gdp_growth", "retail_growth"])
    >>> from openpyxl import load_workbook
    >>> sheet = load_workbook(buffer)["数据填报"]
    >>> [c.value for c in sheet[1]]
    ['unit', 'name', 'gdp_growth', 'retail_growth']
    >>> sheet.max_row - 4  # one row per unit
    10
    """
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    columns = template_columns(scheme, lang)
    if keys is not None:
        wanted = set(keys)
        columns = [c for c in columns if c["id"].removesuffix(TARGET_SUFFIX) in wanted]
    chosen = [u for u in scheme.units if units is None or u.id in units]
    book = Workbook()
    sheet = book.active
    sheet.title = TEMPLATE_SHEET
    append_row(sheet, ["unit", "name", *[c["id"] for c in columns]])
    append_row(sheet, [label("unit_id", lang), label("unit", lang), *[c["name"] for c in columns]])
    append_row(sheet, [label("measure", lang), "", *[c["measure"] for c in columns]])
    append_row(sheet, [label("direction", lang), "", *[c["direction"] for c in columns]])
    values = values or {}
    for unit in chosen:
        row = values.get(unit.id, {})
        append_row(sheet, [unit.id, unit.name, *[_as_number(row.get(c["id"])) for c in columns]])

    _style_header(sheet)
    first, last = HEADER_ROWS + 1, HEADER_ROWS + max(len(chosen), 1)
    for i, column in enumerate(columns, start=3):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = 16
        rule = _validation(column, lang)
        sheet.add_data_validation(rule)
        rule.add(f"{letter}{first}:{letter}{last}")
    sheet.freeze_panes = f"C{first}"
    _add_notes(book, sheet, columns, lang)
    _meta_sheet(book, scheme, chosen, period)
    if isinstance(target, str | os.PathLike):
        book.save(os.fspath(target))
    else:
        book.save(target)


def _style_header(sheet: Any) -> None:
    """The four header rows: ids in grey, names white on red, measure and direction."""
    from openpyxl.styles import Alignment, Font, PatternFill

    grey = PatternFill("solid", fgColor="D9D9D9")
    red = PatternFill("solid", fgColor="C00000")
    for cell in sheet[1]:
        cell.font = Font(color="808080", size=9)
        cell.fill = grey
    for cell in sheet[2]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = red
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for r in (3, 4):
        for cell in sheet[r]:
            cell.font = Font(italic=True, color="595959", size=9)
            cell.alignment = Alignment(wrap_text=True, horizontal="center")
    sheet.row_dimensions[2].height = 48
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["B"].width = 22


def _validation(column: Mapping[str, Any], lang: str) -> Any:
    """The data validation of a column: yes/no for a veto, 0..max for a bonus or a
    deduction, a (warned) number otherwise, with the name and measure as the prompt."""
    from openpyxl.worksheet.datavalidation import DataValidation

    if column["kind"] == "veto":
        rule = DataValidation(
            type="list",
            formula1=f'"{label("no", lang)},{label("yes", lang)}"',
            allow_blank=True,
        )
    elif column["kind"] in ("bonus", "deduction"):
        rule = DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2=f"{column['max']:g}",
            allow_blank=True,
        )
    else:
        rule = DataValidation(
            type="decimal",
            operator="between",
            formula1="-1E+15",
            formula2="1E+15",
            allow_blank=True,
        )
        # A warning, not a stop: people write "-" or "N/A" for a missing value.
        rule.errorStyle = "warning"
    rule.error = f"{column['name']}: {column['direction']}"
    rule.prompt = f"{column['name']} {column['measure']}".strip()
    rule.showInputMessage = True
    rule.showErrorMessage = True
    return rule


def _meta_sheet(book: Any, scheme: Scheme, chosen: Sequence[Any], period: str | None) -> None:
    """The hidden sheet that ties the workbook to the scheme's version, period and units."""
    meta = book.create_sheet(META_SHEET)
    for key, value in (
        ("scheme_id", scheme.id),
        ("scheme_version", scheme.version),
        ("scheme_sha256", scheme.sha256),
        ("period", period or ""),
        ("header_rows", HEADER_ROWS),
        ("units", ",".join(u.id for u in chosen)),
    ):
        append_row(meta, [key, value])
    meta.sheet_state = "hidden"


def _note_text(notes: Mapping[str, str], lang: str) -> str:
    colon = translations(lang).gettext(": ")
    return "\n".join(f"{label(f, lang)}{colon}{notes[f]}" for f in NOTE_FIELDS if f in notes)


def _add_notes(book: Any, sheet: Any, columns: list[dict[str, Any]], lang: str) -> None:
    """The 指标说明 sheet and a comment on each indicator's name cell (row 2)."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font

    notes = book.create_sheet(label("notes_sheet", lang))
    append_row(
        notes,
        [label("indicator_id", lang), label("indicator", lang), label("measure", lang)]
        + [label(f, lang) for f in NOTE_FIELDS],
    )
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for i, column in enumerate(columns, start=3):
        if column["kind"] != "value":
            continue
        given = column.get("notes") or {}
        append_row(
            notes,
            [column["id"], column["name"], column["measure"]]
            + [given.get(f, "") for f in NOTE_FIELDS],
        )
        if given:
            comment = Comment(_note_text(given, lang), "leitai")
            comment.width, comment.height = 320, 160
            sheet.cell(row=2, column=i).comment = comment
    for letter, width in zip("ABCDEFG", (18, 28, 10, 60, 24, 18, 24), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _as_number(value: Any) -> Any:
    """A stored figure as a number cell when it reads back as the same text.

    Figures are stored as the text people entered ("6.1", "28"); written as text, Excel
    flags every cell ("数字以文本形式存储"). Only text whose number prints back
    identically becomes a number, so that an unchanged template uploads unchanged
    ("1.20", "111.0" or "007" stay text).

    >>> _as_number("6.1"), _as_number("28"), _as_number("1.20"), _as_number("111.0")
    (6.1, 28, '1.20', '111.0')
    """
    if not isinstance(value, str):
        return value
    for kind in (int, float):
        try:
            number = kind(value)
        except ValueError:
            continue
        # "111.0" would read back as "111": a whole float stays text.
        whole_float = isinstance(number, float) and number.is_integer()
        if str(number) == value and math.isfinite(number) and not whole_float:
            return number
    return value
