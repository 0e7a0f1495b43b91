"""`leitai notice`: the 通报 of a result, without the web application."""

from __future__ import annotations

from docx import Document

from leitai.cli import main


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
