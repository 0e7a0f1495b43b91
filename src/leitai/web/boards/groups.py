"""The boards of a scheme that ranks within groups (分类考核, spec section 10).

The result lists its units by group, in the order of ``groups``, then by rank; every
rank, star and flag in it is the unit's within its group, and ``rank_all`` its rank
among all units. These functions arrange a result for the boards: a section per group
and, where the office wants it, the city-wide table ordered by ``rank_all``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

from leitai.web.assessments.selectors import ResultView


@dataclass
class GroupSection:
    id: str
    name: str
    rows: list[dict[str, Any]]
    board_posters: list[dict[str, Any]] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.rows)


def is_grouped(view: ResultView) -> bool:
    return getattr(view.scheme, "ranking", "all") == "group"


def group_sections(view: ResultView) -> list[GroupSection]:
    """One section per group of the scheme, in its order, each with its units by rank
    (empty for a scheme that ranks all units together)."""
    if not is_grouped(view):
        return []
    sections = []
    for group in view.scheme.groups:
        rows = [r for r in view.rows if r.get("group") == group.id]
        rows.sort(key=lambda r: (r["rank"], r["unit"]))
        sections.append(GroupSection(id=group.id, name=group.name, rows=rows))
    return sections


def city_rows(view: ResultView) -> list[dict[str, Any]]:
    """Every unit ordered by its rank among all units, each with its group's name."""
    names = {g.id: g.name for g in getattr(view.scheme, "groups", ())}
    rows = [dict(r, group_name=names.get(r.get("group"), "")) for r in view.rows]
    rows.sort(key=lambda r: (_rank_all(r), r["unit"]))
    return rows


def _rank_all(row: dict[str, Any]) -> int:
    value = row.get("rank_all")
    return int(value if value is not None else row["rank"])


def _board_order(board: str, row: dict[str, Any]) -> tuple[Any, Any]:
    return row["boards"][board]["rank"], row["rank"]


def board_posters(view: ResultView, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A poster per top-level board: ``rows`` by their rank in that board."""
    out = []
    for board in view.top_boards:
        ordered = sorted(rows, key=partial(_board_order, board.id))
        out.append({"board": board, "rows": [(r, r["boards"][board.id]) for r in ordered]})
    return out


def unit_group(view: ResultView, unit: str) -> dict[str, Any] | None:
    """The unit's group on its report card: name, size, and the number of all units."""
    if not is_grouped(view):
        return None
    # Counted in the whole result: a reporter reading their own draft has one row only.
    everyone = view.document["results"]
    group = view.by_unit[unit].get("group")
    name = next((g.name for g in view.scheme.groups if g.id == group), group)
    return {
        "name": name,
        "n": sum(1 for r in everyone if r.get("group") == group),
        "n_all": len(everyone),
    }
