"""Reading texts from plain text, DOCX, PPTX and PDF, bounded."""

from __future__ import annotations

import io

import pytest

from leitai.i18n import render, translator
from leitai.text import readers
from leitai.text.readers import TextReadError, read_text, text_from_bytes

SPEECH = "李沧区委书记：力争全年引进项目5个。"


def test_plain_text_in_utf8_and_in_gb18030():
    assert text_from_bytes(SPEECH.encode("utf-8-sig"), "a.txt") == SPEECH
    assert text_from_bytes(SPEECH.encode("gb18030"), "a.txt") == SPEECH


def test_docx_paragraphs_and_tables():
    import docx

    document = docx.Document()
    document.add_paragraph(SPEECH)
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "确保上半年开工"
    table.cell(0, 1).text = "83个"
    buffer = io.BytesIO()
    document.save(buffer)
    text = text_from_bytes(buffer.getvalue(), "speech.docx")
    assert SPEECH in text
    assert "确保上半年开工，83个" in text


def test_pptx_slides():
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    box = slide.shapes.add_textbox(Inches(1), Inches(1), Inches(5), Inches(1))
    box.text_frame.text = "谈举措"
    box.text_frame.add_paragraph().text = SPEECH
    buffer = io.BytesIO()
    deck.save(buffer)
    assert text_from_bytes(buffer.getvalue(), "slides.pptx").split("\n")[:2] == ["谈举措", SPEECH]


def _pdf(text: str) -> bytes:
    """A one-page PDF showing ``text`` (ASCII) in Helvetica, written by hand."""
    stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def test_pdf_text():
    assert "Pledge 83" in text_from_bytes(_pdf("Pledge 83"), "report.pdf")


def test_pdf_pages_beyond_the_limit_are_not_read(monkeypatch):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    page = PdfReader(io.BytesIO(_pdf("page"))).pages[0]
    for _ in range(3):
        writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    monkeypatch.setattr(readers, "MAX_PAGES", 2)
    assert text_from_bytes(buffer.getvalue(), "report.pdf").count("page") == 2


def test_damaged_files_unknown_kinds_and_large_files_are_refused_with_a_problem(monkeypatch):
    with pytest.raises(TextReadError) as caught:
        text_from_bytes(b"not a zip", "speech.docx")
    assert caught.value.problems[0].code == "text.unreadable"
    assert caught.value.problems[0].where.file == "speech.docx"
    with pytest.raises(TextReadError) as caught:
        text_from_bytes(b"x", "table.xls")
    assert caught.value.problems[0].code == "text.unknown_kind"
    assert "应为" in render(caught.value.problems[0], translator("zh"))
    monkeypatch.setattr(readers, "MAX_BYTES", 10)
    with pytest.raises(TextReadError) as caught:
        text_from_bytes(b"x" * 11, "a.txt")
    assert caught.value.problems[0].code == "text.too_large"


def test_read_text_reads_the_demo_speech():
    from leitai.demo import demo_dir

    assert "军令状" in read_text(demo_dir() / "arena-speech.txt")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(monkeypatch):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * 2_000_000)
    monkeypatch.setattr(readers, "MAX_UNPACKED", 1_000_000)
    with pytest.raises(TextReadError) as caught:
        text_from_bytes(buffer.getvalue(), "bomb.docx")
    assert caught.value.problems[0].code == "text.unreadable"


def test_a_text_longer_than_asked_is_refused():
    with pytest.raises(TextReadError) as caught:
        text_from_bytes("字".encode() * 11, "a.txt", max_chars=10)
    assert caught.value.problems[0].code == "text.too_long"
