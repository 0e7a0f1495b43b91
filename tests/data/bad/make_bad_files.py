"""Bad files that a person or an attacker may send to leitai, built on demand.

Each builder returns the bytes of one file; :data:`CORPUS` names every file with the
name it is sent under, its kind (``"xlsx"``, ``"csv"`` or ``"other"``: which entrances
it can reach) and the problem code the reading must report (``None`` when the file is
read and the problem is in its content, which the checks after reading report).
The bombs are built at test time into a temporary folder, never committed.

Usage: ``python tests/data/bad/make_bad_files.py OUT_DIR`` writes every file there.
"""

from __future__ import annotations

import functools
import io
import random
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PNS = "http://schemas.openxmlformats.org/package/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# The demo scheme's units and indicators (src/leitai/demo/scheme-2023-v1.yaml).
OWN = "shinan"
OTHER = "shibei"
INDICATORS = ["gdp_growth", "industry_growth", "investment_growth", "revenue_growth"]


# ---------------------------------------------------------------------------
# Building blocks


def _content_types(sheets: int, shared: bool, extra: str = "") -> str:
    parts = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, sheets + 1)
    )
    if shared:
        parts += (
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
    return (
        f'{HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{parts}{extra}</Types>"
    )


def cell(ref: str, value: object) -> str:
    if isinstance(value, str):
        text = value.replace("&", "&amp;").replace("<", "&lt;")
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def sheet_xml(rows: list[list[object]], *, dimension: str | None = None, prolog: str = "") -> str:
    """A worksheet with inline strings (row i of ``rows`` is sheet row i+1)."""
    body = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(cell(f"{_letters(k)}{r}", v) for k, v in enumerate(row) if v is not None)
        body.append(f'<row r="{r}">{cells}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'{HEAD}{prolog}<worksheet xmlns="{NS}">{dim}<sheetData>{"".join(body)}</sheetData></worksheet>'


def _letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def raw_xlsx(
    sheets: list[tuple[str, str, str]],
    *,
    extra: dict[str, bytes | str] | None = None,
    shared: str | None = None,
    workbook_extra: str = "",
) -> bytes:
    """A workbook written part by part: ``sheets`` are (name, sheet XML, state)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _content_types(len(sheets), shared is not None))
        z.writestr(
            "_rels/.rels",
            f'{HEAD}<Relationships xmlns="{PNS}"><Relationship Id="rId1" '
            f'Type="{RNS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        entries = "".join(
            f'<sheet name="{name}" sheetId="{i}" state="{state}" r:id="rId{i}"/>'
            for i, (name, _xml, state) in enumerate(sheets, start=1)
        )
        z.writestr(
            "xl/workbook.xml",
            f'{HEAD}<workbook xmlns="{NS}" xmlns:r="{RNS}"><sheets>{entries}</sheets>'
            f"{workbook_extra}</workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{RNS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        if shared is not None:
            rels += (
                f'<Relationship Id="rIdS" Type="{RNS}/sharedStrings" Target="sharedStrings.xml"/>'
            )
            z.writestr("xl/sharedStrings.xml", shared)
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{HEAD}<Relationships xmlns="{PNS}">{rels}</Relationships>',
        )
        for i, (_name, xml, _state) in enumerate(sheets, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def one_sheet(rows: list[list[object]], name: str = "数据填报", **kw: object) -> bytes:
    return raw_xlsx([(name, sheet_xml(rows, **kw), "visible")])  # type: ignore[arg-type]


def csv_bytes(rows: list[list[object]], *, newline: str = "\r\n", encoding: str = "utf-8") -> bytes:
    text = newline.join(",".join("" if v is None else str(v) for v in row) for row in rows)
    return (text + newline).encode(encoding)


HEADER = ["unit", "indicator", "value"]


def own_rows(bad: object = "x") -> list[list[object]]:
    """A reporter's own rows, the first value bad (so that the check names a cell)."""
    return [HEADER, [OWN, INDICATORS[0], bad], *[[OWN, k, 1.5] for k in INDICATORS[1:]]]


def openpyxl_book(build: Callable[[object], None]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    build(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------
# Bombs and large files (built at test time)


def dimension_bomb() -> bytes:
    """1.5 KB: the dimension claims the whole sheet, one cell in row 1,048,576."""
    xml = sheet_xml([], dimension="A1:XFD1048576").replace(
        "<sheetData></sheetData>",
        '<sheetData><row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData>',
    )
    return raw_xlsx([("数据填报", xml, "visible")])


def deflate_bomb(megabytes: int = 300) -> bytes:
    """About 300 KB holding 300 MB of compressed whitespace inside a cell."""
    out = io.BytesIO()
    base = zipfile.ZipFile(io.BytesIO(one_sheet([HEADER])))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in base.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                z.writestr(info.filename, base.read(info.filename))
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as handle:
            handle.write(f'{HEAD}<worksheet xmlns="{NS}"><sheetData><row r="1">'.encode())
            handle.write(b'<c r="A1" t="inlineStr"><is><t>')
            chunk = b" " * (1024 * 1024)
            for _ in range(megabytes):
                handle.write(chunk)
            handle.write(b"</t></is></c></row></sheetData></worksheet>")
    return out.getvalue()


def million_empty_rows() -> bytes:
    rows = "".join(f'<row r="{r}"/>' for r in range(1, 1_000_001))
    xml = f'{HEAD}<worksheet xmlns="{NS}"><sheetData>{rows}</sheetData></worksheet>'
    return raw_xlsx([("数据填报", xml, "visible")])


def other_unit_rows(rows: int = 8000) -> bytes:
    """183 KB: 8,000 rows of another unit's data, for a reporter's upload."""
    body = [[OTHER, f"indicator_{i}", i] for i in range(rows)]
    return csv_bytes([HEADER, *body])


def duplicated_rows(rows: int = 8000) -> bytes:
    body = [[OTHER, INDICATORS[i % 4], i] for i in range(rows)]
    return csv_bytes([HEADER, *body])


def _long_rows(target_bytes: int) -> list[list[object]]:
    rng = random.Random(7)
    rows: list[list[object]] = [HEADER]
    size = 0
    i = 0
    while size < target_bytes:
        row = [f"unit_{i % 97}", f"indicator_{i}", round(rng.random() * 1000, 3)]
        size += sum(len(str(v)) for v in row) + 4
        rows.append(row)
        i += 1
    return rows


def _wide_rows(count: int = 99_999) -> list[list[object]]:
    """Rows up to the row limit, with names long enough to make about 5 MB of CSV."""
    rng = random.Random(7)
    return [
        HEADER,
        *[
            [
                f"unit_name_{i % 97:04d}",
                f"indicator_name_{i:07d}",
                round(rng.random() * 1000, 3),
            ]
            for i in range(count)
        ],
    ]


def big_csv() -> bytes:
    """Just under 5 MB: 99,999 long-form rows (the row limit), most of unknown units."""
    return csv_bytes(_wide_rows())


def big_xlsx() -> bytes:
    """A workbook of 99,999 rows (the row limit), about 3 MB."""
    from openpyxl import Workbook

    rows = _wide_rows()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("数据填报")
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def wide_csv(columns: int = 16_384) -> bytes:
    return csv_bytes(
        [["unit", *[f"c{i}" for i in range(columns - 1)]], [OWN, *[1] * (columns - 1)]]
    )


def too_large_csv() -> bytes:
    return csv_bytes(_long_rows(6 * 1024 * 1024))


# ---------------------------------------------------------------------------
# Small bad files


def dtd_xlsx() -> bytes:
    prolog = "<!DOCTYPE worksheet [<!ELEMENT worksheet ANY>]>"
    return raw_xlsx([("数据填报", sheet_xml(own_rows(), prolog=prolog), "visible")])


def entity_expansion_xlsx() -> bytes:
    lol = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    prolog = f'<!DOCTYPE worksheet [<!ENTITY l0 "lol">{lol}]>'
    xml = sheet_xml([HEADER, [OWN, INDICATORS[0], "&l9;"]], prolog=prolog).replace(
        "&amp;l9;", "&l9;"
    )
    return raw_xlsx([("数据填报", xml, "visible")])


def external_entity_xlsx() -> bytes:
    prolog = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    xml = sheet_xml([HEADER, [OWN, INDICATORS[0], "&xxe;"]], prolog=prolog).replace(
        "&amp;xxe;", "&xxe;"
    )
    return raw_xlsx([("数据填报", xml, "visible")])


def dtd_in_workbook_xlsx() -> bytes:
    data = one_sheet(own_rows())
    return _replace_member(
        data,
        "xl/workbook.xml",
        lambda x: x.replace(
            b"<workbook", b'<!DOCTYPE workbook SYSTEM "http://127.0.0.1/x.dtd"><workbook', 1
        ),
    )


def _replace_member(data: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            content = source.read(info.filename)
            z.writestr(info.filename, change(content) if info.filename == name else content)
    return out.getvalue()


def long_cell_xlsx() -> bytes:
    return one_sheet([HEADER, [OWN, INDICATORS[0], "9" * 140_000]])


def long_cell_csv() -> bytes:
    return csv_bytes([HEADER, [OWN, INDICATORS[0], "9" * 140_000]])


def cr_only_csv() -> bytes:
    return csv_bytes(own_rows(), newline="\r")


def bad_header_rows_xlsx() -> bytes:
    meta = sheet_xml([["scheme_id", "qingdao-2023"], ["header_rows", "abc"]])
    return raw_xlsx([("数据填报", sheet_xml(own_rows(1)), "visible"), ("_leitai", meta, "hidden")])


def huge_header_rows_xlsx() -> bytes:
    meta = sheet_xml([["header_rows", 10**12]])
    return raw_xlsx([("数据填报", sheet_xml(own_rows(1)), "visible"), ("_leitai", meta, "hidden")])


def hidden_first_sheet_xlsx() -> bytes:
    hidden = sheet_xml([HEADER, *[[OTHER, k, 1] for k in INDICATORS]])
    visible = sheet_xml(own_rows("bad in the visible sheet"))
    return raw_xlsx([("hidden", hidden, "hidden"), ("visible", visible, "visible")])


def only_hidden_sheets_xlsx() -> bytes:
    return raw_xlsx([("hidden", sheet_xml(own_rows(1)), "hidden")])


def nan_xlsx() -> bytes:
    xml = sheet_xml([HEADER, [OWN, INDICATORS[0], 1]]).replace("<v>1</v>", "<v>NaN</v>")
    return raw_xlsx([("数据填报", xml, "visible")])


def inf_xlsx() -> bytes:
    xml = sheet_xml([HEADER, [OWN, INDICATORS[0], 1]]).replace("<v>1</v>", "<v>1E999</v>")
    return raw_xlsx([("数据填报", xml, "visible")])


def nan_csv() -> bytes:
    return csv_bytes(own_rows("NaN"))


def inf_csv() -> bytes:
    return csv_bytes(own_rows("1e999"))


def hundred_digit_csv() -> bytes:
    return csv_bytes(own_rows("9" * 101))


def truncated_xlsx() -> bytes:
    data = one_sheet(own_rows())
    return data[: len(data) // 2]


def zip_traversal_xlsx() -> bytes:
    return raw_xlsx([("数据填报", sheet_xml(own_rows()), "visible")], extra={"../../evil.txt": "x"})


def zip_absolute_xlsx() -> bytes:
    return raw_xlsx([("数据填报", sheet_xml(own_rows()), "visible")], extra={"/etc/evil": "x"})


def external_link_xlsx() -> bytes:
    link = (
        f'{HEAD}<externalLink xmlns="{NS}"><externalBook xmlns:r="{RNS}" r:id="rId1"/>'
        "</externalLink>"
    )
    return raw_xlsx(
        [("数据填报", sheet_xml(own_rows()), "visible")],
        extra={"xl/externalLinks/externalLink1.xml": link},
    )


def xls_renamed() -> bytes:
    """The header of an old (OLE2) .xls file, sent as .xlsx."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"\x00" * 512


def empty_file() -> bytes:
    return b""


def binary_garbage() -> bytes:
    return random.Random(3).randbytes(4096)


def png_as_csv() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(4).randbytes(512)


def utf16_csv() -> bytes:
    text = "\r\n".join("\t".join(str(v) for v in row) for row in own_rows())
    return text.encode("utf-16")


def utf8_bom_csv() -> bytes:
    return b"\xef\xbb\xbf" + csv_bytes(own_rows())


def gbk_csv() -> bytes:
    rows = [["单位", "指标", "数值"], *own_rows("不是数字")[1:]]
    return csv_bytes(rows, encoding="gb18030")


def latin1_csv() -> bytes:
    return "unit,indicator,value\r\nshinan,gdp_growth,\xff\xfe\x81\r\n".encode("latin-1")


def sixteen_thousand_columns_xlsx() -> bytes:
    header = ["unit", *[f"c{i}" for i in range(15_999)]]
    return one_sheet([header, [OWN]])


def beyond_xfd_xlsx() -> bytes:
    """A cell in column 20,000, beyond Excel's last column XFD (16,384)."""
    xml = sheet_xml([HEADER, [OWN, INDICATORS[0], 1]]).replace('r="C2"', 'r="ACOF2"')
    return raw_xlsx([("数据填报", xml, "visible")])


def twenty_thousand_columns_csv() -> bytes:
    return wide_csv(20_000)


def formula_xlsx() -> bytes:
    xml = sheet_xml(own_rows(1)).replace(
        '<c r="C2"><v>1</v></c>', '<c r="C2"><f>1+1</f><v>2</v></c>'
    )
    return raw_xlsx([("数据填报", xml, "visible")])


def merged_cells_xlsx() -> bytes:
    def build(book: object) -> None:
        sheet = book.active  # type: ignore[attr-defined]
        sheet.title = "数据填报"
        for row in [HEADER, [OWN, INDICATORS[0], 1], [None, INDICATORS[1], 2]]:
            sheet.append(row)
        sheet.merge_cells("A2:A3")

    return openpyxl_book(build)


def huge_shared_strings_xlsx() -> bytes:
    rng = random.Random(5)
    items = "".join(f"<si><t>{rng.getrandbits(64):x}</t></si>" for _ in range(200_000))
    shared = f'{HEAD}<sst xmlns="{NS}" count="200000" uniqueCount="200000">{items}</sst>'
    xml = f'{HEAD}<worksheet xmlns="{NS}"><sheetData><row r="1"><c r="A1" t="s"><v>199999</v></c></row></sheetData></worksheet>'
    return raw_xlsx([("数据填报", xml, "visible")], shared=shared)


def nul_bytes_csv() -> bytes:
    return csv_bytes(own_rows()).replace(b"gdp_growth", b"gdp\x00growth")


def too_many_members_xlsx() -> bytes:
    return raw_xlsx(
        [("数据填报", sheet_xml(own_rows()), "visible")],
        extra={f"xl/media/image{i}.bin": b"x" for i in range(300)},
    )


def encrypted_member_xlsx() -> bytes:
    data = one_sheet(own_rows())
    # Set the "encrypted" flag of every member in the local and central headers.
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := out.find(signature, start)) != -1:
            out[start + offset] |= 1
            start += 4
    return bytes(out)


def utf16_xml_xlsx() -> bytes:
    data = one_sheet(own_rows())
    return _replace_member(
        data,
        "xl/worksheets/sheet1.xml",
        lambda x: x.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"),
    )


def malformed_xml_xlsx() -> bytes:
    data = one_sheet(own_rows())
    return _replace_member(data, "xl/worksheets/sheet1.xml", lambda x: x[: len(x) // 2])


def not_a_zip_xlsx() -> bytes:
    return b"unit,indicator,value\r\nshinan,gdp_growth,1\r\n"


def ods_as_xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", f"{HEAD}<office:document-content/>")
    return out.getvalue()


def only_header_csv() -> bytes:
    return csv_bytes([HEADER])


def no_header_csv() -> bytes:
    return csv_bytes([[1, 2, 3], [4, 5, 6]])


def html_as_csv() -> bytes:
    return b"<html><body><script>alert(1)</script></body></html>\n"


def formula_text_csv() -> bytes:
    return csv_bytes(
        [HEADER, ["=1+1", INDICATORS[0], 1], [OWN, "@SUM(A1)", 1], [OWN, INDICATORS[1], "+1"]]
    )


def unbalanced_quote_csv() -> bytes:
    return b'unit,indicator,value\r\nshinan,"gdp_growth,1\r\n' + b"x" * 200_000


def wrong_scheme_template_xlsx() -> bytes:
    meta = sheet_xml([["scheme_id", "another-scheme"], ["header_rows", 1]])
    return raw_xlsx([("数据填报", sheet_xml(own_rows(1)), "visible"), ("_leitai", meta, "hidden")])


def ole_as_xls() -> bytes:
    return xls_renamed()


def pdf_file() -> bytes:
    return b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def semicolon_bad_csv() -> bytes:
    return b"unit;indicator;value\r\nshinan;gdp_growth;1,2,3\r\n"


def whitespace_only_csv() -> bytes:
    return b" \r\n\t\r\n   \r\n"


def control_chars_csv() -> bytes:
    return csv_bytes(own_rows("\x1b[31m1\x07"))


# ---------------------------------------------------------------------------
# The corpus


@dataclass(frozen=True)
class Bad:
    """One bad file: how it is built, the name it is sent under, what reading says."""

    build: Callable[[], bytes]
    filename: str
    kind: str  # "xlsx", "csv" or "other"
    code: str | None  # the problem reading reports; None: read, refused by the checks after


CORPUS: dict[str, Bad] = {
    "dimension_bomb": Bad(dimension_bomb, "dimension.xlsx", "xlsx", "file.too_many_rows"),
    "deflate_bomb": Bad(deflate_bomb, "deflate.xlsx", "xlsx", "file.zip_ratio"),
    "million_empty_rows": Bad(million_empty_rows, "empty-rows.xlsx", "xlsx", "file.too_many_rows"),
    "too_large_csv": Bad(too_large_csv, "large.csv", "csv", "file.too_large"),
    "wide_csv": Bad(wide_csv, "wide.csv", "csv", "file.too_many_columns"),
    "dtd": Bad(dtd_xlsx, "dtd.xlsx", "xlsx", "file.dtd"),
    "entity_expansion": Bad(entity_expansion_xlsx, "laughs.xlsx", "xlsx", "file.dtd"),
    "external_entity": Bad(external_entity_xlsx, "xxe.xlsx", "xlsx", "file.dtd"),
    "dtd_in_workbook": Bad(dtd_in_workbook_xlsx, "dtd-book.xlsx", "xlsx", "file.dtd"),
    "long_cell_xlsx": Bad(long_cell_xlsx, "long-cell.xlsx", "xlsx", "file.cell_too_long"),
    "long_cell_csv": Bad(long_cell_csv, "long-cell.csv", "csv", "file.cell_too_long"),
    "cr_only_csv": Bad(cr_only_csv, "cr-only.csv", "csv", None),
    "bad_header_rows": Bad(
        bad_header_rows_xlsx, "header-rows.xlsx", "xlsx", "file.bad_header_rows"
    ),
    "huge_header_rows": Bad(
        huge_header_rows_xlsx, "header-rows-big.xlsx", "xlsx", "file.bad_header_rows"
    ),
    "hidden_first_sheet": Bad(hidden_first_sheet_xlsx, "hidden.xlsx", "xlsx", None),
    "only_hidden_sheets": Bad(
        only_hidden_sheets_xlsx, "all-hidden.xlsx", "xlsx", "file.no_visible_sheet"
    ),
    "nan_xlsx": Bad(nan_xlsx, "nan.xlsx", "xlsx", "file.bad_cell"),
    "inf_xlsx": Bad(inf_xlsx, "inf.xlsx", "xlsx", "file.not_finite"),
    "nan_csv": Bad(nan_csv, "nan.csv", "csv", None),
    "inf_csv": Bad(inf_csv, "inf.csv", "csv", None),
    "hundred_digits": Bad(hundred_digit_csv, "digits.csv", "csv", None),
    "truncated_zip": Bad(truncated_xlsx, "truncated.xlsx", "xlsx", "file.not_xlsx"),
    "zip_traversal": Bad(zip_traversal_xlsx, "traversal.xlsx", "xlsx", "file.zip_path"),
    "zip_absolute": Bad(zip_absolute_xlsx, "absolute.xlsx", "xlsx", "file.zip_path"),
    "external_link": Bad(external_link_xlsx, "links.xlsx", "xlsx", "file.external_link"),
    "xls_renamed": Bad(xls_renamed, "renamed.xlsx", "xlsx", "file.not_xlsx"),
    "old_xls": Bad(ole_as_xls, "old.xls", "other", "file.old_xls"),
    "empty": Bad(empty_file, "empty.csv", "csv", "file.empty"),
    "binary_garbage": Bad(binary_garbage, "garbage.csv", "csv", "file.binary"),
    "png_as_csv": Bad(png_as_csv, "picture.csv", "csv", "file.binary"),
    "utf16_csv": Bad(utf16_csv, "utf16.csv", "csv", None),
    "utf8_bom_csv": Bad(utf8_bom_csv, "bom.csv", "csv", None),
    "gbk_csv": Bad(gbk_csv, "gbk.csv", "csv", None),
    "latin1_csv": Bad(latin1_csv, "latin1.csv", "csv", "file.encoding"),
    "sixteen_thousand_columns_xlsx": Bad(
        sixteen_thousand_columns_xlsx, "columns.xlsx", "xlsx", "file.too_many_columns"
    ),
    "beyond_xfd": Bad(beyond_xfd_xlsx, "beyond-xfd.xlsx", "xlsx", "file.bad_cell"),
    "twenty_thousand_columns_csv": Bad(
        twenty_thousand_columns_csv, "columns.csv", "csv", "file.too_many_columns"
    ),
    "formula": Bad(formula_xlsx, "formula.xlsx", "xlsx", "file.formula"),
    "merged_cells": Bad(merged_cells_xlsx, "merged.xlsx", "xlsx", None),
    "huge_shared_strings": Bad(huge_shared_strings_xlsx, "strings.xlsx", "xlsx", None),
    "nul_bytes": Bad(nul_bytes_csv, "nul.csv", "csv", "file.binary"),
    "too_many_members": Bad(too_many_members_xlsx, "members.xlsx", "xlsx", "file.zip_members"),
    "encrypted_member": Bad(encrypted_member_xlsx, "encrypted.xlsx", "xlsx", "file.encrypted"),
    "utf16_xml": Bad(utf16_xml_xlsx, "utf16-xml.xlsx", "xlsx", "file.xml_encoding"),
    "malformed_xml": Bad(malformed_xml_xlsx, "malformed.xlsx", "xlsx", "file.bad_cell"),
    "not_a_zip": Bad(not_a_zip_xlsx, "text.xlsx", "xlsx", "file.not_xlsx"),
    "ods_as_xlsx": Bad(ods_as_xlsx, "calc.xlsx", "xlsx", "file.not_xlsx"),
    "only_header": Bad(only_header_csv, "header.csv", "csv", None),
    "no_header": Bad(no_header_csv, "numbers.csv", "csv", None),
    "html_as_csv": Bad(html_as_csv, "page.csv", "csv", None),
    "formula_text": Bad(formula_text_csv, "formula-text.csv", "csv", None),
    "unbalanced_quote": Bad(unbalanced_quote_csv, "quote.csv", "csv", "file.cell_too_long"),
    "wrong_scheme_template": Bad(wrong_scheme_template_xlsx, "other-scheme.xlsx", "xlsx", None),
    "pdf": Bad(pdf_file, "report.pdf", "other", "file.wrong_type"),
    "semicolons": Bad(semicolon_bad_csv, "semicolons.csv", "csv", None),
    "whitespace_only": Bad(whitespace_only_csv, "blank.csv", "csv", None),
    "control_chars": Bad(control_chars_csv, "control.csv", "csv", None),
}


@functools.cache
def built(name: str) -> bytes:
    """The bytes of ``CORPUS[name]``, built once per process: every builder is
    deterministic (seeded), and the whole corpus takes about 3 s of CPU to build (the
    deflate bomb alone 1.5 s), which each test module and class had paid again."""
    return CORPUS[name].build()


BOMBS = {"dimension_bomb", "deflate_bomb", "million_empty_rows", "too_large_csv", "wide_csv"}


def main(out_dir: str) -> None:
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for name, bad in CORPUS.items():
        (folder / f"{name}-{bad.filename}").write_bytes(bad.build())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "bad-files")
