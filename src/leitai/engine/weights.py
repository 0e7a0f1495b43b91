"""Indicator weights from the data (docs/methods.md, section E): COINr's PCA weights.

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

from typing import Any

import numpy as np
import yaml

from leitai.engine.errors import LeitaiError
from leitai.engine.problems import Problem, Where
from leitai.engine.scheme import Scheme, parse_scheme

__all__ = ["pca_loadings", "pca_weights", "with_weights"]


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
