"""Reading a person's file within limits: every bad file gets one located problem."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leitai.engine.errors import DataError
from leitai.i18n import render, translator
from leitai.io.files import FileRefused, Limits, check_attachment, read_sheet
from leitai.io.tables import read_rows

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data" / "bad"))
import make_bad_files as bad

REFUSED = {name: case for name, case in bad.CORPUS.items() if case.code}
READ = {name: case for name, case in bad.CORPUS.items() if not case.code}
ZH = translator("zh")


def test_the_corpus_holds_at_least_forty_bad_files():
    assert len(bad.CORPUS) >= 40


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_bad_file_is_refused_with_its_located_problem_in_chinese(name):
    case = REFUSED[name]
    with pytest.raises(FileRefused) as caught:
        read_sheet(bad.built(name), filename=case.filename, prefer="数据填报")
    problem = caught.value.problems[0]
    assert problem.code == case.code
    assert problem.where.file == case.filename
    text = render(problem, ZH)
    assert text.startswith(case.filename) and any("\u4e00" <= c <= "\u9fff" for c in text)


@pytest.mark.parametrize("name", sorted(READ))
def test_a_file_whose_fault_is_its_content_is_read_without_error(name):
    case = READ[name]
    sheet = read_sheet(bad.built(name), filename=case.filename, prefer="数据填报")
    assert isinstance(sheet.rows, list)


def test_cr_only_line_endings_are_rows():
    sheet = read_sheet(bad.cr_only_csv(), filename="cr.csv")
    assert sheet.rows[1] == ["shinan", "gdp_growth", "x"] and len(sheet.rows) == 5


def test_a_utf16_tab_separated_text_is_read():
    sheet = read_sheet(bad.utf16_csv(), filename="u.csv")
    assert sheet.rows[0] == ["unit", "indicator", "value"]


def test_the_visible_sheet_is_read_not_a_hidden_first_one():
    sheet = read_sheet(bad.hidden_first_sheet_xlsx(), filename="h.xlsx", prefer="数据填报")
    assert sheet.sheet == "visible" and sheet.rows[1][0] == "shinan"


def test_an_infinite_number_is_a_located_error_not_a_blank():
    with pytest.raises(FileRefused) as caught:
        read_sheet(bad.inf_xlsx(), filename="inf.xlsx")
    assert caught.value.problems[0].where.cell == "C2"


def test_the_limit_is_named_in_the_message():
    with pytest.raises(DataError) as caught:
        read_rows(b"x" * 2048, filename="a.csv", limits=Limits(max_bytes=1024))
    assert render(caught.value.problems[0], ZH) == "a.csv：文件超过 0.000976562 MB 上限。"
    with pytest.raises(DataError) as caught:
        read_rows(bad.too_large_csv(), filename="big.csv")
    assert "文件超过 5 MB 上限" in render(caught.value.problems[0], ZH)


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"a" * 2000)
    with pytest.raises(FileRefused) as caught:
        read_sheet(path, limits=Limits(max_bytes=1000))
    assert caught.value.problems[0].code == "file.too_large"


def test_limits_are_taken_from_settings():
    class Settings:
        LEITAI_UPLOAD_MAX_BYTES = 123
        LEITAI_UPLOAD_MAX_ROWS = "7"

    limits = Limits.from_settings(Settings())
    assert (limits.max_bytes, limits.max_rows, limits.max_columns) == (123, 7, 1_000)


def test_rows_beyond_the_limit_are_refused_at_the_first_one():
    text = "unit,indicator,value\n" + "a,b,1\n" * 20
    with pytest.raises(FileRefused) as caught:
        read_sheet(text.encode(), filename="a.csv", limits=Limits(max_rows=10))
    assert caught.value.problems[0].where.row == 11


def test_a_long_attachment_name_is_named_too_long_not_a_wrong_type():
    with pytest.raises(FileRefused) as caught:
        check_attachment("a" * 296 + ".pdf", 100)
    problem = caught.value.problems[0]
    assert problem.code == "file.name_too_long" and problem.params["found"] == 300
    assert "文件名长 300 个字符，最多允许 200 个" in render(problem, ZH)


CHILD = r"""
import json, resource, sys, time
from leitai.io.files import FileRefused, read_sheet

def peak_mb():
    # VmHWM restarts at exec; ru_maxrss keeps the forking parent's high-water mark.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

path, filename = sys.argv[1], sys.argv[2]
before = peak_mb()
start = time.process_time()  # CPU: a loaded machine does not inflate it
try:
    read_sheet(path, filename=filename, prefer="数据填报")
    code = None
except FileRefused as error:
    code = error.problems[0].code
print(json.dumps({"code": code, "seconds": time.process_time() - start,
                  "peak_mb": peak_mb(), "before_mb": before}))
"""


@pytest.mark.parametrize("name", ["dimension_bomb", "deflate_bomb", "million_empty_rows"])
def test_a_bomb_is_refused_quickly_in_bounded_memory(name, tmp_path):
    """Measured in a fresh process that only reads the file: its peak resident memory."""
    case = bad.CORPUS[name]
    path = tmp_path / case.filename
    path.write_bytes(bad.built(name))
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), case.filename],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["code"] == bad.CORPUS[name].code
    assert result["seconds"] < 2.0 + (2.0 if name == "million_empty_rows" else 0)
    assert result["peak_mb"] < 200


# -- which workbooks calamine may read (it builds a dense rectangle of the sheet) ------


def _reference_extent(xml: bytes) -> tuple[int, int]:
    """The extent by regular expressions, every reference one at a time (the reference)."""
    import re

    found = re.findall(rb'\sr="([A-Z]*)([0-9]+)"', xml)
    rows = max(int(d) for _, d in found)
    columns = 0
    for letters, _ in found:
        index = 0
        for letter in letters.decode():
            index = index * 26 + ord(letter) - 64
        columns = max(columns, index)
    return rows, columns


REFERENCES = st.lists(
    st.tuples(
        st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=0, max_size=3),
        st.integers(1, 9_999_999),
        st.sampled_from([" ", "\t", "\n", "\r"]),
    ),
    min_size=1,
    max_size=50,
)


@given(REFERENCES)
@settings(max_examples=300, deadline=None)
def test_the_extent_of_a_sheet_is_that_of_its_references_one_by_one(references):
    from leitai.io.files import _references_extent

    xml = b"<sheetData>" + b"".join(
        f'<c{space}r="{letters}{row}" t="n"><v>1</v></c>'.encode()
        for letters, row, space in references
    )
    assert _references_extent(xml) == _reference_extent(xml)


@pytest.mark.parametrize(
    "xml",
    [
        b'<row r="1"><c r="AAAA1"><v>1</v></c></row>',  # four letters: beyond XFD
        b'<row r="1"><c r="A12345678"><v>1</v></c></row>',  # eight digits
        b'<row r="1"><c r="A"><v>1</v></c></row>',  # no row
        b'<row r="1"><c r="A-1"><v>1</v></c></row>',
        b'<row r="1"><c r="a1"><v>1</v></c></row>',
        b'<row r="x"><c r="A1"><v>1</v></c></row>',
        b"<row><c><v>1</v></c></row>",  # no reference at all
    ],
)
def test_a_reference_that_is_not_one_leaves_the_sheet_to_the_streaming_reader(xml):
    from leitai.io.files import _references_extent

    assert _references_extent(xml) is None


def _sheet(cells: str) -> bytes:
    xml = bad.HEAD + f'<worksheet xmlns="{bad.NS}"><sheetData>{cells}</sheetData></worksheet>'
    return bad.raw_xlsx([("数据填报", xml, "visible")])


@pytest.mark.parametrize(
    "cells",
    [
        # 100,000 rows x 100 columns as a rectangle: beyond four times the cells allowed
        '<row r="1"><c r="A1" t="inlineStr"><is><t>unit</t></is></c></row>'
        '<row r="100000"><c r="CV100000"><v>1</v></c></row>',
        # a cell at XFD1048576 behind a tab (counted neither as a cell nor a reference)
        '<row r="1"><c r="A1" t="inlineStr"><is><t>unit</t></is></c>'
        '<c\tr="XFD1048576"><v>1</v></c></row>',
        # a cell claiming a row far below its own
        '<row r="2"><c r="A1048576"><v>1</v></c></row>',
    ],
)
def test_a_sheet_whose_rectangle_would_be_too_large_is_not_read_by_calamine(cells):
    from leitai.io.files import DEFAULT_LIMITS, _xlsx_fast

    data = _sheet(cells)
    assert _xlsx_fast(data, "a.xlsx", DEFAULT_LIMITS, "数据填报") is None
    small = _sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>unit</t></is></c></row>')
    assert _xlsx_fast(small, "a.xlsx", DEFAULT_LIMITS, "数据填报").rows == [["unit"]]


@pytest.mark.parametrize(
    "cells",
    [
        '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>',
        '<row r="1"><c r="A1"><f t="shared" ref="A1:A2" si="0"/><v>2</v></c></row>',
        '<row r="1"><c r="A1"><f\tt="shared" si="0"/><v>2</v></c></row>',
        '<row r="1"><c r="A1"><f/><v>2</v></c></row>',
        '<row r="1"><c><v>2</v></c></row>',  # a cell without its reference
        '<row r="1"><c\tt="n"><v>2</v></c></row>',
        '<row><c r="A1"><v>2</v></c></row>',  # a row without
        '<row r="1"><c r="A1"><v>-0</v></c></row>',  # calamine would hand over 0
    ],
)
def test_a_formula_or_an_implicit_place_leaves_the_sheet_to_the_streaming_reader(cells):
    from leitai.io.files import DEFAULT_LIMITS, _plain_extent

    xml = f'<worksheet xmlns="{bad.NS}"><sheetData>{cells}</sheetData></worksheet>'.encode()
    assert _plain_extent(xml, DEFAULT_LIMITS) is False
    plain = b'<worksheet><sheetData><row r="1"><c r="A1"><v>2</v></c></row></sheetData></worksheet>'
    assert _plain_extent(plain, DEFAULT_LIMITS) is True


def test_a_cell_is_named_with_openpyxls_letters_without_openpyxl():
    from openpyxl.utils import get_column_letter

    from leitai.io.files import _cell_ref

    assert [_cell_ref(i, 9) for i in range(18278)] == [
        f"{get_column_letter(i + 1)}9" for i in range(18278)
    ]
    with pytest.raises(ValueError):
        _cell_ref(18278, 1)


@pytest.mark.parametrize(
    "entries",
    [
        "<si><t>plain</t></si><si><t/></si><si/>",
        '<si><t xml:space="preserve"> a </t></si><si><t>a</t><t>b</t></si>',
        "<si><r><t>x</t></r><r><rPr><b/></rPr><t>y</t></r></si>",  # rich text runs
        '<si><t>ふ</t><rPh sb="0" eb="1"><t>フ</t></rPh><phoneticPr fontId="1"/></si>',
        "<si><t>a_x005F_b</t></si><si><t>a<b>c</b>d</t></si><si><t>&amp;&#20013;</t></si>",
        '<si xmlns:x="urn:x" x:y="1"><t>n</t></si><si><x:t xmlns:x="urn:x">other</x:t></si>',
    ],
)
def test_the_shared_strings_are_read_as_openpyxl_reads_them(entries):
    import io

    from openpyxl.reader.strings import read_string_table

    from leitai.io.files import _shared_strings

    xml = f'<sst xmlns="{bad.NS}">{entries}</sst>'.encode()
    assert _shared_strings(io.BytesIO(xml)) == read_string_table(io.BytesIO(xml))


def test_an_entry_openpyxl_refuses_is_refused_alike():
    import io

    from openpyxl.reader.strings import read_string_table

    from leitai.io.files import _shared_strings

    xml = f'<sst xmlns="{bad.NS}"><si unknown="1"><t>a</t></si></sst>'.encode()
    for read in (read_string_table, _shared_strings):
        with pytest.raises(TypeError):
            read(io.BytesIO(xml))
