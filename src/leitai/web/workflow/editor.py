"""The scheme editor's model: a scheme as the plain mapping the form edits, and back.

The form in the browser edits the mapping a scheme's YAML holds (the engine's model
dumped with its aliases, defaults left out); saving writes that mapping as YAML, so the
editor saves the same YAML as the text box and the engine validates it the same way.
A problem's YAML path (``boards[0].indicators[1].weight``) is also the path of the form
field that holds it: :func:`problem_field` finds the nearest field the form shows.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from typing import Any

import yaml

from leitai.engine import Scheme as EngineScheme
from leitai.engine import assess, parse_scheme
from leitai.engine.scheme import MAX_DEPTH, MAX_LENGTH
from leitai.io import read_table
from leitai.web.assessments.models import Period

__all__ = [
    "EditorInputError",
    "blank_model",
    "model_scheme",
    "model_yaml",
    "preview_rows",
    "problem_field",
    "read_request",
    "scheme_model",
]


class EditorInputError(ValueError):
    """A request body that is not the editor's JSON (too long, not a mapping)."""


def _tidy(value: Any) -> Any:
    """Whole floats as integers (``points: 35``, not ``35.0``), all the way down."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, dict):
        return {key: _tidy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_tidy(item) for item in value]
    return value


def scheme_model(scheme: EngineScheme) -> dict[str, Any]:
    """A validated scheme as the mapping the editor edits (JSON types, defaults left out)."""
    model = scheme.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    return _tidy(model)


def blank_model(units: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    """A new scheme to start from: the given units and one empty board."""
    return {
        "id": "",
        "name": "",
        "version": 1,
        "units": [dict(unit) for unit in units] or [{"id": "", "name": ""}],
        "boards": [{"id": "", "name": "", "points": 100, "indicators": []}],
    }


def model_yaml(model: dict[str, Any]) -> str:
    """The mapping as the YAML text a scheme version keeps (keys in the model's order)."""
    return yaml.safe_dump(_tidy(model), allow_unicode=True, sort_keys=False, width=100)


def model_scheme(model: dict[str, Any], *, source: str = "editor") -> EngineScheme:
    """The engine's scheme of an edited mapping; ``SchemeError`` lists every problem."""
    return parse_scheme(model_yaml(model), source=source)


def read_request(body: bytes) -> dict[str, Any]:
    """The editor's JSON request: ``{"model": {...}, ...}``, bounded in size and depth
    (the scheme's own limits, so that writing it as YAML cannot run out of stack)."""
    if len(body) > MAX_LENGTH:
        raise EditorInputError("too long")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise EditorInputError("not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("model"), dict):
        raise EditorInputError("no model")
    if _depth(data["model"]) > MAX_DEPTH:
        raise EditorInputError("too deep")
    return data


def _depth(value: Any) -> int:
    """How deeply lists and mappings nest in a value, measured without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            items = node.values() if isinstance(node, dict) else node
            stack += [(item, depth + 1) for item in items]
    return deepest


_LAST_PART = re.compile(r"(\.[^.\[\]]+|\[\d+\])$")


def problem_field(path: str | None, fields: Iterable[str]) -> str | None:
    """The form field that shows a problem at a YAML path: the path itself when the form
    has such a field, else the nearest enclosing one (``...params.thresholds[0][1]`` goes
    to ``...params.thresholds``, a missing ``units[0].name`` to ``units[0]``); None when
    no field encloses it (the problem is shown above the form).

    >>> problem_field("boards[0].indicators[1].params.cap", ["boards[0].indicators[1].params"])
    'boards[0].indicators[1].params'
    """
    if not path:
        return None
    known = set(fields)
    while path:
        if path in known:
            return path
        trimmed = _LAST_PART.sub("", path)
        if trimmed == path:
            return None
        path = trimmed
    return None


def _known_rows(inputs: str, scheme: EngineScheme) -> str:
    """The period's long table without the figures the edited scheme does not read (an
    indicator it dropped), which the engine would otherwise refuse."""
    known = {i.id for i in scheme.all_indicators()}
    known |= {a.id for a in scheme.adjustments} | {s.id for s in scheme.series}
    units = set(scheme.unit_ids)
    rows = list(csv.reader(io.StringIO(inputs)))
    kept = [rows[0], *(r for r in rows[1:] if r[1] in known and r[0] in units)]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(kept)
    return out.getvalue()


def preview_rows(scheme: EngineScheme, period: Period) -> list[dict[str, Any]]:
    """The league table the edited scheme gives on a period's figures as they stand.

    Nothing is stored; figures of indicators the scheme does not read are left aside.
    ``DataError`` passes through when the figures do not fit the scheme.
    """
    from leitai.web.assessments.services import period_current_inputs

    inputs, previous_ranks, _sha = period_current_inputs(period=period)
    data = read_table(
        _known_rows(inputs, scheme).encode("utf-8"), scheme, filename=f"{period.code}.csv"
    )
    result = assess(scheme, data, previous=previous_ranks, period=period.code)
    rows = []
    for row in result.to_dict()["results"]:
        rows.append(
            {
                "unit": row["name"],
                "score": round(row["score"], 2),
                "rank": row["rank"],
                "stars": [row["boards"][board.id]["stars"] for board in scheme.boards],
                "flags": [f.name for f in scheme.flags if f.id in row["flags"]],
                "grade": row["grade"],
            }
        )
    return rows
