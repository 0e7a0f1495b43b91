"""The DOCX layout of a notice (:func:`leitai.reports.notice.write_notice`), GB/T 9704 practice.

The only module of the notice that imports python-docx: :func:`~leitai.reports.notice.write_notice`
imports it when a notice is written, so that importing :mod:`leitai.reports.notice` (the web
application does, for the words and the table) does not import python-docx.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import IO, Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from leitai.i18n.words import Words
from leitai.reports.arena.shape import date_label as _date_label
from leitai.reports.notice import _WORDS, NoticeFonts, NoticeTable, NoticeText

__all__ = ["lay_out"]

RED = RGBColor(0xE6, 0x00, 0x12)
_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
_SUBHEADING = re.compile(r"^（[一二三四五六七八九十]+）")


# ---------------------------------------------------------------------------
# The layout

_BODY_PT = 16  # 三号
_TITLE_PT = 22  # 二号
_LINE_PT = 28  # fixed line pitch: 22 lines to the page
_TEXT_MM = 156  # 版心 width


def _fonts_of(run: Any, face: str) -> None:
    _faces(run._r.get_or_add_rPr(), face)


def _faces(rpr: Any, face: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), face)


def _run(
    paragraph: Any, text: str, face: str, size: float, *, bold: bool = False, red: bool = False
) -> Any:
    run = paragraph.add_run(text)
    _fonts_of(run, face)
    run.font.size = Pt(size)
    run.font.bold = bold
    if red:
        run.font.color.rgb = RED
    return run


def _paragraph(
    doc: Any,
    *,
    align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent_chars: float = 0,
    right_chars: float = 0,
    size: float = _BODY_PT,
    pitch: float | None = _LINE_PT,
) -> Any:
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.space_before = fmt.space_after = Pt(0)
    if pitch:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(pitch)
    if indent_chars:
        fmt.first_line_indent = Pt(size * indent_chars)
    if right_chars:
        fmt.right_indent = Pt(size * right_chars)
    return paragraph


def _red_rule(paragraph: Any) -> None:
    """A red rule under the paragraph, as wide as the text block (the 版头's 分隔线)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "18"), ("space", "6"), ("color", "E60012")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    ppr.append(borders)


def _page_setup(doc: Any) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)


def _page_numbers(doc: Any, fonts: NoticeFonts, words: Words) -> None:
    """``— 1 —`` in the footer, the number a PAGE field, as GB/T 9704-2012 7.5 places it:
    odd pages on the right and even pages on the left, one character (4号, 14 pt) in from
    the edge of the text block."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    _page_number(section.footer.paragraphs[0], fonts, words, odd=True)
    _page_number(section.even_page_footer.paragraphs[0], fonts, words, odd=False)


def _page_number(paragraph: Any, fonts: NoticeFonts, words: Words, *, odd: bool) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    if odd:
        paragraph.paragraph_format.right_indent = Pt(14)
    else:
        paragraph.paragraph_format.left_indent = Pt(14)
    before, after = words("page").split("%(n)s")
    _run(paragraph, before, fonts.body, 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1")):
        run = _run(paragraph, "", fonts.body, 14)
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == "PAGE":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = " PAGE "
            run._r.append(instr)
        else:
            run.text = text
    end = _run(paragraph, "", fonts.body, 14)
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), "end")
    end._r.append(char)
    _run(paragraph, after, fonts.body, 14)


def _header_block(doc: Any, text: NoticeText, fonts: NoticeFonts) -> None:
    # The office's name in red, as large as the text block allows (at most 42 pt).
    size = min(42.0, Mm(_TEXT_MM).pt / max(len(text.office), 1) * 0.95)
    head = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER, size=size, pitch=None)
    head.paragraph_format.space_before = Pt(_LINE_PT)
    head.paragraph_format.space_after = Pt(_LINE_PT)
    _run(head, text.office, fonts.title, size, red=True)
    number = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER)
    _run(number, text.number or " ", fonts.body, _BODY_PT)
    _red_rule(number)
    _paragraph(doc)
    title = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER, size=_TITLE_PT, pitch=36)
    title.paragraph_format.space_before = Pt(_LINE_PT)
    _run(title, text.title, fonts.title, _TITLE_PT, bold=fonts.title.startswith("Noto"))
    _paragraph(doc)


def _body_block(doc: Any, text: NoticeText, fonts: NoticeFonts) -> None:
    if text.addressee:
        _run(_paragraph(doc), text.addressee, fonts.body, _BODY_PT)
    paragraph = None
    for line in (text.opening, *text.body):
        if not line.strip():
            continue
        paragraph = _paragraph(doc, indent_chars=2)
        if _HEADING.match(line) and len(line) <= 30:
            _run(paragraph, line, fonts.heading, _BODY_PT)
            paragraph.paragraph_format.keep_with_next = True
        else:
            _run(paragraph, line, fonts.body, _BODY_PT, bold=bool(_SUBHEADING.match(line)))
    if paragraph is not None:
        # The signature never stands alone on a page: the last paragraph goes with it.
        paragraph.paragraph_format.keep_with_next = True


def _signature_block(doc: Any, text: NoticeText, fonts: NoticeFonts) -> None:
    words = _WORDS.of(text.lang)
    kept = []
    if text.attachment:
        kept.append(_paragraph(doc))
        note = _paragraph(doc, indent_chars=2)
        _run(note, f"{words('attachments')}{text.attachment}", fonts.body, _BODY_PT)
        kept.append(note)
    kept += [_paragraph(doc) for _blank in range(2)]
    office = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=4)
    _run(office, text.office, fonts.body, _BODY_PT)
    for paragraph in (*kept, office):
        paragraph.paragraph_format.keep_with_next = True
    date = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=4)
    _run(date, _date_label(text.date, text.lang), fonts.body, _BODY_PT)


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    trpr.append(flag)
    cant_split = OxmlElement("w:cantSplit")
    trpr.append(cant_split)


def _cell(cell: Any, value: str, face: str, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, value, face, 11, bold=bold)


def _table_block(doc: Any, table: NoticeTable, fonts: NoticeFonts, lang: str) -> None:
    words = _WORDS.of(lang)
    head = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.LEFT)
    head.paragraph_format.page_break_before = True
    _run(head, words("attachment_head"), fonts.heading, _BODY_PT)
    title = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER, size=_TITLE_PT, pitch=36)
    _run(title, table.title, fonts.title, 20, bold=fonts.title.startswith("Noto"))
    _paragraph(doc)
    grid = doc.add_table(rows=1, cols=len(table.header))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, value in zip(grid.rows[0].cells, table.header, strict=True):
        _cell(cell, value, fonts.heading)
    _repeat_header(grid.rows[0])
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            _cell(cell, value, fonts.table)
    _column_widths(grid, table)


def _ems(text: str) -> float:
    """The width of ``text`` in ems: a Chinese character one, a digit or letter about half."""
    return sum(1.0 if ord(ch) >= 0x2E80 else 0.55 for ch in text)


def _column_widths(grid: Any, table: NoticeTable) -> None:
    """Give each column its longest text's width (11 pt, with the cell's margins); when that
    is wider than the text block the long columns (unit names, flags) wrap, never the short
    ones (ranks, scores, grades)."""
    em_mm = 11 * 25.4 / 72
    natural = [
        (max(_ems(table.header[k]) * 0.5, *(_ems(row[k]) for row in table.rows), 2.0) + 1.2) * em_mm
        for k in range(len(table.header))
    ]
    short = [w <= 7 * em_mm for w in natural]
    fixed = sum(w for w, s in zip(natural, short, strict=True) if s)
    flexible = sum(natural) - fixed
    scale = (_TEXT_MM - fixed) / flexible if flexible else 1.0
    widths = [w if s else w * scale for w, s in zip(natural, short, strict=True)]
    if sum(natural) <= _TEXT_MM:  # room to spare: every column a little wider
        widths = [w * _TEXT_MM / sum(natural) for w in natural]
    grid.autofit = False
    for column, width_mm in zip(grid.columns, widths, strict=True):
        column.width = Mm(width_mm)
        for cell in column.cells:
            cell.width = Mm(width_mm)


def lay_out(
    text: NoticeText,
    out: str | IO[bytes],
    *,
    tables: Sequence[NoticeTable],
    fonts: NoticeFonts,
) -> None:
    """Lay the notice out as DOCX and write it to ``out`` (a path or a binary file)."""
    doc = Document()
    _page_setup(doc)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(_BODY_PT)
    _faces(normal.element.get_or_add_rPr(), fonts.body)
    _page_numbers(doc, fonts, _WORDS.of(text.lang))
    _header_block(doc, text, fonts)
    _body_block(doc, text, fonts)
    _signature_block(doc, text, fonts)
    for table in tables:
        _table_block(doc, table, fonts, text.lang)
    doc.save(out)
