"""What would it take to move? Smallest single-indicator changes, and what-if recomputation.

For a unit and each of its indicators, :func:`what_it_takes` finds the smallest change
of that indicator's raw value alone (everything else as reported) that

- lifts the unit one composite place (``rank``),
- gives it one more star in the indicator's top-level board (``stars``),
- wins each flag it does not hold (``flag``),

or says why it cannot (``met``: already so; ``vetoed``; ``capped``: the indicator's
score cannot rise further, e.g. top band, target cap, goalposts, first place on
``rank_points``; ``limit``: even an unbounded improvement of this one indicator is not
enough; ``bound``: it would need a negative value of an indicator that has none;
``no_target``: scored against a target the unit does not have; ``other_period``: the
value is another period's result, spec section 11).

With ``ranking: group`` (spec section 10) a unit's rank, stars and flags are those in
its group: what it takes to move is about its place among the units of its group.

The search runs the real pipeline (preparation of section 9, scoring, aggregation,
ranks, stars, flags), because other units' scores depend on this unit's value under
``minmax``, ``zscore`` and ``rank_points``: a scan of candidate values, then bisection
down to a tenth of the data's precision. The answer is rounded to that precision (the
decimals the column is reported with) in the improving direction, and checked with
:func:`leitai.engine.assess`: ``verified`` says the rounded value reaches the goal and
the value one step short does not.

Examples
--------
>>> from leitai.engine import PeriodData, parse_scheme
>>> scheme = parse_scheme('''
... id: w
... name: w
... version: 1
... units: [{id: a, name: A}, {id: b, name: B}, {id: c, name: C}]
... boards:
...   - {id: x, name: X, points: 100, indicators: [
...       {id: i1, name: I1, method: minmax}, {id: i2, name: I2, method: minmax}]}
... ''')
>>> data = PeriodData.from_mapping(scheme, {
...     "a": {"i1": 10, "i2": 9}, "b": {"i1": 5, "i2": 5}, "c": {"i1": 1, "i2": 6}})
>>> report = what_it_takes(scheme, data, "c")
>>> row = report.find("i1", "rank")
>>> row["status"], row["required"], row["new_rank"], row["verified"]
('reachable', 4.0, 2, True)
>>> recompute(scheme, data, {"c": {"i1": 5}}).rank.tolist()
[1.0, 3.0, 2.0]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple, NotRequired, TypedDict

import numpy as np

from leitai.engine import pipeline as steps
from leitai.engine.assess import assess, panel_values
from leitai.engine.data import NumberError, PeriodData, parse_number
from leitai.engine.errors import DataError
from leitai.engine.problems import Problem, Where
from leitai.engine.result import Result
from leitai.engine.scheme import Scheme

__all__ = [
    "Answer",
    "Crossings",
    "WhatIf",
    "WhatIfDict",
    "WhatIfRow",
    "crossings",
    "recompute",
    "what_it_takes",
]

MAX_DECIMALS = 6


def recompute(
    scheme: Scheme,
    data: PeriodData,
    edits: Mapping[str, Mapping[str, Any]],
    *,
    previous: Any = None,
    period: str | None = None,
    others: Mapping[str, Any] | None = None,
) -> Result:
    """Assess the period again with some raw values edited.

    Parameters
    ----------
    scheme : Scheme
    data : PeriodData
    edits : mapping of unit id to {indicator id: value}
        Values as a person writes them (``"1,234.5"``, ``"5%"``); a missing mark
        (``""``, ``"-"``) or None makes the value missing.
    previous, period, others
        As for :func:`leitai.engine.assess`.

    Returns
    -------
    Result
        A normal result of the edited period.

    Raises
    ------
    DataError
        For an unknown unit or indicator or a value that is not a number.

    Examples
    --------
    >>> from leitai.engine import PeriodData, parse_scheme
    >>> scheme = parse_scheme(
    ...     "id: r\\nname: r\\nversion: 1\\nunits: [{id: a, name: A}, {id: b, name: B}]\\n"
    ...     "boards: [{id: x, name: X, points: 100, indicators: [{id: i, name: I, method: minmax}]}]")
    >>> data = PeriodData.from_mapping(scheme, {"a": {"i": 1}, "b": {"i": 2}})
    >>> recompute(scheme, data, {"a": {"i": "3%"}}).rank.tolist()
    [1.0, 2.0]
    """
    units = {u: i for i, u in enumerate(scheme.unit_ids)}
    columns = {ind.id: j for j, ind in enumerate(scheme.all_indicators())}
    changes: dict[tuple[int, int], float] = {}
    errors = []
    for unit, row in edits.items():
        if unit not in units:
            errors.append(Problem("data.unknown_unit", Where(path=f"edits.{unit}"), {"unit": unit}))
            continue
        for indicator, value in row.items():
            if indicator not in columns:
                errors.append(
                    Problem(
                        "data.unknown_indicator",
                        Where(path=f"edits.{unit}.{indicator}"),
                        {"indicator": indicator},
                    )
                )
                continue
            elsewhere = scheme.all_indicators()[columns[indicator]].from_
            if elsewhere is not None:
                # Spec section 11: another period's result, not a value of this period.
                errors.append(
                    Problem(
                        "data.value_from_other_period",
                        Where(path=f"edits.{unit}.{indicator}"),
                        {"indicator": indicator, "period": elsewhere.period},
                    )
                )
                continue
            try:
                number = parse_number(value)
            except NumberError as exc:
                errors.append(exc.problem.located(path=f"edits.{unit}.{indicator}"))
                continue
            changes[(units[unit], columns[indicator])] = math.nan if number is None else number
    if errors:
        raise DataError(errors)
    return assess(
        scheme, data.with_values(changes), previous=previous, period=period, others=others
    )


class Crossings(NamedTuple):
    """Who changed places with a unit between two results (positions in ``unit_ids``)."""

    passed: list[int]
    """Units ahead of it before and behind it after."""
    overtaken_by: list[int]
    """Units behind it before and ahead of it after."""


def crossings(before: Result, after: Result, unit: int) -> Crossings:
    """The units that ``unit`` passed, and those that passed it, from ``before`` to ``after``.

    Ranks are compared as the results give them (with ``ranking: group``, each unit's
    rank within its group; units of other groups never cross).

    Examples
    --------
    >>> from leitai.engine import PeriodData, parse_scheme
    >>> scheme = parse_scheme('''
    ... id: crossings
    ... name: who passed whom
    ... version: 1
    ... units: [{id: a, name: A}, {id: b, name: B}, {id: c, name: C}]
    ... boards:
    ...   - {id: x, name: X, points: 100, indicators: [{id: i1, name: I1, method: minmax}]}
    ... ''')
    >>> data = PeriodData.from_mapping(scheme, {"a": {"i1": 10}, "b": {"i1": 5}, "c": {"i1": 1}})
    >>> before = assess(scheme, data)
    >>> crossings(before, recompute(scheme, data, {"c": {"i1": 7}}), 2)
    Crossings(passed=[1], overtaken_by=[])
    """
    old, new = before.rank, after.rank
    others = [v for v in range(len(old)) if v != unit]
    return Crossings(
        passed=[v for v in others if old[v] < old[unit] and new[v] > new[unit]],
        overtaken_by=[v for v in others if old[v] > old[unit] and new[v] < new[unit]],
    )


def _decimals(column: np.ndarray) -> int:
    """How many decimals the present values of a column are written with (at most 6)."""
    most = 0
    for value in column[~np.isnan(column)]:
        text = f"{abs(float(value)):.{MAX_DECIMALS}f}".rstrip("0")
        most = max(most, len(text.split(".")[1]) if "." in text else 0)
    return min(most, MAX_DECIMALS)


class _Batch:
    """The assess pipeline for many candidate values of one (unit, indicator) cell."""

    def __init__(
        self, scheme: Scheme, data: PeriodData, nominal: Result, last: np.ndarray | None = None
    ) -> None:
        self.scheme = scheme
        self.data = data
        self.nominal = nominal
        self.last = last  # the previous period's values, for imputation by panel
        self.plan = steps.Plan.of(scheme)
        self.adjusted = steps.adjustments(self.plan, data.adjustments)
        # Spec section 10: a unit's rank, stars and flags are within its group.
        self.groups = steps.unit_groups(scheme)

    def run(self, u: int, j: int, candidates: np.ndarray) -> dict[str, np.ndarray]:
        """Outcomes for unit u when its raw value of indicator j is each candidate."""
        plan, data = self.plan, self.data
        k = candidates.size
        column = np.broadcast_to(data.values[:, j], (k, plan.n_units)).copy()
        column[:, u] = candidates
        column = steps.prepare_column(plan, j, column, data.series, data.values, self.last)
        scores = steps.fill_column(plan, j, steps.score_column(plan, j, column, data.targets[:, j]))
        changed = steps.ColumnChange(np.asarray(self.nominal.scores), j, scores)
        board_scores, _ = steps.aggregate(plan, changed)
        total = steps.adjust(steps.composite(plan, board_scores), self.adjusted)
        standing = steps.stand(
            plan,
            total,
            board_scores,
            prev_rank=self.nominal.prev_rank,
            vetoed=self.adjusted.vetoed,
            groups=self.groups,
            units=[u],
        )
        return {
            "rank": standing.rank[:, 0],
            "stars": standing.stars[:, :, 0],
            "flags": steps.flags(plan, steps.RuleVariables(plan, standing))[:, 0, :],
            "score": scores[:, u],
        }


class Answer(TypedDict):
    """How a goal is reached, or why not (the second half of a :class:`WhatIfRow`)."""

    status: str
    reason: str | None
    required: float | None
    change: float | None
    new_rank: int | None
    new_stars: int | None
    verified: bool
    best_rank: NotRequired[int]
    best_stars: NotRequired[int]


class WhatIfRow(Answer):
    """A row of :attr:`WhatIf.rows`: one indicator and one goal (see there)."""

    indicator: str
    name: str
    board: str
    goal: str
    flag: str | None
    want: int | None
    value: float | None
    step: float | None


class WhatIfDict(TypedDict):
    """:meth:`WhatIf.to_dict`."""

    unit: str
    name: str
    group: str | None
    rank: int
    score: float
    rows: list[WhatIfRow]


@dataclass(frozen=True, eq=False)
class WhatIf:
    """The answers of :func:`what_it_takes` for one unit.

    Attributes
    ----------
    unit : str
    result : Result
        The period as reported.
    rows : list of dict
        One per indicator and goal: ``indicator``, ``name``, ``board`` (top-level),
        ``goal`` (``rank``, ``stars`` or ``flag``), ``flag`` (its id), ``want``
        (the rank or star count sought), ``status`` (``reachable``, ``met`` or
        ``unreachable``), ``reason`` (see the module), ``value`` (as reported),
        ``required`` (the value that reaches the goal, rounded to ``step``),
        ``change`` (required - value), ``step``, ``new_rank``, ``new_stars`` (at the
        required value), ``verified`` and, when unreachable for lack of room,
        ``best_rank`` and ``best_stars`` reachable by this indicator alone.
    """

    unit: str
    result: Result
    rows: list[WhatIfRow]

    def find(self, indicator: str, goal: str, flag: str | None = None) -> WhatIfRow:
        """The row of one indicator and goal."""
        for row in self.rows:
            if row["indicator"] == indicator and row["goal"] == goal and row["flag"] == flag:
                return row
        raise KeyError((indicator, goal, flag))

    def to_dict(self) -> WhatIfDict:
        u = self.result.unit_index(self.unit)
        return {
            "unit": self.unit,
            "name": self.result.scheme.units[u].name,
            "group": self.result.group[u],
            "rank": int(self.result.rank[u]),
            "score": float(self.result.composite[u]),
            "rows": self.rows,
        }


def _to_step(x: float, step: float, sign: int, decimals: int) -> float:
    """Round x to a multiple of step in the improving direction."""
    q = x / step
    whole = math.ceil(q - 1e-9) if sign > 0 else math.floor(q + 1e-9)
    return round(whole * step, decimals)


def what_it_takes(
    scheme: Scheme,
    data: PeriodData,
    unit: str,
    *,
    previous: Any = None,
    indicators: list[str] | None = None,
    decimals: int | Mapping[str, int] | None = None,
    others: Mapping[str, Any] | None = None,
) -> WhatIf:
    """For each indicator, the smallest change of its value alone that moves ``unit``.

    Parameters
    ----------
    scheme : Scheme
    data : PeriodData
    unit : str
        The unit's id.
    previous : optional
        The previous period's ranks (flags on ``rank_change`` need them).
    indicators : list of str, optional
        Only these indicators (default all).
    decimals : int or mapping of indicator id to int, optional
        The precision answers are rounded to; by default the decimals the indicator's
        values are written with in ``data`` (at most 6).
    others : mapping of period id to Result or its JSON dict, optional
        The results of other periods the scheme's ``from:`` indicators read (as for
        ``assess``). Those values are another period's and stay as they are: by default
        their indicators are left out, and one asked for gets ``unreachable`` with the
        reason ``other_period``.

    Notes
    -----
    With ``ranking: group`` (spec section 10) the goals are the unit's rank and stars in
    its group and the flags as counted within it.

    Returns
    -------
    WhatIf

    Raises
    ------
    DataError
        For an unknown unit or indicator.

    Examples
    --------
    >>> from leitai.engine import PeriodData, parse_scheme
    >>> scheme = parse_scheme(
    ...     "id: tie\\nname: tie\\nversion: 1\\nunits: [{id: a, name: A}, {id: b, name: B}]\\n"
    ...     "boards: [{id: x, name: X, points: 100, indicators: [{id: i, name: I, method: minmax}]}]")
    >>> data = PeriodData.from_mapping(scheme, {"a": {"i": 1.5}, "b": {"i": 2.0}})
    >>> row = what_it_takes(scheme, data, "a").find("i", "rank")
    >>> row["required"], row["change"], row["new_rank"]  # a tie shares first place
    (2.0, 0.5, 1)
    """
    if unit not in scheme.unit_ids:
        raise DataError(Problem("data.unknown_unit", Where(path="unit"), {"unit": unit}))
    all_indicators = scheme.all_indicators()
    ids = [i.id for i in all_indicators]
    fixed = {i.id for i in all_indicators if i.from_ is not None}
    wanted = indicators if indicators is not None else [i for i in ids if i not in fixed]
    unknown = [i for i in wanted if i not in ids]
    if unknown:
        raise DataError(
            [
                Problem("data.unknown_indicator", Where(path="indicators"), {"indicator": i})
                for i in unknown
            ]
        )
    nominal = assess(scheme, data, previous=previous, others=others)
    batch = _Batch(scheme, data, nominal, panel_values(scheme, previous))
    u = scheme.unit_ids.index(unit)
    top_of = {ind.id: top for top in scheme.boards for ind in top.all_indicators()}
    board_index = {b.id: i for i, b in enumerate(scheme.all_boards())}
    rank0 = int(nominal.rank[u])
    rows: list[WhatIfRow] = []
    for indicator_id in wanted:
        j = ids.index(indicator_id)
        indicator = all_indicators[j]
        top = top_of[indicator_id]
        b = board_index[top.id]
        stars0 = int(nominal.stars[u, b])
        goals: list[tuple[str, str | None, int | None]] = [
            ("rank", None, rank0 - 1),
            ("stars", None, stars0 + 1),
        ]
        goals += [("flag", flag.id, None) for flag in scheme.flags]
        if isinstance(decimals, Mapping):
            d = int(decimals.get(indicator_id, _decimals(data.values[:, j])))
        elif decimals is not None:
            d = int(decimals)
        else:
            d = _decimals(data.values[:, j])
        solver = None if indicator_id in fixed else _Solver(batch, u, j, b, d, previous, others)
        for goal, flag, want in goals:
            answer = (
                _answer("unreachable", "other_period")
                if solver is None
                else solver.solve(goal, flag, want)
            )
            rows.append(
                {
                    "indicator": indicator_id,
                    "name": indicator.name,
                    "board": top.id,
                    "goal": goal,
                    "flag": flag,
                    "want": want,
                    "value": None if math.isnan(data.values[u, j]) else float(data.values[u, j]),
                    "step": None if solver is None else solver.step,
                    **answer,
                }
            )
    return WhatIf(unit=unit, result=nominal, rows=rows)


@dataclass(frozen=True)
class _Goal:
    """One goal of a unit: a rank (``want`` or better), stars in a board, or a flag."""

    kind: str
    flag: str | None
    want: int | None
    board: int
    flag_index: int = -1

    def reached(self, rank: np.ndarray | int, stars: np.ndarray, flags: np.ndarray) -> np.ndarray:
        """Whether the goal holds, from ranks (...), stars (..., n_boards) and flags
        (..., n_flags) of the unit."""
        if self.kind == "rank":
            return np.asarray(rank <= (self.want or 0))
        if self.kind == "stars":
            return np.asarray(stars[..., self.board] >= (self.want or 0))
        return np.asarray(flags[..., self.flag_index])


class _Outcome(NamedTuple):
    """A unit's rank, stars (n_boards,) and flags (n_flags,) in a real assessment."""

    rank: int
    stars: np.ndarray
    flags: np.ndarray


def _answer(
    status: str,
    reason: str | None,
    *,
    required: float | None = None,
    change: float | None = None,
    new_rank: int | None = None,
    new_stars: int | None = None,
    verified: bool = True,
    best_rank: int | None = None,
    best_stars: int | None = None,
) -> Answer:
    answer: Answer = {
        "status": status,
        "reason": reason,
        "required": required,
        "change": change,
        "new_rank": new_rank,
        "new_stars": new_stars,
        "verified": verified,
    }
    if best_rank is not None and best_stars is not None:
        answer["best_rank"] = best_rank
        answer["best_stars"] = best_stars
    return answer


class _Solver:
    """Searches the value of one cell for each goal."""

    def __init__(
        self,
        batch: _Batch,
        u: int,
        j: int,
        board: int,
        decimals: int,
        previous: Any,
        others: Mapping[str, Any] | None,
    ) -> None:
        self.scheme, self.data, self.batch = batch.scheme, batch.data, batch
        self.nominal = batch.nominal
        self.u, self.j, self.board, self.previous = u, j, board, previous
        self.others = others
        data = self.data
        self.decimals = decimals
        self.step = 10.0**-decimals
        plan = batch.plan
        self.method = plan.methods[j]
        self.sign = 1 if plan.directions[j] == "higher" else -1
        column = data.values[:, j]
        present = column[~np.isnan(column)]
        self.missing = math.isnan(column[u])
        nonnegative = bool(present.size and present.min() >= 0)
        # Candidates per batch: the batch copies the score matrix once per candidate.
        self.k = int(min(64, max(8, 5e6 // max(1, data.values.size))))
        if self.missing:
            grid = self._grid_to_report(present, nonnegative)
        else:
            grid = self._grid_from(float(column[u]), present)
        self.floor = 0.0 if nonnegative and self.sign < 0 else None
        if self.floor is not None:
            grid = np.maximum(grid, self.floor)
        self.grid = np.unique(grid)[:: self.sign]
        self.scan = batch.run(u, j, self.grid)
        self.no_target = self.method == "target" and not (data.targets[u, j] > 0)
        # Real assessments by value of the cell: the goals of one cell check the same
        # values again (the answer, one step short).
        self._assessed: dict[float, _Outcome] = {}

    def _grid_to_report(self, present: np.ndarray, nonnegative: bool) -> np.ndarray:
        """What value to report: scan from well below the worst reported value (or from
        0 when no value is negative) to far beyond the best."""
        higher = self.sign > 0
        worst = float(present.min() if higher else present.max()) if present.size else 0.0
        best = float(present.max() if higher else present.min()) if present.size else 0.0
        spread = float(present.max() - present.min()) if present.size else 0.0
        self.scale = spread or abs(worst) or 1.0
        start = worst - self.sign * 10.0 * self.scale
        if nonnegative:
            start = max(start, 0.0)
        self.x0 = start
        half = self.k // 2
        return np.concatenate(
            [
                np.linspace(start, best, self.k - half),
                best + self.sign * self.scale * np.logspace(-3, 6, half),
            ]
        )

    def _grid_from(self, x0: float, present: np.ndarray) -> np.ndarray:
        """From the reported value outwards in the improving direction, on a log scale."""
        spread = float(present.max() - present.min()) if present.size else 0.0
        self.scale = spread or abs(x0) or 1.0
        self.x0 = x0
        offsets = self.scale * np.logspace(-6, 6, self.k - 1)
        return x0 + self.sign * np.concatenate([[0.0], offsets])

    def goal(self, kind: str, flag: str | None, want: int | None) -> _Goal:
        flags = [f.id for f in self.scheme.flags]
        index = flags.index(flag) if flag is not None else -1
        return _Goal(kind, flag, want, self.board, index)

    def _gaining_at_floor(self) -> bool:
        """Whether the indicator's score still improves as the value comes down to 0."""
        floor = self.floor or 0.0
        near = np.array([floor + self.step, floor])
        score = self.batch.run(self.u, self.j, near)["score"]
        return bool(score[1] > score[0] + 1e-9)

    def _hit(self, out: dict[str, np.ndarray], goal: _Goal) -> np.ndarray:
        return goal.reached(out["rank"], out["stars"], out["flags"])

    def _check(self, x: float, goal: _Goal) -> tuple[bool, _Outcome]:
        """The real assessment with the cell set to x: does it reach the goal?"""
        outcome = self._assessed.get(x)
        if outcome is None:
            data = self.data.with_values({(self.u, self.j): x})
            result = assess(self.scheme, data, previous=self.previous, others=self.others)
            u = self.u
            outcome = _Outcome(int(result.rank[u]), result.stars[u], result.flags[u])
            self._assessed[x] = outcome
        return bool(goal.reached(outcome.rank, outcome.stars, outcome.flags)), outcome

    def solve(self, kind: str, flag: str | None, want: int | None) -> Answer:
        goal = self.goal(kind, flag, want)
        settled = self._settled(goal)
        if settled is not None:
            return settled
        hits = self._hit(self.scan, goal)
        if self.missing and hits[0]:
            # Reporting any value at all reaches the goal.
            ok, result = self._check(float(self.grid[0]), goal)
            return _answer(
                "reachable",
                "any_value",
                new_rank=result.rank,
                new_stars=int(result.stars[self.board]),
                verified=ok,
            )
        if hits[0]:
            return _answer("met", "met")
        if not hits.any():
            return self._unreachable()
        return self._verified(self._bisect(hits, goal), goal)

    def _settled(self, goal: _Goal) -> Answer | None:
        """The answer when no search is needed: met already, vetoed, no target."""
        u = self.u
        if goal.kind == "rank" and (goal.want or 0) < 1:
            return _answer("met", "met")
        if goal.kind == "stars" and (goal.want or 0) > self.scheme.stars.max:
            return _answer("met", "met")
        if goal.kind == "flag" and self.nominal.flags[u, goal.flag_index]:
            return _answer("met", "met")
        if goal.kind == "flag" and self.nominal.vetoed[u]:
            return _answer("unreachable", "vetoed")
        if self.no_target:
            return _answer("unreachable", "no_target")
        return None

    def _unreachable(self) -> Answer:
        """No value on the scan reaches the goal: why, and how far it gets."""
        scan, u, j = self.scan, self.u, self.j
        now = self.nominal.scores[u, j]
        score_now = -math.inf if np.isnan(now) else float(now)
        score_max = -math.inf if np.all(np.isnan(scan["score"])) else np.nanmax(scan["score"])
        if score_max <= score_now + 1e-9:
            reason = "capped"
        elif self.floor is not None and self.grid[-1] == self.floor and self._gaining_at_floor():
            reason = "bound"
        else:
            reason = "limit"
        return _answer(
            "unreachable",
            reason,
            best_rank=int(scan["rank"][int(np.argmin(scan["rank"]))]),
            best_stars=int(scan["stars"][:, self.board].max()),
        )

    def _bisect(self, hits: np.ndarray, goal: _Goal) -> float:
        """Narrow the first hit of the scan down to a tenth of the step."""
        first = int(np.argmax(hits))
        hi = float(self.grid[first])
        lo = float(self.grid[first - 1]) if first > 0 else hi
        tolerance = self.step / 10.0
        rounds = 0
        while abs(hi - lo) > tolerance and rounds < 80:
            rounds += 1
            candidates = np.linspace(lo, hi, self.k)[1:-1]
            inner = self._hit(self.batch.run(self.u, self.j, candidates), goal)
            if inner.any():
                i = int(np.argmax(inner))
                hi = float(candidates[i])
                lo = float(candidates[i - 1]) if i > 0 else lo
            else:
                lo = float(candidates[-1])
        return hi

    def _verified(self, hi: float, goal: _Goal) -> Answer:
        """Round the search's answer to the step and check it, and one step short, with
        the real assessment."""
        required = _to_step(hi, self.step, self.sign, self.decimals)
        if self.floor is not None:
            required = max(required, self.floor)
        ok, result = self._check(required, goal)
        tries = 0
        while not ok and tries < 3:
            tries += 1
            required = round(required + self.sign * self.step, self.decimals)
            ok, result = self._check(required, goal)
        if not ok:
            return _answer("unreachable", "limit", verified=False)
        required, result = self._step_back(required, result, goal)
        short_ok, _ = self._check(round(required - self.sign * self.step, self.decimals), goal)
        value = None if self.missing else float(self.data.values[self.u, self.j])
        return _answer(
            "reachable",
            None,
            required=required,
            change=None if value is None else round(required - value, self.decimals + 6),
            new_rank=result.rank,
            new_stars=int(result.stars[self.board]),
            verified=not short_ok,
        )

    def _step_back(self, required: float, result: _Outcome, goal: _Goal) -> tuple[float, _Outcome]:
        """The search stops just past a threshold; a value on the threshold itself (a tie
        with another unit, a band's bound) may already do: step back while it does."""
        for _ in range(5):
            back = round(required - self.sign * self.step, self.decimals)
            if not self.missing and self.sign * (back - self.x0) <= 0:
                break
            back_ok, back_result = self._check(back, goal)
            if not back_ok:
                break
            required, result = back, back_result
        return required, result
