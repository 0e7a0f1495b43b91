"""The result of a period: immutable arrays and the tables that explain them.

Rows are plain dicts, like pingouin's self-describing tables: every number a
person may ask about (value, score, weight, contribution, rank) is in a column.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from leitai.engine.methods import competition_rank
from leitai.engine.scheme import Scheme

__all__ = ["Result", "json_bytes", "json_text", "write_json"]


def _num(value: Any) -> float | None:
    value = float(value)
    return None if math.isnan(value) else value


def _nullable(array: np.ndarray) -> list[list[float | None]]:
    """A 2-D array as lists of floats, None where nan (:func:`_num` for every cell at once)."""
    rows: list[list[float | None]] = np.asarray(array, dtype=float).tolist()
    for u, j in np.argwhere(np.isnan(array)).tolist():
        rows[u][j] = None
    return rows


def _int(value: Any) -> int | None:
    value = float(value)
    return None if math.isnan(value) else round(value)


@dataclass(frozen=True, eq=False)
class Result:
    """One period's assessment. Arrays are read-only; rows follow the scheme's units.

    Attributes
    ----------
    values : (n_units, n_indicators) raw values as given; ``prepared`` after section 9.
    scores : (n_units, n_indicators) indicator scores; nan where left out by ``exclude``.
    weights : (n_units, n_indicators) the composite points each indicator carries for
        each unit (its contribution is ``weights * scores / 100``).
    board_scores, board_ranks, stars : (n_units, n_boards), boards depth-first.
    composite, rank, prev_rank : (n_units,)
    group : per unit, its group id (None for a unit without one), in unit order.
    rank_all : (n_units,) the rank among all units; with ``ranking: group`` (spec section
        10) ``rank``, ``prev_rank``, board ranks and stars are within the unit's group.
    """

    scheme: Scheme
    period: str | None
    values: np.ndarray
    prepared: np.ndarray
    targets: np.ndarray
    scores: np.ndarray
    weights: np.ndarray
    board_scores: np.ndarray
    board_ranks: np.ndarray
    stars: np.ndarray
    composite: np.ndarray
    rank: np.ndarray
    prev_rank: np.ndarray
    adjustments: dict[str, np.ndarray]
    vetoed: np.ndarray
    flags: np.ndarray
    grades: tuple[str | None, ...]
    preparation: tuple[dict[str, Any], ...] = ()
    group: tuple[str | None, ...] = ()
    rank_all: np.ndarray = None  # type: ignore[assignment]  # default: ``rank``

    def __post_init__(self) -> None:
        if not self.group:
            object.__setattr__(self, "group", tuple(u.group for u in self.scheme.units))
        if self.rank_all is None:
            object.__setattr__(self, "rank_all", np.array(self.rank, dtype=float))
        for value in vars(self).values():
            if isinstance(value, np.ndarray):
                value.setflags(write=False)
        for array in self.adjustments.values():
            array.setflags(write=False)

    # -- lookups ---------------------------------------------------------------
    @cached_property
    def boards(self) -> list[Any]:
        return self.scheme.all_boards()

    @cached_property
    def indicators(self) -> list[Any]:
        return self.scheme.all_indicators()

    @cached_property
    def has_groups(self) -> bool:
        """Whether the scheme speaks of groups at all (``groups``, ``ranking: group`` or a
        unit's ``group``): only then does the JSON carry ``group`` and ``rank_all``, so
        that a scheme without groups gives the JSON of spec section 8 unchanged."""
        scheme = self.scheme
        return bool(scheme.groups) or self.grouped or any(g is not None for g in self.group)

    @property
    def grouped(self) -> bool:
        """Whether ranks are taken within groups (``ranking: group``, spec section 10)."""
        return self.scheme.ranking == "group"

    @cached_property
    def group_order(self) -> np.ndarray:
        """Each unit's group's place in the scheme's ``groups`` (0 for all without groups)."""
        if not self.grouped:
            return np.zeros(len(self.rank), dtype=np.intp)
        place = {g.id: k for k, g in enumerate(self.scheme.groups)}
        return np.array([place.get(g or "", len(place)) for g in self.group], dtype=np.intp)

    @cached_property
    def order(self) -> np.ndarray:
        """Unit indices by group (in the order of ``groups`` when ranking within groups),
        then by rank, then by the scheme's order."""
        return np.lexsort((np.arange(len(self.rank)), self.rank, self.group_order))

    @cached_property
    def indicator_ranks(self) -> np.ndarray:
        """Each unit's rank on each indicator's score (nan where left out), within its
        group when ranking within groups."""
        if not self.grouped:
            return competition_rank(self.scores.T).T
        out = np.full(self.scores.T.shape, np.nan)
        for g in set(self.group):
            inside = np.array([x == g for x in self.group])
            ranked = competition_rank(np.where(inside, self.scores.T, np.nan))
            out = np.where(inside, ranked, out)
        return out.T

    def same_group(self, u: int) -> np.ndarray:
        """Which units are ranked with unit ``u`` (all of them without groups)."""
        if not self.grouped:
            return np.ones(len(self.rank), dtype=bool)
        return np.array([g == self.group[u] for g in self.group])

    @cached_property
    def _board_of_indicator(self) -> dict[str, Any]:
        return {ind.id: board for board in self.boards for ind in board.indicators}

    def unit_index(self, unit: str) -> int:
        try:
            return self.scheme.unit_ids.index(unit)
        except ValueError:
            raise KeyError(f"unknown unit {unit!r}") from None

    @property
    def rank_change(self) -> np.ndarray:
        return self.prev_rank - self.rank

    def flag_ids(self, u: int) -> list[str]:
        return [flag.id for k, flag in enumerate(self.scheme.flags) if self.flags[u, k]]

    def _standing(self, u: int) -> dict[str, Any]:
        """Unit ``u``'s place: rank (in its group and overall), composite, change, veto."""
        lists = self._entry_lists  # not an array indexed (and rank_change made) per unit
        return {
            "rank": _int(lists["rank"][u]),
            "rank_all": _int(lists["rank_all"][u]),
            "score": float(lists["composite"][u]),
            "prev_rank": _int(lists["prev_rank"][u]),
            "rank_change": _int(lists["rank_change"][u]),
            "vetoed": bool(lists["vetoed"][u]),
        }

    # -- tables ----------------------------------------------------------------
    def league_table(self) -> list[dict[str, Any]]:
        """One row per unit in rank order: composite, rank change, flags, stars, grade."""
        top = [(b, self.boards.index(b)) for b in self.scheme.boards]
        names = {flag.id: flag.name for flag in self.scheme.flags}
        rows = []
        lists = self._entry_lists
        for u in self.order.tolist():
            unit = self.scheme.units[u]
            flags = self.flag_ids(u)
            row: dict[str, Any] = {
                "unit": unit.id,
                "name": unit.name,
                "group": self.group[u],
                "group_name": self.scheme.group_name(self.group[u]),
                **self._standing(u),
                "flags": flags,
                "flag_names": [names[f] for f in flags],
                "grade": self.grades[u],
            }
            scores, stars = lists["board_scores"][u], lists["stars"][u]
            for board, b in top:
                row[f"score_{board.id}"] = _num(scores[b])
                row[f"stars_{board.id}"] = _int(stars[b])
            rows.append(row)
        return rows

    def board_table(self) -> list[dict[str, Any]]:
        """One row per unit and board (every level): score, rank and stars."""
        return [
            {
                "unit": self.scheme.unit_ids[u],
                "board": board.id,
                "name": board.name,
                "score": _num(self.board_scores[u, b]),
                "rank": _int(self.board_ranks[u, b]),
                "stars": _int(self.stars[u, b]),
            }
            for u in self.order
            for b, board in enumerate(self.boards)
        ]

    def indicator_table(self) -> list[dict[str, Any]]:
        """One row per unit and indicator: value, score, weight, contribution, rank."""
        rows = []
        for u in self.order:
            for j, indicator in enumerate(self.indicators):
                rows.append(self._indicator_row(u, j, indicator))
        return rows

    def _indicator_row(self, u: int, j: int, indicator: Any) -> dict[str, Any]:
        board = self._board_of_indicator[indicator.id]
        score = _num(self.scores[u, j])
        weight = float(self.weights[u, j])
        return {
            "unit": self.scheme.unit_ids[u],
            "indicator": indicator.id,
            "name": indicator.name,
            "board": board.id,
            "board_name": board.name,
            "unit_of_measure": indicator.unit,
            "value": _num(self.values[u, j]),
            "target": _num(self.targets[u, j]),
            "score": score,
            "weight": weight,
            "contribution": 0.0 if score is None else weight * score / 100.0,
            "rank": _int(self.indicator_ranks[u, j]),
        }

    # -- explanation -----------------------------------------------------------
    def explain(self, unit: str, *, top: int = 3) -> dict[str, Any]:
        """Why ``unit`` stands where it does.

        Returns a dict with the unit's composite and rank, a row per indicator (value,
        score, weight in composite points, contribution in composite points and the
        unit's rank on it), its ``top`` strongest and weakest indicators by rank, its
        boards and adjustments, and ``above``: the unit one place above and the gap to
        it in composite points (None for the first).
        """
        u = self.unit_index(unit)
        rows = [self._indicator_row(u, j, ind) for j, ind in enumerate(self.indicators)]
        ranked = [row for row in rows if row["rank"] is not None]
        strongest = sorted(ranked, key=lambda r: (r["rank"], -r["weight"]))[:top]
        weakest = sorted(ranked, key=lambda r: (-r["rank"], -r["weight"]))[:top]
        better = np.flatnonzero((self.rank < self.rank[u]) & self.same_group(u))
        above = None
        if better.size:
            nearest = better[self.rank[better] == self.rank[better].max()]
            a = int(nearest[np.argmin(self.composite[nearest])])
            above = {
                "unit": self.scheme.unit_ids[a],
                "name": self.scheme.units[a].name,
                "rank": _int(self.rank[a]),
                "score": float(self.composite[a]),
                "gap": float(self.composite[a] - self.composite[u]),
            }
        return {
            "unit": unit,
            "name": self.scheme.units[u].name,
            "group": self.group[u],
            "period": self.period,
            **self._standing(u),
            "flags": self.flag_ids(u),
            "grade": self.grades[u],
            "boards": [
                {
                    "board": board.id,
                    "name": board.name,
                    "score": _num(self.board_scores[u, b]),
                    "rank": _int(self.board_ranks[u, b]),
                    "stars": _int(self.stars[u, b]),
                }
                for b, board in enumerate(self.boards)
            ],
            "adjustments": self._adjustments_of(u),
            "indicators": rows,
            "strongest": [row["indicator"] for row in strongest],
            "weakest": [row["indicator"] for row in weakest],
            "above": above,
        }

    def _adjustments_of(self, u: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for adjustment in self.scheme.adjustments:
            value = self.adjustments[adjustment.id][u]
            out[adjustment.id] = bool(value) if adjustment.kind == "veto" else float(value)
        return out

    # -- JSON ------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """The result in the form of spec section 8; where the scheme has groups, each
        unit also carries ``group`` and ``rank_all`` (section 10)."""
        ids = [ind.id for ind in self.indicators]
        values, scores = _nullable(self.values), _nullable(self.scores)
        results = [
            self._unit_entry(
                u,
                {
                    i: {"value": v, "score": score}
                    for i, v, score in zip(ids, values[u], scores[u], strict=True)
                },
            )
            for u in self.order
        ]
        return self._document(results)

    @cached_property
    def _entry_lists(self) -> dict[str, list[Any]]:
        """The arrays of the units' entries as lists (a list is indexed 10 times faster)."""
        arrays = {
            "composite": self.composite,
            "rank": self.rank,
            "rank_all": self.rank_all,
            "prev_rank": self.prev_rank,
            "rank_change": self.rank_change,
            "board_scores": self.board_scores,
            "board_ranks": self.board_ranks,
            "stars": self.stars,
            "vetoed": self.vetoed,
        }
        return {name: np.asarray(array).tolist() for name, array in arrays.items()}

    def _unit_entry(self, u: int, indicators: dict[str, Any]) -> dict[str, Any]:
        """One entry of ``results`` (spec section 8), with the ``indicators`` given."""
        unit = self.scheme.units[u]
        lists = self._entry_lists
        row: dict[str, Any] = {"unit": unit.id, "name": unit.name}
        if self.has_groups:
            row["group"] = self.group[u]
        row["score"] = float(lists["composite"][u])
        row["rank"] = _int(lists["rank"][u])
        if self.has_groups:
            row["rank_all"] = _int(lists["rank_all"][u])
        scores, ranks, stars = lists["board_scores"][u], lists["board_ranks"][u], lists["stars"][u]
        row.update(
            {
                "prev_rank": _int(lists["prev_rank"][u]),
                "rank_change": _int(lists["rank_change"][u]),
                "boards": {
                    board.id: {
                        "score": _num(scores[b]),
                        "rank": _int(ranks[b]),
                        "stars": _int(stars[b]),
                    }
                    for b, board in enumerate(self.boards)
                },
                "indicators": indicators,
                "adjustments": self._adjustments_of(u),
                "vetoed": bool(lists["vetoed"][u]),
                "flags": self.flag_ids(u),
                "grade": self.grades[u],
            }
        )
        return row

    def _document(self, results: list[dict[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "scheme": {
                "id": self.scheme.id,
                "version": self.scheme.version,
                "sha256": self.scheme.sha256,
            },
            "period": self.period,
            "results": results,
        }
        if self.preparation:
            out["preparation"] = list(self.preparation)
        return out

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text (UTF-8 characters kept as they are)."""
        if indent != 2:
            return json_text(self.to_dict(), indent=indent)
        buffer = io.BytesIO()
        self.write_json(buffer)
        return buffer.getvalue()[:-1].decode("utf-8")

    def write_json(self, handle: Any) -> None:
        """Write ``json_bytes(self.to_dict())`` to a binary ``handle``, a unit at a time.

        The same bytes, without building the document: a unit's entry is written by
        orjson with its ``indicators`` left empty, and the indicators (the bulk: a
        value and a score per unit and indicator) are filled into a text laid out once
        for every unit, their numbers written by orjson from the arrays at once (the
        very text it writes for each float). 3,000 units of 100 indicators take 0.1 s
        and 5 MB (a unit's text and the numbers), against 0.3 s and 86 MB through
        :meth:`to_dict` and :func:`write_json`.
        """
        ids = [ind.id for ind in self.indicators]
        if len(set(ids)) != len(ids) or not len(self.order):
            write_json(self.to_dict(), handle)  # (never for a valid scheme)
            return
        import orjson

        head, tail = json_bytes(self._document([])).split(b'"results": []', 1)
        handle.write(head + b'"results": [')
        # The indicators' text with a slot for each number between its fragments, and
        # the rest of the unit's entry last.
        fragments = _indicators_fragments(ids)
        parts = [b""] * (2 * len(fragments))
        parts[0:-1:2] = fragments
        # Each unit's value and score of each indicator, in turn: the numbers in the order
        # of the slots.
        pairs = np.stack([self.values, self.scores], axis=-1).astype(float, copy=False)
        unit_numbers = pairs.reshape(len(self.order), -1)
        numbers = orjson.OPT_SERIALIZE_NUMPY
        pending: list[bytes] = []  # written about a megabyte at a time
        for k, u in enumerate(self.order.tolist()):
            text = orjson.dumps(self._unit_entry(u, {}), option=_options())
            pending.append(b",\n    " if k else b"\n    ")
            if not ids:
                pending.append(text.replace(b"\n", b"\n    "))
            else:
                before, after = text.split(_NO_INDICATORS, 1)
                parts[1:-2:2] = orjson.dumps(unit_numbers[u], option=numbers)[1:-1].split(b",")
                parts[-1] = after.replace(b"\n", b"\n    ")
                pending += [before.replace(b"\n", b"\n    "), _INDICATORS, b"".join(parts)]
            if len(pending) > 400:
                handle.write(b"".join(pending))
                pending.clear()
        handle.write(b"".join([*pending, b"\n  ]", tail]))


# How a unit's entry written by orjson on its own names its indicators: the key is the
# only one indented by two spaces (a string's quotes and line breaks are escaped).
_NO_INDICATORS = b'\n  "indicators": {}'
_INDICATORS = b'\n      "indicators": '


def _indicators_fragments(ids: list[Any]) -> list[bytes]:
    """A unit's ``indicators`` as orjson lays them out in a result, cut at each number."""
    import orjson

    fragments = [b"{\n"]
    for k, i in enumerate(ids):
        key = orjson.dumps({i: 0}, option=_options())  # the key as orjson writes it
        key = key[key.index(b"\n") + 3 : key.rindex(b": 0")]
        fragments[-1] += (b",\n" if k else b"") + b"        " + key + b': {\n          "value": '
        fragments += [b',\n          "score": ', b"\n        }"]
    fragments[-1] += b"\n      }"
    return fragments


def _options() -> int:
    """orjson's options for a result: numpy numbers, keys of any kind, an indent of 2."""
    import orjson

    return orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS | orjson.OPT_INDENT_2


def json_bytes(document: Any) -> bytes:
    """:func:`json_text` with an indent of 2 as UTF-8 bytes, for a file or a pipe."""
    import orjson

    return orjson.dumps(document, option=_options() | orjson.OPT_APPEND_NEWLINE)


def write_json(document: dict[str, Any], handle: Any) -> None:
    """Write :func:`json_bytes` of a result document to a binary ``handle``, a unit at a time.

    The same bytes as ``json_bytes(document)``; each entry of ``results`` is written
    and dropped in turn, so the text of the whole is never held (27 MB for 3,000 units
    of 100 indicators) besides the document.
    """
    results = document.get("results") or []
    if not results:
        handle.write(json_bytes(document))
        return
    head, tail = json_bytes({**document, "results": []}).split(b'"results": []', 1)
    handle.write(head + b'"results": [\n    ')
    for k in range(len(results)):
        if k:
            handle.write(b",\n    ")
        handle.write(json_bytes(results[k])[:-1].replace(b"\n", b"\n    "))
        results[k] = None
    handle.write(b"\n  ]" + tail)


def json_text(document: Any, *, indent: int | None = 2) -> str:
    """A JSON document as text, UTF-8 characters kept, numpy numbers and arrays accepted.

    orjson writes it (about 10 times faster than the standard library, whose pure-Python
    encoder takes over as soon as there is an indent). ``indent`` is 2 (orjson's only
    indentation, laid out as ``json.dumps(..., indent=2)`` lays it out); any other
    indent, or None for one line, is the standard library's (its C encoder is fast
    without an indent). The values read back the same either way: floats are the
    shortest text that reads back to the same number (orjson writes ``1e-5`` where the
    standard library writes ``1e-05``).

    >>> json_text({"a": [1.5, None], "名": "黄岛"}, indent=None)
    '{"a": [1.5, null], "名": "黄岛"}'
    """
    if indent != 2:  # the standard library's C encoder is fast without an indent
        return json.dumps(document, ensure_ascii=False, indent=indent, default=_plain)
    return json_bytes(document)[:-1].decode("utf-8")


def _plain(value: Any) -> Any:
    """A numpy number or array as a Python one (for the standard library's encoder)."""
    if isinstance(value, np.ndarray | np.generic):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
