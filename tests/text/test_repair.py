"""Each repair step on made-up damaged strings, and on text it must leave alone."""

from __future__ import annotations

import pytest

from leitai.text.repair import (
    STEPS,
    fix_mojibake,
    lost_spans,
    normalise,
    repair,
    strip_pinyin,
    to_simplified,
)

CLEAN = "李沧区力争全年引进投资过百亿项目2个以上、过30亿项目5个以上。"


def utf8_read_as_gbk(text: str) -> str:
    return text.encode("utf-8").decode("gbk", errors="replace")


# --- mojibake ---------------------------------------------------------------


def test_utf8_read_as_gbk_is_read_back():
    assert fix_mojibake(utf8_read_as_gbk("李沧区将力争引进项目")) == "李沧区将力争引进项目"


def test_a_stretch_of_utf8_read_as_gbk_inside_clean_text_is_read_back():
    damaged = "市南区委书记：" + utf8_read_as_gbk("每月引进重点项目") + "10个。"
    assert fix_mojibake(damaged) == "市南区委书记：每月引进重点项目10个。"


def test_utf8_read_as_windows_1252_is_left_to_ftfy():
    import ftfy

    # Windows-1252 leaves five bytes undefined; ftfy's "sloppy" codec reads them all.
    damaged = "确保上半年开工83个".encode().decode("sloppy-windows-1252")
    assert ftfy.fix_encoding(damaged) == "确保上半年开工83个"
    assert fix_mojibake(damaged) == "确保上半年开工83个"


def test_gbk_read_as_latin1_is_read_back():
    damaged = "李沧区力争全年".encode("gbk").decode("latin-1")
    assert fix_mojibake(damaged) == "李沧区力争全年"


def test_gbk_one_byte_out_of_step_is_realigned_and_the_lost_character_marked():
    raw = "确保上半年开工重点项目83个".encode("gbk")
    damaged = (raw[:1] + raw[2:]).decode("gbk", errors="replace")
    assert damaged != "确保上半年开工重点项目83个"
    fixed = fix_mojibake(damaged)
    assert "上半年" in fixed
    assert "\ufffd" in fixed  # the character whose byte was lost is marked, not guessed


def test_bytes_lost_at_the_end_of_a_stretch_stay_marked():
    fixed = fix_mojibake(utf8_read_as_gbk("李沧区力争引进项目"))
    assert fixed.startswith("李沧区力争引进项")
    assert fixed.endswith("\ufffd")


@pytest.mark.parametrize(
    "text",
    [
        CLEAN,
        "區經濟項目確保開工",  # traditional characters are not mojibake
        "鲷鱼养殖、麒麟、饕餮盛宴",  # rare but real characters
        "GDP增长5.5%，CPI上涨2%",
        "Ｇ２０峰会",
        "",
    ],
)
def test_plausible_text_is_left_alone(text):
    assert fix_mojibake(text) == text


# --- normalise --------------------------------------------------------------


def test_full_width_digits_and_letters_become_half_width():
    assert normalise("引进项目２个，ＧＤＰ增长６．５％") == "引进项目2个，GDP增长6.5%"


def test_half_width_punctuation_after_chinese_becomes_chinese():
    assert (
        normalise("市南区委书记:每月10个,年内15座;全年2座.")
        == "市南区委书记：每月10个，年内15座；全年2座。"
    )


def test_numbers_with_separators_are_left_alone():
    assert normalise("完成投资1,234.5亿元，增长3.5%") == "完成投资1,234.5亿元，增长3.5%"


def test_invisible_and_control_characters_are_dropped_and_line_ends_unified():
    assert normalise("确保\u200b上半年\ufeff开工\r\n83个\x07") == "确保上半年开工\n83个"


def test_plain_chinese_text_is_left_alone_by_normalise():
    assert normalise(CLEAN) == CLEAN


# --- pinyin -----------------------------------------------------------------


def test_pinyin_glosses_are_removed():
    assert strip_pinyin("區(qū)經(jīng)濟(jì)項(xiàng)目") == "區經濟項目"
    assert strip_pinyin("确（què）保 (bǎo)") == "确保"


@pytest.mark.parametrize(
    "text",
    [
        "各区（市）委书记",
        "(青岛日报)",
        "地区生产总值(GDP)",
        "项目(5个)",
        "李沧区(licang)",  # no tone mark: not a gloss
        "pīnyīn (nǐ hǎo) in Latin text",
    ],
)
def test_real_parentheses_are_kept(text):
    assert strip_pinyin(text) == text


# --- simplified ---------------------------------------------------------------


def test_traditional_becomes_simplified():
    assert to_simplified("李滄區力爭全年引進項目") == "李沧区力争全年引进项目"


def test_simplified_text_is_left_alone_by_opencc():
    assert to_simplified(CLEAN) == CLEAN


# --- the pipeline -------------------------------------------------------------


def test_the_steps_run_in_a_visible_order():
    assert [name for name, _ in STEPS] == ["mojibake", "normalise", "pinyin", "simplified"]


def test_repair_of_every_kind_of_damage_at_once():
    damaged = (
        "李滄區(qū)委書(shū)記:力爭全年引進投資過百億項(xiàng)目２個以上、過"
        + utf8_read_as_gbk("30亿项目")
        + "5個以上."
    )
    repaired = repair(damaged)
    # 亿项目 is 9 bytes of UTF-8: read as GBK, the odd last byte was lost with the
    # byte after it, so 目 stays unrecoverable and is marked.
    expected = CLEAN.replace("李沧区", "李沧区委书记：").replace("30亿项目", "30亿项\ufffd")
    assert repaired.text == expected
    assert repaired.changed == ("mojibake", "normalise", "pinyin", "simplified")
    assert [repaired.text[s:e] for s, e in repaired.lost] == ["\ufffd"]
    assert repaired.original == damaged


def test_an_even_stretch_of_utf8_read_as_gbk_is_fully_repaired():
    damaged = "李滄區(qū)力爭全年" + utf8_read_as_gbk("引进项目") + "２個以上"
    repaired = repair(damaged)
    assert repaired.text == "李沧区力争全年引进项目2个以上"
    assert repaired.lost == ()


def test_clean_text_passes_unchanged():
    repaired = repair(CLEAN)
    assert repaired.text == CLEAN
    assert repaired.changed == ()


def test_lost_bytes_are_listed_not_guessed():
    text = "力争全年引进??个项目，确保\ufffd半年开工"
    assert [text[s:e] for s, e in lost_spans(text)] == ["??", "\ufffd"]
    assert repair(text).lost == lost_spans(text)


def test_a_question_mark_in_latin_text_is_not_a_loss():
    assert lost_spans("Why? Because.") == ()
