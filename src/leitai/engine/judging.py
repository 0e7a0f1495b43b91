"""Live arena scoring (现场评议): judges' sheets to each unit's score, by group and overall.

The judges in the hall score each unit on a sheet of one of three kinds
(:class:`JudgingScheme`):

``criteria``
    several criteria, each scored from 0 to its ``max`` points (晒成绩 30, 查不足 30,
    谈举措 40); the sheet's total is their sum.
``single``
    one score from ``low`` to ``high`` (1–100 by default).
``choices``
    one of a few choices with their points (好 95, 较好 85, 一般 75, 差 60).

Judges belong to groups with weights (市领导 40%, 部门 30%, 代表 30%). For every unit
and group the sheets' totals are combined by the rule:

``mean``
    the plain mean of the group's sheets;
``trimmed``
    the mean after dropping the ``trim`` highest and the ``trim`` lowest totals. Ties at
    the extremes drop exactly ``trim`` values (with 90, 90, 80, 70 and trim 1, one 90
    and the 70 go; the other 90 stays). A group with ``2 * trim`` sheets or fewer for a
    unit has nothing left after trimming: it **falls back to the plain mean of the
    sheets it has** and the result says so (``fallback``).

An abstention (a judge who declares not to score a unit) is no sheet for that unit:
it is counted apart and never enters a mean. A group without any sheet for a unit is
left out of that unit's overall score and the weights of the groups that did score
are rescaled to sum to one; a unit no group scored has no score and no rank.

The overall score is ``sum(w_g * s_g) / sum(w_g)`` over the groups with a score; the
units are ranked on it, higher first, with competition ranks ("1224") as everywhere
in leitai (:func:`leitai.engine.methods.competition_rank`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypedDict

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from leitai.engine.errors import LeitaiError
from leitai.engine.methods import DECIMALS, competition_rank
from leitai.engine.problems import Problem, Where

__all__ = [
    "Choice",
    "Criterion",
    "JudgeGroup",
    "JudgingResult",
    "JudgingScheme",
    "bonus_points",
    "judge",
    "sheet_total",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Criterion(_Model):
    """One criterion of a ``criteria`` sheet, scored from 0 to ``max`` points."""

    id: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=100)
    max: float = Field(gt=0, le=1000)


class Choice(_Model):
    """One choice of a ``choices`` sheet (好, 较好, ...) and the points it gives."""

    label: str = Field(min_length=1, max_length=20)
    points: float = Field(ge=0, le=1000)


class JudgeGroup(_Model):
    """A group of judges (市领导, 部门, 代表) and its weight in the overall score."""

    id: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=100)
    weight: float = Field(gt=0, le=100)


class JudgingScheme(_Model):
    """How the judges score and how their sheets are combined.

    Attributes
    ----------
    kind : {"criteria", "single", "choices"}
        The sheet's kind (see the module's description).
    criteria : list of Criterion
        The criteria of a ``criteria`` sheet.
    low, high : float
        The range of a ``single`` score (1 to 100 by default).
    choices : list of Choice
        The choices of a ``choices`` sheet.
    groups : list of JudgeGroup
        The judges' groups; their weights need not sum to 1 (they are normalised).
    rule : {"mean", "trimmed"}
        How a group's sheets for one unit are combined.
    trim : int
        With ``rule="trimmed"``: how many of the highest and of the lowest are dropped.
    """

    kind: Literal["criteria", "single", "choices"] = "single"
    criteria: list[Criterion] = Field(default_factory=list)
    low: float = 1.0
    high: float = 100.0
    choices: list[Choice] = Field(default_factory=list)
    groups: list[JudgeGroup] = Field(min_length=1)
    rule: Literal["mean", "trimmed"] = "mean"
    trim: int = Field(default=0, ge=0, le=10)

    @model_validator(mode="after")
    def _consistent(self) -> JudgingScheme:
        if self.kind == "criteria" and not self.criteria:
            raise ValueError("a criteria sheet needs at least one criterion")
        if self.kind == "choices" and len(self.choices) < 2:
            raise ValueError("a choices sheet needs at least two choices")
        if self.kind == "single" and not self.low < self.high:
            raise ValueError("low must be below high")
        for name, items in (
            ("criteria", [c.id for c in self.criteria]),
            ("choices", [c.label for c in self.choices]),
            ("groups", [g.id for g in self.groups]),
        ):
            if len(set(items)) != len(items):
                raise ValueError(f"{name} repeat an id")
        if self.rule == "trimmed" and self.trim < 1:
            raise ValueError("a trimmed mean drops at least one sheet at each end")
        return self

    @property
    def full_marks(self) -> float:
        """The highest total a sheet can give."""
        if self.kind == "criteria":
            return float(sum(c.max for c in self.criteria))
        if self.kind == "choices":
            return float(max(c.points for c in self.choices))
        return float(self.high)

    @property
    def trimmed(self) -> int:
        """How many are dropped at each end (0 for the plain mean)."""
        return self.trim if self.rule == "trimmed" else 0


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _out_of_scale(
    found: Any, low: float, high: float, criterion: Criterion | None = None
) -> Problem:
    """A score outside its range; the range as written (0 to 30, not 0.0 to 30.0) and,
    on a ``criteria`` sheet, the criterion by its name (its id is the problem's path)."""
    params = {"found": str(found)[:40], "low": f"{low:g}", "high": f"{high:g}"}
    if criterion is None:
        return Problem("judging.out_of_scale", Where(), params)
    return Problem(
        "judging.criterion_out_of_scale",
        Where(path=criterion.id),
        {**params, "criterion": criterion.name},
    )


def _criteria_total(scheme: JudgingScheme, entry: Any) -> float:
    if not isinstance(entry, Mapping):
        raise LeitaiError(Problem("judging.sheet_incomplete", Where(), {}))
    problems: list[Problem] = []
    total = 0.0
    for c in scheme.criteria:
        number = _number(entry.get(c.id))
        if entry.get(c.id) in (None, ""):
            problems.append(
                Problem("judging.criterion_missing", Where(path=c.id), {"criterion": c.name})
            )
        elif number is None or not 0 <= number <= c.max:
            problems.append(_out_of_scale(entry.get(c.id), 0, c.max, c))
        else:
            total += number
    unknown = sorted(set(entry) - {c.id for c in scheme.criteria})
    if unknown:
        problems.append(Problem("judging.unknown_criteria", Where(), {"found": unknown[:5]}))
    if problems:
        raise LeitaiError(problems)
    return total


def sheet_total(scheme: JudgingScheme, entry: Any) -> float:
    """The total of one sheet, checked against the scale.

    Parameters
    ----------
    scheme : JudgingScheme
        The sheet's definition.
    entry : Any
        A ``criteria`` sheet: a mapping of criterion id to points (0 to its max);
        a ``single`` sheet: a number from ``low`` to ``high``; a ``choices`` sheet:
        the label of a choice.

    Returns
    -------
    float
        The sheet's total.

    Raises
    ------
    LeitaiError
        ``judging.out_of_scale`` for a number outside its range (or not a number),
        ``judging.criterion_out_of_scale`` for a criterion's (named, its id the path),
        ``judging.criterion_missing`` for a criterion left empty,
        ``judging.sheet_incomplete`` for a criteria sheet that is not a mapping,
        ``judging.unknown_choice`` / ``judging.unknown_criteria`` for what the sheet
        does not have.
    """
    if scheme.kind == "criteria":
        return _criteria_total(scheme, entry)
    if scheme.kind == "choices":
        points = {c.label: c.points for c in scheme.choices}
        if not isinstance(entry, str) or entry not in points:
            raise LeitaiError(
                Problem("judging.unknown_choice", Where(), {"found": str(entry)[:40]})
            )
        return float(points[entry])
    number = _number(entry)
    if number is None or not scheme.low <= number <= scheme.high:
        raise LeitaiError(_out_of_scale(entry, scheme.low, scheme.high))
    return number


class GroupScore(TypedDict):
    """One judge group's score of one unit in :meth:`JudgingResult.as_dict`."""

    score: float | None
    sheets: int
    abstained: int
    dropped: int
    fallback: bool


class JudgedUnit(TypedDict):
    """One unit's row of :meth:`JudgingResult.as_dict`."""

    unit: str
    overall: float | None
    rank: int | None
    groups: dict[str, GroupScore]


@dataclass(frozen=True)
class JudgingResult:
    """Every unit's score by group and overall.

    Attributes
    ----------
    units : list of str
        The units, in the order given to :func:`judge`.
    groups : list of str
        The group ids, in the scheme's order.
    group_scores : ndarray, shape (n_groups, n_units)
        Each group's score of each unit; nan where the group has no sheet for it.
    sheets, abstained : ndarray of int, shape (n_groups, n_units)
        How many sheets (abstentions not included) and abstentions each group gave.
    dropped : ndarray of int, shape (n_groups, n_units)
        How many sheets the trimming dropped (0 where it fell back to the mean).
    fallback : ndarray of bool, shape (n_groups, n_units)
        Where a trimmed mean had too few sheets and the plain mean was taken.
    overall : ndarray, shape (n_units,)
        The weighted overall score; nan where no group scored the unit.
    rank : ndarray, shape (n_units,)
        Competition ranks on ``overall``, higher first; nan without a score.
    """

    units: list[str]
    groups: list[str]
    group_scores: np.ndarray
    sheets: np.ndarray
    abstained: np.ndarray
    dropped: np.ndarray
    fallback: np.ndarray
    overall: np.ndarray
    rank: np.ndarray

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON: one row per unit, in rank order (units without a score last)."""
        rows: list[JudgedUnit] = []
        for j, unit in enumerate(self.units):
            rows.append(
                {
                    "unit": unit,
                    "overall": _plain(self.overall[j]),
                    "rank": None if np.isnan(self.rank[j]) else int(self.rank[j]),
                    "groups": {
                        g: {
                            "score": _plain(self.group_scores[k, j]),
                            "sheets": int(self.sheets[k, j]),
                            "abstained": int(self.abstained[k, j]),
                            "dropped": int(self.dropped[k, j]),
                            "fallback": bool(self.fallback[k, j]),
                        }
                        for k, g in enumerate(self.groups)
                    },
                }
            )
        rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, self.units.index(r["unit"])))
        return {"groups": list(self.groups), "rows": rows}


def _plain(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), DECIMALS)


def _trimmed_means(totals: np.ndarray, trim: int) -> tuple[np.ndarray, ...]:
    """Trimmed means along axis -2 of ``totals`` (groups × judges × units, nan = no sheet).

    Returns the means, the count of sheets, the count dropped and where it fell back
    to the plain mean because ``count <= 2 * trim``; each of shape groups × units.
    """
    count = np.sum(~np.isnan(totals), axis=-2)
    ordered = np.sort(totals, axis=-2)  # nan sort last: positions 0..count-1 are sheets
    position = np.arange(totals.shape[-2])[:, None]
    fallback = (count <= 2 * trim) & (count > 0) if trim else np.zeros(count.shape, dtype=bool)
    cut = np.where(fallback, 0, trim)[..., None, :]
    keep = (position >= cut) & (position < count[..., None, :] - cut)
    kept = np.sum(keep, axis=-2)
    summed = np.sum(np.where(keep, ordered, 0.0), axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(kept > 0, summed / np.maximum(kept, 1), np.nan)
    return means, count, count - kept, fallback


def _table(cells: np.ndarray, values: np.ndarray, n_g: int, n_u: int) -> np.ndarray:
    """The sheets as a groups × judges × units table (nan where there is none).

    ``cells`` are the flat (group, unit) cells ``group * n_u + unit`` of ``values``;
    each cell's sheets take the judge slots 0, 1, ... in the order given.
    """
    order = np.argsort(cells, kind="stable")
    ordered = cells[order]
    slot = np.arange(ordered.size) - np.searchsorted(ordered, ordered, side="left")
    depth = int(slot.max()) + 1 if slot.size else 1
    table = np.full((n_g, depth, n_u), np.nan)
    table[ordered // max(n_u, 1), slot, ordered % max(n_u, 1)] = values[order]
    return table


def judge(
    scheme: JudgingScheme,
    units: Sequence[str],
    sheets: Sequence[tuple[str, str, float | None]],
) -> JudgingResult:
    """Combine the judges' sheets into each unit's score by group and overall.

    Parameters
    ----------
    scheme : JudgingScheme
        The groups, their weights and the rule.
    units : sequence of str
        The units scored, in running order.
    sheets : sequence of (group id, unit, total or None)
        One entry per judge's sheet: its group, the unit and its total
        (:func:`sheet_total`), or None for an abstention. Sheets of units or groups
        not listed are ignored.

    Returns
    -------
    JudgingResult
        Group scores, counts, the overall score and the ranks.
    """
    groups = [g.id for g in scheme.groups]
    g_index = {g: k for k, g in enumerate(groups)}
    u_index = {u: j for j, u in enumerate(units)}
    n_g, n_u = len(groups), len(units)
    kept = [(g_index[g], u_index[u], t) for g, u, t in sheets if g in g_index and u in u_index]
    cells = np.array([k * n_u + j for k, j, _t in kept], dtype=int)
    is_sheet = np.array([t is not None for _k, _j, t in kept], dtype=bool)
    values = np.array([np.nan if t is None else float(t) for _k, _j, t in kept])
    abstained = np.bincount(cells[~is_sheet], minlength=n_g * n_u).reshape(n_g, n_u)
    table = _table(cells[is_sheet], values[is_sheet], n_g, n_u)
    scores, counts, dropped, fallback = _trimmed_means(table, scheme.trimmed)
    weights = np.array([g.weight for g in scheme.groups], dtype=float)[:, None]
    present = ~np.isnan(scores)
    weight_sum = np.sum(np.where(present, weights, 0.0), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        overall = np.where(
            weight_sum > 0,
            np.sum(np.where(present, weights * scores, 0.0), axis=0) / weight_sum,
            np.nan,
        )
    return JudgingResult(
        units=list(units),
        groups=groups,
        group_scores=scores,
        sheets=counts,
        abstained=abstained,
        dropped=dropped,
        fallback=fallback,
        overall=overall,
        rank=competition_rank(overall) if n_u else np.zeros(0),
    )


def bonus_points(
    result: JudgingResult, *, max_points: float, by: Literal["rank", "score"], full_marks: float
) -> np.ndarray:
    """Adjustment points from an arena result, scaled by rank or by score.

    Parameters
    ----------
    result : JudgingResult
        The arena's result.
    max_points : float
        The most points the adjustment gives (the scheme's ``max_points``).
    by : {"rank", "score"}
        ``"rank"``: the first gets ``max_points``, the last 0, linearly in between by
        rank, ``max_points * (n - rank) / (n - 1)`` over the ``n`` ranked units (a
        single ranked unit gets ``max_points``). ``"score"``:
        ``max_points * overall / full_marks``.
    full_marks : float
        The highest total a sheet can give (:attr:`JudgingScheme.full_marks`).

    Returns
    -------
    ndarray
        Points per unit, in ``result.units`` order, rounded to 6 decimals; nan for a
        unit without a score.
    """
    if by == "score":
        points = max_points * result.overall / full_marks
    else:
        n = int(np.sum(~np.isnan(result.rank)))
        points = (
            max_points * (n - result.rank) / (n - 1)
            if n > 1
            else np.where(np.isnan(result.rank), np.nan, max_points)
        )
    return np.round(np.clip(points, 0.0, max_points), DECIMALS)
