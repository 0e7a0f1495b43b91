"""The notice (通报): its words drafted from a result, its DOCX layout, its PDF."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from leitai.demo import assess_demo
from leitai.reports.notice import (
    NoticeFonts,
    libreoffice,
    notice_fonts,
    notice_pdf,
    notice_table,
    notice_text,
    write_notice,
)


@pytest.fixture(scope="module")
def q1():
    return assess_demo("2023Q1")["2023Q1"]


def test_the_draft_names_both_flags_winners_and_each_boards_top_three(q1):
    text = notice_text(q1, number="青考办〔2023〕5号", date=dt.date(2023, 5, 20))
    body = "\n".join(text.body)
    assert text.title == "关于2023年第一季度“摘星夺旗”考核结果的通报"
    vanguard = next(line for line in text.body if "真抓实干、勇当排头" in line)
    assert vanguard.startswith("黄岛区（西海岸新区）、胶州市获得")
    climber = next(line for line in text.body if "加压奋进、进位赶超" in line)
    for name in ("即墨区", "市北区", "李沧区"):
        assert f"{name}（较上期前进2位）" in climber
    assert "城市更新建设板块前三位依次是：黄岛区（西海岸新区）、城阳区、市北区。" in body
    # Without targets the notice says nothing about them.
    assert "预警" not in "".join(text.body[:-1])


def test_red_targets_are_named_where_targets_exist(q1):
    from leitai.cli.notice import _demo_inputs

    progresses = _demo_inputs()["progresses"]
    text = notice_text(q1, progresses=progresses)
    red = {p.target.unit for p in progresses if p.status == "red"}
    line = next(line for line in text.body if "红色预警的有" in line)
    assert red and all(
        q1.scheme.units[[u.id for u in q1.scheme.units].index(u)].name in line for u in red
    )


def test_the_attached_table_is_in_ranking_order_with_stars_flags_and_grades(q1):
    table = notice_table(q1, title="附表")
    assert table.header[:3] == ("名次", "被考核单位", "综合成绩")
    assert "经济运行星级" in table.header and table.header[-1] == "等次"
    assert [row[0] for row in table.rows] == [str(k) for k in range(1, 11)]
    assert table.rows[0][1] == "黄岛区（西海岸新区）" and table.rows[0][2] == "92.85"


def test_the_docx_reads_back_with_its_red_header_number_title_and_table(q1):
    text = notice_text(q1, number="青考办〔2023〕5号", date=dt.date(2023, 5, 20))
    buffer = io.BytesIO()
    fonts = NoticeFonts(title="方正小标宋简体", body="仿宋_GB2312", heading="黑体", table="仿宋")
    write_notice(text, buffer, tables=[notice_table(q1, title=text.attachment)], fonts=fonts)
    doc = Document(io.BytesIO(buffer.getvalue()))
    lines = [p.text for p in doc.paragraphs]
    assert lines[0] == "青岛市综合考核委员会办公室"
    assert doc.paragraphs[0].runs[0].font.color.rgb is not None
    number = doc.paragraphs[1]
    assert number.text == "青考办〔2023〕5号"
    rule = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "E60012"
    assert text.title in lines and "2023年5月20日" in lines
    title_run = doc.paragraphs[lines.index(text.title)].runs[0]
    assert title_run._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    body_run = doc.paragraphs[lines.index(text.opening)].runs[0]
    assert body_run._r.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert "附件：2023年第一季度考核结果" in lines
    (table,) = doc.tables
    assert [c.text for c in table.rows[2].cells][:2] == ["2", "胶州市"]
    assert len(table.rows) == 11


def test_the_faces_fall_back_to_the_installed_noto_faces():
    fonts = notice_fonts(frozenset({"Noto Serif CJK SC", "Noto Sans CJK SC"}))
    assert fonts.title == fonts.body == "Noto Serif CJK SC"
    assert fonts.heading == "Noto Sans CJK SC"
    official = notice_fonts(frozenset({"仿宋_GB2312", "方正小标宋简体", "黑体"}))
    assert (official.title, official.body, official.heading) == (
        "方正小标宋简体",
        "仿宋_GB2312",
        "黑体",
    )


@pytest.mark.skipif(libreoffice() is None, reason="LibreOffice is not installed")
def test_the_pdf_renders_through_libreoffice(q1):
    text = notice_text(q1, number="青考办〔2023〕5号")
    buffer = io.BytesIO()
    write_notice(text, buffer, tables=[notice_table(q1, title=text.attachment)])
    reader = PdfReader(io.BytesIO(notice_pdf(buffer.getvalue())))
    assert len(reader.pages) >= 2
    first = reader.pages[0].extract_text()
    assert "青考办" in first and "通报" in first
    assert "胶州市" in reader.pages[-1].extract_text()


def test_page_numbers_sit_outside_odd_on_the_right_even_on_the_left(q1):
    """GB/T 9704-2012 7.5: 单页码居右空一字，双页码居左空一字."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    text = notice_text(q1, number="青考办〔2023〕5号")
    buffer = io.BytesIO()
    write_notice(text, buffer, tables=[notice_table(q1, title=text.attachment)])
    doc = Document(io.BytesIO(buffer.getvalue()))
    assert doc.settings.odd_and_even_pages_header_footer
    odd = doc.sections[0].footer.paragraphs[0]
    even = doc.sections[0].even_page_footer.paragraphs[0]
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT and odd.paragraph_format.right_indent.pt == 14
    assert even.alignment == WD_ALIGN_PARAGRAPH.LEFT and even.paragraph_format.left_indent.pt == 14
    assert "PAGE" in odd._p.xml and "PAGE" in even._p.xml
    if libreoffice() is None:
        return
    reader = PdfReader(io.BytesIO(notice_pdf(buffer.getvalue())))
    assert len(reader.pages) >= 2
    for number, page in enumerate(reader.pages[:2], start=1):
        where: list[float] = []

        def visit(text, cm, tm, font, size, where=where, number=number):  # type: ignore[no-untyped-def]
            if text.strip() == str(number) or text.strip().strip("—- ") == str(number):
                where.append(tm[4])

        page.extract_text(visitor_text=visit)
        width = float(page.mediabox.width)
        assert where, f"no page number found on page {number}"
        assert (where[-1] > width / 2) == (number % 2 == 1), (number, where, width)
