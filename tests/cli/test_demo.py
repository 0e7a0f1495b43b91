"""`leitai demo`: the bundled demo in every format."""

from __future__ import annotations

import json

import pytest

from leitai.cli import main

VANGUARD, CLIMBER = "真抓实干、勇当排头", "加压奋进、进位赶超"


def test_the_2023q1_table_shows_the_published_flags(tmp_path, capsys):
    assert main(["demo", "--period", "2023Q1", "--out-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    lines = {
        name: next(line for line in out.splitlines() if name in line)
        for name in ("黄岛区", "胶州市", "即墨区", "市北区", "李沧区")
    }
    assert VANGUARD in lines["黄岛区"] and VANGUARD in lines["胶州市"]
    for name in ("即墨区", "市北区", "李沧区"):
        assert CLIMBER in lines[name]
    assert str(tmp_path) in out


def test_the_json_result_goes_to_stdout_and_the_note_to_stderr(tmp_path, capsys):
    assert main(["demo", "--period", "2023Q1", "--format", "json", "--out-dir", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    flags = {row["unit"]: row["flags"] for row in document["results"]}
    assert flags["huangdao"] == ["vanguard"] and flags["jiaozhou"] == ["vanguard"]
    assert all("climber" in flags[u] for u in ("jimo", "shibei", "licang"))
    assert str(tmp_path) in captured.err
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "2022Q4.json",
        "2023Q1.json",
        "2023Q1.xlsx",
        "2023Q2.json",
        "2023Q3.json",
        "2023Q4.json",
    ]


def test_the_latest_period_is_the_default(tmp_path, capsys):
    assert main(["demo", "--format", "csv", "--out-dir", str(tmp_path)]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert "stars_business" in header  # the fourth board arrives with 2023Q3


@pytest.mark.parametrize("fmt", ["xlsx"])
def test_the_result_book_of_the_demo(fmt, tmp_path, capsys):
    out = tmp_path / "book.xlsx"
    assert (
        main(
            [
                "demo",
                "--period",
                "2023Q3",
                "--format",
                fmt,
                "-o",
                str(out),
                "--out-dir",
                str(tmp_path),
            ]
        )
        == 0
    )
    import openpyxl

    assert openpyxl.load_workbook(out)["综合成绩"]["B3"].value == "黄岛区（西海岸新区）"


def test_an_unknown_period_exits_2(tmp_path, capsys):
    assert main(["demo", "--period", "2019Q1", "--out-dir", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "2023Q1" in captured.err


def test_the_table_tells_apart_board_scores_that_print_alike(tmp_path, capsys):
    """2023Q1 城市更新建设: 市北区 63.8349 (8★) and 胶州市 63.8254 (7★) both print 63.83."""
    assert main(["demo", "--period", "2023Q1", "--out-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    line = {name: next(x for x in out.splitlines() if name in x) for name in ("市北区", "胶州市")}
    assert "8★ 63.835" in line["市北区"]
    assert "7★ 63.825" in line["胶州市"]
    assert "更多位小数" in out


def test_the_demo_writes_no_file_unless_asked(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--period", "2023Q1"]) == 0
    assert "黄岛区" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []
    assert main(["demo", "--period", "2023Q1", "--format", "xlsx"]) == 2
    assert "-o" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    assert main(["demo", "--period", "2023Q1", "--format", "json", "-o", "r.json"]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]
