"""The arena deck's content: typed inputs in, slide models out; nothing is drawn here.

:func:`deck_model` turns a result (the JSON form of spec section 8), the scheme, the
targets' progress and the session into a :class:`DeckModel`: sections of slide models
whose texts are final (words from gettext, numbers formatted) and whose emphasis is a
*tone* (``up``, ``down``, ``red``, ``muted`` ...) that :mod:`.deck` maps to colours.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

import numpy as np

from leitai.engine.display import ShownScores, shown_scores
from leitai.engine.scheme import Scheme
from leitai.engine.targets import Progress
from leitai.i18n import translations
from leitai.i18n.words import aside_text, curly_quotes, date_text, gap_text, list_text

__all__ = [
    "Catalogue",
    "DeckModel",
    "Session",
    "arena_order",
    "date_label",
    "deck_model",
    "indicator_ranks",
    "period_label",
]

TARGETS_PER_SLIDE = 6
UNITS_PER_OVERVIEW = 10


# ---------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True)
class Session:
    """An arena session's settings (see :func:`leitai.reports.arena.load_session`).

    ``order`` is ``rank``, ``reverse`` or unit ids; ``as_of`` and ``margin`` judge the
    targets (:func:`leitai.engine.targets.progress`).
    """

    title: str = ""
    theme: str = ""
    date: dt.date | None = None
    period: str | None = None
    order: str | tuple[str, ...] = "rank"
    as_of: dt.date | None = None
    margin: float = 5.0

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> Session:
        """From a session's settings as a mapping (file names in it are ignored)."""
        data = data or {}
        order = data.get("order") or "rank"
        return cls(
            title=str(data.get("title") or ""),
            theme=str(data.get("theme") or ""),
            date=as_date(data.get("date")),
            period=None if data.get("period") is None else str(data["period"]),
            order=order if isinstance(order, str) else tuple(str(u) for u in order),
            as_of=as_date(data.get("as_of")),
            margin=float(data.get("margin", 5.0)),
        )


def as_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


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


class Catalogue:
    """Names, units of measure and board levels: the scheme's, then the result's
    ``*_meta`` keys and unit names, then ``names`` over all."""

    def __init__(
        self,
        result: Mapping[str, Any],
        scheme: Scheme | None,
        names: Mapping[str, str] | None = None,
    ) -> None:
        self.names: dict[str, str] = {}
        self.measures: dict[str, str] = {}
        self.top_boards: list[str] | None = None
        self.star_max: int | None = None
        if scheme is not None:
            self._from_scheme(scheme)
        for key in ("boards_meta", "indicators_meta", "flags_meta", "units_meta"):
            self._from_meta(key, _meta_names(result.get(key)))
        for row in result.get("results") or []:
            if row.get("name"):
                self.names.setdefault(str(row["unit"]), str(row["name"]))
        self.names.update({str(k): str(v) for k, v in (names or {}).items()})

    def _from_scheme(self, scheme: Scheme) -> None:
        self.names.update({u.id: u.name for u in scheme.units})
        self.top_boards = [b.id for b in scheme.boards]
        self.names.update({b.id: b.name for b in scheme.all_boards()})
        for indicator in scheme.all_indicators():
            self.names[indicator.id] = indicator.name
            if indicator.unit:
                self.measures[indicator.id] = indicator.unit
        self.names.update({a.id: a.name for a in scheme.adjustments})
        self.names.update({f.id: f.name for f in scheme.flags})
        self.star_max = int(scheme.stars.max)

    def _from_meta(self, key: str, meta: dict[str, dict[str, Any]]) -> None:
        for ident, info in meta.items():
            if info.get("name"):
                self.names[ident] = str(info["name"])
            if info.get("unit"):
                self.measures[ident] = str(info["unit"])
        if key != "boards_meta" or not meta or self.top_boards is not None:
            return
        if any("parent" in info or "level" in info for info in meta.values()):
            self.top_boards = [
                i
                for i, info in meta.items()
                if info.get("parent") is None and info.get("level", 1) == 1
            ]

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
    indicators = list(dict.fromkeys(i for row in rows for i in row.get("indicators") or {}))
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
            key=lambda item: (item[1].get("rank") is None, item[1].get("rank") or 0, item[0]),
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
# Words and numbers


class Words:
    """The deck's words in one language, from the gettext catalogue (context
    ``arena deck``; column headings ``arena table``)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._catalogue = translations(lang)

    def __call__(self, msgid: str, **params: Any) -> str:
        text = self._catalogue.pgettext("arena deck", msgid)
        return text % params if params else text

    def column(self, msgid: str) -> str:
        return self._catalogue.pgettext("arena table", msgid)


def fmt(value: Any, digits: int = 2) -> str:
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
    return f"{number:,.{digits}f}".rstrip("0").rstrip(".")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def date_label(day: dt.date | None, lang: str, *, year: bool = True) -> str:
    """A date in words (:func:`leitai.i18n.words.date_text`)."""
    return date_text(day, lang, year=year)


_QUARTER = re.compile(r"^(\d{4})[Qq]([1-4])$")
_HALF = re.compile(r"^(\d{4})H([12])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")


def period_label(period: Any, lang: str) -> str:
    """A period's name for people, in the catalogue's words (those the web uses):
    ``2023年第一季度``, ``2023年上半年``, ``2023年5月``, ``2023年度``; in English
    ``2023 Q1``. Any other code is shown as it is.

    >>> period_label("2023Q1", "zh"), period_label("2023-05", "zh"), period_label("2023Q1", "en")
    ('2023年第一季度', '2023年5月', '2023 Q1')
    """
    text = "" if period is None else str(period)
    catalogue = translations(lang)
    if m := _QUARTER.match(text) or _HALF.match(text):
        part = catalogue.pgettext("period", ("Q" if m.re is _QUARTER else "H") + m[2])
        return catalogue.gettext("%(year)s %(part)s") % {"year": m[1], "part": part}
    if (m := _MONTH.match(text)) and 1 <= int(m[2]) <= 12:
        month = catalogue.pgettext("period", "%(month)s/%(year)s")
        return month % {"year": m[1], "month": int(m[2])}
    if m := _YEAR.match(text):
        return catalogue.gettext("Year %(year)s") % {"year": m[1]}
    return text


def _shown_of(result: Mapping[str, Any]) -> ShownScores | None:
    """The scores as the boards print them, ties told apart; None for a result whose rows
    lack the scores, ranks or stars that decide them (nothing is then extended)."""
    try:
        return shown_scores(list(result.get("results") or []))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _score_text(shown: ShownScores | None, row: Mapping[str, Any]) -> str:
    """The composite as the boards print it where it ties visibly with another, else fmt."""
    item = shown.composite.get(str(row.get("unit"))) if shown else None
    if item is None or not (item.extended or item.tie_break):
        return fmt(row.get("score"))
    return item.text + ("※" if item.tie_break else "")


def _board_score_extra(shown: ShownScores | None, unit: str, board: str) -> str:
    """`` 63.835`` after a board's stars where its score prints like another unit's that won
    a different number of stars; empty otherwise."""
    item = (shown.boards.get(board) or {}).get(unit) if shown else None
    if item is None or not (item.extended or item.tie_break):
        return ""
    return " " + item.text + ("※" if item.tie_break else "")


def _flag_short(name: str) -> str:
    """A flag's name up to its first pause: 真抓实干、勇当排头 -> 真抓实干."""
    for mark in ("、", "，", ","):
        if mark in name:
            return name.split(mark, 1)[0]
    return name


# ---------------------------------------------------------------------------
# Slide models


@dataclass(frozen=True)
class Text:
    """A piece of text and its emphasis: a tone (``plain``, ``up``, ``down``, ``level``,
    ``muted``, ``red``, ``green``, ``yellow``, ``unreported``, ``gold``) and strength."""

    text: str
    tone: str = "plain"
    strong: bool = False
    small: bool = False


Lines = list[list[Text]]


@dataclass(frozen=True)
class Cover:
    title: str
    theme: str
    caption: str
    date: str


@dataclass(frozen=True)
class Overview:
    title: str
    subtitle: str
    header: list[str]
    rows: list[list[Text]]
    boards: int
    note: str = ""


@dataclass(frozen=True)
class Divider:
    place: str
    name: str
    facts: str


@dataclass(frozen=True)
class Card:
    """An indicator: its rank among all units, name and value with score."""

    rank: str
    of_n: str
    name: str
    detail: str


@dataclass(frozen=True)
class StarLine:
    board: str
    stars: int
    caption: str


@dataclass(frozen=True)
class ResultsSlide:
    title: str
    subtitle: str
    rank_label: str
    rank: str
    change: Text
    previous: str
    score_label: str
    score: str
    grade_label: str
    grade: str
    flags_heading: str
    veto: str
    no_flags: str
    flags: list[str]
    stars_heading: str
    star_max: int
    stars: list[StarLine]
    strongest_heading: str
    cards: list[Card]


@dataclass(frozen=True)
class ShortfallsSlide:
    title: str
    subtitle: str
    weakest_heading: str
    cards: list[Card]
    lost_heading: str
    lost: Lines
    red_heading: str
    red: Lines


@dataclass(frozen=True)
class MeasuresSlide:
    title: str
    subtitle: str
    header: list[str]
    rows: list[list[Text | Lines]]
    empty: str = ""


Slide = Cover | Overview | Divider | ResultsSlide | ShortfallsSlide | MeasuresSlide


@dataclass
class Section:
    name: str
    slides: list[Slide] = field(default_factory=list)


@dataclass
class DeckModel:
    lang: str
    footer: str
    sections: list[Section]


# ---------------------------------------------------------------------------
# Shaping


@dataclass(frozen=True)
class _Context:
    """What every unit's slides are shaped from."""

    words: Words
    names: Catalogue
    rows: dict[str, Mapping[str, Any]]
    ranks: dict[str, dict[str, int]]
    top_boards: list[str]
    star_max: int
    indicator_order: dict[str, int]
    shown: ShownScores | None
    previous: dict[str, Mapping[str, Any]] | None
    progress: dict[str, list[Progress]] | None
    as_of: dt.date | None


def _previous_rows(previous: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]] | None:
    if previous is None:
        return None
    if not previous:
        return {}
    if "results" in previous:
        return {str(r["unit"]): r for r in previous["results"]}
    return {str(u): {"unit": u, "rank": r} for u, r in previous.items()}


def _context(
    result: Mapping[str, Any],
    *,
    words: Words,
    names: Catalogue,
    previous: Mapping[str, Any] | None,
    progress: Sequence[Progress] | None,
    as_of: dt.date | None,
) -> _Context:
    rows = {str(r["unit"]): r for r in result.get("results") or []}
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
    indicators = dict.fromkeys(i for r in rows.values() for i in (r.get("indicators") or {}))
    by_unit: dict[str, list[Progress]] | None = None
    if progress is not None:
        by_unit = {}
        for p in progress:
            by_unit.setdefault(p.target.unit, []).append(p)
    return _Context(
        words=words,
        names=names,
        rows=rows,
        ranks=indicator_ranks(result),
        top_boards=top_boards,
        star_max=star_max,
        indicator_order={ident: k for k, ident in enumerate(indicators)},
        shown=_shown_of(result),
        previous=_previous_rows(previous),
        progress=by_unit,
        as_of=as_of,
    )


def _rank_change(row: Mapping[str, Any], words: Words) -> Text:
    change = row.get("rank_change")
    if change is None:
        return Text(words("no previous rank"), "muted")
    if change > 0:
        return Text(words("▲ up %(n)s", n=change), "up")
    if change < 0:
        return Text(words("▼ down %(n)s", n=-change), "down")
    return Text(words("— unchanged"), "muted")


def _short_change(change: int | None) -> str:
    if change is None:
        return "—"
    if change > 0:
        return f"▲{change}"
    if change < 0:
        return f"▼{-change}"
    return "—"


def _cover(result: Mapping[str, Any], session: Session, words: Words) -> Cover:
    lang = words.lang
    period = period_label(session.period or result.get("period"), lang)
    return Cover(
        title=session.title or words("Secretaries' arena"),
        theme=curly_quotes(session.theme, lang),
        caption=words("%(period)s results", period=period) if period else "",
        date=date_label(session.date, lang),
    )


def _overview_row(ctx: _Context, unit: str, boards: Sequence[str]) -> list[Text]:
    row = ctx.rows[unit]
    flags = "\n".join(_flag_short(ctx.names.name(f)) for f in row.get("flags") or [])
    stars = [
        Text(
            f"{((row.get('boards') or {}).get(b) or {}).get('stars', '—')}★"
            + _board_score_extra(ctx.shown, unit, b)
        )
        for b in boards
    ]
    return [
        Text(str(row.get("rank") or "—")),
        Text(ctx.names.name(unit)),
        Text(_score_text(ctx.shown, row)),
        Text(_short_change(row.get("rank_change")), _rank_change(row, ctx.words).tone, True),
        *stars,
        Text(flags, "red", True) if flags else Text("—"),
        Text(str(row.get("grade") or "—")),
    ]


def _overviews(ctx: _Context, result: Mapping[str, Any]) -> list[Overview]:
    """The league table, ten units a slide; scores that print alike but decided
    differently carry the decimals that tell them apart, with a note."""
    words = ctx.words
    boards = ctx.top_boards[:5]
    header = [
        words.column("Rank"),
        words.column("Unit"),
        words.column("Score"),
        words.column("Move"),
        *(ctx.names.name(b) for b in boards),
        words.column("Flags"),
        words.column("Grade"),
    ]
    order = arena_order(result)
    note = ""
    if ctx.shown is not None and ctx.shown.extended:
        note = words(
            "Where scores look equal, more decimals are shown to tell ranks and stars "
            "apart; ※ marks scores equal to six decimals, where the tie-break rule decided."
        )
    return [
        Overview(
            title=words("League table") + (words(" (cont.)") if start else ""),
            subtitle=period_label(result.get("period"), words.lang),
            header=header,
            rows=[_overview_row(ctx, u, boards) for u in order[start : start + UNITS_PER_OVERVIEW]],
            boards=len(boards),
            note=note,
        )
        for start in range(0, max(len(order), 1), UNITS_PER_OVERVIEW)
    ]


def _divider(ctx: _Context, unit: str, place: int) -> Divider:
    words, row = ctx.words, ctx.rows[unit]
    facts = [
        f"{words('Overall')} {words('#%(n)s', n=row.get('rank', '—'))}",
        f"{words('Score')} {_score_text(ctx.shown, row)}",
        _rank_change(row, words).text,
    ]
    return Divider(
        place=words("No. %(n)s", n=place), name=ctx.names.name(unit), facts="   ·   ".join(facts)
    )


def _card(ctx: _Context, row: Mapping[str, Any], ident: str) -> Card:
    words = ctx.words
    cell = (row.get("indicators") or {}).get(ident) or {}
    value, score = cell.get("value"), cell.get("score")
    shown = fmt(value, 4) + ("" if value is None else ctx.names.measures.get(ident, ""))
    detail = shown if score is None else f"{shown} · {words('score %(s)s', s=fmt(score))}"
    return Card(
        rank=words("#%(n)s", n=ctx.ranks[str(row["unit"])][ident]),
        of_n=words("of %(n)s", n=len(ctx.rows)),
        name=ctx.names.name(ident),
        detail=detail,
    )


def _flags(ctx: _Context, row: Mapping[str, Any]) -> list[str]:
    """At most two flag banners, the last saying how many more there are."""
    flags = [str(f) for f in row.get("flags") or []]
    shown = flags[:2]
    texts = ["◆ " + ctx.names.name(f) for f in shown]
    if len(flags) > len(shown):
        texts[-1] += ctx.words(" and %(n)s more", n=len(flags) - len(shown))
    return texts


def _results(ctx: _Context, unit: str) -> ResultsSlide:
    words, row = ctx.words, ctx.rows[unit]
    vetoes = [k for k, v in (row.get("adjustments") or {}).items() if v is True]
    veto = ""
    if row.get("vetoed"):
        veto = words(
            "Vetoed: %(names)s",
            names=list_text((ctx.names.name(v) for v in vetoes), ctx.words.lang) or "—",
        )
    stars = []
    for board in ctx.top_boards[:6]:
        info = (row.get("boards") or {}).get(board) or {}
        n = int(info.get("stars") or 0)
        caption = words("%(n)s stars · #%(r)s", n=n, r=info.get("rank", "—"))
        stars.append(
            StarLine(ctx.names.name(board), n, caption + _board_score_extra(ctx.shown, unit, board))
        )
    ranks = ctx.ranks[unit]
    scored = [
        i for i in ranks if ((row.get("indicators") or {}).get(i) or {}).get("score") is not None
    ]
    best = sorted(scored, key=lambda i: (ranks[i], ctx.indicator_order.get(i, 0)))[:3]
    previous = ""
    if row.get("prev_rank") is not None:
        previous = words(" (previously %(n)s)", n=row["prev_rank"])
    return ResultsSlide(
        title=words("Results"),
        subtitle=ctx.names.name(unit),
        rank_label=words("Overall"),
        rank=words("#%(n)s", n=row.get("rank", "—")),
        change=_rank_change(row, words),
        previous=previous,
        score_label=words("Score"),
        score=_score_text(ctx.shown, row),
        grade_label=words("Grade"),
        grade=str(row.get("grade") or "—"),
        flags_heading=words("Flags"),
        veto=veto,
        no_flags="" if row.get("flags") else words("no flag this period"),
        flags=_flags(ctx, row),
        stars_heading=words("Stars"),
        star_max=ctx.star_max,
        stars=stars,
        strongest_heading=words("Strongest indicators"),
        cards=[_card(ctx, row, i) for i in best],
    )


def _stars_lost(ctx: _Context, unit: str) -> Lines:
    words = ctx.words
    if ctx.previous is None:
        return [[Text(words("no previous result given"), "muted")]]
    before_boards = (ctx.previous.get(unit) or {}).get("boards") or {}
    lines: Lines = []
    for board in ctx.top_boards:
        before = (before_boards.get(board) or {}).get("stars")
        after = ((ctx.rows[unit].get("boards") or {}).get(board) or {}).get("stars")
        if before is not None and after is not None and before > after:
            text = words(
                "%(board)s: %(n)s lost (%(before)s→%(after)s)",
                board=ctx.names.name(board),
                n=before - after,
                before=before,
                after=after,
            )
            lines.append([Text(text, "red", True)])
    if not lines:
        return [[Text(words("no star lost since the previous period"), "muted")]]
    if len(lines) > 3:
        lines = [*lines[:2], [Text(words("and %(n)s more", n=len(lines) - 2), "red")]]
    return lines


def _targets_in_red(ctx: _Context, unit: str) -> Lines:
    words = ctx.words
    if ctx.progress is None:
        return [[Text(words("no targets entered"), "muted")]]
    red = [p for p in ctx.progress.get(unit) or [] if p.status in ("red", "unreported")]
    lines: Lines = []
    for p in red[:4]:
        lines.append([Text("● ", p.status), Text(p.target.name, strong=True)])
        detail = words(
            "task %(task)s, %(gap)s", task=_pct(p.task_progress), gap=gap_text(p.gap, words.lang)
        )
        lines.append([Text("    " + detail, "red", small=True)])
    if len(red) > 4:
        lines.append([Text(words("and %(n)s more", n=len(red) - 4), "red", small=True)])
    return lines or [[Text(words("no target in red"), "green", True)]]


def _shortfalls(ctx: _Context, unit: str) -> ShortfallsSlide:
    words, row, ranks = ctx.words, ctx.rows[unit], ctx.ranks[unit]
    worst = sorted(ranks, key=lambda i: (-ranks[i], ctx.indicator_order.get(i, 0)))[:3]
    return ShortfallsSlide(
        title=words("Shortfalls"),
        subtitle=ctx.names.name(unit),
        weakest_heading=words("Weakest indicators"),
        cards=[_card(ctx, row, i) for i in worst],
        lost_heading=words("Stars lost"),
        lost=_stars_lost(ctx, unit),
        red_heading=words("Targets in red"),
        red=_targets_in_red(ctx, unit),
    )


def _measure_row(p: Progress, words: Words) -> list[Text | Lines]:
    t = p.target
    name: Lines = [[Text(t.name, strong=True)]]
    if t.unit_of_measure:
        name[0].append(Text(aside_text(t.unit_of_measure, words.lang), "muted", small=True))
    for m in t.milestones[:1]:
        milestone = words(
            "milestone: %(value)s by %(date)s",
            date=date_label(m.date, words.lang, year=False),
            value=fmt(m.value, 4) + t.unit_of_measure,
        )
        name.append([Text(milestone, "red", small=True)])
    source = words("pledge") if t.source == "pledged" else words("assigned")
    return [
        name,
        Text(source, "red" if t.source == "pledged" else "plain", t.source == "pledged"),
        Text(fmt(t.value, 4)),
        Text(fmt(p.actual, 4)),
        Text(_pct(p.task_progress)),
        Text(_pct(p.time_progress)),
        Text("● " + words(_STATUS[p.status]), p.status, True),
        Text(words(p.double_half)),
    ]


_STATUS = {"green": "green", "yellow": "yellow", "red": "red", "unreported": "none"}


def _measures(ctx: _Context, unit: str) -> list[MeasuresSlide]:
    words = ctx.words
    progress = None if ctx.progress is None else ctx.progress.get(unit) or []
    ordered = sorted(progress or [], key=lambda p: p.target.source != "pledged")
    pages = [ordered[k : k + TARGETS_PER_SLIDE] for k in range(0, len(ordered), TARGETS_PER_SLIDE)]
    subtitle = ctx.names.name(unit)
    if ctx.as_of is not None and progress is not None:
        subtitle += "   " + words("progress as of %(date)s", date=date_label(ctx.as_of, words.lang))
    header = [
        words.column(h)
        for h in ("Target", "Source", "Target value", "Actual", "Task", "Time", "Status")
    ]
    header.append(words.column("Mid-year"))
    return [
        MeasuresSlide(
            title=words("Measures") + (words(" (cont.)") if k else ""),
            subtitle=subtitle,
            header=header,
            rows=[_measure_row(p, words) for p in page],
            empty="" if page else words("no targets entered"),
        )
        for k, page in enumerate(pages or [[]])
    ]


class DeckOptions(TypedDict, total=False):
    """What a deck may be given besides the result (see :func:`deck_model`)."""

    scheme: Scheme | None
    progress: Sequence[Progress] | None
    as_of: dt.date | None
    previous: Mapping[str, Any] | None
    session: Session | None
    lang: str
    names: Mapping[str, str] | None


def deck_model(
    result: Mapping[str, Any],
    *,
    scheme: Scheme | None = None,
    progress: Sequence[Progress] | None = None,
    as_of: dt.date | None = None,
    previous: Mapping[str, Any] | None = None,
    session: Session | None = None,
    lang: str = "zh",
    names: Mapping[str, str] | None = None,
) -> DeckModel:
    """The deck's slides, in sections: the opening (title and league table), then one
    section a unit in stage order (divider, 晒成绩, 查不足, 谈举措).

    ``progress`` is every unit's targets judged at ``as_of`` (None: no targets entered);
    ``previous`` the previous period's result, or ``{unit: rank}`` (no stars then).
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"lang: expected one of zh, en, found {lang!r}")
    if not isinstance(result, Mapping) or not isinstance(result.get("results"), list):
        raise ValueError("result: expected a result in the JSON form, with a 'results' list")
    session = session or Session()
    words = Words(lang)
    catalogue = Catalogue(result, scheme, names)
    order = arena_order(result, session.order)
    ctx = _context(
        result, words=words, names=catalogue, previous=previous, progress=progress, as_of=as_of
    )
    cover = _cover(result, session, words)
    footer = " · ".join(
        x
        for x in (
            cover.title,
            cover.theme,
            period_label(session.period or result.get("period"), lang),
            cover.date,
        )
        if x
    )
    sections = [Section(words("Opening"), [cover, *_overviews(ctx, result)])]
    for place, unit in enumerate(order, start=1):
        slides: list[Slide] = [_divider(ctx, unit, place), _results(ctx, unit)]
        slides += [_shortfalls(ctx, unit), *_measures(ctx, unit)]
        sections.append(Section(f"{words('No. %(n)s', n=place)} {catalogue.name(unit)}", slides))
    return DeckModel(lang=lang, footer=footer, sections=sections)
