"""``leitai trends`` and ``leitai compare`` on results written as JSON."""

from __future__ import annotations

import json

import pytest

from leitai.cli import main
from leitai.engine import PeriodData, assess, parse_scheme

SCHEME = parse_scheme(
    """
id: p
name: 面板
version: 1
units: [{id: a, name: 甲区}, {id: b, name: 乙区}, {id: c, name: 丙区}]
boards:
  - {id: econ, name: 经济, points: 60, indicators: [{id: gdp, name: GDP, method: minmax}]}
  - {id: env, name: 环境, points: 40, indicators: [{id: air, name: 空气, method: minmax}]}
"""
)


def _write(tmp_path, name: str, period: str, values: dict) -> str:
    result = assess(SCHEME, PeriodData.from_mapping(SCHEME, values), period=period)
    path = tmp_path / name
    path.write_text(json.dumps(result.to_dict(), ensure_ascii=False), encoding="utf-8")
    return str(path)


@pytest.fixture
def results(tmp_path):
    return [
        _write(
            tmp_path,
            "r2021.json",
            "2021",
            {"a": {"gdp": 100, "air": 5}, "b": {"gdp": 50, "air": 9}, "c": {"gdp": 80, "air": 1}},
        ),
        _write(
            tmp_path,
            "r2022.json",
            "2022",
            {
                "a": {"gdp": 110, "air": 6},
                "b": {"gdp": 60, "air": 9},
                "c": {"gdp": 85, "air": None},
            },
        ),
        _write(
            tmp_path,
            "r2023.json",
            "2023",
            {"a": {"gdp": 121, "air": 4}, "b": {"gdp": 90, "air": 1}, "c": {"gdp": 90, "air": 9}},
        ),
    ]


def test_trends_of_values_as_json(results, capsys):
    assert main(["trends", *results, "--what", "values", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["times"] == [2021.0, 2022.0, 2023.0]
    rows = {(r["unit"], r["series"]): r for r in out["trends"]}
    assert rows[("a", "gdp")]["trend"] == pytest.approx(0.1)  # 100 -> 121 in two years
    assert rows[("c", "air")]["first_value"] == 1 and rows[("c", "air")]["last"] == 2023
    assert rows[("c", "air")]["trend"] == pytest.approx(2.0)  # 1 -> 9: 200% a year
    # Times given explicitly, in any order; a percentage change per period.
    assert (
        main(
            [
                "trends",
                f"3={results[2]}",
                f"1={results[0]}",
                "--what",
                "values",
                "--method",
                "change",
                "--format",
                "json",
            ]
        )
        == 0
    )
    rows = {(r["unit"], r["series"]): r for r in json.loads(capsys.readouterr().out)["trends"]}
    assert rows[("b", "gdp")]["trend"] == pytest.approx(40.0)  # 50 -> 90 over 2


def test_trends_table_in_chinese(results, capsys):
    assert main(["trends", *results]) == 0
    out = capsys.readouterr().out
    assert "综合成绩变化趋势（年均增长率）" in out and "甲区" in out and "%" in out


def test_trends_refuse_what_they_cannot_time(results, tmp_path, capsys):
    assert main(["trends", results[0]]) == 2
    assert "至少需要两期" in capsys.readouterr().err
    assert main(["trends", f"x={results[0]}", results[1]]) == 2
    assert "x=" in capsys.readouterr().err
    assert main(["trends", f"2022={results[0]}", results[1]]) == 2
    assert "各自不同的时间" in capsys.readouterr().err
    # A quarter's period is not a number: its time must be given.
    values = {u: {"gdp": 1, "air": 1} for u in "abc"}
    quarter = _write(tmp_path, "q.json", "2023Q1", values)
    assert main(["trends", results[0], quarter]) == 2
    assert "q.json" in capsys.readouterr().err
    assert main(["trends", results[0], f"2023.25={quarter}"]) == 0


def test_compare_two_results(results, capsys):
    assert main(["compare", results[0], results[2], "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    series = [c["series"] for c in out["correlations"]]
    assert series == ["score", "econ", "env"]
    table = out["units"]["score"]
    assert [r["unit"] for r in table] == sorted(
        (r["unit"] for r in table),
        key=lambda u: next(x["after_rank"] for x in table if x["unit"] == u),
    )
    for row in table:
        assert row["rank_change"] == row["before_rank"] - row["after_rank"]
    moved = out["movers"]["score"]
    assert all(m["rank_change"] != 0 for m in moved)
    assert main(["compare", results[0], results[2], "--board", "env"]) == 0
    text = capsys.readouterr().out
    assert "两次结果比较：env" in text and "Spearman 相关系数" in text
    assert main(["compare", results[0], results[2], "--board", "nope"]) == 2
    assert "没有板块“nope”" in capsys.readouterr().err
