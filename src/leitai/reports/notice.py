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
    # python-docx only when a notice is written: the web application imports this module
    # (the words, the table) at start.
    from leitai.reports.notice_docx import lay_out

    lay_out(text, out, tables=tables, fonts=fonts)


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
