"""`leitai targets`: the 双过半 progress board in the terminal."""

from __future__ import annotations

import csv
import io

from leitai.cli import main


def test_the_demo_at_mid_year_shows_all_three_colours(capsys):
    assert main(["targets", "--demo", "--as-of", "2023-06-30", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {"green", "yellow", "red"} <= {r["status"] for r in rows}
    pingdu = next(r for r in rows if r["unit"] == "pingdu")
    assert pingdu["double_half"] in ("achieved", "missed")


def test_the_table_filters_by_colour_and_unit(capsys):
    assert (
        main(["targets", "--demo", "--as-of", "2023-06-30", "--status", "red", "--unit", "shinan"])
        == 0
    )
    out = capsys.readouterr().out
    assert "新增税收过亿元楼宇" in out and "楼宇提升改造" not in out and "● 红" in out


def test_a_bad_date_exits_2(capsys):
    assert main(["targets", "--demo", "--as-of", "30/06/2023"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "--as-of" in captured.err


def test_a_targets_table_with_a_bad_row_exits_2_naming_it(tmp_path, capsys):
    targets = tmp_path / "t.csv"
    targets.write_text("unit,id,name,target\nshinan,a,楼宇,十五\n", encoding="utf-8")
    actuals = tmp_path / "a.csv"
    actuals.write_text("unit,target,period,value\n", encoding="utf-8")
    assert main(["targets", str(targets), str(actuals)]) == 2
    err = capsys.readouterr().err
    assert "t.csv，第2行，“target”列：应填数字，实际为“十五”" in err
