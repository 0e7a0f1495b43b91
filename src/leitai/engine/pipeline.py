"""The scoring pipeline of spec sections 2 to 6, written once, in named steps.

prepare -> score -> fill_missing -> aggregate -> composite -> adjust -> rank ->
board_ranks -> stars -> flags and grades.

Every step works on numpy arrays with optional leading sample axes: values and scores
are ``(..., n_units, n_indicators)``, composites and ranks ``(..., n_units)``, and
per-board arrays ``(..., n_boards, n_units)``, boards before units so that each board's
row runs along units as a composite does (:class:`leitai.engine.Result` shows them
transposed, a row per unit). Leading axes are samples: :func:`leitai.engine.assess`
runs the steps on one period (no leading axis), the Monte Carlo analysis
(:mod:`leitai.engine.sensitivity`) on blocks of perturbed samples and the what-if
search (:mod:`leitai.engine.whatif`) on batches of candidate values, with the same
code. No step loops over units or samples (the loops are over indicators, boards,
flags and grades), except the preparation of section 9, whose winsorisation is
iterative per series.

The variables a flag or grade rule may name are defined here and nowhere else
(:data:`UNIT_VARIABLES`, :data:`BOARD_VARIABLES`, :func:`rule_variables`): scheme
validation asks :func:`rule_variables` which names are allowed and every evaluation
reads them through :class:`RuleVariables`.

Examples
--------
>>> from leitai.engine import parse_scheme
>>> scheme = parse_scheme('''
... id: p
... name: p
... version: 1
... units: [{id: a, name: A}, {id: b, name: B}, {id: c, name: C}]
... boards: [{id: x, name: X, points: 100,
...           indicators: [{id: i, name: I, method: minmax}]}]
... tie_break: [x]
... flags: [{id: top, name: T, when: "rank <= 1"}]
... ''')
>>> plan = Plan.of(scheme)
>>> values = np.array([[[1.0], [3.0], [2.0]], [[3.0], [1.0], [2.0]]])  # two samples
>>> scores = fill_missing(plan, score(plan, values, np.full(values.shape, np.nan)))
>>> board_scores, _ = aggregate(plan, scores)
>>> total = composite(plan, board_scores)
>>> rank(plan, total, board_scores).tolist()
[[3.0, 1.0, 2.0], [1.0, 3.0, 2.0]]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from leitai.engine.methods import (
    DECIMALS,
    apply_missing,
    combine,
    competition_rank,
    score_indicator,
)

if TYPE_CHECKING:
    from leitai.engine.expressions import Expression
    from leitai.engine.scheme import Aggregation, Indicator, Scheme

__all__ = [
    "BOARD_VARIABLES",
    "UNIT_VARIABLES",
    "Adjustments",
    "Alternatives",
    "ColumnChange",
    "Plan",
    "RuleVariables",
    "Standing",
    "adjust",
    "adjustments",
    "aggregate",
    "board_ranks",
    "composite",
    "fill_column",
    "fill_missing",
    "flags",
    "grade_names",
    "grades",
    "needs_preparation",
    "prepare",
    "prepare_column",
    "rank",
    "rule_variables",
    "score",
    "score_column",
    "shares",
    "stand",
    "stars",
    "unit_groups",
    "variable_collisions",
]


# -- the plan: a scheme compiled into arrays, once per assessment --------------------------


@dataclass(frozen=True, eq=False)
class Plan:
    """A scheme as arrays: boards depth-first, their children, weights and rules.

    Attributes
    ----------
    scheme : Scheme
    n_units, n_indicators, n_boards : int
    board_ids : tuple of str
        Every board at every level, depth-first (the order of ``board_scores`` rows).
    indicators : tuple of Indicator
        Every indicator, depth-first (the order of ``scores`` columns).
    parent : ndarray of int (n_boards,)
        Each board's parent column, -1 for a top-level board.
    indicator_slices : tuple of slice
        Per board, the columns of its child indicators: depth-first order makes them
        contiguous, so a board's sums are over a view.
    board_columns : tuple of tuple of int
        Per board, the columns of its child boards.
    board_of : ndarray of int (n_indicators,)
        The column of each indicator's board.
    indicator_weights : ndarray (n_indicators,)
    board_weights : ndarray (n_boards,)
        A top-level board's points, a sub-board's weight among its siblings.
    top : ndarray of int
        Columns of the top-level boards; ``board_weights[top]`` are their points.
    tie_break : tuple of int
        Columns of the tie-break boards, in order.
    methods, directions, policies : tuple of str
        Each indicator's resolved method, direction and missing-value policy.
    aggregations : tuple of Aggregation
        Each board's aggregation (docs/methods.md).
    """

    scheme: Scheme
    n_units: int
    n_indicators: int
    n_boards: int
    board_ids: tuple[str, ...]
    indicators: tuple[Indicator, ...]
    parent: np.ndarray
    indicator_slices: tuple[slice, ...]
    board_columns: tuple[tuple[int, ...], ...]
    board_of: np.ndarray
    indicator_weights: np.ndarray
    board_weights: np.ndarray
    top: np.ndarray
    tie_break: tuple[int, ...]
    methods: tuple[str, ...]
    directions: tuple[str, ...]
    policies: tuple[str, ...]
    variables: Mapping[str, tuple[str, int | None]] = field(repr=False)
    aggregations: tuple[Aggregation, ...] = ()

    @classmethod
    def of(cls, scheme: Scheme) -> Plan:
        """Compile a validated scheme."""
        boards = scheme.all_boards()
        indicators = scheme.all_indicators()
        board_index = {b.id: i for i, b in enumerate(boards)}
        indicator_index = {ind.id: j for j, ind in enumerate(indicators)}
        parent = np.full(len(boards), -1, dtype=np.intp)
        board_of = np.empty(len(indicators), dtype=np.intp)
        slices = []
        for b, board in enumerate(boards):
            for child in board.boards:
                parent[board_index[child.id]] = b
            columns = [indicator_index[ind.id] for ind in board.indicators]
            start = columns[0] if columns else 0
            if columns != list(range(start, start + len(columns))):  # pragma: no cover
                raise RuntimeError("a board's indicators are not contiguous in depth-first order")
            slices.append(slice(start, start + len(columns)))
            board_of[columns] = b
        resolved = [scheme.resolved(ind) for ind in indicators]
        board_ids = tuple(b.id for b in boards)
        return cls(
            scheme=scheme,
            n_units=len(scheme.units),
            n_indicators=len(indicators),
            n_boards=len(boards),
            board_ids=board_ids,
            indicators=tuple(indicators),
            parent=parent,
            indicator_slices=tuple(slices),
            board_columns=tuple(tuple(board_index[c.id] for c in b.boards) for b in boards),
            board_of=board_of,
            indicator_weights=np.array([ind.weight for ind in indicators], dtype=float),
            board_weights=np.array(
                [
                    (b.points or 0.0) if parent[i] < 0 else (b.weight or 1.0)
                    for i, b in enumerate(boards)
                ],
                dtype=float,
            ),
            top=np.flatnonzero(parent < 0),
            tie_break=tuple(board_index[b] for b in scheme.tie_break),
            methods=tuple(r[0] for r in resolved),
            directions=tuple(r[1] for r in resolved),
            policies=tuple(r[2] for r in resolved),
            variables=_variable_table(board_ids),
            aggregations=tuple(b.aggregation for b in boards),
        )

    @property
    def indicator_columns(self) -> tuple[range, ...]:
        """Per board, the columns of its child indicators."""
        return tuple(range(s.start, s.stop) for s in self.indicator_slices)

    @property
    def sparse(self) -> bool:
        """Whether a board may have no score for a unit (a ``min_data`` threshold)."""
        return any(a.min_data is not None for a in self.aggregations)

    @property
    def points(self) -> np.ndarray:
        """The top-level boards' points, in the order of :attr:`top`."""
        return self.board_weights[self.top]

    @property
    def flag_rules(self) -> list[Expression]:
        return [self.scheme.expression(f"flag:{f.id}") for f in self.scheme.flags]

    @property
    def grade_rules(self) -> list[Expression]:
        return [self.scheme.expression(f"grade:{k}") for k in range(len(self.scheme.grades))]


# -- prepare (section 9) ---------------------------------------------------------------


def needs_preparation(scheme: Scheme) -> bool:
    """Whether the scheme asks for section 9 data preparation."""
    return scheme.prepare is not None or any(
        i.denominator or not isinstance(i.treat, str) for i in scheme.all_indicators()
    )


def prepare(
    plan: Plan, values: np.ndarray, series: np.ndarray, last: np.ndarray | None = None
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Section 9 applied to raw values (n_units, n_indicators); a no-op where not asked.

    ``last`` holds the previous period's raw values, for imputation ``by: panel``.
    """
    if not needs_preparation(plan.scheme):
        return values, []
    from leitai.engine.prepare import prepare_values

    return prepare_values(plan.scheme, values, series, last)


def prepare_column(
    plan: Plan,
    j: int,
    column: np.ndarray,
    series: np.ndarray,
    values: np.ndarray | None = None,
    last: np.ndarray | None = None,
) -> np.ndarray:
    """Section 9 applied to indicator j's raw values (..., n_units), sample by sample.

    ``values`` (n_units, n_indicators) are the period's raw values, which imputation by
    row reads for the other indicators of j's board (the column itself is ``column``);
    ``last`` (n_units, n_indicators) the previous period's, for imputation by panel.

    The treatment winsorises iteratively, per series: this is the one step with a loop
    over samples, and it runs only for schemes that ask for preparation.
    """
    if not needs_preparation(plan.scheme):
        return column
    from leitai.engine import prepare as section9

    indicator = plan.indicators[j]
    # Screening reads every indicator: the period's values decide it (docs/methods.md, F).
    screened = None if values is None else section9.screened_units(plan.scheme, values, series)
    flat = np.array(column, dtype=float).reshape(-1, plan.n_units)
    for row in range(flat.shape[0]):
        flat[row] = section9.prepare_column(
            plan.scheme,
            indicator,
            flat[row],
            series,
            values,
            last=None if last is None else last[:, j],
            screened=screened,
        )[0]
    return flat.reshape(np.shape(column))


# -- score (section 2) -----------------------------------------------------------------


def score_column(
    plan: Plan,
    j: int,
    values: np.ndarray,
    targets: np.ndarray,
    *,
    method: str | None = None,
) -> np.ndarray:
    """Indicator j's scores (..., n_units); nan where the value is missing.

    ``method`` replaces the indicator's own; a method other than its own is used with
    its default parameters.
    """
    own = plan.methods[j]
    method = method or own
    params = plan.indicators[j].params if method == own else {}
    return score_indicator(
        values,
        method=method,
        direction=plan.directions[j],
        params=params,
        target=targets,
        units=plan.scheme.unit_ids,
    )


def score(
    plan: Plan,
    values: np.ndarray,
    targets: np.ndarray,
    *,
    methods: Sequence[str | None] | None = None,
) -> np.ndarray:
    """Every indicator's scores (..., n_units, n_indicators); nan where missing.

    ``methods`` gives a replacement method per indicator (None keeps its own).
    """
    values = np.asarray(values, dtype=float)
    out = np.empty(values.shape)
    targets = np.broadcast_to(targets, values.shape)
    for j in range(plan.n_indicators):
        out[..., j] = score_column(
            plan, j, values[..., j], targets[..., j], method=methods[j] if methods else None
        )
    return out


def fill_missing(
    plan: Plan, scores: np.ndarray, *, policies: Sequence[str] | None = None
) -> np.ndarray:
    """Scores of missing values by each indicator's policy (nan stays for ``exclude``)."""
    policies = policies or plan.policies
    out = np.empty(scores.shape)
    for j, policy in enumerate(policies):
        out[..., j] = fill_column(plan, j, scores[..., j], policy=policy)
    return out


def fill_column(plan: Plan, j: int, scores: np.ndarray, *, policy: str | None = None) -> np.ndarray:
    """Indicator j's scores (..., n_units) with missing ones filled by ``policy``
    (default the indicator's own)."""
    return apply_missing(scores, policy or plan.policies[j])


# -- aggregate (section 3) -------------------------------------------------------------


def _weighted_sums(scores: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum over the last axis of weight x score where present, and of those weights.

    No matrix product: BLAS would spread these small products over threads, which
    costs more than it saves on a shared machine, and a plain sum gives the same
    numbers for one period and for a batch.
    """
    present = ~np.isnan(scores)
    return (
        (np.where(present, scores, 0.0) * weights).sum(axis=-1),
        (present * weights).sum(axis=-1),
    )


# Board sums travel as lists with an array (..., n_units) per board, each contiguous, so
# that the roll-up's loops run over whole arrays however few the units; a denominator
# that is the same for every unit stays (..., 1).
Sums = tuple[list[np.ndarray], list[np.ndarray]]


def _slice_sums(plan: Plan, scores: np.ndarray, weights: np.ndarray) -> Sums:
    """Per board: the weighted sums of its present child indicators, (..., n_units) each."""
    num, den = [], []
    for columns in plan.indicator_slices:
        w = np.expand_dims(weights[..., columns], -2)
        n, d = _weighted_sums(scores[..., columns], w)
        num.append(n)
        den.append(d)
    return num, den


@dataclass(frozen=True, eq=False)
class ColumnChange:
    """Scores equal to a base table except in one indicator's column, which varies by
    sample: the what-if search's candidates.

    Only the board holding the column is summed again, over the same columns and with
    the same arithmetic as the full table, so each sample's numbers are those of the
    table with the column replaced.
    """

    base: np.ndarray  # (n_units, n_indicators)
    column: int
    values: np.ndarray  # (..., n_units)

    def sums(self, plan: Plan, weights: np.ndarray) -> Sums:
        if weights.ndim > 1:
            raise ValueError("a column change takes the indicator weights of the plan")
        num, den = _slice_sums(plan, self.base, weights)
        shape = self.values.shape
        num = [np.broadcast_to(n, shape) for n in num]
        den = [np.broadcast_to(d, shape) for d in den]
        # The board's columns with the changed one in place, summed as in _slice_sums.
        board = int(plan.board_of[self.column])
        columns = plan.indicator_slices[board]
        block = np.array(
            np.broadcast_to(self.base[:, columns], (*shape, columns.stop - columns.start))
        )
        block[..., self.column - columns.start] = self.values
        num[board], den[board] = _weighted_sums(block, weights[columns])
        return num, den

    def columns(self, plan: Plan, b: int) -> np.ndarray:
        """Board b's indicator scores (..., n_units, k) with the changed column in place."""
        columns = plan.indicator_slices[b]
        shape = self.values.shape
        block = np.array(
            np.broadcast_to(self.base[:, columns], (*shape, columns.stop - columns.start))
        )
        if columns.start <= self.column < columns.stop:
            block[..., self.column - columns.start] = self.values
        return block


@dataclass(frozen=True, eq=False)
class Alternatives:
    """Indicator scores under several alternatives, one chosen per sample and indicator.

    The Monte Carlo analysis draws each indicator's method per sample; materialising
    every sample's score table would cost ``samples x units x indicators``. Instead
    each board's alternatives are kept side by side, and a sample's choice becomes a
    mask on its weights, so that a board's weighted sums for a block of samples are one
    matrix product.

    Build with :meth:`of`; pass ``alternatives.choose(slot)`` to :func:`aggregate`.
    """

    n_alternatives: int
    blocks: tuple[np.ndarray, ...]  # per board: (n_units, k * n_alternatives), nan as 0
    presence: tuple[np.ndarray | None, ...]  # per board: (n_units, k); None when all present
    slot: np.ndarray | None = None  # (samples, n_indicators) index of the alternative

    @classmethod
    def of(cls, plan: Plan, tables: np.ndarray) -> Alternatives:
        """``tables``: (n_alternatives, n_units, n_indicators) scores, nan where excluded."""
        present = ~np.isnan(tables[0])
        everywhere = bool(present.all())
        # (n_units, n_indicators, n_alternatives): a board's columns are one block.
        filled = np.nan_to_num(tables, nan=0.0).transpose(1, 2, 0)
        blocks, presence = [], []
        for columns in plan.indicator_slices:
            block = filled[:, columns, :]
            blocks.append(np.ascontiguousarray(block.reshape(plan.n_units, -1)))
            empty = columns.stop == columns.start
            presence.append(
                None
                if everywhere or empty
                else np.ascontiguousarray(present[:, columns], dtype=float)
            )
        return cls(len(tables), tuple(blocks), tuple(presence))

    def choose(self, slot: np.ndarray) -> Alternatives:
        """The same tables with each sample's choice (samples, n_indicators)."""
        return Alternatives(self.n_alternatives, self.blocks, self.presence, slot)

    def sums(self, plan: Plan, weights: np.ndarray) -> Sums:
        """Weighted sums of each board's chosen indicator scores and of their weights.

        Each board's sums are (samples, n_units); a denominator is (samples, 1) where
        every value is present.
        """
        slot = self.slot if self.slot is not None else np.zeros(weights.shape, dtype=np.intp)
        samples = slot.shape[0]
        weights = np.broadcast_to(weights, slot.shape)
        # Each sample's weight goes to its chosen alternative, 0 to the others.
        chosen = np.zeros((samples, plan.n_indicators, self.n_alternatives))
        np.put_along_axis(chosen, slot[..., None], weights[..., None], axis=2)
        num, den = [], []
        for b, columns in enumerate(plan.indicator_slices):
            if columns.stop == columns.start:
                num.append(np.zeros((samples, plan.n_units)))
                den.append(np.zeros((samples, 1)))
                continue
            w = weights[:, columns]
            num.append(chosen[:, columns, :].reshape(samples, -1) @ self.blocks[b].T)
            pres = self.presence[b]
            den.append(w.sum(axis=1)[:, None] if pres is None else w @ pres.T)
        return num, den

    def columns(self, plan: Plan, b: int) -> np.ndarray:
        """Board b's chosen indicator scores (samples, n_units, k), nan where excluded."""
        columns = plan.indicator_slices[b]
        k = columns.stop - columns.start
        slot = self.slot if self.slot is not None else np.zeros((1, plan.n_indicators), np.intp)
        block = self.blocks[b].reshape(plan.n_units, k, self.n_alternatives)
        # (n_units, samples, k): unit, then each sample's choice per column.
        chosen = block[:, np.arange(k)[None, :], slot[:, columns]].transpose(1, 0, 2)
        pres = self.presence[b]
        return chosen if pres is None else np.where(pres > 0, chosen, np.nan)


def aggregate(
    plan: Plan,
    scores: np.ndarray | ColumnChange | Alternatives,
    *,
    weights: np.ndarray | None = None,
    board_weights: np.ndarray | None = None,
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Board scores at every level (section 3), bottom-up.

    Parameters
    ----------
    plan : Plan
    scores : ndarray (..., n_units, n_indicators), ColumnChange or Alternatives
        Indicator scores, nan where left out by ``exclude``.
    weights : ndarray (..., n_indicators), optional
        Indicator weights (default the scheme's); 0 leaves an indicator out.
    board_weights : ndarray (..., n_boards), optional
        Sub-boards' weights (default the scheme's); top-level entries are not read.

    Returns
    -------
    board_scores : ndarray (..., n_boards, n_units)
        Boards before units, so that every board's row runs along units like the
        composite (the layout of every per-board array in this module).
    denominators : list of ndarray (..., n_units or 1)
        Per board, the sum of the weights of its children present (0: score 0); the
        last axis is 1 where it is the same for every unit.
    """
    weights = plan.indicator_weights if weights is None else weights
    board_weights = plan.board_weights if board_weights is None else board_weights
    if isinstance(scores, np.ndarray):
        num, den = _slice_sums(plan, scores, weights)
    else:
        num, den = scores.sums(plan, weights)
    # Children come after their parent in depth-first order: fill from the end.
    for b in range(plan.n_boards - 1, -1, -1):
        how = plan.aggregations[b] if plan.aggregations else None
        if how is not None and not how.plain:
            num[b], den[b] = _combine_board(plan, b, scores, num, weights, board_weights)
            continue
        for c in plan.board_columns[b]:
            w = board_weights[..., c, None]
            if plan.sparse:
                # A sub-board with too few data (min_data) is left out of its parent.
                gone = np.isnan(num[c])
                num[b] = num[b] + np.where(gone, 0.0, num[c]) * w
                den[b] = den[b] + np.where(gone, 0.0, w)
            else:
                num[b] = num[b] + num[c] * w
                den[b] = den[b] + w
        counted = den[b] > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            num[b] = np.where(counted, num[b] / np.where(counted, den[b], 1.0), 0.0)
    for b in range(plan.n_boards) if plan.sparse else ():
        # A board with too few data (min_data) has been left out of its parent above; it
        # shows 0, as a board with no data does (section 3), so that ranks, stars and
        # every report read a number.
        num[b] = np.nan_to_num(num[b], nan=0.0)
    return np.stack(num, axis=-2), den


def _combine_board(
    plan: Plan,
    b: int,
    scores: np.ndarray | ColumnChange | Alternatives,
    num: list[np.ndarray],
    weights: np.ndarray,
    board_weights: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Board b's score by its own aggregation over its indicators and sub-boards (whose
    scores are already in ``num``), and the weight of its children present."""
    columns = plan.indicator_slices[b]
    block = scores[..., columns] if isinstance(scores, np.ndarray) else scores.columns(plan, b)
    children = [block] + [num[c][..., None] for c in plan.board_columns[b]]
    w = [np.expand_dims(weights[..., columns], -2)]
    w += [board_weights[..., c, None, None] for c in plan.board_columns[b]]
    shape = np.broadcast_shapes(*(x.shape[:-1] for x in children))
    x = np.concatenate([np.broadcast_to(x, (*shape, x.shape[-1])) for x in children], axis=-1)
    lead = np.broadcast_shapes(*(v.shape[:-2] for v in w))
    w_all = np.concatenate([np.broadcast_to(v, (*lead, 1, v.shape[-1])) for v in w], axis=-1)
    how = plan.aggregations[b]
    return combine(x, w_all, how.method, p=how.p, min_data=how.min_data)


def shares(plan: Plan, scores: np.ndarray, denominators: Sequence[np.ndarray]) -> np.ndarray:
    """Each indicator's share of the composite's points (..., n_units, n_indicators).

    Times 100 it is the indicator's weight in composite points; 0 where excluded.
    ``denominators`` are :func:`aggregate`'s.
    """
    share: list[Any] = [plan.board_weights[b] / 100.0 for b in range(plan.n_boards)]
    out = np.zeros(scores.shape)
    present = ~np.isnan(scores)
    for b in range(plan.n_boards):
        den = denominators[b]
        with np.errstate(divide="ignore", invalid="ignore"):
            per_weight = np.where(den > 0, share[b] / np.where(den > 0, den, 1.0), 0.0)
        columns = plan.indicator_slices[b]
        weights = per_weight[..., None] * plan.indicator_weights[columns]
        out[..., columns] = np.where(present[..., columns], weights, 0.0)
        for c in plan.board_columns[b]:
            share[c] = per_weight * plan.board_weights[c]
    return out


def composite(
    plan: Plan, board_scores: np.ndarray, *, points: np.ndarray | None = None
) -> np.ndarray:
    """C = sum over top-level boards of points x board score / 100, (..., n_units).

    ``points`` (..., n_top) replaces the top-level boards' points.
    """
    points = plan.points if points is None else points
    total = np.zeros(board_scores[..., 0, :].shape)
    for t, b in enumerate(plan.top):
        total += board_scores[..., b, :] * points[..., t, None]
    return total / 100.0


# -- adjust (section 3) ----------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Adjustments:
    """Adjustments read from the data: ``points`` per id (bool for a veto), their net
    effect on the composite and the vetoed units."""

    points: dict[str, np.ndarray]
    net: np.ndarray
    vetoed: np.ndarray


def adjustments(plan: Plan, raw: Mapping[str, np.ndarray]) -> Adjustments:
    """Bonuses and deductions clamped to [0, max_points] (missing is 0); vetoes."""
    points: dict[str, np.ndarray] = {}
    net = np.zeros(plan.n_units)
    vetoed = np.zeros(plan.n_units, dtype=bool)
    for adjustment in plan.scheme.adjustments:
        value = np.asarray(raw[adjustment.id])
        if adjustment.kind == "veto":
            points[adjustment.id] = value.astype(bool)
            vetoed |= points[adjustment.id]
            continue
        clamped = np.clip(np.nan_to_num(value, nan=0.0), 0.0, adjustment.max_points)
        points[adjustment.id] = clamped
        net = net + clamped if adjustment.kind == "bonus" else net - clamped
    return Adjustments(points, net, vetoed)


def adjust(total: np.ndarray, adjusted: Adjustments) -> np.ndarray:
    """The composite with bonuses added and deductions taken off."""
    return total + adjusted.net


# -- rank (section 4) ------------------------------------------------------------------


def _ranks(
    keys: Sequence[np.ndarray], groups: np.ndarray | None, units: Sequence[int] | None
) -> np.ndarray:
    """Competition ranks along the last axis; within each group when ``groups`` is given;
    of the ``units`` alone when given (..., len(units)).

    A unit outside a group is nan for that group's ranking, which places it last and
    gives it no place (see :func:`leitai.engine.methods.competition_rank`).
    """
    if units is not None:
        return _ranks_of(keys, groups, units)
    if groups is None:
        return competition_rank(*keys)
    out = np.full(np.shape(keys[0]), np.nan)
    for g in np.unique(groups):
        inside = groups == g
        ranked = competition_rank(np.where(inside, keys[0], np.nan), *keys[1:])
        out = np.where(inside, ranked, out)
    return out


def _ranks_of(
    keys: Sequence[np.ndarray], groups: np.ndarray | None, units: Sequence[int]
) -> np.ndarray:
    """Competition ranks of some units: one plus the number of units ahead of each.

    Ranking everyone sorts; the rank of a few units needs only comparisons, which is
    what the what-if search asks of many candidate values at once. Same rounding, same
    order (each key in turn, nan last) and same ranks as :func:`_ranks`.
    """
    rounded = [
        np.where(np.isnan(k), -np.inf, np.round(np.asarray(k, dtype=float), DECIMALS)) for k in keys
    ]
    shape = (*rounded[0].shape, len(units))
    ahead, tied = np.zeros(shape, dtype=bool), np.ones(shape, dtype=bool)
    for key in rounded:
        theirs, mine = key[..., :, None], key[..., None, units]
        ahead |= tied & (theirs > mine)
        tied &= theirs == mine
    if groups is not None:
        ahead &= groups[:, None] == groups[None, units]
    ranks = 1.0 + ahead.sum(axis=-2)
    return np.where(np.isnan(np.asarray(keys[0])[..., units]), np.nan, ranks)


def rank(
    plan: Plan,
    total: np.ndarray,
    board_scores: np.ndarray,
    *,
    groups: np.ndarray | None = None,
    units: Sequence[int] | None = None,
) -> np.ndarray:
    """Composite ranks (..., n_units): competition ranks with the scheme's tie_break.

    ``groups`` (n_units,) of group labels ranks within each group (spec section 10);
    ``units`` gives the ranks of those units only, (..., len(units)).
    """
    keys = [total, *(board_scores[..., b, :] for b in plan.tie_break)]
    return _ranks(keys, groups, units)


def board_ranks(
    plan: Plan,
    board_scores: np.ndarray,
    *,
    groups: np.ndarray | None = None,
    units: Sequence[int] | None = None,
) -> np.ndarray:
    """Board ranks (..., n_boards, n_units), every level, without tie_break."""
    return _ranks([board_scores], groups, units)


def unit_counts(plan: Plan, *, groups: np.ndarray | None = None) -> np.ndarray:
    """n of the rules (n_units,): the number of units ranked with each unit."""
    if groups is None:
        return np.full(plan.n_units, float(plan.n_units))
    _, inverse, counts = np.unique(groups, return_inverse=True, return_counts=True)
    return counts[inverse].astype(float)


# -- stars (section 5) -----------------------------------------------------------------


def stars(plan: Plan, board_scores: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    """Stars of every board (..., n_boards, n_units), by rank or by bands of board score."""
    rule = plan.scheme.stars
    if rule.method == "rank":
        return np.maximum(rule.min, rule.max - (ranks - 1))
    out = np.full(board_scores.shape, float(rule.min))
    rounded = np.round(board_scores, 6)
    # Assign from the last pair of the highest-first order back, so the first one met wins.
    for threshold, count in reversed(sorted(rule.thresholds, key=lambda p: p[0], reverse=True)):
        out = np.where(rounded >= threshold, float(count), out)
    return out


# -- flags and grades (section 6) ------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Standing:
    """Where each unit stands: everything a rule may name, with any leading axes.

    composite, rank : (..., n_units); board_scores, board_ranks, stars : (..., n_boards,
    n_units); prev_rank, n : (n_units,) or broadcastable; vetoed : bool (n_units,).
    With groups (spec section 10) ``rank``, board ranks, stars and ``n`` are within each
    unit's group, and ``rank_all`` and ``n_all`` among all units (else they equal ``rank``
    and ``n``).
    """

    composite: np.ndarray
    rank: np.ndarray
    board_scores: np.ndarray
    board_ranks: np.ndarray
    stars: np.ndarray
    prev_rank: np.ndarray
    vetoed: np.ndarray
    n: np.ndarray
    rank_all: np.ndarray
    n_all: np.ndarray


def stand(
    plan: Plan,
    total: np.ndarray,
    board_scores: np.ndarray,
    *,
    prev_rank: np.ndarray,
    vetoed: np.ndarray,
    groups: np.ndarray | None = None,
    units: Sequence[int] | None = None,
) -> Standing:
    """Ranks, board ranks and stars of adjusted composites and board scores.

    With ``units`` (indices) the standing is of those units only, ranked among all.
    """
    pick: Any = slice(None) if units is None else list(units)
    ranks = board_ranks(plan, board_scores, groups=groups, units=units)
    ranked = rank(plan, total, board_scores, groups=groups, units=units)
    counts = unit_counts(plan, groups=groups)[pick]
    everyone = ranked if groups is None else rank(plan, total, board_scores, units=units)
    return Standing(
        composite=total[..., pick],
        rank=ranked,
        board_scores=board_scores[..., pick],
        board_ranks=ranks,
        stars=stars(plan, board_scores[..., pick], ranks),
        prev_rank=np.asarray(prev_rank, dtype=float)[..., pick],
        vetoed=np.asarray(vetoed, dtype=bool)[..., pick],
        n=counts,
        rank_all=everyone,
        n_all=np.full(np.shape(counts), float(plan.n_units)),
    )


def unit_groups(scheme: Scheme) -> np.ndarray | None:
    """The group labels the ranks are taken within (n_units,), or None for ``ranking: all``."""
    if scheme.ranking != "group":
        return None
    return np.array([unit.group or "" for unit in scheme.units], dtype=object)


# The variables of spec section 6, the only place they are named. A unit variable is
# computed from a Standing; a board variable ``<name>_<board id>`` is a column of the
# Standing's per-board array. Ranking within groups (section 10) adds ``rank_all`` and
# ``n_all``.
UNIT_VARIABLES: dict[str, Callable[[Standing], np.ndarray]] = {
    "score": lambda s: s.composite,
    "rank": lambda s: s.rank,
    "prev_rank": lambda s: s.prev_rank,
    "rank_change": lambda s: s.prev_rank - s.rank,
    "n": lambda s: s.n,
    "vetoed": lambda s: s.vetoed.astype(float),
    "rank_all": lambda s: s.rank_all,
    "n_all": lambda s: s.n_all,
}
BOARD_VARIABLES: dict[str, Callable[[Standing], np.ndarray]] = {
    "score": lambda s: s.board_scores,
    "rank": lambda s: s.board_ranks,
    "stars": lambda s: s.stars,
}


def _variable_table(board_ids: Iterable[str]) -> dict[str, tuple[str, int | None]]:
    table: dict[str, tuple[str, int | None]] = {name: (name, None) for name in UNIT_VARIABLES}
    for b, board_id in enumerate(board_ids):
        for name in BOARD_VARIABLES:
            table[f"{name}_{board_id}"] = (name, b)
    return table


def variable_collisions(
    boards: Iterable[tuple[str, str]],
) -> list[tuple[str, str, str]]:
    """The boards whose variables would shadow a unit variable: a board ``change`` makes
    ``rank_change``, a board ``all`` makes ``rank_all``.

    ``boards`` are (where, board id) pairs; returns (where, board id, variable name).

    >>> variable_collisions([("boards[0].id", "economy"), ("boards[1].id", "change")])
    [('boards[1].id', 'change', 'rank_change')]
    """
    out = []
    for where, board_id in boards:
        for name in BOARD_VARIABLES:
            if f"{name}_{board_id}" in UNIT_VARIABLES:
                out.append((where, board_id, f"{name}_{board_id}"))
    return out


def rule_variables(board_ids: Iterable[str]) -> frozenset[str]:
    """The names a flag or grade rule may use, given the ids of every board.

    >>> sorted(rule_variables(["x"]))  # doctest: +NORMALIZE_WHITESPACE
    ['n', 'n_all', 'prev_rank', 'rank', 'rank_all', 'rank_change', 'rank_x', 'score',
     'score_x', 'stars_x', 'vetoed']
    """
    return frozenset(_variable_table(board_ids))


class RuleVariables(Mapping[str, np.ndarray]):
    """The variables of a Standing, flattened to 1-D for the expression evaluator.

    A variable is computed when a rule first reads it.
    """

    def __init__(self, plan: Plan, standing: Standing) -> None:
        self.plan = plan
        self.standing = standing
        self.shape = standing.rank.shape
        self.size = int(np.prod(self.shape))
        self._cache: dict[str, np.ndarray] = {}

    def __getitem__(self, key: str) -> np.ndarray:
        if key not in self._cache:
            name, board = self.plan.variables[key]
            if board is None:
                value = UNIT_VARIABLES[name](self.standing)
            else:
                value = BOARD_VARIABLES[name](self.standing)[..., board, :]
            flat = np.broadcast_to(np.asarray(value, dtype=float), self.shape)
            self._cache[key] = flat.reshape(self.size)
        return self._cache[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.plan.variables)

    def __len__(self) -> int:
        return len(self.plan.variables)

    def evaluate(self, rule: Expression) -> np.ndarray:
        """A rule's truth for each unit, shaped like the ranks (null is false)."""
        return rule.evaluate(self, self.size).reshape(self.shape)


def flags(plan: Plan, variables: RuleVariables) -> np.ndarray:
    """Each flag (..., n_units, n_flags); a vetoed unit gets none."""
    rules = plan.flag_rules
    out = np.zeros((*variables.shape, len(rules)), dtype=bool)
    for k, rule in enumerate(rules):
        out[..., k] = variables.evaluate(rule)
    return out & ~variables.standing.vetoed[..., None]


def grades(plan: Plan, variables: RuleVariables) -> np.ndarray:
    """Index of each unit's grade (..., n_units): the first rule that holds, -1 for none;
    a vetoed unit gets the last grade."""
    rules = plan.grade_rules
    out = np.full(variables.shape, -1, dtype=np.intp)
    for k in range(len(rules) - 1, -1, -1):
        out = np.where(variables.evaluate(rules[k]), k, out)
    if rules:
        out = np.where(variables.standing.vetoed, len(rules) - 1, out)
    return out


def grade_names(plan: Plan, index: np.ndarray) -> tuple[str | None, ...]:
    """Grade names of grade indices (-1 is None)."""
    names = [g.name for g in plan.scheme.grades]
    return tuple(names[k] if k >= 0 else None for k in np.asarray(index).tolist())
