"""Reading a person's file in bounded memory and time, before anything parses it.

Every reader of tables (a period's data, targets and actuals, a template read back,
COINr's CSV files) opens files through this module. A file is refused *before* a
parser sees it when it is larger than :class:`Limits` allow; an XLSX workbook is a zip
whose members are checked one by one (count, uncompressed size, compression ratio,
names, no DTD or entity declaration, no external link) before openpyxl opens it. Rows
are then streamed (openpyxl's read-only mode with the declared dimension ignored), and
the reading stops at the first row, column, cell or length beyond the limits. Every
failure, including any exception of the parsing library, becomes a located
:class:`~leitai.engine.problems.Problem`; nothing here lets a library error through.

Why openpyxl's streaming reader and not python-calamine: calamine is about 13 times
faster (0.5 s against 6.9 s for a 5 MB, 600,000-cell sheet), but it builds a dense
rectangle of every sheet before handing back a row, so one cell at XFD1048576 makes it
ask for 512 GB and abort the whole process (a Rust allocation abort that no ``except``
catches). openpyxl hands rows over one at a time, so the reading can stop at the limit.

>>> sheet = read_sheet(b"unit,indicator,value\\r\\nshinan,gdp,1.5\\r\\n", filename="a.csv")
>>> sheet.rows
[['unit', 'indicator', 'value'], ['shinan', 'gdp', '1.5']]
"""

from __future__ import annotations

import csv
import io
import math
import operator
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from itertools import chain, compress, repeat
from typing import IO, Any

from leitai.engine.errors import DataError
from leitai.engine.problems import Problem, Where

__all__ = [
    "FileRefused",
    "Limits",
    "RawSheet",
    "check_attachment",
    "read_bounded",
    "read_sheet",
    "read_sheet_fast",
    "read_text",
]

MB = 1024 * 1024
Source = str | os.PathLike[str] | bytes | IO[bytes]
META_SHEET = "_leitai"
XLSX_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
# The upload policy, one for every app: the tables people upload (templates, targets) ...
TABLE_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".txt")
# ... and the attachments (evidence, an objection's file): documents (including China's OFD
# and WPS formats), spreadsheets, slides, scans and archives of them.
ATTACHMENT_SUFFIXES = frozenset(
    [
        ".pdf",
        ".ofd",
        ".jpg",
        ".jpeg",
        ".png",
        ".webp",
        ".doc",
        ".docx",
        ".wps",
        ".xls",
        ".xlsx",
        ".et",
        ".ppt",
        ".pptx",
        ".dps",
        ".txt",
        ".csv",
        ".zip",
        ".rar",
        ".7z",
    ]
)
_RATIO_FLOOR = 1 * MB  # members smaller than this are never refused for their ratio
_DTD = re.compile(rb"<!\s*(doctype|entity)", re.IGNORECASE)


class FileRefused(DataError):
    """A file refused before or while reading it; ``problems`` says why and where."""


@dataclass(frozen=True)
class Limits:
    """How much of a file leitai reads; the web layer overrides these from settings.

    Attributes
    ----------
    max_bytes : int
        The largest file, as sent.
    max_unzipped_bytes : int
        The largest total of an XLSX workbook's members once uncompressed.
    max_ratio : int
        The largest compression ratio of a member over 1 MB (a normal sheet is 5-20).
    max_members : int
        The most members a workbook's zip may hold.
    max_rows, max_columns, max_cells : int
        The most rows (counted as the sheet numbers them), columns and filled cells.
    max_cell_chars : int
        The longest cell (Excel's own limit is 32,767 characters).
    max_name_chars : int
        The longest file name of an attachment.
    max_attachment_bytes : int
        The largest attachment (evidence, an objection's file).
    """

    max_bytes: int = 5 * MB
    max_unzipped_bytes: int = 60 * MB
    max_ratio: int = 100
    max_members: int = 200
    max_rows: int = 100_000
    max_columns: int = 1_000
    max_cells: int = 1_000_000
    max_cell_chars: int = 32_767
    max_name_chars: int = 200
    max_attachment_bytes: int = 10 * MB

    @classmethod
    def from_settings(cls, settings: Any) -> Limits:
        """Limits with each ``LEITAI_UPLOAD_<FIELD>`` setting that is set (e.g. ``..._MAX_BYTES``)."""
        changes = {}
        for f in fields(cls):
            value = getattr(settings, f"LEITAI_UPLOAD_{f.name.upper()}", None)
            if value is not None:
                changes[f.name] = int(value)
        return cls(**changes)


DEFAULT_LIMITS = Limits()


@dataclass
class RawSheet:
    """The rows of one sheet (or a CSV file) as read, with their own row numbers."""

    rows: list[list[Any]]
    name: str
    sheet: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    numbers: list[int] = field(default_factory=list)


def _refuse(code: str, name: str, **params: Any) -> FileRefused:
    where = {k: params.pop(k) for k in ("sheet", "row", "cell", "column") if k in params}
    return FileRefused(Problem(code, Where(file=name, **where), params))


def _mb(size: int) -> str:
    return f"{size / MB:g}"


def display_name(source: Source, filename: str | None, default: str = "<upload>") -> str:
    if filename:
        return filename
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    return default


# ---------------------------------------------------------------------------
# Bytes


def read_bounded(source: Source, *, name: str, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The bytes of ``source``, refused before reading when larger than ``limits.max_bytes``."""
    limit = limits.max_bytes
    if isinstance(source, bytes):
        data = source
    elif hasattr(source, "read"):
        data = source.read(limit + 1)  # type: ignore[union-attr]
    else:
        try:
            if os.stat(source).st_size > limit:  # type: ignore[arg-type]
                raise _refuse("file.too_large", name, limit_mb=_mb(limit))
            with open(source, "rb") as handle:  # type: ignore[arg-type]
                data = handle.read(limit + 1)
        except OSError:
            raise _refuse("file.unreadable", name) from None
    if len(data) > limit:
        raise _refuse("file.too_large", name, limit_mb=_mb(limit))
    if not data:
        raise _refuse("file.empty", name)
    return data


def check_attachment(name: str, size: int | None, *, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse an attachment whose name or size is beyond the limits (before its type)."""
    if len(name) > limits.max_name_chars:
        raise _refuse(
            "file.name_too_long", name[:40] + "…", limit=limits.max_name_chars, found=len(name)
        )
    if size is not None and size > limits.max_attachment_bytes:
        raise _refuse("file.too_large", name, limit_mb=_mb(limits.max_attachment_bytes))
    if size == 0:
        raise _refuse("file.empty", name)


# ---------------------------------------------------------------------------
# Text (CSV)


def read_text(data: bytes, *, name: str) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with a BOM, or GBK/GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        if b"\x00" in data:
            raise _refuse("file.binary", name)
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise _refuse("file.binary", name)
        return text
    raise _refuse("file.encoding", name)


def _delimiter(text: str) -> str:
    """The delimiter of the first non-blank line: the most frequent of comma, tab, semicolon."""
    for line in io.StringIO(text[: 64 * 1024], newline=""):
        if line.strip():
            counts = {d: line.count(d) for d in ",\t;"}
            best = max(counts, key=lambda d: counts[d])
            return best if counts[best] else ","
    return ","


def _csv_rows(data: bytes, name: str, limits: Limits) -> RawSheet:
    text = read_text(data, name=name)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[list[Any]] = []
    numbers: list[int] = []
    cells = 0
    previous_end = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            line = reader.line_num
            if "field larger" in str(error):
                raise _refuse(
                    "file.cell_too_long", name, row=line, limit=limits.max_cell_chars
                ) from None
            raise _refuse("file.csv_malformed", name, row=line) from None
        number = previous_end + 1  # a quoted field may span lines: the line it starts on
        previous_end = reader.line_num
        cells += _check_row(values, number, name, None, limits, cells)
        rows.append(values)
        numbers.append(number)
    return RawSheet(rows, name, None, {}, numbers)


def _check_row(
    values: list[Any], number: int, name: str, sheet: str | None, limits: Limits, cells: int
) -> int:
    """Refuse a row beyond the limits; returns its count of filled cells."""
    while values and (values[-1] is None or values[-1] == ""):
        values.pop()
    if not values and number <= limits.max_rows:
        return 0  # an empty row (a million of them in a bomb): nothing more to look at
    filled = _row_within(values, number, limits, cells)
    if filled is not None:
        return filled
    return _refuse_row(values, number, name, sheet, limits, cells)


def _row_within(
    values: list[Any], number: int, limits: Limits, cells: int, *, measured: bool = False
) -> int | None:
    """The count of filled cells of a row plainly within the limits, or None to look closer.

    Trailing empty cells are dropped, as :func:`_refuse_row` drops them; the rest is
    counted and measured by builtins, without a step per cell in Python.
    """
    while values and (values[-1] is None or values[-1] == ""):
        values.pop()
    if number > limits.max_rows or len(values) > limits.max_columns:
        return None
    filled = len(values) - values.count("") - values.count(None)
    if cells + filled > limits.max_cells:
        return None
    if measured:
        return filled
    try:
        longest = max(map(len, values), default=0)  # a row of text (a CSV)
    except TypeError:
        longest = max(map(len, [v for v in values if isinstance(v, str)]), default=0)
        if not all(map(math.isfinite, [v for v in values if isinstance(v, float)])):
            return None
    return filled if longest <= limits.max_cell_chars else None


def _refuse_row(
    values: list[Any], number: int, name: str, sheet: str | None, limits: Limits, cells: int
) -> int:
    """:func:`_check_row` cell by cell, refusing at the first cell beyond the limits."""
    if number > limits.max_rows:
        raise _refuse("file.too_many_rows", name, sheet=sheet, row=number, limit=limits.max_rows)
    while values and (values[-1] is None or values[-1] == ""):
        values.pop()
    if len(values) > limits.max_columns:
        raise _refuse(
            "file.too_many_columns", name, sheet=sheet, row=number, limit=limits.max_columns
        )
    filled = 0
    for k, value in enumerate(values):
        if value is None or value == "":
            continue
        filled += 1
        if isinstance(value, str):
            if len(value) > limits.max_cell_chars:
                raise _refuse(
                    "file.cell_too_long",
                    name,
                    sheet=sheet,
                    row=number,
                    cell=_cell_ref(k, number) if sheet else None,
                    limit=limits.max_cell_chars,
                )
        elif isinstance(value, float) and not math.isfinite(value):
            raise _refuse(
                "file.not_finite", name, sheet=sheet, row=number, cell=_cell_ref(k, number)
            )
    if cells + filled > limits.max_cells:
        raise _refuse("file.too_many_cells", name, sheet=sheet, row=number, limit=limits.max_cells)
    return filled


def _cell_ref(index: int, row: int) -> str:
    """``B7`` for the column at 0-based ``index`` of row 7 (the letters openpyxl's
    ``get_column_letter`` gives, without importing openpyxl for a CSV).

    >>> _cell_ref(0, 7), _cell_ref(26, 1), _cell_ref(18277, 2)
    ('A7', 'AA1', 'ZZZ2')
    """
    number = index + 1
    if not 1 <= number <= 18278:  # as openpyxl: up to ZZZ
        raise ValueError(f"Invalid column index {number}")
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


# ---------------------------------------------------------------------------
# XLSX


def _check_zip(data: bytes, name: str, limits: Limits, *, contents: bool = True) -> None:
    """Refuse a workbook whose zip could exhaust memory or time, before openpyxl opens it.

    ``contents=False`` leaves out the XML members' text (:func:`_check_xml`), for a
    reader that checks each member's whole text itself (:func:`_plain_xml`).
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise _refuse("file.not_xlsx", name) from None
    with archive:
        if len(members) > limits.max_members:
            raise _refuse("file.zip_members", name, limit=limits.max_members)
        total = 0
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > _RATIO_FLOOR and ratio > limits.max_ratio:
                raise _refuse("file.zip_ratio", name, limit=limits.max_ratio)
            total += member.file_size
            if total > limits.max_unzipped_bytes:
                raise _refuse(
                    "file.unzipped_too_large", name, limit_mb=_mb(limits.max_unzipped_bytes)
                )
            path = member.filename.replace("\\", "/")
            if path.startswith("/") or ".." in path.split("/") or ":" in path:
                raise _refuse("file.zip_path", name)
            if member.flag_bits & 0x1:
                raise _refuse("file.encrypted", name)
            if path.lower().startswith("xl/externallinks/"):
                raise _refuse("file.external_link", name)
        for member in members if contents else []:
            if member.filename.lower().endswith((".xml", ".rels", ".vml")):
                _check_xml(archive, member, name)


def _check_xml(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> None:
    """Refuse a DTD or entity declaration, and XML that is not UTF-8 (where one could hide)."""
    try:
        with archive.open(member) as handle:
            tail = b""
            first = True
            while chunk := handle.read(1 * MB):
                if first:
                    start = chunk.lstrip(b"\xef\xbb\xbf \t\r\n")
                    if start and not start.startswith(b"<"):
                        raise _refuse("file.xml_encoding", name)
                    first = False
                if _DTD.search(tail + chunk):
                    raise _refuse("file.dtd", name)
                tail = chunk[-16:]
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError):
        raise _refuse("file.not_xlsx", name) from None
    except Exception as error:  # zlib.error and other decompression failures
        if isinstance(error, FileRefused):
            raise
        raise _refuse("file.not_xlsx", name) from None


def _plain_xml(xml: bytes) -> bool:
    """Whether an XML member's whole text passes :func:`_check_xml` (UTF-8, no DTD)."""
    start = xml.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start and not start.startswith(b"<"):
        return False
    return b"<!" not in xml or not _DTD.search(xml)


def _xlsx_rows(
    data: bytes, name: str, limits: Limits, *, sheet: str | None, prefer: str | None
) -> RawSheet:
    _check_zip(data, name, limits)
    try:
        book = _open_book(data)
    except Exception:  # any failure of the library is the file's problem
        raise _refuse("file.not_xlsx", name) from None
    try:
        ws = _choose_sheet(book, name, sheet=sheet, prefer=prefer)
        meta = _read_meta(book, name, limits)
        rows, numbers = _stream(ws, name, limits)
        return RawSheet(rows, name, ws.title, meta, numbers)
    finally:
        book.close()


def _open_book(data: bytes) -> Any:
    """openpyxl's read-only workbook, whose sheets never look for a declared dimension.

    openpyxl looks for ``<dimension>`` when it opens a sheet and, when there is none,
    parses the whole sheet to find out (2 s and 100 MB for a million empty rows)
    before the first row is read; the dimension may lie anyway, so it is not read.
    """
    from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class Sheet(ReadOnlyWorksheet):  # type: ignore[misc]
        def _get_size(self) -> None:
            self._max_row = self._max_column = None

    class Reader(ExcelReader):  # type: ignore[misc]
        def read_strings(self) -> None:
            part = self.package.find(SHARED_STRINGS)
            if part is not None:
                with self.archive.open(part.PartName[1:]) as source:
                    self.shared_strings = _shared_strings(source)

        def read_worksheets(self) -> None:
            for sheet, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                    continue
                ws = Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
                ws.sheet_state = sheet.state
                self.wb._sheets.append(ws)

    reader = Reader(
        io.BytesIO(data), read_only=True, keep_vba=False, data_only=False, keep_links=False
    )
    reader.read()
    return reader.wb


def _shared_strings(source: Any) -> list[str]:
    """openpyxl's ``read_string_table``, with the usual entry read directly.

    openpyxl builds a ``Text`` object of every entry (1.3 s of CPU for a table of 200,000
    strings; 0.5 s here): an entry without attributes whose elements are all plain ``<t>``
    is the text of its last ``<t>``, as openpyxl reads it; any other (rich text runs,
    phonetic guides, attributes, no element) is still read by openpyxl's ``Text``.
    """
    from openpyxl.cell.text import Text
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    entry, plain = f"{{{SHEET_MAIN_NS}}}si", f"{{{SHEET_MAIN_NS}}}t"
    strings = []
    for _event, node in iterparse(source):
        if node.tag == entry:
            elements = list(node)
            if elements and not node.attrib and all(e.tag == plain for e in elements):
                text = elements[-1].text or ""
            else:
                text = Text.from_tree(node).content
            strings.append(text.replace("x005F_", ""))
            node.clear()
    return strings


def _choose_sheet(book: Any, name: str, *, sheet: str | None, prefer: str | None) -> Any:
    visible = [ws for ws in book.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
    if sheet is not None:
        match = [ws for ws in visible if ws.title == sheet]
        if not match:
            raise _refuse("file.no_sheet", name, sheet=sheet)
        return match[0]
    visible = [ws for ws in visible if ws.title != META_SHEET]
    if not visible:
        raise _refuse("file.no_visible_sheet", name)
    return next((ws for ws in visible if ws.title == prefer), visible[0])


def _read_meta(book: Any, name: str, limits: Limits) -> dict[str, str]:
    if META_SHEET not in book.sheetnames:
        return {}
    rows, _numbers = _stream(book[META_SHEET], name, limits)
    meta = {}
    for row in rows[:50]:
        if row and row[0] is not None:
            meta[str(row[0])] = "" if len(row) < 2 or row[1] is None else str(row[1])
    header_rows = meta.get("header_rows", "1") or "1"
    try:
        number = float(header_rows)
        ok = number.is_integer() and 1 <= number <= 50
    except ValueError:
        ok = False
    if not ok:
        raise _refuse("file.bad_header_rows", name, sheet=META_SHEET, found=header_rows[:40])
    meta["header_rows"] = str(int(number))
    return meta


def _stream(ws: Any, name: str, limits: Limits) -> tuple[list[list[Any]], list[int]]:
    """The sheet's rows, streamed, each checked against the limits as it comes."""
    ws.reset_dimensions()  # the declared dimension may claim the whole sheet
    rows: list[list[Any]] = []
    numbers: list[int] = []
    cells = 0
    visited = 0  # cells looked at, empty ones included: a row may reach column XFD
    number = 0
    iterator: Iterator[Any] = iter(ws.iter_rows())
    while True:
        try:
            row = next(iterator)
        except StopIteration:
            break
        except FileRefused:
            raise
        except Exception:  # a cell the library cannot read ("NaN" as a number ...)
            raise _refuse("file.bad_cell", name, sheet=ws.title, row=number + 1) from None
        number += 1
        if number > limits.max_rows:
            raise _refuse(
                "file.too_many_rows", name, sheet=ws.title, row=number, limit=limits.max_rows
            )
        visited += len(row)
        if visited > 4 * limits.max_cells:
            raise _refuse(
                "file.too_many_cells", name, sheet=ws.title, row=number, limit=limits.max_cells
            )
        values = []
        for k, cell in enumerate(row):
            if getattr(cell, "data_type", None) == "f":
                raise _refuse(
                    "file.formula", name, sheet=ws.title, row=number, cell=_cell_ref(k, number)
                )
            values.append(getattr(cell, "value", None))
        cells += _check_row(values, number, name, ws.title, limits, cells)
        rows.append(values)
        numbers.append(number)
    return rows, numbers


# ---------------------------------------------------------------------------
# XLSX, column-wise (python-calamine), where nothing in the sheet needs the stream

_NEGATIVE_ZERO = re.compile(rb"<v>\s*-[0.]+(?:[eE][-+]?[0-9]+)?\s*</v>")


def _xlsx_fast(data: bytes, name: str, limits: Limits, prefer: str | None) -> RawSheet | None:
    """The sheet read whole by calamine, or None when the streaming reader must read it.

    The zip is checked first (:func:`_check_zip`, as for the streaming reader). calamine
    builds a dense rectangle of a sheet (see the module's note), so it reads only a
    workbook whose every sheet (every member holding sheet data, wherever it is) has a
    reference on each row and cell, an extent within ``limits`` (rows, columns, and
    rows x columns within four times the cells) and no formula (the streaming reader
    refuses them); whose sheets are all worksheets; and whose cells are within the
    limits. Anything else is left to the streaming reader, which says what is wrong.
    The sheet is chosen as :func:`_choose_sheet` chooses it, the template's settings
    read as :func:`_read_meta` reads them.
    """
    _check_zip(data, name, limits, contents=False)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.infolist():
                path = member.filename.lower()
                if path.endswith((".xml", ".rels", ".vml")):
                    xml = archive.read(member)  # once: checked as _check_xml checks it
                    sheet = path.endswith(".xml") and b"sheetData" in xml
                    if not _plain_xml(xml) or (sheet and not _plain_extent(xml, limits)):
                        return None
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        title = _calamine_sheet(workbook, prefer)
        meta = _calamine_meta(workbook, name, limits)
        if title is None or meta is None:
            return None
        rows = workbook.get_sheet_by_name(title).to_python(skip_empty_area=False)
        numbers = list(range(1, len(rows) + 1))
        _check_rows(rows, numbers, name, title, limits)
    except Exception:  # any doubt (a refusal included): the streaming reader decides
        return None
    return RawSheet(rows, name, title, meta, numbers)


def _calamine_sheet(workbook: Any, prefer: str | None) -> str | None:
    """The sheet :func:`_choose_sheet` would read, when every sheet is a worksheet."""
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    sheets = workbook.sheets_metadata
    if any(sheet.typ != SheetTypeEnum.WorkSheet for sheet in sheets):
        return None
    visible = [
        sheet.name
        for sheet in sheets
        if sheet.visible == SheetVisibleEnum.Visible and sheet.name != META_SHEET
    ]
    if not visible:
        return None
    return prefer if prefer in visible else visible[0]


def _calamine_meta(workbook: Any, name: str, limits: Limits) -> dict[str, str] | None:
    """The template's settings as :func:`_read_meta` reads them; None where in doubt."""
    if META_SHEET not in workbook.sheet_names:
        return {}
    rows = workbook.get_sheet_by_name(META_SHEET).to_python(skip_empty_area=False)
    _check_rows(rows, list(range(1, len(rows) + 1)), name, META_SHEET, limits)
    meta = {}
    for row in rows[:50]:
        if not row or row[0] == "":
            continue
        value = row[1] if len(row) > 1 else ""
        if not isinstance(row[0], str) or not isinstance(value, str):
            return None  # a number's text may differ between the readers
        meta[row[0]] = value
    try:
        number = float(meta.get("header_rows", "1") or "1")
    except ValueError:
        return None
    if not (number.is_integer() and 1 <= number <= 50):
        return None
    meta["header_rows"] = str(int(number))
    return meta


def _plain_extent(xml: bytes, limits: Limits) -> bool:
    """Whether calamine may read this sheet: references everywhere, extent bounded, no formula.

    The tags are told apart all at once (numpy, one pass over the text): a formula
    (``<f``) anywhere, or a cell (``<c``) or row (``<row``) without a reference of its
    own, leaves the sheet to the streaming reader, as does an extent beyond ``limits``.
    """
    import numpy as np

    if b":sheetData" in xml or _NEGATIVE_ZERO.search(xml):
        return False  # calamine hands a whole number over as an int: -0.0 would be 0
    a = _padded(xml)
    at = np.flatnonzero(a[:-5] == ord("<"))  # every tag with five bytes after it
    ends = _byte_table(b">/" + _WHITE)  # what may end a tag's name
    first, second = a[at + 1], a[at + 2]
    named = ends[second]  # a name of one letter
    if ((first == ord("f")) & named).any():
        return False
    cells = int(np.count_nonzero((first == ord("c")) & named))
    row_tags = (first == ord("r")) & (second == ord("o")) & (a[at + 3] == ord("w"))
    rows = int(np.count_nonzero(row_tags & ends[a[at + 4]]))
    if rows > limits.max_rows or cells > 4 * limits.max_cells:
        return False
    references = _references(a)
    if references.size != cells + rows:
        return False  # a cell or row without its reference: its place is implicit
    extent = _extent(a, references)
    if extent is None:
        return False
    rows, columns = extent
    return (
        rows <= limits.max_rows
        and columns <= limits.max_columns
        and rows * columns <= 4 * limits.max_cells
    )


_WHITE = b" \t\n\r\x0b\x0c"  # what \s matches in bytes


def _padded(xml: bytes) -> Any:
    """The bytes of ``xml`` as a numpy array (a view, not a copy)."""
    import numpy as np

    return np.frombuffer(xml, dtype=np.uint8)


def _byte_table(members: bytes) -> Any:
    """A table of the 256 bytes, True for ``members`` (``table[array]`` tells them all)."""
    import numpy as np

    table = np.zeros(256, dtype=bool)
    table[np.frombuffer(members, dtype=np.uint8)] = True
    return table


def _references(a: Any) -> Any:
    """Where the value of every ``r="`` after white space starts in the bytes ``a``."""
    import numpy as np

    at = np.flatnonzero(a[1:-3] == ord("r")) + 1  # 'r' with a byte before and three after
    at = at[(a[at + 1] == ord("=")) & (a[at + 2] == ord('"'))]
    return at[_byte_table(_WHITE)[a[at - 1]]] + 3


def _references_extent(xml: bytes) -> tuple[int, int] | None:
    """The largest row and column named by any ``r="..."`` after white space in ``xml``.

    Every such attribute (a row's, a cell's, or one anywhere else) counts, and must be
    a reference (``B7`` or, for a row, ``7``: up to three letters and seven digits);
    None where one is not, or where there is none.
    """
    a = _padded(xml)
    return _extent(a, _references(a))


def _extent(a: Any, at: Any) -> tuple[int, int] | None:
    """The largest row and column of the references starting at ``at`` in the bytes ``a``.

    All at once (numpy), without a step per cell in Python: of the references with the
    most digits (letters), the digits (letters) compared as big-endian integers compare
    the rows (columns); only the largest is read. 300,000 cells in 15 ms, against 0.18 s
    for regular expressions over every cell.
    """
    import numpy as np

    if not at.size or at[-1] > a.size - 12:
        return None  # none, or one without room for a reference before the text ends
    window = np.lib.stride_tricks.sliding_window_view(a, 12)[at]  # the bytes after r="
    letter = (window >= ord("A")) & (window <= ord("Z"))
    digit = (window >= ord("0")) & (window <= ord("9"))
    letters = np.argmin(letter, axis=1)  # the first byte that is not a letter
    end = np.argmax(~digit & (np.arange(12) >= letters[:, None]), axis=1)  # and not a digit
    quote = window[np.arange(at.size), end] == ord('"')
    digits = end - letters
    if not (quote & (letters <= 3) & (digits >= 1) & (digits <= 7)).all():
        return None
    most = int(letters.max())
    column = _largest(a, at[letters == most], most)
    most = int(digits.max())
    longest = digits == most
    row = _largest(a, at[longest] + letters[longest], most)
    return int(row), _column_index(column.decode())


def _largest(a: Any, starts: Any, width: int) -> bytes:
    """The largest of the texts of ``width`` bytes (up to 7) at ``starts`` in ``a``."""
    import numpy as np

    if not width:
        return b""
    field = np.zeros((starts.size, 8), dtype=np.uint8)
    field[:, 8 - width :] = np.lib.stride_tricks.sliding_window_view(a, width)[starts]
    return bytes(field[int(np.argmax(field.view(">u8").ravel())), 8 - width :])


def _column_index(letters: str) -> int:
    """``A`` is 1, ``AA`` 27 (and no letters 0)."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index


def _check_rows(
    rows: list[list[Any]], numbers: list[int], name: str, sheet: str | None, limits: Limits
) -> None:
    """Refuse rows beyond the limits, as :func:`_check_row` does one row at a time.

    The cells' lengths and numbers are measured all at once first; a row is looked at
    cell by cell only when something may be beyond the limits.
    """
    cells_all = list(chain.from_iterable(rows))
    kinds = list(map(type, cells_all))
    texts = list(compress(cells_all, map(operator.is_, kinds, repeat(str))))
    floats = compress(cells_all, map(operator.is_, kinds, repeat(float)))
    measured = max(map(len, texts), default=0) <= limits.max_cell_chars and all(
        map(math.isfinite, floats)
    )
    total = len(cells_all) - texts.count("") - kinds.count(type(None))
    if measured and total <= limits.max_cells:
        # No row can bring the count beyond the limit: only each row's place and width
        # are looked at (after its empty cells at the end are dropped, as below).
        for values, number in zip(rows, numbers, strict=True):
            while values and (values[-1] is None or values[-1] == ""):
                values.pop()
            if number > limits.max_rows or len(values) > limits.max_columns:
                _refuse_row(values, number, name, sheet, limits, 0)
        return
    cells = 0
    for values, number in zip(rows, numbers, strict=True):
        filled = _row_within(values, number, limits, cells, measured=measured)
        cells += (
            _refuse_row(values, number, name, sheet, limits, cells) if filled is None else filled
        )


# ---------------------------------------------------------------------------
# The one entrance


def read_sheet_fast(
    source: Source,
    *,
    filename: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    prefer: str | None = None,
) -> tuple[RawSheet | None, bytes]:
    """The rows of a CSV or XLSX file read whole (a workbook by calamine), and its bytes.

    The same refusals as :func:`read_sheet`; the sheet is None when a workbook is one
    only the streaming reader may read (see :func:`_xlsx_fast`): read ``bytes`` with
    :func:`read_sheet` then.
    """
    name = display_name(source, filename)
    data = read_bounded(source, name=name, limits=limits)
    if data[:4] == b"PK\x03\x04" or name.lower().endswith(XLSX_SUFFIXES):
        return _xlsx_fast(data, name, limits, prefer), data
    return read_sheet(data, filename=name, limits=limits, prefer=prefer), data


def read_sheet(
    source: Source,
    *,
    filename: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    sheet: str | None = None,
    prefer: str | None = None,
    csv_only: bool = False,
) -> RawSheet:
    """Read the rows of a CSV or XLSX file within ``limits``.

    Parameters
    ----------
    source : path, bytes or binary file
    filename : str, optional
        The name a person gave the file (used in messages and to tell the format).
    limits : Limits
    sheet : str, optional
        The visible sheet to read; by default ``prefer`` if visible, else the first
        visible sheet.
    prefer : str, optional
        The sheet to read when present and visible (the template's sheet).
    csv_only : bool
        Read only a CSV text (COINr's tables); a workbook or another binary is refused.

    Raises
    ------
    FileRefused
        With one located problem: the file is too large, damaged, a zip bomb, has a
        DTD, a formula, a cell that is not a finite number, too many rows ...
    """
    name = display_name(source, filename)
    data = read_bounded(source, name=name, limits=limits)
    lower = name.lower()
    if csv_only:
        if data[:4] == b"PK\x03\x04" or lower.endswith((*XLSX_SUFFIXES, ".xls")):
            raise _refuse("file.wrong_type", name)
        return _csv_rows(data, name, limits)
    if data[:4] == b"PK\x03\x04" or lower.endswith(XLSX_SUFFIXES):
        return _xlsx_rows(data, name, limits, sheet=sheet, prefer=prefer)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or lower.endswith(".xls"):
        raise _refuse("file.old_xls", name)
    if lower.endswith((".xlsb", ".ods", ".numbers", ".pdf", ".doc", ".docx", ".zip")):
        raise _refuse("file.wrong_type", name)
    return _csv_rows(data, name, limits)
