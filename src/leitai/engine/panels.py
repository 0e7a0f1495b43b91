"""Several results side by side: trends over periods and the comparison of two builds
(docs/methods.md, section G).

Both read results in the JSON form of spec section 8 (``Result.to_dict()`` or a file
read by :func:`leitai.io.read_result`), so that a published period and a build made
today compare alike.

- :func:`trends`: per unit and series (an indicator's values or scores, a board's
  score, the composite), the compound annual growth rate (COINr's ``CAGR``) or the
  percentage change (COINr's ``prc_change``) over the periods given, optionally the
  latest ``k`` of them (COINr's ``get_trends(use_latest = k)``).
- :func:`compare_results`: two results of the same units (two snapshots of a period,
  two periods, two scheme versions): each unit's score and rank in both, the change
  of rank, the units moving most, and the Spearman and Pearson correlations of the
  scores (COINr's ``compare_coins`` and ``compare_coins_corr``).

Examples
--------
>>> x = np.array([2020.0, 2021.0, 2022.0])
>>> cagr(np.array([[100.0, np.nan, 121.0]]), x).round(6).tolist()
[0.1]
>>> percentage_change(np.array([[100.0, 110.0, np.nan]]), x).round(6).tolist()
[10.0]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

__all__ = [
    "Comparison",
    "Trends",
    "cagr",
    "compare_results",
    "percentage_change",
    "series_table",
    "trends",
]

What = Literal["values", "scores", "boards", "composite"]
COMPOSITE = "score"  # the series id of the composite


def _ends(y: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per row of y (..., T): count of present values, first and last present value and
    their times."""
    present = ~np.isnan(y)
    count = present.sum(axis=-1)
    first = np.argmax(present, axis=-1)
    last = y.shape[-1] - 1 - np.argmax(present[..., ::-1], axis=-1)
    take = lambda a, i: np.take_along_axis(a, i[..., None], axis=-1)[..., 0]  # noqa: E731
    xs = np.broadcast_to(x, y.shape)
    return count, take(y, first), take(y, last), take(xs, first), take(xs, last)


def cagr(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Compound annual growth rate from the first to the last present value, per row.

    ``(y_last / y_first) ^ (1 / (x_last - x_first)) - 1`` over the present values of
    each row of ``y`` (..., T) at the increasing times ``x`` (T,): COINr's ``CAGR``.
    0 where the two values are equal; nan where fewer than two are present or either
    is 0 or below (COINr gives Inf or NaN there, or a number of no meaning where both
    are below 0).

    Examples
    --------
    >>> cagr(np.array([[1.0, 2.0, 4.0], [3.0, np.nan, np.nan], [0.0, 1.0, 2.0]]),
    ...      np.array([1.0, 2.0, 3.0])).tolist()
    [1.0, nan, nan]
    """
    y = np.asarray(y, dtype=float)
    count, y_first, y_last, x_first, x_last = _ends(y, np.asarray(x, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        growth = (y_last / y_first) ** (1.0 / (x_last - x_first)) - 1.0
    growth = np.where((y_first > 0) & (y_last > 0), growth, np.nan)
    growth = np.where(y_last == y_first, 0.0, growth)
    return np.where(count >= 2, growth, np.nan)


def percentage_change(y: np.ndarray, x: np.ndarray, per: float = 1.0) -> np.ndarray:
    """Percentage change per ``per`` time units, per row: COINr's ``prc_change``.

    With two present values, ``100 (y_last - y_first) / y_first * per / (x_last -
    x_first)``; with three or more, from the least-squares line a + b x through the
    present values, ``100 b per / (a + b x_first)``. 0 where every present value is
    the same; nan where fewer than two are present or the (fitted) first value is 0.

    Examples
    --------
    >>> percentage_change(np.array([[10.0, 12.0, 14.0, 16.0]]), np.arange(4.0)).tolist()
    [20.0]
    """
    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    count, y_first, y_last, x_first, x_last = _ends(y, x)
    present = ~np.isnan(y)
    xs = np.where(present, x, 0.0)
    ys = np.where(present, y, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_mean = xs.sum(axis=-1) / count
        y_mean = ys.sum(axis=-1) / count
        dx = np.where(present, x - x_mean[..., None], 0.0)
        dy = np.where(present, y - y_mean[..., None], 0.0)
        slope = (dx * dy).sum(axis=-1) / (dx * dx).sum(axis=-1)
        # The line's value at the first time, from the means (not from the intercept
        # at time 0, which loses digits to cancellation with times like 2022).
        fitted = (slope * per) / (y_mean + slope * (x_first - x_mean)) * 100.0
        two = ((y_last - y_first) * 100.0 / y_first) * (per / (x_last - x_first))
    change = np.where(count == 2, two, fitted)
    change = np.where(np.isfinite(change), change, np.nan)
    y_max = np.where(present, y, -np.inf).max(axis=-1, initial=-np.inf)
    y_min = np.where(present, y, np.inf).min(axis=-1, initial=np.inf)
    change = np.where(y_max == y_min, 0.0, change)
    return np.where(count >= 2, change, np.nan)


_METHODS = {"cagr": cagr, "change": percentage_change}


def trend_of(
    y: np.ndarray,
    x: np.ndarray,
    *,
    method: Literal["cagr", "change"] = "cagr",
    latest: int | None = None,
) -> np.ndarray:
    """:func:`cagr` or :func:`percentage_change` of each row of y (..., T), over every
    period or over the ``latest`` periods ending at the row's last present value.

    COINr's ``get_trends(use_latest = k)`` gives NA where that window begins at the
    first period; here the window is used as it is.
    """
    y = np.asarray(y, dtype=float)
    x = np.asarray(x, dtype=float)
    if latest is None:
        return _METHODS[method](y, x)
    if latest < 2:
        raise ValueError("latest must be at least 2")
    present = ~np.isnan(y)
    last = y.shape[-1] - 1 - np.argmax(present[..., ::-1], axis=-1)
    steps = np.arange(y.shape[-1])
    inside = (steps <= last[..., None]) & (steps > last[..., None] - latest)
    return _METHODS[method](np.where(inside, y, np.nan), x)


# -- result documents --------------------------------------------------------------------


def _rows(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    rows = document.get("results")
    if not isinstance(rows, list):
        raise ValueError("not a result: no list of results")
    return rows


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return np.nan
    return float(value)


def _cells(row: Mapping[str, Any], what: What) -> dict[str, float]:
    """A unit's numbers of one kind: series id -> number (nan where missing)."""
    if what == "composite":
        return {COMPOSITE: _number(row.get("score"))}
    if what == "boards":
        return {k: _number((v or {}).get("score")) for k, v in (row.get("boards") or {}).items()}
    key = "value" if what == "values" else "score"
    return {k: _number((v or {}).get(key)) for k, v in (row.get("indicators") or {}).items()}


def series_table(
    documents: Sequence[Mapping[str, Any]], what: What = "values"
) -> tuple[list[str], list[str], list[str], np.ndarray]:
    """Units, their names, series and the numbers (n_units, n_series, n_documents).

    Units and series are those of the last document, in its order, then any others in
    order of appearance; nan where a document lacks a unit, a series or the number.
    """
    units: dict[str, str] = {}
    series: dict[str, None] = {}
    tables = []
    for document in reversed(documents):
        table = {}
        for row in _rows(document):
            unit = str(row.get("unit"))
            units.setdefault(unit, str(row.get("name") or unit))
            table[unit] = _cells(row, what)
            series.update(dict.fromkeys(table[unit]))
        tables.append(table)
    tables.reverse()
    ids, names, keys = list(units), list(units.values()), list(series)
    out = np.full((len(ids), len(keys), len(documents)), np.nan)
    for t, table in enumerate(tables):
        for u, unit in enumerate(ids):
            cells = table.get(unit, {})
            out[u, :, t] = [cells.get(k, np.nan) for k in keys]
    return ids, names, keys, out


@dataclass(frozen=True)
class Trends:
    """The outcome of :func:`trends`.

    Attributes
    ----------
    times : ndarray (T,)
        The documents' times, increasing.
    units, names, series : tuple of str
    values : ndarray (n_units, n_series, T)
        The numbers trended, nan where missing.
    trend : ndarray (n_units, n_series)
        CAGR (a fraction: 0.05 is 5% a year) or percentage change (in percent per
        ``per``), nan where undefined.
    method : str
    latest : int or None
    """

    times: np.ndarray
    units: tuple[str, ...]
    names: tuple[str, ...]
    series: tuple[str, ...]
    values: np.ndarray
    trend: np.ndarray
    method: str
    latest: int | None

    def rows(self) -> list[dict[str, Any]]:
        """A row per unit and series: its first and last value, their times, the trend."""
        present = ~np.isnan(self.values)
        out = []
        for u, unit in enumerate(self.units):
            for s, key in enumerate(self.series):
                used = np.flatnonzero(present[u, s])
                trend = self.trend[u, s]
                out.append(
                    {
                        "unit": unit,
                        "name": self.names[u],
                        "series": key,
                        "first": _time(self.times, used[0]) if used.size else None,
                        "last": _time(self.times, used[-1]) if used.size else None,
                        "first_value": float(self.values[u, s, used[0]]) if used.size else None,
                        "last_value": float(self.values[u, s, used[-1]]) if used.size else None,
                        "trend": None if np.isnan(trend) else float(trend),
                    }
                )
        return out


def _time(times: np.ndarray, k: int) -> float | int:
    value = float(times[k])
    return int(value) if value.is_integer() else value


def trends(
    documents: Sequence[Mapping[str, Any]],
    times: Sequence[float],
    *,
    what: What = "values",
    method: Literal["cagr", "change"] = "cagr",
    latest: int | None = None,
) -> Trends:
    """Each unit's trend per series over several results.

    Parameters
    ----------
    documents : sequence of mapping
        Results in the JSON form of spec section 8, one per period.
    times : sequence of float
        Each document's time (a year, or a fraction of one: 2023.25), all different.
    what : {"values", "scores", "boards", "composite"}
        The indicators' values as given, their scores, the boards' scores or the
        composite.
    method : {"cagr", "change"}
        :func:`cagr` or :func:`percentage_change` (per 1 time unit).
    latest : int, optional
        Only the latest periods, ending at each series' last present value.

    Examples
    --------
    >>> def doc(score):
    ...     return {"results": [{"unit": "a", "name": "A", "score": score}]}
    >>> out = trends([doc(110.25), doc(100.0), doc(105.0)], [2024, 2022, 2023],
    ...              what="composite")
    >>> out.times.tolist(), round(out.rows()[0]["trend"], 6)
    ([2022.0, 2023.0, 2024.0], 0.05)
    """
    x = np.asarray(times, dtype=float)
    if x.shape != (len(documents),) or np.unique(x).size != x.size or not np.isfinite(x).all():
        raise ValueError("one time per document, all different")
    order = np.argsort(x, kind="stable")
    units, names, series, values = series_table([documents[k] for k in order], what)
    x = x[order]
    return Trends(
        times=x,
        units=tuple(units),
        names=tuple(names),
        series=tuple(series),
        values=values,
        trend=trend_of(values, x, method=method, latest=latest),
        method=method,
        latest=latest,
    )


# -- two builds ---------------------------------------------------------------------------


def average_ranks(x: np.ndarray) -> np.ndarray:
    """R's ``rank(x)``: ties share their mean rank."""
    order = np.argsort(x, kind="stable")
    ranks = np.empty(x.size)
    ranks[order] = np.arange(1, x.size + 1)
    values, inverse = np.unique(x, return_inverse=True)
    sums = np.bincount(inverse, weights=ranks, minlength=values.size)
    return (sums / np.bincount(inverse, minlength=values.size))[inverse]


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    if x.size < 2:
        return np.nan
    dx, dy = x - x.mean(), y - y.mean()
    with np.errstate(divide="ignore", invalid="ignore"):
        return float((dx * dy).sum() / np.sqrt((dx * dx).sum() * (dy * dy).sum()))


def _ranks(document: Mapping[str, Any], series: Sequence[str]) -> dict[str, dict[str, float]]:
    """unit -> series -> rank as the result states it (nan where it states none)."""
    out: dict[str, dict[str, float]] = {}
    for row in _rows(document):
        boards = row.get("boards") or {}
        out[str(row.get("unit"))] = {
            key: _number(
                row.get("rank") if key == COMPOSITE else (boards.get(key) or {}).get("rank")
            )
            for key in series
        }
    return out


@dataclass(frozen=True)
class Comparison:
    """The outcome of :func:`compare_results`: arrays (n_units, n_series) unless said.

    Attributes
    ----------
    units, names, series : tuple of str
        Every unit of either result; the composite (``score``) and every board.
    before_score, after_score, before_rank, after_rank : ndarray
        nan where a result lacks the unit or the board.
    rank_change : ndarray
        ``before_rank - after_rank``: above 0 where the unit moved up.
    spearman, pearson : ndarray (n_series,)
        Correlations of the two results' scores over the units in both (Spearman's
        with ties at their mean rank, R's ``cor(method = "spearman")``); nan with
        fewer than two units or a constant score.
    """

    units: tuple[str, ...]
    names: tuple[str, ...]
    series: tuple[str, ...]
    before_score: np.ndarray
    after_score: np.ndarray
    before_rank: np.ndarray
    after_rank: np.ndarray
    rank_change: np.ndarray
    spearman: np.ndarray
    pearson: np.ndarray

    def movers(self, series: str = COMPOSITE, count: int = 10) -> list[dict[str, Any]]:
        """The units whose rank changed most (largest first, then by the later rank),
        at most ``count``; units whose rank did not change are not listed."""
        s = self.series.index(series)
        change = self.rank_change[:, s]
        moved = np.flatnonzero(~np.isnan(change) & (change != 0))
        order = sorted(moved, key=lambda u: (-abs(change[u]), self.after_rank[u, s]))
        return [self.row(int(u), s) for u in order[:count]]

    def row(self, u: int, s: int) -> dict[str, Any]:
        def num(a: np.ndarray) -> float | None:
            return None if np.isnan(a[u, s]) else float(a[u, s])

        return {
            "unit": self.units[u],
            "name": self.names[u],
            "series": self.series[s],
            "before_score": num(self.before_score),
            "after_score": num(self.after_score),
            "before_rank": num(self.before_rank),
            "after_rank": num(self.after_rank),
            "rank_change": num(self.rank_change),
        }

    def table(self, series: str = COMPOSITE) -> list[dict[str, Any]]:
        """A row per unit, in the later result's rank order (units it lacks last)."""
        s = self.series.index(series)
        later = np.where(np.isnan(self.after_rank[:, s]), np.inf, self.after_rank[:, s])
        return [self.row(int(u), s) for u in np.argsort(later, kind="stable")]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: the correlations per series and the table of each series."""
        return {
            "correlations": [
                {
                    "series": key,
                    "spearman": None if np.isnan(self.spearman[s]) else float(self.spearman[s]),
                    "pearson": None if np.isnan(self.pearson[s]) else float(self.pearson[s]),
                }
                for s, key in enumerate(self.series)
            ],
            "units": {key: self.table(key) for key in self.series},
        }


def compare_results(before: Mapping[str, Any], after: Mapping[str, Any]) -> Comparison:
    """Two results of the same units compared: scores, ranks, rank changes, correlations.

    The ranks are those the results state (spec section 4: ties, tie-breaks, groups
    as the scheme ranks); the correlations are of the scores.

    Examples
    --------
    >>> def doc(*scores):
    ...     rows = [{"unit": u, "name": u.upper(), "score": s, "rank": r}
    ...             for u, s, r in zip("abc", scores, (1, 2, 3))]
    ...     return {"results": rows}
    >>> out = compare_results(doc(90, 80, 70), {"results": [
    ...     {"unit": "c", "score": 95, "rank": 1}, {"unit": "a", "score": 85, "rank": 2},
    ...     {"unit": "b", "score": 60, "rank": 3}]})
    >>> [(m["unit"], m["rank_change"]) for m in out.movers()]
    [('c', 2.0), ('a', -1.0), ('b', -1.0)]
    >>> round(float(out.spearman[0]), 3)
    -0.5
    """
    units, names, series, scores = series_table([before, after], "composite")
    _, _, boards, board_scores = series_table([before, after], "boards")
    series = series + boards
    scores = np.concatenate([scores, board_scores], axis=1)
    ranks = np.full(scores.shape, np.nan)
    for t, document in enumerate((before, after)):
        stated = _ranks(document, series)
        for u, unit in enumerate(units):
            if unit in stated:
                ranks[u, :, t] = [stated[unit][key] for key in series]
    spearman, pearson = np.full(len(series), np.nan), np.full(len(series), np.nan)
    for s in range(len(series)):
        both = ~np.isnan(scores[:, s, 0]) & ~np.isnan(scores[:, s, 1])
        x, y = scores[both, s, 0], scores[both, s, 1]
        pearson[s] = _pearson(x, y)
        spearman[s] = _pearson(average_ranks(x), average_ranks(y)) if x.size else np.nan
    return Comparison(
        units=tuple(units),
        names=tuple(names),
        series=tuple(series),
        before_score=scores[..., 0],
        after_score=scores[..., 1],
        before_rank=ranks[..., 0],
        after_rank=ranks[..., 1],
        rank_change=ranks[..., 0] - ranks[..., 1],
        spearman=spearman,
        pearson=pearson,
    )
