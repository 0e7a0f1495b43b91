"""Template filters of the targets pages: percentages, the gap in words, statuses."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from leitai.i18n.words import curly_quotes
from leitai.i18n.words import gap_text as words_gap_text
from leitai.web.boards.templatetags.leitai import number

register = template.Library()

STATUS_SHORT = {
    "green": gettext_lazy("Green"),
    "yellow": gettext_lazy("Yellow"),
    "red": gettext_lazy("Red"),
    "unreported": gettext_lazy("Not reported"),
}
DOUBLE_HALF = {
    "achieved": gettext_lazy("Achieved"),
    "missed": gettext_lazy("Missed"),
    "pending": gettext_lazy("Not yet due"),
}


@register.filter
def pct(value: Any, places: int = 1) -> str:
    """A percentage as the boards print it: ``62.0%``, a dash for none."""
    if value is None or value == "":
        return "—"
    return f"{float(value):.{int(places)}f}%"


@register.filter
def gap_text(progress: Any) -> str:
    """The gap to time progress in words, in the page's language."""
    return words_gap_text(progress.gap, "zh" if (get_language() or "").startswith("zh") else "en")


@register.filter
def status_label(status: str) -> str:
    return str(STATUS_SHORT.get(status, status))


@register.filter
def double_half_label(verdict: str) -> str:
    return str(DOUBLE_HALF.get(verdict, verdict))


# A target's or actual's value prints as any raw value does: without a spurious ``.0``.
amount = register.filter("amount", number)


@register.filter
def cn_quotes(text: str) -> str:
    """Straight double quotes as Chinese curly ones in Chinese pages (奋战"双过半" → 奋战“双过半”)."""
    zh = (get_language() or "").startswith("zh")
    return curly_quotes(text, "zh") if text and zh else text


@register.simple_tag
def progress_title(progress: Any) -> str:
    task = pct(progress.task_progress)
    time = pct(progress.time_progress)
    text = _("Task progress %(task)s; time progress %(time)s") % {"task": task, "time": time}
    if progress.basis == "milestone":
        text += _("; due by the milestones %(due)s") % {"due": pct(progress.expected_progress)}
    return text
