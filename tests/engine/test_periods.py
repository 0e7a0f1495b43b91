"""Values from other periods (spec section 11), checked by hand.

The worked example ``tests/data/spec-examples/case7`` is an annual scheme: the quarterly
composites of 2023Q1-Q4 (weights 1, 1, 1, 2) in a board of 70 points and the annual-only
satisfaction (raw) in a board of 30. 丁区 (d) was not assessed in 2023Q2, so its value is
missing there and ``missing: worst`` gives it the lowest present score, 75:

====  ==  ==  ===  ==  ==================  ============  ============  ====
unit  Q1  Q2  Q3   Q4  quarters            satisfaction  composite     rank
====  ==  ==  ===  ==  ==================  ============  ============  ====
a     80  85  90   70  395 / 5 = 79        90            55.3 + 27     2
b     90  75  80   90  425 / 5 = 85        80            59.5 + 24     1
c     70  95  70   80  395 / 5 = 79        70            55.3 + 21     4
d     60  --  100  60  355 / 5 = 71 (Q2 75) 100          49.7 + 30     3
====  ==  ==  ===  ==  ==================  ============  ============  ====
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from leitai.cli import main
from leitai.engine import DataError, PeriodData, SchemeError, assess, load_scheme, parse_scheme
from leitai.engine.sensitivity import analyse
from leitai.engine.whatif import recompute, what_it_takes
from leitai.io import read_result, read_table, template_columns

PERIODS = ("2023Q1", "2023Q2", "2023Q3", "2023Q4")


@pytest.fixture
def case7(examples):
    return examples / "case7"


@pytest.fixture
def quarters(case7):
    return {p: read_result(case7 / "from" / f"{p}.json") for p in PERIODS}


@pytest.fixture
def annual(case7, quarters):
    scheme = load_scheme(case7 / "scheme.yaml")
    data = read_table(case7 / "data.csv", scheme)
    return scheme, data, assess(scheme, data, period="2023", others=quarters)


def test_the_scheme_names_the_periods_it_needs_in_order(annual):
    assert annual[0].from_periods == PERIODS


def test_annual_composites_ranks_and_grades_by_hand(annual):
    result = annual[2]
    assert result.composite.tolist() == pytest.approx([82.3, 83.5, 76.3, 79.7])
    assert result.board_scores[:, 0].tolist() == pytest.approx([79, 85, 79, 71])
    assert result.rank.tolist() == [2, 1, 4, 3]
    assert list(result.grades) == ["良好", "优秀", "一般", "良好"]
    # quarters: b first, a and c tie on 79 (9 stars each), d fourth.
    assert result.stars[:, 0].tolist() == [9, 10, 9, 7]


def test_a_unit_absent_from_a_period_has_a_missing_value_scored_by_its_policy(annual):
    result = annual[2]
    q2 = 1
    assert np.isnan(result.values[3, q2])
    assert result.scores[3, q2] == 75  # worst present score of 2023Q2
    assert result.values[:, 0].tolist() == [80, 90, 70, 60]


def test_results_as_objects_and_as_json_give_the_same_values(annual, quarters):
    scheme, data, result = annual
    assert quarters["2023Q1"]["period"] == "2023Q1"
    q1_scheme = parse_scheme(
        "id: quarterly\nname: 季度考核\nversion: 1\nunits: [{id: a, name: 甲区}, "
        "{id: b, name: 乙区}, {id: c, name: 丙区}, {id: d, name: 丁区}]\n"
        "boards: [{id: economy, name: 经济运行, points: 100, "
        "indicators: [{id: output, name: 季度得分, method: raw}]}]\n"
    )
    q1 = assess(
        q1_scheme,
        PeriodData.from_mapping(
            q1_scheme,
            {"a": {"output": 80}, "b": {"output": 90}, "c": {"output": 70}, "d": {"output": 60}},
        ),
        period="2023Q1",
    )
    others = dict(quarters, **{"2023Q1": q1})
    again = assess(scheme, data, period="2023", others=others)
    assert np.array_equal(again.composite, result.composite)


def test_the_command_line_assesses_the_annual_scheme_with_from(case7, capsys):
    argv = ["assess", str(case7 / "scheme.yaml"), str(case7 / "data.csv"), "--format", "json"]
    for period in PERIODS:
        argv += ["--from", f"{period}={case7 / 'from' / f'{period}.json'}"]
    assert main(argv) == 0
    rows = json.loads(capsys.readouterr().out)["results"]
    assert [(r["unit"], r["rank"], r["grade"]) for r in rows] == [
        ("b", 1, "优秀"),
        ("a", 2, "良好"),
        ("d", 3, "良好"),
        ("c", 4, "一般"),
    ]
    assert rows[0]["score"] == pytest.approx(83.5)
    assert rows[2]["indicators"]["q2"] == {"value": None, "score": 75.0}


def test_validate_lists_the_periods_a_scheme_needs(case7, capsys):
    assert main(["validate", str(case7 / "scheme.yaml")]) == 0
    assert "2023Q1, 2023Q2, 2023Q3, 2023Q4" in capsys.readouterr().out


def test_a_missing_period_is_an_error_at_its_from_in_the_scheme(case7, capsys):
    argv = ["assess", str(case7 / "scheme.yaml"), str(case7 / "data.csv")]
    argv += ["--from", f"2023Q1={case7 / 'from' / '2023Q1.json'}", "--lang", "en"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "2023Q2" in err and "boards[0].indicators[1].from.period" in err and "line 19" in err


def test_the_from_option_needs_a_period_and_a_file(case7, capsys):
    argv = ["assess", str(case7 / "scheme.yaml"), str(case7 / "data.csv"), "--from", "2023Q1"]
    assert main(argv) == 2
    assert "--from" in capsys.readouterr().err


# -- every kind of value ---------------------------------------------------------------

QUARTER = """\
id: quarterly
name: 季度
version: 1
units: [{id: a, name: 甲}, {id: b, name: 乙}, {id: c, name: 丙}]
boards:
  - id: economy
    name: 经济
    points: 60
    indicators: [{id: gdp, name: GDP, method: raw}]
    boards:
      - {id: villages, name: 城中村, weight: 1, indicators: [{id: vil, name: 村, method: raw}]}
  - id: projects
    name: 项目
    points: 40
    indicators: [{id: signed, name: 签约, method: raw}]
"""

KINDS = """\
id: kinds
name: 取值
version: 1
units: [{id: a, name: 甲}, {id: b, name: 乙}, {id: c, name: 丙}, {id: z, name: 新区}]
boards:
  - id: year
    name: 全年
    points: 100
    indicators:
      - {id: k_score, name: S, method: raw, from: {period: Q1, value: score}}
      - {id: k_rank, name: R, method: raw, direction: lower, from: {period: Q1, value: rank}}
      - {id: k_stars, name: T, method: raw, from: {period: Q1, value: stars}}
      - {id: k_board, name: B, method: raw, from: {period: Q1, value: economy}}
      - {id: k_sub, name: V, method: raw, from: {period: Q1, value: villages}}
      - {id: k_bstars, name: BS, method: raw, from: {period: Q1, value: stars_projects}}
"""


@pytest.fixture
def q1():
    scheme = parse_scheme(QUARTER)
    values = {
        "a": {"gdp": 80, "vil": 60, "signed": 70},
        "b": {"gdp": 90, "vil": 90, "signed": 60},
        "c": {"gdp": 50, "vil": 70, "signed": 100},
    }
    return assess(scheme, PeriodData.from_mapping(scheme, values), period="Q1")


def test_score_rank_stars_board_scores_and_board_stars_of_another_period(q1):
    # economy = (gdp + villages) / 2: a 70, b 90, c 60; composite 0.6 economy + 0.4 projects:
    # a 42 + 28 = 70, b 54 + 24 = 78, c 36 + 40 = 76.
    assert q1.composite.tolist() == pytest.approx([70, 78, 76])
    scheme = parse_scheme(KINDS)
    data = PeriodData.from_mapping(scheme, {})
    result = assess(scheme, data, others={"Q1": q1})
    values = result.values
    assert values[:3, 0].tolist() == pytest.approx([70, 78, 76])  # score
    assert values[:3, 1].tolist() == [3, 1, 2]  # rank
    # stars over the top-level boards only: economy ranks b, a, c (10, 9, 8) and
    # projects c, a, b (10, 9, 8); villages' stars do not count.
    assert values[:3, 2].tolist() == [18, 18, 18]
    assert values[:3, 3].tolist() == pytest.approx([70, 90, 60])  # economy score
    assert values[:3, 4].tolist() == pytest.approx([60, 90, 70])  # a sub-board's score
    assert values[:3, 5].tolist() == [9, 8, 10]  # stars_projects
    # z is absent from Q1: every value missing (and scored 0 by the default policy).
    assert np.isnan(values[3]).all() and result.composite[3] == 0


def test_a_json_result_carrying_its_top_level_boards_counts_their_stars(q1):
    scheme = parse_scheme(KINDS)
    document = q1.to_dict()
    document["scheme"]["boards"] = ["economy", "projects"]
    result = assess(scheme, PeriodData.from_mapping(scheme, {}), others={"Q1": document})
    assert result.values[:3, 2].tolist() == [18, 18, 18]


def test_stars_of_a_json_result_that_does_not_name_its_top_level_boards_are_refused(q1):
    # Q1 has the sub-board villages: summing every listed board would count its stars too.
    scheme = parse_scheme(KINDS)
    document = q1.to_dict()
    document["scheme"].pop("boards", None)
    found = problems_of(
        lambda: assess(scheme, PeriodData.from_mapping(scheme, {}), others={"Q1": document})
    )
    codes = [(code, path) for code, path, _params in found]
    assert codes == [("from.top_boards_unknown", "boards[0].indicators[2].from.value")]
    assert "villages" in found[0][2]["boards"]


def problems_of(call):
    with pytest.raises(DataError) as caught:
        call()
    return [(p.code, p.where.path, dict(p.params)) for p in caught.value.problems]


def test_an_unknown_board_in_value_is_located_at_the_value(q1):
    scheme = parse_scheme(KINDS.replace("value: stars_projects", "value: stars_roads"))
    found = problems_of(
        lambda: assess(scheme, PeriodData.from_mapping(scheme, {}), others={"Q1": q1})
    )
    assert found == [
        (
            "from.unknown_board",
            "boards[0].indicators[5].from.value",
            {"period": "Q1", "found": "stars_roads", "expected": "economy, projects, villages"},
        )
    ]


def test_a_result_of_another_period_or_other_units_is_refused(q1):
    scheme = parse_scheme(KINDS)
    data = PeriodData.from_mapping(scheme, {})
    document = q1.to_dict()
    document["period"] = "Q2"
    assert problems_of(lambda: assess(scheme, data, others={"Q1": document}))[0][:2] == (
        "from.other_period",
        "boards[0].indicators[0].from.period",
    )
    document = q1.to_dict()
    document["results"][0]["unit"] = "laoshan"
    found = problems_of(lambda: assess(scheme, data, others={"Q1": document}))
    assert found[0][0] == "from.other_units" and found[0][2]["units"] == ["laoshan"]
    found = problems_of(lambda: assess(scheme, data, others={"Q1": {"rows": []}}))
    assert found[0][0] == "from.not_a_result"


def test_the_data_table_must_not_give_a_from_indicator_a_value(case7):
    scheme = load_scheme(case7 / "scheme.yaml")
    with pytest.raises(DataError) as caught:
        PeriodData.from_mapping(scheme, {u: {"satisfaction": 1, "q1": 80} for u in "abcd"})
    codes = {(p.code, p.params["indicator"]) for p in caught.value.problems}
    assert codes == {("data.value_from_other_period", "q1")}
    # An empty cell is no value.
    data = PeriodData.from_mapping(
        scheme, {u: {"satisfaction": 1, "q1": ""} for u in "abcd"}, source="annual.csv"
    )
    assert data.source == "annual.csv" and np.isnan(data.values[:, 0]).all()


def test_templates_leave_out_values_from_other_periods(case7):
    scheme = load_scheme(case7 / "scheme.yaml")
    assert [c["id"] for c in template_columns(scheme)] == ["satisfaction"]


def test_a_from_needs_a_period_and_a_value():
    with pytest.raises(SchemeError) as caught:
        parse_scheme(KINDS.replace("{period: Q1, value: score}", "{value: score, when: x}"))
    assert {(p.code, p.where.path) for p in caught.value.problems} == {
        ("scheme.required", "boards[0].indicators[0].from.period"),
        ("scheme.unknown_key", "boards[0].indicators[0].from.when"),
    }


def test_a_year_written_as_a_number_is_a_period_id():
    scheme = parse_scheme(KINDS.replace("period: Q1, value: score", "period: 2022, value: score"))
    assert scheme.from_periods == ("2022", "Q1")


def test_sensitivity_and_what_if_take_the_other_periods(annual, quarters):
    scheme, data, result = annual
    out = analyse(scheme, data, others=quarters, samples=16, seed=1, sensitivity=False)
    assert out.nominal.rank.tolist() == result.rank.tolist()
    report = what_it_takes(scheme, data, "a", others=quarters)
    assert {row["indicator"] for row in report.rows} == {"satisfaction"}
    # a (82.3) passes b (83.5) with satisfaction 90 + 1.2 / 0.3 = 94.
    assert report.find("satisfaction", "rank")["required"] == 94
    fixed = what_it_takes(scheme, data, "a", others=quarters, indicators=["q4"])
    assert fixed.find("q4", "rank")["reason"] == "other_period"
    edited = recompute(scheme, data, {"a": {"satisfaction": 94}}, others=quarters)
    assert edited.rank[0] == 1
    with pytest.raises(DataError) as caught:
        recompute(scheme, data, {"a": {"q4": 100}}, others=quarters)
    assert [p.code for p in caught.value.problems] == ["data.value_from_other_period"]


def test_the_analysis_commands_take_from_as_well(case7, capsys):
    others = []
    for period in PERIODS:
        others += ["--from", f"{period}={case7 / 'from' / f'{period}.json'}"]
    files = [str(case7 / "scheme.yaml"), str(case7 / "data.csv")]
    assert main(["whatif", *files, *others, "--unit", "a", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {row["indicator"] for row in report["rows"]} == {"satisfaction"}
    argv = ["analyse", *files, *others, "--samples", "8", "--format", "json"]
    assert main(argv) == 0
    document = json.loads(capsys.readouterr().out)
    assert [u["unit"] for u in document["robustness"]["units"]] == ["b", "a", "d", "c"]


def test_values_from_other_periods_score_as_the_same_values_given_in_the_data(case7, annual):
    # The oracle: the annual scheme without from:, its quarterly values typed into the data.
    import re

    result = annual[2]
    text = re.sub(r", from: \{[^}]*\}", "", (case7 / "scheme.yaml").read_text(encoding="utf-8"))
    plain = parse_scheme(text)
    assert plain.from_periods == ()
    typed = {
        unit: {"satisfaction": satisfaction, "q1": q1, "q2": q2, "q3": q3, "q4": q4}
        for unit, satisfaction, q1, q2, q3, q4 in [
            ("a", 90, 80, 85, 90, 70),
            ("b", 80, 90, 75, 80, 90),
            ("c", 70, 70, 95, 70, 80),
            ("d", 100, 60, "", 100, 60),
        ]
    }
    oracle = assess(plain, PeriodData.from_mapping(plain, typed), period="2023")
    assert np.array_equal(oracle.composite, result.composite)
    assert np.array_equal(oracle.rank, result.rank) and oracle.grades == result.grades
    ours, theirs = result.to_dict(), oracle.to_dict()
    ours["scheme"] = theirs["scheme"]
    assert ours == theirs


def _q1_by_the_command_line(tmp_path, capsys) -> dict:
    """The fixture ``q1`` as ``leitai assess --format json`` writes it; ``kinds.yaml`` and
    a data table without rows beside it."""
    (tmp_path / "quarter.yaml").write_text(QUARTER, encoding="utf-8")
    (tmp_path / "q1.csv").write_text(
        "unit,gdp,vil,signed\na,80,60,70\nb,90,90,60\nc,50,70,100\n", encoding="utf-8"
    )
    argv = ["assess", str(tmp_path / "quarter.yaml"), str(tmp_path / "q1.csv")]
    assert main([*argv, "--period", "Q1", "--format", "json"]) == 0
    (tmp_path / "kinds.yaml").write_text(KINDS, encoding="utf-8")
    (tmp_path / "none.csv").write_text("unit,indicator,value\n", encoding="utf-8")
    return json.loads(capsys.readouterr().out)


def test_every_kind_of_value_through_the_command_line(tmp_path, capsys):
    # Q1 assessed by `leitai assess --format json`, then read back with --from: the same
    # hand-checked figures as test_score_rank_stars_board_scores_and_board_stars_of_another_period.
    q1 = _q1_by_the_command_line(tmp_path, capsys)
    # The JSON of spec section 8 lists boards of every level without saying which are
    # top-level: `value: stars` learns them from the scheme Q1 was assessed with, given by
    # --from-scheme and matched by its sha256 (the file as the command wrote it is read
    # unchanged); stars_<board> needs nothing more.
    assert "boards" not in q1["scheme"]
    (tmp_path / "q1.json").write_text(json.dumps(q1, ensure_ascii=False), encoding="utf-8")
    argv = ["assess", str(tmp_path / "kinds.yaml"), str(tmp_path / "none.csv")]
    argv += ["--from", f"Q1={tmp_path / 'q1.json'}", "--format", "json"]
    argv += ["--from-scheme", str(tmp_path / "quarter.yaml")]
    assert main(argv) == 0
    rows = {r["unit"]: r for r in json.loads(capsys.readouterr().out)["results"]}
    kinds = ["k_score", "k_rank", "k_stars", "k_board", "k_sub", "k_bstars"]
    values = {u: [rows[u]["indicators"][k]["value"] for k in kinds] for u in "abcz"}
    assert values == {
        "a": [70, 3, 18, 70, 60, 9],
        "b": [78, 1, 18, 90, 90, 8],
        "c": [76, 2, 18, 60, 70, 10],
        "z": [None] * 6,  # absent from Q1
    }
    assert rows["z"]["score"] == 0 and rows["z"]["rank"] == 4


def test_stars_of_a_result_as_the_command_line_writes_it_are_refused_where_they_are_asked(
    tmp_path, capsys
):
    q1 = _q1_by_the_command_line(tmp_path, capsys)
    (tmp_path / "q1.json").write_text(json.dumps(q1, ensure_ascii=False), encoding="utf-8")
    argv = ["assess", str(tmp_path / "kinds.yaml"), str(tmp_path / "none.csv")]
    argv += ["--from", f"Q1={tmp_path / 'q1.json'}", "--lang", "en"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "boards[0].indicators[2].from.value" in err and "line 12" in err
    assert "--from-scheme" in err


def test_a_from_scheme_that_is_not_the_results_own_tells_nothing(tmp_path, capsys):
    """A scheme whose sha256 the result does not name (another file, or the same one edited)
    is not taken for it: the stars are still refused, never summed over a guess."""
    q1 = _q1_by_the_command_line(tmp_path, capsys)
    (tmp_path / "q1.json").write_text(json.dumps(q1, ensure_ascii=False), encoding="utf-8")
    edited = tmp_path / "quarter-edited.yaml"
    edited.write_text(QUARTER + "\n# edited\n", encoding="utf-8")
    argv = ["assess", str(tmp_path / "kinds.yaml"), str(tmp_path / "none.csv")]
    argv += ["--from", f"Q1={tmp_path / 'q1.json'}", "--from-scheme", str(edited)]
    assert main(argv) == 2
    assert "boards[0].indicators[2].from.value" in capsys.readouterr().err
