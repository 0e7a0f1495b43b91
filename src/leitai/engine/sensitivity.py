"""How solid is each rank? Monte Carlo uncertainty and sensitivity analysis.

The rules of a scheme are choices, and other reasonable choices would rank the units
differently. This module redraws those choices many times and reassesses the period
each time, as COINr (the EU JRC's composite-indicator package) does:

- **weights**: every indicator weight, sub-board weight and top-level board's points
  multiplied by a factor drawn uniformly from ``[1 - share, 1 + share]`` (the points
  are then rescaled to their nominal total, so composites stay on the same scale);
- **methods**: each indicator scored with ``efficacy``, ``minmax``, ``zscore`` or
  ``rank_points`` (by default; also ``prank``, ``borda`` or ``fracmax`` when asked)
  drawn independently from a set of alternatives (indicators scored by
  ``target``, ``bands`` or ``raw`` keep their method: their scores are not a
  normalisation of the raw values);
- **missing**: the missing-value policy of every indicator set to one drawn from a set;
- **leave_one_out**: one indicator (among those sharing their board with another
  child) or none left out;
- **any scheme parameter** (``parameters``): an address in the scheme such as
  ``prepare.treat.skew`` or ``boards[econ].aggregation.method`` with the values it may
  take; each sample is assessed with its variant of the scheme.

It reports each unit's rank distribution (nominal, median, 5th and 95th percentile),
the probability of each flag and of each star count per board, and the first-order
and total sensitivity indices of each group of inputs on the mean absolute rank shift
(``mean over units of |rank - nominal rank|``), estimated with Saltelli's design: two
independent sample matrices A and B and, per input group g, A with g's columns taken
from B; ``S_g = mean((y_B - mean y) (y_ABg - y_A)) / V`` (Saltelli 2010, y_B centred) and
``ST_g = mean((y_A - y_ABg)^2) / (2 V)`` (Jansen), ``V`` the variance of y over A and B.
The rank distributions and probabilities come from the ``samples`` rows of A.

With ``ranking: group`` (spec section 10) every rank, rank interval, star count and flag
is within the unit's group, as in the assessment itself.

Everything is vectorised over samples: each indicator's scores under each method and
missing policy are computed once, and each board's scores for a block of samples are
one matrix product. Blocks are sized to bound memory.

Examples
--------
>>> from leitai.engine import PeriodData, parse_scheme
>>> scheme = parse_scheme('''
... id: robustness
... name: how solid is each rank
... version: 1
... units: [{id: a, name: A}, {id: b, name: B}, {id: c, name: C}]
... boards:
...   - {id: economy, name: Economy, points: 100, indicators: [
...       {id: i1, name: I1, method: minmax}, {id: i2, name: I2, method: minmax}]}
... ''')
>>> data = PeriodData.from_mapping(scheme, {
...     "a": {"i1": 10, "i2": 9}, "b": {"i1": 5, "i2": 5}, "c": {"i1": 1, "i2": 6.8}})
>>> out = analyse(scheme, data, samples=200, seed=1, methods=None, missing=None,
...               leave_one_out=False)
>>> out.rank_p5.tolist(), out.rank_p95.tolist()
([1.0, 2.0, 2.0], [1.0, 3.0, 3.0])
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

import numpy as np

from leitai.engine import pipeline as steps
from leitai.engine.assess import assess
from leitai.engine.data import PeriodData
from leitai.engine.errors import LeitaiError
from leitai.engine.parameters import MAX_VARIANTS, Parameter, variant
from leitai.engine.problems import Problem, Where
from leitai.engine.result import Result
from leitai.engine.scheme import Scheme

__all__ = [
    "ALTERNATIVE_METHODS",
    "DEFAULT_METHODS",
    "DEFAULT_MISSING",
    "ParameterSetting",
    "SchemeStamp",
    "SensitivityDict",
    "SensitivityIndex",
    "SensitivityResult",
    "SensitivitySettings",
    "UnitSpread",
    "analyse",
]

ALTERNATIVE_METHODS = ("efficacy", "minmax", "zscore", "rank_points", "prank", "borda", "fracmax")
DEFAULT_METHODS = ALTERNATIVE_METHODS[:4]
DEFAULT_MISSING = ("zero", "worst", "exclude")
INPUTS = ("weights", "methods", "missing", "leave_one_out")
_BLOCK_BYTES = 192 * 2**20
BOOTSTRAP_RESAMPLES = 1000

Progress = Callable[[int, int], None]


class ParameterSetting(TypedDict):
    """An uncertain scheme parameter in :class:`SensitivitySettings`."""

    path: str
    values: list[Any]


class SensitivitySettings(TypedDict):
    """:attr:`SensitivityResult.settings`: the uncertain inputs as configured."""

    weights: float
    methods: list[str] | None
    missing: list[str] | None
    leave_one_out: bool
    parameters: list[ParameterSetting]


class Intervals(TypedDict):
    """95% bootstrap intervals of the two indices (``[low, high]`` or None)."""

    first_order_interval: list[float] | None
    total_interval: list[float] | None


class SensitivityIndex(Intervals):
    """A row of :attr:`SensitivityResult.indices`: one input group."""

    input: str
    first_order: float | None
    total: float | None


class UnitSpread(TypedDict):
    """A row of :meth:`SensitivityResult.unit_table`: one unit's ranks over the samples,
    and its flag (by flag id) and star (by board id, then star count as text)
    probabilities."""

    unit: str
    name: str
    group: str | None
    rank: int
    score: float
    median: float
    p5: float
    p95: float
    mean: float
    flags: dict[str, float]
    stars: dict[str, dict[str, float]]


class SchemeStamp(TypedDict):
    """Which scheme a stored analysis was run on."""

    id: str
    version: int
    sha256: str


class SensitivityDict(TypedDict):
    """:meth:`SensitivityResult.to_dict`, as stored with a web analysis run."""

    scheme: SchemeStamp
    period: str | None
    samples: int
    seed: int
    evaluations: int
    settings: SensitivitySettings
    inputs: list[str]
    mean_rank_shift: float
    indices: list[SensitivityIndex]
    units: list[UnitSpread]


@dataclass(frozen=True, eq=False)
class SensitivityResult:
    """The outcome of :func:`analyse`. Arrays follow the scheme's units.

    Attributes
    ----------
    nominal : Result
        The period assessed with the scheme as written.
    samples, seed, evaluations : int
        Monte Carlo samples (rows of A), the seed, and all assessments made.
    settings : dict
        The uncertain inputs as configured.
    inputs : tuple of str
        The input groups that varied (of weights, methods, missing, leave_one_out).
    ranks : ndarray of int32 (samples, n_units)
        The composite rank of each unit in each sample.
    rank_median, rank_p5, rank_p95, rank_mean : ndarray (n_units,)
        Percentiles are empirical (``inverted_cdf``), so always ranks that occurred.
    rank_shift : ndarray (samples,)
        Mean absolute rank shift from the nominal ranks in each sample.
    flag_probability : ndarray (n_units, n_flags)
    star_values : dict of board id to tuple of int
    star_probability : dict of board id to ndarray (n_units, n_values)
    indices : list of dict
        Per input group: ``input``, ``first_order``, ``total`` (None without variance),
        and their 95% bootstrap intervals ``first_order_interval`` and
        ``total_interval`` (``[low, high]``, or None).
    """

    nominal: Result
    samples: int
    seed: int
    evaluations: int
    settings: SensitivitySettings
    inputs: tuple[str, ...]
    ranks: np.ndarray
    rank_median: np.ndarray
    rank_p5: np.ndarray
    rank_p95: np.ndarray
    rank_mean: np.ndarray
    rank_shift: np.ndarray
    flag_probability: np.ndarray
    star_values: dict[str, tuple[int, ...]]
    star_probability: dict[str, np.ndarray]
    indices: list[SensitivityIndex] = field(default_factory=list)

    @property
    def scheme(self) -> Scheme:
        return self.nominal.scheme

    @property
    def mean_rank_shift(self) -> float:
        return float(self.rank_shift.mean()) if self.rank_shift.size else 0.0

    def unit_table(self) -> list[UnitSpread]:
        """A row per unit, in nominal rank order: rank interval, flag and star probabilities."""
        scheme = self.scheme
        rows: list[UnitSpread] = []
        for u in self.nominal.order:
            unit = scheme.units[u]
            stars: dict[str, dict[str, float]] = {}
            for board_id, values in self.star_values.items():
                probs = self.star_probability[board_id][u]
                stars[board_id] = {
                    str(v): float(p) for v, p in zip(values, probs, strict=True) if p > 0
                }
            rows.append(
                {
                    "unit": unit.id,
                    "name": unit.name,
                    "group": self.nominal.group[u],
                    "rank": int(self.nominal.rank[u]),
                    "score": float(self.nominal.composite[u]),
                    "median": float(self.rank_median[u]),
                    "p5": float(self.rank_p5[u]),
                    "p95": float(self.rank_p95[u]),
                    "mean": float(self.rank_mean[u]),
                    "flags": {
                        flag.id: float(self.flag_probability[u, k])
                        for k, flag in enumerate(scheme.flags)
                    },
                    "stars": stars,
                }
            )
        return rows

    def to_dict(self) -> SensitivityDict:
        """JSON-able summary: settings, sensitivity indices and the unit table."""
        return {
            "scheme": {
                "id": self.scheme.id,
                "version": self.scheme.version,
                "sha256": self.scheme.sha256,
            },
            "period": self.nominal.period,
            "samples": self.samples,
            "seed": self.seed,
            "evaluations": self.evaluations,
            "settings": self.settings,
            "inputs": list(self.inputs),
            "mean_rank_shift": self.mean_rank_shift,
            "indices": self.indices,
            "units": self.unit_table(),
        }


class _Model:
    """Everything that does not change between samples, precomputed once.

    The scheme's pipeline (:mod:`leitai.engine.pipeline`) with its score step run up
    front for every alternative method and missing-value policy; a sample then only
    chooses among the tables (:class:`leitai.engine.pipeline.Alternatives`) and
    reweights.
    """

    def __init__(
        self,
        scheme: Scheme,
        data: PeriodData,
        nominal: Result,
        methods: Sequence[str] | None,
        missing: Sequence[str] | None,
    ) -> None:
        self.scheme = scheme
        self.plan = plan = steps.Plan.of(scheme)
        self.n_ind, self.n_boards, self.n_units = plan.n_indicators, plan.n_boards, plan.n_units
        # Method slots: 0 is the indicator's own method; 1.. the alternatives.
        alternatives = list(dict.fromkeys(methods or ()))
        self.eligible = np.array(
            [j for j, m in enumerate(plan.methods) if alternatives and m in ALTERNATIVE_METHODS],
            dtype=int,
        )
        self.n_methods = 1 + len(alternatives) if self.eligible.size else 1
        # Policy variants: 0 is each indicator's own policy; 1.. the alternatives.
        policies = list(dict.fromkeys(missing or ()))
        self.n_variants = 1 + len(policies)
        raw = self._raw_scores(nominal, data.targets, alternatives)
        self.variants = [
            steps.Alternatives.of(
                plan,
                steps.fill_missing(plan, raw, policies=[policy] * self.n_ind if policy else None),
            )
            for policy in [None, *policies]
        ]
        self.indicator_weights = plan.indicator_weights
        self.board_weights = plan.board_weights
        self.top = plan.top
        self.points_total = float(plan.points.sum())
        self.adjusted = steps.adjustments(plan, data.adjustments)
        self.prev_rank = np.asarray(nominal.prev_rank, dtype=float)
        # Spec section 10: with ranking within groups, ranks, stars and flags are in groups.
        self.unit_groups = steps.unit_groups(scheme)
        # Leave-one-out candidates: indicators that share their board with another child.
        self.loo = np.array(
            [
                c
                for cols, subs in zip(plan.indicator_columns, plan.board_columns, strict=True)
                if len(cols) + len(subs) >= 2
                for c in cols
            ],
            dtype=int,
        )

    def _raw_scores(
        self, nominal: Result, targets: np.ndarray, alternatives: list[str]
    ) -> np.ndarray:
        """Scores (n_methods, n_units, n_indicators) of the prepared values, nan where missing."""
        prepared = np.asarray(nominal.prepared, dtype=float)
        eligible = set(self.eligible.tolist())
        raw = np.empty((self.n_methods, self.n_units, self.n_ind))
        for m in range(self.n_methods):
            chosen = [
                alternatives[m - 1] if m > 0 and j in eligible else None for j in range(self.n_ind)
            ]
            raw[m] = steps.score(self.plan, prepared, targets, methods=chosen)
        return raw

    def evaluate(
        self,
        w_ind: np.ndarray,
        w_board: np.ndarray,
        slot: np.ndarray,
        variant: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Adjusted composites (S, n_units) and board scores (S, n_boards, n_units)."""
        total = np.empty((w_ind.shape[0], self.n_units))
        board_scores = np.empty((w_ind.shape[0], self.n_boards, self.n_units))
        for rows, part_total, part_boards in self.groups(w_ind, w_board, slot, variant):
            total[rows], board_scores[rows] = part_total, part_boards
        return total, board_scores

    def groups(
        self,
        w_ind: np.ndarray,
        w_board: np.ndarray,
        slot: np.ndarray,
        variant: np.ndarray,
    ) -> Iterator[tuple[Any, np.ndarray, np.ndarray]]:
        """:meth:`evaluate` by groups of samples sharing a missing-value variant: the
        rows, their adjusted composites and board scores. A sample's ranks, stars and
        flags depend on its own row only, so they need no reassembled block."""
        points = w_board[:, self.top]
        points = points * (self.points_total / points.sum(axis=1, keepdims=True))
        variants = np.unique(variant)
        for v in variants:
            rows: Any = slice(None) if variants.size == 1 else np.flatnonzero(variant == v)
            board_scores = steps.aggregate(
                self.plan,
                self.variants[v].choose(slot[rows]),
                weights=w_ind[rows],
                board_weights=w_board[rows],
            )[0]
            total = steps.composite(self.plan, board_scores, points=points[rows])
            yield rows, steps.adjust(total, self.adjusted), board_scores

    def rank(self, composite: np.ndarray, board_scores: np.ndarray) -> np.ndarray:
        """Ranks (S, u) of :meth:`evaluate`'s composites and board scores (S, n_boards, u)."""
        return steps.rank(self.plan, composite, board_scores, groups=self.unit_groups)

    def stand(self, total: np.ndarray, board_scores: np.ndarray) -> steps.Standing:
        """Ranks, board ranks and stars of :meth:`evaluate`'s outcome."""
        return steps.stand(
            self.plan,
            total,
            board_scores,
            prev_rank=self.prev_rank,
            vetoed=self.adjusted.vetoed,
            groups=self.unit_groups,
        )


class _Variants:
    """The scheme's variants for every combination of the parameters' values, checked
    up front; each variant's model is built when a sample first needs it."""

    def __init__(
        self,
        base: _Model,
        data: PeriodData,
        parameters: Sequence[Parameter],
        build: Callable[[Scheme], _Model],
    ) -> None:
        count = int(np.prod([len(p.values) for p in parameters]))
        if count > MAX_VARIANTS:
            raise LeitaiError(
                Problem(
                    "analysis.too_many_variants", Where(), {"count": count, "max": MAX_VARIANTS}
                )
            )
        self.base, self.parameters, self.build = base, tuple(parameters), build
        self.schemes: dict[tuple[int, ...], Scheme] = {}
        for combo in np.ndindex(*(len(p.values) for p in parameters)):
            scheme = base.scheme
            for parameter, k in zip(parameters, combo, strict=True):
                scheme = variant(scheme, parameter.path, parameter.values[k])
            self.schemes[tuple(int(k) for k in combo)] = scheme
        self.models: dict[tuple[int, ...], _Model] = {}

    def model(self, combo: tuple[int, ...]) -> _Model:
        key = tuple(int(k) for k in combo)
        if key not in self.models:
            model = self.build(self.schemes[key])
            if not _same_design(model, self.base):
                path = ", ".join(p.path for p in self.parameters)
                raise LeitaiError(
                    Problem("analysis.parameter_changes_inputs", Where(), {"found": path})
                )
            self.models[key] = model
        return self.models[key]


def _same_design(model: _Model, base: _Model) -> bool:
    """Whether a variant's model reads the same sample columns as the base model."""
    return (
        (model.n_ind, model.n_boards, model.n_methods, model.n_variants)
        == (base.n_ind, base.n_boards, base.n_methods, base.n_variants)
        and np.array_equal(model.eligible, base.eligible)
        and np.array_equal(model.loo, base.loo)
    )


class _Design:
    """Maps rows of uniform numbers to the uncertain inputs."""

    def __init__(
        self,
        model: _Model,
        *,
        share: float,
        methods: bool,
        missing: bool,
        leave_one_out: bool,
        variants: _Variants | None = None,
    ) -> None:
        self.model = model
        self.share = share
        self.variants = variants
        groups: list[tuple[str, slice]] = []
        at = 0
        if share > 0:
            n = model.n_ind + model.n_boards
            groups.append(("weights", slice(at, at + n)))
            at += n
        if methods and model.eligible.size and model.n_methods > 1:
            groups.append(("methods", slice(at, at + model.eligible.size)))
            at += model.eligible.size
        if missing and model.n_variants > 1:
            groups.append(("missing", slice(at, at + 1)))
            at += 1
        if leave_one_out and model.loo.size:
            groups.append(("leave_one_out", slice(at, at + 1)))
            at += 1
        self.first_parameter = at
        for parameter in variants.parameters if variants else ():
            groups.append((parameter.path, slice(at, at + 1)))
            at += 1
        self.groups = groups
        self.dims = at
        self.where = dict(groups)

    def models(self, u: np.ndarray) -> Iterator[tuple[Any, _Model]]:
        """The rows of ``u`` by the scheme variant their parameter values choose, with
        that variant's model (every row the base model without parameters)."""
        if self.variants is None:
            yield slice(None), self.model
            return
        levels = [len(p.values) for p in self.variants.parameters]
        columns = u[:, self.first_parameter : self.first_parameter + len(levels)]
        choice = np.minimum((columns * levels).astype(np.intp), np.array(levels) - 1)
        combos, inverse = np.unique(choice, axis=0, return_inverse=True)
        for k, combo in enumerate(combos):
            yield np.flatnonzero(inverse.ravel() == k), self.variants.model(tuple(combo))

    def decode(
        self, u: np.ndarray, model: _Model | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        m = model or self.model
        s_count = u.shape[0]
        w_ind = np.broadcast_to(m.indicator_weights, (s_count, m.n_ind)).copy()
        w_board = np.broadcast_to(m.board_weights, (s_count, m.n_boards)).copy()
        slot = np.zeros((s_count, m.n_ind), dtype=np.intp)
        variant = np.zeros(s_count, dtype=np.intp)
        if "weights" in self.where:
            factor = 1.0 + self.share * (2.0 * u[:, self.where["weights"]] - 1.0)
            w_ind *= factor[:, : m.n_ind]
            w_board *= factor[:, m.n_ind :]
        if "methods" in self.where:
            choice = np.minimum(
                (u[:, self.where["methods"]] * (m.n_methods - 1)).astype(np.intp), m.n_methods - 2
            )
            slot[:, m.eligible] = 1 + choice
        if "missing" in self.where:
            choice = np.minimum(
                (u[:, self.where["missing"]][:, 0] * (m.n_variants - 1)).astype(np.intp),
                m.n_variants - 2,
            )
            variant = 1 + choice
        if "leave_one_out" in self.where:
            k = m.loo.size + 1
            choice = np.minimum(
                (u[:, self.where["leave_one_out"]][:, 0] * k).astype(np.intp), k - 1
            )
            out = np.flatnonzero(choice > 0)
            w_ind[out, m.loo[choice[out] - 1]] = 0.0
        return w_ind, w_board, slot, variant


def _block_size(model: _Model, requested: int | None) -> int:
    if requested is not None:
        return max(1, int(requested))
    per_sample = 8 * model.n_units * (3 * model.n_boards + 16) + 8 * model.n_ind * (
        model.n_methods + 4
    )
    return int(max(1, min(4096, _BLOCK_BYTES // per_sample)))


def _star_values(scheme: Scheme) -> tuple[int, ...]:
    rule = scheme.stars
    if rule.method == "rank":
        return tuple(range(rule.min, rule.max + 1))
    return tuple(sorted({rule.min, *(int(c) for _, c in rule.thresholds)}))


def analyse(
    scheme: Scheme,
    data: PeriodData,
    *,
    samples: int = 1000,
    seed: int = 0,
    weights: float = 0.25,
    methods: Sequence[str] | None = DEFAULT_METHODS,
    missing: Sequence[str] | None = DEFAULT_MISSING,
    leave_one_out: bool = True,
    previous: Any = None,
    period: str | None = None,
    others: Mapping[str, Any] | None = None,
    sensitivity: bool = True,
    parameters: Sequence[Parameter] = (),
    block_size: int | None = None,
    progress: Progress | None = None,
) -> SensitivityResult:
    """Monte Carlo uncertainty and sensitivity analysis of a period's ranking.

    Parameters
    ----------
    scheme : Scheme
    data : PeriodData
    samples : int
        Monte Carlo samples N (rows of A). With ``sensitivity`` the period is assessed
        ``N * (k + 2)`` times, k being the number of input groups that vary.
    seed : int
        Seed of the random generator (numpy's PCG64): the same seed gives the same numbers.
    weights : float
        Share by which every weight and board's points may move (0 keeps them).
    methods : sequence of str or None
        Alternative normalisation methods, among efficacy, minmax, zscore and
        rank_points; None keeps each indicator's method. An alternative equal to the
        indicator's own method keeps its parameters; others take their defaults.
    missing : sequence of str or None
        Alternative missing-value policies among zero, worst and exclude, applied to
        every indicator together; None keeps each indicator's policy.
    leave_one_out : bool
        Whether one indicator (or none) is left out in each sample.
    previous : optional
        The previous period's ranks, for flags on ``rank_change`` (as for ``assess``).
    period : str, optional
    others : mapping of period id to Result or its JSON dict, optional
        The results of other periods the scheme's ``from:`` indicators read (as for
        ``assess``); those values are held fixed.
    sensitivity : bool
        Whether to estimate sensitivity indices (needs the B and AB matrices).
    parameters : sequence of Parameter
        Scheme parameters as uncertain inputs (:mod:`leitai.engine.parameters`), one
        input group each, named by its path: each sample takes one of a parameter's
        values, each with the same probability, and is assessed with that variant of
        the scheme (data preparation, scores and all). At most 256 combinations.
    block_size : int, optional
        Samples assessed at once; by default sized to keep a block near 200 MB.
    progress : callable(done, total), optional
        Called after each block with the assessments done and to do.

    Returns
    -------
    SensitivityResult

    Raises
    ------
    ValueError
        For a share outside [0, 1), fewer than 1 sample (2 with sensitivity) or an
        unknown method or policy.
    LeitaiError
        For a parameter that leads nowhere in the scheme, a value the scheme does not
        allow there (the scheme's problem at the parameter's path), more than 256
        combinations, or a value that changes which indicators the other inputs vary
        (``analysis.parameter_changes_inputs``).

    Examples
    --------
    >>> from leitai.engine import PeriodData, parse_scheme
    >>> scheme = parse_scheme(
    ...     "id: r\\nname: r\\nversion: 1\\n"
    ...     "units: [{id: a, name: A}, {id: b, name: B}, {id: c, name: C}]\\n"
    ...     "boards: [{id: x, name: X, points: 100, indicators: ["
    ...     "{id: i, name: I, method: minmax}, {id: j, name: J, method: zscore}]}]")
    >>> data = PeriodData.from_mapping(
    ...     scheme, {"a": {"i": 1, "j": 9}, "b": {"i": 2, "j": 5}, "c": {"i": 3, "j": 4}})
    >>> out = analyse(scheme, data, samples=500, seed=7)
    >>> out.inputs
    ('weights', 'methods', 'missing', 'leave_one_out')
    >>> missing = next(row for row in out.indices if row["input"] == "missing")
    >>> missing["first_order"], missing["total"]  # no value is missing: no effect
    (0.0, 0.0)
    """
    _check_arguments(weights, samples, sensitivity, methods, missing)
    nominal = assess(scheme, data, previous=previous, period=period, others=others)
    model = _Model(scheme, data, nominal, methods, missing)

    def build(variant_scheme: Scheme) -> _Model:
        result = assess(variant_scheme, data, previous=previous, period=period, others=others)
        return _Model(variant_scheme, data, result, methods, missing)

    design = _Design(
        model,
        share=float(weights),
        methods=bool(methods),
        missing=bool(missing),
        leave_one_out=leave_one_out,
        variants=_Variants(model, data, parameters, build) if parameters else None,
    )
    rng = np.random.default_rng(seed)
    a = rng.random((samples, design.dims))
    b = rng.random((samples, design.dims)) if sensitivity else None
    k = len(design.groups)
    run = _Run(
        model=model,
        design=design,
        block=_block_size(model, block_size),
        total=samples * ((k + 2) if sensitivity and k else 1),
        nominal_rank=np.asarray(nominal.rank, dtype=float),
        progress=progress,
    )
    tally = _tally(run, a, _star_values(scheme))
    indices = _indices(run, a, b, tally.shift, seed) if b is not None and k else []
    q = np.quantile(tally.ranks, [0.05, 0.5, 0.95], axis=0, method="inverted_cdf").astype(float)
    board_ids = model.plan.board_ids
    return SensitivityResult(
        nominal=nominal,
        samples=samples,
        seed=seed,
        evaluations=run.total,
        settings={
            "weights": float(weights),
            "methods": list(methods) if methods else None,
            "missing": list(missing) if missing else None,
            "leave_one_out": bool(leave_one_out),
            "parameters": [{"path": p.path, "values": list(p.values)} for p in parameters],
        },
        inputs=tuple(name for name, _ in design.groups),
        ranks=tally.ranks,
        rank_median=q[1],
        rank_p5=q[0],
        rank_p95=q[2],
        rank_mean=tally.ranks.mean(axis=0),
        rank_shift=tally.shift,
        flag_probability=tally.flags / samples,
        star_values={board_id: tally.star_values for board_id in board_ids},
        star_probability={
            board_id: tally.stars[p] / samples for p, board_id in enumerate(board_ids)
        },
        indices=indices,
    )


def _check_arguments(
    weights: float,
    samples: int,
    sensitivity: bool,
    methods: Sequence[str] | None,
    missing: Sequence[str] | None,
) -> None:
    if not 0 <= weights < 1:
        raise ValueError(f"weights: expected a share in [0, 1), found {weights}")
    if samples < (2 if sensitivity else 1):
        raise ValueError(f"samples: expected at least {2 if sensitivity else 1}, found {samples}")
    for name in methods or ():
        if name not in ALTERNATIVE_METHODS:
            raise ValueError(
                f"methods: expected some of {', '.join(ALTERNATIVE_METHODS)}, found {name!r}"
            )
    for name in missing or ():
        if name not in DEFAULT_MISSING:
            raise ValueError(
                f"missing: expected some of {', '.join(DEFAULT_MISSING)}, found {name!r}"
            )


@dataclass
class _Run:
    """Assesses sample matrices block by block, reporting progress."""

    model: _Model
    design: _Design
    block: int
    total: int
    nominal_rank: np.ndarray
    progress: Progress | None
    done: int = 0

    def blocks(
        self, matrix: np.ndarray
    ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, _Model]]:
        """Per block of rows, scheme variant and missing-value variant: the rows,
        adjusted composites, board scores and the variant's model."""
        samples = matrix.shape[0]
        for start in range(0, samples, self.block):
            stop = min(samples, start + self.block)
            part, here = matrix[start:stop], np.arange(start, stop)
            for chosen, model in self.design.models(part):
                decoded = self.design.decode(part[chosen], model)
                for rows, total, board_scores in model.groups(*decoded):
                    yield here[chosen][rows], total, board_scores, model
            self.done += stop - start
            if self.progress is not None:
                self.progress(self.done, self.total)

    def shift(self, rank: np.ndarray) -> np.ndarray:
        """Mean absolute rank shift from the nominal ranks, per sample."""
        return np.abs(rank - self.nominal_rank).mean(axis=1)


@dataclass
class _Tally:
    """What the samples of A add up to."""

    ranks: np.ndarray
    shift: np.ndarray
    flags: np.ndarray
    star_values: tuple[int, ...]
    stars: np.ndarray


def _tally(run: _Run, a: np.ndarray, star_values: tuple[int, ...]) -> _Tally:
    """A: the full assessment (ranks, stars, flags) of every sample."""
    plan = run.model.plan
    samples, n = a.shape[0], plan.n_units
    tally = _Tally(
        ranks=np.empty((samples, n), dtype=np.int32),
        shift=np.empty(samples),
        flags=np.zeros((n, len(plan.scheme.flags))),
        star_values=star_values,
        stars=np.zeros((plan.n_boards, n, len(star_values))),
    )
    for rows, total, board_scores, model in run.blocks(a):
        standing = model.stand(total, board_scores)
        tally.ranks[rows] = standing.rank.astype(np.int32)
        tally.shift[rows] = run.shift(standing.rank)
        for i, value in enumerate(star_values):
            tally.stars[:, :, i] += (standing.stars == value).sum(axis=0)
        if plan.scheme.flags:
            variables = steps.RuleVariables(model.plan, standing)
            tally.flags += steps.flags(model.plan, variables).sum(axis=0)
    return tally


def _indices(
    run: _Run, a: np.ndarray, b: np.ndarray, y_a: np.ndarray, seed: int
) -> list[SensitivityIndex]:
    """First-order and total sensitivity indices of each input group (Saltelli design),
    with their bootstrap intervals (:func:`_intervals`)."""

    def ys(matrix: np.ndarray) -> np.ndarray:
        out = np.empty(matrix.shape[0])
        for rows, total, board_scores, model in run.blocks(matrix):
            out[rows] = run.shift(model.rank(total, board_scores))
        return out

    y_b = ys(b)
    both = np.concatenate([y_a, y_b])
    variance = float(np.var(both))
    # Centring y_B leaves the estimator's expectation alone and cuts its variance.
    y_b_centred = y_b - both.mean()
    indices: list[SensitivityIndex] = []
    for name, columns in run.design.groups:
        ab = a.copy()
        ab[:, columns] = b[:, columns]
        y_ab = ys(ab)
        first = total = None
        if variance > 0:
            first = float(np.mean(y_b_centred * (y_ab - y_a)) / variance)
            total = float(np.mean((y_a - y_ab) ** 2) / (2.0 * variance))
        intervals = _intervals(y_a, y_b, y_ab, seed=seed)
        indices.append({"input": name, "first_order": first, "total": total, **intervals})
    return indices


def _intervals(
    y_a: np.ndarray,
    y_b: np.ndarray,
    y_ab: np.ndarray,
    *,
    seed: int,
    resamples: int = BOOTSTRAP_RESAMPLES,
    level: float = 0.95,
) -> Intervals:
    """Bootstrap percentile intervals of the first-order and total indices.

    The Monte Carlo rows (a row of A, its row of B and of AB_i together) are resampled
    with replacement ``resamples`` times and both estimators of :func:`_indices`
    computed again on each resample; the interval holds the middle ``level`` of them.
    A resample without variance gives no estimate; with fewer than half the
    resamples giving one, the interval is None.

    Parameters
    ----------
    y_a, y_b, y_ab : ndarray of shape (samples,)
        The output on the rows of A, B and AB_i.
    seed : int
        The analysis's seed; the resampling draws from its own stream.

    Returns
    -------
    Intervals
        ``first_order_interval`` and ``total_interval``: ``[low, high]`` or None.
    """
    n = y_a.size
    rng = np.random.default_rng([seed, 0x5EED])
    firsts: list[np.ndarray] = []
    totals: list[np.ndarray] = []
    chunk = max(1, min(resamples, 2**22 // max(n, 1)))
    for start in range(0, resamples, chunk):
        rows = rng.integers(0, n, size=(min(chunk, resamples - start), n))
        a, b, ab = y_a[rows], y_b[rows], y_ab[rows]
        both = np.concatenate([a, b], axis=1)
        variance = both.var(axis=1)
        centred = b - both.mean(axis=1, keepdims=True)
        ok = variance > 0
        safe = np.where(ok, variance, 1.0)
        firsts.append((np.mean(centred * (ab - a), axis=1) / safe)[ok])
        totals.append((np.mean((a - ab) ** 2, axis=1) / (2.0 * safe))[ok])
    tail = (1.0 - level) / 2.0
    out: list[list[float] | None] = []
    for values in (firsts, totals):
        estimates = np.concatenate(values)
        if estimates.size * 2 < resamples:
            out.append(None)
        else:
            low, high = np.quantile(estimates, [tail, 1.0 - tail])
            out.append([float(low), float(high)])
    return {"first_order_interval": out[0], "total_interval": out[1]}
