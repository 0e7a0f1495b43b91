"""Pledge extraction: speakers, figures, deadlines, pledges against reports, evidence."""

from __future__ import annotations

import datetime as dt

import pytest

from leitai.engine.scheme import Unit
from leitai.text.pledges import extract_pledges, speakers_of, unit_names

UNITS = [
    Unit(id="licang", name="李沧区"),
    Unit(id="shinan", name="市南区"),
    Unit(id="huangdao", name="黄岛区", aliases=("西海岸新区",)),
    Unit(id="pingdu", name="平度市"),
]
DAY = dt.date(2023, 5, 27)


def keys(text: str) -> list[tuple]:
    return [p.key for p in extract_pledges(text, units=UNITS, date=DAY)]


def test_unit_names_include_aliases_and_short_names_longest_first():
    names = unit_names(UNITS)
    assert names["西海岸新区"] == "huangdao"
    assert names["李沧"] == "licang"
    assert next(iter(names)) == "西海岸新区"


def test_unit_names_read_a_bracketed_other_name():
    names = unit_names([Unit(id="huangdao", name="黄岛区（西海岸新区）")])
    assert names["黄岛区"] == names["西海岸新区"] == "huangdao"


def test_speakers_are_found_by_name_alias_title_and_heading():
    text = "开场白。\n李沧区委书记：甲。\n【市南区】\n乙。\n主持人：请平度市委书记登台。\n西海岸新区工委书记：丙。"
    units = [s.unit for s in speakers_of(text, unit_names(UNITS))]
    assert units == [None, "licang", "shinan", "pingdu", "huangdao"]


def test_a_speaker_whose_name_is_damaged_is_not_given_to_the_one_before():
    text = "李沧区委书记：力争全年引进项目5个。\n\ufffd\ufffd区委书记：确保年内建成楼宇3座。"
    assert [p.unit for p in extract_pledges(text, units=UNITS, date=DAY)] == ["licang", None]


def test_two_figures_under_one_word_of_intent():
    assert keys("李沧区委书记：力争全年引进投资过百亿项目2个以上、过30亿项目5个以上。") == [
        ("licang", 2.0, "个", dt.date(2023, 12, 31)),
        ("licang", 5.0, "个", dt.date(2023, 12, 31)),
    ]


def test_a_report_beside_a_pledge_is_not_proposed():
    text = "平度市委书记：一季度新开工项目32个，同比增长18%，1-4月开行班列40列。平度确保上半年开工83个。"
    assert keys(text) == [("pingdu", 83.0, "个", dt.date(2023, 6, 30))]


@pytest.mark.parametrize(
    "sentence",
    [
        "今年以来已签约项目21个。",
        "1-4月新完成楼宇招商8万平方米。",
        "截至4月底，签约项目31个，同比增加9个。",
    ],
)
def test_reports_of_what_was_done_are_never_pledges(sentence):
    assert keys("李沧区委书记：" + sentence) == []


def test_a_monthly_rate_is_pledged_for_the_year():
    (pledge,) = extract_pledges("市南区委书记：每月引进重点项目10个。", units=UNITS, date=DAY)
    assert (pledge.value, pledge.rate, pledge.deadline) == (120.0, 10.0, dt.date(2023, 12, 31))
    assert "每月10个" in pledge.name


def test_chinese_numerals_and_multipliers():
    text = "市南区委书记：力争全年引进总部企业二十家以上，年内新增就业1.2万人，建成高标准农田5万亩，完成投资350亿元。"
    assert keys(text) == [
        ("shinan", 20.0, "家", dt.date(2023, 12, 31)),
        ("shinan", 12000.0, "人", dt.date(2023, 12, 31)),
        ("shinan", 5.0, "万亩", dt.date(2023, 12, 31)),
        ("shinan", 350.0, "亿元", dt.date(2023, 12, 31)),
    ]


def test_deadlines():
    text = "市南区委书记：确保上半年开工12个；将在三季度末前完成改造320户；6月底前完成更新项目8个；年内建成15座。"
    assert [p.deadline for p in extract_pledges(text, units=UNITS, date=DAY)] == [
        dt.date(2023, 6, 30),
        dt.date(2023, 9, 30),
        dt.date(2023, 6, 30),
        dt.date(2023, 12, 31),
    ]


def test_at_least_and_bounds():
    text = "市南区委书记：力争全年新增企业不少于150家，引进项目20个以上，开工项目30个左右。"
    assert [p.bound for p in extract_pledges(text, units=UNITS, date=DAY)] == [
        "at_least",
        "at_least",
        "about",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "市南区委书记：确保上半年签约过50亿元项目2个。",  # 50亿元 qualifies the projects
        "市南区委书记：力争全年实现第3名。",  # an ordinal
        "市南区委书记：力争全年开工5-10个项目。",  # a range: never guess an end
        "市南区委书记：将推出一批项目。",  # a manner of speaking
    ],
)
def test_thresholds_ordinals_ranges_and_vague_words_are_not_figures(text):
    assert all(
        p.value not in (50.0, 3.0, 5.0, 10.0, 1.0)
        for p in extract_pledges(text, units=UNITS, date=DAY)
    )


def test_every_pledge_keeps_its_evidence():
    text = "序言。\n李沧区委书记：一季度签约3个。李沧将力争年内推进城市更新项目125个。"
    (pledge,) = extract_pledges(text, units=UNITS, date=DAY)
    assert pledge.sentence == "李沧将力争年内推进城市更新项目125个。"
    assert text[pledge.start : pledge.end] == "125个"
    assert text[pledge.sentence_start :].startswith(pledge.sentence)
    assert pledge.name == "推进城市更新项目"
    assert "力争" in pledge.reasons and 0 < pledge.confidence <= 1


def test_a_figure_without_a_known_speaker_has_lower_confidence():
    (pledge,) = extract_pledges("力争全年引进项目5个。", units=UNITS, date=DAY)
    (known,) = extract_pledges("李沧区委书记：力争全年引进项目5个。", units=UNITS, date=DAY)
    assert pledge.unit is None
    assert pledge.confidence < known.confidence


def test_aliases_declared_in_a_scheme_file_attribute_the_speaker(tmp_path):
    import yaml

    from leitai.demo import demo_dir
    from leitai.engine import load_scheme

    data = yaml.safe_load((demo_dir() / "scheme-2023-v1.yaml").read_text(encoding="utf-8"))
    for unit in data["units"]:
        if unit["id"] == "laixi":
            unit["aliases"] = ["莱西"]
        if unit["id"] == "huangdao":
            unit["name"] = "黄岛区"
            unit["aliases"] = ["西海岸新区", "新区"]
    path = tmp_path / "scheme.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    scheme = load_scheme(path)
    assert next(u for u in scheme.units if u.id == "huangdao").aliases == ("西海岸新区", "新区")
    text = "西海岸新区工委书记：确保上半年开工重点项目110个。"
    (pledge,) = extract_pledges(text, units=scheme.units, date=DAY)
    assert pledge.key == ("huangdao", 110.0, "个", dt.date(2023, 6, 30))
