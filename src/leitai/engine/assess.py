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
from typing import Any

import numpy as np

from leitai.engine import pipeline as steps
from leitai.engine.data import PeriodData
from leitai.engine.errors import DataError
from leitai.engine.pipeline import needs_preparation
from leitai.engine.problems import Problem, Where, number_text
from leitai.engine.result import Result
from leitai.engine.scheme import Scheme

__all__ = ["assess", "needs_preparation", "previous_ranks"]


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
    plan = steps.Plan.of(scheme)
    prepared, preparation = steps.prepare(plan, data.values, data.series)
    scores = steps.fill_missing(plan, steps.score(plan, prepared, data.targets))
    board_scores, denominators = steps.aggregate(plan, scores)
    adjusted = steps.adjustments(plan, data.adjustments)
    total = steps.adjust(steps.composite(plan, board_scores), adjusted)
    standing = steps.stand(
        plan,
        total,
        board_scores,
        prev_rank=previous_ranks(scheme, previous),
        vetoed=adjusted.vetoed,
    )
    variables = steps.RuleVariables(plan, standing)
    return Result(
        scheme=scheme,
        period=period,
        values=data.values,
        prepared=prepared,
        targets=data.targets,
        scores=scores,
        weights=steps.shares(plan, scores, denominators) * 100.0,
        board_scores=np.ascontiguousarray(board_scores.T),
        board_ranks=np.ascontiguousarray(standing.board_ranks.T),
        stars=np.ascontiguousarray(standing.stars.T),
        composite=total,
        rank=standing.rank,
        prev_rank=standing.prev_rank,
        adjustments=adjusted.points,
        vetoed=adjusted.vetoed,
        flags=steps.flags(plan, variables),
        grades=steps.grade_names(plan, steps.grades(plan, variables)),
        preparation=tuple(preparation),
    )
