"""Links from the boards to the analysis pages, shown only to those they are for."""

from __future__ import annotations

from typing import Any, TypedDict

from django import template

from leitai.web.accounts.selectors import analysis_visible_to
from leitai.web.analysis.selectors import user_may_whatif

register = template.Library()


class TabsContext(TypedDict):
    period: Any
    section: Any
    is_office: Any
    robustness: bool


class WhatIfLinkContext(TypedDict):
    allowed: bool
    period: Any
    unit: Any


@register.inclusion_tag("analysis/_tabs.html", takes_context=True)
def analysis_tabs(context: template.Context) -> TabsContext:
    """The robustness tab (for whom the office's setting allows) and diagnostics (the
    office)."""
    request = context.get("request")
    return {
        "period": context.get("period"),
        "section": context.get("section"),
        "is_office": context.get("is_office"),
        "robustness": request is not None and analysis_visible_to(request.user),
    }


@register.inclusion_tag("analysis/_whatif_link.html", takes_context=True)
def whatif_link(context: template.Context, unit: Any) -> WhatIfLinkContext:
    """A link to the unit's what-if page, if the person may use it."""
    request = context.get("request")
    snapshot = context.get("snapshot")
    allowed = bool(
        request is not None
        and snapshot is not None
        and user_may_whatif(user=request.user, unit=unit, snapshot=snapshot)
    )
    return {"allowed": allowed, "period": context.get("period"), "unit": unit}
