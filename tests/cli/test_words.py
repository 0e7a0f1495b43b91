"""The commands' titles and joined phrases say in Chinese and English what they said before
their punctuation moved from ``lang == "zh"`` branches into the gettext catalogue
(``words_before.json`` was written by the old code)."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from leitai.cli import main
from tests.cli.test_panels import _write

BEFORE = json.loads(Path(__file__).with_name("words_before.json").read_text("utf-8"))
LANGS = ("zh", "en")


def said(args: list[str]) -> tuple[str, str]:
    """What a command prints (its output, its messages), the command expected to succeed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert main(args) == 0
    return out.getvalue(), err.getvalue()


def outputs(examples: Path, tmp_path: Path, lang: str) -> dict[str, str]:
    case1 = examples / "case1"
    files = [str(case1 / "scheme.yaml"), str(case1 / "data.csv")]
    before = _write(tmp_path, "b.json", "2021", {"a": {"gdp": 100, "air": 5}, "b": {"gdp": 50, "air": 9}, "c": {"gdp": 80, "air": 1}})  # fmt: skip
    after = _write(tmp_path, "a.json", "2023", {"a": {"gdp": 121, "air": 4}, "b": {"gdp": 90, "air": 1}, "c": {"gdp": 90, "air": 9}})  # fmt: skip
    notice = tmp_path / "notice.docx"
    lang_ = ["--lang", lang]
    analyse = ["analyse", *files, "--samples", "60", "--seed", "7", "--no-indices", *lang_]
    return {
        "analyse": said(analyse)[0],
        "whatif": said(["whatif", *files, "--unit", "c", *lang_])[0],
        "compare": said(["compare", before, after, *lang_])[0],
        "targets": said(["targets", "--demo", "--as-of", "2023-06-30", *lang_])[0],
        "notice": said(["notice", "--demo", "-o", str(notice), *lang_])[1].replace(
            str(notice), "<notice>"
        ),
    }


@pytest.mark.parametrize("lang", LANGS)
def test_the_commands_say_what_they_said(examples, tmp_path, lang):
    now = outputs(examples, tmp_path, lang)
    for command, text in BEFORE[lang].items():
        assert now[command] == text, command


def test_the_snapshot_holds_the_joined_phrases():
    assert "（60 次抽样，随机种子 7）" in BEFORE["zh"]["analyse"]
    assert " (60 samples, seed 7)" in BEFORE["en"]["analyse"]
    assert "名次变化最大的单位：" in BEFORE["zh"]["compare"]
    assert "Units moving most: " in BEFORE["en"]["compare"]
    assert "目标任务进度（双过半）" in BEFORE["zh"]["targets"]
    assert "Notice written to: <notice>" in BEFORE["en"]["notice"]
