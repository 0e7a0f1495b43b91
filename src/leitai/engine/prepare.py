"""Data preparation before scoring: denomination, imputation, outlier treatment (spec section 9).

The three steps run in this order, per indicator, on the raw values of a period:

1. **Denomination**: ``x / d`` with ``d`` the unit's value of the indicator's
   ``denominator`` series; a missing or zero ``d`` makes the value missing.
2. **Imputation** (``prepare.impute``): a missing value becomes the mean or median of
   the present values of the unit's group (units without a group form one group) or
   of all units.
3. **Outlier treatment** (``prepare.treat``): COINr 1.1's default treatment. A series
   whose skewness and kurtosis both reach their thresholds is winsorised point by
   point; if that does not bring it within bounds, the original values are replaced by
   ``ln(x - min + 0.01 (max - min))`` (``fallback: log``).

Each indicator that was changed gets a record (a JSON-able dict) saying what was done
to which units; :func:`leitai.engine.assess` puts these under ``"preparation"``.

Examples
--------
The vector of COINr's treatment vignette, ``1..10, 30, 100``, fails the test (skewness
3.06, kurtosis 9.74) and passes after one point is winsorised:

>>> import numpy as np
>>> x = np.array([*range(1, 11), 30.0, 100.0])
>>> round(float(skewness(x)), 6), round(float(kurtosis(x)), 6)
(3.063241, 9.741391)
>>> out = winsorise(x, max_points=2)
>>> float(out.values[-1]), out.count, out.passed
(30.0, 1, True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict

import numpy as np

from leitai.engine.scheme import Impute, Indicator, Scheme

__all__ = [
    "PreparationRecord",
    "Treatment",
    "Winsorised",
    "impute_column",
    "impute_row",
    "kurtosis",
    "log_transform",
    "passes",
    "prepare_column",
    "prepare_values",
    "screened_units",
    "skewness",
    "transform",
    "treat_column",
    "winsorise",
]


class Treatment(TypedDict):
    """What :func:`treat_column` did to a series (positions of the series)."""

    skew: float | None
    kurtosis: float | None
    winsorised_count: int
    winsorised_high: list[int]
    winsorised_low: list[int]
    treatment: str
    skew_after: float | None
    kurtosis_after: float | None
    passed: bool | None


class PreparationRecord(TypedDict):
    """What :func:`prepare_column` did to an indicator, with unit ids (see
    :func:`prepare_values` for the keys); only the steps that changed something appear."""

    indicator: str
    imputed: NotRequired[dict[str, float]]
    imputation: NotRequired[str]
    denominator: NotRequired[str]
    denominator_missing: NotRequired[list[str]]
    screened: NotRequired[list[str]]
    skew: NotRequired[float | None]
    kurtosis: NotRequired[float | None]
    winsorised_count: NotRequired[int]
    winsorised_high: NotRequired[list[str]]
    winsorised_low: NotRequired[list[str]]
    treatment: NotRequired[str]
    skew_after: NotRequired[float | None]
    kurtosis_after: NotRequired[float | None]
    passed: NotRequired[bool | None]
    changed_units: NotRequired[list[str]]


def _moments(x: np.ndarray) -> tuple[int, float, float, float]:
    """n and the central moments m2, m3, m4 (divided by n) of the present values."""
    v = np.asarray(x, dtype=float)
    v = v[~np.isnan(v)]
    n = int(v.size)
    if n == 0:
        return 0, math.nan, math.nan, math.nan
    d = v - v.mean()
    d2 = d * d
    return n, float(d2.mean()), float((d2 * d).mean()), float((d2 * d2).mean())


def skewness(x: np.ndarray) -> float:
    """Sample skewness G1 of the present values (nan is ignored).

    ``G1 = sqrt(n (n - 1)) / (n - 2) * m3 / m2**1.5`` with ``m_k`` the k-th central
    moment divided by n: the estimator of COINr's ``skew()``, Excel's ``SKEW`` and
    ``scipy.stats.skew(bias=False)``. nan with fewer than 3 values or no spread.

    Examples
    --------
    >>> round(skewness(np.array([1.0, 2.0, 3.0, 10.0, np.nan])), 6)
    1.763633
    """
    n, m2, m3, _ = _moments(x)
    if n < 3 or not m2 > 0:
        return math.nan
    return math.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5


def kurtosis(x: np.ndarray) -> float:
    """Sample excess kurtosis G2 of the present values (nan is ignored).

    ``G2 = ((n + 1) (m4 / m2**2 - 3) + 6) (n - 1) / ((n - 2) (n - 3))``: the estimator
    of COINr's ``kurt()``, Excel's ``KURT`` and ``scipy.stats.kurtosis(bias=False)``.
    nan with fewer than 4 values or no spread.

    Examples
    --------
    >>> round(kurtosis(np.array([1.0, 2.0, 3.0, 10.0])), 6)
    3.228
    """
    n, m2, _, m4 = _moments(x)
    if n < 4 or not m2 > 0:
        return math.nan
    return ((n + 1) * (m4 / m2**2 - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))


def passes(x: np.ndarray, *, skew: float = 2.0, kurt: float = 3.5) -> bool | None:
    """COINr's ``check_SkewKurt``: True when ``|G1| < skew`` or ``G2 < kurt``.

    None when the statistics cannot be computed (fewer than 4 values or all equal):
    such a series is left alone, as COINr does.

    Examples
    --------
    >>> passes(np.array([1.0, 2.0, 3.0, 4.0, 100.0]))
    False
    """
    g1, g2 = skewness(x), kurtosis(x)
    if math.isnan(g1) or math.isnan(g2):
        return None
    return bool(abs(g1) < skew or g2 < kurt)


@dataclass(frozen=True)
class Winsorised:
    """The outcome of :func:`winsorise`.

    Attributes
    ----------
    values : ndarray
        The winsorised series (missing values stay nan).
    count : int
        Points winsorised: the size of the last set replaced at the top plus that of
        the last set replaced at the bottom (COINr's ``nwin``).
    high, low : tuple of int
        Positions in the last set replaced at the top and at the bottom.
    passed : bool or None
        Whether the winsorised series passes the skewness and kurtosis test.
    """

    values: np.ndarray
    count: int
    high: tuple[int, ...] = ()
    low: tuple[int, ...] = ()
    passed: bool | None = None
    rounds: int = 0


def winsorise(
    x: np.ndarray, *, skew: float = 2.0, kurt: float = 3.5, max_points: int = 5
) -> Winsorised:
    """Winsorise a series as COINr 1.1's ``winsorise()`` does.

    While the series fails the test of :func:`passes` and fewer than ``max_points``
    points are winsorised: when the skewness is >= 0, every value equal to the maximum
    is set to the largest value below it, otherwise every value equal to the minimum is
    set to the smallest value above it.

    Parameters
    ----------
    x : ndarray of shape (n,)
        The series; nan is missing and ignored.
    skew, kurt : float
        Thresholds of absolute skewness and of kurtosis.
    max_points : int
        COINr's ``winmax``.

    Examples
    --------
    Two tied maxima are replaced together and count as two points:

    >>> w = winsorise(np.array([*range(1, 21), 100.0, 100.0]))
    >>> w.values[-3:].tolist(), w.count, w.high, w.passed
    ([20.0, 20.0, 20.0], 2, (20, 21), True)
    """
    v = np.array(x, dtype=float)
    present = ~np.isnan(v)
    passed = passes(v, skew=skew, kurt=kurt)
    high: np.ndarray = np.empty(0, dtype=int)
    low: np.ndarray = np.empty(0, dtype=int)
    count = 0
    rounds = 0
    while passed is False and count < max_points:
        g1 = skewness(v)
        if g1 >= 0:
            top = np.nanmax(v)
            hit = present & (v == top)
            rest = v[present & ~hit]
            if rest.size == 0:
                break
            high = np.flatnonzero(hit)
            v[hit] = rest.max()
        else:
            bottom = np.nanmin(v)
            hit = present & (v == bottom)
            rest = v[present & ~hit]
            if rest.size == 0:
                break
            low = np.flatnonzero(hit)
            v[hit] = rest.min()
        rounds += 1
        count = int(high.size + low.size)
        passed = passes(v, skew=skew, kurt=kurt)
    return Winsorised(
        values=v,
        count=count,
        high=tuple(int(i) for i in high),
        low=tuple(int(i) for i in low),
        passed=passed,
        rounds=rounds,
    )


def log_transform(x: np.ndarray) -> np.ndarray:
    """COINr's ``log_CT``: ``ln(x - min + 0.01 (max - min))`` over the present values.

    Examples
    --------
    >>> log_transform(np.array([0.0, 99.0, np.nan])).round(4).tolist()
    [-0.0101, 4.6051, nan]
    """
    v = np.asarray(x, dtype=float)
    lo, hi = np.nanmin(v), np.nanmax(v)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(v - lo + 0.01 * (hi - lo))


def transform(x: np.ndarray, fallback: str, *, lam: float | None = None) -> np.ndarray:
    """COINr's transformations of a series that winsorising could not fix (its Treat
    ``f2``), over the present values (docs/methods.md, section C).

    ``log`` is log_CT (:func:`log_transform`); ``log_plus`` log_CT_plus (log_CT for a
    right-skewed series, ``-ln(max + a - x)`` for a left-skewed one); ``log_orig``
    log_CT_orig ``ln(x - min + 1)``; ``log_gii`` the GII's ``ln((max - 1)(x - min) /
    (max - min) + 1)``; ``boxcox`` Box-Cox with exponent ``lam`` of ``x - min + 1``.

    Examples
    --------
    >>> transform(np.array([1.0, 2.0, 4.0]), "boxcox", lam=0.5).tolist()
    [0.0, 0.8284271247461903, 2.0]
    >>> transform(np.array([0.0, 1.0, 10.0]), "log_orig").round(4).tolist()
    [0.0, 0.6931, 2.3979]
    """
    v = np.asarray(x, dtype=float)
    if fallback == "log":
        return log_transform(v)
    lo, hi = np.nanmin(v), np.nanmax(v)
    with np.errstate(divide="ignore", invalid="ignore"):
        if fallback == "log_plus":
            a = 0.01 * (hi - lo)
            return np.log(v - lo + a) if skewness(v) > 0 else -np.log(hi + a - v)
        if fallback == "log_orig":
            return np.log(v - lo + 1.0)
        if fallback == "log_gii":
            return np.log((hi - 1.0) * (v - lo) / (hi - lo) + 1.0)
        if fallback == "boxcox":
            y = v - lo + 1.0
            return np.log(y) if not lam else (y**lam - 1.0) / lam
    raise ValueError(f"unknown transformation {fallback!r}")


def _num(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def impute_column(
    x: np.ndarray, groups: Sequence[Any] | None, *, method: str = "mean"
) -> tuple[np.ndarray, np.ndarray]:
    """Fill missing values with the mean or median of the present ones of their group.

    Parameters
    ----------
    x : ndarray of shape (n,)
    groups : sequence of n group labels, or None for one group of all units
        Units whose label is None form one group together.
    method : {'mean', 'median'}

    Returns
    -------
    values : ndarray
        The imputed series; where a group has no present value it stays nan.
    imputed : ndarray of bool
        Where a value was filled in.

    Examples
    --------
    >>> v, hit = impute_column(np.array([1.0, np.nan, 5.0, 7.0]), ["a", "a", "b", "a"])
    >>> v.tolist(), hit.tolist()
    ([1.0, 4.0, 5.0, 7.0], [False, True, False, False])
    """
    v = np.array(x, dtype=float)
    missing = np.isnan(v)
    labels = [None] * v.size if groups is None else list(groups)
    reducer = np.mean if method == "mean" else np.median
    imputed = np.zeros(v.size, dtype=bool)
    for label in dict.fromkeys(labels):
        members = np.array([g == label for g in labels])
        present = members & ~missing
        if not present.any():
            continue
        fill = members & missing
        v[fill] = float(reducer(v[present]))
        imputed |= fill
    return v, imputed


def impute_row(
    block: np.ndarray, j: int, directions: Sequence[str], *, method: str = "mean"
) -> tuple[np.ndarray, np.ndarray]:
    """Fill column j's missing values from each unit's other values in the same board,
    as COINr's ``Impute(impute_by = "row", normalise_first = TRUE)`` does.

    Each column k of ``block`` is turned by its direction d_k (+1 or -1) and rescaled to
    [0, 1] over its present values, y_uk = (d_k x_uk - min_k) / (max_k - min_k); a
    constant column gives no y. The missing x_uj is d_j (min_j + m_u (max_j - min_j)),
    m_u the mean (or median) of the unit's present y_uk; without one it stays missing.

    Examples
    --------
    >>> block = np.array([[0.0, 10.0], [5.0, np.nan], [10.0, 30.0]])
    >>> v, hit = impute_row(block, 1, ["higher", "higher"])
    >>> v.tolist(), hit.tolist()
    ([10.0, 20.0, 30.0], [False, True, False])
    """
    sign = np.where(np.asarray(directions) == "lower", -1.0, 1.0)
    turned = np.asarray(block, dtype=float) * sign
    present = ~np.isnan(turned)
    lo = np.min(np.where(present, turned, np.inf), axis=0)
    hi = np.max(np.where(present, turned, -np.inf), axis=0)
    spread = hi - lo
    usable = np.isfinite(spread) & (spread > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.where(present & usable, (turned - lo) / np.where(usable, spread, 1.0), np.nan)
    reducer = np.nanmean if method == "mean" else np.nanmedian
    have = ~np.isnan(y).all(axis=1)
    m = np.full(y.shape[0], np.nan)
    if have.any():
        m[have] = reducer(y[have], axis=1)
    v = np.array(block[:, j], dtype=float)
    missing = np.isnan(v)
    filled = sign[j] * (lo[j] + m * spread[j]) if np.isfinite(spread[j]) else m * np.nan
    imputed = missing & ~np.isnan(filled)
    v[imputed] = filled[imputed]
    return v, imputed


def _siblings(scheme: Scheme, indicator: Indicator) -> list[int]:
    """Columns (in ``scheme.all_indicators()`` order) of the indicators of its board."""
    columns = {ind.id: k for k, ind in enumerate(scheme.all_indicators())}
    board = next(b for b in scheme.all_boards() if any(i.id == indicator.id for i in b.indicators))
    return [columns[i.id] for i in board.indicators]


def _denominated(
    scheme: Scheme, indicator: Indicator, x: np.ndarray, series: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """An indicator's values divided by its denominator (step 1) and where that lost one."""
    v = np.array(x, dtype=float)
    if indicator.denominator is None:
        return v, np.zeros(v.shape, dtype=bool)
    k = [s.id for s in scheme.series].index(indicator.denominator)
    d = np.asarray(series[:, k], dtype=float)
    bad = np.isnan(d) | (d == 0)
    was_present = ~np.isnan(v)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.where(bad, np.nan, v / np.where(bad, 1.0, d))
    return v, was_present & bad


def screened_units(scheme: Scheme, values: np.ndarray, series: np.ndarray) -> np.ndarray:
    """Which units ``prepare.screen`` leaves out (bool, n_units), as COINr's Screen.

    Over the values after denomination (step 1): a unit's data availability is the
    share of the indicators it has a value of, its non-zero share that of its present
    values other than 0; by ``missing`` it is screened out where availability is below
    ``min_data``, by ``zeros`` where the non-zero share is below ``nonzero``, by
    ``missing_or_zeros`` where either is.
    """
    screen = scheme.prepare.screen if scheme.prepare is not None else None
    n = len(scheme.units)
    if screen is None:
        return np.zeros(n, dtype=bool)
    indicators = scheme.all_indicators()
    block = np.column_stack(
        [_denominated(scheme, ind, values[:, k], series)[0] for k, ind in enumerate(indicators)]
    )
    present = ~np.isnan(block)
    count = present.sum(axis=1)
    available = count / max(len(indicators), 1)
    zeros = (present & (block == 0)).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        nonzero = np.where(count > 0, 1.0 - zeros / np.where(count > 0, count, 1), np.nan)
    low_data = available < screen.min_data
    # COINr's NaN share (no value at all) compares as false: such a unit is low on data.
    low_nonzero = np.nan_to_num(nonzero, nan=1.0) < screen.nonzero
    return {
        "missing": low_data,
        "zeros": low_nonzero,
        "missing_or_zeros": low_data | low_nonzero,
    }[screen.by]


def _impute(
    scheme: Scheme,
    impute: Impute,
    indicator: Indicator,
    v: np.ndarray,
    series: np.ndarray,
    values: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Step 2 for one indicator: by group, over all units, or by row within its board."""
    if impute.by != "row":
        groups = [u.group for u in scheme.units] if impute.by == "group" else None
        return impute_column(v, groups, method=impute.method)
    if values is None:
        raise ValueError("imputation by row needs the period's values of every indicator")
    indicators = scheme.all_indicators()
    columns = _siblings(scheme, indicator)
    block = np.column_stack(
        [
            v
            if indicators[k].id == indicator.id
            else _denominated(scheme, indicators[k], values[:, k], series)[0]
            for k in columns
        ]
    )
    directions = [indicators[k].direction or "higher" for k in columns]
    here = [indicators[k].id for k in columns].index(indicator.id)
    return impute_row(block, here, directions, method=impute.method)


def treat_column(
    x: np.ndarray,
    *,
    skew: float = 2.0,
    kurt: float = 3.5,
    max_points: int = 5,
    fallback: str = "log",
    lam: float | None = None,
) -> tuple[np.ndarray, Treatment | None]:
    """COINr 1.1's default outlier treatment of one series.

    ``fallback`` names the transformation of :func:`transform` applied to the original
    values when winsorising leaves the series failing (``none``: keep the winsorised
    values); ``lam`` is Box-Cox's exponent.

    Returns the treated series and a record of what was done, or None when the series
    passed untouched (or the test cannot be computed: fewer than 4 values, all equal).

    Examples
    --------
    >>> v, record = treat_column(np.array([*range(1, 11), 30.0, 100.0]), max_points=2)
    >>> record["treatment"], record["winsorised_count"], float(v[-1])
    ('winsorised', 1, 30.0)
    """
    v = np.asarray(x, dtype=float)
    before = passes(v, skew=skew, kurt=kurt)
    if before is not False:
        return v.copy(), None
    w = winsorise(v, skew=skew, kurt=kurt, max_points=max_points)
    out = w.values
    if w.passed is not True and fallback != "none":
        # COINr applies the fallback to the original values, not the winsorised ones.
        out = transform(v, fallback, lam=lam)
        treatment = fallback
    else:
        treatment = "winsorised" if w.passed else "winsorised_failing"
    record: Treatment = {
        "skew": _num(skewness(v)),
        "kurtosis": _num(kurtosis(v)),
        "winsorised_count": w.count,
        "winsorised_high": list(w.high),
        "winsorised_low": list(w.low),
        "treatment": treatment,
        "skew_after": _num(skewness(out)),
        "kurtosis_after": _num(kurtosis(out)),
        "passed": passes(out, skew=skew, kurt=kurt),
    }
    return out, record


def prepare_column(
    scheme: Scheme,
    indicator: Indicator,
    x: np.ndarray,
    series: np.ndarray,
    values: np.ndarray | None = None,
    *,
    last: np.ndarray | None = None,
    screened: np.ndarray | None = None,
) -> tuple[np.ndarray, PreparationRecord | None]:
    """Prepare one indicator's raw values (section 9, steps 1 to 3).

    Parameters
    ----------
    scheme : Scheme
    indicator : Indicator
        One of ``scheme.all_indicators()``.
    x : ndarray of shape (n_units,)
        Its raw values (nan is missing).
    series : ndarray of shape (n_units, n_series)
        The period's series, aligned with ``scheme.series``.
    values : ndarray of shape (n_units, n_indicators), optional
        Every indicator's raw values, needed by imputation ``by: row`` (its board's
        other indicators); the indicator's own column is ``x``.
    last : ndarray of shape (n_units,), optional
        The indicator's raw values of the previous period, for imputation ``by: panel``
        (a missing value takes the unit's previous one before denomination).
    screened : ndarray of bool (n_units,), optional
        Units screened out (:func:`screened_units`): their values are made missing
        after denomination, before imputation.

    Returns
    -------
    values : ndarray of shape (n_units,)
    record : dict or None
        What was done, with unit ids, or None when nothing changed.
    """
    unit_ids = scheme.unit_ids
    record: PreparationRecord = {"indicator": indicator.id}
    changed = False
    prepare = scheme.prepare
    panel = prepare is not None and prepare.impute is not None and prepare.impute.by == "panel"
    if panel:
        x = np.array(x, dtype=float)
        taken = np.isnan(x) & ~np.isnan(last) if last is not None else np.zeros(x.shape, bool)
        if taken.any():
            x[taken] = last[taken]  # type: ignore[index]
            record["imputed"] = {unit_ids[u]: float(x[u]) for u in np.flatnonzero(taken)}
            record["imputation"] = "previous period"
            changed = True
    v, lost = _denominated(scheme, indicator, x, series)
    if indicator.denominator is not None:
        record["denominator"] = indicator.denominator
        if lost.any():
            record["denominator_missing"] = [unit_ids[u] for u in np.flatnonzero(lost)]
        changed = True
    if screened is not None and screened.any():
        removed = screened & ~np.isnan(v)
        v = np.where(screened, np.nan, v)
        if removed.any():
            record["screened"] = [unit_ids[u] for u in np.flatnonzero(removed)]
            changed = True
    if not panel and prepare is not None and prepare.impute is not None and np.isnan(v).any():
        v, imputed = _impute(scheme, prepare.impute, indicator, v, series, values)
        if imputed.any():
            record["imputed"] = {unit_ids[u]: float(v[u]) for u in np.flatnonzero(imputed)}
            record["imputation"] = f"{prepare.impute.method} by {prepare.impute.by}"
            changed = True
    t = scheme.treatment(indicator)
    if t is not None:
        treated, treat_record = treat_column(
            v,
            skew=t.skew,
            kurt=t.kurtosis,
            max_points=t.max_points,
            fallback=t.fallback,
            lam=t.lambda_,
        )
        if treat_record is not None:
            moved = ~np.isnan(v) & (treated != v)
            _add_treatment(record, treat_record, unit_ids, np.flatnonzero(moved))
            v = treated
            changed = True
    return v, (record if changed else None)


def _add_treatment(
    record: PreparationRecord, t: Treatment, unit_ids: Sequence[str], moved: np.ndarray
) -> None:
    """The treatment's keys into the record, in its order, positions as unit ids."""
    record["skew"] = t["skew"]
    record["kurtosis"] = t["kurtosis"]
    record["winsorised_count"] = t["winsorised_count"]
    record["winsorised_high"] = [unit_ids[u] for u in t["winsorised_high"]]
    record["winsorised_low"] = [unit_ids[u] for u in t["winsorised_low"]]
    record["treatment"] = t["treatment"]
    record["skew_after"] = t["skew_after"]
    record["kurtosis_after"] = t["kurtosis_after"]
    record["passed"] = t["passed"]
    record["changed_units"] = [unit_ids[u] for u in moved]


def prepare_values(
    scheme: Scheme, values: np.ndarray, series: np.ndarray, last: np.ndarray | None = None
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Apply section 9 to a period's raw values.

    Parameters
    ----------
    scheme : Scheme
    values : ndarray of shape (n_units, n_indicators)
        Raw values aligned with ``scheme.all_indicators()``; nan is missing.
    series : ndarray of shape (n_units, n_series)
        Values of ``scheme.series`` (denominators).
    last : ndarray of shape (n_units, n_indicators), optional
        The previous period's raw values, for imputation ``by: panel``.

    Returns
    -------
    prepared : ndarray of shape (n_units, n_indicators)
    records : list of dict
        One JSON-able record per indicator that was changed: ``indicator``,
        ``denominator`` (and ``denominator_missing``), ``imputed`` (unit -> value),
        and for a treated series ``treatment`` (``winsorised``, ``winsorised_failing``
        or ``log``), ``skew``, ``kurtosis``, ``winsorised_count``, ``winsorised_high``,
        ``winsorised_low``, ``changed_units``, ``skew_after``, ``kurtosis_after``,
        ``passed``. With ``log`` the winsorisation fields tell what was tried and
        discarded; ``changed_units`` is then every unit with a value.

    Examples
    --------
    >>> from leitai.engine import parse_scheme
    >>> scheme = parse_scheme('''
    ... id: impute
    ... name: imputed by group
    ... version: 1
    ... units: [{id: a, name: A, group: g}, {id: b, name: B, group: g}, {id: c, name: C}]
    ... series: [{id: pop, name: 人口}]
    ... boards: [{id: b1, name: B1, points: 100,
    ...           indicators: [{id: gdp, name: GDP, denominator: pop}]}]
    ... prepare: {impute: {method: mean, by: group}}
    ... ''')
    >>> values = np.array([[10.0], [np.nan], [6.0]])
    >>> series = np.array([[2.0], [1.0], [3.0]])
    >>> prepared, records = prepare_values(scheme, values, series)
    >>> prepared.ravel().tolist(), records[0]["imputed"]
    ([5.0, 5.0, 2.0], {'b': 5.0})
    """
    prepared = np.array(values, dtype=float)
    records: list[dict[str, Any]] = []
    screened = screened_units(scheme, prepared, series)
    for j, indicator in enumerate(scheme.all_indicators()):
        column, record = prepare_column(
            scheme,
            indicator,
            prepared[:, j],
            series,
            values,
            last=None if last is None else last[:, j],
            screened=screened,
        )
        prepared[:, j] = column
        if record is not None:
            # Result.preparation (engine/result.py) still holds plain dicts.
            records.append(dict(record))
    return prepared, records
