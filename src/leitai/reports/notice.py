"""The 通报 (notice): an official document issuing a period's results, as DOCX.

Two steps, so that the office can edit the words before issue:

1. :func:`notice_text` drafts the words from a result: the document number (文号), the
   title, the addressee, the opening paragraph and the body (the composite leaders,
   the flag winners and climbers named, each board's top three, the units with red
   targets where targets exist), the issuing office and the date.
2. :func:`write_notice` lays a :class:`NoticeText` out in the official layout (GB/T 9704
   practice): the red header (版头: the office's name in red over a red rule), 文号,
   title in a 小标宋-style face, body in a 仿宋-style face, headings 一、 in a 黑体-style
   face, the attachment note, the signature and date (2023年5月20日), page numbers
   ``— 1 —`` and the attached results table (附件) on a page of its own.

Faces: the first installed face of each preference list (:func:`notice_fonts`), falling
back to the Noto CJK faces of fonts-noto-cjk; the East Asian face is set on every run
(``w:eastAsia``) so that Word and LibreOffice do not put a Latin face on Chinese text.

Example
-------
>>> from leitai.demo import assess_demo
>>> result = assess_demo("2023Q1")["2023Q1"]
>>> text = notice_text(result, number="青考办〔2023〕5号")
>>> text.title
'关于2023年第一季度“摘星夺旗”考核结果的通报'
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from leitai.i18n.words import Words, WordTable, gap_text
from leitai.reports.arena import scheme_model
from leitai.reports.arena.shape import Catalogue as _Catalogue
from leitai.reports.arena.shape import date_label as _date_label
from leitai.reports.arena.shape import period_label as _period_label

__all__ = [
    "NoticeFonts",
    "NoticeTable",
    "NoticeText",
    "libreoffice",
    "notice_fonts",
    "notice_pdf",
    "notice_table",
    "notice_text",
    "write_notice",
]

RED = RGBColor(0xE6, 0x00, 0x12)
_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
_SUBHEADING = re.compile(r"^（[一二三四五六七八九十]+）")

# The notice's words: English msgids under the context "notice".
_WORDS = WordTable(
    "notice",
    {
        "title": "Notice of the %(period)s %(subject)s results",
        "subject": "assessment",
        "addressee": "To every unit assessed:",
        "opening": "Under the %(scheme)s, the results of %(period)s are notified as follows.",
        "h_composite": "I. Composite scores",
        "composite": "The first %(n)s composite scores of %(period)s: %(names)s.",
        "h_flags": "II. Red flags",
        "flag": "%(names)s win the red flag %(flag)s.",
        "no_flag": "No unit wins the red flag %(flag)s this period.",
        "climbed": "%(name)s (up %(n)s places)",
        "h_boards": "III. Boards",
        "board": "The first %(n)s of the board %(board)s: %(names)s.",
        "h_targets": "IV. Targets",
        "red": "As of %(date)s, targets in red: %(items)s.",
        "red_item": "%(unit)s (%(target)s, %(gap)s)",
        "no_red": "As of %(date)s, no unit has a target in red.",
        "closing": "Units commended should keep up their work; units at the bottom should learn from the best and take effective measures to meet the year's targets.",
        "closing_red": "Units commended should keep up their work; units at the bottom or with targets in red should learn from the best and take effective measures to meet the year's targets.",
        "attachment": "Results of %(period)s",
        "attachments": "Attachment: ",
        "attachment_head": "Attachment",
        "sep": ", ",
        "list_end": "; ",
        "rank": "Rank",
        "unit": "Unit",
        "score": "Composite score",
        "stars": "%(board)s stars",
        "flags": "Flags",
        "grade": "Grade",
        "none": "—",
        "page": "— %(n)s —",
        "office": "Comprehensive Assessment Office",
    },
)


# ---------------------------------------------------------------------------
# The words


@dataclass(frozen=True)
class NoticeText:
    """The words of a notice, as drafted by :func:`notice_text` and edited by the office.

    Attributes
    ----------
    number : str
        The document number (文号), e.g. ``青考办〔2023〕5号``; may be empty.
    title : str
        The title (标题).
    addressee : str
        The addressee (主送机关), ending with a colon; may be empty.
    opening : str
        The opening paragraph.
    body : tuple of str
        The body paragraphs in order; a paragraph starting ``一、`` is a heading.
    office : str
        The issuing office: the red header and the signature.
    date : datetime.date
        The date of issue (成文日期).
    attachment : str
        The attached table's title; empty for none.
    lang : {"zh", "en"}
        The document's language.
    """

    number: str
    title: str
    addressee: str
    opening: str
    body: tuple[str, ...]
    office: str
    date: dt.date
    attachment: str
    lang: str = "zh"


@dataclass(frozen=True)
class NoticeTable:
    """A table attached to a notice: its title, header and rows of text."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _document(result: Any) -> Mapping[str, Any]:
    return result.to_dict() if hasattr(result, "to_dict") else result


def _ranked(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    rows = list(document.get("results") or [])
    return sorted(rows, key=lambda r: (r.get("rank") is None, r.get("rank") or 0))


def _subject(scheme_name: str, words: Words) -> str:
    """``“摘星夺旗”考核`` from a scheme named ``…季度“摘星夺旗”考核办法（示意）``."""
    quoted = re.search(r"“[^”]+”", scheme_name)
    return f"{quoted.group(0)}{words('subject')}" if quoted else words("subject")


def _count(n: int, lang: str) -> str:
    return "一二三四五六七八九十"[n - 1] if lang == "zh" and 1 <= n <= 10 else str(n)


def _names(catalogue: _Catalogue, units: Sequence[str], words: Words) -> str:
    return words("sep").join(catalogue.name(u) for u in units)


def _composite(
    rows: Sequence[Mapping[str, Any]], catalogue: _Catalogue, words: Words, period: str
) -> list[str]:
    leaders = [r["unit"] for r in rows if r.get("rank") is not None][:3]
    if not leaders:
        return []
    text = words(
        "composite",
        period=period,
        n=_count(len(leaders), words.lang),
        names=_names(catalogue, leaders, words),
    )
    return [words("h_composite"), text]


def _flag_winner(row: Mapping[str, Any], climb: bool, catalogue: _Catalogue, words: Words) -> str:
    name = catalogue.name(str(row["unit"]))
    change = row.get("rank_change") or 0
    return words("climbed", name=name, n=change) if climb and change > 0 else name


def _flags(
    rows: Sequence[Mapping[str, Any]], flag_ids: Sequence[str], catalogue: _Catalogue, words: Words
) -> list[str]:
    lines = []
    for flag in flag_ids:
        winners = [r for r in rows if flag in (r.get("flags") or [])]
        if not winners:
            lines.append(words("no_flag", flag=catalogue.name(flag)))
            continue
        # A flag every winner of which climbed is a climbers' flag: say by how much.
        climb = all((r.get("rank_change") or 0) > 0 for r in winners)
        names = words("sep").join(_flag_winner(r, climb, catalogue, words) for r in winners)
        lines.append(words("flag", names=names, flag=catalogue.name(flag)))
    return [words("h_flags"), *lines] if lines else []


def _boards(
    rows: Sequence[Mapping[str, Any]], boards: Sequence[str], catalogue: _Catalogue, words: Words
) -> list[str]:
    lines = []
    for board in boards:
        placed = [r for r in rows if (r.get("boards") or {}).get(board, {}).get("rank") is not None]
        placed.sort(key=lambda r: r["boards"][board]["rank"])
        top = [str(r["unit"]) for r in placed[:3]]
        if top:
            lines.append(
                words(
                    "board",
                    board=catalogue.name(board),
                    n=_count(len(top), words.lang),
                    names=_names(catalogue, top, words),
                )
            )
    return [words("h_boards"), *lines] if lines else []


def _targets(
    progresses: Sequence[Any], catalogue: _Catalogue, words: Words, lang: str, as_of: dt.date | None
) -> list[str]:
    red = [p for p in progresses if p.status == "red"]
    day = as_of or max((p.as_of for p in progresses), default=None)
    date = _date_label(day, lang)
    if not red:
        return [words("h_targets"), words("no_red", date=date)]
    items = words("list_end").join(
        words(
            "red_item",
            unit=catalogue.name(p.target.unit),
            target=p.target.name,
            gap=gap_text(p.gap, lang),
        )
        for p in sorted(red, key=lambda p: (p.target.unit, p.target.id))
    )
    return [words("h_targets"), words("red", date=date, items=items)]


def notice_text(
    result: Any,
    *,
    scheme: Any = None,
    progresses: Sequence[Any] | None = None,
    number: str = "",
    office: str | None = None,
    date: dt.date | None = None,
    period_label: str | None = None,
    lang: str = "zh",
) -> NoticeText:
    """Draft a notice's words from a period's result.

    Parameters
    ----------
    result : Result or dict
        The period's result (:class:`leitai.engine.Result` or its ``to_dict()``).
    scheme : Scheme, dict or path, optional
        The scheme, for the names of boards and flags and the scheme's name
        (default: the result's own scheme when it is a :class:`Result`).
    progresses : sequence of Progress, optional
        The units' targets judged at a date (:func:`leitai.engine.targets.progress_all`);
        without them the notice says nothing about targets.
    number : str
        The document number (文号).
    office : str, optional
        The issuing office (default: the Qingdao assessment office's name).
    date : datetime.date, optional
        The date of issue (default: today).
    period_label : str, optional
        The period's name (default: from its code, ``2023年第一季度``).
    lang : {"zh", "en"}

    Returns
    -------
    NoticeText
    """
    words = _WORDS.of(lang)
    document = _document(result)
    scheme = scheme if scheme is not None else getattr(result, "scheme", None)
    catalogue = _Catalogue(document, scheme_model(scheme))
    scheme_name = str(getattr(scheme, "name", None) or (document.get("scheme") or {}).get("id", ""))
    period = period_label or _period_label(document.get("period"), lang)
    rows = _ranked(document)
    flag_ids = [str(f.id) for f in getattr(scheme, "flags", None) or []] or sorted(
        {f for r in rows for f in r.get("flags") or []}
    )
    body = [
        *_composite(rows, catalogue, words, period),
        *_flags(rows, flag_ids, catalogue, words),
        *_boards(rows, catalogue.top_boards or [], catalogue, words),
    ]
    red = any(p.status == "red" for p in progresses or [])
    if progresses:
        body += _targets(list(progresses), catalogue, words, lang, None)
    body.append(words("closing_red" if red else "closing"))
    return NoticeText(
        number=number,
        title=words("title", period=period, subject=_subject(scheme_name, words)),
        addressee=words("addressee"),
        opening=words("opening", scheme=scheme_name, period=period),
        body=tuple(body),
        office=office or words("office"),
        date=date or dt.date.today(),
        attachment=words("attachment", period=period),
        lang=lang,
    )


def notice_table(
    result: Any, *, scheme: Any = None, title: str = "", lang: str = "zh"
) -> NoticeTable:
    """The results table attached to a notice: rank, unit, composite, stars per board, flags."""
    words = _WORDS.of(lang)
    document = _document(result)
    scheme = scheme if scheme is not None else getattr(result, "scheme", None)
    catalogue = _Catalogue(document, scheme_model(scheme))
    boards = catalogue.top_boards or []
    rows = _ranked(document)
    graded = any(r.get("grade") for r in rows)
    header = [words("rank"), words("unit"), words("score")]
    header += [words("stars", board=catalogue.name(b)) for b in boards]
    header += [words("flags")] + ([words("grade")] if graded else [])
    body = []
    for r in rows:
        score = r.get("score")
        line = [
            str(r["rank"]) if r.get("rank") is not None else words("none"),
            catalogue.name(str(r["unit"])),
            f"{score:.2f}" if isinstance(score, int | float) else words("none"),
        ]
        for b in boards:
            stars = (r.get("boards") or {}).get(b, {}).get("stars")
            line.append(str(stars) if stars is not None else words("none"))
        line.append(words("sep").join(catalogue.name(f) for f in r.get("flags") or []))
        if graded:
            line.append(str(r.get("grade") or words("none")))
        body.append(tuple(line))
    return NoticeTable(title=title, header=tuple(header), rows=tuple(body))


# ---------------------------------------------------------------------------
# The faces


@dataclass(frozen=True)
class NoticeFonts:
    """The faces of a notice: title (小标宋), body (仿宋), headings (黑体), table."""

    title: str
    body: str
    heading: str
    table: str


_PREFERRED = {
    "title": ("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "Noto Serif CJK SC"),
    "body": ("仿宋_GB2312", "仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC"),
    "heading": ("黑体", "SimHei", "Noto Sans CJK SC"),
    "table": ("仿宋_GB2312", "仿宋", "FangSong", "Noto Serif CJK SC"),
}


@functools.cache
def _installed_families() -> frozenset[str]:
    """The font families fontconfig knows (empty where ``fc-list`` is absent)."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return frozenset()
    try:
        out = subprocess.run(
            [fc_list, ":", "family"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(","))


def notice_fonts(installed: frozenset[str] | None = None) -> NoticeFonts:
    """The first installed face of each preference list; its last entry where none is.

    The official faces (方正小标宋, 仿宋_GB2312, 黑体) come first; the Noto CJK faces of
    fonts-noto-cjk are the fallbacks, so a notice made here looks right where it is made.
    """
    families = _installed_families() if installed is None else installed

    def pick(kind: str) -> str:
        return next((f for f in _PREFERRED[kind] if f in families), _PREFERRED[kind][-1])

    return NoticeFonts(
        title=pick("title"), body=pick("body"), heading=pick("heading"), table=pick("table")
    )


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


def write_notice(
    text: NoticeText,
    out: str | IO[bytes],
    *,
    tables: Sequence[NoticeTable] = (),
    fonts: NoticeFonts | None = None,
) -> None:
    """Lay the notice out as DOCX and write it to ``out`` (a path or a binary file).

    Parameters
    ----------
    text : NoticeText
        The words (:func:`notice_text`, as edited).
    out : str or binary file
    tables : sequence of NoticeTable
        The attached tables (:func:`notice_table`), each on a page of its own.
    fonts : NoticeFonts, optional
        Default: :func:`notice_fonts`.
    """
    fonts = fonts or notice_fonts()
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


def notice_pdf(docx: bytes, *, timeout: float = 180.0) -> bytes:
    """The PDF of a DOCX through LibreOffice headless (``soffice --convert-to pdf``).

    Raises
    ------
    FileNotFoundError
        Where LibreOffice is not installed (:func:`libreoffice` is None).
    RuntimeError
        When the conversion fails or writes no PDF.
    """
    import tempfile
    from pathlib import Path

    soffice = libreoffice()
    if soffice is None:
        raise FileNotFoundError("soffice")
    with tempfile.TemporaryDirectory(prefix="leitai-notice-") as tmp:
        source = Path(tmp) / "notice.docx"
        source.write_bytes(docx)
        # A profile of its own: a second soffice (the office's desktop one, another
        # worker's) would otherwise take the conversion over or refuse it.
        profile = (Path(tmp) / "profile").as_uri()
        command = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            tmp,
            str(source),
        ]
        subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        target = Path(tmp) / "notice.pdf"
        if not target.is_file():
            raise RuntimeError("LibreOffice wrote no PDF")
        return target.read_bytes()


def libreoffice() -> str | None:
    """The path of LibreOffice's ``soffice``, or None where it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")
