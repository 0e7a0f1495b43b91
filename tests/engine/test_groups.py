"""Ranking within groups (spec section 10), checked by hand.

The worked example ``tests/data/spec-examples/case6``: six units in two groups, two
boards scored ``raw`` (economy 60 points, projects 40), so a composite is
0.6 x economy + 0.4 x projects:

=========  ======  =======  ========  =========  ==========  ========
unit       group   economy  projects  composite  group rank  rank_all
=========  ======  =======  ========  =========  ==========  ========
shinan     urban   90       80        86         1 (tie)     2
shibei     urban   80       95        86         2 (tie)     3
licang     urban   70       70        70         3           5
jiaozhou   county  95       90        93         1           1
pingdu     county  60       60        60         3           6
laixi      county  85       50        71         2           4
=========  ======  =======  ========  =========  ==========  ========

shinan and shibei tie on 86 and ``tie_break: [economy]`` puts shinan first, within the
urban group as among all units.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from leitai.cli import main
from leitai.engine import DataError, PeriodData, SchemeError, assess, load_scheme, parse_scheme
from leitai.engine.sensitivity import analyse
from leitai.engine.whatif import what_it_takes
from leitai.io import read_previous, read_table

UNITS = ["shinan", "shibei", "licang", "jiaozhou", "pingdu", "laixi"]


@pytest.fixture
def case6(examples):
    return examples / "case6"


@pytest.fixture
def grouped(case6):
    scheme = load_scheme(case6 / "scheme.yaml")
    data = read_table(case6 / "data.csv", scheme)
    previous = read_previous(case6 / "previous.csv")
    return scheme, data, previous, assess(scheme, data, previous=previous, period="2023Q1")


def by_unit(result, values):
    return dict(zip(result.scheme.unit_ids, np.asarray(values).tolist(), strict=True))


def test_composites_and_board_scores_do_not_depend_on_groups(grouped):
    scheme, data, _, result = grouped
    assert by_unit(result, result.composite) == pytest.approx(
        {"shinan": 86, "shibei": 86, "licang": 70, "jiaozhou": 93, "pingdu": 60, "laixi": 71}
    )
    everyone = assess(scheme.model_copy(update={"ranking": "all"}), data)
    assert np.allclose(everyone.composite, result.composite)
    assert np.allclose(everyone.board_scores, result.board_scores)


def test_ranks_are_within_each_group_and_rank_all_among_all_units(grouped):
    result = grouped[3]
    assert by_unit(result, result.rank) == {
        "shinan": 1,
        "shibei": 2,
        "licang": 3,
        "jiaozhou": 1,
        "pingdu": 3,
        "laixi": 2,
    }
    assert by_unit(result, result.rank_all) == {
        "shinan": 2,
        "shibei": 3,
        "licang": 5,
        "jiaozhou": 1,
        "pingdu": 6,
        "laixi": 4,
    }
    assert list(result.group) == ["urban", "urban", "urban", "county", "county", "county"]


def test_tie_break_decides_a_tie_inside_a_group(grouped):
    result = grouped[3]
    # 86 and 86: shinan's economy 90 beats shibei's 80.
    assert result.composite[0] == result.composite[1]
    assert (result.rank[0], result.rank[1]) == (1, 2)


def test_board_ranks_and_stars_are_within_the_group(grouped):
    result = grouped[3]
    economy, projects = 0, 1
    assert by_unit(result, result.board_ranks[:, economy]) == {
        "shinan": 1,
        "shibei": 2,
        "licang": 3,
        "jiaozhou": 1,
        "pingdu": 3,
        "laixi": 2,
    }
    # Projects: urban shibei 95, shinan 80, licang 70; county jiaozhou 90, pingdu 60, laixi 50.
    assert by_unit(result, result.stars[:, projects]) == {
        "shinan": 9,
        "shibei": 10,
        "licang": 8,
        "jiaozhou": 10,
        "pingdu": 9,
        "laixi": 8,
    }
    # Among all six units laixi's economy 85 is third (8 stars); in its group it is second.
    assert result.stars[UNITS.index("laixi"), economy] == 9


def test_previous_rank_counts_only_within_the_same_group(grouped):
    result = grouped[3]
    assert by_unit(result, np.nan_to_num(result.prev_rank, nan=-1)) == {
        "shinan": 2,
        "shibei": 1,
        "licang": -1,  # ranked in the county group last period
        "jiaozhou": 2,
        "pingdu": 1,
        "laixi": -1,  # absent from the previous result
    }
    change = np.nan_to_num(result.rank_change, nan=99)
    assert by_unit(result, change) == {
        "shinan": 1,
        "shibei": -1,
        "licang": 99,
        "jiaozhou": 1,
        "pingdu": -2,
        "laixi": 99,
    }


def test_flags_read_group_ranks_and_rank_all(grouped):
    result = grouped[3]
    flags = {row["unit"]: row["flags"] for row in result.league_table()}
    assert flags == {
        "shinan": ["vanguard", "climber", "city"],
        "shibei": ["city"],
        "licang": [],
        "jiaozhou": ["vanguard", "climber", "city"],
        "laixi": [],
        "pingdu": [],
    }


def test_grade_quotas_are_per_group(grouped):
    scheme, data, previous, result = grouped
    # ceil(3 * 0.34) = 2 in each group; among all six it would be ceil(6 * 0.34) = 3.
    assert by_unit(result, result.grades) == {
        "shinan": "优秀",
        "shibei": "优秀",
        "licang": "良好",
        "jiaozhou": "优秀",
        "pingdu": "一般",
        "laixi": "优秀",
    }
    everyone = assess(scheme.model_copy(update={"ranking": "all"}), data, previous=previous)
    assert [g for g in everyone.grades].count("优秀") == 3


def test_results_are_ordered_by_group_in_the_order_of_groups_then_by_rank(grouped):
    rows = grouped[3].to_dict()["results"]
    assert [r["unit"] for r in rows] == [
        "shinan",
        "shibei",
        "licang",
        "jiaozhou",
        "laixi",
        "pingdu",
    ]
    assert [(r["group"], r["rank"], r["rank_all"]) for r in rows][:2] == [
        ("urban", 1, 2),
        ("urban", 2, 3),
    ]


def test_league_table_rows_carry_group_name_and_rank_all(grouped):
    row = grouped[3].league_table()[3]
    assert (row["unit"], row["group"], row["group_name"], row["rank"], row["rank_all"]) == (
        "jiaozhou",
        "county",
        "县级市",
        1,
        1,
    )


def test_n_and_n_all_are_the_group_size_and_the_population():
    scheme = parse_scheme(
        """
id: n
name: n
version: 1
groups: [{id: g, name: G}, {id: h, name: H}]
ranking: group
units: [{id: a, name: A, group: g}, {id: b, name: B, group: h}, {id: c, name: C, group: h}]
boards: [{id: x, name: X, points: 100, indicators: [{id: i, name: I, method: raw}]}]
flags:
  - {id: pair, name: P, when: "n == 2 and n_all == 3"}
  - {id: last, name: L, when: "rank == n and rank_all == n_all"}
"""
    )
    result = assess(
        scheme, PeriodData.from_mapping(scheme, {"a": {"i": 1}, "b": {"i": 3}, "c": {"i": 2}})
    )
    assert result.flags.tolist() == [[False, True], [True, False], [True, False]]


def test_previous_result_json_keeps_its_groups(grouped):
    scheme, data, _, result = grouped
    again = assess(scheme, data, previous=result.to_dict())
    assert np.array_equal(again.prev_rank, result.rank)
    moved = result.to_dict()
    moved["results"][0]["group"] = "county"  # shinan was in another group
    assert np.isnan(assess(scheme, data, previous=moved).prev_rank[0])
    # A bare mapping of ranks says no group: no previous rank counts under ranking: group.
    assert np.isnan(assess(scheme, data, previous={"shinan": 1}).prev_rank).all()


def test_the_command_line_json_carries_group_and_rank_all(case6, capsys):
    argv = ["assess", str(case6 / "scheme.yaml"), str(case6 / "data.csv")]
    argv += ["--previous", str(case6 / "previous.csv"), "--format", "json"]
    assert main(argv) == 0
    rows = json.loads(capsys.readouterr().out)["results"]
    assert [(r["unit"], r["group"], r["rank"], r["rank_all"], r["prev_rank"]) for r in rows] == [
        ("shinan", "urban", 1, 2, 2),
        ("shibei", "urban", 2, 3, 1),
        ("licang", "urban", 3, 5, None),
        ("jiaozhou", "county", 1, 1, 2),
        ("laixi", "county", 2, 4, None),
        ("pingdu", "county", 3, 6, 1),
    ]
    assert rows[0]["boards"]["projects"] == {"score": 80.0, "rank": 2, "stars": 9}


def test_the_command_line_json_has_the_stars_flags_and_grades_of_each_group(case6, capsys):
    # The same hand-checked figures as the API tests above, read from the command's JSON.
    argv = ["assess", str(case6 / "scheme.yaml"), str(case6 / "data.csv")]
    argv += ["--previous", str(case6 / "previous.csv"), "--format", "json"]
    assert main(argv) == 0
    rows = {r["unit"]: r for r in json.loads(capsys.readouterr().out)["results"]}
    stars = {
        u: (r["boards"]["economy"]["stars"], r["boards"]["projects"]["stars"])
        for u, r in rows.items()
    }
    assert stars == {
        "shinan": (10, 9),
        "shibei": (9, 10),
        "licang": (8, 8),
        "jiaozhou": (10, 10),
        "laixi": (9, 8),  # economy 85: second in its group, third among all six
        "pingdu": (8, 9),
    }
    assert {u: r["flags"] for u, r in rows.items()} == {
        "shinan": ["vanguard", "climber", "city"],
        "shibei": ["city"],
        "licang": [],
        "jiaozhou": ["vanguard", "climber", "city"],
        "laixi": [],
        "pingdu": [],
    }
    # ceil(3 x 0.34) = 2 优秀 in each group: laixi (71, fourth of six) is one of them.
    assert {u: r["grade"] for u, r in rows.items()} == {
        "shinan": "优秀",
        "shibei": "优秀",
        "licang": "良好",
        "jiaozhou": "优秀",
        "laixi": "优秀",
        "pingdu": "一般",
    }
    assert {u: r["rank_change"] for u, r in rows.items()} == {
        "shinan": 1,
        "shibei": -1,
        "licang": None,  # ranked in the county group last period
        "jiaozhou": 1,
        "laixi": None,  # absent from the previous result
        "pingdu": -2,
    }


def test_the_table_has_one_section_per_group(case6, capsys):
    assert main(["assess", str(case6 / "scheme.yaml"), str(case6 / "data.csv")]) == 0
    out = capsys.readouterr().out
    assert out.index("市内区") < out.index("市南区") < out.index("县级市") < out.index("胶州市")
    assert "全体排名" in out


# -- validation ------------------------------------------------------------------------

GROUPED = """\
id: v
name: v
version: 1
groups:
  - {{id: urban, name: 市内区}}
  - {{id: {second}, name: 县级市}}
ranking: {ranking}
units:
  - {{id: a, name: A, group: urban}}
  - {{id: b, name: B{b_group}}}
boards:
  - {{id: {board}, name: X, points: 100, indicators: [{{id: i, name: I}}]}}
"""


def problems(**fields):
    values = {"second": "county", "ranking": "group", "b_group": ", group: county", "board": "x"}
    values.update(fields)
    with pytest.raises(SchemeError) as caught:
        parse_scheme(GROUPED.format(**values), source="v.yaml")
    return [(p.code, p.where.path, p.where.line) for p in caught.value.problems]


def test_a_valid_grouped_scheme_loads():
    scheme = parse_scheme(
        GROUPED.format(second="county", ranking="group", b_group=", group: county", board="x")
    )
    assert [g.id for g in scheme.groups] == ["urban", "county"] and scheme.ranking == "group"
    assert scheme.units[1].group == "county"


def test_every_unit_needs_a_group_when_ranking_within_groups():
    assert problems(b_group="") == [("scheme.unit_needs_group", "units[1]", 10)]


def test_a_unit_group_must_be_listed():
    assert problems(b_group=", group: rural") == [("scheme.unknown_group", "units[1].group", 10)]


def test_a_group_id_is_listed_once():
    assert problems(second="urban", b_group=", group: urban") == [
        ("scheme.duplicate_group", "groups[1].id", 6)
    ]


def test_ranking_is_all_or_group():
    assert problems(ranking="district")[0][:2] == ("scheme.not_one_of", "ranking")


def test_ranking_within_groups_needs_groups():
    text = "id: v\nname: v\nversion: 1\nranking: group\nunits: [{id: a, name: A, group: g}]\n"
    text += "boards: [{id: x, name: X, points: 100, indicators: [{id: i, name: I}]}]\n"
    with pytest.raises(SchemeError) as caught:
        parse_scheme(text)
    assert [p.code for p in caught.value.problems] == ["scheme.ranking_needs_groups"]


@pytest.mark.parametrize(("board", "variable"), [("change", "rank_change"), ("all", "rank_all")])
def test_a_board_whose_variables_would_shadow_a_rule_variable_is_refused(board, variable):
    found = problems(board=board)
    assert found == [("scheme.board_id_is_a_variable", "boards[0].id", 12)]
    with pytest.raises(SchemeError) as caught:
        parse_scheme(GROUPED.format(second="county", ranking="group", b_group="", board=board))
    assert any(p.params.get("variable") == variable for p in caught.value.problems)


def test_free_text_groups_without_a_list_still_serve_imputation():
    # Spec section 9: ``group`` without ``groups:`` is free text, and ranking stays all.
    scheme = parse_scheme(
        "id: f\nname: f\nversion: 1\nunits: [{id: a, name: A, group: 市内三区}]\n"
        "boards: [{id: x, name: X, points: 100, indicators: [{id: i, name: I}]}]\n"
    )
    result = assess(scheme, PeriodData.from_mapping(scheme, {"a": {"i": 1}}))
    assert result.group == ("市内三区",) and result.to_dict()["results"][0]["rank_all"] == 1


# -- sensitivity and what-if ------------------------------------------------------------


def test_sensitivity_rank_intervals_stay_within_the_group(grouped):
    scheme, data, previous, _ = grouped
    out = analyse(scheme, data, previous=previous, samples=64, seed=3, sensitivity=False)
    assert out.ranks.max() <= 3  # no one ranks below third in a group of three
    assert np.all(out.rank_p95 <= 3)
    rows = {row["unit"]: row for row in out.unit_table()}
    assert rows["jiaozhou"]["group"] == "county"
    # Flag odds are counted within the group: somebody in each group is first.
    first = out.flag_probability[:, 0]
    assert first[:3].sum() == pytest.approx(1.0) and first[3:].sum() == pytest.approx(1.0)


def test_what_if_is_about_the_rank_in_the_group(grouped):
    scheme, data, previous, _ = grouped
    # laixi (county, second on 71) needs 93 to pass jiaozhou: economy from 85 to
    # 85 + (93 - 71) / 0.6 = 121.67, or projects from 50 to 50 + 22 / 0.4 = 105.
    report = what_it_takes(scheme, data, "laixi", previous=previous, decimals=2)
    economy = report.find("output", "rank")
    assert economy["want"] == 1 and economy["new_rank"] == 1
    assert economy["required"] == pytest.approx(121.67)
    projects = report.find("signed", "rank")
    # 105 ties jiaozhou on 93 and loses the tie-break on economy (85 < 95): 105.01.
    assert projects["required"] == pytest.approx(105.01) and projects["verified"]
    assert report.to_dict()["group"] == "county"


def test_data_errors_are_unchanged_by_groups(case6):
    scheme = load_scheme(case6 / "scheme.yaml")
    with pytest.raises(DataError):
        PeriodData.from_mapping(scheme, {"shinan": {"output": 1}})


def test_a_scheme_without_groups_gives_the_json_of_section_8_unchanged(examples):
    scheme = load_scheme(examples / "case1" / "scheme.yaml")
    result = assess(scheme, read_table(examples / "case1" / "data.csv", scheme))
    row = result.to_dict()["results"][0]
    assert "group" not in row and "rank_all" not in row
    # The Python rows carry them all the same (None and the rank).
    first = result.league_table()[0]
    assert (first["group"], first["group_name"], first["rank_all"]) == (None, None, first["rank"])
    assert np.array_equal(result.rank_all, result.rank)


def test_equal_scores_in_different_groups_are_not_shown_as_tie_breaks():
    from leitai.engine.display import shown_scores

    def row(unit, group, score, rank, rank_all):
        board = {"score": score, "rank": rank, "stars": 11 - rank}
        return {
            "unit": unit,
            "group": group,
            "score": score,
            "rank": rank,
            "rank_all": rank_all,
            "flags": [],
            "grade": None,
            "boards": {"x": board},
        }

    rows = [row("a", "g", 80.0, 1, 1), row("b", "g", 70.0, 2, 2), row("c", "h", 70.0, 1, 3)]
    shown = shown_scores(rows)
    # b and c both score 70 and differ in rank, but each is ranked in its own group.
    assert not shown.extended
    assert shown.composite["c"].text == "70.00" and not shown.composite["c"].tie_break
    # Among all units (no groups) the same rows would be a visible conflict.
    flat = [dict(r, group=None, rank=r["rank_all"]) for r in rows]
    assert shown_scores(flat).composite["c"].tie_break


def test_the_result_book_shows_group_and_overall_rank(case6, tmp_path, capsys):
    import openpyxl

    out = tmp_path / "book.xlsx"
    argv = ["assess", str(case6 / "scheme.yaml"), str(case6 / "data.csv"), "--format", "xlsx"]
    assert main([*argv, "-o", str(out)]) == 0
    league = openpyxl.load_workbook(out)["综合成绩"]
    header = [c.value for c in league[2]]
    assert header[-2:] == ["分类", "全体排名"]
    assert [c.value for c in league[3]][-3:] == ["shinan", "市内区", 2]


def test_explain_names_the_unit_above_in_the_same_group(grouped):
    result = grouped[3]
    laixi = result.explain("laixi")
    # Overall shibei (86) and shinan (86) are above laixi (71); in its group it is jiaozhou.
    assert laixi["above"]["unit"] == "jiaozhou" and laixi["above"]["gap"] == pytest.approx(22)
    assert (laixi["group"], laixi["rank"], laixi["rank_all"]) == ("county", 2, 4)
    assert result.explain("jiaozhou")["above"] is None  # first of its group


def test_indicator_ranks_are_within_the_group(grouped):
    result = grouped[3]
    rows = {row["indicator"]: row["rank"] for row in result.explain("laixi")["indicators"]}
    # output: county 95, 85, 60 (laixi second; fourth of six overall); signed: 90, 60, 50.
    assert rows == {"output": 2, "signed": 3}


# -- the oracle: a group ranked within groups is ranked as if it were assessed alone ----

ORACLE = """\
id: oracle
name: 分组
version: 1
groups: [{{id: g, name: G}}, {{id: h, name: H}}]
ranking: {ranking}
units: [{units}]
boards:
  - id: b1
    name: 一
    points: 60
    indicators: [{{id: x, name: X, method: raw}}]
    boards:
      - {{id: s, name: 子, indicators: [{{id: y, name: Y, method: raw, missing: exclude}}]}}
  - id: b2
    name: 二
    points: 40
    indicators: [{{id: z, name: Z, method: raw}}]
tie_break: [b2]
flags:
  - {{id: top, name: 排头, when: "rank <= 1"}}
  - {{id: up, name: 进位, when: "rank_change >= 1"}}
grades:
  - {{name: 优秀, when: "rank <= ceil(n * 0.3)"}}
  - {{name: 合格, when: "true"}}
"""


def _oracle_scheme(units, ranking="group"):
    listed = ", ".join(f"{{id: {u}, name: {u}, group: {g}}}" for u, g in units)
    return parse_scheme(ORACLE.format(ranking=ranking, units=listed))


@pytest.mark.parametrize("seed", range(8))
def test_each_group_ranks_stars_flags_and_grades_as_if_assessed_alone(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 9))
    units = [(f"u{i}", "g" if rng.random() < 0.5 else "h") for i in range(n)]
    units[0], units[1] = ("u0", "g"), ("u1", "h")  # both groups present
    # Few distinct values, so that ties and the tie-break happen.
    values = {
        u: {k: (None if rng.random() < 0.1 else float(rng.integers(0, 4))) for k in "xyz"}
        for u, _ in units
    }
    previous = {u: {"rank": int(rng.integers(1, 4)), "group": g} for u, g in units}
    scheme = _oracle_scheme(units)
    grouped = assess(scheme, PeriodData.from_mapping(scheme, values), previous=previous)
    everyone = _oracle_scheme(units, ranking="all")
    flat = assess(everyone, PeriodData.from_mapping(everyone, values))
    assert np.array_equal(grouped.rank_all, flat.rank)
    for group in ("g", "h"):
        members = [(u, g) for u, g in units if g == group]
        alone = _oracle_scheme(members)
        part = assess(
            alone,
            PeriodData.from_mapping(alone, {u: values[u] for u, _ in members}),
            previous={u: previous[u] for u, _ in members},
        )
        pick = [i for i, (_, g) in enumerate(units) if g == group]
        assert np.array_equal(grouped.rank[pick], part.rank)
        assert np.array_equal(grouped.board_ranks[pick], part.board_ranks)
        assert np.array_equal(grouped.stars[pick], part.stars)
        assert np.array_equal(grouped.flags[pick], part.flags)
        assert [grouped.grades[i] for i in pick] == list(part.grades)
        assert np.allclose(grouped.composite[pick], part.composite)


def test_read_previous_keeps_the_groups_of_a_json_result(grouped, tmp_path):
    scheme, data, _, result = grouped
    path = tmp_path / "previous.json"
    path.write_text(result.to_json(), encoding="utf-8")
    previous = read_previous(path)
    assert previous["licang"] == {"rank": 3, "group": "urban"}
    again = assess(scheme, data, previous=previous)
    assert np.array_equal(again.prev_rank, result.rank)
    # A CSV without a group column gives bare ranks, as before.
    bare = tmp_path / "bare.csv"
    bare.write_text("unit,rank\nshinan,1\n", encoding="utf-8")
    assert read_previous(bare) == {"shinan": 1}
