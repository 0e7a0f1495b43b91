"""Drawing the arena deck: slide models (:mod:`.shape`) onto the layouts of
``template.pptx`` (the red band, the fonts, the footer and the numbering live there; see
``_make_template.py``). Each unit's slides also form a real PowerPoint section
(``p14:sectionLst``), so the deck's outline lists the units.
"""

from __future__ import annotations

import copy
import functools
import io
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE, PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from leitai.reports.arena import shape as m
from leitai.reports.arena.look import (
    AMBER,
    BAND,
    CONTENT,
    COVER,
    CREAM,
    DIVIDER,
    FACTS_IDX,
    FONT,
    GOLD,
    GREEN,
    GREY,
    HEIGHT,
    INK,
    LIGHT,
    MARGIN,
    RED,
    TEMPLATE,
    WHITE,
    WIDTH,
)

__all__ = ["draw_deck"]

TONES = {
    "plain": INK,
    "up": RED,
    "down": GREEN,
    "level": GREY,
    "muted": GREY,
    "red": RED,
    "green": GREEN,
    "yellow": AMBER,
    "unreported": GREY,
    "gold": GOLD,
}

_P14 = "http://schemas.microsoft.com/office/powerpoint/2010/main"
_SECTIONS_URI = "{521415D9-36F7-43E2-AB2F-B90AF26B5E84}"
Run = tuple[str, dict[str, Any]]
Box = tuple[int, int, int, int]


def _set_fonts(run: Any, lang: str) -> None:
    """Latin, East Asian and complex-script typefaces, so CJK text gets the font too."""
    run.font.name = FONT
    rpr = run._r.get_or_add_rPr()
    _faces(rpr, lang)


def _faces(rpr: Any, lang: str) -> None:
    rpr.set("lang", "zh-CN" if lang == "zh" else "en-US")
    rpr.set("altLang", "en-US")
    anchor = rpr.find(qn("a:latin"))
    if anchor is None:
        anchor = etree.SubElement(rpr, qn("a:latin"))
        anchor.set("typeface", FONT)
    for tag in ("a:ea", "a:cs"):
        element = rpr.find(qn(tag))
        if element is None:
            element = etree.SubElement(rpr, qn(tag))
            anchor.addnext(element)
        element.set("typeface", FONT)
        anchor = element


def _runs(texts: Iterable[m.Text], *, small: float, **base: Any) -> list[Run]:
    return [
        (
            t.text,
            {
                **base,
                "colour": TONES[t.tone] if t.tone != "plain" else base.get("colour", INK),
                **({"bold": True} if t.strong else {}),
                **({"size": small} if t.small else {}),
            },
        )
        for t in texts
    ]


@functools.cache
def _template() -> bytes:
    """The template's bytes, read once per process."""
    return TEMPLATE.read_bytes()


class Canvas:
    """A presentation from the template, and the primitives the slides are drawn with."""

    def __init__(self, lang: str, footer: str) -> None:
        self.lang = lang
        self.footer = footer
        self.prs = Presentation(io.BytesIO(_template()))
        self.layouts = {layout.name: layout for layout in self.prs.slide_layouts}
        self.sections: list[tuple[str, list[str]]] = []

    # -- slides from the layouts ----------------------------------------------

    def slide(self, layout: str) -> Any:
        slide = self.prs.slides.add_slide(self.layouts[layout])
        if self.sections:
            self.sections[-1][1].append(str(slide.slide_id))
        return slide

    def section(self, name: str) -> None:
        self.sections.append((name, []))

    def fill(self, placeholder: Any, lines: Sequence[Sequence[Run]]) -> None:
        """Text into a placeholder; its look comes from the layout, runs may override it."""
        frame = placeholder.text_frame
        for k, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
            for text, options in line:
                run = paragraph.add_run()
                run.text = text
                if "size" in options:
                    run.font.size = Pt(options["size"])
                if "colour" in options:
                    run.font.color.rgb = RGBColor.from_string(options["colour"])
                if "bold" in options:
                    run.font.bold = options["bold"]
                _set_fonts(run, self.lang)

    def content(self, title: str, subtitle: str = "") -> Any:
        """A content slide: title in the band, the footer and the slide's number."""
        slide = self.slide(CONTENT)
        line: list[Run] = [(title, {})]
        if subtitle:
            line.append(("   " + subtitle, {"colour": WHITE, "size": 24, "bold": False}))
        self.fill(slide.shapes.title, [line])
        layout = self.layouts[CONTENT]
        for kind in ("ftr", "sldNum"):
            self._copy_placeholder(slide, layout, kind)
        return slide

    def _copy_placeholder(self, slide: Any, layout: Any, kind: str) -> None:
        """python-pptx leaves the footer and number out of a new slide: copy them in,
        the footer with its text and the number with its field (cached as the number)."""
        wanted = {"ftr": PP_PLACEHOLDER.FOOTER, "sldNum": PP_PLACEHOLDER.SLIDE_NUMBER}[kind]
        found = next(p for p in layout.placeholders if p.placeholder_format.type == wanted)
        element = copy.deepcopy(found._element)
        tree = slide.shapes._spTree
        ident = max(int(e.get("id")) for e in tree.iter(qn("p:cNvPr"))) + 1
        element.nvSpPr.cNvPr.set("id", str(ident))
        # Position and look are the layout's: an empty spPr and lstStyle inherit them.
        sp_pr = element.spPr
        for child in list(sp_pr):
            sp_pr.remove(child)
        body = element.txBody
        style = body.find(qn("a:lstStyle"))
        for child in list(style):
            style.remove(child)
        for paragraph in body.findall(qn("a:p")):
            body.remove(paragraph)
        paragraph = etree.SubElement(body, qn("a:p"))
        if kind == "sldNum":
            field = etree.SubElement(paragraph, qn("a:fld"))
            field.set("id", "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}")
            field.set("type", "slidenum")
            rpr = etree.SubElement(field, qn("a:rPr"))
            etree.SubElement(field, qn("a:t")).text = str(len(self.prs.slides))
        else:
            run = etree.SubElement(paragraph, qn("a:r"))
            rpr = etree.SubElement(run, qn("a:rPr"))
            etree.SubElement(run, qn("a:t")).text = self.footer
        _faces(rpr, self.lang)
        tree.append(element)

    # -- drawn shapes -------------------------------------------------------------

    def run(self, paragraph: Any, text: str, *, size: float, colour: str = INK, bold=False):
        run = paragraph.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = RGBColor.from_string(colour)
        _set_fonts(run, self.lang)
        return run

    def text(
        self,
        slide: Any,
        box: tuple[int, int, int, int],
        lines: Iterable[str | Sequence[Run]],
        *,
        size: float = 22,
        colour: str = INK,
        bold: bool = False,
        align: Any = PP_ALIGN.LEFT,
        anchor: Any = MSO_ANCHOR.TOP,
        spacing: float = 1.15,
    ) -> Any:
        """A text box; each line is a text or a list of (text, options) runs."""
        shape = slide.shapes.add_textbox(*box)
        frame = shape.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = anchor
        frame.margin_left = frame.margin_right = Inches(0.05)
        for k, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
            paragraph.alignment = align
            paragraph.line_spacing = spacing
            runs = [(line, {})] if isinstance(line, str) else line
            for text, options in runs:
                self.run(
                    paragraph,
                    text,
                    size=options.get("size", size),
                    colour=options.get("colour", colour),
                    bold=options.get("bold", bold),
                )
        return shape

    def rect(self, slide: Any, box: tuple[int, int, int, int], fill: str, *, kind=None) -> Any:
        shape = slide.shapes.add_shape(kind or MSO_SHAPE.RECTANGLE, *box)
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor.from_string(fill)
        shape.line.fill.background()
        shape.shadow.inherit = False
        return shape

    def heading(self, slide: Any, left: int, top: int, width: int, text: str) -> None:
        self.rect(slide, (left, top + Inches(0.08), Inches(0.12), Inches(0.4)), RED)
        box = (left + Inches(0.2), top, width - Inches(0.2), Inches(0.55))
        self.text(slide, box, [text], size=24, colour=RED, bold=True)

    def table(
        self,
        slide: Any,
        left: int,
        top: int,
        widths: Sequence[float],
        rows: Sequence[Sequence[Sequence[Sequence[Run]]]],
        *,
        row_height: float = 0.55,
    ) -> Any:
        """A table with a red header row; each cell is lines of (text, options) runs."""
        height = Inches(row_height * len(rows))
        shape = slide.shapes.add_table(
            len(rows), len(widths), left, top, Inches(sum(widths)), height
        )
        table = shape.table
        for k, width in enumerate(widths):
            table.columns[k].width = Inches(width)
        for r, row in enumerate(rows):
            table.rows[r].height = Inches(row_height)
            for c, lines in enumerate(row):
                self._cell(table.cell(r, c), lines, r, c)
        return shape

    def _cell(self, cell: Any, lines: Sequence[Sequence[Run]], r: int, c: int) -> None:
        cell.fill.solid()
        cell.fill.fore_color.rgb = RGBColor.from_string(
            RED if r == 0 else (LIGHT if r % 2 == 0 else WHITE)
        )
        cell.vertical_anchor = MSO_ANCHOR.MIDDLE
        cell.margin_left = cell.margin_right = Inches(0.08)
        frame = cell.text_frame
        frame.word_wrap = True
        for k, line in enumerate(lines):
            paragraph = frame.paragraphs[0] if k == 0 else frame.add_paragraph()
            paragraph.alignment = PP_ALIGN.LEFT if c == 0 else PP_ALIGN.CENTER
            for piece, options in line:
                self.run(paragraph, piece, **options)

    def write_sections(self) -> None:
        """Record the sections in ``presentation.xml`` (PowerPoint 2010 extension)."""
        presentation = self.prs.part._element
        ext_list = presentation.find(qn("p:extLst"))
        if ext_list is None:
            ext_list = etree.SubElement(presentation, qn("p:extLst"))
        ext = etree.SubElement(ext_list, qn("p:ext"))
        ext.set("uri", _SECTIONS_URI)
        section_list = etree.SubElement(ext, f"{{{_P14}}}sectionLst", nsmap={"p14": _P14})
        for k, (name, slide_ids) in enumerate(self.sections):
            section = etree.SubElement(section_list, f"{{{_P14}}}section")
            section.set("name", name)
            # Stable ids keep two builds of the same deck byte-comparable in content.
            ident = uuid.uuid5(uuid.NAMESPACE_URL, f"leitai/{k}/{name}")
            section.set("id", "{" + str(ident).upper() + "}")
            ids = etree.SubElement(section, f"{{{_P14}}}sldIdLst")
            for slide_id in slide_ids:
                etree.SubElement(ids, f"{{{_P14}}}sldId").set("id", slide_id)


# ---------------------------------------------------------------------------
# The slides


def _cover(canvas: Canvas, model: m.Cover) -> None:
    slide = canvas.slide(COVER)
    title: list[list[Run]] = [[(model.title, {})]]
    if model.theme:
        title.append([(model.theme, {"size": 44})])
    canvas.fill(slide.shapes.title, title)
    below: list[list[Run]] = [[(model.caption, {})]] if model.caption else []
    if model.date:
        below.append([(model.date, {"size": 24})])
    canvas.fill(slide.placeholders[1], below)


def _overview(canvas: Canvas, model: m.Overview) -> None:
    slide = canvas.content(model.title, model.subtitle)
    fixed, tail = [0.9, 2.0, 1.2, 0.8], [1.2, 0.9]
    board = min(1.5, (12.1 - sum(fixed) - sum(tail)) / max(model.boards, 1))
    widths = [*fixed, *([board] * model.boards), *tail]
    widths[1] += 12.1 - sum(widths)
    size = 16 if len(model.rows) + 1 <= 8 else 15
    header = [[[(h, {"size": 14, "colour": GOLD, "bold": True})]] for h in model.header]
    rows = [header] + [
        [[_runs([cell], small=size, size=size, colour=INK, bold=cell.strong)] for cell in row]
        for row in model.rows
    ]
    row_height = min(0.55, 5.3 / len(rows))
    canvas.table(slide, MARGIN, BAND + Inches(0.3), widths, rows, row_height=row_height)
    if model.note:
        box = (MARGIN, HEIGHT - Inches(0.85), WIDTH - 2 * MARGIN, Inches(0.4))
        canvas.text(slide, box, [model.note], size=12, colour=GREY)


def _divider(canvas: Canvas, model: m.Divider) -> None:
    slide = canvas.slide(DIVIDER)
    canvas.fill(slide.placeholders[1], [[(model.place, {})]])
    canvas.fill(slide.shapes.title, [[(model.name, {})]])
    canvas.fill(slide.placeholders[FACTS_IDX], [[(model.facts, {})]])


def _card(canvas: Canvas, slide: Any, box: tuple[int, int, int, int], card: m.Card) -> None:
    """A card: the rank on a red tab, the indicator's name, value and score beside it."""
    left, top, width, height = box
    tab = Inches(1.35)
    canvas.rect(slide, box, CREAM)
    canvas.rect(slide, (left, top, tab, height), RED)
    rank = [
        [(card.rank, {"size": 20, "bold": True, "colour": GOLD})],
        [(card.of_n, {"size": 12, "colour": WHITE})],
    ]
    canvas.text(
        slide,
        (left, top, tab, height),
        rank,
        align=PP_ALIGN.CENTER,
        anchor=MSO_ANCHOR.MIDDLE,
        spacing=1.0,
    )
    size = 20 if len(card.name) <= 9 else 17 if len(card.name) <= 14 else 14
    lines: list[list[Run]] = [
        [(card.name, {"size": size, "bold": True})],
        [(card.detail, {"size": 14, "colour": GREY})],
    ]
    inner: Box = (left + tab + Inches(0.1), top, width - tab - Inches(0.15), height)
    canvas.text(slide, inner, lines, anchor=MSO_ANCHOR.MIDDLE, spacing=1.0)


COLUMN = Inches(5.6)
TOP = BAND + Inches(0.3)
RIGHT = MARGIN + COLUMN + Inches(0.4)
RIGHT_WIDTH = WIDTH - RIGHT - MARGIN


def _standing(canvas: Canvas, slide: Any, model: m.ResultsSlide) -> None:
    """Rank and its change, score, grade."""
    change = model.change
    second: list[Run] = [(change.text, {"size": 24, "bold": True, "colour": TONES[change.tone]})]
    if model.previous:
        second.append((model.previous, {"size": 18, "colour": GREY}))
    lines: list[list[Run]] = [
        [
            (model.rank_label + "  ", {"size": 24}),
            (model.rank, {"size": 44, "bold": True, "colour": RED}),
        ],
        second,
        [
            (f"{model.score_label}  ", {"size": 22}),
            (model.score, {"size": 28, "bold": True}),
            (f"    {model.grade_label}  ", {"size": 22}),
            (model.grade, {"size": 28, "bold": True, "colour": RED}),
        ],
    ]
    canvas.text(slide, (MARGIN, TOP, COLUMN, Inches(1.9)), lines, spacing=1.0)


def _flags(canvas: Canvas, slide: Any, model: m.ResultsSlide) -> None:
    """Flags, or the veto that bars them."""
    flag_top = TOP + Inches(1.95)
    canvas.heading(slide, MARGIN, flag_top, COLUMN, model.flags_heading)
    y = flag_top + Inches(0.6)
    if model.veto:
        box: Box = (MARGIN, y, COLUMN, Inches(0.45))
        canvas.text(slide, box, [model.veto], size=20, colour=RED, bold=True)
        y += Inches(0.5)
    if model.no_flags:
        canvas.text(
            slide, (MARGIN, y, COLUMN, Inches(0.45)), [model.no_flags], size=20, colour=GREY
        )
    for text in model.flags:
        box = (MARGIN, y, COLUMN - Inches(0.3), Inches(0.48))
        banner = canvas.rect(slide, box, RED, kind=MSO_SHAPE.ROUNDED_RECTANGLE)
        frame = banner.text_frame
        frame.margin_left = Inches(0.15)
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        paragraph = frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.LEFT
        canvas.run(paragraph, text, size=20, colour=GOLD, bold=True)
        y += Inches(0.55)


def _stars(canvas: Canvas, slide: Any, model: m.ResultsSlide) -> None:
    """Stars per top-level board, one line each."""
    canvas.heading(slide, RIGHT, TOP, RIGHT_WIDTH, model.stars_heading)
    total = model.star_max
    line = min(Inches(0.6), int(Inches(3.0) / max(len(model.stars), 1)))
    star_size = 20 if total <= 10 else max(10, int(20 * 10 / total))
    name_width = Inches(1.8)
    star_width = int(Pt(star_size) * 0.9) * total
    star_width = min(star_width + Inches(0.15), RIGHT_WIDTH - name_width - Inches(1.3))
    for k, star in enumerate(model.stars):
        y = top = TOP + Inches(0.6) + line * k
        n = max(0, min(star.stars, total))
        runs = [
            ("★" * n, {"colour": GOLD, "size": star_size}),
            ("☆" * (total - n), {"colour": "BFBFBF", "size": star_size}),
        ]
        canvas.text(
            slide,
            (RIGHT, y, name_width, line),
            [star.board],
            size=18,
            bold=True,
            anchor=MSO_ANCHOR.MIDDLE,
            spacing=0.9,
        )
        box: Box = (RIGHT + name_width, top, star_width, line)
        canvas.text(slide, box, [runs], anchor=MSO_ANCHOR.MIDDLE, spacing=1.0)
        rest = RIGHT_WIDTH - name_width - star_width
        box = (RIGHT + name_width + star_width, top, rest, line)
        canvas.text(
            slide, box, [star.caption], size=14, colour=GREY, anchor=MSO_ANCHOR.MIDDLE, spacing=1.0
        )


def _results(canvas: Canvas, model: m.ResultsSlide) -> None:
    slide = canvas.content(model.title, model.subtitle)
    _standing(canvas, slide, model)
    _flags(canvas, slide, model)
    _stars(canvas, slide, model)
    # The three strongest indicators, as cards across the foot of the slide.
    strongest = TOP + Inches(3.65)
    canvas.heading(slide, MARGIN, strongest, WIDTH - 2 * MARGIN, model.strongest_heading)
    gap = Inches(0.2)
    card = int((WIDTH - 2 * MARGIN - 2 * gap) / 3)
    for k, item in enumerate(model.cards):
        box = (MARGIN + k * (card + gap), strongest + Inches(0.6), card, Inches(1.15))
        _card(canvas, slide, box, item)
    if not model.cards:
        box = (MARGIN, strongest + Inches(0.6), COLUMN, Inches(0.5))
        canvas.text(slide, box, ["—"], colour=GREY)


def _shortfalls(canvas: Canvas, model: m.ShortfallsSlide) -> None:
    slide = canvas.content(model.title, model.subtitle)
    # The three weakest indicators, as stacked cards.
    canvas.heading(slide, MARGIN, TOP, COLUMN, model.weakest_heading)
    for k, item in enumerate(model.cards):
        box: Box = (MARGIN, TOP + Inches(0.65) + k * Inches(1.4), COLUMN, Inches(1.2))
        _card(canvas, slide, box, item)
    if not model.cards:
        canvas.text(slide, (MARGIN, TOP + Inches(0.6), COLUMN, Inches(0.5)), ["—"], colour=GREY)
    # Stars lost since the previous period.
    canvas.heading(slide, RIGHT, TOP, RIGHT_WIDTH, model.lost_heading)
    lost = [_runs(line, small=16) for line in model.lost]
    box = (RIGHT, TOP + Inches(0.6), RIGHT_WIDTH, Inches(1.3))
    canvas.text(slide, box, lost, size=20, spacing=1.0)
    # Targets in red (and those never reported although progress was due).
    red_top = TOP + Inches(2.05)
    canvas.heading(slide, RIGHT, red_top, RIGHT_WIDTH, model.red_heading)
    red = [_runs(line, small=16) for line in model.red]
    box = (RIGHT, red_top + Inches(0.6), RIGHT_WIDTH, Inches(2.8))
    canvas.text(slide, box, red, size=20, spacing=1.0)


def _measures(canvas: Canvas, model: m.MeasuresSlide) -> None:
    slide = canvas.content(model.title, model.subtitle)
    top = BAND + Inches(0.35)
    if model.empty:
        box = (MARGIN, top, WIDTH - 2 * MARGIN, Inches(1))
        canvas.text(slide, box, [model.empty], size=24, colour=GREY)
        return
    header = [[[(h, {"size": 18, "colour": GOLD, "bold": True})]] for h in model.header]
    rows = [header]
    for row in model.rows:
        cells = []
        for cell in row:
            lines = [[cell]] if isinstance(cell, m.Text) else cell
            base = {"size": 18, "colour": INK, "bold": False}
            cells.append([_runs(line, small=14, **base) for line in lines])
        rows.append(cells)
    widths = [3.4, 1.2, 1.25, 1.35, 1.3, 1.3, 1.05, 1.25]
    canvas.table(slide, MARGIN, top, widths, rows, row_height=0.75)


_DRAW: dict[type, Callable[[Canvas, Any], None]] = {
    m.Cover: _cover,
    m.Overview: _overview,
    m.Divider: _divider,
    m.ResultsSlide: _results,
    m.ShortfallsSlide: _shortfalls,
    m.MeasuresSlide: _measures,
}


def draw_deck(model: m.DeckModel, target: str | Path | IO[bytes]) -> None:
    """Draw a deck model onto the template and save it to a path or a binary file."""
    canvas = Canvas(model.lang, model.footer)
    for section in model.sections:
        canvas.section(section.name)
        for slide in section.slides:
            _DRAW[type(slide)](canvas, slide)
    canvas.write_sections()
    canvas.prs.save(str(target) if isinstance(target, Path) else target)
