"""The message of every problem code, as a gettext msgid with named parameters.

Add a code here when you add it to the engine or ``io``, and its Chinese translation
to ``leitai/locale/zh_Hans/LC_MESSAGES/django.po``; a test renders every code in both
languages and fails on a missing or untranslated entry.
"""

from __future__ import annotations

from typing import Any

from leitai.engine.problems import Problem, Where


def gettext_noop(text: str) -> str:
    """Marks a msgid for extraction (``xgettext --keyword=gettext_noop``)."""
    return text


MESSAGES: dict[str, str] = {
    "text": "%(text)s",  # TRANSITIONAL: an unconverted plain message; must disappear
    # web workflow: the previous period, and values that jump against it
    "period.previous_unpublished": gettext_noop(
        "The previous period %(period)s is not published: rank changes and climbing flags "
        "can only be counted against a published result."
    ),
    "period.no_previous": gettext_noop(
        "These cannot be computed without a previous published result: %(items)s. Name a "
        "published previous period, or say in words why the result is published without one."
    ),
    "figures.explanation_required": gettext_noop(
        "These values changed by more than the scheme allows against the previous period "
        "and need an explanation before submitting: %(items)s."
    ),
}


def _value(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return value


def message(problem: Problem, _: Any) -> str:
    template = MESSAGES.get(problem.code)
    if template is None:
        raise KeyError(f"no message for problem code {problem.code!r}")
    params = {k: _value(v) for k, v in problem.params.items()}
    return _(template) % params


def where_parts(where: Where, _: Any) -> str:
    parts: list[str] = []
    if where.file:
        parts.append(where.file)
    if where.path:
        parts.append(_("at %(path)s") % {"path": where.path})
    if where.line is not None:
        parts.append(_("line %(line)s") % {"line": where.line})
    if where.sheet:
        parts.append(_("sheet %(sheet)s") % {"sheet": where.sheet})
    if where.cell:
        if where.column:
            parts.append(
                _("cell %(cell)s (%(column)s)") % {"cell": where.cell, "column": where.column}
            )
        else:
            parts.append(_("cell %(cell)s") % {"cell": where.cell})
    else:
        if where.row is not None:
            parts.append(_("row %(row)s") % {"row": where.row})
        if where.column:
            parts.append(_("column %(column)s") % {"column": where.column})
    return _(", ").join(parts)
