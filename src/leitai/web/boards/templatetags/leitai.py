"""Template filters for the boards: scores, stars, periods."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from leitai.web.accounts.selectors import person_display
from leitai.web.assessments.selectors import period_label

register = template.Library()


@register.filter
def score(value: Any, places: int = 2) -> str:
    """A score as the boards print it: fixed decimals, a dash for none."""
    if value is None or value == "":
        return "—"
    return _no_negative_zero(f"{float(value):.{int(places)}f}")


def _no_negative_zero(text: str) -> str:
    """``-0.000`` (a tiny negative rounded away) reads as ``0.000``."""
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text


@register.filter
def person(value: Any, viewer: Any = None) -> str:
    """A person by name (姓名), with the login in brackets for the office."""
    return person_display(value, viewer=viewer)


@register.filter
def signed(value: Any, places: int = 2) -> str:
    if value is None:
        return "—"
    text = f"{float(value):+.{int(places)}f}"
    return f"{0:.{int(places)}f}" if not text.strip("+-0.") else text


@register.filter
def number(value: Any) -> str:
    """A raw value without a spurious ``.0``."""
    if value is None:
        return "—"
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        return f"{int(number):,}"
    return f"{number:,.4f}".rstrip("0").rstrip(".")


@register.filter
def stars(count: Any) -> str:
    """``count`` stars as glyphs (the number is given beside them in the markup)."""
    try:
        n = int(count)
    except (TypeError, ValueError):
        return ""
    return "★" * max(n, 0)


@register.filter
def period_name(period: Any) -> str:
    return period_label(period)


@register.filter
def percent_of(value: Any, total: Any) -> float:
    try:
        return max(0.0, min(100.0, 100.0 * float(value) / float(total)))
    except (TypeError, ValueError, ZeroDivisionError):
        return 0.0


@register.simple_tag
def rank_change(change: Any) -> str:
    """An arrow and the number of places climbed (▲) or fallen (▼)."""
    if change is None:
        return format_html(
            '<span class="change change-new" title="{}">—</span>', _("no previous rank")
        )
    n = int(change)
    if n > 0:
        label = ngettext("up %(n)d place", "up %(n)d places", n) % {"n": n}
        return format_html('<span class="change change-up" title="{}">▲{}</span>', label, n)
    if n < 0:
        label = ngettext("down %(n)d place", "down %(n)d places", -n) % {"n": -n}
        return format_html('<span class="change change-down" title="{}">▼{}</span>', label, -n)
    return format_html('<span class="change change-same" title="{}">●</span>', _("unchanged"))


@register.simple_tag
def tie_mark(tie: Any) -> str:
    """※ beside a score equal to six decimals to one decided differently (the tie-break)."""
    if not tie:
        return ""
    return format_html(
        '<span class="tie-mark" title="{}">※</span>',
        _("Equal to six decimals: the tie-break rule decided"),
    )


@register.filter
def css_string(value: Any) -> str:
    """Text for a CSS string ("…"), every character that could end it (or the style
    element) escaped: used for the printed page title of ``@page``'s top box."""
    from django.utils.safestring import mark_safe

    text = "" if value is None else str(value)
    return mark_safe(
        "".join(ch if ch.isalnum() or ch in " ·-_" else f"\\{ord(ch):06x}" for ch in text)
    )
