"""The rows the targets app hands between its modules and to its templates, typed."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict


class MilestoneJson(TypedDict):
    """A milestone as ``Target.milestones`` stores it: an ISO date and the value due."""

    date: str
    value: float


class TargetChart(TypedDict):
    """A target's trajectory for its chart (:func:`~leitai.web.targets.selectors.target_history`):
    a point per report, progress in percent."""

    labels: list[str | None]
    task: list[float | None]
    time: list[float]
    expected: list[float]
    status: list[str | None]
    milestone_basis: bool


class QuickDate(TypedDict):
    """A date the progress board offers as a link."""

    date: dt.date
    label: str
    url: str
