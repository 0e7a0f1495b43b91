"""Reading targets and actuals tables, and the bundled demo."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import openpyxl
import pytest

from leitai.engine.errors import LeitaiError
from leitai.engine.targets import Milestone, progress_table
from leitai.io.targets import (
    TargetsTableError,
    demo_paths,
    read_actuals,
    read_demo,
    read_targets,
)

TARGETS_HEADER = (
    "unit,id,name,indicator,target,unit_of_measure,direction,start,deadline,milestones,"
    "source,pledged_on\n"
)
ACTUALS_HEADER = "unit,target,period,value,note,evidence\n"


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


# -- the demo ------------------------------------------------------------------


def test_the_demo_holds_the_pledges_of_the_may_2023_arena():
    targets, actuals = read_demo()
    by_key = {t.key: t for t in targets}
    assert len(targets) == 14
    assert {t.unit for t in targets} == {
        "shinan",
        "shibei",
        "licang",
        "laoshan",
        "huangdao",
        "chengyang",
        "jimo",
        "jiaozhou",
        "pingdu",
        "laixi",
    }
    pingdu = by_key["pingdu", "key_projects"]
    assert (pingdu.value, pingdu.source, pingdu.pledged_on) == (
        115.0,
        "pledged",
        dt.date(2023, 5, 27),
    )
    assert pingdu.milestones == (Milestone(dt.date(2023, 6, 30), 83.0),)
    assert by_key["shinan", "key_projects"].value == 120
    assert by_key["shibei", "enterprise_contacts"].value == 123
    assert by_key["licang", "urban_renewal"].value == 125
    assert any(t.direction == "lower" for t in targets)
    assert any(t.start for t in targets if t.direction == "higher")
    # Twelve monthly cumulative reports for every target, January to December 2023.
    assert Counter(a.key for a in actuals) == {t.key: 12 for t in targets}
    assert {a.period for a in actuals} == {f"2023-{m:02d}" for m in range(1, 13)}


def test_the_demo_shows_green_yellow_and_red_targets_at_30_june():
    targets, actuals = read_demo()
    rows = progress_table(targets, actuals, as_of=dt.date(2023, 6, 30))
    colours = Counter(r["status"] for r in rows)
    assert colours["green"] >= 1 and colours["yellow"] >= 1 and colours["red"] >= 1
    assert {r["double_half"] for r in rows} == {"achieved", "missed"}


def test_the_demo_files_say_they_are_synthetic():
    for path in demo_paths():
        assert "示意数据" in path.read_text(encoding="utf-8").splitlines()[0]


# -- reading ---------------------------------------------------------------------


def test_values_are_read_as_a_person_writes_them(tmp_path):
    path = write(
        tmp_path,
        "targets.csv",
        TARGETS_HEADER
        + 'shinan,fdi,实际使用外资,,"1,234.5",万美元,,,,,,\n'
        + "shinan,rate,开工率,,９５%,%,higher,１０,2023/12/31,2023年6月30日:50；2023-09-30:75,"
        + "市级下达,\n"
        + "jimo,pm25,PM2.5,,30,微克/立方米,越低越好,33,,,擂台承诺,2023-05-27\n",
    )
    fdi, rate, pm25 = read_targets(path)
    assert fdi.value == 1234.5
    assert (fdi.direction, fdi.source, fdi.start, fdi.deadline) == (
        "higher",
        "assigned",
        None,
        None,
    )
    assert (rate.value, rate.start, rate.deadline) == (95.0, 10.0, dt.date(2023, 12, 31))
    assert rate.milestones == (
        Milestone(dt.date(2023, 6, 30), 50.0),
        Milestone(dt.date(2023, 9, 30), 75.0),
    )
    assert (pm25.direction, pm25.source, pm25.pledged_on) == (
        "lower",
        "pledged",
        dt.date(2023, 5, 27),
    )


def test_actuals_accept_months_quarters_and_days(tmp_path):
    path = write(
        tmp_path,
        "actuals.csv",
        ACTUALS_HEADER
        + 'shinan,a,2023-05,"1,200",五月,a.pdf\n'
        + "shinan,b,2023Q2,５０%,,\n"
        + "shinan,c,2023/6/15,3,,\n",
    )
    a, b, c = read_actuals(path)
    assert (a.period, a.value, a.note, a.evidence) == ("2023-05", 1200.0, "五月", "a.pdf")
    assert (b.frequency, b.value, b.evidence) == ("quarter", 50.0, None)
    assert (c.frequency, c.end) == ("day", dt.date(2023, 6, 15))


def test_notes_keep_their_chinese_punctuation(tmp_path):
    """NFKC is for codes and numbers; a note is read as written (，not , and （not ()."""
    path = write(
        tmp_path,
        "actuals.csv",
        ACTUALS_HEADER + "ｓｈｉｎａｎ,a,2023-05,9,本月新增9个，累计9个（示意）,\n",
    )
    (actual,) = read_actuals(path)
    assert (actual.unit, actual.note) == ("shinan", "本月新增9个，累计9个（示意）")


def test_xlsx_tables_are_read_including_date_cells(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["unit", "id", "name", "target", "deadline", "milestones", "pledged_on"])
    sheet.append(["pingdu", "key_projects", "重点项目开工", 115, dt.datetime(2023, 12, 31),
                  "2023-06-30:83", dt.datetime(2023, 5, 27)])  # fmt: skip
    targets_path = tmp_path / "targets.xlsx"
    book.save(targets_path)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["unit", "target", "period", "value"])
    sheet.append(["pingdu", "key_projects", "2023-06", 85])
    sheet.append(["pingdu", "key_projects", "2023-05", "68"])
    actuals_path = tmp_path / "actuals.xlsx"
    book.save(actuals_path)

    (target,) = read_targets(targets_path)
    assert (target.deadline, target.pledged_on, target.source) == (
        dt.date(2023, 12, 31),
        dt.date(2023, 5, 27),
        "pledged",
    )
    actuals = read_actuals(actuals_path, targets=[target])
    assert [(a.period, a.value) for a in actuals] == [("2023-06", 85.0), ("2023-05", 68.0)]


def test_chinese_headers_gb18030_encoding_and_comment_lines_are_understood(tmp_path):
    text = "# 说明：本表为示意\n单位,编号,目标名称,目标值,计量单位\nlicang,renewal,城市更新项目,125,个\n"
    path = tmp_path / "targets.csv"
    path.write_bytes(text.encode("gb18030"))
    (target,) = read_targets(path)
    assert (target.unit, target.id, target.name, target.value) == (
        "licang",
        "renewal",
        "城市更新项目",
        125.0,
    )


# -- errors ----------------------------------------------------------------------


def test_every_bad_cell_is_reported_at_once_naming_file_row_and_column(tmp_path):
    path = write(
        tmp_path,
        "targets.csv",
        TARGETS_HEADER
        + "shinan,ok,好目标,,10,,,,,,,\n"
        + "shinan,bad,坏目标,,十个,,sideways,,2023-13-01,2023-06-30=5,mayor,\n"
        + ",,,,,,,,,,,\n"
        + "jimo,pm25,PM2.5,,30,,lower,,,,,\n",
    )
    with pytest.raises(TargetsTableError) as caught:
        read_targets(path)
    found = [(p.where.file, p.where.row, p.where.column, p.code) for p in caught.value.problems]
    assert found == [
        ("targets.csv", 3, "target", "number.not_a_number"),
        ("targets.csv", 3, "direction", "targets.not_one_of"),
        ("targets.csv", 3, "deadline", "target.not_a_date"),
        ("targets.csv", 3, "milestones", "targets.milestones_syntax"),
        ("targets.csv", 3, "source", "targets.not_one_of"),
        # The lower target without a start is caught by the model, located in the table.
        ("targets.csv", 5, "start", "target.lower_needs_start"),
    ]
    assert caught.value.problems[0].params == {"found": "十个"}
    assert isinstance(caught.value, LeitaiError)


def test_a_missing_required_column_and_an_unknown_column_are_reported(tmp_path):
    path = write(tmp_path, "targets.csv", "unit,id,nmae,target\nshinan,a,x,1\n")
    with pytest.raises(TargetsTableError) as caught:
        read_targets(path)
    found = [(p.where.row, p.where.column, p.code) for p in caught.value.problems]
    assert found[:2] == [(1, "nmae", "targets.unknown_column"), (1, None, "targets.missing_column")]
    assert caught.value.problems[1].params == {"name": "name"}


def test_duplicates_and_unknown_units_are_errors_and_nothing_is_returned(tmp_path):
    path = write(
        tmp_path,
        "targets.csv",
        TARGETS_HEADER
        + "shinan,a,甲,,10,,,,,,,\n"
        + "shinan,a,甲again,,10,,,,,,,\n"
        + "nowhere,b,乙,,10,,,,,,,\n",
    )
    with pytest.raises(TargetsTableError) as caught:
        read_targets(path, units=["shinan", "shibei"])
    found = [(p.where.row, p.where.column, p.code, dict(p.params)) for p in caught.value.problems]
    assert found == [
        (3, "id", "targets.duplicate", {"unit": "shinan", "id": "a", "first": 2}),
        (4, "unit", "targets.unknown_unit", {"unit": "nowhere"}),
    ]


def test_actuals_errors_name_unknown_targets_repeated_periods_and_mixed_frequencies(tmp_path):
    (target,) = read_targets(write(tmp_path, "t.csv", "unit,id,name,target\nshinan,a,甲,10\n"))
    path = write(
        tmp_path,
        "actuals.csv",
        ACTUALS_HEADER
        + "shinan,a,2023-05,4,,\n"
        + "shinan,a,2023年5月,5,,\n"
        + "shinan,a,2023Q2,6,,\n"
        + "shinan,z,2023-05,1,,\n"
        + "shinan,a,May,1,,\n"
        + "shinan,a,2023-07,,,\n",
    )
    with pytest.raises(TargetsTableError) as caught:
        read_actuals(path, targets=[target])
    found = [(p.where.row, p.where.column, p.code) for p in caught.value.problems]
    assert found == [
        (3, "period", "targets.period_twice"),
        (4, "period", "targets.mixed_frequency"),
        (5, "target", "target.no_such_target"),
        (6, "period", "target.not_a_period"),
        (7, "value", "targets.empty_cell"),
    ]
    assert dict(caught.value.problems[0].params) == {
        "period": "2023-05",
        "unit": "shinan",
        "id": "a",
        "first": 2,
    }


def test_a_file_that_is_neither_csv_nor_xlsx_is_refused(tmp_path):
    path = write(tmp_path, "targets.json", "{}")
    with pytest.raises(TargetsTableError) as caught:
        read_targets(path)
    assert caught.value.problems[0].code == "targets.file_type"


def test_an_empty_table_is_an_error(tmp_path):
    with pytest.raises(TargetsTableError) as caught:
        read_actuals(write(tmp_path, "actuals.csv", "\n\n"))
    assert caught.value.problems[0].code == "targets.empty_table"
