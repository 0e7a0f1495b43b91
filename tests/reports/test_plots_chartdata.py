"""The charts added for issue 16 (dot, distribution, scatter, sunburst, uncertainty): the
numbers each draws, checked by hand, and the files ``leitai plot`` writes from them."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image

from leitai.cli import main
from leitai.engine import PeriodData, assess, parse_scheme
from leitai.reports import chartdata, plots

SCHEME = parse_scheme(
    """
id: p
name: 图
version: 1
units: [{id: a, name: 甲区}, {id: b, name: 乙区}, {id: c, name: 丙区}, {id: d, name: 丁区}]
boards:
  - {id: econ, name: 经济, points: 60, indicators: [
      {id: gdp, name: GDP, method: minmax}, {id: jobs, name: 就业, method: minmax, weight: 3, missing: exclude}]}
  - id: env
    name: 环境
    points: 40
    indicators: [{id: air, name: 空气, method: minmax}]
    boards: [{id: water, name: 水, weight: 3, indicators: [
      {id: river, name: 河流, method: minmax}, {id: lake, name: 湖泊, method: minmax}]}]
flags:
  - {id: top, name: 红旗, when: "rank <= 1"}
"""
)
# gdp, jobs, air, river, lake of each unit; 丁区 has no figure for jobs (left out of
# its board, so without a score).
VALUES = {
    "a": (100, 5, 3, 1, 2),
    "b": (50, 9, 9, 4, 4),
    "c": (80, 1, 5, 2, 8),
    "d": (60, None, 1, 3, 6),
}
UNITS = {"a": "甲区", "b": "乙区", "c": "丙区", "d": "丁区"}


def result() -> dict:
    rows = {
        u: {k: v for k, v in zip(("gdp", "jobs", "air", "river", "lake"), vs, strict=True)}
        for u, vs in VALUES.items()
    }
    return assess(SCHEME, PeriodData.from_mapping(SCHEME, rows), period="2023").to_dict()


def minmax(values: list[float | None]) -> list[float | None]:
    present = [v for v in values if v is not None]
    low, high = min(present), max(present)
    return [None if v is None else 100.0 * (v - low) / (high - low) for v in values]


REPORT = {
    "robustness": {
        "units": [
            {
                "unit": "b",
                "name": "乙区",
                "rank": 2,
                "median": 2,
                "p5": 1,
                "p95": 3,
                "flags": {"top": 0.25},
            },
            {
                "unit": "a",
                "name": "甲区",
                "rank": 1,
                "median": 1.5,
                "p5": 1,
                "p95": 2,
                "flags": {"top": 0.75},
            },
            {
                "unit": "c",
                "name": "丙区",
                "rank": 3,
                "median": 3,
                "p5": 3,
                "p95": 4,
                "flags": {"top": 0.0},
            },
        ]
    }
}


# -- the numbers, by hand ---------------------------------------------------------------------


def test_indicator_points_are_each_units_value_and_score_best_first() -> None:
    points = chartdata.indicator_points(result(), "gdp")
    # minmax of 100, 50, 80, 60: 100, 0, 60, 20.
    assert [(p["unit"], p["value"], p["score"]) for p in points] == [
        ("a", 100.0, 100.0),
        ("c", 80.0, 60.0),
        ("d", 60.0, 20.0),
        ("b", 50.0, 0.0),
    ]
    with pytest.raises(ValueError):
        chartdata.indicator_points(result(), "nope")


def test_distributions_leave_the_missing_out() -> None:
    columns = dict(chartdata.distributions(result()))
    assert list(columns) == ["gdp", "jobs", "air", "river", "lake"]
    jobs = minmax([5, 9, 1, None])  # 50, 100, 0; 丁区 missing
    present = [v for v in jobs if v is not None]
    document_order = [r["unit"] for r in result()["results"]]
    by_unit = dict(zip("abcd", jobs, strict=True))
    assert columns["jobs"].tolist() == pytest.approx(
        [by_unit[u] for u in document_order if by_unit[u] is not None]
    )
    assert sorted(columns["jobs"].tolist()) == pytest.approx(sorted(present))
    values = dict(chartdata.distributions(result(), what="value"))
    assert sorted(values["air"].tolist()) == [1.0, 3.0, 5.0, 9.0]


def test_scatter_points_and_their_correlation_by_hand() -> None:
    out = chartdata.scatter_points(result(), "gdp", "air", what="value")
    pairs = dict(zip(out["names"], zip(out["x"], out["y"], strict=True), strict=True))
    assert pairs == {UNITS[u]: (float(v[0]), float(v[2])) for u, v in VALUES.items()}
    x, y = [100, 50, 80, 60], [3, 9, 5, 1]
    mx, my = sum(x) / 4, sum(y) / 4
    cov = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    r = cov / (sum((a - mx) ** 2 for a in x) * sum((b - my) ** 2 for b in y)) ** 0.5
    assert out["r"] == pytest.approx(r, abs=1e-12)
    # The composite against a board: the units with both.
    both = chartdata.scatter_points(result(), "score", "econ")
    assert len(both["names"]) == 4
    with pytest.raises(ValueError):
        chartdata.scatter_points(result(), "score", "nope")


def test_framework_gives_each_item_its_share_of_the_points() -> None:
    shares = {s["id"]: s["share"] for s in chartdata.framework(SCHEME)}
    # econ: 60 of 100 points; gdp weight 1 and jobs weight 3 of 4.
    assert shares["econ"] == pytest.approx(0.6)
    assert shares["gdp"] == pytest.approx(0.6 * 1 / 4)
    assert shares["jobs"] == pytest.approx(0.6 * 3 / 4)
    # env: 40 points between air (weight 1) and the sub-board water (weight 3), whose two
    # indicators share its part equally.
    assert shares["air"] == pytest.approx(0.4 * 1 / 4)
    assert shares["water"] == pytest.approx(0.4 * 3 / 4)
    assert shares["river"] == shares["lake"] == pytest.approx(0.4 * 3 / 4 / 2)
    segments = {s["id"]: s for s in chartdata.framework(SCHEME)}
    assert segments["env"]["start"] == pytest.approx(0.6)
    assert segments["water"]["start"] == pytest.approx(0.7)
    assert segments["lake"]["start"] == pytest.approx(0.85)
    assert [segments[k]["level"] for k in ("env", "air", "water", "lake")] == [0, 1, 1, 2]


def test_uncertainty_rows_are_in_published_rank_order() -> None:
    rows = chartdata.uncertainty_rows(REPORT)
    assert [r["unit"] for r in rows] == ["a", "b", "c"]
    assert [(r["p5"], r["median"], r["p95"]) for r in rows] == [(1, 1.5, 2), (1, 2, 3), (3, 3, 4)]
    assert [r["flags"]["top"] for r in rows] == [0.75, 0.25, 0.0]
    with pytest.raises(ValueError):
        chartdata.uncertainty_rows({"units": [{"unit": "a", "rank": 1}]})


def test_period_trend_by_hand() -> None:
    # 100, 110, 121: growth 10% a period. The least-squares line through (1, 100),
    # (2, 110), (3, 121) has slope 10.5 and passes through the means (2, 331/3), so at
    # period 1 it is 331/3 - 10.5; the change is 10.5 over that, in percent.
    out = chartdata.period_trend([100.0, 110.0, 121.0])
    assert out["cagr"] == pytest.approx(0.1)
    assert out["change"] == pytest.approx(100 * 10.5 / (331 / 3 - 10.5), abs=1e-9)
    slope, intercept = np.polyfit([1, 2, 3], [100, 110, 121], 1)
    assert out["change"] == pytest.approx(100 * slope / (intercept + slope), abs=1e-9)
    assert chartdata.period_trend([None, 5.0]) == {"change": None, "cagr": None}


# -- the pictures ------------------------------------------------------------------------------


def test_dot_draws_every_scored_unit_best_first_and_highlights_one() -> None:
    figure = plots.dot(result(), "jobs", highlight="b")
    axes = figure.axes[0]
    dots = axes.collections[-1]
    scores = minmax([5, 9, 1, None])
    expected = sorted((s for s in scores if s is not None), reverse=True)
    assert dots.get_offsets()[:, 0].tolist() == pytest.approx(expected)
    names = [t.get_text() for t in axes.get_yticklabels()]
    assert names == ["乙区", "甲区", "丙区", "丁区"]  # 丁区 without a score last
    colors = dots.get_facecolors()
    assert colors[0].tolist() != colors[1].tolist()  # 乙区 in red, the rest in gold
    assert colors[1].tolist() == colors[2].tolist()
    assert axes.get_title() == "jobs：各单位得分"


def test_distribution_draws_a_box_per_indicator_with_its_median() -> None:
    figure = plots.distribution(result())
    axes = figure.axes[0]
    medians = [line.get_ydata()[0] for line in axes.get_lines() if line.get_color() == plots.RED]
    expected = [float(np.median(v)) for _k, v in chartdata.distributions(result())]
    assert medians == pytest.approx(expected)
    assert [t.get_text() for t in axes.get_xticklabels()] == ["gdp", "jobs", "air", "river", "lake"]
    english = plots.distribution(result(), what="value", lang="en")
    assert english.axes[0].get_title() == "Distribution of the indicator values"


def test_scatter_names_each_dot_and_gives_the_correlation() -> None:
    figure = plots.scatter(result(), "gdp", "air", what="value", lang="en")
    axes = figure.axes[0]
    assert sorted(map(tuple, axes.collections[0].get_offsets().tolist())) == sorted(
        (float(v[0]), float(v[2])) for v in VALUES.values()
    )
    assert {t.get_text() for t in axes.texts} == set(UNITS.values())
    r = chartdata.scatter_points(result(), "gdp", "air", what="value")["r"]
    assert axes.get_title() == f"Pearson's correlation: {r:.3f}"


def test_sunburst_draws_a_segment_per_board_and_indicator() -> None:
    figure = plots.sunburst(SCHEME)
    axes = figure.axes[0]
    segments = chartdata.framework(SCHEME)
    widths = [p.get_width() for p in axes.patches]
    assert widths == pytest.approx([2 * np.pi * s["share"] for s in segments])
    texts = " ".join(t.get_text() for t in axes.texts)
    assert "经济\n60" in texts and "河流 15" in texts


def test_uncertainty_draws_the_intervals_and_the_flag_chances() -> None:
    figure = plots.uncertainty(REPORT)
    left, right = figure.axes
    spans = [tuple(line.get_xdata()) for line in left.get_lines() if len(line.get_xdata()) == 2]
    assert spans == [(1, 2), (1, 3), (3, 4)]
    assert [p.get_width() for p in right.patches] == [0.75, 0.25, 0.0]


# -- the command --------------------------------------------------------------------------------


@pytest.fixture
def inputs(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps(result(), ensure_ascii=False), encoding="utf-8")
    report = tmp_path / "analysis.json"
    report.write_text(json.dumps(REPORT, ensure_ascii=False), encoding="utf-8")
    scheme = tmp_path / "scheme.yaml"
    scheme.write_text(SCHEME.model_dump_json(by_alias=True), encoding="utf-8")
    return {"result": str(path), "report": str(report), "scheme": str(scheme)}


CASES = {
    "dot": ("result", ["--indicator", "gdp", "--highlight", "a"], ["甲区", "丁区"]),
    "distribution": ("result", [], ["river", "lake"]),
    "scatter": ("result", ["--x", "score", "--y", "env"], ["甲区", "丙区"]),
    "sunburst": ("scheme", [], ["经济", "河流"]),
    "uncertainty": ("report", [], ["甲区", "乙区"]),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_the_command_writes_each_new_kind_as_png_and_svg(kind, inputs, tmp_path) -> None:
    source, options, words = CASES[kind]
    png, svg = tmp_path / f"{kind}.png", tmp_path / f"{kind}.svg"
    assert main(["plot", kind, inputs[source], *options, "-o", str(png)]) == 0
    image = Image.open(io.BytesIO(png.read_bytes()))
    image.load()
    assert image.format == "PNG" and image.size[0] > 200 and image.size[1] > 200
    assert main(["plot", kind, inputs[source], *options, "-o", str(svg)]) == 0
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text
    for word in words:  # each text is kept beside its glyphs
        assert word in text


def test_the_scheme_names_the_indicators_and_boards(inputs, tmp_path) -> None:
    figure = plots.distribution(result(), names={"gdp": "GDP", "river": "河流"})
    ticks = [t.get_text() for t in figure.axes[0].get_xticklabels()]
    assert ticks == ["GDP", "jobs", "air", "河流", "lake"]
    svg = tmp_path / "named.svg"
    options = ["--x", "score", "--y", "env", "--scheme", inputs["scheme"]]
    assert main(["plot", "scatter", inputs["result"], *options, "-o", str(svg)]) == 0
    assert "环境" in svg.read_text(encoding="utf-8")
    dot = tmp_path / "dot.svg"
    options = ["--indicator", "river", "--scheme", inputs["scheme"]]
    assert main(["plot", "dot", inputs["result"], *options, "-o", str(dot)]) == 0
    assert "河流：各单位得分" in dot.read_text(encoding="utf-8")


def test_the_command_refuses_a_new_kind_without_what_it_needs(inputs, tmp_path, capsys) -> None:
    out = str(tmp_path / "x.png")
    assert main(["plot", "dot", inputs["result"], "-o", out]) == 2
    assert "--indicator" in capsys.readouterr().err
    assert main(["plot", "dot", inputs["result"], "--indicator", "nope", "-o", out]) == 2
    assert main(["plot", "scatter", inputs["result"], "--x", "score", "-o", out]) == 2
    assert main(["plot", "uncertainty", inputs["result"], "-o", out]) == 2
    assert main(["plot", "sunburst", inputs["result"], "-o", out]) == 2
    capsys.readouterr()
    assert not (tmp_path / "x.png").exists()
