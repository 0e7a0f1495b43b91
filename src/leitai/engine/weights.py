"""Indicator weights from the data (docs/methods.md, section E): COINr's PCA weights and
its correlation-balanced optimisation.

Computed once, from a period's values, and written into a new version of the scheme
(:func:`with_weights`); an assessment always reads the weights written in its scheme.

>>> from leitai.engine import parse_scheme
>>> scheme = parse_scheme('''
... id: w
... name: w
... version: 1
... units: [{id: a, name: A}, {id: b, name: B}, {id: c, name: C}, {id: d, name: D}]
... boards: [{id: x, name: X, points: 100, indicators: [
...   {id: i, name: I}, {id: j, name: J}, {id: k, name: K}]}]
... ''')
>>> values = np.array([[1.0, 2.0, 1.0], [2.0, 4.5, 1.5], [3.0, 5.5, 3.5], [4.0, 8.0, 4.0]])
>>> {k: round(v, 4) for k, v in pca_weights(scheme, values).items()}
{'i': 0.5858, 'j': 0.5754, 'k': 0.5707}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import yaml

from leitai.engine import pipeline as steps
from leitai.engine.errors import LeitaiError
from leitai.engine.panels import average_ranks
from leitai.engine.problems import Problem, Where
from leitai.engine.scheme import Scheme, parse_scheme

__all__ = [
    "OptimisedWeights",
    "optimise_weights",
    "pca_loadings",
    "pca_weights",
    "with_weights",
]


def _first_component(block: np.ndarray) -> np.ndarray:
    """The loadings of the first principal component of the standardised columns (R's
    ``prcomp(center = TRUE, scale = TRUE)$rotation[, 1]``), their sum made positive."""
    centred = block - block.mean(axis=0)
    scaled = centred / centred.std(axis=0, ddof=1)
    loadings = np.linalg.svd(scaled, full_matrices=False)[2][0]
    return loadings if loadings.sum() >= 0 else -loadings


def pca_loadings(scheme: Scheme, values: np.ndarray) -> dict[str, float]:
    """Each indicator's loading on the first principal component of its board.

    Parameters
    ----------
    scheme : Scheme
    values : ndarray (n_units, n_indicators)
        The values to weigh by, aligned with ``scheme.all_indicators()`` (a result's
        ``prepared`` values or ``scores``); units with a missing value in a board are
        left out of that board's analysis (COINr's ``na.omit``).

    Returns
    -------
    dict of indicator id to loading
        For every board with at least two indicators: the loadings of its first
        principal component of the standardised values (unit length), signed so that
        they sum above 0; COINr's ``get_PCA(Level = 1, by_groups = TRUE)`` weights up to
        that sign. Indicators alone in their board are not listed.

    Raises
    ------
    LeitaiError
        ``weights.pca_too_few_units`` where fewer than two complete units or a constant
        indicator leave no component.
    """
    values = np.asarray(values, dtype=float)
    columns = {ind.id: j for j, ind in enumerate(scheme.all_indicators())}
    out: dict[str, float] = {}
    for board in scheme.all_boards():
        ids = [ind.id for ind in board.indicators]
        if len(ids) < 2:
            continue
        block = values[:, [columns[i] for i in ids]]
        block = block[~np.isnan(block).any(axis=1)]
        if block.shape[0] < 2 or bool((np.ptp(block, axis=0) == 0).any()):
            raise LeitaiError(Problem("weights.pca_too_few_units", Where(), {"board": board.id}))
        out.update(zip(ids, (float(w) for w in _first_component(block)), strict=True))
    return out


def pca_weights(scheme: Scheme, values: np.ndarray) -> dict[str, float]:
    """:func:`pca_loadings` as weights, which must all be above 0.

    Raises
    ------
    LeitaiError
        ``weights.pca_not_positive`` naming the board and its indicators whose loading
        is 0 or below (COINr would use them as negative weights), and the problems of
        :func:`pca_loadings`.
    """
    loadings = pca_loadings(scheme, values)
    problems = []
    for board in scheme.all_boards():
        bad = [i.id for i in board.indicators if loadings.get(i.id, 1.0) <= 0]
        if bad:
            problems.append(
                Problem(
                    "weights.pca_not_positive",
                    Where(),
                    {"board": board.id, "indicators": ", ".join(bad)},
                )
            )
    if problems:
        raise LeitaiError(problems)
    return loadings


def with_weights(scheme: Scheme, weights: dict[str, float]) -> str:
    """The scheme's YAML with these indicator weights, as its next version.

    The text is the scheme's model written out (comments of the original file are not
    kept); reading it back gives the same scheme with the new weights and version.
    """
    document: dict[str, Any] = scheme.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    document["version"] = scheme.version + 1

    def visit(board: dict[str, Any]) -> None:
        for indicator in board.get("indicators", []):
            if indicator["id"] in weights:
                indicator["weight"] = weights[indicator["id"]]
        for child in board.get("boards", []):
            visit(child)

    for board in document["boards"]:
        visit(board)
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    parse_scheme(text)  # what is written must read back
    return text


# -- correlation-balanced optimisation (COINr's get_opt_weights) ----------------------

_BIG = 1.0e35  # R's optim: the value given to a non-finite objective


@dataclass(frozen=True)
class OptimisedWeights:
    """The outcome of :func:`optimise_weights`.

    Attributes
    ----------
    weights : dict of indicator id to float
        The optimised weights, summing to 1 over every indicator (COINr's ``OptWeight``).
    correlations : dict of indicator id to float
        Each indicator's correlation with the composite under those weights, as shares
        summing to 1 (``balance``) or as they are (``infomax``): COINr's ``Obtained``.
    target : dict of indicator id to float or None
        The target shares (``balance``), None for ``infomax``.
    value : float
        The objective at the optimum.
    evaluations : int
        Evaluations of the objective (R's ``counts["function"]``).
    converged : bool
        False where ``max_iterations`` evaluations were used first (R's convergence 1)
        or a shrink of the simplex did not reduce it (R's 10).
    """

    weights: dict[str, float]
    correlations: dict[str, float]
    target: dict[str, float] | None
    value: float
    evaluations: int
    converged: bool

    def positive(self) -> dict[str, float]:
        """The weights, to be written into a scheme: all must be above 0.

        Raises
        ------
        LeitaiError
            ``weights.optimise_not_positive`` naming the indicators whose optimised
            weight is 0 or below (COINr would keep them as they are).
        """
        bad = [i for i, v in self.weights.items() if not v > 0]
        if bad:
            raise LeitaiError(
                Problem("weights.optimise_not_positive", Where(), {"indicators": ", ".join(bad)})
            )
        return dict(self.weights)


def nelder_mead(
    fn: Callable[[np.ndarray], float],
    start: np.ndarray,
    *,
    reltol: float = 1.49e-8,
    abstol: float = -np.inf,
    max_iterations: int = 500,
) -> tuple[np.ndarray, float, int, int]:
    """Minimise ``fn`` from ``start`` by Nelder and Mead's simplex, as R's ``optim``.

    The rules of R's ``optim(method = "Nelder-Mead")`` (Nash's ``nmmin``): reflection 1,
    contraction 0.5, expansion 2; the first simplex steps each coordinate in turn by
    a tenth of the largest absolute start value (0.1 where all are 0); it stops when
    the highest vertex is within ``reltol (|f0| + reltol)`` of the lowest (f0 the
    value at the start) or the lowest is at most ``abstol``, or after
    ``max_iterations`` evaluations. A non-finite value counts as 1e35.

    Returns
    -------
    x : ndarray
        The lowest vertex.
    value : float
    evaluations : int
    fail : int
        0 converged, 1 out of evaluations, 10 the simplex did not shrink.

    Examples
    --------
    >>> x, value, count, fail = nelder_mead(lambda v: float(((v - 3.0) ** 2).sum()),
    ...                                     np.array([1.0, 1.0]), reltol=1e-12)
    >>> np.round(x, 4).tolist(), fail
    ([3.0, 3.0], 0)
    """
    start = np.asarray(start, dtype=float)
    if max_iterations <= 0:
        return start.copy(), _finite(fn, start), 0, 0
    f0 = float(fn(start))
    if not np.isfinite(f0):
        raise ValueError("the objective cannot be evaluated at the start")
    search = _Simplex(fn, start, f0)
    convtol = reltol * (abs(f0) + reltol)
    fail = 0
    while True:
        if search.stale:
            search.evaluate_others()
        low, high = search.extremes()
        if search.f[high] <= search.f[low] + convtol or search.f[low] <= abstol:
            break
        if not search.step(high):
            fail = 10
            break
        if search.count > max_iterations:
            break
    if search.count > max_iterations:
        fail = 1
    return search.simplex[search.low].copy(), float(search.f[search.low]), search.count, fail


def _finite(fn: Callable[[np.ndarray], float], x: np.ndarray) -> float:
    f = float(fn(x))
    return f if np.isfinite(f) else _BIG


class _Simplex:
    """The state of :func:`nelder_mead`: vertices as rows, their values, the lowest
    vertex and the count of evaluations (Nash's ``nmmin``, as R's ``optim``)."""

    def __init__(self, fn: Callable[[np.ndarray], float], start: np.ndarray, f0: float) -> None:
        n = start.size
        self.fn = fn
        self.simplex = np.tile(start, (n + 1, 1))
        self.f = np.empty(n + 1)
        self.f[0] = f0
        step = 0.1 * float(np.abs(start).max()) or 0.1
        size = 0.0
        for j in range(1, n + 1):
            trystep = step
            while self.simplex[j, j - 1] == start[j - 1]:
                self.simplex[j, j - 1] = start[j - 1] + trystep
                trystep *= 10
            size += trystep
        self.oldsize = size
        self.count, self.low = 1, 0
        self.stale = True  # vertices not yet evaluated (nmmin's calcvert)

    def value(self, x: np.ndarray) -> float:
        self.count += 1
        return _finite(self.fn, x)

    def evaluate_others(self) -> None:
        for j in range(self.f.size):
            if j != self.low:
                self.f[j] = self.value(self.simplex[j])
        self.stale = False

    def extremes(self) -> tuple[int, int]:
        """The lowest and highest vertex as ``nmmin`` finds them: from the previous
        lowest, a vertex replaces it only when strictly lower (higher)."""
        low = high = self.low
        f_low = f_high = self.f[low]
        for j in range(self.f.size):
            if j != self.low:
                if self.f[j] < f_low:
                    low, f_low = j, self.f[j]
                if self.f[j] > f_high:
                    high, f_high = j, self.f[j]
        self.low = low
        return low, high

    def centroid(self, high: int) -> np.ndarray:
        """The centroid of the vertices but the highest, summed in ``nmmin``'s order."""
        total = -self.simplex[high]
        for vertex in self.simplex:
            total = total + vertex
        return total / (self.f.size - 1)

    def replace(self, j: int, x: np.ndarray, f: float) -> None:
        self.simplex[j], self.f[j] = x, f

    def step(self, high: int) -> bool:
        """One reflection, expansion or contraction (or shrink); False where a shrink
        did not reduce the simplex."""
        centroid = self.centroid(high)
        reflected = 2.0 * centroid - self.simplex[high]
        f_reflected = self.value(reflected)
        if f_reflected < self.f[self.low]:
            expanded = 2.0 * reflected - centroid
            f_expanded = self.value(expanded)
            if f_expanded < f_reflected:
                self.replace(high, expanded, f_expanded)
            else:
                self.replace(high, reflected, f_reflected)
            return True
        f_high = self.f[high]
        if f_reflected < f_high:
            self.replace(high, reflected, f_reflected)
        contracted = 0.5 * self.simplex[high] + 0.5 * centroid
        f_contracted = self.value(contracted)
        if f_contracted < self.f[high]:
            self.replace(high, contracted, f_contracted)
        elif f_reflected >= f_high:
            return self.shrink()
        return True

    def shrink(self) -> bool:
        """Every vertex halfway towards the lowest, to be evaluated again."""
        best = self.simplex[self.low].copy()
        self.simplex = 0.5 * (self.simplex - best) + best
        size = float(np.abs(self.simplex - best).sum())
        if size >= self.oldsize:
            return False
        self.oldsize = size
        self.stale = True
        return True


def _correlations(scores: np.ndarray, total: np.ndarray, method: str) -> np.ndarray:
    """Each indicator's correlation with the composite over the units where its score
    is present (R's ``cor(use = "pairwise.complete.obs")``); nan where undefined."""
    present = ~np.isnan(scores)
    if method == "spearman":
        out = np.empty(scores.shape[1])
        for j in range(scores.shape[1]):
            x, y = scores[present[:, j], j], total[present[:, j]]
            out[j] = _pearson(average_ranks(x), average_ranks(y))
        return out
    # Pearson's for every column at once, each over its own present rows.
    count = present.sum(axis=0)
    y = np.where(present, total[:, None], 0.0)
    x = np.where(present, scores, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        dx = np.where(present, x - x.sum(axis=0) / count, 0.0)
        dy = np.where(present, y - y.sum(axis=0) / count, 0.0)
        return (dx * dy).sum(axis=0) / np.sqrt((dx * dx).sum(axis=0) * (dy * dy).sum(axis=0))


def _pearson(x: np.ndarray, y: np.ndarray) -> float:
    x, y = x - x.mean(), y - y.mean()
    with np.errstate(divide="ignore", invalid="ignore"):
        return float((x * y).sum() / np.sqrt((x * x).sum() * (y * y).sum()))


def optimise_weights(
    scheme: Scheme,
    scores: np.ndarray,
    *,
    target: Literal["equal"] | Mapping[str, float] = "equal",
    objective: Literal["balance", "infomax"] = "balance",
    correlation: Literal["pearson", "spearman"] = "pearson",
    tolerance: float = 0.1,
    max_iterations: int = 500,
) -> OptimisedWeights:
    """Indicator weights that balance the indicators' correlations with the composite.

    COINr's ``get_opt_weights(Level = 1)``: with w the indicator weights (every
    indicator of the scheme, in scheme order) scaled to sum 1, the boards are
    aggregated with w as the scheme says (each board by its own aggregation, the
    sub-boards' weights and the top-level points as written) and r_k is the
    correlation of indicator k's scores with the composite (before adjustments), over
    the units where k's score is present. ``balance`` minimises
    ``ln(sum_k (t_k - r_k / sum r)^2 / K)``, t the target shares; ``infomax``
    maximises ``sum_k r_k`` (minimises its negative). The search is R's Nelder-Mead
    (:func:`nelder_mead`) from t (``balance``) or the scheme's weights (``infomax``),
    with COINr's relative tolerance 0.1 and 500 evaluations by default.

    Parameters
    ----------
    scheme : Scheme
    scores : ndarray (n_units, n_indicators)
        Indicator scores in scheme order (a result's ``scores``; nan where left out).
    target : "equal" or dict of indicator id to importance
        Each indicator's wanted share of the correlations (scaled to sum 1); every
        indicator must be given, with a value above 0.
    objective : "balance" or "infomax"
    correlation : "pearson" or "spearman"
    tolerance : float
        R's ``reltol``.
    max_iterations : int
        R's ``maxit`` (evaluations of the objective).

    Returns
    -------
    OptimisedWeights

    Raises
    ------
    LeitaiError
        ``weights.optimise_target`` where ``target`` does not name every indicator
        with a value above 0 (or names others). The optimum may give an indicator a
        weight of 0 or below, as COINr's may: :meth:`OptimisedWeights.positive` refuses
        such weights for a scheme.

    Examples
    --------
    >>> from leitai.engine import parse_scheme
    >>> scheme = parse_scheme('''
    ... id: balanced
    ... name: correlation-balanced weights
    ... version: 1
    ... units: [{id: a, name: A}, {id: b, name: B}, {id: c, name: C}, {id: d, name: D}]
    ... boards: [{id: x, name: X, points: 100, indicators: [
    ...   {id: i, name: I}, {id: j, name: J}, {id: k, name: K}]}]
    ... ''')
    >>> scores = np.array([[10.0, 80.0, 30.0], [40.0, 20.0, 35.0],
    ...                    [70.0, 60.0, 90.0], [90.0, 40.0, 60.0]])
    >>> out = optimise_weights(scheme, scores, tolerance=1e-8)
    >>> {k: round(v, 3) for k, v in out.correlations.items()}
    {'i': 0.333, 'j': 0.333, 'k': 0.333}
    >>> round(sum(out.weights.values()), 12)
    1.0
    """
    plan = steps.Plan.of(scheme)
    scores = np.asarray(scores, dtype=float)
    ids = [ind.id for ind in plan.indicators]
    shares = _target_shares(ids, target) if objective == "balance" else None
    n = len(ids)

    def correlations(w: np.ndarray) -> np.ndarray:
        board_scores = steps.aggregate(plan, scores, weights=w / w.sum())[0]
        return _correlations(scores, steps.composite(plan, board_scores), correlation)

    def fn(w: np.ndarray) -> float:
        r = correlations(w)
        if shares is None:
            return float(-r.sum())
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(np.log(((shares - r / r.sum()) ** 2).sum() / n))

    start = shares if shares is not None else plan.indicator_weights.copy()
    x, value, count, fail = nelder_mead(fn, start, reltol=tolerance, max_iterations=max_iterations)
    w = x / x.sum()
    r = correlations(x)
    obtained = r / r.sum() if shares is not None else r
    return OptimisedWeights(
        weights=dict(zip(ids, (float(v) for v in w), strict=True)),
        correlations=dict(zip(ids, (float(v) for v in obtained), strict=True)),
        target=None if shares is None else dict(zip(ids, map(float, shares), strict=True)),
        value=value,
        evaluations=count,
        converged=fail == 0,
    )


def _target_shares(ids: list[str], target: str | Mapping[str, float]) -> np.ndarray:
    """The target shares in indicator order, summing to 1."""
    if isinstance(target, str):
        if target != "equal":
            raise LeitaiError(Problem("weights.optimise_target", Where(), {"found": target}))
        return np.full(len(ids), 1.0 / len(ids))
    given = dict(target)
    values = [given.get(i) for i in ids]
    wrong = [
        i for i, v in zip(ids, values, strict=True) if not (isinstance(v, int | float) and v > 0)
    ]
    wrong += sorted(set(given) - set(ids))
    if wrong:
        raise LeitaiError(Problem("weights.optimise_target", Where(), {"found": ", ".join(wrong)}))
    t = np.array(values, dtype=float)
    return t / t.sum()
