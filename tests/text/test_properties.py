"""Any text at all: repair and extraction never fail, and every span points into the text."""

from __future__ import annotations

import datetime as dt

from hypothesis import example, given, settings
from hypothesis import strategies as st

from leitai.engine.scheme import Unit
from leitai.text import extract_pledges, repair

UNITS = [Unit(id="licang", name="李沧区"), Unit(id="shinan", name="市南区")]
PIECES = st.sampled_from(
    [
        "李沧区委书记：",
        "力争",
        "全年",
        "确保",
        "上半年",
        "每月",
        "一季度",
        "已",
        "引进项目",
        "个",
        "家",
        "万",
        "亿元",
        "以上",
        "，",
        "。",
        "\n",
        "、",
        "(qū)",
        "（市）",
        "?",
        "\ufffd",
        "區",
        "鏉庢钵",
        "Àî",
        "12",
        "3.5",
        "二十",
        "-",
        "%",
    ]
)
TEXTS = st.one_of(st.text(max_size=200), st.lists(PIECES, max_size=60).map("".join))


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_repair_and_extraction_never_fail_and_spans_stay_inside(text):
    repaired = repair(text)
    assert repaired.original == text
    for start, end in repaired.lost:
        assert 0 <= start < end <= len(repaired.text)
    for pledge in extract_pledges(repaired.text, units=UNITS, date=dt.date(2023, 5, 27)):
        assert 0 <= pledge.sentence_start <= pledge.start < pledge.end <= len(repaired.text)
        assert repaired.text[pledge.sentence_start :].startswith(pledge.sentence.strip()[:1])
        assert pledge.value > 0
        assert 0 < pledge.confidence <= 1


# Chinese, ASCII and the damage of the corpus. (On arbitrary Latin-1 junk a second pass
# may still read a stretch as GBK that the first pass had only just formed, for instance
# once a soft hyphen between two Latin-1 letters has gone: not a case offices meet.)
REALISTIC = st.one_of(
    st.lists(PIECES, max_size=60).map("".join),
    st.text(
        alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
        | st.sampled_from("0123456789个，。、：\n"),
        max_size=200,
    ),
)


@settings(max_examples=300, deadline=None)
@given(REALISTIC)
# Found by this test: OpenCC simplifies 鏉 to 𨱒, outside GBK, which a second repair read
# as lost bytes.
@example("\ufffd力争\ufffd鏉庢钵力争")
def test_repair_is_stable_on_its_own_output(text):
    once = repair(text).text
    assert repair(once).text == once
