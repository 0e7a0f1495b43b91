"""Targets, time and task progress, the three colours, 双过半 and projections.

Every expected number below is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import datetime as dt

import pytest

from leitai.engine.errors import LeitaiError
from leitai.engine.targets import (
    Actual,
    Milestone,
    Target,
    TargetError,
    parse_period,
    progress,
    progress_all,
    progress_table,
    summarise_by_unit,
    time_progress,
    trajectory,
)

D = dt.date


def monthly(unit: str, target: str, values: dict[int, float]) -> list[Actual]:
    return [Actual(unit, target, f"2023-{m:02d}", v) for m, v in values.items()]


def projects(**changes) -> Target:
    fields = {"unit": "shinan", "id": "projects", "name": "引进重点项目", "value": 100.0}
    fields.update(changes)
    return Target(**fields)


# -- time progress and periods ------------------------------------------------


def test_time_progress_counts_the_months_that_have_ended():
    assert time_progress(D(2023, 5, 31)) == pytest.approx(100 * 5 / 12)  # 41.67
    assert time_progress(D(2023, 6, 29)) == pytest.approx(100 * 5 / 12)  # June not over
    assert time_progress(D(2023, 6, 30)) == 50.0
    assert time_progress(D(2023, 1, 15)) == 0.0
    assert time_progress(D(2023, 12, 31)) == 100.0


def test_time_progress_by_quarter_counts_quarters_that_have_ended():
    assert time_progress(D(2023, 6, 30), frequency="quarter") == 50.0
    assert time_progress(D(2023, 9, 29), frequency="quarter") == 50.0
    assert time_progress(D(2023, 9, 30), frequency="quarter") == 75.0


def test_time_progress_by_day_counts_days_elapsed_over_days_in_the_year():
    assert time_progress(D(2023, 6, 30), frequency="day") == pytest.approx(100 * 181 / 365)
    assert time_progress(D(2024, 6, 30), frequency="day") == pytest.approx(100 * 182 / 366)


def test_time_progress_runs_to_the_deadline_and_stops_there():
    deadline = D(2023, 6, 30)
    assert time_progress(D(2023, 3, 31), deadline=deadline) == 50.0  # 3 of 6 months
    assert time_progress(D(2023, 9, 30), deadline=deadline) == 100.0
    assert time_progress(D(2022, 12, 31), deadline=deadline) == 0.0


def test_periods_are_read_in_the_ways_people_write_them():
    assert parse_period("2023-05") == ("month", D(2023, 5, 31), "2023-05")
    assert parse_period("2023年5月") == ("month", D(2023, 5, 31), "2023-05")
    assert parse_period("２０２３/５") == ("month", D(2023, 5, 31), "2023-05")
    assert parse_period("2023Q2") == ("quarter", D(2023, 6, 30), "2023Q2")
    assert parse_period("2023-q4") == ("quarter", D(2023, 12, 31), "2023Q4")
    assert parse_period("2023年第三季度") == ("quarter", D(2023, 9, 30), "2023Q3")
    assert parse_period("2023-05-31") == ("day", D(2023, 5, 31), "2023-05-31")
    assert parse_period("2023年5月20日") == ("day", D(2023, 5, 20), "2023-05-20")
    assert parse_period(D(2023, 2, 3)) == ("day", D(2023, 2, 3), "2023-02-03")


@pytest.mark.parametrize("text", ["May 2023", "2023-13", "2023Q5", "2023-02-30", ""])
def test_a_period_that_is_no_period_is_rejected_saying_what_was_expected(text):
    with pytest.raises(ValueError) as caught:
        parse_period(text)
    assert caught.value.problem.code in ("target.not_a_period", "target.impossible_date")
    assert caught.value.problem.params["found"] == text


# -- progress, gap and status ---------------------------------------------------


def test_five_months_in_with_62_percent_done_is_20_point_3_points_ahead():
    p = progress(projects(), monthly("shinan", "projects", {5: 62}), as_of=D(2023, 5, 31))
    assert p.time_progress == pytest.approx(41.6667, abs=1e-4)  # 5 / 12
    assert p.task_progress == pytest.approx(62.0)  # 62 / 100
    assert p.gap == pytest.approx(20.3333, abs=1e-4)  # 62 - 41.67
    assert p.status == "green"


def test_behind_time_progress_by_no_more_than_the_margin_is_yellow_and_beyond_is_red():
    june = D(2023, 6, 30)  # time progress 50
    yellow = progress(projects(), monthly("shinan", "projects", {6: 46}), as_of=june)
    on_margin = progress(projects(), monthly("shinan", "projects", {6: 45}), as_of=june)
    red = progress(projects(), monthly("shinan", "projects", {6: 44}), as_of=june)
    assert (yellow.status, yellow.gap) == ("yellow", pytest.approx(-4.0))
    assert (on_margin.status, on_margin.gap) == ("yellow", pytest.approx(-5.0))
    assert (red.status, red.gap) == ("red", pytest.approx(-6.0))
    assert red.shortfall == pytest.approx(6.0)
    wider = progress(projects(), monthly("shinan", "projects", {6: 44}), as_of=june, margin=10)
    assert wider.status == "yellow"


def test_a_lower_target_measures_progress_from_its_start_down_to_its_target():
    pm25 = Target(
        "jimo", "pm25", "PM2.5平均浓度", 30.0, "微克/立方米", direction="lower", start=35.0
    )
    reports = [Actual("jimo", "pm25", "2023Q1", 34.0), Actual("jimo", "pm25", "2023Q2", 32.5)]
    p = progress(pm25, reports, as_of=D(2023, 7, 10))
    assert p.frequency == "quarter"
    assert p.time_progress == 50.0  # 2 of 4 quarters
    assert p.task_progress == pytest.approx(50.0)  # (32.5 - 35) / (30 - 35)
    assert p.status == "green"
    assert p.double_half == "achieved"
    # Pace: 50 points in half the year -> 100 by December: 35 - 5 = 30.
    assert p.projected == pytest.approx(30.0)
    assert p.on_track is True


def test_a_lower_target_that_got_worse_has_negative_task_progress():
    energy = Target("laixi", "energy", "单位GDP能耗", 0.58, direction="lower", start=0.62)
    p = progress(energy, monthly("laixi", "energy", {3: 0.63}), as_of=D(2023, 3, 31))
    assert p.task_progress == pytest.approx(-25.0)  # (0.63 - 0.62) / (0.58 - 0.62)
    assert p.status == "red"
    assert p.projected == pytest.approx(0.66)  # 0.62 + (-0.25 * 4) * (0.58 - 0.62)
    assert p.on_track is False


def test_a_lower_target_without_a_start_is_rejected_naming_the_field():
    with pytest.raises(TargetError, match="start") as caught:
        Target("laixi", "energy", "单位GDP能耗", 0.58, direction="lower")
    assert caught.value.field == "start"
    [problem] = caught.value.problems
    assert (problem.code, problem.params["unit"], problem.params["id"]) == (
        "target.lower_needs_start",
        "laixi",
        "energy",
    )
    assert isinstance(caught.value, LeitaiError)


def test_a_target_with_a_start_value_measures_progress_from_the_start():
    entities = Target("huangdao", "entities", "市场主体数量", 42.0, "万户", start=38.0)
    p = progress(entities, monthly("huangdao", "entities", {6: 40.1}), as_of=D(2023, 6, 30))
    assert p.task_progress == pytest.approx(52.5)  # (40.1 - 38) / (42 - 38)
    assert p.gap == pytest.approx(2.5)
    assert p.status == "green"
    assert p.projected == pytest.approx(42.2)  # 38 + 2.1 / 0.5
    assert p.row()["start"] == 38.0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"value": 0.0}, "target"),  # a 'higher' target must exceed its start 0
        ({"start": 120.0}, "target"),
        ({"direction": "up"}, "direction"),
        ({"source": "city"}, "source"),
        ({"name": " "}, "name"),
        ({"value": "100"}, "target"),
        ({"milestones": [(D(2023, 6, 30), 50), (D(2023, 6, 30), 60)]}, "milestones"),
        ({"deadline": D(2023, 12, 31), "milestones": [(D(2024, 3, 31), 50)]}, "milestones"),
    ],
)
def test_an_unusable_target_is_rejected_naming_the_field(changes, field):
    with pytest.raises(TargetError) as caught:
        projects(**changes)
    assert caught.value.field == field
    [problem] = caught.value.problems
    assert problem.where.path == field
    assert (problem.params["unit"], problem.params["id"]) == ("shinan", "projects")


# -- milestones -------------------------------------------------------------------


def pingdu(**changes) -> Target:
    fields = {
        "unit": "pingdu",
        "id": "key_projects",
        "name": "重点项目开工",
        "value": 115.0,
        "unit_of_measure": "个",
        "milestones": [(D(2023, 6, 30), 83)],
        "source": "pledged",
        "pledged_on": D(2023, 5, 27),
    }
    fields.update(changes)
    return Target(**fields)


def test_at_its_date_a_milestone_replaces_the_time_share():
    june = D(2023, 6, 30)
    due = 100 * 83 / 115  # 72.17: the milestone's share, not the time share of 50
    green = progress(pingdu(), monthly("pingdu", "key_projects", {6: 85}), as_of=june)
    yellow = progress(pingdu(), monthly("pingdu", "key_projects", {6: 80}), as_of=june)
    red = progress(pingdu(), monthly("pingdu", "key_projects", {6: 70}), as_of=june)
    assert green.basis == "milestone"
    assert green.expected_progress == pytest.approx(due)
    assert green.status == "green"  # 73.91 >= 72.17
    assert yellow.status == "yellow"  # 69.57: 2.6 points short
    assert yellow.shortfall == pytest.approx(due - 100 * 80 / 115)
    assert red.status == "red"  # 60.87: 11.3 points short
    # The gap to time progress is still reported: 60.87 - 50 = +10.87.
    assert red.gap == pytest.approx(100 * 70 / 115 - 50)
    assert red.double_half == "achieved"  # 60.87 >= 50


def test_before_a_milestone_the_progress_due_runs_straight_towards_it():
    p = progress(pingdu(), monthly("pingdu", "key_projects", {5: 68}), as_of=D(2023, 5, 31))
    # 5 of the 6 months to the milestone: 5/6 of 72.17 = 60.14; 68/115 = 59.13.
    assert p.expected_progress == pytest.approx(100 * 83 / 115 * 5 / 6)
    assert p.status == "yellow"
    # After it, the due progress runs straight from the milestone to 100 in December:
    # at September 72.17 + (100 - 72.17) / 2 = 86.09.
    q = progress(pingdu(), monthly("pingdu", "key_projects", {9: 99}), as_of=D(2023, 9, 30))
    assert q.expected_progress == pytest.approx(100 * 83 / 115 + (100 - 100 * 83 / 115) / 2)


def test_a_milestone_is_checked_against_the_report_at_its_date():
    reports = monthly("pingdu", "key_projects", {5: 68, 6: 85, 7: 92})
    before = progress(pingdu(), reports, as_of=D(2023, 6, 29))
    after = progress(pingdu(), reports, as_of=D(2023, 8, 5))
    assert before.milestones[0].due is False and before.milestones[0].met is None
    assert after.milestones[0].actual == 85 and after.milestones[0].met is True
    row = after.row()
    assert (row["milestone"], row["milestone_value"], row["milestone_met"]) == (
        "2023-06-30",
        83.0,
        True,
    )
    missed = progress(pingdu(), monthly("pingdu", "key_projects", {6: 80}), as_of=D(2023, 7, 1))
    assert missed.milestones[0].met is False
    assert Milestone(D(2023, 6, 30), 83) in pingdu().milestones


# -- 双过半 and projection -----------------------------------------------------------


def test_double_half_is_pending_before_30_june_then_judged_on_the_june_report():
    reports = monthly("shinan", "projects", {5: 45, 6: 50, 7: 58})
    assert progress(projects(), reports, as_of=D(2023, 6, 29)).double_half == "pending"
    p = progress(projects(), reports, as_of=D(2023, 6, 30))
    assert (p.double_half, p.double_half_progress) == ("achieved", pytest.approx(50.0))
    # A July report does not rescue a missed June.
    late = monthly("shinan", "projects", {5: 45, 6: 49, 7: 58})
    assert progress(projects(), late, as_of=D(2023, 8, 31)).double_half == "missed"


def test_double_half_falls_back_on_the_latest_report_before_30_june():
    may_only = monthly("shinan", "projects", {4: 40, 5: 52})
    p = progress(projects(), may_only, as_of=D(2023, 7, 15))
    assert p.double_half == "achieved"
    assert p.double_half_progress == pytest.approx(52.0)
    assert progress(projects(), [], as_of=D(2023, 7, 15)).double_half == "missed"


def test_the_projection_continues_the_pace_of_the_latest_report_to_the_year_end():
    p = progress(projects(), monthly("shinan", "projects", {5: 62}), as_of=D(2023, 5, 31))
    assert p.projected == pytest.approx(148.8)  # 62 / (5 / 12)
    assert p.projected_progress == pytest.approx(148.8)
    assert p.on_track is True
    slow = progress(projects(), monthly("shinan", "projects", {3: 20}), as_of=D(2023, 3, 31))
    assert slow.projected == pytest.approx(80.0)  # 20 / (3 / 12)
    assert slow.on_track is False


def test_the_projection_uses_the_time_of_the_report_not_of_the_judgement():
    p = progress(projects(), monthly("shinan", "projects", {5: 50}), as_of=D(2023, 6, 30))
    assert p.time_progress == 50.0  # the June report is missing ...
    assert p.projected == pytest.approx(120.0)  # ... so the pace is May's: 50 / (5 / 12)
    assert p.period == "2023-05"


def test_reports_for_periods_after_the_date_are_ignored():
    reports = monthly("shinan", "projects", {5: 45, 6: 55})
    p = progress(projects(), reports, as_of=D(2023, 6, 15))
    assert (p.actual, p.period) == (45, "2023-05")


def test_dated_daily_reports_use_days_for_time_progress():
    reports = [
        Actual("shinan", "projects", "2023-03-15", 10),
        Actual("shinan", "projects", "2023-07-02", 52),
    ]
    p = progress(projects(), reports, as_of=D(2023, 7, 2))
    assert p.frequency == "day"
    assert p.time_progress == pytest.approx(100 * 183 / 365)  # 50.14
    assert p.status == "green"


def test_nothing_reported_while_progress_is_due_is_unreported():
    p = progress(projects(), [], as_of=D(2023, 3, 31))
    assert p.status == "unreported"
    assert p.task_progress is None and p.gap is None and p.projected is None
    early = progress(projects(), [], as_of=D(2023, 1, 20))
    assert early.status == "green"  # nothing was due yet


def test_a_completed_target_is_marked_so():
    p = progress(projects(), monthly("shinan", "projects", {9: 100}), as_of=D(2023, 9, 30))
    assert p.completed is True
    assert p.status == "green"


# -- tables and summaries --------------------------------------------------------


def test_progress_table_gives_one_tidy_row_per_target_in_the_targets_order():
    targets = [projects(), pingdu()]
    actuals = [
        *monthly("pingdu", "key_projects", {6: 85}),
        *monthly("shinan", "projects", {6: 44}),
    ]
    rows = progress_table(targets, actuals, as_of=D(2023, 6, 30))
    assert [(r["unit"], r["target"]) for r in rows] == [
        ("shinan", "projects"),
        ("pingdu", "key_projects"),
    ]
    assert rows[0]["status"] == "red" and rows[1]["status"] == "green"
    assert set(rows[0]) >= {
        "unit",
        "target",
        "name",
        "target_value",
        "start",
        "actual",
        "period",
        "time_progress",
        "task_progress",
        "gap",
        "status",
        "double_half",
        "projected",
        "on_track",
    }
    assert all(not isinstance(v, (dict, list, tuple)) for v in rows[0].values())
    assert rows[1]["source"] == "pledged" and rows[1]["pledged_on"] == "2023-05-27"
    only = progress_table(targets, actuals, as_of=D(2023, 6, 30), units=["pingdu"])
    assert [r["unit"] for r in only] == ["pingdu"]


def test_progress_table_reports_every_stray_or_doubled_report_together():
    actuals = [
        Actual("shinan", "projects", "2023-05", 40),
        Actual("shinan", "projects", "2023年5月", 41),
        Actual("shinan", "nothing", "2023-05", 1),
        Actual("laixi", "projects", "2023-05", 1),
    ]
    with pytest.raises(TargetError) as caught:
        progress_table([projects()], actuals, as_of=D(2023, 6, 30))
    codes = [p.code for p in caught.value.problems]
    assert sorted(codes) == [
        "target.no_such_target",
        "target.no_such_target",
        "target.period_twice",
    ]
    assert {"unit": "shinan", "id": "nothing"} in [dict(p.params) for p in caught.value.problems]


def test_a_target_reported_both_monthly_and_quarterly_is_rejected():
    actuals = [
        Actual("shinan", "projects", "2023-05", 40),
        Actual("shinan", "projects", "2023Q2", 50),
    ]
    with pytest.raises(TargetError) as caught:
        progress(projects(), actuals, as_of=D(2023, 6, 30))
    assert caught.value.problems[0].code == "target.mixed_frequencies"


def test_an_actual_with_an_unreadable_period_or_value_names_the_field():
    with pytest.raises(TargetError, match="period") as caught:
        Actual("shinan", "projects", "May", 1)
    assert caught.value.field == "period"
    with pytest.raises(TargetError) as caught:
        Actual("shinan", "projects", "2023-05", float("nan"))
    assert caught.value.field == "value"


def test_summarise_by_unit_counts_colours_and_double_half_verdicts():
    targets = [projects(), projects(id="buildings", name="楼宇提升"), pingdu()]
    actuals = [
        *monthly("shinan", "projects", {6: 60}),
        *monthly("shinan", "buildings", {6: 30}),
        *monthly("pingdu", "key_projects", {6: 80}),
    ]
    summary = summarise_by_unit(progress_all(targets, actuals, as_of=D(2023, 6, 30)))
    assert summary[0] == {
        "unit": "shinan",
        "targets": 2,
        "green": 1,
        "yellow": 0,
        "red": 1,
        "unreported": 0,
        "double_half_achieved": 1,
        "double_half_missed": 1,
        "double_half_pending": 0,
        "on_track": 1,
    }
    assert summary[1]["yellow"] == 1


def test_trajectory_judges_the_target_at_the_end_of_each_reported_period():
    reports = monthly("shinan", "projects", {1: 5, 2: 14, 3: 25})
    steps = trajectory(projects(), reports)
    assert [s.as_of for s in steps] == [D(2023, 1, 31), D(2023, 2, 28), D(2023, 3, 31)]
    assert [round(s.gap, 2) for s in steps] == [-3.33, -2.67, 0.0]  # 5-8.33, 14-16.67, 25-25
    assert [s.status for s in steps] == ["yellow", "yellow", "green"]
