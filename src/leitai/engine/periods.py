"""Values from other periods' results (spec section 11): the annual assessment.

An indicator with ``from: {period, value}`` takes each unit's value from the result of
another period, read by unit id: ``score`` (the composite), ``rank``, ``stars`` (the sum
over the top-level boards), a board id (its board score) or ``stars_<board id>``.

>>> from leitai.engine import parse_scheme
>>> scheme = parse_scheme('''
... id: annual
... name: 年度
... version: 1
... units: [{id: a, name: 甲区}, {id: b, name: 乙区}]
... boards:
...   - {id: year, name: 全年, points: 100, indicators: [
...       {id: q1, name: 一季度, method: raw, from: {period: 2023Q1, value: score}}]}
... ''')
>>> q1 = {"period": "2023Q1", "results": [{"unit": "a", "score": 80.0, "rank": 1, "boards": {}}]}
>>> other_values(scheme, {"2023Q1": q1})[:, 0].tolist()
[80.0, nan]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from leitai.engine.errors import DataError
from leitai.engine.problems import Problem

if TYPE_CHECKING:
    from leitai.engine.scheme import Indicator, Scheme

__all__ = ["from_columns", "other_values"]

_UNIT_VALUES = ("score", "rank", "stars")


def from_columns(scheme: Scheme) -> list[int]:
    """The columns (indicator indices) whose values come from other periods."""
    return [j for j, ind in enumerate(scheme.all_indicators()) if ind.from_ is not None]


def other_values(scheme: Scheme, others: Mapping[str, Any] | None) -> np.ndarray:
    """Values of the ``from:`` indicators (n_units, n_indicators); nan elsewhere and for a
    unit absent from the other period's result.

    ``others`` maps a period id to a :class:`~leitai.engine.Result` or its JSON form
    (spec section 8).

    Raises
    ------
    DataError
        With a problem located at the indicator's ``from`` in the scheme for a period
        not given, a result of another period or of other units, or a ``value`` naming
        a board that result does not have.
    """
    indicators = scheme.all_indicators()
    out = np.full((len(scheme.units), len(indicators)), np.nan)
    problems: list[Problem] = []
    documents: dict[str, _Document] = {}
    for period in scheme.from_periods:
        document, found = _document(scheme, period, (others or {}).get(period))
        problems += found
        if document is not None:
            documents[period] = document
    for j in from_columns(scheme):
        source = indicators[j].from_
        document = documents.get(source.period) if source is not None else None
        if document is None:
            continue
        column, problem = document.column(scheme, indicators[j])
        if problem is not None:
            problems.append(problem)
        else:
            out[:, j] = column
    if problems:
        raise DataError(problems)
    return out


class _Document:
    """Another period's result as rows by unit, with the ids of its top-level boards."""

    def __init__(
        self, period: str, rows: dict[str, Mapping[str, Any]], top: list[str] | None
    ) -> None:
        self.period = period
        self.rows = rows
        self.top = top
        self.boards = {b for row in rows.values() for b in (row.get("boards") or {})}

    def column(self, scheme: Scheme, indicator: Indicator) -> tuple[np.ndarray, Problem | None]:
        """The indicator's values by unit, or the problem of a board this result lacks."""
        value = indicator.from_.value  # type: ignore[union-attr]
        board, field = _board_field(value)
        if value == "stars" and self.top is None:
            # Never guess: counting every listed board would add sub-boards' stars too.
            path = f"{scheme.indicator_paths[indicator.id]}.from.value"
            return np.empty(0), scheme.problem_at(
                path,
                "from.top_boards_unknown",
                period=self.period,
                boards=", ".join(sorted(self.boards)),
            )
        if board is not None and board not in self.boards:
            path = f"{scheme.indicator_paths[indicator.id]}.from.value"
            return np.empty(0), scheme.problem_at(
                path,
                "from.unknown_board",
                period=self.period,
                found=value,
                expected=", ".join(sorted(self.boards)),
            )
        column = np.full(len(scheme.units), np.nan)
        for u, unit in enumerate(scheme.unit_ids):
            row = self.rows.get(unit)
            if row is not None:
                column[u] = self._value(row, value, board, field)
        return column, None

    def _value(self, row: Mapping[str, Any], value: str, board: str | None, field: str) -> float:
        if board is not None:
            entry = (row.get("boards") or {}).get(board) or {}
            return _number(entry.get(field))
        if value == "stars":
            boards = row.get("boards") or {}
            stars = [_number((boards.get(b) or {}).get("stars")) for b in self.top or ()]
            return float(np.sum(stars)) if stars else float("nan")
        return _number(row.get(value))


def _board_field(value: str) -> tuple[str | None, str]:
    """(board id, field) of a ``from`` value; no board for score, rank and stars."""
    if value in _UNIT_VALUES:
        return None, value
    if value.startswith("stars_"):
        return value[len("stars_") :], "stars"
    return value, "score"


def _number(value: Any) -> float:
    if value is None or isinstance(value, bool):
        return float("nan")
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _document(scheme: Scheme, period: str, given: Any) -> tuple[_Document | None, list[Problem]]:
    """A period's result as a :class:`_Document`, or the problems that make it unusable."""
    from leitai.engine.result import Result

    needing = [i for i in scheme.all_indicators() if i.from_ and i.from_.period == period]
    path = f"{scheme.indicator_paths[needing[0].id]}.from.period"
    if given is None:
        return None, [scheme.problem_at(path, "from.missing_period", period=period)]
    top: list[str] | None = None
    if isinstance(given, Result):
        top = [b.id for b in given.scheme.boards]
        given = given.to_dict()
    rows = _rows(given)
    if rows is None:
        return None, [scheme.problem_at(path, "from.not_a_result", period=period)]
    found = given.get("period")
    if found is not None and str(found) != period:
        problem = scheme.problem_at(path, "from.other_period", period=period, found=str(found))
        return None, [problem]
    assessed = set(scheme.unit_ids)
    unknown = [unit for unit in rows if unit not in assessed]
    if unknown:
        problem = scheme.problem_at(path, "from.other_units", period=period, units=unknown[:10])
        return None, [problem]
    if top is None:
        top = _top_boards(given)
    return _Document(period, rows, top), []


def _rows(given: Any) -> dict[str, Mapping[str, Any]] | None:
    """The result's rows by unit id, or None when ``given`` is not a result."""
    if not isinstance(given, Mapping) or not isinstance(given.get("results"), list):
        return None
    rows: dict[str, Mapping[str, Any]] = {}
    for row in given["results"]:
        if not isinstance(row, Mapping) or "unit" not in row:
            return None
        rows[str(row["unit"])] = row
    return rows


def _top_boards(document: Mapping[str, Any]) -> list[str] | None:
    """The top-level boards of a result in JSON form, where it says which they are.

    The JSON of spec section 8 lists every board at every level without saying which are
    top-level; a ``scheme.boards`` list of top-level ids, where the document carries one,
    says so. Without it, ``value: stars`` is refused rather than guessed.
    """
    scheme = document.get("scheme")
    listed = scheme.get("boards") if isinstance(scheme, Mapping) else None
    if isinstance(listed, list):
        return [str(b) for b in listed]
    return None
