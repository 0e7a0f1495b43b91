"""The arena deck (书记擂台): a PPTX presentation built from a period's result.

One title slide, one overview of the league table, then for each unit, in the order
it comes on stage, a section: a divider with its name and rank and three slides,
晒成绩 (results: rank and change, flags, stars, strongest indicators), 查不足
(shortfalls: weakest indicators, stars lost, targets in red) and 谈举措 (measures: its
targets and pledges with their numbers and progress). Each unit's slides also form a
real PowerPoint section (``p14:sectionLst``), so the deck's outline lists the units.

Slides are 16:9, titles red and gold, text in Microsoft YaHei set as both the Latin
and the East Asian font so that PowerPoint, WPS and LibreOffice render Chinese
(LibreOffice substitutes an installed CJK font when YaHei is absent).

>>> import pathlib, tempfile
>>> result = {"period": "2023Q1", "results": [
...     {"unit": "a", "name": "甲区", "score": 91.2, "rank": 1, "rank_change": 1,
...      "boards": {"economy": {"score": 91.2, "rank": 1, "stars": 2}},
...      "indicators": {"gdp": {"value": 6.1, "score": 100.0}}, "flags": []},
...     {"unit": "b", "name": "乙区", "score": 80.5, "rank": 2, "rank_change": -1,
...      "boards": {"economy": {"score": 80.5, "rank": 2, "stars": 1}},
...      "indicators": {"gdp": {"value": 5.0, "score": 60.0}}, "flags": []}]}
>>> path = pathlib.Path(tempfile.mkdtemp()) / "arena.pptx"
>>> write_arena_deck(result, path=path, session={"date": "2023-05-27"}) == path
True
"""

from __future__ import annotations

import datetime as dt
import math
import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from leitai.engine.display import ShownScores, shown_scores
from leitai.engine.targets import Actual, Progress, Target, progress_all

__all__ = ["arena_order", "indicator_ranks", "load_session", "write_arena_deck"]

RED = "C00000"
GOLD = "D4AF37"
DARK_RED = "8B0000"
INK = "222222"
GREY = "7F7F7F"
LIGHT = "F2F2F2"
GREEN = "2E7D32"
AMBER = "C98A00"
WHITE = "FFFFFF"
CREAM = "FBF6E9"
FONT = "Microsoft YaHei"
STATUS_COLOURS = {"green": GREEN, "yellow": AMBER, "red": RED, "unreported": GREY}

WIDTH = Inches(13.333)
HEIGHT = Inches(7.5)
MARGIN = Inches(0.6)
BAND = Inches(1.15)
TARGETS_PER_SLIDE = 6

_P14 = "http://schemas.microsoft.com/office/powerpoint/2010/main"
_SECTIONS_URI = "{521415D9-36F7-43E2-AB2F-B90AF26B5E84}"

_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "arena": "书记擂台",
        "overview": "成绩总览",
        "results": "晒成绩",
        "shortfalls": "查不足",
        "measures": "谈举措",
        "opening": "开场",
        "place": "第{n}位",
        "rank": "第{n}名",
        "composite_rank": "综合排名",
        "score": "综合得分",
        "grade": "等次",
        "prev": "（上期第{n}名）",
        "up": "▲ 上升{n}位",
        "down": "▼ 下降{n}位",
        "level": "— 名次持平",
        "no_prev": "无上期名次",
        "flags": "夺旗",
        "no_flags": "本期未夺旗",
        "vetoed": "一票否决：{names}",
        "stars": "摘星",
        "star_count": "{n}星 · 第{r}名",
        "strongest": "优势指标（全市排名）",
        "weakest": "短板指标（全市排名）",
        "of_n": "共{n}个单位",
        "points": "得分 {s}",
        "more": "另有{n}项",
        "more_flags": " 等{n}面",
        "lost": "失星情况（与上期比）",
        "lost_line": "{board}：失{n}星（{before}→{after}）",
        "no_lost": "与上期相比未失星",
        "no_previous": "未提供上期结果",
        "red_targets": "红色预警目标",
        "no_red": "无红色预警目标",
        "no_targets": "未录入目标",
        "target": "目标",
        "source": "来源",
        "goal": "目标值",
        "actual": "累计完成",
        "task": "任务进度",
        "time": "序时进度",
        "status": "状态",
        "pledged": "军令状",
        "assigned": "市级下达",
        "green": "绿",
        "yellow": "黄",
        "red": "红",
        "unreported": "未报",
        "continued": "（续）",
        "milestone": "节点：{date}前{value}",
        "double_half": "双过半",
        "dh_achieved": "已实现",
        "dh_missed": "未实现",
        "dh_pending": "未到期",
        "as_of": "进度截至{date}",
        "unit": "单位",
        "place_col": "名次",
        "change": "升降",
        "flag_col": "红旗",
        "no_score": "—",
        "indicator_line": "{name}  {value}",
        "task_line": "任务进度 {task}，{gap}",
        "ties_note": "分数相同时显示更多位小数以区分名次和星级；※ 表示分数在六位小数内相同，由并列排序规则决定。",
    },
    "en": {
        "arena": "Secretaries' arena",
        "overview": "League table",
        "results": "Results",
        "shortfalls": "Shortfalls",
        "measures": "Measures",
        "opening": "Opening",
        "place": "No. {n}",
        "rank": "#{n}",
        "composite_rank": "Overall",
        "score": "Score",
        "grade": "Grade",
        "prev": " (previously {n})",
        "up": "▲ up {n}",
        "down": "▼ down {n}",
        "level": "— unchanged",
        "no_prev": "no previous rank",
        "flags": "Flags",
        "no_flags": "no flag this period",
        "vetoed": "Vetoed: {names}",
        "stars": "Stars",
        "star_count": "{n} stars · #{r}",
        "strongest": "Strongest indicators",
        "weakest": "Weakest indicators",
        "of_n": "of {n}",
        "points": "score {s}",
        "more": "and {n} more",
        "more_flags": " and {n} more",
        "lost": "Stars lost",
        "lost_line": "{board}: {n} lost ({before}→{after})",
        "no_lost": "no star lost since the previous period",
        "no_previous": "no previous result given",
        "red_targets": "Targets in red",
        "no_red": "no target in red",
        "no_targets": "no targets entered",
        "target": "Target",
        "source": "Source",
        "goal": "Target value",
        "actual": "Actual",
        "task": "Task",
        "time": "Time",
        "status": "Status",
        "pledged": "pledge",
        "assigned": "assigned",
        "green": "green",
        "yellow": "yellow",
        "red": "red",
        "unreported": "none",
        "continued": " (cont.)",
        "milestone": "milestone: {value} by {date}",
        "double_half": "Mid-year",
        "dh_achieved": "achieved",
        "dh_missed": "missed",
        "dh_pending": "pending",
        "as_of": "progress as of {date}",
        "unit": "Unit",
        "place_col": "Rank",
        "change": "Move",
        "flag_col": "Flags",
        "no_score": "—",
        "indicator_line": "{name}  {value}",
        "task_line": "task {task}, {gap}",
        "ties_note": "Where scores look equal, more decimals are shown to tell ranks and stars "
        "apart; ※ marks scores equal to six decimals, where the tie-break rule decided.",
    },
}
_CN_QUARTERS = {"1": "一", "2": "二", "3": "三", "4": "四"}


# ---------------------------------------------------------------------------
# Reading what the deck is built from


def load_session(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read an arena session file (YAML), e.g. ``leitai/demo/arena.yaml``.

    Keys (all optional): ``title``, ``theme``, ``date``, ``period``, ``order``
    (``rank``, ``reverse`` or a list of unit ids), ``as_of``, ``margin``, and
    ``targets``/``actuals`` (file names, made absolute relative to the session file).

    Returns
    -------
    dict
    """
    path = Path(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: expected a mapping of session settings")
    for key in ("targets", "actuals"):
        if isinstance(data.get(key), str):
            data[key] = str((path.parent / data[key]).resolve())
    return data


def _scheme_dict(scheme: Any) -> dict[str, Any]:
    if scheme is None:
        return {}
    if isinstance(scheme, Mapping):
        return dict(scheme)
    if isinstance(scheme, str | os.PathLike):
        return yaml.safe_load(Path(scheme).read_text(encoding="utf-8")) or {}
    if hasattr(scheme, "model_dump"):
        return scheme.model_dump()
    raise TypeError(f"scheme: expected a mapping, a path or a scheme model, found {scheme!r}")


def _meta_names(meta: Any) -> dict[str, dict[str, Any]]:
    """``{id: {"name": ..., ...}}`` from the tolerated shapes of a ``*_meta`` entry."""
    out: dict[str, dict[str, Any]] = {}
    if isinstance(meta, Mapping):
        for key, value in meta.items():
            out[str(key)] = dict(value) if isinstance(value, Mapping) else {"name": str(value)}
    elif isinstance(meta, Sequence) and not isinstance(meta, str):
        for item in meta:
            if isinstance(item, Mapping) and "id" in item:
                out[str(item["id"])] = dict(item)
    return out


class _Catalogue:
    """Names, units of measure and board levels, from whatever the caller gave."""

    def __init__(
        self, result: Mapping[str, Any], scheme: Any, scheme_names: Mapping[str, str] | None
    ) -> None:
        raw = _scheme_dict(scheme)
        self.names: dict[str, str] = {}
        self.measures: dict[str, str] = {}
        self.top_boards: list[str] | None = None
        self.star_max: int | None = None
        if raw:
            for unit in raw.get("units") or []:
                self.names[str(unit["id"])] = str(unit.get("name", unit["id"]))
            self.top_boards = [str(b["id"]) for b in raw.get("boards") or []]
            stack = list(raw.get("boards") or [])
            while stack:
                board = stack.pop()
                self.names[str(board["id"])] = str(board.get("name", board["id"]))
                stack.extend(board.get("boards") or [])
                for indicator in board.get("indicators") or []:
                    self.names[str(indicator["id"])] = str(indicator.get("name", indicator["id"]))
                    if indicator.get("unit"):
                        self.measures[str(indicator["id"])] = str(indicator["unit"])
            for key in ("adjustments", "flags"):
                for item in raw.get(key) or []:
                    self.names[str(item["id"])] = str(item.get("name", item["id"]))
            stars = raw.get("stars") or {}
            if isinstance(stars, Mapping) and stars.get("max") is not None:
                self.star_max = int(stars["max"])
        for key in ("boards_meta", "indicators_meta", "flags_meta", "units_meta"):
            meta = _meta_names(result.get(key))
            for ident, info in meta.items():
                if info.get("name"):
                    self.names[ident] = str(info["name"])
                if info.get("unit"):
                    self.measures[ident] = str(info["unit"])
            if key == "boards_meta" and meta and self.top_boards is None:
                levels = [i for i, info in meta.items() if "parent" in info or "level" in info]
                if levels:
                    self.top_boards = [
                        i
                        for i, info in meta.items()
                        if info.get("parent") is None and info.get("level", 1) == 1
                    ]
        for row in result.get("results") or []:
            if row.get("name"):
                self.names.setdefault(str(row["unit"]), str(row["name"]))
        self.names.update({str(k): str(v) for k, v in (scheme_names or {}).items()})

    def name(self, ident: str) -> str:
        return self.names.get(ident, ident)


def indicator_ranks(result: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """Each unit's rank on each indicator's score among all units.

    Competition ranking ("1224"), higher score better, scores compared after rounding
    to 6 decimals; a null score ranks after every present one.

    Returns
    -------
    dict
        ``{unit: {indicator: rank}}``.

    Examples
    --------
    >>> indicator_ranks({"results": [
    ...     {"unit": "a", "indicators": {"x": {"score": 80}}},
    ...     {"unit": "b", "indicators": {"x": {"score": 90}}},
    ...     {"unit": "c", "indicators": {"x": {"score": None}}}]})
    {'a': {'x': 2}, 'b': {'x': 1}, 'c': {'x': 3}}
    """
    rows = list(result.get("results") or [])
    indicators: list[str] = []
    for row in rows:
        for ident in row.get("indicators") or {}:
            if ident not in indicators:
                indicators.append(ident)
    if not rows or not indicators:
        return {str(row["unit"]): {} for row in rows}
    scores = np.full((len(rows), len(indicators)), np.nan)
    for u, row in enumerate(rows):
        for i, ident in enumerate(indicators):
            cell = (row.get("indicators") or {}).get(ident)
            value = cell.get("score") if isinstance(cell, Mapping) else None
            if value is not None:
                scores[u, i] = float(value)
    rounded = np.round(scores, 6)
    present = ~np.isnan(rounded)
    filled = np.where(present, rounded, -np.inf)
    # Rank = 1 + number of units strictly better; a null sits behind all present ones.
    better = (filled[None, :, :] > filled[:, None, :]).sum(axis=1)
    ranks = np.where(present, better + 1, present.sum(axis=0)[None, :] + 1)
    return {
        str(row["unit"]): {
            ident: int(ranks[u, i])
            for i, ident in enumerate(indicators)
            if ident in (row.get("indicators") or {})
        }
        for u, row in enumerate(rows)
    }


def arena_order(result: Mapping[str, Any], order: str | Sequence[str] = "rank") -> list[str]:
    """The units in the order they come on stage.

    Parameters
    ----------
    result : dict
        A result in the JSON form (spec section 8).
    order : {"rank", "reverse"} or list of str
        Best first (the default), worst first, or these unit ids in this order.

    Returns
    -------
    list of str
        Unit ids.

    Raises
    ------
    ValueError
        For an unknown order word, or a list naming a unit not in the result.
    """
    rows = list(result.get("results") or [])
    ranked = [
        str(row["unit"])
        for _, row in sorted(
            enumerate(rows),
            key=lambda item: (
                item[1].get("rank") is None,
                item[1].get("rank") or 0,
                item[0],
            ),
        )
    ]
    if isinstance(order, str):
        if order == "rank":
            return ranked
        if order == "reverse":
            return ranked[::-1]
        raise ValueError(f"order: expected rank, reverse or a list of unit ids, found {order!r}")
    unknown = [u for u in order if u not in ranked]
    if unknown:
        raise ValueError(f"order: units not in the result: {', '.join(map(str, unknown))}")
    return [str(u) for u in order]


# ---------------------------------------------------------------------------
# Formatting


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None or isinstance(value, bool):
        return "—" if value is None else str(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(number):
        return "—"
    if number.is_integer() and abs(number) < 1e15:
        return f"{int(number):,}"
    text = f"{number:,.{digits}f}".rstrip("0").rstrip(".")
    return text


def _shown_of(result: Mapping[str, Any]) -> ShownScores | None:
    """The scores as the boards print them, ties told apart; None for a result whose rows
    lack the scores, ranks or stars that decide them (nothing is then extended)."""
    try:
        return shown_scores(list(result.get("results") or []))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _score_text(shown: ShownScores | None, row: Mapping[str, Any]) -> str:
    """The composite as the boards print it where it ties visibly with another, else _fmt."""
    item = shown.composite.get(str(row.get("unit"))) if shown else None
    if item is None or not (item.extended or item.tie_break):
        return _fmt(row.get("score"))
    return item.text + ("※" if item.tie_break else "")


def _board_score_extra(shown: ShownScores | None, unit: str, board: str) -> str:
    """`` 63.835`` after a board's stars where its score prints like another unit's that won
    a different number of stars; empty otherwise."""
    item = (shown.boards.get(board) or {}).get(unit) if shown else None
    if item is None or not (item.extended or item.tie_break):
        return ""
    return " " + item.text + ("※" if item.tie_break else "")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _as_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def _date_label(day: dt.date | None, lang: str, *, year: bool = True) -> str:
    if day is None:
        return ""
    if lang == "zh":
        return (f"{day.year}年" if year else "") + f"{day.month}月{day.day}日"
    return f"{day.day} {day:%B}" + (f" {day.year}" if year else "")


def _quotes(text: str, lang: str) -> str:
    """Straight double quotes as Chinese curly ones (奋战"双过半" -> 奋战“双过半”)."""
    if lang != "zh" or '"' not in text:
        return text
    parts = text.split('"')
    out = parts[0]
    for k, part in enumerate(parts[1:]):
        out += ("“" if k % 2 == 0 else "”") + part
    return out


def _period_label(period: Any, lang: str) -> str:
    text = "" if period is None else str(period)
    if lang != "zh" or not text:
        return text
    if len(text) == 6 and text[:4].isdigit() and text[4] in "Qq" and text[5] in _CN_QUARTERS:
        return f"{text[:4]}年第{_CN_QUARTERS[text[5]]}季度"
    if len(text) == 6 and text[:4].isdigit() and text[4:] in ("H1", "H2"):
        return f"{text[:4]}年{'上' if text[5] == '1' else '下'}半年"
    if len(text) == 7 and text[:4].isdigit() and text[4] == "-" and text[5:].isdigit():
        return f"{text[:4]}年{int(text[5:])}月"
    if len(text) == 4 and text.isdigit():
        return f"{text}年度"
    return text


# ---------------------------------------------------------------------------
# Drawing


def _set_fonts(run: Any, font: str, lang: str) -> None:
    """Latin, East Asian and complex-script typefaces, so CJK text gets the font too."""
    run.font.name = font
    rpr = run._r.get_or_add_rPr()
    rpr.set("lang", "zh-CN" if lang == "zh" else "en-US")
    rpr.set("altLang", "en-US")
    anchor = rpr.find(qn("a:latin"))
    for tag in ("a:ea", "a:cs"):
        element = rpr.find(qn(tag))
        if element is None:
            element = etree.SubElement(rpr, qn(tag))
            anchor.addnext(element)
        element.set("typeface", font)
        anchor = element


class _Deck:
    def __init__(self, lang: str, footer: str) -> None:
        self.lang = lang
        self.labels = _LABELS[lang]
        self.footer = footer
        self.prs = Presentation()
        self.prs.slide_width = WIDTH
        self.prs.slide_height = HEIGHT
        self.blank = self.prs.slide_layouts[6]
        self.sections: list[tuple[str, list[str]]] = []

    # -- primitives --------------------------------------------------------

    def slide(self, background: str | None = None) -> Any:
        slide = self.prs.slides.add_slide(self.blank)
        if background:
            fill = slide.background.fill
            fill.solid()
            fill.fore_color.rgb = RGBColor.from_string(background)
        slide_id = str(slide.slide_id)
        if self.sections:
            self.sections[-1][1].append(slide_id)
        return slide

    def section(self, name: str) -> None:
        self.sections.append((name, []))

    def run(
        self,
        paragraph: Any,
        text: str,
        *,
        size: float,
        colour: str = INK,
        bold: bool = False,
    ) -> Any:
        run = paragraph.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = RGBColor.from_string(colour)
        _set_fonts(run, FONT, self.lang)
        return run

    def text(
        self,
        slide: Any,
        left: int,
        top: int,
        width: int,
        height: int,
        lines: Iterable[Any],
        *,
        size: float = 22,
        colour: str = INK,
        bold: bool = False,
        align: Any = PP_ALIGN.LEFT,
        anchor: Any = MSO_ANCHOR.TOP,
        spacing: float = 1.15,
    ) -> Any:
        """A text box; each line is a text or a list of (text, options) runs."""
        box = slide.shapes.add_textbox(left, top, width, height)
        frame = box.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = anchor
        frame.margin_left = frame.margin_right = Inches(0.05)
        first = True
        for line in lines:
            paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
            first = False
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
        return box

    def rect(
        self, slide: Any, left: int, top: int, width: int, height: int, fill: str, *, shape=None
    ) -> Any:
        box = slide.shapes.add_shape(shape or MSO_SHAPE.RECTANGLE, left, top, width, height)
        box.fill.solid()
        box.fill.fore_color.rgb = RGBColor.from_string(fill)
        box.line.fill.background()
        box.shadow.inherit = False
        return box

    def titled(self, title: str, subtitle: str = "") -> Any:
        """A content slide: a red band with a gold title, a gold rule, a footer."""
        slide = self.slide(WHITE)
        self.rect(slide, 0, 0, WIDTH, BAND, RED)
        self.rect(slide, 0, BAND, WIDTH, Inches(0.06), GOLD)
        runs = [(title, {"colour": GOLD, "bold": True, "size": 36})]
        if subtitle:
            runs.append(("   " + subtitle, {"colour": WHITE, "size": 24}))
        self.text(slide, MARGIN, 0, WIDTH - 2 * MARGIN, BAND, [runs], anchor=MSO_ANCHOR.MIDDLE)
        number = len(self.prs.slides)
        self.text(
            slide,
            MARGIN,
            HEIGHT - Inches(0.5),
            WIDTH - 2 * MARGIN - Inches(1),
            Inches(0.4),
            [self.footer],
            size=12,
            colour=GREY,
        )
        self.text(
            slide,
            WIDTH - MARGIN - Inches(1),
            HEIGHT - Inches(0.5),
            Inches(1),
            Inches(0.4),
            [str(number)],
            size=12,
            colour=GREY,
            align=PP_ALIGN.RIGHT,
        )
        return slide

    def heading(self, slide: Any, left: int, top: int, width: int, text: str) -> None:
        self.rect(slide, left, top + Inches(0.08), Inches(0.12), Inches(0.4), RED)
        self.text(
            slide,
            left + Inches(0.2),
            top,
            width - Inches(0.2),
            Inches(0.55),
            [text],
            size=24,
            colour=RED,
            bold=True,
        )

    def table(
        self,
        slide: Any,
        left: int,
        top: int,
        widths: Sequence[float],
        rows: Sequence[Sequence[Any]],
        *,
        size: float = 18,
        header_size: float | None = None,
        row_height: float = 0.55,
    ) -> Any:
        """A table: the first row is the header.

        A cell is a text, a (text, colour) pair, or a list of lines of (text, options) runs.
        """
        shape = slide.shapes.add_table(
            len(rows),
            len(widths),
            left,
            top,
            Inches(sum(widths)),
            Inches(row_height * len(rows)),
        )
        table = shape.table
        for k, width in enumerate(widths):
            table.columns[k].width = Inches(width)
        for r, row in enumerate(rows):
            table.rows[r].height = Inches(row_height)
            for c, value in enumerate(row):
                text, colour = value if isinstance(value, tuple) else (value, None)
                lines = text if isinstance(text, list) else [[(str(text), {})]]
                cell = table.cell(r, c)
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
                        self.run(
                            paragraph,
                            piece,
                            size=options.get("size", (header_size or size) if r == 0 else size),
                            colour=GOLD if r == 0 else options.get("colour", colour or INK),
                            bold=options.get("bold", r == 0 or colour is not None),
                        )
        return shape

    # -- sections ------------------------------------------------------------

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
            section.set(
                "id", "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"leitai/{k}/{name}")).upper() + "}"
            )
            ids = etree.SubElement(section, f"{{{_P14}}}sldIdLst")
            for slide_id in slide_ids:
                etree.SubElement(ids, f"{{{_P14}}}sldId").set("id", slide_id)


# ---------------------------------------------------------------------------
# The deck


def _stars(n: int, total: int) -> list[tuple[str, dict[str, Any]]]:
    n = max(0, min(n, total))
    return [("★" * n, {"colour": GOLD}), ("☆" * (total - n), {"colour": "BFBFBF"})]


def _rank_change(row: Mapping[str, Any], labels: Mapping[str, str]) -> tuple[str, str]:
    change = row.get("rank_change")
    if change is None:
        return labels["no_prev"], GREY
    if change > 0:
        return labels["up"].format(n=change), RED
    if change < 0:
        return labels["down"].format(n=-change), GREEN
    return labels["level"], GREY


def _short_change(change: int | None) -> str:
    if change is None:
        return "—"
    if change > 0:
        return f"▲{change}"
    if change < 0:
        return f"▼{-change}"
    return "—"


def _previous_rows(previous: Any) -> dict[str, Mapping[str, Any]]:
    if not previous:
        return {}
    if isinstance(previous, Mapping) and "results" in previous:
        return {str(r["unit"]): r for r in previous["results"]}
    if isinstance(previous, Mapping):
        return {str(u): {"unit": u, "rank": r} for u, r in previous.items()}
    return {}


def write_arena_deck(
    result: Mapping[str, Any],
    *,
    path: str | os.PathLike[str],
    targets: Iterable[Target] | None = None,
    actuals: Iterable[Actual] | None = None,
    previous: Mapping[str, Any] | None = None,
    session: Mapping[str, Any] | None = None,
    lang: str = "zh",
    scheme: Any = None,
    scheme_names: Mapping[str, str] | None = None,
) -> Path:
    """Write the arena deck of a period's result to a PPTX file.

    Parameters
    ----------
    result : dict
        A result in the JSON form of spec section 8. Optional extra keys
        ``boards_meta``, ``indicators_meta``, ``flags_meta`` (``{id: name}`` or
        ``{id: {"name": ..., "unit": ..., "parent": ...}}``) supply names; ids are shown
        where no name is known.
    path : str or path-like
        Where to write the ``.pptx``.
    targets, actuals : iterables of Target and Actual, optional
        The units' targets and reports; their progress at the session's ``as_of``
        (else its ``date``, else the latest report) fills 查不足 and 谈举措.
    previous : dict, optional
        The previous period's result (same JSON form) for the stars lost; a plain
        ``{unit: rank}`` mapping is accepted but has no stars.
    session : dict, optional
        ``title`` (default 书记擂台), ``theme`` (e.g. 奋战"双过半"), ``date``,
        ``period`` (default the result's), ``order`` (``rank``, ``reverse`` or a list
        of unit ids), ``as_of`` and ``margin`` (see :func:`leitai.engine.targets.progress`).
        When ``targets`` is not given and the session names ``targets`` (and
        ``actuals``) files, they are read from there.
        :func:`load_session` reads one from YAML.
    lang : {"zh", "en"}, default "zh"
        The language of the deck's own words.
    scheme : dict, path or scheme model, optional
        The scheme, for names, units of measure, which boards are top-level and the
        most stars; without it every board in the result is shown.
    scheme_names : dict, optional
        ``{id: name}`` overriding any other source of names.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    if lang not in _LABELS:
        raise ValueError(f"lang: expected one of {', '.join(_LABELS)}, found {lang!r}")
    if not isinstance(result, Mapping) or not isinstance(result.get("results"), list):
        raise ValueError("result: expected a result in the JSON form, with a 'results' list")
    session = dict(session or {})
    labels = _LABELS[lang]
    names = _Catalogue(result, scheme, scheme_names)
    rows = {str(r["unit"]): r for r in result.get("results") or []}
    order = arena_order(result, session.get("order") or "rank")
    ranks = indicator_ranks(result)
    previous_rows = _previous_rows(previous)
    indicator_order = {
        ident: k
        for k, ident in enumerate(
            dict.fromkeys(i for r in rows.values() for i in (r.get("indicators") or {}))
        )
    }
    boards = list(dict.fromkeys(b for r in rows.values() for b in (r.get("boards") or {})))
    top_boards = [b for b in (names.top_boards or boards) if b in boards] or boards
    star_max = names.star_max or max(
        [
            int((r.get("boards") or {}).get(b, {}).get("stars") or 0)
            for r in rows.values()
            for b in top_boards
        ]
        or [1]
    )

    session_date = _as_date(session.get("date"))
    title = str(session.get("title") or labels["arena"])
    period = _period_label(session.get("period") or result.get("period"), lang)
    theme = _quotes(str(session.get("theme") or ""), lang)

    if targets is None and session.get("targets"):
        # A session file may name its targets and actuals tables (see load_session).
        from leitai.io.targets import read_actuals, read_targets

        targets = read_targets(session["targets"])
        if actuals is None and session.get("actuals"):
            actuals = read_actuals(session["actuals"], targets=targets)
    progresses: dict[str, list[Progress]] = {}
    as_of = _as_date(session.get("as_of")) or session_date
    if targets is not None:
        target_list = list(targets)
        actual_list = list(actuals or [])
        if as_of is None:
            as_of = max((a.end for a in actual_list), default=dt.date.today())
        for p in progress_all(
            target_list, actual_list, as_of=as_of, margin=float(session.get("margin", 5.0))
        ):
            progresses.setdefault(p.target.unit, []).append(p)

    footer = " · ".join(x for x in (title, theme, period, _date_label(session_date, lang)) if x)
    deck = _Deck(lang, footer)

    # Title and overview.
    deck.section(labels["opening"])
    slide = deck.slide(RED)
    deck.rect(slide, Inches(1.2), Inches(1.2), WIDTH - Inches(2.4), Inches(0.05), GOLD)
    deck.rect(slide, Inches(1.2), Inches(6.2), WIDTH - Inches(2.4), Inches(0.05), GOLD)
    lines: list[Any] = [[(title, {"size": 66, "bold": True, "colour": GOLD})]]
    if theme:
        lines.append([(theme, {"size": 44, "bold": True, "colour": GOLD})])
    if period:
        caption = f"{period}{'考核成绩' if lang == 'zh' else ' results'}"
        lines.append([(caption, {"size": 28, "colour": WHITE})])
    if session_date:
        lines.append([(_date_label(session_date, lang), {"size": 24, "colour": WHITE})])
    deck.text(
        slide,
        Inches(1.2),
        Inches(1.4),
        WIDTH - Inches(2.4),
        Inches(4.7),
        lines,
        align=PP_ALIGN.CENTER,
        anchor=MSO_ANCHOR.MIDDLE,
        spacing=1.3,
    )
    shown = _shown_of(result)
    _overview(
        deck, result, order=arena_order(result), names=names, top_boards=top_boards, shown=shown
    )

    for place, unit in enumerate(order, start=1):
        row = rows[unit]
        unit_name = names.name(unit)
        deck.section(f"{labels['place'].format(n=place)} {unit_name}")
        _divider(deck, row, place=place, unit_name=unit_name, shown=shown)
        _results_slide(
            deck,
            row,
            tie_display=shown,
            names=names,
            ranks=ranks[unit],
            n=len(rows),
            top_boards=top_boards,
            star_max=star_max,
            indicator_order=indicator_order,
        )
        _shortfalls_slide(
            deck,
            row,
            names=names,
            ranks=ranks[unit],
            n=len(rows),
            top_boards=top_boards,
            previous=previous_rows.get(unit) if previous is not None else None,
            has_previous=previous is not None,
            progresses=progresses.get(unit),
            has_targets=targets is not None,
            indicator_order=indicator_order,
        )
        _measures_slides(
            deck, unit_name, progresses.get(unit), has_targets=targets is not None, as_of=as_of
        )
    deck.write_sections()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    deck.prs.save(path)
    return path


def _flag_short(name: str) -> str:
    """A flag's name up to its first pause: 真抓实干、勇当排头 -> 真抓实干."""
    for mark in ("、", "，", ","):
        if mark in name:
            return name.split(mark, 1)[0]
    return name


def _overview(
    deck: _Deck,
    result: Mapping[str, Any],
    *,
    order: Sequence[str],
    names: _Catalogue,
    top_boards: Sequence[str],
    shown: ShownScores | None = None,
) -> None:
    """The league table, ten units a slide; scores that print alike but decided
    differently carry the decimals that tell them apart, with a note."""
    labels = deck.labels
    rows = {str(r["unit"]): r for r in result.get("results") or []}
    shown_boards = list(top_boards[:5])
    header = [
        labels["place_col"],
        labels["unit"],
        labels["score"],
        labels["change"],
        *(names.name(b) for b in shown_boards),
        labels["flag_col"],
        labels["grade"],
    ]
    fixed = [0.9, 2.0, 1.2, 0.8]
    tail = [1.2, 0.9]
    board_width = min(1.5, (12.1 - sum(fixed) - sum(tail)) / max(len(shown_boards), 1))
    widths = [*fixed, *([board_width] * len(shown_boards)), *tail]
    widths[1] += 12.1 - sum(widths)
    per_slide = 10
    for start in range(0, max(len(order), 1), per_slide):
        title = labels["overview"] + (labels["continued"] if start else "")
        slide = deck.titled(title, _period_label(result.get("period"), deck.lang))
        table_rows: list[list[Any]] = [header]
        for unit in order[start : start + per_slide]:
            row = rows[unit]
            _, colour = _rank_change(row, labels)
            flags = "\n".join(_flag_short(names.name(f)) for f in row.get("flags") or [])
            table_rows.append(
                [
                    str(row.get("rank") or "—"),
                    names.name(unit),
                    _score_text(shown, row),
                    (_short_change(row.get("rank_change")), colour),
                    *(
                        f"{((row.get('boards') or {}).get(b) or {}).get('stars', '—')}★"
                        + _board_score_extra(shown, unit, b)
                        for b in shown_boards
                    ),
                    (flags, RED) if flags else "—",
                    row.get("grade") or "—",
                ]
            )
        row_height = min(0.55, 5.3 / len(table_rows))
        deck.table(
            slide,
            MARGIN,
            BAND + Inches(0.3),
            widths,
            table_rows,
            size=16 if len(table_rows) <= 8 else 15,
            header_size=14,
            row_height=row_height,
        )
        if shown is not None and shown.extended:
            deck.text(
                slide,
                MARGIN,
                HEIGHT - Inches(0.85),
                WIDTH - 2 * MARGIN,
                Inches(0.4),
                [labels["ties_note"]],
                size=12,
                colour=GREY,
            )


def _divider(
    deck: _Deck,
    row: Mapping[str, Any],
    *,
    place: int,
    unit_name: str,
    shown: ShownScores | None = None,
) -> None:
    labels = deck.labels
    slide = deck.slide(RED)
    deck.rect(slide, Inches(3.2), Inches(4.25), WIDTH - Inches(6.4), Inches(0.05), GOLD)
    change, _ = _rank_change(row, labels)
    facts = [
        f"{labels['composite_rank']} {labels['rank'].format(n=row.get('rank', '—'))}",
        f"{labels['score']} {_score_text(shown, row)}",
        change,
    ]
    deck.text(
        slide,
        Inches(1),
        Inches(1.3),
        WIDTH - Inches(2),
        Inches(2.9),
        [
            [(labels["place"].format(n=place), {"size": 36, "colour": WHITE})],
            [(unit_name, {"size": 72, "bold": True, "colour": GOLD})],
        ],
        align=PP_ALIGN.CENTER,
        anchor=MSO_ANCHOR.BOTTOM,
    )
    deck.text(
        slide,
        Inches(1),
        Inches(4.5),
        WIDTH - Inches(2),
        Inches(1.2),
        [[("   ·   ".join(facts), {"size": 28, "colour": WHITE})]],
        align=PP_ALIGN.CENTER,
    )


def _indicator_card(
    deck: _Deck,
    slide: Any,
    left: int,
    top: int,
    width: int,
    height: int,
    *,
    ident: str,
    row: Mapping[str, Any],
    rank: int,
    n: int,
    names: _Catalogue,
) -> None:
    """A card: the rank on a red tab, the indicator's name, value and score beside it."""
    labels = deck.labels
    cell = (row.get("indicators") or {}).get(ident) or {}
    value = cell.get("value")
    measure = names.measures.get(ident, "")
    shown = _fmt(value, 4) + ("" if value is None else measure)
    score = cell.get("score")
    tab = Inches(1.35)
    deck.rect(slide, left, top, width, height, CREAM)
    deck.rect(slide, left, top, tab, height, RED)
    deck.text(
        slide,
        left,
        top,
        tab,
        height,
        [
            [(labels["rank"].format(n=rank), {"size": 20, "bold": True, "colour": GOLD})],
            [(labels["of_n"].format(n=n), {"size": 12, "colour": WHITE})],
        ],
        align=PP_ALIGN.CENTER,
        anchor=MSO_ANCHOR.MIDDLE,
        spacing=1.0,
    )
    title = names.name(ident)
    detail = shown if score is None else f"{shown} · {labels['points'].format(s=_fmt(score))}"
    deck.text(
        slide,
        left + tab + Inches(0.1),
        top,
        width - tab - Inches(0.15),
        height,
        [
            [
                (
                    title,
                    {
                        "size": 20 if len(title) <= 9 else 17 if len(title) <= 14 else 14,
                        "bold": True,
                    },
                )
            ],
            [(detail, {"size": 14, "colour": GREY})],
        ],
        anchor=MSO_ANCHOR.MIDDLE,
        spacing=1.0,
    )


def _results_slide(
    deck: _Deck,
    row: Mapping[str, Any],
    *,
    names: _Catalogue,
    ranks: Mapping[str, int],
    n: int,
    top_boards: Sequence[str],
    star_max: int,
    indicator_order: Mapping[str, int],
    tie_display: ShownScores | None = None,
) -> None:
    labels = deck.labels
    unit_name = names.name(str(row["unit"]))
    slide = deck.titled(labels["results"], unit_name)
    left = MARGIN
    column = Inches(5.6)
    top = BAND + Inches(0.3)

    # Rank and its change, score, grade.
    change, colour = _rank_change(row, labels)
    second: list[tuple[str, dict[str, Any]]] = [
        (change, {"size": 24, "bold": True, "colour": colour})
    ]
    if row.get("prev_rank") is not None:
        second.append((labels["prev"].format(n=row["prev_rank"]), {"size": 18, "colour": GREY}))
    lines: list[Any] = [
        [
            (labels["composite_rank"] + "  ", {"size": 24}),
            (
                labels["rank"].format(n=row.get("rank", "—")),
                {"size": 44, "bold": True, "colour": RED},
            ),
        ],
        second,
        [
            (f"{labels['score']}  ", {"size": 22}),
            (_score_text(tie_display, row), {"size": 28, "bold": True}),
            (f"    {labels['grade']}  ", {"size": 22}),
            (str(row.get("grade") or "—"), {"size": 28, "bold": True, "colour": RED}),
        ],
    ]
    deck.text(slide, left, top, column, Inches(1.9), lines, spacing=1.0)

    # Flags, or the veto that bars them.
    flag_top = top + Inches(1.95)
    deck.heading(slide, left, flag_top, column, labels["flags"])
    y = flag_top + Inches(0.6)
    flags = list(row.get("flags") or [])
    if row.get("vetoed"):
        vetoes = [k for k, v in (row.get("adjustments") or {}).items() if v is True]
        deck.text(
            slide,
            left,
            y,
            column,
            Inches(0.45),
            [labels["vetoed"].format(names="、".join(names.name(v) for v in vetoes) or "—")],
            size=20,
            colour=RED,
            bold=True,
        )
        y += Inches(0.5)
    if not flags:
        deck.text(slide, left, y, column, Inches(0.45), [labels["no_flags"]], size=20, colour=GREY)
    shown = flags[:2]
    for k, flag in enumerate(shown):
        text = "◆ " + names.name(flag)
        if k == len(shown) - 1 and len(flags) > len(shown):
            text += labels["more_flags"].format(n=len(flags) - len(shown))
        banner = deck.rect(
            slide,
            left,
            y,
            column - Inches(0.3),
            Inches(0.48),
            RED,
            shape=MSO_SHAPE.ROUNDED_RECTANGLE,
        )
        frame = banner.text_frame
        frame.margin_left = Inches(0.15)
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        paragraph = frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.LEFT
        deck.run(paragraph, text, size=20, colour=GOLD, bold=True)
        y += Inches(0.55)

    # Stars per top-level board, one line each.
    right = left + column + Inches(0.4)
    width = WIDTH - right - MARGIN
    deck.heading(slide, right, top, width, labels["stars"])
    boards = list(top_boards[:6])
    line = min(Inches(0.6), int(Inches(3.0) / max(len(boards), 1)))
    star_size = 20 if star_max <= 10 else max(10, int(20 * 10 / star_max))
    name_width = Inches(1.8)
    star_width = int(Pt(star_size) * 0.9) * star_max
    star_width = min(star_width + Inches(0.15), width - name_width - Inches(1.3))
    for k, board in enumerate(boards):
        info = (row.get("boards") or {}).get(board) or {}
        stars = int(info.get("stars") or 0)
        y = top + Inches(0.6) + line * k
        deck.text(
            slide,
            right,
            y,
            name_width,
            line,
            [names.name(board)],
            size=18,
            bold=True,
            anchor=MSO_ANCHOR.MIDDLE,
            spacing=0.9,
        )
        deck.text(
            slide,
            right + name_width,
            y,
            star_width,
            line,
            [[(t, {**o, "size": star_size}) for t, o in _stars(stars, star_max)]],
            anchor=MSO_ANCHOR.MIDDLE,
            spacing=1.0,
        )
        deck.text(
            slide,
            right + name_width + star_width,
            y,
            width - name_width - star_width,
            line,
            [
                labels["star_count"].format(n=stars, r=info.get("rank", "—"))
                + _board_score_extra(tie_display, str(row["unit"]), board)
            ],
            size=14,
            colour=GREY,
            anchor=MSO_ANCHOR.MIDDLE,
            spacing=1.0,
        )

    # The three strongest indicators, as cards across the foot of the slide.
    strongest_top = top + Inches(3.65)
    deck.heading(slide, left, strongest_top, WIDTH - 2 * MARGIN, labels["strongest"])
    scored = [
        i for i in ranks if ((row.get("indicators") or {}).get(i) or {}).get("score") is not None
    ]
    best = sorted(scored, key=lambda i: (ranks[i], indicator_order.get(i, 0)))[:3]
    gap = Inches(0.2)
    card = int((WIDTH - 2 * MARGIN - 2 * gap) / 3)
    for k, ident in enumerate(best):
        _indicator_card(
            deck,
            slide,
            left + k * (card + gap),
            strongest_top + Inches(0.6),
            card,
            Inches(1.15),
            ident=ident,
            row=row,
            rank=ranks[ident],
            n=n,
            names=names,
        )
    if not best:
        deck.text(slide, left, strongest_top + Inches(0.6), column, Inches(0.5), ["—"], colour=GREY)


def _shortfalls_slide(
    deck: _Deck,
    row: Mapping[str, Any],
    *,
    names: _Catalogue,
    ranks: Mapping[str, int],
    n: int,
    top_boards: Sequence[str],
    previous: Mapping[str, Any] | None,
    has_previous: bool,
    progresses: Sequence[Progress] | None,
    has_targets: bool,
    indicator_order: Mapping[str, int],
) -> None:
    labels = deck.labels
    unit_name = names.name(str(row["unit"]))
    slide = deck.titled(labels["shortfalls"], unit_name)
    top = BAND + Inches(0.3)
    column = Inches(5.6)
    left = MARGIN

    # The three weakest indicators, as stacked cards.
    deck.heading(slide, left, top, column, labels["weakest"])
    worst = sorted(ranks, key=lambda i: (-ranks[i], indicator_order.get(i, 0)))[:3]
    for k, ident in enumerate(worst):
        _indicator_card(
            deck,
            slide,
            left,
            top + Inches(0.65) + k * Inches(1.4),
            column,
            Inches(1.2),
            ident=ident,
            row=row,
            rank=ranks[ident],
            n=n,
            names=names,
        )
    if not worst:
        deck.text(slide, left, top + Inches(0.6), column, Inches(0.5), ["—"], colour=GREY)

    # Stars lost since the previous period.
    right = left + column + Inches(0.4)
    width = WIDTH - right - MARGIN
    deck.heading(slide, right, top, width, labels["lost"])
    if not has_previous:
        lines: list[Any] = [[(labels["no_previous"], {"colour": GREY})]]
    else:
        lines = []
        before_boards = (previous or {}).get("boards") or {}
        for board in top_boards:
            before = (before_boards.get(board) or {}).get("stars")
            after = ((row.get("boards") or {}).get(board) or {}).get("stars")
            if before is not None and after is not None and before > after:
                text = labels["lost_line"].format(
                    board=names.name(board), n=before - after, before=before, after=after
                )
                lines.append([(text, {"colour": RED, "bold": True})])
        if not lines:
            lines = [[(labels["no_lost"], {"colour": GREY})]]
    if len(lines) > 3:
        lines = [*lines[:2], [(labels["more"].format(n=len(lines) - 2), {"colour": RED})]]
    deck.text(slide, right, top + Inches(0.6), width, Inches(1.3), lines, size=20, spacing=1.0)

    # Targets in red (and those never reported although progress was due).
    red_top = top + Inches(2.05)
    deck.heading(slide, right, red_top, width, labels["red_targets"])
    if not has_targets:
        lines = [[(labels["no_targets"], {"colour": GREY})]]
    else:
        red = [p for p in progresses or [] if p.status in ("red", "unreported")]
        lines = []
        for p in red[:4]:
            lines.append(
                [("● ", {"colour": STATUS_COLOURS[p.status]}), (p.target.name, {"bold": True})]
            )
            detail = labels["task_line"].format(
                task=_pct(p.task_progress), gap=p.gap_text(deck.lang)
            )
            lines.append([("    " + detail, {"size": 16, "colour": RED})])
        if len(red) > 4:
            lines.append([(labels["more"].format(n=len(red) - 4), {"size": 16, "colour": RED})])
        if not lines:
            lines = [[(labels["no_red"], {"colour": GREEN, "bold": True})]]
    deck.text(slide, right, red_top + Inches(0.6), width, Inches(2.8), lines, size=20, spacing=1.0)


def _measures_slides(
    deck: _Deck,
    unit_name: str,
    progresses: Sequence[Progress] | None,
    *,
    has_targets: bool,
    as_of: dt.date | None,
) -> None:
    labels = deck.labels
    ordered = sorted(progresses or [], key=lambda p: p.target.source != "pledged")
    pages = [ordered[k : k + TARGETS_PER_SLIDE] for k in range(0, len(ordered), TARGETS_PER_SLIDE)]
    for k, page in enumerate(pages or [[]]):
        title = labels["measures"] + (labels["continued"] if k else "")
        subtitle = unit_name
        if as_of is not None and has_targets:
            subtitle += "   " + labels["as_of"].format(date=_date_label(as_of, deck.lang))
        slide = deck.titled(title, subtitle)
        top = BAND + Inches(0.35)
        if not page:
            deck.text(
                slide,
                MARGIN,
                top,
                WIDTH - 2 * MARGIN,
                Inches(1),
                [labels["no_targets"]],
                size=24,
                colour=GREY,
            )
            continue
        rows: list[list[Any]] = [
            [
                labels["target"],
                labels["source"],
                labels["goal"],
                labels["actual"],
                labels["task"],
                labels["time"],
                labels["status"],
                labels["double_half"],
            ]
        ]
        for p in page:
            t = p.target
            name: list[Any] = [[(t.name, {"bold": True})]]
            if t.unit_of_measure:
                name[0].append((f"（{t.unit_of_measure}）", {"size": 14, "colour": GREY}))
            for m in t.milestones[:1]:
                milestone = labels["milestone"].format(
                    date=_date_label(m.date, deck.lang, year=False),
                    value=_fmt(m.value, 4) + t.unit_of_measure,
                )
                name.append([(milestone, {"size": 14, "colour": RED})])
            rows.append(
                [
                    name,
                    (labels[t.source], RED if t.source == "pledged" else None),
                    _fmt(t.value, 4),
                    _fmt(p.actual, 4),
                    _pct(p.task_progress),
                    _pct(p.time_progress),
                    ("● " + labels[p.status], STATUS_COLOURS[p.status]),
                    labels[f"dh_{p.double_half}"],
                ]
            )
        deck.table(
            slide,
            MARGIN,
            top,
            [3.4, 1.2, 1.25, 1.35, 1.3, 1.3, 1.05, 1.25],
            rows,
            size=18,
            row_height=0.75,
        )
