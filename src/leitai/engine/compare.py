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

__all__ = ["SchemeChange", "compare_schemes"]


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
