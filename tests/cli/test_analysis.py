"""``leitai analyse``, ``whatif`` and ``import-coinr`` on the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from leitai.cli import main
from tests.conftest import ASEM


@pytest.fixture
def case1(examples) -> Path:
    return examples / "case1"


def files(folder: Path) -> list[str]:
    return [str(folder / "scheme.yaml"), str(folder / "data.csv")]


def test_analyse_prints_rank_intervals_sensitivity_and_diagnostics_in_chinese(case1, capsys):
    code = main(
        ["analyse", *files(case1), "--previous", str(case1 / "previous.csv"), "--samples", "200"]
    )
    out = capsys.readouterr().out
    assert code == 0
    for text in ("排名稳健性分析", "200 次抽样", "甲区", "90%排名区间", "真抓实干、勇当排头",
                 "敏感性指数", "权重 ±25%", "指标统计诊断", "地区生产总值增速", "Cronbach"):  # fmt: skip
        assert text in out, text


def test_analyse_in_english(case1, capsys):
    assert main(["analyse", *files(case1), "--samples", "50", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "How solid is each rank" in out and "Sensitivity indices" in out
    assert "Indicator diagnostics" in out


def test_analyse_json_is_reproducible_with_the_seed(case1, capsys):
    args = ["analyse", *files(case1), "--samples", "100", "--seed", "7", "--format", "json"]
    assert main(args) == 0
    first = capsys.readouterr().out
    assert main(args) == 0
    assert capsys.readouterr().out == first
    document = json.loads(first)
    assert document["robustness"]["samples"] == 100 and document["robustness"]["seed"] == 7
    assert [r["input"] for r in document["robustness"]["indices"]] == [
        "weights",
        "methods",
        "missing",
        "leave_one_out",
    ]
    assert len(document["diagnostics"]["indicators"]) == 4
    assert document["preparation"] == []


def test_analyse_options_narrow_the_uncertainty(case1, capsys):
    args = [
        "analyse",
        *files(case1),
        "--samples",
        "20",
        "--format",
        "json",
        "--weights",
        "0",
        "--methods",
        "none",
        "--missing",
        "none",
        "--no-leave-one-out",
    ]
    assert main(args) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["robustness"]["inputs"] == []
    assert all(r["p5"] == r["p95"] == r["rank"] for r in document["robustness"]["units"])


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--samples", "1"], "--samples 1"),
        (["--weights", "1.5"], "--weights 1.5"),
        (
            ["--methods", "minmax,target"],
            "--methods：应为 efficacy、minmax、zscore、rank_points、prank、borda、fracmax 中的若干项（或 none），实际为 target",
        ),
        (
            ["--missing", "skip"],
            "--missing：应为 zero、worst、exclude 中的若干项（或 none），实际为 skip",
        ),
    ],
)
def test_analyse_refuses_bad_options_with_exit_2_and_nothing_on_stdout(
    case1, capsys, extra, message
):
    assert main(["analyse", *files(case1), *extra]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err


def test_analyse_refuses_bad_input_files(case1, tmp_path, capsys):
    bad = tmp_path / "data.csv"
    bad.write_text("unit,indicator,value\na,gdp_growth,lots\n", encoding="utf-8")
    assert main(["analyse", str(case1 / "scheme.yaml"), str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "lots" in captured.err
    assert main(["analyse", str(tmp_path / "nope.yaml"), str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "nope.yaml" in captured.err


def test_whatif_shows_what_each_indicator_would_take(case1, capsys):
    args = ["whatif", *files(case1), "--previous", str(case1 / "previous.csv"), "--unit", "c"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "丙区" in out and "进位所需" in out and "14.8 (+7.8)" in out and "得分已封顶" in out
    assert main([*args, "--lang", "en"]) == 0
    assert "score capped" in capsys.readouterr().out
    assert main([*args, "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    row = next(
        r for r in document["rows"] if r["indicator"] == "gdp_growth" and r["goal"] == "rank"
    )
    assert row["required"] == 14.8 and row["new_rank"] == 2


def test_whatif_set_recomputes_with_edited_values(case1, capsys):
    args = ["whatif", *files(case1), "--unit", "c", "--set", "gdp_growth=14.8", "--format", "json"]
    assert main(args) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["before"]["rank"] == 3
    after = next(r for r in document["after"]["results"] if r["unit"] == "c")
    assert after["rank"] == 2
    assert main(args[:-2]) == 0
    assert "修改后重新计算" in capsys.readouterr().out


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--unit", "zz"], "--unit：未知单位 zz"),
        (["--unit", "a", "--set", "gdp_growth"], "INDICATOR=VALUE"),
        (["--unit", "a", "--set", "nope=1"], "未知指标“nope”"),
    ],
)
def test_whatif_refuses_bad_input(case1, capsys, extra, message):
    assert main(["whatif", *files(case1), *extra]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err


def test_import_coinr_writes_files_that_assess_reads(tmp_path, capsys):
    out_dir = tmp_path / "asem"
    args = [
        "import-coinr",
        str(ASEM / "ASEM_iData.csv"),
        str(ASEM / "ASEM_iMeta.csv"),
        "-o",
        str(out_dir),
    ]
    assert main(args) == 0
    assert "scheme.yaml" in capsys.readouterr().out
    assert (
        main(
            ["assess", str(out_dir / "scheme.yaml"), str(out_dir / "data.csv"), "--format", "json"]
        )
        == 0
    )
    document = json.loads(capsys.readouterr().out)
    assert document["results"][0]["unit"] == "CHE" and len(document["results"]) == 51
    assert round(document["results"][0]["score"], 2) == 68.38
    bad = [
        "import-coinr",
        str(ASEM / "ASEM_iData_p.csv"),
        str(ASEM / "ASEM_iMeta.csv"),
        "-o",
        str(tmp_path),
    ]
    assert main(bad) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "--time" in captured.err and "Time" in captured.err


def test_the_command_module_imports_nothing_heavy():
    code = (
        "import sys, leitai.cli.analysis; print(any(m in sys.modules for m in ('numpy', 'rich')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_analyse_reports_95_percent_intervals_and_skips_the_indices_on_request(case1, capsys):
    args = ["analyse", *files(case1), "--samples", "1000", "--format", "json"]
    assert main(args) == 0
    document = json.loads(capsys.readouterr().out)["robustness"]
    assert document["evaluations"] == 1000 * (4 + 2)
    for row in document["indices"]:
        low, high = row["first_order_interval"]
        assert low <= row["first_order"] <= high
    assert main(["analyse", *files(case1), "--samples", "1000"]) == 0
    assert "95%置信区间" in capsys.readouterr().out
    assert main([*args, "--no-indices"]) == 0
    document = json.loads(capsys.readouterr().out)["robustness"]
    assert document["indices"] == [] and document["evaluations"] == 1000
    assert main(["analyse", *files(case1), "--samples", "100", "--no-indices"]) == 0
    out = capsys.readouterr().out
    assert "排名稳健性分析" in out and "敏感性指数" not in out


def test_import_coinr_without_imputation_or_treatment_says_so(tmp_path, capsys):
    base = ["import-coinr", str(ASEM / "ASEM_iData.csv"), str(ASEM / "ASEM_iMeta.csv"), "-o"]
    assert main([*base, str(tmp_path / "default")]) == 0
    assert main([*base, str(tmp_path / "plain"), "--no-impute", "--no-treat"]) == 0
    capsys.readouterr()
    default = (tmp_path / "default" / "scheme.yaml").read_text(encoding="utf-8")
    plain = (tmp_path / "plain" / "scheme.yaml").read_text(encoding="utf-8")
    assert "impute by group mean, COINr's default outlier treatment" in default
    assert "no imputation (--no-impute)" in plain and "no outlier treatment (--no-treat)" in plain
    assert "prepare:" in default and "prepare:" not in plain


def test_analyse_takes_any_scheme_parameter_as_an_uncertain_input(case1, tmp_path, capsys):
    import yaml

    board = yaml.safe_load((case1 / "scheme.yaml").read_text(encoding="utf-8"))["boards"][0]["id"]
    path = f"boards[{board}].aggregation.method"
    args = ["analyse", *files(case1), "--samples", "200", "--weights", "0", "--methods", "none",
            "--missing", "none", "--no-leave-one-out", "--parameter", f"{path}=mean,geometric"]  # fmt: skip
    assert main([*args, "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)["robustness"]
    assert document["inputs"] == [path]
    assert document["settings"]["parameters"] == [{"path": path, "values": ["mean", "geometric"]}]
    assert main(args) == 0
    assert path in capsys.readouterr().out
    assert main([*args[:-1], "nowhere.at.all=1,2"]) == 2
    assert "不是本考核办法中的项目" in capsys.readouterr().err
    assert main([*args[:-1], "stars.max=5"]) == 2
    assert "两个以上不同的值" in capsys.readouterr().err
