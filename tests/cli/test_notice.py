"""`leitai notice`: the 通报 of a result, without the web application."""

from __future__ import annotations

import re

import pytest
from docx import Document
from pypdf import PdfReader

from leitai.cli import main
from leitai.reports.notice import libreoffice


def _texts(path):
    doc = Document(str(path))
    return [p.text for p in doc.paragraphs], doc.tables


def test_the_demo_notice_names_the_2023q1_flag_winners_and_attaches_the_table(tmp_path, capsys):
    out = tmp_path / "notice.docx"
    assert main(["notice", "--demo", "-o", str(out)]) == 0
    lines, tables = _texts(out)
    text = "\n".join(lines)
    assert "青考办〔2023〕5号" in lines
    assert "关于2023年第一季度“摘星夺旗”考核结果的通报" in lines
    vanguard = next(line for line in lines if "“真抓实干、勇当排头”红旗" in line)
    assert "黄岛区" in vanguard and "胶州市" in vanguard
    climbers = next(line for line in lines if "“加压奋进、进位赶超”红旗" in line)
    assert all(name in climbers for name in ("即墨区", "市北区", "李沧区"))
    assert "红色预警" in text
    (table,) = tables
    assert [row.cells[1].text for row in table.rows][1:4] == [
        "黄岛区（西海岸新区）",
        "胶州市",
        "城阳区",
    ]
    assert str(out) in capsys.readouterr().err


def test_a_result_file_with_number_office_and_date(tmp_path, capsys):
    assert main(["demo", "--period", "2023Q1", "--format", "json", "--out-dir", str(tmp_path)]) == 0
    result = tmp_path / "q1.json"
    result.write_text(capsys.readouterr().out, encoding="utf-8")
    from leitai.demo import demo_dir

    out = tmp_path / "n.docx"
    argv = [
        "notice",
        str(result),
        "-o",
        str(out),
        "--scheme",
        str(demo_dir() / "scheme-2023-v1.yaml"),
    ]
    argv += ["--number", "某考办〔2024〕1号", "--office", "某市考核办", "--date", "2024-01-05"]
    assert main(argv) == 0
    lines, _tables = _texts(out)
    assert lines[:2] == ["某市考核办", "某考办〔2024〕1号"]
    assert "2024年1月5日" in lines
    assert not any("预警" in line for line in lines)


def test_bad_options_are_said_in_chinese(tmp_path, capsys):
    assert main(["notice", "--demo", "-o", str(tmp_path / "n.pdf")]) == 2
    assert ".docx" in capsys.readouterr().err
    assert main(["notice", "--demo", "-o", str(tmp_path / "n.docx"), "--date", "5/20"]) == 2
    assert "--date：应为 YYYY-MM-DD" in capsys.readouterr().err
    assert main(["notice", "-o", str(tmp_path / "n.docx")]) == 2


@pytest.mark.skipif(libreoffice() is None, reason="LibreOffice is not installed")
def test_the_demo_notice_renders_as_a_pdf_through_libreoffice(tmp_path, capsys):
    out = tmp_path / "notice.docx"
    assert main(["notice", "--demo", "--pdf", "-o", str(out)]) == 0
    pdf = out.with_suffix(".pdf")
    assert str(pdf) in capsys.readouterr().err
    reader = PdfReader(str(pdf))
    assert reader.pages[0].mediabox.width == pytest.approx(595.3, abs=0.5)  # A4 portrait
    pages = [re.sub(r"\s+", "", p.extract_text()) for p in reader.pages]
    first = pages[0]
    # The office, the 文号 and the title, in that order, on the first page.
    assert first.index("青岛市综合考核委员会办公室") < first.index("青考办〔2023〕5号")
    assert first.index("青考办〔2023〕5号") < first.index(
        "关于2023年第一季度“摘星夺旗”考核结果的通报"
    )
    assert "黄岛区（西海岸新区）、胶州市获得“真抓实干、勇当排头”红旗" in first
    text = "".join(pages)
    assert "2023年5月20日" in text
    # The attached table on a page of its own, its rows in ranking order.
    last = pages[-1]
    assert last.startswith("附件2023年第一季度考核结果")
    assert last.index("黄岛区") < last.index("胶州市") < last.index("城阳区") < last.index("平度市")
    # The red rule under the 文号: a horizontal stroke in red (E60012) across the 156 mm
    # of the type area.
    content = reader.pages[0].get_contents().get_data().decode("latin-1")
    red = re.search(r"0\.90\d* 0 0\.070\d* RG", content)
    assert red is not None
    rule = re.search(r"([\d.]+) ([\d.]+) m\s+([\d.]+) \2 l S", content[red.end() :])
    assert rule is not None
    assert abs(float(rule[1]) - float(rule[3])) / 72 * 25.4 == pytest.approx(156, abs=1)
    # Page numbers at the foot: —1— to —n—.
    for number, page in enumerate(pages, start=1):
        assert page.endswith(f"—{number}—"), page[-20:]
