"""Normalisation methods, missing-value policies and ranks (spec sections 2 and 4).

Every function works along the last axis (units), so the same code scores one
period (shape ``(n_units,)``) or many perturbed samples at once (shape
``(n_samples, n_units)``). ``nan`` stands for a missing value.

>>> import numpy as np
>>> score_indicator(np.array([1.0, 2.0, np.nan]), method="minmax", direction="higher")
array([  0., 100.,  nan])
>>> competition_rank(np.array([3.0, 5.0, 3.0]))
array([2., 1., 2.])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from leitai.engine.scheme import PARAMS

__all__ = ["DECIMALS", "apply_missing", "combine", "competition_rank", "score_indicator"]

DECIMALS = 6


def competition_rank(*keys: np.ndarray) -> np.ndarray:
    """Competition ranks ("1224") along the last axis, higher keys first.

    Ties on the first key are broken by the following keys in turn; values are
    compared after rounding to 6 decimals. Where the first key is nan the rank is nan
    and the unit takes no place.
    """
    primary = np.asarray(keys[0], dtype=float)
    missing = np.isnan(primary)
    rounded = [
        np.where(np.isnan(k), -np.inf, np.round(np.asarray(k, dtype=float), DECIMALS)) for k in keys
    ]
    # lexsort sorts ascending by its last key first: negate for "higher first".
    order = np.lexsort([-k for k in reversed(rounded)], axis=-1)
    n = primary.shape[-1]
    new_group = np.zeros(primary.shape, dtype=bool)
    new_group[..., 0] = True
    for key in rounded:
        ordered = np.take_along_axis(key, order, axis=-1)
        new_group[..., 1:] |= ordered[..., 1:] != ordered[..., :-1]
    positions = np.broadcast_to(np.arange(n), primary.shape)
    starts = np.maximum.accumulate(np.where(new_group, positions, 0), axis=-1)
    ranks = np.empty(primary.shape)
    np.put_along_axis(ranks, order, starts + 1.0, axis=-1)
    ranks[missing] = np.nan
    return ranks


def _efficacy(
    x: np.ndarray,
    higher: bool,
    base: float,
    span: float,
    best: Any,
    worst: Any,
    truncate: bool = True,
) -> np.ndarray:
    present = ~np.isnan(x)
    any_present = present.any(axis=-1, keepdims=True)
    hi = np.nanmax(np.where(any_present, x, 0.0), axis=-1, keepdims=True)
    lo = np.nanmin(np.where(any_present, x, 0.0), axis=-1, keepdims=True)
    b = (hi if higher else lo) if best is None else np.asarray(float(best))
    w = (lo if higher else hi) if worst is None else np.asarray(float(worst))
    spread = b - w
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(
            spread == 0, base + span, base + span * (x - w) / np.where(spread == 0, 1.0, spread)
        )
    if truncate and (best is not None or worst is not None):
        s = np.clip(s, base, base + span)
    return s


def _ascending_rank(x: np.ndarray) -> np.ndarray:
    """R's ``rank(x, ties.method = "min")``: 1 for the lowest, ties share the lowest."""
    return competition_rank(-x)


def _relative(
    x: np.ndarray, higher: bool, method: str, present: np.ndarray, options: Any, units: Any
) -> np.ndarray:
    """COINr's rank-based and relative methods (docs/methods.md, section B)."""
    xd = x if higher else -x  # COINr multiplies by the direction first
    if method in ("prank", "borda"):
        r = _ascending_rank(xd) - 1.0
        if method == "borda":
            return r
        n = present.sum(axis=-1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(n > 1, 100.0 * r / np.where(n > 1, n - 1, 1), 100.0)
    any_present = present.any(axis=-1, keepdims=True)
    if method == "fracmax":
        filled = np.where(present, x, np.nan if higher else np.inf)
        with np.errstate(divide="ignore", invalid="ignore", all="ignore"):
            if higher:
                top = np.nanmax(np.where(any_present, filled, 0.0), axis=-1, keepdims=True)
                return np.where(top == 0, 0.0, 100.0 * x / np.where(top == 0, 1.0, top))
            low = np.min(np.where(any_present, filled, 1.0), axis=-1, keepdims=True)
            ok = (low > 0) & (x > 0)
            return np.where(ok, 100.0 * low / np.where(ok, x, 1.0), 0.0)
    # dist2ref
    if units is None:
        raise ValueError("method 'dist2ref' needs the unit ids")
    ref = xd[..., list(units).index(options.reference), None]
    low = np.min(np.where(present, xd, np.inf), axis=-1, keepdims=True)
    spread = ref - low
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(
            spread == 0, 100.0, 100.0 * (1.0 - (ref - xd) / np.where(spread == 0, 1, spread))
        )
    if options.capped:
        s = np.minimum(s, 100.0)
    return np.where(np.isnan(ref), np.nan, s)


def score_indicator(
    x: np.ndarray,
    *,
    method: str,
    direction: str,
    params: dict[str, Any] | None = None,
    target: np.ndarray | None = None,
    units: Any = None,
) -> np.ndarray:
    """Score raw values with one method; missing values stay nan.

    Parameters
    ----------
    x : ndarray
        Raw values along the last axis; nan is missing.
    method : {'rank_points', 'efficacy', 'minmax', 'zscore', 'target', 'bands', 'raw', \
'prank', 'borda', 'fracmax', 'dist2ref'}
    direction : {'higher', 'lower'}
    params : dict, optional
        The method's parameters (validated by the scheme's parameter model).
    target : ndarray, optional
        Targets for ``method='target'``, > 0 wherever x is present.
    units : sequence of str, optional
        The unit ids along the last axis, for ``method='dist2ref'``.

    Examples
    --------
    >>> score_indicator(np.array([6.1, 5.2, 7.0]), method="efficacy", direction="higher")
    array([ 80.,  60., 100.])
    """
    options: Any = PARAMS[method].model_validate(params or {})
    x = np.asarray(x, dtype=float)
    higher = direction == "higher"
    present = ~np.isnan(x)
    if method == "rank_points":
        ranks = competition_rank(x if higher else -x)
        s = np.maximum(options.floor, options.top - (ranks - 1) * options.step)
    elif method in ("efficacy", "minmax"):
        base, span = (options.base, options.span) if method == "efficacy" else (0.0, 100.0)
        s = _efficacy(x, higher, base, span, options.best, options.worst, options.truncate)
    elif method == "zscore":
        count = np.maximum(present.sum(axis=-1, keepdims=True), 1)
        mean = np.nansum(x, axis=-1, keepdims=True) / count
        sd = np.sqrt(np.nansum((x - mean) ** 2, axis=-1, keepdims=True) / count)
        # All values equal means sd == 0 exactly; rounding in the mean must not say otherwise.
        hi = np.where(present, x, -np.inf).max(axis=-1, keepdims=True)
        lo = np.where(present, x, np.inf).min(axis=-1, keepdims=True)
        constant = (hi <= lo) | (sd == 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(constant, 0.0, (x - mean) / np.where(constant, 1.0, sd))
        s = options.center + options.scale * (z if higher else -z)
    elif method == "target":
        if target is None:
            raise ValueError("method 'target' needs targets")
        t = np.asarray(target, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            if higher:
                s = 100.0 * x / t
            else:
                s = np.where(x <= 0, options.cap, 100.0 * t / np.where(x <= 0, 1.0, x))
        s = np.minimum(options.cap, np.maximum(0.0, s))
    elif method == "bands":
        pairs = sorted(options.thresholds, key=lambda p: p[0], reverse=higher)
        s = np.full(x.shape, float(options.else_))
        # Assign from the last pair back, so the first matching pair wins.
        for value, points in reversed(pairs):
            s = np.where((x >= value) if higher else (x <= value), points, s)
    elif method == "raw":
        s = x.copy()
        if options.min is not None or options.max is not None:
            s = np.clip(s, options.min, options.max)
    elif method in ("prank", "borda", "fracmax", "dist2ref"):
        s = _relative(x, higher, method, present, options, units)
    else:  # pragma: no cover - the scheme model admits no other
        raise ValueError(f"unknown method {method!r}")
    return np.where(present, s, np.nan)


def apply_missing(scores: np.ndarray, policy: str) -> np.ndarray:
    """Fill the scores of missing values by policy: zero, worst or exclude (stays nan)."""
    if policy == "exclude":
        return scores
    missing = np.isnan(scores)
    if policy == "zero":
        fill: Any = 0.0
    else:
        any_present = (~missing).any(axis=-1, keepdims=True)
        fill = np.where(
            any_present, np.nanmin(np.where(any_present, scores, 0.0), axis=-1, keepdims=True), 0.0
        )
    return np.where(missing, fill, scores)


# -- aggregation of a board's children (docs/methods.md, "Aggregation") ----------------


def combine(
    x: np.ndarray,
    w: np.ndarray,
    method: str = "mean",
    *,
    p: float | None = None,
    min_data: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """A board's score from its children's, along the last axis.

    Parameters
    ----------
    x : ndarray (..., n_units, n_children)
        The children's scores, nan where a child is left out (``exclude``).
    w : ndarray (..., 1, n_children)
        The children's weights (> 0, or 0 to leave a child out).
    method : {'mean', 'geometric', 'harmonic', 'generalised', 'copeland'}
        COINr's a_amean, a_gmean, a_hmean, a_genmean and a_copeland.
    p : float, optional
        The power of the generalised mean (not 0).
    min_data : float, optional
        COINr's ``dat_thresh``: where the share of children present is below it the
        board score is nan.

    Returns
    -------
    score : ndarray (..., n_units)
        0 where no child with weight is present; 0 for a geometric or harmonic mean
        (or a generalised one with p < 0) where a present child scores 0 or less, and
        for a generalised one with p > 0 where a child scores below 0 (the limit at 0;
        COINr stops there). A Copeland board scores 50 + 50 c / (n - 1) for COINr's
        Copeland score c among n units.
    weight : ndarray (..., n_units)
        The sum of the weights of the children present.

    Examples
    --------
    >>> x = np.array([[1.0, 4.0], [2.0, np.nan]])
    >>> combine(x, np.ones((1, 2)), "geometric")[0]
    array([2., 2.])
    >>> combine(x, np.ones((1, 2)), "mean", min_data=0.6)[0]
    array([2.5, nan])
    """
    present = ~np.isnan(x)
    wp = np.where(present, w, 0.0)
    den = wp.sum(axis=-1)
    counted = den > 0
    safe_den = np.where(counted, den, 1.0)
    if method == "copeland":
        score = _copeland(x, w)
    else:
        score = _power_mean(np.where(present, x, 1.0), wp, safe_den, method, p)
    score = np.where(counted, score, 0.0)
    if min_data is not None:
        share = present.sum(axis=-1) / max(x.shape[-1], 1)
        score = np.where(share < min_data, np.nan, score)
    return score, den


def _power_mean(
    x: np.ndarray, wp: np.ndarray, den: np.ndarray, method: str, p: float | None
) -> np.ndarray:
    """The weighted power mean of x (1 where absent, with weight 0)."""
    if method == "mean":
        return (wp * x).sum(axis=-1) / den
    power = {"geometric": 0.0, "harmonic": -1.0}.get(method, p if p is not None else 1.0)
    used = wp > 0
    # Below the mean's domain the board scores its limit at 0.
    outside = (x <= 0) if power <= 0 else (x < 0)
    bad = (outside & used).any(axis=-1)
    x = np.where(used & ~outside, x, 1.0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if power == 0:
            mean = np.exp((wp * np.log(x)).sum(axis=-1) / den)
        elif power == -1:
            mean = den / (wp / x).sum(axis=-1)
        else:
            mean = ((wp * x**power).sum(axis=-1) / den) ** (1.0 / power)
    return np.where(bad, 0.0, mean)


def _copeland(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Copeland's outranking score of each unit, on 0-100 (50 + 50 c / (n - 1)).

    Unit i beats unit j where the weights of the children in which i scores higher
    exceed those in which j does; a pair with a missing score counts for neither.
    """
    n = x.shape[-2]
    weights = np.broadcast_to(w, (*x.shape[:-2], 1, x.shape[-1]))
    margin = np.zeros((*x.shape[:-1], n))
    for k in range(x.shape[-1]):
        column = x[..., k]
        with np.errstate(invalid="ignore"):
            sign = np.sign(column[..., :, None] - column[..., None, :])
        margin += np.nan_to_num(sign, nan=0.0) * weights[..., 0, k, None, None]
    total = weights.sum(axis=-1)[..., None]
    # Weighted sums of the same weights in another order may differ in the last bit.
    margin = np.where(np.abs(margin) <= 1e-12 * total, 0.0, margin)
    c = np.sign(margin).sum(axis=-1)
    return 50.0 + 50.0 * c / max(n - 1, 1)
