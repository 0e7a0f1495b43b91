"""Compute a period's results from a scheme and its data (spec sections 2 to 6).

>>> from leitai.engine import PeriodData, assess, parse_scheme
>>> scheme = parse_scheme('''
... id: demo
... name: 示例
... version: 1
... units: [{id: a, name: 甲区}, {id: b, name: 乙区}]
... boards:
...   - {id: economy, name: 经济运行, points: 100,
...      indicators: [{id: gdp, name: GDP增速, direction: higher, method: minmax}]}
... flags: [{id: vanguard, name: 排头, when: "rank <= 1"}]
... ''')
>>> result = assess(scheme, PeriodData.from_mapping(scheme, {"a": {"gdp": 5}, "b": {"gdp": 7}}))
>>> [(row["unit"], row["rank"], row["flags"]) for row in result.league_table()]
[('b', 1, ['vanguard']), ('a', 2, [])]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from leitai.engine.data import PeriodData
from leitai.engine.errors import DataError
from leitai.engine.methods import apply_missing, competition_rank, score_indicator
from leitai.engine.problems import Problem, Where, number_text
from leitai.engine.result import Result
from leitai.engine.scheme import Board, Scheme

__all__ = [
    "BoardPlan",
    "aggregate",
    "assess",
    "board_plan",
    "board_stars",
    "needs_preparation",
    "previous_ranks",
]


@dataclass(frozen=True)
class BoardPlan:
    """A board's place in the arrays: its children as indicator and board columns."""

    index: int
    board: Board
    indicator_columns: tuple[int, ...]
    board_columns: tuple[int, ...]
    weights: np.ndarray  # indicators' weights first, then sub-boards'
    parent: int | None


def board_plan(scheme: Scheme) -> list[BoardPlan]:
    """Every board, depth-first, with the columns of its children."""
    boards = scheme.all_boards()
    board_index = {b.id: i for i, b in enumerate(boards)}
    indicator_index = {ind.id: j for j, ind in enumerate(scheme.all_indicators())}
    parents: dict[str, int] = {}
    for board in boards:
        for child in board.boards:
            parents[child.id] = board_index[board.id]
    plans = []
    for i, board in enumerate(boards):
        weights = [ind.weight for ind in board.indicators] + [
            (child.weight if child.weight is not None else 1.0) for child in board.boards
        ]
        plans.append(
            BoardPlan(
                index=i,
                board=board,
                indicator_columns=tuple(indicator_index[ind.id] for ind in board.indicators),
                board_columns=tuple(board_index[child.id] for child in board.boards),
                weights=np.asarray(weights, dtype=float),
                parent=parents.get(board.id),
            )
        )
    return plans


def previous_ranks(scheme: Scheme, previous: Any) -> np.ndarray:
    """Previous ranks aligned with the scheme's units (nan where unknown).

    ``previous`` may be a :class:`Result`, a result in the JSON form of spec section 8,
    or a mapping of unit id to rank.
    """
    n = len(scheme.units)
    out = np.full(n, np.nan)
    if previous is None:
        return out
    if isinstance(previous, Result):
        mapping: Mapping[str, Any] = {row["unit"]: row["rank"] for row in previous.league_table()}
    elif isinstance(previous, Mapping) and "results" in previous:
        try:
            mapping = {str(row["unit"]): row["rank"] for row in previous["results"]}
        except (TypeError, KeyError):
            raise DataError(Problem("previous.no_unit_rank", Where(), {})) from None
    elif isinstance(previous, Mapping):
        mapping = previous
    else:
        raise DataError(Problem("previous.no_unit_rank", Where(), {}))
    for u, unit in enumerate(scheme.unit_ids):
        rank = mapping.get(unit)
        if rank is None:
            continue
        try:
            out[u] = float(rank)
        except (TypeError, ValueError):
            raise DataError(
                Problem("previous.not_a_rank", Where(), {"unit": unit, "found": str(rank)[:40]})
            ) from None
    return out


def _check_targets(scheme: Scheme, data: PeriodData) -> None:
    errors = []
    for j, indicator in enumerate(scheme.all_indicators()):
        if scheme.resolved(indicator)[0] != "target":
            continue
        present = ~np.isnan(data.values[:, j])
        bad = present & ~(data.targets[:, j] > 0)
        for u in np.flatnonzero(bad):
            unit = scheme.unit_ids[u]
            where = data.locations.get((unit, indicator.id), Where())
            found = data.targets[u, j]
            if np.isnan(found):
                errors.append(
                    Problem(
                        "data.target_missing",
                        where,
                        {"unit": unit, "indicator": indicator.id, "name": indicator.name},
                    )
                )
            else:
                errors.append(
                    Problem(
                        "data.target_not_positive",
                        where,
                        {"found": number_text(found), "unit": unit, "indicator": indicator.id},
                    )
                )
    if errors:
        raise DataError(errors)


def needs_preparation(scheme: Scheme) -> bool:
    """Whether the scheme asks for section 9 data preparation."""
    return scheme.prepare is not None or any(i.denominator for i in scheme.all_indicators())


def assess(
    scheme: Scheme,
    data: PeriodData,
    *,
    previous: Any = None,
    period: str | None = None,
) -> Result:
    """Assess one period.

    Parameters
    ----------
    scheme : Scheme
        The validated scheme.
    data : PeriodData
        The period's values, checked against ``scheme``.
    previous : Result, dict or mapping of unit id to rank, optional
        The previous period's result, for ``prev_rank`` and ``rank_change``.
    period : str, optional
        A label such as ``"2023Q1"``.

    Returns
    -------
    Result
        Indicator and board scores, composite, ranks, stars, flags and grades.

    Raises
    ------
    DataError
        When the data do not fit the scheme (e.g. a target method without a target).
    """
    if data.scheme_id != scheme.id or data.values.shape != (
        len(scheme.units),
        len(scheme.all_indicators()),
    ):
        raise DataError(
            Problem("data.other_scheme", Where(), {"made": data.scheme_id, "wanted": scheme.id})
        )
    _check_targets(scheme, data)
    indicators = scheme.all_indicators()
    n = len(scheme.units)
    values = data.values
    preparation: list[dict[str, Any]] = []
    if needs_preparation(scheme):
        from leitai.engine.prepare import prepare_values

        values, preparation = prepare_values(scheme, data.values, data.series)

    scores = np.empty((n, len(indicators)))
    for j, indicator in enumerate(indicators):
        method, direction, missing = scheme.resolved(indicator)
        raw = score_indicator(
            values[:, j],
            method=method,
            direction=direction,
            params=indicator.params,
            target=data.targets[:, j],
        )
        scores[:, j] = apply_missing(raw, missing)

    plans = board_plan(scheme)
    board_scores, shares = aggregate(plans, scores)
    top = [p.index for p in plans if p.parent is None]
    top_points = np.array([p.board.points or 0.0 for p in plans if p.parent is None])
    composite = board_scores[:, top] @ top_points / 100.0

    adjustments: dict[str, np.ndarray] = {}
    vetoed = np.zeros(n, dtype=bool)
    for adjustment in scheme.adjustments:
        raw_value = data.adjustments[adjustment.id]
        if adjustment.kind == "veto":
            adjustments[adjustment.id] = raw_value.copy()
            vetoed |= raw_value
            continue
        points = np.clip(np.nan_to_num(raw_value, nan=0.0), 0.0, adjustment.max_points)
        adjustments[adjustment.id] = points
        composite = composite + points if adjustment.kind == "bonus" else composite - points

    board_index = {p.board.id: p.index for p in plans}
    rank = competition_rank(composite, *[board_scores[:, board_index[b]] for b in scheme.tie_break])
    board_ranks = competition_rank(board_scores.T).T
    stars = board_stars(scheme, board_scores, board_ranks)
    prev = previous_ranks(scheme, previous)
    rank_change = prev - rank

    env: dict[str, np.ndarray] = {
        "score": composite,
        "rank": rank,
        "prev_rank": prev,
        "rank_change": rank_change,
        "n": np.full(n, float(n)),
        "vetoed": vetoed.astype(float),
    }
    for plan in plans:
        env[f"score_{plan.board.id}"] = board_scores[:, plan.index]
        env[f"rank_{plan.board.id}"] = board_ranks[:, plan.index]
        env[f"stars_{plan.board.id}"] = stars[:, plan.index]
    flags = np.zeros((n, len(scheme.flags)), dtype=bool)
    for k, flag in enumerate(scheme.flags):
        flags[:, k] = scheme.expression(f"flag:{flag.id}").evaluate(env, n) & ~vetoed
    grades = _grades(scheme, env, vetoed)

    return Result(
        scheme=scheme,
        period=period,
        values=data.values,
        prepared=values,
        targets=data.targets,
        scores=scores,
        weights=shares * 100.0,
        board_scores=board_scores,
        board_ranks=board_ranks,
        stars=stars,
        composite=composite,
        rank=rank,
        prev_rank=prev,
        adjustments=adjustments,
        vetoed=vetoed,
        flags=flags,
        grades=grades,
        preparation=tuple(preparation),
    )


def aggregate(plans: list[BoardPlan], scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Board scores at every level and each indicator's share of the composite.

    Works on the last two axes (units, indicators), so leading sample axes pass through.

    Returns
    -------
    board_scores : ndarray (..., n_units, n_boards)
    shares : ndarray (..., n_units, n_indicators)
        The fraction of the composite's board points carried by each indicator
        (times 100 it is the indicator's weight in composite points); 0 where excluded.
    """
    lead = scores.shape[:-1]
    board_scores = np.zeros((*lead, len(plans)))
    denominators = np.zeros((*lead, len(plans)))
    # Children come after their parent in depth-first order: fill from the end.
    for plan in reversed(plans):
        children = np.concatenate(
            [
                scores[..., list(plan.indicator_columns)],
                board_scores[..., list(plan.board_columns)],
            ],
            axis=-1,
        )
        present = ~np.isnan(children)
        den = (present * plan.weights).sum(axis=-1)
        num = (np.where(present, children, 0.0) * plan.weights).sum(axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            board_scores[..., plan.index] = np.where(
                den > 0, num / np.where(den > 0, den, 1.0), 0.0
            )
        denominators[..., plan.index] = den
    board_share = np.zeros((*lead, len(plans)))
    shares = np.zeros(scores.shape)
    for plan in plans:
        if plan.parent is None:
            board_share[..., plan.index] = (plan.board.points or 0.0) / 100.0
        den = denominators[..., plan.index]
        with np.errstate(divide="ignore", invalid="ignore"):
            per_weight = np.where(
                den > 0, board_share[..., plan.index] / np.where(den > 0, den, 1.0), 0.0
            )
        k = len(plan.indicator_columns)
        for c, column in enumerate(plan.indicator_columns):
            present = ~np.isnan(scores[..., column])
            shares[..., column] = np.where(present, per_weight * plan.weights[c], 0.0)
        for c, column in enumerate(plan.board_columns):
            board_share[..., column] = per_weight * plan.weights[k + c]
    return board_scores, shares


def board_stars(scheme: Scheme, board_scores: np.ndarray, board_ranks: np.ndarray) -> np.ndarray:
    """Stars of every board (spec section 5), by rank or by bands of board score."""
    rule = scheme.stars
    if rule.method == "rank":
        return np.maximum(rule.min, rule.max - (board_ranks - 1))
    stars = np.full(board_scores.shape, float(rule.min))
    rounded = np.round(board_scores, 6)
    for threshold, count in reversed(sorted(rule.thresholds, key=lambda p: p[0], reverse=True)):
        stars = np.where(rounded >= threshold, float(count), stars)
    return stars


def _grades(
    scheme: Scheme, env: Mapping[str, np.ndarray], vetoed: np.ndarray
) -> tuple[str | None, ...]:
    n = len(vetoed)
    grades = np.full(n, None, dtype=object)
    assigned = vetoed.copy()
    for k, grade in enumerate(scheme.grades):
        hit = scheme.expression(f"grade:{k}").evaluate(env, n) & ~assigned
        grades[hit] = grade.name
        assigned |= hit
    if scheme.grades:
        grades[vetoed] = scheme.grades[-1].name
    return tuple(grades.tolist())
