"""The result book (成绩册): an XLSX workbook of one period's results.

Sheets: 综合成绩 (league table), 摘星情况 (stars by board), 指标得分 (values and
scores per indicator), 成绩解读 (each unit's explanation), 板块得分 (board scores) and
说明 (scheme and period). Plain styles only, so the book opens cleanly in Excel and WPS.
Scores that print alike but decided a different rank or star count are formatted with
the decimals that tell them apart (:mod:`leitai.engine.display`), with a note.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import IO, Any, TypedDict

from leitai.engine import Result
from leitai.engine.display import Shown, ShownScores, shown_scores
from leitai.i18n.words import arrow, label, list_text
from leitai.io.export import append_row

__all__ = ["write_result_book"]

RED = "C00000"
GOLD = "FFD966"


class _Styles(TypedDict):
    """The book's cell styles (openpyxl objects), made once per book."""

    head_font: Any
    head_fill: Any
    title_font: Any
    gold_fill: Any
    center: Any
    border: Any
    body_font: Any


def _styles() -> _Styles:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="BFBFBF")
    return {
        "head_font": Font(bold=True, color="FFFFFF", name="Microsoft YaHei"),
        "head_fill": PatternFill("solid", fgColor=RED),
        "title_font": Font(bold=True, size=14, color=RED, name="Microsoft YaHei"),
        "gold_fill": PatternFill("solid", fgColor=GOLD),
        "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "body_font": Font(name="Microsoft YaHei"),
    }


def _table(
    sheet: Any,
    title: str,
    header: list[str],
    rows: list[list[Any]],
    styles: _Styles,
    *,
    widths: list[int] | None = None,
    formats: dict[int, str] | None = None,
) -> None:
    from openpyxl.utils import get_column_letter

    append_row(sheet, [title])
    sheet["A1"].font = styles["title_font"]
    append_row(sheet, header)
    for cell in sheet[2]:
        cell.font = styles["head_font"]
        cell.fill = styles["head_fill"]
        cell.alignment = styles["center"]
        cell.border = styles["border"]
    sheet.row_dimensions[2].height = 32  # room for two lines of a wrapped header
    for row in rows:
        append_row(sheet, row)
    formats = formats or {}
    for row_cells in sheet.iter_rows(min_row=3, max_row=2 + len(rows)):
        for cell in row_cells:
            cell.border = styles["border"]
            cell.font = styles["body_font"]
            if cell.column - 1 in formats and isinstance(cell.value, int | float):
                cell.number_format = formats[cell.column - 1]
    for i, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "C3"
    # Print on A4 landscape, one page wide, with the header row on every page.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "2:2"


def _number_format(shown: Shown) -> str:
    """The cell format printing a score as the boards do: its decimals, ※ for a tie-break."""
    decimals = len(shown.text.partition(".")[2])
    text = "0." + "0" * decimals if decimals else "0"
    return f'{text}"※"' if shown.tie_break else text


def _tie_formats(sheet: Any, column: int, shown: list[Shown], first_row: int = 3) -> None:
    """Give each score cell of ``column`` (1-based) the decimals that tell ties apart."""
    for r, item in enumerate(shown, start=first_row):
        sheet.cell(row=r, column=column).number_format = _number_format(item)


def _ties_note(sheet: Any, extended: bool, note: str) -> None:
    if extended:
        sheet.append([])
        sheet.append([note])


def _board_scores_sheet(
    book: Any, result: Result, shown: ShownScores, styles: _Styles, lang: str
) -> None:
    """Every unit's score on every board, with the decimals that decided its stars."""
    boards = result.boards
    sheet = book.create_sheet(label("board_scores_sheet", lang))
    header = [label("rank", lang), label("unit", lang)] + [b.name for b in boards]
    units = [result.scheme.unit_ids[u] for u in result.order]
    rows = [
        [int(result.rank[u]), result.scheme.units[u].name]
        + [float(result.board_scores[u, b]) for b in range(len(boards))]
        for u in result.order
    ]
    period = result.period or ""
    _table(
        sheet,
        f"{period} {label('board_scores_sheet', lang)}",
        header,
        rows,
        styles,
        widths=[8, 22] + [14] * len(boards),
    )
    for b, board in enumerate(boards, start=3):
        _tie_formats(sheet, b, [shown.boards[board.id][unit] for unit in units])
    _ties_note(sheet, shown.extended, label("ties_note", lang))


def _league_sheet(book: Any, result: Result, shown: Any, styles: _Styles, lang: str) -> None:
    """The league table: rank, unit, score, change, stars per top board, flags, grade."""
    L = lambda key: label(key, lang)  # noqa: E731
    scheme = result.scheme
    period = result.period or ""
    top = scheme.boards
    league = book.active
    league.title = L("league")
    header = [L("rank"), L("unit"), L("score"), L("change")]
    header += [label("board_stars", lang, board=b.name) for b in top] + [
        L("flags"),
        L("grade"),
        L("vetoed"),
        L("unit_id"),
    ]
    # Spec section 10: with ranking within groups, each unit's group and overall rank.
    grouped = result.grouped
    header += [L("group"), L("rank_all")] if grouped else []
    rows = []
    for row in result.league_table():
        rows.append(
            [row["rank"], row["name"], row["score"], arrow(row["rank_change"], lang)]
            + [row[f"stars_{b.id}"] for b in top]
            + [
                list_text(row["flag_names"], lang),
                row["grade"] or "",
                L("yes") if row["vetoed"] else "",
                row["unit"],
            ]
            + ([row["group_name"], row["rank_all"]] if grouped else [])
        )
    _table(
        league,
        f"{scheme.name} {period} {L('league')}",
        header,
        rows,
        styles,
        widths=[8, 22, 12, 10] + [12] * len(top) + [34, 8, 10, 12] + ([12, 10] if grouped else []),
        formats={2: "0.00"},
    )
    for r, row in enumerate(result.league_table(), start=3):
        if row["flags"]:
            for cell in league[r]:
                cell.fill = styles["gold_fill"]
    _tie_formats(league, 3, [shown.composite[row["unit"]] for row in result.league_table()])
    _ties_note(league, shown.extended, L("ties_note"))


def _stars_sheet(book: Any, result: Result, styles: _Styles, lang: str) -> None:
    """Every unit's stars on every board, and the sum over the top-level boards."""
    L = lambda key: label(key, lang)  # noqa: E731
    scheme = result.scheme
    period = result.period or ""
    top = scheme.boards
    stars_sheet = book.create_sheet(L("star_sheet"))
    boards = result.boards
    header = [L("rank"), L("unit")] + [b.name for b in boards] + [f"{L('stars')} Σ"]
    rows = []
    for u in result.order:
        stars = [int(result.stars[u, b]) for b in range(len(boards))]
        total = sum(int(result.stars[u, boards.index(b)]) for b in top)
        rows.append([int(result.rank[u]), scheme.units[u].name, *stars, total])
    _table(
        stars_sheet,
        f"{period} {L('star_sheet')}",
        header,
        rows,
        styles,
        widths=[8, 22] + [14] * len(boards) + [10],
    )


def _indicator_sheet(book: Any, result: Result, styles: _Styles, lang: str) -> None:
    """One row per unit and indicator: value, target, score, weight, contribution, rank."""
    L = lambda key: label(key, lang)  # noqa: E731
    scheme = result.scheme
    period = result.period or ""
    scores_sheet = book.create_sheet(L("indicator_sheet"))
    header = [
        L("rank"),
        L("unit"),
        L("board"),
        L("indicator"),
        L("measure"),
        L("value"),
        L("target"),
        L("ind_score"),
        L("weight"),
        L("contribution"),
        L("ind_rank"),
        L("indicator_id"),
    ]
    units = {u.id: u for u in scheme.units}
    rows = [
        [
            int(result.rank[result.unit_index(r["unit"])]),
            units[r["unit"]].name,
            r["board_name"],
            r["name"],
            r["unit_of_measure"] or "",
            r["value"],
            r["target"],
            r["score"],
            r["weight"],
            r["contribution"],
            r["rank"],
            r["indicator"],
        ]
        for r in result.indicator_table()
    ]
    _table(
        scores_sheet,
        f"{period} {L('indicator_sheet')}",
        header,
        rows,
        styles,
        widths=[8, 22, 16, 28, 12, 12, 10, 10, 12, 12, 10, 16],
        formats={7: "0.00", 8: "0.00", 9: "0.00"},
    )


def _explain_sheet(book: Any, result: Result, styles: _Styles, lang: str) -> None:
    """Each unit's card: strongest and weakest indicators, the unit above and the gap."""
    L = lambda key: label(key, lang)  # noqa: E731
    scheme = result.scheme
    period = result.period or ""
    flag_names = {f.id: f.name for f in scheme.flags}
    explain_sheet = book.create_sheet(L("explain_sheet"))
    header = [
        L("rank"),
        L("unit"),
        L("score"),
        L("strongest"),
        L("weakest"),
        L("above"),
        L("gap_above"),
        L("flags"),
    ]
    names = {ind.id: ind.name for ind in result.indicators}
    rows = []
    for u in result.order:
        card = result.explain(scheme.unit_ids[u])
        above = card["above"]
        rows.append(
            [
                card["rank"],
                card["name"],
                card["score"],
                list_text((names[i] for i in card["strongest"]), lang),
                list_text((names[i] for i in card["weakest"]), lang),
                above["name"] if above else "",
                above["gap"] if above else None,
                list_text((flag_names[f] for f in card["flags"]), lang),
            ]
        )
    _table(
        explain_sheet,
        f"{period} {L('explain_sheet')}",
        header,
        rows,
        styles,
        widths=[8, 22, 12, 44, 44, 22, 16, 30],
        formats={2: "0.00", 6: "0.00"},
    )


def _about_sheet(book: Any, result: Result, lang: str) -> None:
    """The scheme, its version and SHA-256, the period and when the book was made."""
    L = lambda key: label(key, lang)  # noqa: E731
    scheme = result.scheme
    period = result.period or ""
    about = book.create_sheet(L("about_sheet"))
    for key, value in (
        ("scheme", scheme.name),
        ("version", scheme.version),
        ("period", period),
        ("sha256", scheme.sha256),
        ("generated", dt.datetime.now().strftime("%Y-%m-%d %H:%M")),
    ):
        append_row(about, [L(key), value])
    append_row(about, [f"{L('scheme')} id", scheme.id])
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 70


def write_result_book(
    result: Result, target: str | os.PathLike[str] | IO[bytes], *, lang: str = "zh"
) -> None:
    """Write the result book of ``result`` to a path or a binary stream.

    Parameters
    ----------
    result : Result
    target : path or binary file
    lang : {'zh', 'en'}
    """
    from openpyxl import Workbook

    styles = _styles()
    book = Workbook()
    shown = shown_scores(result.to_dict()["results"])
    _league_sheet(book, result, shown, styles, lang)
    _stars_sheet(book, result, styles, lang)
    _indicator_sheet(book, result, styles, lang)
    _explain_sheet(book, result, styles, lang)
    _board_scores_sheet(book, result, shown, styles, lang)
    _about_sheet(book, result, lang)
    if isinstance(target, str | os.PathLike):
        book.save(os.fspath(target))
    else:
        book.save(target)
