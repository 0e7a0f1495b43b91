"""Any scheme parameter as an uncertain input of the sensitivity analysis.

A parameter is an address in the scheme, written as :func:`compare_schemes` writes
paths (lists of items by id in brackets, other lists by position):
``prepare.treat.skew``, ``boards[econ].aggregation.method``,
``boards[econ].indicators[gdp].weight``, with the values it may take. Each value
gives a variant of the scheme, validated like any scheme.

>>> from leitai.engine import parse_scheme
>>> scheme = parse_scheme('''
... id: s
... name: s
... version: 1
... units: [{id: a, name: A}, {id: b, name: B}]
... boards: [{id: x, name: X, points: 100, indicators: [{id: i, name: I, weight: 2}]}]
... ''')
>>> variant(scheme, "boards[x].indicators[i].weight", 3).all_indicators()[0].weight
3.0
>>> Parameter.parse("prepare.treat.skew=1..3:5").values
(1.0, 1.5, 2.0, 2.5, 3.0)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import yaml

from leitai.engine.errors import LeitaiError
from leitai.engine.problems import Problem, Where
from leitai.engine.scheme import Scheme, parse_scheme

__all__ = ["MAX_VARIANTS", "Parameter", "variant"]

MAX_LEVELS = 50  # values of one parameter
MAX_VARIANTS = 256  # schemes for every combination of the parameters' values
_STEP = re.compile(r"([^.\[\]]+)|\[([^\]]+)\]")


@dataclass(frozen=True)
class Parameter:
    """An uncertain scheme parameter: its address and the values it may take (each
    drawn with the same probability)."""

    path: str
    values: tuple[Any, ...]

    @classmethod
    def parse(cls, text: str) -> Parameter:
        """``PATH=V1,V2,...`` (values read as YAML scalars) or ``PATH=LOW..HIGH[:LEVELS]``
        (LEVELS evenly spaced numbers, both ends included; 5 by default).

        Raises
        ------
        LeitaiError
            ``analysis.parameter_syntax`` for anything else.
        """
        path, sep, given = text.partition("=")
        path, given = path.strip(), given.strip()
        if not sep or not path or not given:
            raise _syntax(text)
        span = re.fullmatch(r"(.+?)\.\.(.+?)(?::(\d+))?", given)
        if span:
            try:
                low, high = float(span[1]), float(span[2])
            except ValueError:
                raise _syntax(text) from None
            levels = int(span[3] or 5)
            if not (2 <= levels <= MAX_LEVELS and np.isfinite([low, high]).all() and low < high):
                raise _syntax(text)
            return cls(path, tuple(float(v) for v in np.linspace(low, high, levels)))
        values = tuple(_scalar(v) for v in given.split(","))
        if len(values) < 2 or len(values) > MAX_LEVELS or len(set(map(repr, values))) < len(values):
            raise _syntax(text)
        return cls(path, values)


def _syntax(text: str) -> LeitaiError:
    return LeitaiError(Problem("analysis.parameter_syntax", Where(), {"found": text[:200]}))


def _scalar(text: str) -> Any:
    try:
        value = yaml.safe_load(text.strip())
    except yaml.YAMLError:
        return text.strip()
    return value if isinstance(value, str | int | float | bool) else text.strip()


def _steps(path: str) -> list[str | int]:
    steps: list[str | int] = []
    at = 0
    for match in _STEP.finditer(path):
        if match.start() != at + (1 if at and path[at] == "." else 0):
            break
        key, item = match.group(1), match.group(2)
        steps.append(key if key is not None else (int(item) if item.isdigit() else f"[{item}]"))
        at = match.end()
    if at != len(path) or not steps:
        raise LeitaiError(Problem("analysis.parameter_path", Where(path=path), {"found": path}))
    return steps


def _child(node: Any, step: str | int, path: str) -> Any:
    if isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
        return node[step]
    if isinstance(node, list) and isinstance(step, str) and step.startswith("["):
        key = step[1:-1]
        found = [item for item in node if isinstance(item, dict) and str(item.get("id")) == key]
        if len(found) == 1:
            return found[0]
    if isinstance(node, dict) and isinstance(step, str) and node.get(step) is not None:
        return node[step]
    raise LeitaiError(Problem("analysis.parameter_path", Where(path=path), {"found": path}))


def variant(scheme: Scheme, path: str, value: Any) -> Scheme:
    """The scheme with the item at ``path`` set to ``value``, validated.

    The item's parent must exist in the scheme as written or with its defaults (a key
    of a mapping may be added, as a method's ``params``); an item of a list is
    addressed by its id in brackets or its position.

    Raises
    ------
    LeitaiError
        ``analysis.parameter_path`` where the path leads nowhere; the scheme's own
        problems (located at the path) where the value is not allowed there.
    """
    document = scheme.model_dump(mode="json", by_alias=True)
    steps = _steps(path)
    node: Any = document
    for step in steps[:-1]:
        node = _child(node, step, path)
    last = steps[-1]
    if isinstance(node, dict) and isinstance(last, str) and not last.startswith("["):
        node[last] = value
    elif isinstance(node, list):
        target = _child(node, last, path)
        node[node.index(target)] = value
    else:
        raise LeitaiError(Problem("analysis.parameter_path", Where(path=path), {"found": path}))
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    return parse_scheme(text, source=f"{scheme.source}:{path}={value}")
