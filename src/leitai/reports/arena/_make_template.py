"""Build ``template.pptx``, the look of the arena deck: run ``python -m
leitai.reports.arena._make_template`` after changing it, and commit both.

Three layouts, made from python-pptx's default template (the others are removed):

``arena cover``
    Red background between two gold rules; the title placeholder (gold, 66 pt, bold)
    takes the title and the theme, the subtitle placeholder (white, 28 pt) the period and
    the date.
``arena divider``
    Red background with a gold rule; a text placeholder for the place on stage (white,
    36 pt), the title placeholder for the unit's name (gold, 72 pt, bold) and a second
    text placeholder (idx 13) for its rank, score and change (white, 28 pt).
``arena content``
    White, with a red band and a gold rule across the top; the title placeholder sits
    in the band (gold, 36 pt, bold), the footer (grey, 12 pt) and the slide number
    (grey, 12 pt, right-aligned) at the foot.

The theme's Latin and East Asian faces are Microsoft YaHei (LibreOffice substitutes an
installed CJK face where it is absent).
"""

from __future__ import annotations

import copy
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.oxml.shapes.autoshape import CT_Shape
from pptx.shapes.autoshape import Shape
from pptx.util import Emu, Inches, Pt

from leitai.reports.arena.look import (
    BAND,
    CONTENT,
    COVER,
    DIVIDER,
    FACTS_IDX,
    FONT,
    GOLD,
    GREY,
    HEIGHT,
    MARGIN,
    RED,
    TEMPLATE,
    WHITE,
    WIDTH,
)


def _background(layout, colour: str) -> None:
    fill = layout.background.fill
    fill.solid()
    fill.fore_color.rgb = RGBColor.from_string(colour)


def _rect(layout, left: int, top: int, width: int, height: int, colour: str) -> None:
    # Layouts have no add_shape: build the <p:sp> and wrap it as python-pptx would.
    tree = layout.shapes._spTree
    ident = max(int(e.get("id")) for e in tree.iter(qn("p:cNvPr"))) + 1
    element = CT_Shape.new_autoshape_sp(ident, f"Rule {ident}", "rect", left, top, width, height)
    shape = Shape(element, layout.shapes)
    shape.fill.solid()
    shape.fill.fore_color.rgb = RGBColor.from_string(colour)
    shape.line.fill.background()
    shape.shadow.inherit = False
    # Behind the placeholders: first in the shape tree after its two fixed children.
    tree.insert(2, element)


def _style(
    placeholder,
    box: tuple[int, int, int, int],
    *,
    size: float,
    colour: str,
    bold: bool = False,
    align: str = "l",
    anchor: str = "t",
    spacing: float | None = None,
) -> None:
    """Place a layout placeholder and give it the look its slides inherit (lstStyle)."""
    placeholder.left, placeholder.top, placeholder.width, placeholder.height = map(Emu, box)
    body = placeholder._element.txBody
    body_pr = body.find(qn("a:bodyPr"))
    body_pr.set("anchor", anchor)
    body_pr.set("wrap", "square")
    for child in list(body_pr):
        body_pr.remove(child)
    etree.SubElement(body_pr, qn("a:normAutofit"))
    old = body.find(qn("a:lstStyle"))
    styles = etree.Element(qn("a:lstStyle"))
    old.addprevious(styles)
    body.remove(old)
    level = etree.SubElement(styles, qn("a:lvl1pPr"), algn=align, marL="0", indent="0")
    if spacing is not None:
        line = etree.SubElement(level, qn("a:lnSpc"))
        etree.SubElement(line, qn("a:spcPct"), val=str(int(spacing * 100_000)))
    etree.SubElement(level, qn("a:buNone"))
    run = etree.SubElement(
        level, qn("a:defRPr"), sz=str(int(Pt(size) / 127)), b="1" if bold else "0"
    )
    fill = etree.SubElement(run, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr"), val=colour)
    for tag in ("a:latin", "a:ea", "a:cs"):
        etree.SubElement(run, qn(tag), typeface=FONT)


def _placeholder(layout, kind: int):
    return next(p for p in layout.placeholders if p.placeholder_format.idx == kind)


def _drop(layout, *indices: int) -> None:
    for idx in indices:
        element = _placeholder(layout, idx)._element
        element.getparent().remove(element)


def _cover(layout) -> None:
    layout.name = COVER
    _background(layout, RED)
    _drop(layout, 10, 11, 12)
    _style(
        _placeholder(layout, 0),
        (Inches(1.2), Inches(1.4), WIDTH - Inches(2.4), Inches(2.9)),
        size=66,
        colour=GOLD,
        bold=True,
        align="ctr",
        anchor="b",
        spacing=1.3,
    )
    _style(
        _placeholder(layout, 1),
        (Inches(1.2), Inches(4.4), WIDTH - Inches(2.4), Inches(1.7)),
        size=28,
        colour=WHITE,
        align="ctr",
        spacing=1.3,
    )
    _rect(layout, Inches(1.2), Inches(1.2), WIDTH - Inches(2.4), Inches(0.05), GOLD)
    _rect(layout, Inches(1.2), Inches(6.2), WIDTH - Inches(2.4), Inches(0.05), GOLD)


def _divider(layout) -> None:
    layout.name = DIVIDER
    _background(layout, RED)
    _drop(layout, 10, 11, 12)
    title, body = _placeholder(layout, 0), _placeholder(layout, 1)
    # The place comes before the name in reading order (and in the slide's shapes).
    tree = layout.shapes._spTree
    tree.remove(body._element)
    title._element.addprevious(body._element)
    _style(
        body,
        (Inches(1), Inches(1.7), WIDTH - Inches(2), Inches(1.0)),
        size=36,
        colour=WHITE,
        align="ctr",
        anchor="b",
    )
    _style(
        title,
        (Inches(1), Inches(2.3), WIDTH - Inches(2), Inches(1.9)),
        size=72,
        colour=GOLD,
        bold=True,
        align="ctr",
        anchor="b",
    )
    facts = copy.deepcopy(body._element)
    facts.nvSpPr.cNvPr.set("id", "13")
    facts.nvSpPr.cNvPr.set("name", "Facts Placeholder")
    facts.ph.set("idx", str(FACTS_IDX))
    tree.append(facts)
    _style(
        _placeholder(layout, FACTS_IDX),
        (Inches(1), Inches(4.5), WIDTH - Inches(2), Inches(1.2)),
        size=28,
        colour=WHITE,
        align="ctr",
    )
    _rect(layout, Inches(3.2), Inches(4.25), WIDTH - Inches(6.4), Inches(0.05), GOLD)


def _content(layout) -> None:
    layout.name = CONTENT
    _background(layout, WHITE)
    _drop(layout, 10)
    _style(
        _placeholder(layout, 0),
        (MARGIN, 0, WIDTH - 2 * MARGIN, BAND),
        size=36,
        colour=GOLD,
        bold=True,
        anchor="ctr",
    )
    foot = HEIGHT - Inches(0.5)
    _style(
        _placeholder(layout, 11),
        (MARGIN, foot, WIDTH - 2 * MARGIN - Inches(1), Inches(0.4)),
        size=12,
        colour=GREY,
    )
    _style(
        _placeholder(layout, 12),
        (WIDTH - MARGIN - Inches(1), foot, Inches(1), Inches(0.4)),
        size=12,
        colour=GREY,
        align="r",
    )
    _rect(layout, 0, BAND, WIDTH, Inches(0.06), GOLD)
    _rect(layout, 0, 0, WIDTH, BAND, RED)


def _theme_fonts(prs) -> None:
    """Microsoft YaHei as the theme's heading and body faces, Latin and East Asian."""
    theme = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(theme.blob)
    for tag in ("a:majorFont", "a:minorFont"):
        for face in ("a:latin", "a:ea"):
            element = root.find(f".//{qn(tag)}/{qn(face)}")
            element.set("typeface", FONT)
    theme._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def build(path: Path = TEMPLATE) -> Path:
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    layouts = list(prs.slide_layouts)
    keep = {0: _cover, 2: _divider, 5: _content}
    for k, layout in enumerate(layouts):
        if k in keep:
            keep[k](layout)
        else:
            prs.slide_layouts.remove(layout)
    _theme_fonts(prs)
    prs.core_properties.title = "leitai arena deck"
    prs.save(str(path))
    return path


if __name__ == "__main__":
    print(build())
