"""The words of the terminal, the result books and the slides, from the gettext catalogue.

The engine gives numbers and codes; the words are chosen here, at the edge, in the
language asked for (``"zh"`` or ``"en"``), from the one catalogue the web also reads
(``leitai/locale/zh_Hans/LC_MESSAGES/django.po``, see :mod:`leitai.i18n`). Each table
keeps its words under one gettext context, so that a short English word (``Stars``,
``Score``) is translated as that table means it.

>>> label("rank"), label("rank", "en")
('排名', 'Rank')
>>> gap_text(-3.14), gap_text(20.34, "en")
('落后序时进度 3.1 个百分点', '20.3 points ahead of time progress')
>>> WordTable("cli weights", {"target": " (target %(target)s)"})("target", "zh", target=2)
'（目标 2）'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from leitai.i18n import translations

__all__ = [
    "LABELS",
    "WordTable",
    "Words",
    "arrow",
    "aside_text",
    "curly_quotes",
    "date_text",
    "gap_text",
    "label",
    "list_text",
]


class WordTable:
    """Words by key: each an English msgid (with ``%(name)s`` parameters) looked up
    under one gettext ``context``."""

    def __init__(self, context: str, msgids: dict[str, str]) -> None:
        self.context = context
        self.msgids = msgids

    def __call__(self, key: str, lang: str = "zh", **values: object) -> str:
        """The word ``key`` in ``lang``, its parameters filled with ``values``."""
        text = translations(lang).pgettext(self.context, self.msgids[key])
        return text % values if values else text

    def __contains__(self, key: object) -> bool:
        return key in self.msgids

    def of(self, lang: str) -> Words:
        """This table's words in one language, to hand to code that writes in it."""
        return Words(self, lang)


class Words:
    """A :class:`WordTable` in one language: ``words("key", **values)``."""

    def __init__(self, table: WordTable, lang: str) -> None:
        self.table = table
        self.lang = lang

    def __call__(self, key: str, **values: object) -> str:
        return self.table(key, self.lang, **values)


# The labels of tables, books and slides (msgids under the context "label"; the sheets'
# names under "book sheet").
LABELS: dict[str, str] = {
    "rank": "Rank",
    "unit": "Unit",
    "unit_id": "Unit id",
    "score": "Composite",
    "change": "Change",
    "prev_rank": "Previous rank",
    "flags": "Flags",
    "grade": "Grade",
    "stars": "Stars",
    "board_stars": "%(board)s stars",
    "vetoed": "Vetoed",
    "new": "new",
    "board": "Board",
    "board_score": "Board score",
    "indicator": "Indicator",
    "indicator_id": "Indicator id",
    "value": "Value",
    "target": "Target",
    "ind_score": "Score",
    "weight": "Weight (points)",
    "contribution": "Contribution (points)",
    "ind_rank": "Indicator rank",
    "strongest": "Strongest indicators",
    "weakest": "Weakest indicators",
    "gap_above": "Gap to the unit above (points)",
    "above": "Unit above",
    "league": "League table",
    "star_sheet": "Stars",
    "indicator_sheet": "Indicator scores",
    "explain_sheet": "Explanations",
    "about_sheet": "About",
    "scheme": "Scheme",
    "version": "Version",
    "period": "Period",
    "sha256": "Scheme file SHA-256",
    "generated": "Generated",
    "direction": "Direction",
    "higher": "higher is better",
    "lower": "lower is better",
    "measure": "Unit of measure",
    "name": "Name",
    "adjustment": "Adjustments",
    "bonus": "bonus",
    "deduction": "deduction",
    "veto": "veto",
    "results_written": "Result files written to",
    "valid": "Valid",
    "template_written": "Template written to",
    "book_written": "Result book written to",
    "notice_written": "Notice written to",
    "title": "League table",
    "board_scores_sheet": "Board scores",
    "ties_note": "Where scores look equal, more decimals are shown to tell ranks and stars apart; ※ marks scores equal to six decimals, where the tie-break rule decided.",
    "yes": "yes",
    "no": "no",
    "group": "Group",
    "rank_all": "Overall rank",
    "needs_periods": "Needs the results of periods",
    "notes_sheet": "Indicator notes",
    "definition": "Definition",
    "source": "Data source",
    "department": "Responsible department",
    "contact": "Contact",
}
_SHEETS = frozenset(
    {
        "league",
        "star_sheet",
        "indicator_sheet",
        "explain_sheet",
        "about_sheet",
        "board_scores_sheet",
        "notes_sheet",
    }
)
_LABEL = WordTable("label", LABELS)
_SHEET = WordTable("book sheet", LABELS)


def label(key: str, lang: str = "zh", **values: object) -> str:
    """The label ``key`` in ``lang`` (``"zh"`` or ``"en"``), with its ``values``.

    >>> label("board_stars", board="经济运行"), label("board_stars", "en", board="Economy")
    ('经济运行星级', 'Economy stars')
    """
    return (_SHEET if key in _SHEETS else _LABEL)(key, lang, **values)


def arrow(change: int | None, lang: str = "zh") -> str:
    """A rank change as an arrow: ↑2, ↓1, →0, or 'new' without a previous rank."""
    if change is None:
        return label("new", lang)
    if change > 0:
        return f"↑{change}"
    if change < 0:
        return f"↓{-change}"
    return "→0"


_GAP = WordTable(
    "target gap",
    {
        "unreported": "not reported",
        "ahead": "%(points)s points ahead of time progress",
        "behind": "%(points)s points behind time progress",
        "level": "level with time progress",
    },
)


def gap_text(gap: float | None, lang: str = "zh") -> str:
    """A target's gap to time progress (``Progress.gap``, in points) in words:
    ``超序时进度 20.3 个百分点``, ``落后序时进度 3.1 个百分点``, ``与序时进度持平``; in English
    ``20.3 points ahead of time progress``; ``未报送`` when nothing was reported."""
    if gap is None:
        return _GAP("unreported", lang)
    points = round(gap, 1)
    if points > 0:
        return _GAP("ahead", lang, points=f"{points:.1f}")
    if points < 0:
        return _GAP("behind", lang, points=f"{-points:.1f}")
    return _GAP("level", lang)


# Dates: the two patterns and the months by number (msgids under the context "date").
_DATE = WordTable(
    "date",
    {
        "with_year": "%(day)s %(month)s %(year)s",
        "without_year": "%(day)s %(month)s",
        "1": "January",
        "2": "February",
        "3": "March",
        "4": "April",
        "5": "May",
        "6": "June",
        "7": "July",
        "8": "August",
        "9": "September",
        "10": "October",
        "11": "November",
        "12": "December",
    },
)


def date_text(day: dt.date | None, lang: str = "zh", *, year: bool = True) -> str:
    """A date as people write it: ``2023年5月20日`` or ``20 May 2023`` (``5月20日``,
    ``20 May`` without the year); empty for none.

    >>> date_text(dt.date(2023, 5, 20)), date_text(dt.date(2023, 5, 20), "en", year=False)
    ('2023年5月20日', '20 May')
    """
    if day is None:
        return ""
    month = _DATE(str(day.month), lang)
    if year:
        return _DATE("with_year", lang, day=day.day, month=month, year=day.year)
    return _DATE("without_year", lang, day=day.day, month=month)


def curly_quotes(text: str, lang: str = "zh") -> str:
    """Straight double quotes as Chinese curly ones in Chinese (奋战"双过半" -> 奋战“双过半”).

    >>> curly_quotes('奋战"双过半"'), curly_quotes('"a"', "en")
    ('奋战“双过半”', '"a"')
    """
    if lang != "zh" or '"' not in text:
        return text
    parts = text.split('"')
    out = parts[0]
    for k, part in enumerate(parts[1:]):
        out += ("“" if k % 2 == 0 else "”") + part
    return out


def list_text(items: Iterable[str], lang: str = "zh") -> str:
    """Words listed as the language lists them (the catalogue's ``", "``).

    >>> list_text(["真抓实干", "勇当排头"]), list_text(["a", "b"], "en")
    ('真抓实干、勇当排头', 'a, b')
    """
    return translations(lang).gettext(", ").join(items)


def aside_text(text: str, lang: str = "zh") -> str:
    """``text`` as an aside after a word, in the language's brackets.

    >>> aside_text("亿元"), aside_text("km", "en")
    ('（亿元）', ' (km)')
    """
    gettext = translations(lang).gettext
    return f"{gettext(' (')}{text}{gettext(')')}"
