"""The words of the terminal, the result book and target gaps, in Chinese and English,
are exactly those the hand-made tables gave before they moved into the gettext catalogue
(``words_before.json`` was written by the old code: ``leitai.labels.LABELS``, the
``WORDS`` tables of ``cli/analysis.py``, ``cli/weights.py``, ``cli/panels.py`` and
``Progress.gap_text``)."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest

from leitai.cli import analysis, main, panels, weights
from leitai.engine import assess, load_scheme
from leitai.engine.targets import Actual, Target, progress
from leitai.i18n import translations
from leitai.i18n.words import WordTable, arrow, gap_text, label
from leitai.io import read_previous, read_table
from leitai.reports.book import write_result_book

HERE = Path(__file__).resolve().parent
BEFORE = json.loads((HERE / "words_before.json").read_text(encoding="utf-8"))
LANGS = ("zh", "en")


def placeholders(*texts: str) -> dict[str, str]:
    """The values the snapshot was made with: ``<name>`` for each parameter ``name``."""
    return {name: f"<{name}>" for text in texts for name in re.findall(r"<(\w+)>", text)}


@pytest.mark.parametrize("lang", LANGS)
def test_labels_are_the_words_they_were(lang):
    said = BEFORE["label"][lang]
    assert {key: label(key, lang) for key in said} == said
    assert label("rank", lang) != BEFORE["label"]["en" if lang == "zh" else "zh"]["rank"]


@pytest.mark.parametrize("lang", LANGS)
def test_rank_change_arrows_are_the_words_they_were(lang):
    said = BEFORE["arrow"][lang]
    now = {key: arrow(None if key == "None" else int(key), lang) for key in said}
    assert now == said


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("table", ["analysis", "weights", "panels"])
def test_the_command_lines_words_are_the_words_they_were(table, lang):
    module = {"analysis": analysis, "weights": weights, "panels": panels}[table]
    said = BEFORE["cli"][table][lang]
    other = BEFORE["cli"][table]["en" if lang == "zh" else "zh"]
    for key, text in said.items():
        values = placeholders(text, other[key])
        assert module.word(key, lang, **values) == text, key


@pytest.mark.parametrize("lang", LANGS)
def test_gaps_to_time_progress_are_the_words_they_were(lang):
    said = BEFORE["gap"][lang]
    now = {key: gap_text(None if key == "None" else float(key), lang) for key in said}
    assert now == said


def test_a_targets_gap_is_said_from_the_engines_numbers():
    target = Target(unit="shinan", id="projects", name="重点项目开工", value=100.0)
    may = progress(
        target, [Actual("shinan", "projects", "2023-05", 62.0)], as_of=dt.date(2023, 5, 31)
    )
    june = progress(
        target, [Actual("shinan", "projects", "2023-06", 44.0)], as_of=dt.date(2023, 6, 30)
    )
    nothing = progress(target, [], as_of=dt.date(2023, 3, 31))
    assert gap_text(may.gap) == "超序时进度 20.3 个百分点"
    assert gap_text(may.gap, "en") == "20.3 points ahead of time progress"
    assert gap_text(june.gap) == "落后序时进度 6.0 个百分点"
    assert gap_text(june.gap, "en") == "6.0 points behind time progress"
    assert (gap_text(nothing.gap), gap_text(nothing.gap, "en")) == ("未报送", "not reported")


# End to end: what `leitai assess` prints and what the result book holds.

DATE = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")


def assess_output(examples: Path, lang: str) -> str:
    folder = examples / "case1"
    args = [
        "assess",
        str(folder / "scheme.yaml"),
        str(folder / "data.csv"),
        "--previous",
        str(folder / "previous.csv"),
        "--period",
        "2023Q1",
        "--lang",
        lang,
    ]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(args) == 0
    return out.getvalue()


def book_words(examples: Path, lang: str) -> dict[str, list[list[str]]]:
    """Each sheet's text cells, row by row (the time the book was made left out)."""
    folder = examples / "case4"
    scheme = load_scheme(folder / "scheme.yaml")
    result = assess(
        scheme,
        read_table(folder / "data.csv", scheme),
        previous=read_previous(folder / "previous.csv"),
        period="2023Q1",
    )
    buffer = io.BytesIO()
    write_result_book(result, buffer, lang=lang)
    buffer.seek(0)
    book = openpyxl.load_workbook(buffer)
    return {
        sheet.title: [
            [str(v) for v in row if isinstance(v, str) and not DATE.search(v)]
            for row in sheet.iter_rows(values_only=True)
        ]
        for sheet in book.worksheets
    }


@pytest.mark.parametrize("lang", LANGS)
def test_the_assess_table_says_what_it_said(examples, lang):
    assert assess_output(examples, lang) == BEFORE["assess"][lang]


@pytest.mark.parametrize("lang", LANGS)
def test_the_result_book_says_what_it_said(examples, lang):
    assert book_words(examples, lang) == BEFORE["book"][lang]


def test_the_snapshot_is_not_empty():
    assert len(BEFORE["label"]["zh"]) > 60
    assert "排名" in BEFORE["assess"]["zh"] and "Rank" in BEFORE["assess"]["en"]
    assert any("综合成绩" in sheet for sheet in BEFORE["book"]["zh"])


def test_the_plots_name_the_uncertain_inputs_as_the_analysis_prints_them():
    from leitai.reports.plots import _input_name

    assert _input_name("weights", 0.25, "zh") == "权重 ±25%"
    assert _input_name("weights", 0.25, "en") == "weights ±25%"
    assert _input_name("methods", None, "zh") == "标准化方法"
    assert _input_name("no-such-input", None, "en") == "no-such-input"


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip


@pytest.mark.parametrize("month", range(1, 13))
def test_dates_read_as_they_did_in_both_languages(month):
    from leitai.reports.arena.shape import date_label

    day = dt.date(2023, month, 5)
    assert date_label(day, "zh") == f"2023年{month}月5日"
    assert date_label(day, "zh", year=False) == f"{month}月5日"
    assert date_label(day, "en") == f"5 {MONTHS[month - 1]} 2023"
    assert date_label(day, "en", year=False) == f"5 {MONTHS[month - 1]}"
    assert date_label(None, "zh") == date_label(None, "en") == ""


def _tables() -> dict[str, WordTable]:
    from leitai.cli import targets
    from leitai.i18n import words
    from leitai.reports import notice

    found = [analysis.WORDS, weights.WORDS, panels.WORDS, targets.WORDS, targets.HEADERS]
    found += [notice._WORDS, words._LABEL, words._SHEET, words._GAP, words._DATE]
    return {table.context: table for table in found}


@pytest.mark.parametrize("context", sorted(_tables()))
def test_every_word_of_every_table_is_in_the_catalogue(context):
    table = _tables()[context]
    catalogue = translations("zh")._catalog  # type: ignore[attr-defined]
    keys = [key for key in table.msgids if context != "book sheet" or key in SHEETS]
    if context == "label":
        keys = [key for key in keys if key not in SHEETS]
    for key in keys:
        msgid = table.msgids[key]
        assert f"{context}\x04{msgid}" in catalogue, (key, msgid)
        assert catalogue[f"{context}\x04{msgid}"], (key, msgid)
        # Chinese parameters are the English ones.
        assert sorted(PARAM.findall(table(key, "zh"))) == sorted(PARAM.findall(msgid)), key


SHEETS = {"league", "star_sheet", "indicator_sheet", "explain_sheet", "about_sheet",
          "board_scores_sheet", "notes_sheet"}  # fmt: skip
PARAM = re.compile(r"%\((\w+)\)s")
