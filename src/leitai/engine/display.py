"""How many decimals a shown score needs so that visible ties are not false ties.

Boards print scores to two decimals. Two units whose scores print the same but that
got a different rank, star count or flag look unfairly treated ("63.83 and 63.83, yet
8★ and 7★"). :func:`tie_decimals` says, for every score, how many decimals show the
difference that decided, and marks the pairs that are equal to the 6 decimals the
engine compares (spec section 4): there the tie-break (or nothing) decided, and more
decimals would not help.

Formatting is decided on the text people read (``f"{x:.{k}f}"``), not on
``numpy.round``, so that "looks equal" means exactly what it says.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "ENGINE_DECIMALS",
    "Shown",
    "ShownScores",
    "TieDisplay",
    "format_score",
    "shown_scores",
    "tie_decimals",
]

#: Scores are compared after rounding to this many decimals (spec section 4).
ENGINE_DECIMALS = 6


@dataclass(frozen=True)
class TieDisplay:
    """Per score: the decimals to show and whether the tie-break decided.

    Attributes
    ----------
    decimals : numpy.ndarray of int
        The decimals to print each score with: ``decimals`` where nothing looks tied,
        more where a score prints like another that was decided differently.
    tie_break : numpy.ndarray of bool
        True where the score equals (to 6 decimals) that of a unit decided differently:
        the tie-break rule (or the order of equal ranks) decided, not the score.
    base : int
        The decimals normally shown.
    """

    decimals: np.ndarray
    tie_break: np.ndarray
    base: int = 2

    @property
    def extended(self) -> bool:
        """Whether any score needs more decimals than usual, or a tie-break mark."""
        return bool(self.tie_break.any()) or bool((self.decimals > self.base).any())

    def text(self, scores: Sequence[float | None]) -> list[str]:
        """The scores printed with their decimals (a dash for a missing score)."""
        return [format_score(s, int(d)) for s, d in zip(scores, self.decimals, strict=True)]


def format_score(score: float | None, decimals: int = 2) -> str:
    """A score as the boards print it: fixed decimals, a dash for none."""
    if score is None or (isinstance(score, float) and np.isnan(score)):
        return "—"
    return f"{float(score):.{int(decimals)}f}"


def _printed(scores: np.ndarray, decimals: int) -> np.ndarray:
    return np.array([f"{s:.{decimals}f}" if np.isfinite(s) else "" for s in scores])


def _outcome_keys(decided: Sequence[Any] | np.ndarray, n: int) -> np.ndarray:
    """Each unit's outcome as one comparable code (units with equal outcomes share it)."""
    keys = [repr(d) for d in decided]
    if len(keys) != n:
        raise ValueError(f"expected {n} outcomes, found {len(keys)}")
    _unique, codes = np.unique(np.array(keys, dtype=object).astype(str), return_inverse=True)
    return codes


def tie_decimals(
    scores: Sequence[float | None] | np.ndarray,
    decided: Sequence[Any] | np.ndarray,
    *,
    decimals: int = 2,
) -> TieDisplay:
    """The decimals each score needs to tell apart scores that decided different things.

    Two scores conflict when they print the same with ``decimals`` decimals while the
    outcomes they decided (rank, stars, flags, grade...) differ. Each score of a
    conflicting pair is shown with the fewest decimals (at most 6) at which the two
    print differently; where they are equal to 6 decimals the pair is marked as decided
    by the tie-break instead.

    Parameters
    ----------
    scores : sequence of float or None
        The scores as computed (unrounded); None or NaN for a missing score, which never
        conflicts.
    decided : sequence
        One outcome per score, any value with a stable ``repr`` (an int rank, a tuple of
        rank, stars and flags...); equal outcomes never conflict.
    decimals : int, default 2
        The decimals normally shown.

    Returns
    -------
    TieDisplay
        ``decimals`` and ``tie_break`` per score, in the order given.

    Examples
    --------
    城市更新建设 in 2023Q1: 市北区 63.8349 (8★) and 胶州市 63.8254 (7★) both print 63.83.

    >>> shown = tie_decimals([63.8349, 63.8254, 60.06], [8, 7, 5])
    >>> shown.decimals.tolist(), shown.tie_break.tolist()
    ([3, 3, 2], [False, False, False])
    >>> shown.text([63.8349, 63.8254, 60.06])
    ['63.835', '63.825', '60.06']

    Equal to six decimals, a tie-break decided:

    >>> tie_decimals([80.0, 80.0, 70.0], [1, 2, 3]).tie_break.tolist()
    [True, True, False]
    """
    values = np.array([np.nan if s is None else float(s) for s in scores], dtype=float)
    n = values.size
    codes = _outcome_keys(decided, n)
    present = np.isfinite(values)
    shown = _printed(values, decimals)
    conflict = (
        (shown[:, None] == shown[None, :])
        & (codes[:, None] != codes[None, :])
        & present[:, None]
        & present[None, :]
    )
    needed = np.full(n, decimals, dtype=int)
    tie_break = np.zeros(n, dtype=bool)
    if not conflict.any():
        return TieDisplay(decimals=needed, tie_break=tie_break, base=decimals)
    # For each conflicting pair, the first precision at which they print apart.
    apart_at = np.full((n, n), ENGINE_DECIMALS + 1, dtype=int)
    for k in range(ENGINE_DECIMALS, decimals, -1):
        printed = _printed(values, k)
        apart_at[printed[:, None] != printed[None, :]] = k
    apart_at[~conflict] = decimals
    tied = conflict & (apart_at > ENGINE_DECIMALS)
    tie_break = tied.any(axis=1)
    needed = np.where(conflict & ~tied, apart_at, decimals).max(axis=1)
    return TieDisplay(decimals=needed.astype(int), tie_break=tie_break, base=decimals)


@dataclass(frozen=True)
class Shown:
    """One score as printed: its text and whether a tie-break decided against an equal."""

    text: str
    tie_break: bool = False
    extended: bool = False  # printed with more decimals than usual


@dataclass(frozen=True)
class ShownScores:
    """Every score of a result as the boards print it (see :func:`shown_scores`).

    ``composite[unit]`` is the composite score; ``boards[board][unit]`` the board score.
    ``extended`` says whether anything is printed with more decimals or a tie-break
    mark, i.e. whether a footnote is due.
    """

    composite: dict[str, Shown]
    boards: dict[str, dict[str, Shown]]
    extended: bool


def _shown(
    units: list[str], scores: list[Any], decided: list[Any], decimals: int
) -> tuple[dict[str, Shown], bool]:
    display = tie_decimals(scores, decided, decimals=decimals)
    texts = display.text(scores)
    out = {
        unit: Shown(text, bool(tie), int(d) > decimals)
        for unit, text, tie, d in zip(
            units, texts, display.tie_break, display.decimals, strict=True
        )
    }
    return out, display.extended


def _within_groups(results: Sequence[dict[str, Any]]) -> bool:
    """Whether the rows were ranked within groups (spec section 10): they carry groups and
    some rank in a group differs from the rank among all."""
    return any(
        row.get("group") is not None and row.get("rank_all", row["rank"]) != row["rank"]
        for row in results
    )


def shown_scores(
    results: Sequence[dict[str, Any]], *, decimals: int = 2, board_decimals: int | None = None
) -> ShownScores:
    """The composite and board scores of a result as printed; scores are compared only
    with those of the same group where the result ranks within groups (spec section 10).

    See :func:`_shown_scores` for the parameters.
    """
    if not _within_groups(results):
        return _shown_scores(results, decimals=decimals, board_decimals=board_decimals)
    parts = [
        _shown_scores(
            [row for row in results if row.get("group") == group],
            decimals=decimals,
            board_decimals=board_decimals,
        )
        for group in dict.fromkeys(row.get("group") for row in results)
    ]
    composite: dict[str, Shown] = {}
    boards: dict[str, dict[str, Shown]] = {}
    for part in parts:
        composite.update(part.composite)
        for board, cells in part.boards.items():
            boards.setdefault(board, {}).update(cells)
    return ShownScores(composite, boards, any(part.extended for part in parts))


def _shown_scores(
    results: Sequence[dict[str, Any]], *, decimals: int = 2, board_decimals: int | None = None
) -> ShownScores:
    """The composite and board scores of a result (spec section 8 rows) as printed.

    A composite score decides the rank, the flags and the grade; a board score decides
    the board's rank and stars. Scores that print alike but decided differently get
    the decimals that tell them apart (:func:`tie_decimals`).

    Parameters
    ----------
    results : sequence of dict
        The ``results`` of the JSON result (``Result.to_dict()["results"]``).
    decimals : int, default 2
        Decimals of the composite scores.
    board_decimals : int, optional
        Decimals of the board scores (default: ``decimals``).

    Examples
    --------
    >>> rows = [
    ...     {"unit": "shibei", "score": 66.72, "rank": 6, "flags": [], "grade": "良好",
    ...      "boards": {"renewal": {"score": 63.8349, "rank": 3, "stars": 8}}},
    ...     {"unit": "jiaozhou", "score": 81.25, "rank": 2, "flags": [], "grade": "优秀",
    ...      "boards": {"renewal": {"score": 63.8254, "rank": 4, "stars": 7}}},
    ... ]
    >>> shown = _shown_scores(rows)
    >>> shown.boards["renewal"]["shibei"].text, shown.boards["renewal"]["jiaozhou"].text
    ('63.835', '63.825')
    >>> shown.composite["shibei"].text, shown.extended
    ('66.72', True)
    """
    board_decimals = decimals if board_decimals is None else board_decimals
    units = [row["unit"] for row in results]
    composite, extended = _shown(
        units,
        [row["score"] for row in results],
        [(row["rank"], tuple(row.get("flags") or ()), row.get("grade")) for row in results],
        decimals,
    )
    boards: dict[str, dict[str, Shown]] = {}
    for board in results[0]["boards"] if results else []:
        cells = [row["boards"][board] for row in results]
        boards[board], more = _shown(
            units,
            [c["score"] for c in cells],
            [(c["rank"], c["stars"]) for c in cells],
            board_decimals,
        )
        extended = extended or more
    return ShownScores(composite=composite, boards=boards, extended=extended)
