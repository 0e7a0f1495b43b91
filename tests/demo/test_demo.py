"""The bundled demo reproduces Qingdao's published 2023 outcomes with its synthetic data."""

from __future__ import annotations

import csv
import json
from itertools import pairwise

import pytest

from leitai.demo import DemoPeriod, assess_demo, demo_dir, demo_periods
from leitai.engine import LeitaiError, load_scheme

PERIODS = ["2022Q4", "2023Q1", "2023Q2", "2023Q3", "2023Q4"]
UNITS = [
    ("shinan", "市南区"),
    ("shibei", "市北区"),
    ("licang", "李沧区"),
    ("laoshan", "崂山区"),
    ("huangdao", "黄岛区（西海岸新区）"),
    ("chengyang", "城阳区"),
    ("jimo", "即墨区"),
    ("jiaozhou", "胶州市"),
    ("pingdu", "平度市"),
    ("laixi", "莱西市"),
]


@pytest.fixture(scope="module")
def results():
    return assess_demo()


def rows_by_unit(result):
    return {row["unit"]: row for row in result.league_table()}


def test_demo_periods_run_in_time_order_each_naming_the_one_before():
    periods = demo_periods()
    assert all(isinstance(p, DemoPeriod) for p in periods)
    assert [p.period for p in periods] == PERIODS
    assert [p.previous for p in periods] == [None, *PERIODS[:-1]]
    assert [p.scheme_path.name for p in periods] == ["scheme-2023-v1.yaml"] * 3 + [
        "scheme-2023-v2.yaml"
    ] * 2
    for p in periods:
        assert p.scheme_path.is_file()
        assert p.data_path.is_file()
        assert p.data_path.parent == demo_dir() / "data"


def test_both_scheme_versions_load_with_the_same_id_and_the_ten_units_in_order():
    v1 = load_scheme(demo_dir() / "scheme-2023-v1.yaml")
    v2 = load_scheme(demo_dir() / "scheme-2023-v2.yaml")
    assert (v1.id, v1.version) == ("qingdao-2023-quarterly", 1)
    assert (v2.id, v2.version) == ("qingdao-2023-quarterly", 2)
    for scheme in (v1, v2):
        assert [(u.id, u.name) for u in scheme.units] == UNITS
    assert [(b.id, b.name) for b in v1.boards] == [
        ("economy", "经济运行"),
        ("projects", "项目签约落地"),
        ("renewal", "城市更新建设"),
    ]
    assert [(b.id, b.name) for b in v2.boards] == [
        *[(b.id, b.name) for b in v1.boards],
        ("business", "优化营商环境"),
    ]
    assert sum(b.points for b in v1.boards) == 100
    assert sum(b.points for b in v2.boards) == 100
    assert [b.points for b in v1.boards] != [b.points for b in v2.boards[:3]]


@pytest.mark.parametrize("version", [1, 2])
def test_each_scheme_uses_the_features_the_demo_is_meant_to_show(version):
    scheme = load_scheme(demo_dir() / f"scheme-2023-v{version}.yaml")
    for board in scheme.boards:
        assert 4 <= len(list(board.all_indicators())) <= 8, board.id
    renewal = next(b for b in scheme.boards if b.id == "renewal")
    assert [(b.id, b.name) for b in renewal.boards] == [
        ("villages", "城中村改造"),
        ("estates", "老旧小区改造"),
    ]
    resolved = [scheme.resolved(i) for i in scheme.all_indicators()]
    methods = {method for method, _, _ in resolved}
    assert {"rank_points", "efficacy", "minmax", "zscore", "target", "bands"} <= methods
    assert {missing for _, _, missing in resolved} == {"zero", "worst", "exclude"}
    assert {direction for _, direction, _ in resolved} == {"higher", "lower"}
    adjustments = {a.id: a for a in scheme.adjustments}
    assert adjustments["satisfaction"].kind == "bonus"
    assert adjustments["satisfaction"].max_points == 2
    assert adjustments["major_accident"].kind == "veto"
    assert [(f.id, f.name, f.when) for f in scheme.flags] == [
        ("vanguard", "真抓实干、勇当排头", "rank <= 2"),
        ("climber", "加压奋进、进位赶超", "rank_change >= 2"),
    ]
    assert [g.name for g in scheme.grades] == ["优秀", "良好", "合格"]
    assert (scheme.stars.method, scheme.stars.max, scheme.stars.min) == ("rank", 10, 1)


@pytest.mark.parametrize("version", [1, 2])
def test_each_scheme_file_says_at_the_top_that_it_is_illustrative(version):
    text = (demo_dir() / f"scheme-2023-v{version}.yaml").read_text(encoding="utf-8")
    head = "\n".join(text.splitlines()[:8])
    assert text.startswith("# 示意方案（非官方文本）")
    assert "Illustrative scheme" in head and "NOT the official text" in head


def test_every_period_assesses_without_error_chained_to_the_one_before(results):
    assert list(results) == PERIODS
    for period, result in results.items():
        assert result.period == period
        assert result.scheme.version == (2 if period >= "2023Q3" else 1)
        assert json.loads(result.to_json())["period"] == period
    for before, after in pairwise(PERIODS):
        ranks = {row["unit"]: row["rank"] for row in results[before].league_table()}
        for row in results[after].league_table():
            assert row["prev_rank"] == ranks[row["unit"]]
    assert all(row["prev_rank"] is None for row in results["2022Q4"].league_table())


def test_assessing_up_to_a_period_stops_there_and_gives_the_same_result(results):
    partial = assess_demo("2023Q1")
    assert list(partial) == ["2022Q4", "2023Q1"]
    assert partial["2023Q1"].to_json() == results["2023Q1"].to_json()


def test_an_unknown_period_is_refused_with_the_periods_there_are():
    with pytest.raises(LeitaiError) as caught:
        assess_demo("2024Q1")
    [problem] = caught.value.problems
    assert problem.code == "cli.unknown_period"
    assert problem.params["periods"][:2] == ["2022Q4", "2023Q1"]


def test_in_2023q1_huangdao_and_jiaozhou_lead_and_jimo_shibei_licang_climb(results):
    rows = rows_by_unit(results["2023Q1"])
    assert rows["huangdao"]["rank"] == 1
    assert rows["jiaozhou"]["rank"] == 2
    assert "vanguard" in rows["huangdao"]["flags"]
    assert "vanguard" in rows["jiaozhou"]["flags"]
    for unit in ("jimo", "shibei", "licang"):
        assert rows[unit]["rank_change"] >= 2, unit
        assert "climber" in rows[unit]["flags"], unit
        assert "加压奋进、进位赶超" in rows[unit]["flag_names"], unit


def test_in_2023q3_huangdao_and_jiaozhou_lead_again_and_shibei_climbs(results):
    rows = rows_by_unit(results["2023Q3"])
    assert rows["huangdao"]["rank"] == 1
    assert rows["jiaozhou"]["rank"] == 2
    assert {"vanguard"} <= set(rows["huangdao"]["flags"]) & set(rows["jiaozhou"]["flags"])
    assert rows["shibei"]["rank_change"] >= 2
    assert "climber" in rows["shibei"]["flags"]


def test_no_flag_winner_of_2023q1_or_2023q3_is_vetoed_and_at_most_one_period_has_a_veto(results):
    for period in ("2023Q1", "2023Q3"):
        assert not any(row["vetoed"] for row in results[period].league_table() if row["flags"])
    assert sum(bool(result.vetoed.any()) for result in results.values()) <= 1


@pytest.mark.parametrize("period", PERIODS)
def test_stars_run_from_ten_down_to_one_in_every_board_at_every_level(results, period):
    result = results[period]
    for row in result.board_table():
        assert row["stars"] == 11 - row["rank"]
    for b, board in enumerate(result.boards):
        stars = sorted((int(s) for s in result.stars[:, b]), reverse=True)
        assert stars == list(range(10, 0, -1)), f"{period} {board.id}"


@pytest.mark.parametrize("period", PERIODS)
def test_composite_scores_are_distinct_so_ranks_run_from_one_to_ten(results, period):
    ranks = sorted(row["rank"] for row in results[period].league_table())
    assert ranks == list(range(1, 11))


@pytest.mark.parametrize("period", PERIODS)
def test_data_files_are_long_form_with_a_plain_header_a_target_and_a_veto_for_every_unit(period):
    path = demo_dir() / "data" / f"{period}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["unit", "indicator", "value", "target"]
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    units = [u for u, _ in UNITS]
    vetoes = {r["unit"]: r["value"] for r in records if r["indicator"] == "major_accident"}
    assert sorted(vetoes) == sorted(units)
    assert set(vetoes.values()) <= {"否", "是"}
    signed = [r for r in records if r["indicator"] == "signed_projects"]
    assert len(signed) == 10 and all(float(r["target"]) > 0 for r in signed)
    assert all(r["target"] == "" for r in records if r["indicator"] != "signed_projects")


def test_the_data_include_a_few_missing_values():
    blanks = 0
    for period in PERIODS:
        with (demo_dir() / "data" / f"{period}.csv").open(encoding="utf-8") as handle:
            blanks += sum(1 for r in csv.DictReader(handle) if r["value"].strip() == "")
    assert 3 <= blanks <= 10


def test_the_second_version_declares_plausible_ranges_and_whole_counts():
    scheme = load_scheme(demo_dir() / "scheme-2023-v2.yaml")
    by_id = {i.id: i for i in scheme.all_indicators()}
    assert by_id["online_rate"].range == (0, 100)
    assert by_id["hotline_satisfaction"].range == (0, 100)
    assert by_id["signed_projects"].integer
