"""Charts (``leitai plot``): each draws the numbers of its input, and writes PNG or SVG."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from leitai.cli import main
from leitai.engine import PeriodData, assess, parse_scheme
from leitai.engine.diagnostics import correlation_matrix
from leitai.engine.sensitivity import analyse
from leitai.reports import plots

SCHEME = parse_scheme(
    """
id: p
name: 图
version: 1
units: [{id: a, name: 甲区}, {id: b, name: 乙区}, {id: c, name: 丙区}, {id: d, name: 丁区}]
boards:
  - {id: econ, name: 经济, points: 60, indicators: [
      {id: gdp, name: GDP, method: minmax}, {id: jobs, name: 就业, method: minmax}]}
  - {id: env, name: 环境, points: 40, indicators: [{id: air, name: 空气, method: minmax}]}
"""
)
VALUES = [
    {"a": (100, 5, 3), "b": (50, 9, 9), "c": (80, 1, 5), "d": (60, 4, 1)},
    {"a": (110, 6, 2), "b": (60, 9, 8), "c": (85, 2, 9), "d": (70, 3, 2)},
    {"a": (121, 4, 4), "b": (90, 1, 7), "c": (90, 9, 6), "d": (65, 5, 3)},
]


def _result(k: int) -> dict:
    rows = {u: dict(zip(("gdp", "jobs", "air"), v, strict=True)) for u, v in VALUES[k].items()}
    return assess(SCHEME, PeriodData.from_mapping(SCHEME, rows), period=str(2021 + k)).to_dict()


@pytest.fixture
def files(tmp_path):
    paths = []
    for k in range(3):
        path = tmp_path / f"r{k}.json"
        path.write_text(json.dumps(_result(k), ensure_ascii=False), encoding="utf-8")
        paths.append(str(path))
    return paths


def test_bar_draws_the_scores_best_first():
    document = _result(0)
    figure = plots.bar(document)
    bars = figure.axes[0].patches
    expected = sorted((r["score"] for r in document["results"]), reverse=True)
    assert [b.get_width() for b in bars] == pytest.approx(expected)
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    best = max(document["results"], key=lambda r: r["score"])
    assert labels[0] == best["name"]
    board = plots.bar(document, board="env")
    assert sorted(b.get_width() for b in board.axes[0].patches) == pytest.approx(
        sorted(r["boards"]["env"]["score"] for r in document["results"])
    )
    with pytest.raises(ValueError):
        plots.bar(document, board="nope")


def test_rank_path_and_trend_draw_each_units_series():
    documents = [_result(k) for k in range(3)]
    figure = plots.rank_path(documents, ["2021", "2022", "2023"])
    lines = {tuple(line.get_ydata()) for line in figure.axes[0].get_lines()}
    for unit in "abcd":
        ranks = tuple(
            float(next(r["rank"] for r in d["results"] if r["unit"] == unit)) for d in documents
        )
        assert ranks in lines
    figure = plots.trend(documents, ["2021", "2022", "2023"])
    legend = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    first = next(r["score"] for r in documents[0]["results"] if r["unit"] == "a")
    last = next(r["score"] for r in documents[2]["results"] if r["unit"] == "a")
    assert f"甲区 {(last / first) ** 0.5 - 1:+.2%}" in legend


def test_sensitivity_draws_the_intervals_and_indices():
    rows = {u: dict(zip(("gdp", "jobs", "air"), v, strict=True)) for u, v in VALUES[0].items()}
    report = analyse(SCHEME, PeriodData.from_mapping(SCHEME, rows), samples=64, seed=3).to_dict()
    figure = plots.sensitivity(report)
    left, right = figure.axes
    spans = [tuple(line.get_xdata()) for line in left.get_lines() if len(line.get_xdata()) == 2]
    assert spans == [(r["p5"], r["p95"]) for r in report["units"]]
    shown = [t.get_text() for t in right.get_yticklabels()]
    inputs = [i["input"] for i in report["indices"] if i["first_order"] is not None]
    names = {"weights": "权重 ±25%", "methods": "标准化方法", "missing": "缺失值处理"}
    assert shown == [names.get(i, "逐一剔除指标") for i in inputs]
    bars = [p.get_width() for p in right.patches]
    firsts = [i["first_order"] for i in report["indices"] if i["first_order"] is not None]
    assert bars[: len(firsts)] == pytest.approx(firsts)


def test_correlation_is_the_diagnostics_matrix():
    document = _result(0)
    figure = plots.correlation(document)
    image = figure.axes[0].get_images()[0].get_array()
    table = np.array(
        [[r["indicators"][k]["score"] for k in ("gdp", "jobs", "air")] for r in document["results"]]
    )
    assert np.allclose(np.asarray(image), correlation_matrix(table), equal_nan=True)


def test_the_command_writes_png_and_svg(files, tmp_path, capsys):
    png, svg = tmp_path / "bar.png", tmp_path / "path.svg"
    assert main(["plot", "bar", files[0], "-o", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["plot", "rank-path", *files, "-o", str(svg)]) == 0
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    # No date in the file: the same input gives the same bytes.
    again = tmp_path / "again.svg"
    assert main(["plot", "rank-path", *files, "-o", str(again)]) == 0
    assert again.read_bytes() == svg.read_bytes()
    assert (
        main(
            [
                "plot",
                "trend",
                *(f"{y}={f}" for y, f in zip((21, 22, 23), files, strict=True)),
                "-o",
                str(tmp_path / "t.png"),
            ]
        )
        == 0
    )
    assert main(["plot", "correlation", files[0], "-o", str(tmp_path / "c.svg")]) == 0


def test_the_command_refuses_what_it_cannot_draw(files, tmp_path, capsys):
    assert main(["plot", "bar", files[0], "-o", str(tmp_path / "x.jpg")]) == 2
    assert ".png 或 .svg" in capsys.readouterr().err
    assert main(["plot", "bar", *files, "-o", str(tmp_path / "x.png")]) == 2
    assert main(["plot", "trend", files[0], "-o", str(tmp_path / "x.png")]) == 2
    assert "两个以上" in capsys.readouterr().err
    assert main(["plot", "sensitivity", files[0], "-o", str(tmp_path / "x.png")]) == 2
    assert "leitai analyse --format json" in capsys.readouterr().err
    assert main(["plot", "bar", files[0], "--board", "nope", "-o", str(tmp_path / "x.png")]) == 2
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    assert main(["plot", "bar", str(tmp_path / "list.json"), "-o", str(tmp_path / "x.png")]) == 2
    assert "不是 JSON 对象" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


@pytest.mark.skipif(not os.path.exists(plots.CJK_FONTS[0]), reason="fonts-noto-cjk not installed")
def test_chinese_labels_use_the_cjk_font():
    from matplotlib import font_manager

    plots._pyplot()
    found = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))
    assert found == plots.CJK_FONTS[0]


def test_the_command_draws_leitai_analyses_json(tmp_path, capsys, examples):
    case1 = examples / "case1"
    args = ["analyse", str(case1 / "scheme.yaml"), str(case1 / "data.csv"), "--samples", "50"]
    assert main([*args, "--format", "json"]) == 0
    (tmp_path / "analysis.json").write_text(capsys.readouterr().out, encoding="utf-8")
    out = tmp_path / "sensitivity.svg"
    assert main(["plot", "sensitivity", str(tmp_path / "analysis.json"), "-o", str(out)]) == 0
    assert "<svg" in out.read_text(encoding="utf-8")
