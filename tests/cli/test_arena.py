"""`leitai arena`: the deck without the web application."""

from __future__ import annotations

import json

from pptx import Presentation

from leitai.cli import main


def slide_texts(path):
    return [
        " ".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame).strip()
        for slide in Presentation(str(path)).slides
    ]


def test_the_demo_arena_follows_the_2023q1_ranking(tmp_path, capsys):
    out = tmp_path / "arena.pptx"
    assert main(["arena", "--demo", "-o", str(out)]) == 0
    texts = slide_texts(out)
    shown = [t for t in texts if t.startswith("晒成绩")]
    order = [
        next(name for name in ("黄岛区", "胶州市", "城阳区", "即墨区") if name in t)
        for t in shown[:4]
    ]
    assert order == ["黄岛区", "胶州市", "城阳区", "即墨区"]
    assert any("奋战" in t and "双过半" in t for t in texts[:1])
    assert str(out) in capsys.readouterr().err


def test_a_result_file_with_targets_and_reverse_order(tmp_path, capsys):
    assert main(["demo", "--period", "2023Q1", "--format", "json", "--out-dir", str(tmp_path)]) == 0
    result = tmp_path / "q1.json"
    result.write_text(capsys.readouterr().out, encoding="utf-8")
    out = tmp_path / "deck.pptx"
    from leitai.demo import demo_dir

    argv = [
        "arena",
        str(result),
        "-o",
        str(out),
        "--order",
        "reverse",
        "--scheme",
        str(demo_dir() / "scheme-2023-v1.yaml"),
        "--targets",
        str(demo_dir() / "targets.csv"),
        "--actuals",
        str(demo_dir() / "actuals.csv"),
    ]
    assert main(argv) == 0
    shown = [t for t in slide_texts(out) if t.startswith("晒成绩")]
    assert "平度市" in shown[0] and "黄岛区" in shown[-1]


def test_a_file_that_is_not_a_result_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"rows": []}), encoding="utf-8")
    assert main(["arena", str(bad), "-o", str(tmp_path / "a.pptx")]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "bad.json" in captured.err and "results" in captured.err
