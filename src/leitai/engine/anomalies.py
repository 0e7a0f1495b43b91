"""Values that need an explanation: a jump against the previous period, an extreme outlier.

Neither changes a score (spec section 1); both ask the person who entered the value to
say why it is right, before the unit submits.

- **Change alert** (``change_alert: P`` on an indicator, spec section 1): the value x of
  a unit is flagged when ``|x - x_prev| / |x_prev| * 100 > P``, x_prev being the same
  unit's value in the previous (published) period. There is no alert where either value
  is missing or x_prev is 0.
- **Outlier alert** (``outlier_alert: Z`` on an indicator, a leitai extension): the value
  is flagged when its robust z-score among the period's present values exceeds Z in
  absolute value. The robust z-score is Iglewicz and Hoaglin's modified z-score,
  ``0.6745 * (x - median) / MAD`` with MAD the median absolute deviation; where MAD is
  0 (more than half the values equal) it falls back on the mean absolute deviation,
  ``(x - median) / (1.253314 * MeanAD)``; where that is 0 too, nothing is an outlier.
  It needs at least :data:`OUTLIER_MIN_UNITS` present values. 3.5 is the threshold
  Iglewicz and Hoaglin recommend. Only indicators that ask for it are checked: growth
  rates of small units are often far from the others and rightly so.

Everything is vectorised over units and indicators (numpy); the functions take and
return arrays, and :func:`scheme_alerts` applies a scheme's settings to values keyed
by unit and indicator id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from leitai.engine.scheme import Scheme

__all__ = [
    "OUTLIER_MIN_UNITS",
    "Alert",
    "change_alerts",
    "change_percent",
    "outlier_alerts",
    "robust_z",
    "scheme_alerts",
]

#: Fewer present values than this and no value is called an outlier.
OUTLIER_MIN_UNITS = 5

#: Array-like values, nested to any depth, with None (or NaN) for a missing value.
Cells = Sequence[Any] | np.ndarray

_MAD_SCALE = 0.6745
_MEAN_AD_SCALE = 1.253314


def change_percent(values: Cells, previous: Cells) -> np.ndarray:
    """``|x - x_prev| / |x_prev| * 100``, NaN where either is missing or x_prev is 0.

    Parameters
    ----------
    values, previous : array-like of float or None
        The values of this period and of the previous one, of the same shape.

    Returns
    -------
    numpy.ndarray
        The absolute change in per cent of the previous value.

    Examples
    --------
    >>> change_percent([12.0, 5.0, None, 3.0], [8.0, 5.5, 4.0, 0.0]).round(2).tolist()
    [50.0, 9.09, nan, nan]
    """
    x, p = _flat(values), _flat(previous)
    shape = np.shape(values)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.abs(x - p) / np.abs(p) * 100.0
    out[(p == 0) | ~np.isfinite(x) | ~np.isfinite(p)] = np.nan
    return out.reshape(shape)


def _flat(values: Cells) -> np.ndarray:
    """The values flattened to floats, NaN where one is None."""
    return np.array([np.nan if v is None else v for v in np.ravel(values)], dtype=np.float64)


def change_alerts(
    values: Cells,
    previous: Cells,
    thresholds: Cells,
) -> np.ndarray:
    """Which values changed by more than their indicator's ``change_alert`` per cent.

    Parameters
    ----------
    values, previous : array-like, shape (n_units, n_indicators)
        None or NaN for a missing value.
    thresholds : array-like of float or None, shape (n_indicators,)
        Each indicator's ``change_alert``; None or NaN where it has none.

    Returns
    -------
    numpy.ndarray of bool, shape (n_units, n_indicators)

    Examples
    --------
    >>> change_alerts([[12.0, 5.0], [8.0, 9.0]], [[8.0, 5.5], [8.0, 3.0]], [40, None]).tolist()
    [[True, False], [False, False]]
    """
    change = change_percent(values, previous)
    limits = _flat(thresholds)
    with np.errstate(invalid="ignore"):
        return np.nan_to_num(change, nan=-1.0) > np.where(np.isnan(limits), np.inf, limits)


def robust_z(values: Cells) -> np.ndarray:
    """The modified z-score of each value among the present values of its column.

    Parameters
    ----------
    values : array-like, shape (n_units, n_indicators)
        None or NaN for a missing value.

    Returns
    -------
    numpy.ndarray, shape (n_units, n_indicators)
        NaN for a missing value, for a column with fewer than
        :data:`OUTLIER_MIN_UNITS` present values, and for a column whose values do
        not spread (MAD and mean absolute deviation both 0).

    Examples
    --------
    >>> z = robust_z([[10.0], [11.0], [9.5], [10.5], [40.0]])
    >>> z.round(1).ravel().tolist()
    [-0.7, 0.7, -1.3, 0.0, 39.8]
    """
    x = np.array(
        [[np.nan if v is None else v for v in np.atleast_1d(row)] for row in values], dtype=float
    )
    present = np.isfinite(x)
    with np.errstate(invalid="ignore", divide="ignore"):
        median = np.nanmedian(np.where(present, x, np.nan), axis=0)
        deviation = np.abs(x - median)
        mad = np.nanmedian(deviation, axis=0)
        mean_ad = np.nanmean(deviation, axis=0)
        z = np.where(
            mad > 0,
            _MAD_SCALE * (x - median) / mad,
            (x - median) / (_MEAN_AD_SCALE * mean_ad),
        )
    flat = (mad == 0) & ~(mean_ad > 0)
    too_few = present.sum(axis=0) < OUTLIER_MIN_UNITS
    z[:, flat | too_few] = np.nan
    z[~present] = np.nan
    return z


def outlier_alerts(values: Cells, thresholds: Cells) -> np.ndarray:
    """Which values' robust z-score exceeds their indicator's ``outlier_alert``.

    Examples
    --------
    >>> outlier_alerts([[10.0], [11.0], [9.5], [10.5], [40.0]], [3.5]).ravel().tolist()
    [False, False, False, False, True]
    """
    z = robust_z(values)
    limits = _flat(thresholds)
    return np.nan_to_num(np.abs(z), nan=-1.0) > np.where(np.isnan(limits), np.inf, limits)


@dataclass(frozen=True)
class Alert:
    """A value that needs an explanation.

    Attributes
    ----------
    unit, indicator : str
        Ids of the scheme.
    kind : {'change', 'outlier'}
    value : float
        The value of this period.
    previous : float or None
        The unit's value in the previous period (change alerts).
    change : float or None
        ``|x - x_prev| / |x_prev| * 100`` (change alerts).
    z : float or None
        The robust z-score (outlier alerts).
    limit : float
        The indicator's ``change_alert`` or ``outlier_alert``.
    """

    unit: str
    indicator: str
    kind: Literal["change", "outlier"]
    value: float
    previous: float | None
    change: float | None
    z: float | None
    limit: float


Values = Mapping[str, Mapping[str, float | None]]


def _matrix(values: Values, units: list[str], indicators: list[str]) -> np.ndarray:
    out = np.full((len(units), len(indicators)), np.nan)
    for i, unit in enumerate(units):
        row = values.get(unit) or {}
        for j, indicator in enumerate(indicators):
            v = row.get(indicator)
            if v is not None:
                out[i, j] = v
    return out


def scheme_alerts(
    scheme: Scheme,
    values: Values,
    previous: Values | None = None,
    *,
    kinds: Sequence[str] = ("change", "outlier"),
) -> list[Alert]:
    """Every alert the scheme asks for, given values keyed by unit and indicator id.

    Parameters
    ----------
    scheme : Scheme
    values : mapping of unit id to a mapping of indicator id to float or None
        The period's values (parsed numbers); units and indicators not given are
        missing.
    previous : mapping of the same form, optional
        The units' values in the previous published period; without it there are
        no change alerts.
    kinds : sequence of {'change', 'outlier'}
        The kinds of alert wanted.

    Returns
    -------
    list of Alert
        In the scheme's order of units, then indicators; change before outlier.

    Examples
    --------
    >>> from leitai.engine import parse_scheme
    >>> scheme = parse_scheme('''
    ... id: s
    ... name: S
    ... version: 1
    ... units: [{id: a, name: A}, {id: b, name: B}]
    ... boards:
    ...   - id: b1
    ...     name: B1
    ...     points: 100
    ...     indicators: [{id: gdp, name: GDP, change_alert: 50}]
    ... ''')
    >>> alerts = scheme_alerts(scheme, {"a": {"gdp": 9.0}, "b": {"gdp": 5.0}},
    ...                        {"a": {"gdp": 5.0}, "b": {"gdp": 4.0}})
    >>> [(a.unit, a.indicator, a.kind, round(a.change, 1)) for a in alerts]
    [('a', 'gdp', 'change', 80.0)]
    """
    indicators = [i for i in scheme.all_indicators() if i.change_alert or i.outlier_alert]
    if not indicators:
        return []
    units = [u for u in scheme.unit_ids if u in values]
    ids = [i.id for i in indicators]
    x = _matrix(values, units, ids)
    checks: dict[str, np.ndarray] = {}
    nothing = np.full_like(x, np.nan)
    p, change, z = nothing, nothing, nothing
    if "change" in kinds and previous is not None:
        p = _matrix(previous, units, ids)
        checks["change"] = change_alerts(x, p, [i.change_alert for i in indicators])
        change = change_percent(x, p)
    if "outlier" in kinds:
        limits = [i.outlier_alert for i in indicators]
        checks["outlier"] = outlier_alerts(x, limits)
        z = robust_z(x)
    alerts = []
    for u, j in zip(*np.nonzero(np.any(list(checks.values()), axis=0)), strict=True):
        for kind, flagged in checks.items():
            if not flagged[u, j]:
                continue
            is_change = kind == "change"
            alerts.append(
                Alert(
                    unit=units[u],
                    indicator=ids[j],
                    kind=kind,  # type: ignore[arg-type]
                    value=float(x[u, j]),
                    previous=float(p[u, j]) if is_change else None,
                    change=float(change[u, j]) if is_change else None,
                    z=None if is_change else float(z[u, j]),
                    limit=float(
                        indicators[j].change_alert if is_change else indicators[j].outlier_alert
                    ),
                )
            )
    return alerts
