from __future__ import annotations

from typing import Any

from django import template

from leitai.web.accounts.selectors import user_is_office
from leitai.web.reminders.selectors import (
    deadlines_for,
    deliveries_failing,
    department_deadline_rows,
    department_deadlines,
    point_text,
    unread_count,
)

register = template.Library()


@register.inclusion_tag("reminders/_bell.html", takes_context=True)
def reminders_bell(context: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    stored = (
        bool(getattr(user, "is_authenticated", False)) and getattr(user, "pk", None) is not None
    )
    return {"show": stored, "unread": unread_count(user)}


@register.inclusion_tag("reminders/_panel.html", takes_context=True)
def reminders_panel(context: Any, period: Any) -> dict[str, Any]:
    request = context.get("request")
    if not user_is_office(getattr(request, "user", None)):
        return {"show": False}
    return {
        "show": True,
        "period": period,
        "deadlines": deadlines_for(period),
        "departments": [row for row in department_deadline_rows(period) if row["own"]],
        "failing": list(deliveries_failing(period)[:20]),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("reminders/_department_deadline.html")
def department_deadline(period: Any, department: Any) -> dict[str, Any]:
    """The collection deadline that applies to ``department`` in ``period``: its own, or
    the period's (said so), or nothing when neither is set."""
    own = department_deadlines(period).get(int(getattr(department, "pk", 0) or 0))
    main = getattr(deadlines_for(period), "collection_deadline", None)
    return {"deadline": own or main, "own": own is not None}


@register.filter
def point_label(point: str, names: Any = None) -> str:
    """A schedule point as the office reads it: ``before-3`` 截止前 3 天, ``overdue-DATE``,
    ``digest-DATE``, ``manual-…`` (sent by hand), and a department's own ``d<id>:…``
    prefixed with the department's name (``names``: id → name)."""
    return point_text(point, names)
