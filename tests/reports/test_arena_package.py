"""The arena package: typed inputs, the look from template.pptx, words from gettext."""

from __future__ import annotations

import ast
import builtins
import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.oxml.ns import qn

from leitai.engine.scheme import load_scheme
from leitai.engine.targets import Actual, Target
from leitai.i18n import translations
from leitai.reports.arena import Session, arena_deck, shape, target_progress
from leitai.reports.arena import _make_template as maker
from tests.conftest import EXAMPLES

CASE1 = EXAMPLES / "case1"
HAN = re.compile(r"[\u4e00-\u9fff]")
PARAM = re.compile(r"%\((\w+)\)s")


@pytest.fixture(scope="module")
def inputs():
    result = json.loads((CASE1 / "expected.json").read_text(encoding="utf-8"))
    scheme = load_scheme(CASE1 / "scheme.yaml")
    session = Session(title="书记擂台", theme='奋战"双过半"', date=dt.date(2023, 5, 27))
    targets = [Target("a", "signed", "新签约过亿元项目", 20, "个")]
    actuals = [Actual("a", "signed", "2023-04", 5)]
    progress, as_of = target_progress(targets, actuals, session)
    return {
        "result": result,
        "scheme": scheme,
        "session": session,
        "progress": progress,
        "as_of": as_of,
    }


def build(inputs, **changes) -> Presentation:
    buffer = io.BytesIO()
    arena_deck(
        inputs["result"], buffer, **{k: v for k, v in inputs.items() if k != "result"}, **changes
    )
    return Presentation(io.BytesIO(buffer.getvalue()))


def test_the_deck_is_built_from_objects_without_opening_a_file(inputs, monkeypatch):
    build(inputs)  # the template and the catalogue are read once per process

    def refuse(*args, **kwargs):
        raise AssertionError(f"a file was opened: {args[:1]}")

    monkeypatch.setattr(builtins, "open", refuse)
    monkeypatch.setattr(io, "open", refuse)
    monkeypatch.setattr(Path, "read_text", refuse)
    monkeypatch.setattr(Path, "read_bytes", refuse)
    deck = build(inputs)
    assert len(deck.slides) == 2 + 5 * 4


def test_every_slide_is_laid_out_on_a_layout_of_the_template(inputs):
    deck = build(inputs)
    layouts = [slide.slide_layout.name for slide in deck.slides]
    assert [name for name in {n: 0 for n in layouts}] == [maker.COVER, maker.CONTENT, maker.DIVIDER]
    assert layouts[:3] == [maker.COVER, maker.CONTENT, maker.DIVIDER]
    assert {layout.name for layout in deck.slide_layouts} == {
        maker.COVER,
        maker.DIVIDER,
        maker.CONTENT,
    }
    # The title sits in the layout's title placeholder: its place and look are inherited.
    results = deck.slides[3]
    assert results.shapes.title.text.startswith("晒成绩")
    assert results.shapes.title._element.spPr.find(qn("a:xfrm")) is None


def test_content_slides_carry_the_footer_and_their_number(inputs):
    deck = build(inputs)
    for number, slide in enumerate(deck.slides, start=1):
        if slide.slide_layout.name != maker.CONTENT:
            continue
        kinds = {p.placeholder_format.type: p for p in slide.placeholders}
        footer = next(p for t, p in kinds.items() if str(t).startswith("FOOTER"))
        assert footer.text_frame.text == "书记擂台 · 奋战“双过半” · 2023年第一季度 · 2023年5月27日"
        fields = slide.shapes._spTree.findall(f".//{qn('a:fld')}")
        assert [(f.get("type"), f.findtext(qn("a:t"))) for f in fields] == [
            ("slidenum", str(number))
        ]


def test_the_english_deck_uses_the_msgids_and_the_chinese_one_their_translations(inputs):
    english = build(inputs, lang="en")
    chinese = build(inputs)
    assert english.slides[3].shapes.title.text.startswith("Results")
    assert chinese.slides[3].shapes.title.text.startswith("晒成绩")


def _deck_msgids() -> list[tuple[str, str]]:
    """Every (context, msgid) shape.py asks the catalogue for."""
    tree = ast.parse(Path(shape.__file__).read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        first = node.args[0]
        if isinstance(node.func, ast.Name) and node.func.id == "words":
            context = "arena deck"
        elif isinstance(node.func, ast.Attribute) and node.func.attr == "column":
            context = "arena table"
        else:
            continue
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.append((context, first.value))
    return found


def test_every_word_of_the_deck_has_a_chinese_translation_with_the_same_parameters():
    msgids = _deck_msgids()
    assert len(msgids) > 40
    zh = translations("zh")
    for context, msgid in msgids:
        text = zh.pgettext(context, msgid)
        assert text != msgid and HAN.search(text), (context, msgid)
        assert sorted(PARAM.findall(text)) == sorted(PARAM.findall(msgid)), (context, msgid)
    # The words looked up by variable (statuses, 双过半 verdicts, column names).
    for msgid in ("green", "yellow", "red", "none", "achieved", "missed", "pending"):
        assert HAN.search(zh.pgettext("arena deck", msgid)), msgid
    for msgid in ("Target", "Source", "Target value", "Actual", "Task", "Time", "Status"):
        assert HAN.search(zh.pgettext("arena table", msgid)), msgid


def test_the_shipped_template_is_what_its_script_builds(tmp_path):
    built = maker.build(tmp_path / "template.pptx")

    def parts(path: Path) -> dict[str, bytes]:
        with zipfile.ZipFile(path) as archive:
            return {
                name: archive.read(name)
                for name in archive.namelist()
                if name.startswith(("ppt/slideLayouts/", "ppt/slideMasters/", "ppt/theme/"))
                or name == "ppt/presentation.xml"
            }

    assert parts(built) == parts(maker.TEMPLATE)
