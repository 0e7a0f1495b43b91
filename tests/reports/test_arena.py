"""The arena deck, built from worked example case1 and read back with python-pptx."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.oxml.ns import qn

from leitai.engine.targets import Actual, Target
from leitai.io.targets import read_actuals, read_targets
from leitai.reports.arena import (
    arena_order,
    indicator_ranks,
    load_session,
    write_arena_deck,
)
from tests.conftest import EXAMPLES

CASE1 = EXAMPLES / "case1"
DEMO_SESSION = Path(__file__).parents[2] / "src" / "leitai" / "demo" / "arena.yaml"
P14 = "{http://schemas.microsoft.com/office/powerpoint/2010/main}"
NAMES = {"a": "甲区", "b": "乙区", "c": "丙区", "d": "丁区", "e": "戊区"}


@pytest.fixture(scope="module")
def result():
    return json.loads((CASE1 / "expected.json").read_text(encoding="utf-8"))


def slide_texts(path):
    """Every slide's text, shapes and table cells alike, one string per slide."""
    texts = []
    for slide in Presentation(path).slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts.extend(cell.text for row in shape.table.rows for cell in row.cells)
        texts.append("\n".join(p for p in parts if p))
    return texts


def sections(path):
    presentation = Presentation(path)
    ids = {str(s.slide_id): k for k, s in enumerate(presentation.slides)}
    found = presentation.part._element.findall(f".//{P14}section")
    return [(s.get("name"), [ids[i.get("id")] for i in s.iter(f"{P14}sldId")]) for s in found]


@pytest.fixture(scope="module")
def deck(result, tmp_path_factory):
    path = tmp_path_factory.mktemp("arena") / "case1.pptx"
    session = {"date": "2023-05-27", "theme": '奋战"双过半"', "title": "书记擂台"}
    return write_arena_deck(result, path=path, session=session, scheme=CASE1 / "scheme.yaml")


def test_indicator_ranks_rank_each_score_among_all_units_nulls_last(result):
    ranks = indicator_ranks(result)
    # signed: 120, 90, 120, 75, 110 -> a and c share first place, e third.
    assert ranks["a"] == {"gdp_growth": 2, "energy_use": 3, "signed": 1, "started": 3}
    assert ranks["c"]["signed"] == 1 and ranks["e"]["signed"] == 3
    # started: 80, 100, 70, 70, 100 -> b and e first, a third, c and d fourth.
    assert [ranks[u]["started"] for u in "abcde"] == [3, 1, 4, 4, 1]
    nulls = copy.deepcopy(result)
    nulls["results"][1]["indicators"]["started"]["score"] = None
    assert [indicator_ranks(nulls)[u]["started"] for u in "abcde"] == [2, 5, 3, 3, 1]


def test_the_arena_order_is_the_ranking_reversed_or_as_given(result):
    assert arena_order(result) == ["a", "b", "c", "d", "e"]
    assert arena_order(result, "reverse") == ["e", "d", "c", "b", "a"]
    assert arena_order(result, ["c", "a"]) == ["c", "a"]
    with pytest.raises(ValueError, match="units not in the result: z"):
        arena_order(result, ["a", "z"])


def test_the_deck_is_16_by_9_with_a_title_an_overview_and_four_slides_a_unit(deck):
    presentation = Presentation(deck)
    assert presentation.slide_width / presentation.slide_height == pytest.approx(16 / 9, 1e-3)
    texts = slide_texts(deck)
    assert len(texts) == 2 + 5 * 4
    assert "书记擂台" in texts[0] and "奋战“双过半”" in texts[0]
    assert "2023年第一季度" in texts[0] and "2023年5月27日" in texts[0]
    assert "成绩总览" in texts[1]


def test_the_units_come_on_stage_in_the_order_of_the_ranking(deck):
    texts = slide_texts(deck)
    dividers = texts[2::4]
    assert [d.split("\n")[1] for d in dividers] == ["甲区", "乙区", "丙区", "丁区", "戊区"]
    assert [d.split("\n")[0] for d in dividers] == [f"第{n}位" for n in range(1, 6)]
    for k in range(5):
        first, second, third = texts[3 + 4 * k : 6 + 4 * k]
        assert first.startswith("晒成绩")
        assert second.startswith("查不足")
        assert third.startswith("谈举措")


def test_each_unit_is_a_real_powerpoint_section_in_stage_order(deck):
    found = sections(deck)
    assert [name for name, _ in found] == [
        "开场",
        "第1位 甲区",
        "第2位 乙区",
        "第3位 丙区",
        "第4位 丁区",
        "第5位 戊区",
    ]
    assert found[0][1] == [0, 1]
    assert found[1][1] == [2, 3, 4, 5]
    assert found[5][1] == [18, 19, 20, 21]


def test_the_first_units_results_slide_shows_its_numbers(deck):
    results = slide_texts(deck)[3]
    assert "甲区" in results
    assert "第1名" in results
    assert "— 名次持平" in results and "上期第1名" in results
    assert "91.15" in results and "优秀" in results
    assert "真抓实干、勇当排头" in results
    # Stars out of the scheme's five: economy 5, projects 4.
    assert "★★★★★" in results and "★★★★☆" in results
    assert "5星 · 第1名" in results and "4星 · 第2名" in results
    # Strongest three by rank among all units: signed 1st, gdp_growth 2nd, energy_use 3rd.
    order = [results.index(n) for n in ("新签约过亿元项目", "地区生产总值增速", "单位GDP能耗")]
    assert order == sorted(order)
    assert "12个 · 得分 120" in results
    assert "6.1% · 得分 87.59" in results


def test_climbers_fallers_and_vetoed_units_are_shown_as_such(deck):
    texts = slide_texts(deck)
    assert "▲ 上升2位" in texts[7]  # 乙区, from 4th to 2nd
    assert "加压奋进、进位赶超" in texts[7]
    assert "▼ 下降2位" in texts[15]  # 丁区
    assert "一票否决：重大安全事故" in texts[15]
    assert "本期未夺旗" in texts[15]


def test_the_shortfalls_slide_lists_the_weakest_indicators_worst_first(deck):
    shortfalls = slide_texts(deck)[4]  # 甲区: energy_use 3rd, started 3rd, gdp_growth 2nd
    positions = [shortfalls.index(n) for n in ("单位GDP能耗", "项目开工率", "地区生产总值增速")]
    assert positions == sorted(positions)
    assert "未提供上期结果" in shortfalls
    assert "未录入目标" in shortfalls


def test_stars_lost_since_the_previous_result_are_named(result, tmp_path):
    previous = copy.deepcopy(result)
    previous["results"][4]["boards"]["economy"]["stars"] = 4  # 戊区 had 4, now 1
    path = write_arena_deck(
        result, path=tmp_path / "d.pptx", previous=previous, scheme=CASE1 / "scheme.yaml"
    )
    texts = slide_texts(path)
    assert "经济运行：失3星（4→1）" in texts[20]
    assert "与上期相比未失星" in texts[4]


def test_targets_in_red_and_pledges_with_their_progress_are_shown(result, tmp_path):
    targets = [
        Target("a", "signed", "新签约过亿元项目", 20, "个"),
        Target(
            "a",
            "villages",
            "城中村改造",
            1200,
            "户",
            milestones=[(dt.date(2023, 6, 30), 700)],
            source="pledged",
            pledged_on=dt.date(2023, 5, 27),
        ),
    ]
    actuals = [Actual("a", "signed", "2023-04", 5), Actual("a", "villages", "2023-04", 500)]
    path = write_arena_deck(
        result,
        path=tmp_path / "d.pptx",
        targets=targets,
        actuals=actuals,
        session={"as_of": "2023-05-27"},
        scheme=CASE1 / "scheme.yaml",
    )
    texts = slide_texts(path)
    shortfalls, measures = texts[4], texts[5]
    # signed: 5 of 20 = 25% against 4/12 = 33.3% time progress: 8.3 points behind, red.
    assert "新签约过亿元项目" in shortfalls
    assert "任务进度 25.0%，落后序时进度 8.3 个百分点" in shortfalls
    assert "城中村改造" not in shortfalls  # 41.7% against a due 38.9%: green
    assert "进度截至2023年5月27日" in measures
    # The pledge comes first, with its milestone, numbers, colour and 双过半 verdict.
    assert measures.index("城中村改造") < measures.index("新签约过亿元项目")
    for text in ("军令状", "节点：6月30日前700户", "1,200", "500", "41.7%", "33.3%", "● 绿"):
        assert text in measures
    assert "● 红" in measures and "未到期" in measures
    assert "未录入目标" in texts[9]  # 乙区 has none


def test_every_run_sets_microsoft_yahei_as_latin_and_east_asian_font(deck):
    for slide in Presentation(deck).slides:
        for run_properties in slide.shapes._spTree.iter(qn("a:rPr")):
            assert run_properties.find(qn("a:latin")).get("typeface") == "Microsoft YaHei"
            assert run_properties.find(qn("a:ea")).get("typeface") == "Microsoft YaHei"


def test_names_fall_back_on_ids_and_the_english_deck_uses_english_words(result, tmp_path):
    bare = copy.deepcopy(result)
    for row in bare["results"]:
        del row["name"]
    path = write_arena_deck(bare, path=tmp_path / "d.pptx", lang="en", session={"order": "reverse"})
    texts = slide_texts(path)
    assert texts[2].split("\n")[:2] == ["No. 1", "e"]
    assert texts[3].startswith("Results")
    assert "gdp_growth" in texts[3] or "signed" in texts[3]
    assert "economy" in texts[3] and "projects" in texts[3]


def test_names_may_come_from_meta_keys_of_the_result(result, tmp_path):
    named = copy.deepcopy(result)
    named["boards_meta"] = {"economy": {"name": "经济板块"}, "projects": "项目板块"}
    named["indicators_meta"] = {"signed": {"name": "签约项目", "unit": "个"}}
    path = write_arena_deck(named, path=tmp_path / "d.pptx", scheme_names={"vanguard": "排头旗"})
    results = slide_texts(path)[3]
    assert "经济板块" in results and "项目板块" in results
    assert "签约项目" in results and "12个" in results
    assert "排头旗" in results


def test_a_document_that_is_not_a_result_is_refused(tmp_path):
    with pytest.raises(ValueError, match="'results' list"):
        write_arena_deck({"period": "2023Q1"}, path=tmp_path / "d.pptx")


def test_the_demo_session_names_its_date_theme_and_files(result, tmp_path):
    session = load_session(DEMO_SESSION)
    assert session["date"] == dt.date(2023, 5, 27)
    assert session["theme"] == '奋战"双过半"'
    assert session["period"] == "2023Q1"
    targets = read_targets(session["targets"])
    assert len(read_actuals(session["actuals"], targets=targets)) == 12 * len(targets)


@pytest.mark.skipif(
    not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice not installed"
)
def test_libreoffice_converts_the_deck_to_pdf(deck, tmp_path):
    office = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run(
        [office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(deck)],
        check=True,
        capture_output=True,
        timeout=300,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    pdf = tmp_path / "case1.pdf"
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")


def test_the_demo_arena_shows_pingdus_pledge_from_the_session_files(tmp_path):
    from leitai.demo import assess_demo

    result = assess_demo("2023Q1")["2023Q1"].to_dict()
    path = write_arena_deck(result, path=tmp_path / "demo.pptx", session=load_session(DEMO_SESSION))
    found = sections(path)
    assert [name for name, _ in found][1] == "第1位 黄岛区（西海岸新区）"
    (slides,) = [ids for name, ids in found if name.endswith("平度市")]
    measures = slide_texts(path)[slides[3]]
    assert "重点项目开工" in measures and "军令状" in measures
    assert "节点：6月30日前83个" in measures
    assert "进度截至2023年5月27日" in measures


def test_board_scores_printing_alike_but_deciding_differently_are_told_apart(tmp_path):
    """2023Q1 城市更新建设: 市北区 63.8349 (8★) and 胶州市 63.8254 (7★) both print 63.83."""
    from leitai.demo import assess_demo, demo_dir

    result = assess_demo("2023Q1")["2023Q1"].to_dict()
    path = write_arena_deck(
        result, path=tmp_path / "2023Q1.pptx", scheme=demo_dir() / "scheme-2023-v1.yaml"
    )
    presentation = Presentation(path)
    overview = []
    for slide in list(presentation.slides)[1:3]:
        for shape in slide.shapes:
            if shape.has_table:
                overview += [[c.text for c in row.cells] for row in shape.table.rows]
    by_name = {row[1]: row for row in overview}
    assert "8★ 63.835" in by_name["市北区"]
    assert "7★ 63.825" in by_name["胶州市"]
    assert "92.85" in by_name["黄岛区（西海岸新区）"]  # nothing else changes
    texts = slide_texts(path)
    assert any("更多位小数" in t for t in texts[1:3])
    shibei = next(t for t in texts if "市北区" in t and "8星 · 第3名 63.835" in t)
    assert shibei
    assert any("7星 · 第4名 63.825" in t for t in texts)
