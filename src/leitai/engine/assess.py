"""Compute a period's results from a scheme and its data (spec sections 2 to 6).

>>> from leitai.engine import PeriodData, assess, parse_scheme
>>> scheme = parse_scheme('''
... id: league
... name: 季度考核
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
from leitai.engine.periods import from_columns, other_values
from leitai.engine.pipeline import needs_preparation
from leitai.engine.problems import Problem, Where, number_text
from leitai.engine.result import Result
from leitai.engine.scheme import Scheme

__all__ = ["assess", "needs_preparation", "previous_ranks"]


def previous_ranks(scheme: Scheme, previous: Any) -> np.ndarray:
    """Previous ranks aligned with the scheme's units (nan where unknown).

    ``previous`` may be a :class:`Result`, a result in the JSON form of spec section 8,
    a mapping of unit id to rank, or of unit id to ``{"rank": ..., "group": ...}``.
    With ``ranking: group`` (spec section 10) a previous rank counts only where it was
    taken in the unit's present group: one of another group, or without a group, is nan.
    """
    n = len(scheme.units)
    out = np.full(n, np.nan)
    if previous is None:
        return out
    entries = _previous_entries(previous)
    grouped = scheme.ranking == "group"
    for u, unit in enumerate(scheme.units):
        rank, group = entries.get(unit.id, (None, None))
        if rank is None or (grouped and (group is None or group != unit.group)):
            continue
        try:
            out[u] = float(rank)
        except (TypeError, ValueError):
            raise DataError(
                Problem("previous.not_a_rank", Where(), {"unit": unit.id, "found": str(rank)[:40]})
            ) from None
    return out


def _previous_entries(previous: Any) -> dict[str, tuple[Any, Any]]:
    """Unit id -> (previous rank, previous group) from any accepted form of ``previous``."""
    if isinstance(previous, Result):
        previous = previous.to_dict()
    if isinstance(previous, Mapping) and "results" in previous:
        try:
            return {
                str(row["unit"]): (row["rank"], row.get("group")) for row in previous["results"]
            }
        except (TypeError, KeyError, AttributeError):
            raise DataError(Problem("previous.no_unit_rank", Where(), {})) from None
    if not isinstance(previous, Mapping):
        raise DataError(Problem("previous.no_unit_rank", Where(), {}))
    out: dict[str, tuple[Any, Any]] = {}
    for unit, entry in previous.items():
        if isinstance(entry, Mapping):
            out[str(unit)] = (entry.get("rank"), entry.get("group"))
        else:
            out[str(unit)] = (entry, None)
    return out


def previous_values(scheme: Scheme, previous: Any) -> np.ndarray | None:
    """The previous period's raw values (n_units, n_indicators) aligned with the scheme,
    nan where unknown; None where ``previous`` gives ranks only (or is None).

    ``previous`` is a :class:`Result` or a result in the JSON form of spec section 8;
    imputation ``by: panel`` (docs/methods.md, section D) reads it.
    """
    if isinstance(previous, Result):
        previous = previous.to_dict()
    if not isinstance(previous, Mapping) or "results" not in previous:
        return None
    units = {u: k for k, u in enumerate(scheme.unit_ids)}
    columns = {ind.id: j for j, ind in enumerate(scheme.all_indicators())}
    out = np.full((len(units), len(columns)), np.nan)
    for row in previous["results"]:
        u = units.get(str(row.get("unit")))
        for indicator, entry in (row.get("indicators") or {}).items():
            j = columns.get(indicator)
            value = entry.get("value") if isinstance(entry, Mapping) else None
            if u is not None and j is not None and isinstance(value, int | float):
                out[u, j] = float(value)
    return out


def panel_values(scheme: Scheme, previous: Any) -> np.ndarray | None:
    """:func:`previous_values` where the scheme imputes ``by: panel``, else None."""
    prepare = scheme.prepare
    if prepare is None or prepare.impute is None or prepare.impute.by != "panel":
        return None
    return previous_values(scheme, previous)


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


def with_other_periods(
    scheme: Scheme, data: PeriodData, others: Mapping[str, Result | dict[str, Any]] | None
) -> np.ndarray:
    """The data's raw values with those of the ``from:`` indicators filled from the
    results of other periods (spec section 11)."""
    columns = from_columns(scheme)
    if not columns:
        return data.values
    values = np.array(data.values)
    values[:, columns] = other_values(scheme, others)[:, columns]
    return values


def assess(
    scheme: Scheme,
    data: PeriodData,
    *,
    previous: Any = None,
    period: str | None = None,
    others: Mapping[str, Result | dict[str, Any]] | None = None,
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
    others : mapping of period id to Result or its JSON dict, optional
        The results of the periods the scheme's ``from:`` indicators read (spec section
        11; :attr:`Scheme.from_periods` names them). ``value: stars`` sums the stars of
        the top-level boards: a Result knows them; the JSON of spec section 8 lists every
        board without its level, so a JSON dict of a scheme with sub-boards should name
        its top-level boards in ``document["scheme"]["boards"]`` (otherwise every board
        listed counts).

    Returns
    -------
    Result
        Indicator and board scores, composite, ranks, stars, flags and grades.

    Raises
    ------
    DataError
        When the data do not fit the scheme (e.g. a target method without a target), or
        a result of another period the scheme needs is absent or does not fit it.

    Notes
    -----
    With ``ranking: group`` (spec section 10) ranks, ``prev_rank``, board ranks, stars,
    ``n`` and the flags and grades that read them are within each unit's group;
    ``rank_all`` and ``n_all`` are among all units.
    """
    if data.scheme_id != scheme.id or data.values.shape != (
        len(scheme.units),
        len(scheme.all_indicators()),
    ):
        raise DataError(
            Problem("data.other_scheme", Where(), {"made": data.scheme_id, "wanted": scheme.id})
        )
    _check_targets(scheme, data)
    values = with_other_periods(scheme, data, others)
    plan = steps.Plan.of(scheme)
    last = panel_values(scheme, previous)
    prepared, preparation = steps.prepare(plan, values, data.series, last)
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
        groups=steps.unit_groups(scheme),
    )
    variables = steps.RuleVariables(plan, standing)
    return Result(
        scheme=scheme,
        period=period,
        values=values,
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
        group=tuple(unit.group for unit in scheme.units),
        rank_all=standing.rank_all,
    )
