"""The command line: formats, exit codes, and bad input refused with a located message."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from leitai.cli import main


@pytest.fixture
def case1(examples) -> Path:
    return examples / "case1"


def assess_args(folder: Path, *extra: str) -> list[str]:
    return [
        "assess",
        str(folder / "scheme.yaml"),
        str(folder / "data.csv"),
        "--previous",
        str(folder / "previous.csv"),
        "--period",
        "2023Q1",
        *extra,
    ]


def test_the_table_shows_ranks_arrows_flags_stars_and_grades(case1, capsys):
    assert main(assess_args(case1)) == 0
    out = capsys.readouterr().out
    assert (
        "甲区" in out
        and "↑2" in out
        and "↓2" in out
        and "5★" in out
        and "真抓实干、勇当排头" in out
    )
    assert "优秀" in out and "一票否决" in out


def test_english_labels_with_lang_en(case1, capsys):
    main(assess_args(case1, "--lang", "en"))
    out = capsys.readouterr().out
    assert "Rank" in out and "Composite" in out and "Grade" in out


def test_csv_format_lists_the_league_table(case1, capsys):
    main(assess_args(case1, "--format", "csv"))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("rank,unit,name,score")
    assert lines[1].startswith("1,a,甲区,91.149867")
    assert lines[2].endswith("false,vanguard;climber,优秀")
    assert lines[4].endswith("true,,合格")  # the vetoed unit


def test_xlsx_format_writes_a_result_book(case1, tmp_path, capsys):
    import openpyxl

    out = tmp_path / "book.xlsx"
    assert main(assess_args(case1, "--format", "xlsx", "-o", str(out))) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["综合成绩", "摘星情况", "指标得分", "成绩解读", "板块得分", "说明"]
    league = book["综合成绩"]
    assert league["B3"].value == "甲区" and league["A3"].value == 1
    assert "真抓实干、勇当排头" in league["G3"].value
    assert capsys.readouterr().out == ""


def test_json_output_to_a_file(case1, tmp_path):
    out = tmp_path / "r.json"
    assert main(assess_args(case1, "--format", "json", "-o", str(out))) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["period"] == "2023Q1"


def spoiled_scheme(tmp_path: Path, case1: Path, change) -> Path:
    document = yaml.safe_load((case1 / "scheme.yaml").read_text(encoding="utf-8"))
    change(document)
    path = tmp_path / "scheme.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def sub_board_with_points(d):
    d["boards"][0]["boards"] = [
        {"id": "s", "name": "S", "points": 5, "indicators": [{"id": "q", "name": "Q"}]}
    ]


SCHEME_SPOILERS = {
    "unknown method": (
        lambda d: d["boards"][0]["indicators"][0].update(method="magic"),
        "boards[0].indicators[0].method",
    ),
    "weight abc": (
        lambda d: d["boards"][0]["indicators"][0].update(weight="abc"),
        "boards[0].indicators[0].weight",
    ),
    "sub-board with points": (sub_board_with_points, "boards[0].boards[0].points"),
    "python in a flag": (
        lambda d: d["flags"][0].update(when="__import__('os').system('id')"),
        "flags[0].when",
    ),
    "unknown variable": (
        lambda d: d["flags"][0].update(when="rnak <= 2"),
        "flags[0].when，第49行：未知变量 rnak",
    ),
}


@pytest.mark.parametrize("spoiler", list(SCHEME_SPOILERS))
def test_a_bad_scheme_exits_2_with_a_located_message_and_nothing_on_stdout(
    spoiler, case1, tmp_path, capsys
):
    change, where = SCHEME_SPOILERS[spoiler]
    scheme = spoiled_scheme(tmp_path, case1, change)
    for argv in (["validate", str(scheme)], ["assess", str(scheme), str(case1 / "data.csv")]):
        assert main(argv) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert str(scheme) in captured.err and where in captured.err


DATA_SPOILERS = {
    "bad cell": (
        lambda t: t.replace("a,energy_use,0.42,", 'a,energy_use,"12,3x",'),
        "单元格 C3（value）：应填数字，实际为“12,3x”",
    ),
    "unknown unit": (lambda t: t + "zz,gdp_growth,1,\n", "单元格 A32（unit）：未知单位“zz”"),
    "duplicated pair": (
        lambda t: t + "b,signed,3,10\n",
        "单元格 C32（value）：b / signed 填了两次（首次在 C10）",
    ),
}


@pytest.mark.parametrize("spoiler", list(DATA_SPOILERS))
def test_bad_data_exits_2_with_a_located_message(spoiler, case1, tmp_path, capsys):
    change, message = DATA_SPOILERS[spoiler]
    data = tmp_path / "data.csv"
    data.write_text(change((case1 / "data.csv").read_text(encoding="utf-8")), encoding="utf-8")
    for argv in (
        ["validate", str(case1 / "scheme.yaml"), str(data)],
        ["assess", str(case1 / "scheme.yaml"), str(data), "--format", "json"],
    ):
        assert main(argv) == 2
        captured = capsys.readouterr()
        assert captured.out == "" and message in captured.err and str(data) in captured.err


def test_an_xlsx_that_is_not_a_spreadsheet_exits_2(case1, tmp_path, capsys):
    fake = tmp_path / "data.xlsx"
    fake.write_text("plain text", encoding="utf-8")
    assert main(["assess", str(case1 / "scheme.yaml"), str(fake)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "data.xlsx：文件不是可读取的 .xlsx 工作簿" in captured.err


def test_validate_says_what_it_checked(case1, capsys):
    assert main(["validate", str(case1 / "scheme.yaml"), str(case1 / "data.csv")]) == 0
    assert "five-districts" in capsys.readouterr().out


def test_a_template_filled_in_is_assessed_as_it_is(case1, tmp_path, capsys):
    import openpyxl

    path = tmp_path / "t.xlsx"
    assert (
        main(["template", str(case1 / "scheme.yaml"), "-o", str(path), "--period", "2023Q1"]) == 0
    )
    book = openpyxl.load_workbook(path)
    sheet = book["数据填报"]
    header = [c.value for c in sheet[1]]
    assert (
        header[:2] == ["unit", "name"] and "signed.target" in header and "major_accident" in header
    )
    assert [c.value for c in sheet[2]][2] == "地区生产总值增速"
    assert sheet.data_validations.dataValidation, "cells carry validation"
    rows = [
        line.split(",")
        for line in (case1 / "data.csv").read_text(encoding="utf-8").splitlines()[1:]
    ]
    for r in range(5, 10):
        unit = sheet.cell(r, 1).value
        for c, column in enumerate(header[2:], start=3):
            name, _, suffix = column.partition(".")
            cell = next(row for row in rows if row[0] == unit and row[1] == name)
            sheet.cell(r, c).value = cell[3] if suffix else cell[2]
    book.save(path)
    capsys.readouterr()
    assert main(["assess", str(case1 / "scheme.yaml"), str(path), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["results"][0]["score"] == pytest.approx(91.14986737400531)


def test_template_refuses_an_unknown_unit(case1, tmp_path, capsys):
    assert (
        main(
            ["template", str(case1 / "scheme.yaml"), "-o", str(tmp_path / "t.xlsx"), "--unit", "zz"]
        )
        == 2
    )
    assert "--unit：未知单位 zz（应为 a、b、c、d、e 之一）" in capsys.readouterr().err


def test_the_installed_command_runs_as_a_process(case1):
    done = subprocess.run(
        [sys.executable, "-m", "leitai.cli", *assess_args(case1, "--format", "json")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"][0]["unit"] == "a"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a: " + "[" * 3000 + "]" * 3000, "第1行"),
        (
            "id: x\nname: x\nversion: 1\nunits: [{id: a, name: A}]\n"
            "boards: [{id: b, name: B, points: 1e309, indicators: [{id: i, name: I}]}]\n",
            "boards[0].points",
        ),
        (
            "id: x\nname: x\nversion: 1\nunits: [{id: a, name: A}]\n"
            "boards: [{id: b, name: B, points: 100, indicators: [{id: i, name: I}]}]\n"
            "flags: [{id: f, name: F, when: '" + "not " * 5000 + "true'}]\n",
            "flags[0].when",
        ),
    ],
)
def test_validate_refuses_deep_or_infinite_schemes_with_exit_2_and_no_traceback(
    text, where, tmp_path, capsys
):
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["validate", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and where in captured.err
    assert "Traceback" not in captured.err and "RecursionError" not in captured.err


def test_problems_are_printed_in_the_language_asked_for(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(
        "id: x\nname: x\nversion: 1\nunits: [{id: a, name: A}]\n"
        "boards: [{id: b, name: B, points: .inf, indicators: [{id: i, name: I}]}]\n",
        encoding="utf-8",
    )
    assert main(["validate", str(path), "--lang", "en"]) == 2
    english = capsys.readouterr().err
    assert (
        english
        == f"error: {path}, at boards[0].points, line 5: expected a finite number, found inf\n"
    )
    assert main(["validate", str(path)]) == 2
    chinese = capsys.readouterr().err
    assert chinese == f"错误：{path}，位置 boards[0].points，第5行：应为有限的数字，实际为 inf\n"


def test_the_first_100_problems_are_listed_and_the_rest_counted(case1, tmp_path, capsys):
    rows = "".join(f"nowhere{n},gdp_growth,x\n" for n in range(250))
    data = tmp_path / "bad.csv"
    data.write_text("unit,indicator,value\n" + rows, encoding="utf-8")
    assert main(["assess", str(case1 / "scheme.yaml"), str(data)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 101 and all(line.startswith("错误：") for line in err[:100])
    assert err[100] == "……另有 151 处问题未在此列出"  # 250 unknown units and the absent ones
