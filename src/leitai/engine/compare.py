"""What changed between two versions of a scheme, item by item.

Items are matched by id, not by position, so reordering the indicators of a board
is not read as every indicator changing.

>>> from leitai.engine import parse_scheme
>>> base = "id: s\\nname: S\\nversion: {v}\\nunits: [{{id: a, name: A}}]\\nboards: [{{id: b, name: B, " \\
...        "points: 100, indicators: [{{id: i, name: I, weight: {w}}}]}}]\\n"
>>> [(c.path, c.before, c.after) for c in compare_schemes(parse_scheme(base.format(v=1, w=1)),
...                                                       parse_scheme(base.format(v=2, w=3)))]
[('version', 1, 2), ('boards[b].indicators[i].weight', 1.0, 3.0)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from leitai.engine.scheme import Scheme

__all__ = ["SchemeChange", "SchemeEdit", "compare_schemes", "describe_changes"]


@dataclass(frozen=True)
class SchemeChange:
    """One difference: the path of the item (ids in brackets), and its value before and after."""

    path: str
    kind: Literal["added", "removed", "changed"]
    before: Any = None
    after: Any = None


def _keyed(items: list[Any]) -> dict[str, Any] | None:
    if items and all(isinstance(item, dict) and "id" in item for item in items):
        return {str(item["id"]): item for item in items}
    if items and all(isinstance(item, dict) and "name" in item for item in items):
        keys = [str(item["name"]) for item in items]
        if len(set(keys)) == len(keys):
            return dict(zip(keys, items, strict=True))
    return None


def _walk(before: Any, after: Any, path: str, out: list[SchemeChange]) -> None:
    if isinstance(before, dict) and isinstance(after, dict):
        for key in list(before) + [k for k in after if k not in before]:
            child = f"{path}.{key}" if path else str(key)
            if key not in after:
                out.append(SchemeChange(child, "removed", before=before[key]))
            elif key not in before:
                out.append(SchemeChange(child, "added", after=after[key]))
            else:
                _walk(before[key], after[key], child, out)
        return
    if isinstance(before, list) and isinstance(after, list):
        old, new = _keyed(before), _keyed(after)
        if old is not None and new is not None:
            for key in list(old) + [k for k in new if k not in old]:
                child = f"{path}[{key}]"
                if key not in new:
                    out.append(SchemeChange(child, "removed", before=old[key]))
                elif key not in old:
                    out.append(SchemeChange(child, "added", after=new[key]))
                else:
                    _walk(old[key], new[key], child, out)
            return
    if before != after:
        out.append(SchemeChange(path, "changed", before=before, after=after))


def compare_schemes(before: Scheme, after: Scheme) -> list[SchemeChange]:
    """The differences between two schemes, in the order of the first, then additions."""
    changes: list[SchemeChange] = []
    _walk(before.model_dump(by_alias=True), after.model_dump(by_alias=True), "", changes)
    return changes


# -- the same comparison as edits a person reads ----------------------------------------------

Item = Literal[
    "scheme",
    "unit",
    "series",
    "board",
    "indicator",
    "adjustment",
    "flag",
    "grade",
    "stars",
    "defaults",
    "tie_break",
    "prepare",
]


@dataclass(frozen=True)
class SchemeEdit:
    """One change between two versions, as a person would name it.

    ``item`` is the kind of thing changed, ``name`` its name (the newer one when it was
    renamed), ``kind`` one of ``added``, ``removed``, ``changed``, ``renamed`` and
    ``moved``; ``field`` names what changed (``points``, ``method``, ``params.top``,
    ``when``) and ``before``/``after`` its values. For ``moved`` the values are the ids
    of the old and new parent boards. The words are chosen at the edge
    (:mod:`leitai.i18n.schemes`).
    """

    item: Item
    kind: Literal["added", "removed", "changed", "renamed", "moved"]
    name: str
    field: str | None = None
    before: Any = None
    after: Any = None
    parent: str | None = None


_SKIP = {"id", "name", "indicators", "boards"}


def _flat_boards(scheme: Scheme) -> dict[str, tuple[Any, str | None]]:
    out: dict[str, tuple[Any, str | None]] = {}

    def visit(board: Any, parent: str | None) -> None:
        out[board.id] = (board, parent)
        for child in board.boards:
            visit(child, board.id)

    for top in scheme.boards:
        visit(top, None)
    return out


def _flat_indicators(scheme: Scheme) -> dict[str, tuple[Any, str]]:
    return {
        indicator.id: (indicator, board.id)
        for board in scheme.all_boards()
        for indicator in board.indicators
    }


def _indicator_fields(scheme: Scheme, indicator: Any) -> dict[str, Any]:
    """An indicator's settings as they take effect (the scheme's defaults applied)."""
    fields = indicator.model_dump(by_alias=True, exclude=_SKIP | {"params"})
    fields["method"], fields["direction"], fields["missing"] = scheme.resolved(indicator)
    return fields


def _param_fields(indicator: Any) -> dict[str, Any]:
    return {
        f"params.{key}": value for key, value in indicator.options.model_dump(by_alias=True).items()
    }


def _fields(
    item: Item, name: str, before: dict[str, Any], after: dict[str, Any]
) -> list[SchemeEdit]:
    return [
        SchemeEdit(item, "changed", name, key, before.get(key), after.get(key))
        for key in list(before) + [k for k in after if k not in before]
        if before.get(key) != after.get(key)
    ]


def _keyed_items(
    item: Item, before: dict[str, Any], after: dict[str, Any], parent: dict[str, str] | None = None
) -> list[SchemeEdit]:
    """Added, removed, renamed and changed items of one kind, matched by key."""
    edits: list[SchemeEdit] = []
    for key, old in before.items():
        if key not in after:
            edits.append(SchemeEdit(item, "removed", old.name))
    for key, new in after.items():
        old = before.get(key)
        if old is None:
            edits.append(SchemeEdit(item, "added", new.name, parent=(parent or {}).get(key)))
            continue
        if old.name != new.name:
            edits.append(SchemeEdit(item, "renamed", new.name, "name", old.name, new.name))
        edits += _fields(
            item,
            new.name,
            old.model_dump(by_alias=True, exclude=_SKIP),
            new.model_dump(by_alias=True, exclude=_SKIP),
        )
    return edits


def _board_edits(before: Scheme, after: Scheme) -> list[SchemeEdit]:
    old, new = _flat_boards(before), _flat_boards(after)
    edits = _keyed_items(
        "board",
        {k: v[0] for k, v in old.items()},
        {k: v[0] for k, v in new.items()},
        {k: v[1] for k, v in new.items() if v[1] is not None},
    )
    for key in old.keys() & new.keys():
        if old[key][1] != new[key][1]:
            edits.append(
                SchemeEdit("board", "moved", new[key][0].name, None, old[key][1], new[key][1])
            )
    return edits


def _indicator_edits(before: Scheme, after: Scheme) -> list[SchemeEdit]:
    old, new = _flat_indicators(before), _flat_indicators(after)
    edits: list[SchemeEdit] = []
    for key, (indicator, _board) in old.items():
        if key not in new:
            edits.append(SchemeEdit("indicator", "removed", indicator.name))
    for key, (indicator, board) in new.items():
        if key not in old:
            edits.append(SchemeEdit("indicator", "added", indicator.name, parent=board))
            continue
        was, was_board = old[key]
        if was.name != indicator.name:
            edits.append(
                SchemeEdit("indicator", "renamed", indicator.name, "name", was.name, indicator.name)
            )
        if was_board != board:
            edits.append(SchemeEdit("indicator", "moved", indicator.name, None, was_board, board))
        before_fields = _indicator_fields(before, was)
        after_fields = _indicator_fields(after, indicator)
        edits += _fields("indicator", indicator.name, before_fields, after_fields)
        if before_fields["method"] == after_fields["method"]:
            edits += _fields(
                "indicator", indicator.name, _param_fields(was), _param_fields(indicator)
            )
    return edits


def _setting_edits(before: Scheme, after: Scheme) -> list[SchemeEdit]:
    edits: list[SchemeEdit] = []
    if before.name != after.name:
        edits.append(SchemeEdit("scheme", "renamed", after.name, "name", before.name, after.name))
    for item in ("stars", "defaults"):
        old = getattr(before, item).model_dump(by_alias=True)
        new = getattr(after, item).model_dump(by_alias=True)
        edits += _fields(item, item, old, new)  # type: ignore[arg-type]
    if before.tie_break != after.tie_break:
        edits.append(
            SchemeEdit("tie_break", "changed", "tie_break", None, before.tie_break, after.tie_break)
        )
    if before.prepare != after.prepare:
        old_prepare = before.prepare.model_dump() if before.prepare else None
        new_prepare = after.prepare.model_dump() if after.prepare else None
        edits.append(SchemeEdit("prepare", "changed", "prepare", None, old_prepare, new_prepare))
    return edits


def _grade_edits(before: Scheme, after: Scheme) -> list[SchemeEdit]:
    """Grades have no id: matched by name, each rule compared."""
    old = {g.name: g for g in before.grades}
    new = {g.name: g for g in after.grades}
    edits = [SchemeEdit("grade", "removed", name) for name in old if name not in new]
    for name, grade in new.items():
        if name not in old:
            edits.append(SchemeEdit("grade", "added", name, "when", None, grade.when))
        elif old[name].when != grade.when:
            edits.append(SchemeEdit("grade", "changed", name, "when", old[name].when, grade.when))
    return edits


def describe_changes(before: Scheme, after: Scheme) -> list[SchemeEdit]:
    """The changes from one scheme version to another, item by item, as people name them.

    Boards and indicators are matched by id at any level, so an indicator moved to
    another board is one move, not a removal and an addition. Method, direction and
    missing policy are compared as they take effect (the scheme's defaults applied);
    a method's parameters are compared only when the method stayed the same.

    Examples
    --------
    >>> from leitai.engine import parse_scheme
    >>> text = ("id: s\\nname: S\\nversion: 1\\nunits: [{{id: a, name: A}}]\\nboards: [{{id: b, "
    ...         "name: 经济, points: {p}, indicators: [{{id: i, name: I, method: {m}}}]}}]\\n")
    >>> [(e.item, e.kind, e.name, e.field, e.before, e.after) for e in describe_changes(
    ...     parse_scheme(text.format(p=40, m="efficacy")), parse_scheme(text.format(p=35, m="zscore")))]
    [('board', 'changed', '经济', 'points', 40.0, 35.0), ('indicator', 'changed', 'I', 'method', 'efficacy', 'zscore')]
    """
    edits = _setting_edits(before, after)
    edits += _keyed_items("unit", {u.id: u for u in before.units}, {u.id: u for u in after.units})
    edits += _keyed_items(
        "series", {s.id: s for s in before.series}, {s.id: s for s in after.series}
    )
    edits += _board_edits(before, after)
    edits += _indicator_edits(before, after)
    edits += _keyed_items(
        "adjustment",
        {a.id: a for a in before.adjustments},
        {a.id: a for a in after.adjustments},
    )
    edits += _keyed_items("flag", {f.id: f for f in before.flags}, {f.id: f for f in after.flags})
    edits += _grade_edits(before, after)
    return edits
