"""The rows the analysis selectors arrange for the views, the templates and the JSON of
the what-if page: one ``TypedDict`` per shape, so that mypy checks the keys on both sides.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from leitai.engine.diagnostics import BoardAlpha, CollinearPair, IndicatorAudit
from leitai.engine.whatif import WhatIfRow
from leitai.web.assessments.models import Snapshot
from leitai.web.assessments.selectors import BoardInfo


class PeriodLink(TypedDict):
    """A period of the what-if page's switcher."""

    label: str
    url: str
    current: bool
    draft: bool


# -- what-if: the smallest changes (whatif_report) ----------------------------------------


class WhatIfCell(TypedDict):
    """One goal of one indicator: the engine's answer with its words and figures."""

    goal: str
    flag: str | None
    status: str
    reason: str | None
    reason_text: str
    reason_detail: str
    verified: bool
    want: int | None
    new_rank: int | None
    new_stars: int | None
    required: float | None
    required_text: str
    change_text: str


class WhatIfItem(TypedDict):
    """One indicator of a board: its value as written and a cell per goal; the view
    adds the value in the form (``current``) and whether it differs (``changed``)."""

    indicator: str
    name: str
    unit_of_measure: str
    direction: str
    written: str
    value: float | None
    step_text: str
    cells: list[WhatIfCell]
    current: NotRequired[str]
    changed: NotRequired[bool]


class WhatIfGroup(TypedDict):
    """A top-level board and its indicators."""

    board: str
    name: str
    items: list[WhatIfItem]


class GoalLabel(TypedDict):
    """A column of the what-if table: ``rank``, ``stars`` or ``flag:<id>``."""

    key: str
    label: str


class WhatIfReport(TypedDict):
    unit: str
    rank: int
    score: float
    n: int
    goals: list[GoalLabel]
    groups: list[WhatIfGroup]
    rows: list[WhatIfRow]


# -- what-if: recomputing with edited values (whatif_outcome) -----------------------------


class Standing(TypedDict):
    """A unit's place before or after the edits; stars by top-level board id."""

    rank: int
    score: float
    stars: dict[str, int]
    flags: list[str]
    grade: str | None


class EditedValue(TypedDict):
    indicator: str
    name: str
    before: float | None
    after: float | None


class StarsChange(TypedDict):
    board: str
    name: str
    before: int
    after: int


class FlagChange(TypedDict):
    id: str
    name: str
    before: bool
    after: bool


class WhatIfOutcome(TypedDict):
    """The what-if page's answer (also sent as JSON)."""

    unit: str
    n: int
    edited: list[EditedValue]
    errors: dict[str, str]
    before: Standing
    after: Standing
    rank_change: int
    stars: list[StarsChange]
    flags: list[FlagChange]
    passed: list[str]
    overtaken_by: list[str]


# -- robustness (robustness_tables) -------------------------------------------------------


class RankChart(TypedDict):
    """The data of the rank-interval chart."""

    labels: list[str]
    nominal: list[int]
    median: list[float]
    interval: list[list[float]]
    n: int
    nominal_label: str
    median_label: str
    interval_label: str
    axis_label: str


class FlagChance(TypedDict):
    id: str
    name: str
    p: float
    text: str
    held: bool


class RobustnessRow(TypedDict):
    """A unit: its rank interval and where the CSS bar sits (0-100)."""

    unit: str
    name: str
    rank: int
    score: float
    median: float
    p5: int
    p95: int
    solid: bool
    left: float
    width: float
    mark: float
    flags: list[FlagChance]


class StarCell(TypedDict):
    stars: int
    p: float
    text: str
    nominal: bool


class StarRow(TypedDict):
    name: str
    nominal: int | None
    p_nominal: float
    cells: list[StarCell]


class StarTable(TypedDict):
    board: BoardInfo
    columns: list[int]
    rows: list[StarRow]


class IndexRow(TypedDict):
    input: str
    label: str
    first_order: float | None
    total: float | None


class RobustnessTables(TypedDict):
    chart: RankChart
    rows: list[RobustnessRow]
    star_tables: list[StarTable]
    indices: list[IndexRow]
    mean_rank_shift: float | None
    evaluations: int | None
    inputs: list[str]
    unstable: int
    chart_height: int


# -- diagnostics (diagnostics_tables) -----------------------------------------------------


class IndicatorNotes(IndicatorAudit):
    """The engine's row of an indicator, numbered, with its board's name and its notes."""

    number: int
    board_name: str
    notes: list[str]


class HeatCell(TypedDict):
    r: float | None
    diagonal: bool
    high: bool
    text: str
    background: str
    dark: bool
    title: str


class HeatRow(TypedDict):
    row: IndicatorNotes
    cells: list[HeatCell]


class CollinearNames(CollinearPair):
    """A collinear pair with the indicators' names and numbers."""

    a_name: str
    b_name: str
    a_number: int
    b_number: int
    board_name: str | None


class DiagnosticsTables(TypedDict):
    indicators: list[IndicatorNotes]
    heat_rows: list[HeatRow]
    numbers: list[int]
    collinear: list[CollinearNames]
    alpha: list[BoardAlpha]
    thresholds: dict[str, float]
    flagged: int
    preparation: list[dict[str, Any]]


# -- two builds compared, trends ----------------------------------------------------------


class BuildOption(TypedDict):
    snapshot: Snapshot
    label: str


class Correlation(TypedDict):
    series: str
    name: str
    spearman: str | None
    pearson: str | None
    moved: int
    current: bool


class BuildsReport(TypedDict):
    """``movers`` and ``rows`` are the engine's ``Comparison.movers``/``table`` rows."""

    series: str
    series_name: str
    correlations: list[Correlation]
    movers: list[dict[str, Any]]
    rows: list[dict[str, Any]]


class TrendRow(TypedDict):
    unit: str
    name: str
    scores: list[float | None]
    growth: float | None
    spark: str


class TrendReport(TypedDict):
    periods: list[str]
    rows: list[TrendRow]
