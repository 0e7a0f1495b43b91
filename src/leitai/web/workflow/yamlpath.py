"""Where in the YAML text a scheme error is: the engine names a path
(``boards[0].indicators[2].weight``); the editor shows the line."""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

_STEP = re.compile(r"\.?([^.\[\]]+)|\[(\d+|[^\]]+)\]")
_SYNTAX = re.compile(r"^line (\d+), column (\d+): (.*)$", re.DOTALL)
_PATH = re.compile(r"^[A-Za-z_][\w\-]*(?:\[[^\]]+\]|\.[\w\-]+)*$")


def path_line(text: str, path: str) -> int | None:
    """The 1-based line of the item at ``path`` in ``text`` (None when it is not there)."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line = None
    for match in _STEP.finditer(path):
        key, index = match[1], match[2]
        if node is None:
            return line
        if key is not None and isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if k.value == key), None)
            if found is None:
                return line
            line = found[0].start_mark.line + 1
            node = found[1]
        elif index is not None and isinstance(node, yaml.SequenceNode):
            if index.isdigit() and int(index) < len(node.value):
                node = node.value[int(index)]
            else:
                node = next(
                    (
                        item
                        for item in node.value
                        if isinstance(item, yaml.MappingNode)
                        and any(k.value == "id" and v.value == index for k, v in item.value)
                    ),
                    None,
                )
                if node is None:
                    return line
            line = node.start_mark.line + 1
        else:
            return line
    return line


@dataclass(frozen=True)
class SchemeProblem:
    path: str
    line: int | None
    message: str


def scheme_problems(text: str, errors: list[str], *, source: str) -> list[SchemeProblem]:
    """The engine's scheme errors with the line each one points at."""
    out = []
    for error in errors:
        rest = error[len(source) + 2 :] if error.startswith(f"{source}: ") else error
        syntax = _SYNTAX.match(rest)
        if syntax:
            out.append(SchemeProblem("", int(syntax[1]), syntax[3]))
            continue
        path, sep, message = rest.partition(": ")
        if sep and _PATH.match(path):
            out.append(SchemeProblem(path, path_line(text, path), message))
        else:
            out.append(SchemeProblem("", None, rest))
    return out
