"""Targets (目标), pledges (军令状) and their progress against time (双过半 tracking).

A :class:`Target` belongs to a unit and has an annual value to reach, a direction,
an optional start value, a deadline and optional milestones. Units report
cumulative :class:`Actual` values per month, per quarter or on dated days.
:func:`progress` compares the latest report on or before a date with the share of
the year gone (序时进度) and gives a three-colour status (三色预警), the mid-year
verdict (双过半) and a year-end projection at the current pace.

All progress figures are on the per-cent scale (0 to 100); gaps are in percentage
points.

>>> import datetime as dt
>>> t = Target(unit="pingdu", id="projects", name="重点项目开工", value=100.0)
>>> p = progress(t, [Actual("pingdu", "projects", "2023-05", 62.0)], as_of=dt.date(2023, 5, 31))
>>> round(p.time_progress, 2), p.task_progress, round(p.gap, 1), p.status
(41.67, 62.0, 20.3, 'green')

The engine gives the numbers (``gap``, ``status``, ``on_track``); the words for them are
chosen at the edge (:func:`leitai.i18n.words.gap_text`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from leitai.engine.errors import InvalidValue, LeitaiError
from leitai.engine.problems import Problem, Where, number_text

__all__ = [
    "Actual",
    "Milestone",
    "MilestoneCheck",
    "Progress",
    "Target",
    "TargetError",
    "parse_period",
    "progress",
    "progress_all",
    "progress_table",
    "summarise_by_unit",
    "time_progress",
    "trajectory",
]

Direction = Literal["higher", "lower"]
Frequency = Literal["month", "quarter", "day"]
Source = Literal["assigned", "pledged"]
Status = Literal["green", "yellow", "red", "unreported"]
DoubleHalf = Literal["achieved", "missed", "pending"]

DIRECTIONS = ("higher", "lower")
FREQUENCIES = ("month", "quarter", "day")
SOURCES = ("assigned", "pledged")
STATUSES = ("green", "yellow", "red", "unreported")
# Comparisons of percentages are made after rounding, so that 50.0000000001 and
# 49.9999999999 coming out of float arithmetic are both read as 50.
_DECIMALS = 9


class TargetError(LeitaiError, ValueError):
    """A target, an actual or a set of them that cannot be used as it is.

    Parameters
    ----------
    problems : Problem or list of Problem
        Each naming the target (``params`` unit and id) and the field at fault
        (``where.path``).
    field : str, optional
        The field at fault when there is exactly one.
    """

    def __init__(self, problems: Problem | list[Problem], *, field: str | None = None) -> None:
        super().__init__(problems)
        self.field = field


def _problem(code: str, field: str | None = None, **params: Any) -> Problem:
    return Problem(code, Where(path=field), params)


# ---------------------------------------------------------------------------
# Periods and time progress


_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}
_QUARTER = re.compile(r"^(\d{4})\s*(?:[-/.]|年)?\s*(?:[Qq]([1-4])|第?([1-4一二三四])季度?)$")
_MONTH = re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?$")
_DAY = re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$")


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_period(period: str | dt.date) -> tuple[Frequency, dt.date, str]:
    """Read a reporting period: a month, a quarter or a day.

    Parameters
    ----------
    period : str or datetime.date
        ``2023-05`` (also ``2023/5``, ``2023年5月``), ``2023Q2`` (also ``2023-Q2``,
        ``2023年第二季度``) or ``2023-05-31`` (also ``2023/5/31``, ``2023年5月31日``).
        A date (or datetime) is a day.

    Returns
    -------
    tuple
        ``(frequency, end, label)``: ``"month"``, ``"quarter"`` or ``"day"``; the last
        day the report covers; the canonical label (``2023-05``, ``2023Q2``,
        ``2023-05-31``).

    Raises
    ------
    ValueError
        When the text is none of these forms or names an impossible date.

    Examples
    --------
    >>> parse_period("2023年第二季度")
    ('quarter', datetime.date(2023, 6, 30), '2023Q2')
    >>> parse_period("2023/5")
    ('month', datetime.date(2023, 5, 31), '2023-05')
    """
    if isinstance(period, dt.datetime):
        period = period.date()
    if isinstance(period, dt.date):
        return "day", period, period.isoformat()
    text = unicodedata.normalize("NFKC", str(period)).strip()
    try:
        if match := _QUARTER.match(text):
            year = int(match[1])
            digit = match[2] or match[3]
            quarter = int(_CN_DIGITS.get(digit, digit))
            return "quarter", _month_end(year, quarter * 3), f"{year}Q{quarter}"
        if match := _MONTH.match(text):
            year, month = int(match[1]), int(match[2])
            return "month", _month_end(year, month), f"{year}-{month:02d}"
        if match := _DAY.match(text):
            day = dt.date(int(match[1]), int(match[2]), int(match[3]))
            return "day", day, day.isoformat()
    except ValueError:
        raise InvalidValue("target.impossible_date", found=text[:40]) from None
    raise InvalidValue("target.not_a_period", found=text[:40])


def _complete_months(on: dt.date, year: int) -> int:
    """Months of ``year`` that have ended by the end of the day ``on``."""
    months = (on.year - year) * 12 + on.month
    if on.day != calendar.monthrange(on.year, on.month)[1]:
        months -= 1
    return months


def _elapsed(on: dt.date, *, frequency: Frequency, deadline: dt.date) -> tuple[int, int]:
    """``(elapsed, total)`` reporting periods of the target year at the date ``on``."""
    year = deadline.year
    if frequency == "day":
        total = (deadline - dt.date(year, 1, 1)).days + 1
        elapsed = (on - dt.date(year, 1, 1)).days + 1
    elif frequency == "month":
        total = deadline.month
        elapsed = _complete_months(on, year)
    else:
        total = (deadline.month + 2) // 3
        elapsed = _complete_months(on, year) // 3
    if on >= deadline:
        elapsed = total
    return min(max(elapsed, 0), total), total


def time_progress(
    on: dt.date, *, frequency: Frequency = "month", deadline: dt.date | None = None
) -> float:
    """Time progress (序时进度) at a date, in per cent.

    The target year runs from 1 January of the deadline's year to the deadline
    (31 December of ``on``'s year by default). For monthly reporting it is the
    months that have ended over the months to the deadline (5 / 12 on 31 May), for
    quarterly reporting the quarters that have ended over the quarters, and for
    dated daily reporting the days elapsed, ``on`` included, over the days.

    Parameters
    ----------
    on : datetime.date
        The date.
    frequency : {"month", "quarter", "day"}
        The reporting frequency.
    deadline : datetime.date, optional
        The target's deadline; 31 December of ``on``'s year by default.

    Returns
    -------
    float
        Between 0 and 100.

    Examples
    --------
    >>> round(time_progress(dt.date(2023, 5, 31)), 4)
    41.6667
    >>> round(time_progress(dt.date(2023, 6, 29)), 4)  # June has not ended yet
    41.6667
    >>> time_progress(dt.date(2023, 7, 15), frequency="quarter")
    50.0
    """
    if frequency not in FREQUENCIES:
        raise TargetError(
            _problem("target.frequency", "frequency", found=str(frequency), expected=FREQUENCIES),
            field="frequency",
        )
    deadline = deadline or dt.date(on.year, 12, 31)
    elapsed, total = _elapsed(on, frequency=frequency, deadline=deadline)
    return 100.0 * elapsed / total


# ---------------------------------------------------------------------------
# The model


# Validation is pydantic's, as for the scheme: each field's type raises its problem code
# (PydanticCustomError), the cross-field rules raise theirs naming the field, and
# _target_error turns the first error, in the order the fields are listed, into a
# TargetError naming the target and the field.


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PydanticCustomError("target.empty_text", "target.empty_text")
    return value


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        found = str(value)[:40]
        raise PydanticCustomError("number.not_a_number", "number.not_a_number", {"found": found})
    number = float(value)
    if not math.isfinite(number):
        raise PydanticCustomError("number.not_finite", "number.not_finite", {"found": str(value)})
    return number


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    found = str(value)[:40]
    raise PydanticCustomError("target.not_a_date", "target.not_a_date", {"found": found})


def _one_of(choices: tuple[str, ...], code: str) -> BeforeValidator:
    def check(value: Any) -> str:
        if value not in choices:
            raise PydanticCustomError(code, code, {"found": str(value)})
        return str(value)

    return BeforeValidator(check)


def _period(value: Any) -> tuple[str, dt.date, str]:
    try:
        return parse_period(value)
    except InvalidValue as error:
        inner = error.problem
        raise PydanticCustomError(inner.code, inner.code, dict(inner.params)) from None


def _milestones(value: Any) -> tuple[Milestone, ...]:
    try:
        return tuple(m if isinstance(m, Milestone) else Milestone(*m) for m in value)
    except TypeError:
        raise PydanticCustomError("target.milestone_pairs", "target.milestone_pairs") from None


def _rule(field: str, code: str, **params: Any) -> PydanticCustomError:
    """A cross-field rule broken: the field it is reported on travels in the context."""
    return PydanticCustomError(code, code, {"field": field, **params})


_Text = Annotated[str, BeforeValidator(_text)]
_Number = Annotated[float, BeforeValidator(_number)]
_Date = Annotated[dt.date, BeforeValidator(_date)]
_STRICT = ConfigDict(arbitrary_types_allowed=True, frozen=True)


class _MilestoneFields(BaseModel):
    model_config = _STRICT
    date: _Date
    value: _Number


class _ActualFields(BaseModel):
    model_config = _STRICT
    unit: _Text
    target: _Text
    period: Annotated[tuple[str, dt.date, str], BeforeValidator(_period)]
    value: _Number


def _target_error(error: ValidationError, who: dict[str, str], prefix: str = "") -> TargetError:
    """The first problem of a validation, placed at its field, naming the target."""
    first = error.errors()[0]
    context = dict(first.get("ctx") or {})
    inner = context.get("error")
    if isinstance(inner, TargetError):  # a milestone's own problem
        [problem] = inner.problems
        params = {**who, **problem.params}
        return TargetError(Problem(problem.code, problem.where, params), field=inner.field)
    field = str(context.pop("field", None) or ".".join(str(p) for p in first["loc"]))
    field = prefix + field
    return TargetError(Problem(first["type"], Where(path=field), {**who, **context}), field=field)


@dataclass(frozen=True, order=True)
class Milestone:
    """A value to reach by a date inside the target year (e.g. 83 by 30 June).

    Parameters
    ----------
    date : datetime.date
        The date by which the value is due.
    value : float
        The cumulative value due by then.
    """

    date: dt.date
    value: float

    def __post_init__(self) -> None:
        try:
            fields = _MilestoneFields(date=self.date, value=self.value)
        except ValidationError as error:
            raise _target_error(error, {}, "milestones.") from None
        object.__setattr__(self, "date", fields.date)
        object.__setattr__(self, "value", fields.value)


def _check_milestones(milestones: tuple[Milestone, ...], deadline: dt.date | None) -> None:
    """Milestones on distinct dates, inside the deadline's year (or one year without one)."""
    dates = [m.date for m in milestones]
    if len(set(dates)) != len(dates):
        raise _rule("milestones", "target.milestones_same_date")
    if deadline is None:
        if len({d.year for d in dates}) > 1:
            raise _rule("milestones", "target.milestones_years")
        return
    for m in milestones:
        if m.date.year != deadline.year or m.date > deadline:
            raise _rule(
                "milestones",
                "target.milestone_outside_year",
                date=m.date.isoformat(),
                deadline=deadline.isoformat(),
            )


class _TargetFields(BaseModel):
    """A target's fields, validated in the order their problems are reported."""

    model_config = _STRICT
    unit: _Text
    id: _Text
    name: _Text
    direction: Annotated[str, _one_of(DIRECTIONS, "target.direction")]
    source: Annotated[str, _one_of(SOURCES, "target.source")]
    target: _Number
    start: _Number | None
    deadline: _Date | None
    pledged_on: _Date | None
    milestones: Annotated[tuple[Milestone, ...], BeforeValidator(_milestones)]

    @model_validator(mode="after")
    def _consistent(self) -> _TargetFields:
        if self.direction == "lower" and self.start is None:
            raise _rule("start", "target.lower_needs_start")
        start = 0.0 if self.start is None else self.start
        if self.direction == "higher" and not self.target > start:
            raise _rule("target", "target.higher_not_above_start", start=number_text(start))
        if self.direction == "lower" and not self.target < start:
            raise _rule("target", "target.lower_not_below_start", start=number_text(start))
        milestones = tuple(sorted(self.milestones))
        _check_milestones(milestones, self.deadline)
        object.__setattr__(self, "milestones", milestones)
        return self


@dataclass(frozen=True)
class Target:
    """A unit's annual target, assigned by the city or pledged at an arena.

    Parameters
    ----------
    unit : str
        The unit's id.
    id : str
        The target's id, unique within the unit.
    name : str
        What is to be done, e.g. ``重点项目开工``.
    value : float
        The target value (目标值) due by the deadline, cumulative over the year.
    unit_of_measure : str, default ""
        E.g. ``个``, ``亿元``, ``%``.
    direction : {"higher", "lower"}, default "higher"
        ``lower`` for a target that is a fall (energy use, PM2.5): then ``start``
        is required and ``value`` lies below it.
    start : float, optional
        The value at the start of the year; 0 for a ``higher`` target when omitted.
    deadline : datetime.date, optional
        31 December of the year being judged when omitted.
    milestones : sequence of Milestone or (date, value) pairs, default ()
        Intermediate values; the target is judged against them (see :func:`progress`).
    indicator : str, optional
        The id of the scheme indicator the target feeds, if any.
    source : {"assigned", "pledged"}, default "assigned"
        Assigned by the city (市级下达) or pledged at an arena (擂台承诺).
    pledged_on : datetime.date, optional
        The day of the arena at which it was pledged.

    Raises
    ------
    TargetError
        Naming the target and the field at fault.
    """

    unit: str
    id: str
    name: str
    value: float
    unit_of_measure: str = ""
    direction: Direction = "higher"
    start: float | None = None
    deadline: dt.date | None = None
    milestones: tuple[Milestone, ...] = ()
    indicator: str | None = None
    source: Source = "assigned"
    pledged_on: dt.date | None = None

    def __post_init__(self) -> None:
        who = {"unit": str(self.unit), "id": str(self.id)}
        try:
            fields = _TargetFields(
                unit=self.unit,
                id=self.id,
                name=self.name,
                direction=self.direction,
                source=self.source,
                target=self.value,
                start=self.start,
                deadline=self.deadline,
                pledged_on=self.pledged_on,
                milestones=self.milestones,
            )
        except ValidationError as error:
            raise _target_error(error, who) from None
        object.__setattr__(self, "value", fields.target)
        object.__setattr__(self, "start", fields.start)
        object.__setattr__(self, "deadline", fields.deadline)
        object.__setattr__(self, "pledged_on", fields.pledged_on)
        object.__setattr__(self, "milestones", fields.milestones)

    @property
    def key(self) -> tuple[str, str]:
        """``(unit, id)``, the target's identity."""
        return (self.unit, self.id)

    @property
    def baseline(self) -> float:
        """The start value, 0 when omitted."""
        return 0.0 if self.start is None else float(self.start)

    def deadline_in(self, year: int) -> dt.date:
        """The deadline, or 31 December of ``year`` when none was set."""
        if self.deadline is not None:
            return self.deadline
        if self.milestones:
            return dt.date(self.milestones[0].date.year, 12, 31)
        return dt.date(year, 12, 31)


@dataclass(frozen=True)
class Actual:
    """A cumulative value a unit reported for one of its targets.

    Parameters
    ----------
    unit : str
        The unit's id.
    target : str
        The target's id.
    period : str or datetime.date
        ``2023-05``, ``2023Q2`` or ``2023-05-31`` (see :func:`parse_period`); kept in
        its canonical form.
    value : float
        The cumulative value from the start of the year to the end of the period.
    note : str, default ""
        What was done (进展情况).
    evidence : str, optional
        The name of a supporting file.

    Attributes
    ----------
    frequency : {"month", "quarter", "day"}
        The reporting frequency the period implies.
    end : datetime.date
        The last day the report covers.
    """

    unit: str
    target: str
    period: str
    value: float
    note: str = ""
    evidence: str | None = None
    frequency: Frequency = field(init=False, compare=False)
    end: dt.date = field(init=False, compare=False)

    def __post_init__(self) -> None:
        who = {"unit": str(self.unit), "id": str(self.target), "period": str(self.period)}
        try:
            fields = _ActualFields.model_validate(
                {
                    "unit": self.unit,
                    "target": self.target,
                    "period": self.period,
                    "value": self.value,
                }
            )
        except ValidationError as error:
            raise _target_error(error, who) from None
        frequency, end, label = fields.period
        object.__setattr__(self, "period", label)
        object.__setattr__(self, "value", fields.value)
        object.__setattr__(self, "frequency", frequency)
        object.__setattr__(self, "end", end)

    @property
    def key(self) -> tuple[str, str]:
        """``(unit, target)``, the identity of the target reported on."""
        return (self.unit, self.target)


@dataclass(frozen=True)
class MilestoneCheck:
    """A milestone and, once its date has come, the value reported by then.

    Attributes
    ----------
    date, value
        The milestone.
    due : bool
        Whether the date has come (on or before ``as_of``).
    actual : float or None
        The latest cumulative value reported for a period ending on or before the date;
        None when not due or nothing was reported.
    met : bool or None
        Whether ``actual`` reached ``value`` (None when not due).
    """

    date: dt.date
    value: float
    due: bool
    actual: float | None
    met: bool | None


@dataclass(frozen=True)
class Progress:
    """A target's progress at a date. Percentages are on the 0-100 scale.

    Attributes
    ----------
    target : Target
        The target judged.
    as_of : datetime.date
        The date of the judgement.
    frequency : {"month", "quarter", "day"}
        The reporting frequency (from the actuals; monthly when there are none).
    deadline : datetime.date
        The deadline in force.
    actual : float or None
        The latest cumulative value reported for a period ending on or before ``as_of``.
    period : str or None
        That report's period; ``note`` and ``evidence`` come with it.
    time_progress : float
        序时进度 at ``as_of``.
    expected_progress : float
        The progress due at ``as_of``: ``time_progress``, or with milestones the
        schedule through them (see :func:`progress`).
    basis : {"time", "milestone"}
        Which of the two ``expected_progress`` is.
    task_progress : float or None
        任务进度 = 100 (actual - start) / (target - start).
    gap : float or None
        task_progress - time_progress, in points (positive: 超序时进度).
    shortfall : float or None
        expected_progress - task_progress, in points, when positive; 0 otherwise.
    status : {"green", "yellow", "red", "unreported"}
        The three-colour warning; ``unreported`` when nothing was reported although
        progress was due.
    double_half : {"achieved", "missed", "pending"}
        双过半: task progress of at least 50 at the latest report on or before 30 June.
    double_half_progress : float or None
        The task progress that verdict was made on.
    projected : float or None
        The value at the deadline at the current pace, linear from the start.
    projected_progress : float or None
        The task progress that value would be.
    on_track : bool or None
        Whether ``projected`` reaches the target.
    completed : bool
        Whether the target has been reached already.
    milestones : tuple of MilestoneCheck
    """

    target: Target
    as_of: dt.date
    frequency: Frequency
    deadline: dt.date
    actual: float | None
    period: str | None
    note: str
    evidence: str | None
    time_progress: float
    expected_progress: float
    basis: Literal["time", "milestone"]
    task_progress: float | None
    gap: float | None
    shortfall: float | None
    status: Status
    double_half: DoubleHalf
    double_half_progress: float | None
    projected: float | None
    projected_progress: float | None
    on_track: bool | None
    completed: bool
    milestones: tuple[MilestoneCheck, ...]

    def row(self) -> dict[str, Any]:
        """A tidy row: one flat dict of plain values (dates as ISO text).

        The keys are ``unit, target, name, indicator, source, pledged_on,
        unit_of_measure, direction, start, target_value, deadline, as_of, frequency,
        period, actual, note, evidence, time_progress, expected_progress, basis,
        task_progress, gap, shortfall, status, double_half, double_half_progress,
        projected, projected_progress, on_track, completed, milestone,
        milestone_value, milestone_actual, milestone_met``. The ``milestone*`` keys
        describe the latest milestone due, else the next one, else are None.
        """
        t = self.target
        due = [m for m in self.milestones if m.due]
        upcoming = [m for m in self.milestones if not m.due]
        shown = due[-1] if due else (upcoming[0] if upcoming else None)
        return {
            "unit": t.unit,
            "target": t.id,
            "name": t.name,
            "indicator": t.indicator,
            "source": t.source,
            "pledged_on": t.pledged_on.isoformat() if t.pledged_on else None,
            "unit_of_measure": t.unit_of_measure,
            "direction": t.direction,
            "start": t.baseline,
            "target_value": t.value,
            "deadline": self.deadline.isoformat(),
            "as_of": self.as_of.isoformat(),
            "frequency": self.frequency,
            "period": self.period,
            "actual": self.actual,
            "note": self.note,
            "evidence": self.evidence,
            "time_progress": self.time_progress,
            "expected_progress": self.expected_progress,
            "basis": self.basis,
            "task_progress": self.task_progress,
            "gap": self.gap,
            "shortfall": self.shortfall,
            "status": self.status,
            "double_half": self.double_half,
            "double_half_progress": self.double_half_progress,
            "projected": self.projected,
            "projected_progress": self.projected_progress,
            "on_track": self.on_track,
            "completed": self.completed,
            "milestone": shown.date.isoformat() if shown else None,
            "milestone_value": shown.value if shown else None,
            "milestone_actual": shown.actual if shown else None,
            "milestone_met": shown.met if shown else None,
        }


# ---------------------------------------------------------------------------
# Computation


def _frequency_of(target: Target, actuals: Sequence[Actual]) -> Frequency:
    kinds = {a.frequency for a in actuals}
    if len(kinds) > 1:
        raise TargetError(
            _problem(
                "target.mixed_frequencies",
                "period",
                unit=target.unit,
                id=target.id,
                found=sorted(kinds),
            ),
            field="period",
        )
    return kinds.pop() if kinds else "month"


def _latest(actuals: Sequence[Actual], on: dt.date) -> Actual | None:
    """The report for the latest period ending on or before ``on`` (actuals sorted)."""
    chosen = None
    for actual in actuals:
        if actual.end > on:
            break
        chosen = actual
    return chosen


def _share(target: Target, value: float) -> float:
    start = target.baseline
    return 100.0 * (value - start) / (target.value - start)


def _expected(
    target: Target, *, time: float, frequency: Frequency, deadline: dt.date
) -> tuple[float, Literal["time", "milestone"]]:
    """Progress due at time progress ``time``: straight, or through the milestones."""
    if not target.milestones:
        return time, "time"
    xs = [0.0]
    ys = [0.0]
    for m in target.milestones:
        x = time_progress(m.date, frequency=frequency, deadline=deadline)
        if x <= xs[-1]:
            # Two milestones falling in one reporting period: the later one governs it.
            ys[-1] = _share(target, m.value) if x > 0 else ys[-1]
            continue
        xs.append(x)
        ys.append(_share(target, m.value))
    if xs[-1] < 100.0:
        xs.append(100.0)
        ys.append(100.0)
    return float(np.interp(time, xs, ys)), "milestone"


@dataclass(frozen=True)
class _Inputs:
    target: Target
    frequency: Frequency
    deadline: dt.date
    latest: Actual | None
    time: float
    time_at_report: float
    expected: float
    basis: Literal["time", "milestone"]
    midyear_actual: float
    double_half_due: bool
    milestones: tuple[MilestoneCheck, ...]


def _inputs(target: Target, actuals: Sequence[Actual], as_of: dt.date) -> _Inputs:
    frequency = _frequency_of(target, actuals)
    deadline = target.deadline_in(as_of.year)
    ordered = sorted(actuals, key=lambda a: a.end)
    for before, after in itertools.pairwise(ordered):
        if before.end == after.end:
            raise TargetError(
                _problem(
                    "target.period_twice",
                    "period",
                    unit=target.unit,
                    id=target.id,
                    period=after.period,
                ),
                field="period",
            )
    latest = _latest(ordered, as_of)
    time = time_progress(as_of, frequency=frequency, deadline=deadline)
    time_at_report = (
        time_progress(min(latest.end, as_of), frequency=frequency, deadline=deadline)
        if latest
        else 0.0
    )
    expected, basis = _expected(target, time=time, frequency=frequency, deadline=deadline)
    midyear = dt.date(deadline.year, 6, 30)
    at_midyear = _latest(ordered, midyear)
    checks = []
    for m in target.milestones:
        due = m.date <= as_of
        reached = _latest(ordered, m.date) if due else None
        met = None
        if due:
            met = reached is not None and (
                round(reached.value - m.value, _DECIMALS) >= 0
                if target.direction == "higher"
                else round(reached.value - m.value, _DECIMALS) <= 0
            )
        checks.append(MilestoneCheck(m.date, m.value, due, reached.value if reached else None, met))
    return _Inputs(
        target=target,
        frequency=frequency,
        deadline=deadline,
        latest=latest,
        time=time,
        time_at_report=time_at_report,
        expected=expected,
        basis=basis,
        midyear_actual=at_midyear.value if at_midyear else math.nan,
        double_half_due=as_of >= midyear,
        milestones=tuple(checks),
    )


def _none(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def _assemble(inputs: Sequence[_Inputs], *, as_of: dt.date, margin: float) -> list[Progress]:
    """Progress of many targets at once: the arithmetic runs on arrays."""
    if isinstance(margin, bool) or not isinstance(margin, int | float) or not margin >= 0:
        raise TargetError(_problem("target.margin", "margin", found=str(margin)), field="margin")
    if not inputs:
        return []
    start = np.array([i.target.baseline for i in inputs])
    goal = np.array([i.target.value for i in inputs])
    actual = np.array([i.latest.value if i.latest else math.nan for i in inputs])
    time = np.array([i.time for i in inputs])
    time_at_report = np.array([i.time_at_report for i in inputs])
    expected = np.array([i.expected for i in inputs])
    midyear = np.array([i.midyear_actual for i in inputs])
    due = np.array([i.double_half_due for i in inputs])

    span = goal - start
    task = 100.0 * (actual - start) / span
    gap = task - time
    behind = np.round(expected - task, _DECIMALS)
    shortfall = np.maximum(behind, 0.0)
    reported = ~np.isnan(task)
    status = np.select(
        [~reported & (expected <= 0), ~reported, behind <= 0, behind <= margin],
        ["green", "unreported", "green", "yellow"],
        "red",
    )
    midyear_task = 100.0 * (midyear - start) / span
    double_half = np.where(
        ~due, "pending", np.where(np.round(midyear_task, _DECIMALS) >= 50.0, "achieved", "missed")
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        projected_task = np.where(time_at_report > 0, task * 100.0 / time_at_report, math.nan)
    projected = start + projected_task / 100.0 * span
    rounded_projection = np.round(projected_task, _DECIMALS)
    completed = np.round(task, _DECIMALS) >= 100.0

    out = []
    for k, i in enumerate(inputs):
        latest = i.latest
        out.append(
            Progress(
                target=i.target,
                as_of=as_of,
                frequency=i.frequency,
                deadline=i.deadline,
                actual=latest.value if latest else None,
                period=latest.period if latest else None,
                note=latest.note if latest else "",
                evidence=latest.evidence if latest else None,
                time_progress=float(time[k]),
                expected_progress=float(expected[k]),
                basis=i.basis,
                task_progress=_none(task[k]),
                gap=_none(gap[k]),
                shortfall=_none(shortfall[k]),
                status=str(status[k]),  # type: ignore[arg-type]
                double_half=str(double_half[k]),  # type: ignore[arg-type]
                double_half_progress=_none(midyear_task[k]) if due[k] else None,
                projected=_none(projected[k]),
                projected_progress=_none(projected_task[k]),
                on_track=None
                if math.isnan(projected_task[k])
                else bool(rounded_projection[k] >= 100.0),
                completed=bool(completed[k]),
                milestones=i.milestones,
            )
        )
    return out


def progress(
    target: Target, actuals: Iterable[Actual], *, as_of: dt.date, margin: float = 5.0
) -> Progress:
    """A target's progress at a date.

    The latest report for a period ending on or before ``as_of`` is compared with
    the time progress at ``as_of`` (:func:`time_progress`, in the frequency the
    reports are made in):

    - task progress = 100 (actual - start) / (target - start), which also holds for
      a ``lower`` target, whose target lies below its start;
    - gap = task progress - time progress, in points;
    - status: green when task progress reaches the progress due, yellow when it falls
      short by no more than ``margin`` points, red beyond; ``unreported`` when progress
      was due and nothing was reported. The progress due is the time progress; for a
      target with milestones it is the schedule through the milestones instead: a
      straight line in time progress from 0 at the year's start through each
      milestone's share, (milestone - start) / (target - start), at its date, to 100
      at the deadline; so at a milestone's date the target is judged against the
      milestone rather than the time-proportional share;
    - 双过半: ``pending`` before 30 June; from then on ``achieved`` when the latest
      report for a period ending on or before 30 June shows task progress of at least
      50, ``missed`` otherwise (also when nothing was reported by then);
    - the projection continues the pace of the latest report linearly from the start:
      start + (actual - start) / (time progress at that report) to the deadline.

    Parameters
    ----------
    target : Target
    actuals : iterable of Actual
        Reports; those of other targets are ignored.
    as_of : datetime.date
        The date of the judgement.
    margin : float, default 5.0
        Points below the progress due that are still yellow.

    Returns
    -------
    Progress

    Raises
    ------
    TargetError
        When the target's reports mix frequencies or report a period twice.

    Examples
    --------
    A ``lower`` target, PM2.5 from 35 down to 30, at 29.5 after three quarters:

    >>> t = Target("jimo", "pm25", "PM2.5平均浓度", 30.0, direction="lower", start=35.0)
    >>> p = progress(t, [Actual("jimo", "pm25", "2023Q3", 33.0)], as_of=dt.date(2023, 10, 8))
    >>> p.task_progress, p.time_progress, p.status
    (40.0, 75.0, 'red')
    """
    mine = [a for a in actuals if a.key == target.key]
    return _assemble([_inputs(target, mine, as_of)], as_of=as_of, margin=margin)[0]


def progress_all(
    targets: Iterable[Target],
    actuals: Iterable[Actual],
    *,
    as_of: dt.date,
    margin: float = 5.0,
) -> list[Progress]:
    """The progress of every target at a date, in the targets' order.

    Unlike :func:`progress`, an actual for a target not in ``targets`` is an error,
    and so is a target listed twice. All problems are reported together.

    Parameters
    ----------
    targets : iterable of Target
    actuals : iterable of Actual
    as_of : datetime.date
    margin : float, default 5.0
        See :func:`progress`.

    Returns
    -------
    list of Progress

    Raises
    ------
    TargetError
        Listing every problem found.
    """
    targets = list(targets)
    grouped: dict[tuple[str, str], list[Actual]] = {}
    errors: list[Problem] = []
    for t in targets:
        if t.key in grouped:
            errors.append(_problem("target.listed_twice", "id", unit=t.unit, id=t.id))
        grouped[t.key] = []
    for a in actuals:
        if a.key not in grouped:
            errors.append(_problem("target.no_such_target", "target", unit=a.unit, id=a.target))
            continue
        grouped[a.key].append(a)
    inputs = []
    for t in targets:
        try:
            inputs.append(_inputs(t, grouped[t.key], as_of))
        except TargetError as error:
            errors.extend(error.problems)
    if errors:
        raise TargetError(errors)
    return _assemble(inputs, as_of=as_of, margin=margin)


def progress_table(
    targets: Iterable[Target],
    actuals: Iterable[Actual],
    *,
    as_of: dt.date,
    margin: float = 5.0,
    units: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """Tidy rows, one per target, of every target's progress at a date.

    Parameters
    ----------
    targets, actuals, as_of, margin
        See :func:`progress_all`.
    units : sequence of str, optional
        Keep only these units' targets, in this order of units.

    Returns
    -------
    list of dict
        :meth:`Progress.row` of each target.

    Examples
    --------
    >>> t = Target("shinan", "buildings", "楼宇提升", 15, unit_of_measure="栋")
    >>> rows = progress_table([t], [Actual("shinan", "buildings", "2023-06", 7)],
    ...                       as_of=dt.date(2023, 6, 30))
    >>> rows[0]["status"], rows[0]["double_half"], round(rows[0]["gap"], 2)
    ('yellow', 'missed', -3.33)
    """
    rows = [p.row() for p in progress_all(targets, actuals, as_of=as_of, margin=margin)]
    if units is None:
        return rows
    place = {u: k for k, u in enumerate(units)}
    return sorted((r for r in rows if r["unit"] in place), key=lambda r: place[r["unit"]])


def trajectory(target: Target, actuals: Iterable[Actual], *, margin: float = 5.0) -> list[Progress]:
    """The target's progress at the end of each period it was reported for.

    Returns
    -------
    list of Progress
        One per report, in time order: the series behind a progress chart.
    """
    mine = sorted((a for a in actuals if a.key == target.key), key=lambda a: a.end)
    inputs = [_inputs(target, mine, a.end) for a in mine]
    return [_assemble([i], as_of=i.latest.end, margin=margin)[0] for i in inputs if i.latest]


def summarise_by_unit(progresses: Iterable[Progress]) -> list[dict[str, Any]]:
    """Counts per unit: targets by status, 双过半 verdicts and projections.

    Returns
    -------
    list of dict
        In order of first appearance, with the keys ``unit, targets, green, yellow,
        red, unreported, double_half_achieved, double_half_missed,
        double_half_pending, on_track``.
    """
    summary: dict[str, dict[str, Any]] = {}
    for p in progresses:
        row = summary.setdefault(
            p.target.unit,
            {
                "unit": p.target.unit,
                "targets": 0,
                **dict.fromkeys(STATUSES, 0),
                "double_half_achieved": 0,
                "double_half_missed": 0,
                "double_half_pending": 0,
                "on_track": 0,
            },
        )
        row["targets"] += 1
        row[p.status] += 1
        row[f"double_half_{p.double_half}"] += 1
        row["on_track"] += bool(p.on_track)
    return list(summary.values())
