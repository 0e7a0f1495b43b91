"""Statistical audit of a period's data: is each indicator fit to rank with?

Per indicator: availability, mean, standard deviation, coefficient of variation,
skewness and kurtosis (the estimators of spec section 9, i.e. COINr's), outlier
flags at COINr's thresholds (``|skew| >= 2`` and ``kurtosis >= 3.5``), and whether
it barely discriminates (all values equal, or a tiny coefficient of variation). Across
indicators: the correlation matrix with pairs above 0.9 flagged as double counting,
and Cronbach's alpha of each board.

Correlations and alpha are computed on the indicator scores (after normalisation and
direction, the numbers that are actually aggregated); moments on the prepared raw
values (spec section 9 applied when the scheme asks for it).

Examples
--------
>>> from leitai.engine import PeriodData, parse_scheme
>>> scheme = parse_scheme('''
... id: d
... name: d
... version: 1
... units: [{id: a, name: A}, {id: b, name: B}, {id: c, name: C}, {id: e, name: E}]
... boards:
...   - {id: x, name: X, points: 100, indicators: [
...       {id: i1, name: I1, method: minmax}, {id: i2, name: I2, method: minmax},
...       {id: i3, name: I3, method: minmax}]}
... ''')
>>> data = PeriodData.from_mapping(scheme, {
...     "a": {"i1": 1, "i2": 2, "i3": 5}, "b": {"i1": 2, "i2": 4, "i3": 5},
...     "c": {"i1": 3, "i2": 6.5, "i3": 5}, "e": {"i1": 4, "i2": 8, "i3": 5}})
>>> report = diagnose(scheme, data)
>>> [(row["indicator"], row["low_discrimination"]) for row in report.indicators]
[('i1', False), ('i2', False), ('i3', True)]
>>> [(p["a"], p["b"]) for p in report.collinear]
[('i1', 'i2')]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict

import numpy as np

from leitai.engine.assess import assess
from leitai.engine.data import PeriodData
from leitai.engine.prepare import kurtosis, skewness
from leitai.engine.scheme import Scheme

__all__ = [
    "BoardAlpha",
    "CollinearPair",
    "Correlations",
    "Diagnostics",
    "DiagnosticsDict",
    "IndicatorAudit",
    "correlation_matrix",
    "cronbach_alpha",
    "diagnose",
]


class IndicatorAudit(TypedDict):
    """A row of :attr:`Diagnostics.indicators` (see there for the meaning of each key)."""

    indicator: str
    name: str
    board: str
    n: int
    availability: float
    mean: float | None
    sd: float | None
    min: float | None
    max: float | None
    cv: float | None
    distinct: float | None
    skew: float | None
    kurtosis: float | None
    outlier: bool
    all_equal: bool
    low_discrimination: bool
    low_availability: bool


class CollinearPair(TypedDict):
    """A pair of :attr:`Diagnostics.collinear`."""

    a: str
    b: str
    r: float
    board: str | None


class BoardAlpha(TypedDict):
    """A row of :attr:`Diagnostics.alpha`."""

    board: str
    name: str
    items: int
    alpha: float | None


class Correlations(TypedDict):
    """The correlation matrix in :meth:`Diagnostics.to_dict` (nan as None)."""

    indicators: list[str]
    matrix: list[list[float | None]]


class DiagnosticsDict(TypedDict):
    """:meth:`Diagnostics.to_dict`."""

    indicators: list[IndicatorAudit]
    correlation: Correlations
    collinear: list[CollinearPair]
    alpha: list[BoardAlpha]
    thresholds: dict[str, float]


def _num(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def correlation_matrix(x: np.ndarray) -> np.ndarray:
    """Pearson correlations of the columns of ``x``, each pair over the rows where both are present.

    Constant columns (or pairs with fewer than 3 common rows) give nan; the diagonal
    is 1 wherever a column has spread. With no missing values this is
    ``numpy.corrcoef(x, rowvar=False)``.

    Examples
    --------
    >>> correlation_matrix(np.array([[1.0, 2.0], [2.0, 4.1], [3.0, 5.9]])).round(4).tolist()
    [[1.0, 0.999], [0.999, 1.0]]
    """
    x = np.asarray(x, dtype=float)
    k = x.shape[1]
    present = ~np.isnan(x)
    out = np.full((k, k), np.nan)
    if present.all():
        # One pass for the common case of complete data.
        centred = x - x.mean(axis=0)
        ss = np.sqrt((centred**2).sum(axis=0))
        with np.errstate(divide="ignore", invalid="ignore"):
            out = (centred.T @ centred) / np.outer(ss, ss)
        out[~np.isfinite(out)] = np.nan
        if x.shape[0] < 3:
            out[:] = np.nan
        return np.clip(out, -1.0, 1.0)
    for a in range(k):
        for b in range(a, k):
            both = present[:, a] & present[:, b]
            if both.sum() < 3:
                continue
            xa, xb = x[both, a], x[both, b]
            da, db = xa - xa.mean(), xb - xb.mean()
            den = math.sqrt(float((da * da).sum()) * float((db * db).sum()))
            if den > 0:
                out[a, b] = out[b, a] = max(-1.0, min(1.0, float((da * db).sum()) / den))
    return out


def cronbach_alpha(x: np.ndarray) -> float:
    """Cronbach's alpha of the columns of ``x`` (items) over complete rows.

    ``alpha = k / (k - 1) * (1 - sum of item variances / variance of the row sums)``,
    variances with n - 1. nan with fewer than 2 items or 2 complete rows, or when the
    row sums do not vary.

    Examples
    --------
    >>> round(cronbach_alpha(np.array([[1.0, 2, 2], [2, 3, 3], [3, 3, 4], [4, 5, 5]])), 4)
    0.9825
    """
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x).any(axis=1)]
    n, k = x.shape
    if k < 2 or n < 2:
        return math.nan
    total = x.sum(axis=1).var(ddof=1)
    if not total > 0:
        return math.nan
    return float(k / (k - 1) * (1.0 - x.var(axis=0, ddof=1).sum() / total))


@dataclass(frozen=True)
class Diagnostics:
    """The audit of one period's data.

    Attributes
    ----------
    indicators : list of dict
        A row per indicator: ``indicator``, ``name``, ``board``, ``n`` (values present),
        ``availability`` (share of units), ``mean``, ``sd`` (n - 1), ``min``, ``max``,
        ``cv`` (sd / |mean|), ``distinct`` (share of distinct values), ``skew``,
        ``kurtosis``, ``outlier`` (``|skew| >= skew_limit and kurtosis >= kurt_limit``),
        ``all_equal``, ``low_discrimination`` (all equal or cv < ``cv_limit``),
        ``low_availability``.
    indicator_ids : list of str
    correlation : ndarray (n_indicators, n_indicators)
        Pearson correlations of the indicator scores (pairwise complete).
    collinear : list of dict
        Pairs with correlation above ``corr_limit``: ``a``, ``b``, ``r``, ``board``
        (the board holding both, or None).
    alpha : list of dict
        A row per board with 2 or more indicators below it: ``board``, ``name``,
        ``items``, ``alpha``.
    thresholds : dict
    """

    indicators: list[IndicatorAudit]
    indicator_ids: list[str]
    correlation: np.ndarray
    collinear: list[CollinearPair]
    alpha: list[BoardAlpha]
    thresholds: dict[str, float]

    def to_dict(self) -> DiagnosticsDict:
        """JSON-able form (nan becomes None)."""
        matrix = [[_num(v) for v in row] for row in self.correlation]
        return {
            "indicators": self.indicators,
            "correlation": {"indicators": self.indicator_ids, "matrix": matrix},
            "collinear": self.collinear,
            "alpha": self.alpha,
            "thresholds": self.thresholds,
        }


def diagnose(
    scheme: Scheme,
    data: PeriodData,
    *,
    skew_limit: float = 2.0,
    kurt_limit: float = 3.5,
    cv_limit: float = 0.01,
    corr_limit: float = 0.9,
    availability_limit: float = 0.65,
    on: str = "scores",
    others: Mapping[str, Any] | None = None,
) -> Diagnostics:
    """Audit a period's data against its scheme.

    Parameters
    ----------
    scheme : Scheme
    data : PeriodData
    skew_limit, kurt_limit : float
        An indicator is flagged as having outliers when ``|skew| >= skew_limit`` and
        ``kurtosis >= kurt_limit`` (COINr's thresholds).
    cv_limit : float
        Below this coefficient of variation an indicator barely discriminates.
    corr_limit : float
        Pairs correlated above this are flagged as double counting.
    availability_limit : float
        Below this share of units with a value, availability is flagged (COINr's 0.65).
    on : {'scores', 'values'}
        What correlations and alpha are computed on: the indicator scores (default),
        or the prepared raw values with ``lower`` indicators negated.
    others : mapping of period id to Result or its JSON dict, optional
        The results of other periods the scheme's ``from:`` indicators read (as for
        ``assess``).

    Returns
    -------
    Diagnostics
    """
    if on not in ("scores", "values"):
        raise ValueError(f"on: expected 'scores' or 'values', found {on!r}")
    result = assess(scheme, data, others=others)
    indicators = scheme.all_indicators()
    board_of = {ind.id: board for board in scheme.all_boards() for ind in board.indicators}
    values = np.asarray(result.prepared, dtype=float)
    n_units = values.shape[0]
    rows: list[IndicatorAudit] = []
    for j, indicator in enumerate(indicators):
        x = values[:, j]
        v = x[~np.isnan(x)]
        n = int(v.size)
        mean = float(v.mean()) if n else math.nan
        sd = float(v.std(ddof=1)) if n > 1 else math.nan
        all_equal = bool(n > 0 and v.max() == v.min())
        cv = sd / abs(mean) if n > 1 and mean != 0 else math.nan
        g1, g2 = skewness(x), kurtosis(x)
        rows.append(
            {
                "indicator": indicator.id,
                "name": indicator.name,
                "board": board_of[indicator.id].id,
                "n": n,
                "availability": n / n_units if n_units else 0.0,
                "mean": _num(mean),
                "sd": _num(sd),
                "min": _num(float(v.min())) if n else None,
                "max": _num(float(v.max())) if n else None,
                "cv": _num(cv),
                "distinct": (len(np.unique(v)) / n) if n else None,
                "skew": _num(g1),
                "kurtosis": _num(g2),
                "outlier": bool(not math.isnan(g1) and abs(g1) >= skew_limit and g2 >= kurt_limit),
                "all_equal": all_equal,
                "low_discrimination": bool(all_equal or (not math.isnan(cv) and cv < cv_limit)),
                "low_availability": bool(n_units and n / n_units < availability_limit),
            }
        )
    if on == "scores":
        matrix_input = np.asarray(result.scores, dtype=float)
    else:
        signs = np.array([1.0 if scheme.resolved(i)[1] == "higher" else -1.0 for i in indicators])
        matrix_input = values * signs
    corr = correlation_matrix(matrix_input)
    ids = [i.id for i in indicators]
    collinear: list[CollinearPair] = []
    for a in range(len(ids)):
        for b in range(a + 1, len(ids)):
            r = corr[a, b]
            if not math.isnan(r) and r > corr_limit:
                same = board_of[ids[a]].id if board_of[ids[a]].id == board_of[ids[b]].id else None
                collinear.append({"a": ids[a], "b": ids[b], "r": float(r), "board": same})
    column = {ind.id: j for j, ind in enumerate(indicators)}
    alpha: list[BoardAlpha] = []
    for board in scheme.all_boards():
        items = [column[i.id] for i in board.all_indicators()]
        if len(items) < 2:
            continue
        alpha.append(
            {
                "board": board.id,
                "name": board.name,
                "items": len(items),
                "alpha": _num(cronbach_alpha(matrix_input[:, items])),
            }
        )
    return Diagnostics(
        indicators=rows,
        indicator_ids=ids,
        correlation=corr,
        collinear=collinear,
        alpha=alpha,
        thresholds={
            "skew": skew_limit,
            "kurtosis": kurt_limit,
            "cv": cv_limit,
            "correlation": corr_limit,
            "availability": availability_limit,
        },
    )
