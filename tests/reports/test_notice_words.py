"""The notice says in Chinese and English exactly what it said before its words moved into
the gettext catalogue (``notice_words_before.json`` was written by the old code, whose
words were a table in ``reports/notice.py``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from leitai.demo import assess_demo
from leitai.reports.notice import notice_fonts, notice_table, notice_text, write_notice

BEFORE = json.loads((Path(__file__).with_name("notice_words_before.json")).read_text("utf-8"))
LANGS = ("zh", "en")


@pytest.fixture(scope="module")
def q1():
    return assess_demo("2023Q1")["2023Q1"]


@pytest.fixture(scope="module")
def progresses():
    from leitai.cli.notice import _demo_inputs

    return _demo_inputs()["progresses"]


def notice_words(q1: Any, progresses: Any, lang: str) -> dict[str, Any]:
    """The drafted words (with and without targets), the attached table, and the text of
    the laid-out document (body, tables and footer)."""
    day = dt.date(2023, 5, 20)
    plain = notice_text(q1, number="N", date=day, lang=lang)
    red = notice_text(q1, progresses=progresses, date=day, lang=lang)
    table = notice_table(q1, title="T", lang=lang)
    out = io.BytesIO()
    write_notice(red, out, tables=[table], fonts=notice_fonts(frozenset()))
    doc = Document(io.BytesIO(out.getvalue()))
    return {
        "plain": json.loads(json.dumps(dataclasses.asdict(plain), default=str)),
        "red": json.loads(json.dumps(dataclasses.asdict(red), default=str)),
        "table": json.loads(json.dumps(dataclasses.asdict(table))),
        "docx": [p.text for p in doc.paragraphs],
        "cells": [[c.text for c in row.cells] for t in doc.tables for row in t.rows],
        "footer": [p.text for p in doc.sections[0].footer.paragraphs],
    }


@pytest.mark.parametrize("lang", LANGS)
def test_the_notice_says_what_it_said(q1, progresses, lang):
    assert notice_words(q1, progresses, lang) == BEFORE[lang]


def test_the_snapshot_has_both_languages_and_red_targets():
    assert "通报" in BEFORE["zh"]["plain"]["title"] and "Notice" in BEFORE["en"]["plain"]["title"]
    assert any("红色预警的有" in line for line in BEFORE["zh"]["red"]["body"])
    assert any("points behind" in line for line in BEFORE["en"]["red"]["body"])
