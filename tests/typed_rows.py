"""Checking a row against its TypedDict at run time (issue 15): mypy checks the dicts
the code writes as literals, these helpers the rows a function really returns."""

from __future__ import annotations

from typing import Any, NotRequired, get_origin, get_type_hints


def declared(typed: Any) -> tuple[set[str], set[str]]:
    """The required and all keys of a TypedDict. (``__required_keys__`` cannot be used:
    under postponed annotations Python 3.11 does not see ``NotRequired``.)"""
    hints = get_type_hints(typed, include_extras=True)
    required = {k for k, v in hints.items() if get_origin(v) is not NotRequired}
    return required, set(hints)


def conforms(row: Any, typed: Any) -> bool:
    """Whether ``row`` has every required key of ``typed`` and no key it does not declare."""
    required, every = declared(typed)
    return required <= set(row) <= every
