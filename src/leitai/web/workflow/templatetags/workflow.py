"""Template helpers of the workflow pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``mapping[key]`` (or ``sequence[index]``), or None."""
    if isinstance(mapping, list | tuple):
        try:
            return mapping[int(key)]
        except (IndexError, TypeError, ValueError):
            return None
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def show(value: Any) -> str:
    """A value of the audit log as a person reads it (:func:`leitai.web.audit.labels.value_text`)."""
    from leitai.web.audit.labels import value_text

    return value_text(value)


@register.filter
def method_name(code: Any) -> str:
    """A scoring method's name for people (功效系数法 for ``efficacy``)."""
    from django.utils.translation import gettext

    from leitai.i18n.schemes import method_name as name

    return name(str(code) if code else None, gettext)


@register.filter
def version_name(version: Any) -> str:
    """A scheme version's number for people: 第 2 版."""
    from django.utils.translation import gettext

    return gettext("version %(number)s") % {"number": version.number}


@register.filter
def audit_key(key: str, names: dict[str, str] | None = None) -> str:
    """A key of an audit entry in words (a field's label or an indicator's name)."""
    from leitai.web.audit.labels import field_label

    return field_label(key, names)


@register.filter
def audit_value(value: Any) -> Any:
    """A recorded state of an audit entry in words; other values as they are."""
    from leitai.web.audit.labels import value_label

    return value_label(value)


@register.filter
def audit_object(object_type: str) -> str:
    from leitai.web.audit.labels import object_label

    return object_label(object_type)


@register.filter
def audit_note(note: str) -> str:
    from leitai.web.audit.labels import note_label

    return note_label(note or "")


@register.inclusion_tag("workflow/_period_status.html", takes_context=True)
def period_status_badge(context: Any, period: Any) -> dict[str, Any]:
    """The period's state in words (:func:`period_status_for`), as the person asking may
    see it: every board, card and notice shows it with this tag."""
    from leitai.web.workflow.models import PeriodStatus
    from leitai.web.workflow.selectors import period_status_for

    request = context.get("request")
    status = period_status_for(period, user=getattr(request, "user", None))
    return {"status": status, "label": PeriodStatus(status).label}


@register.inclusion_tag("workflow/_status.html")
def unit_status_badge(period: Any, unit: Any) -> dict[str, Any]:
    """A unit's state in ``period`` (:func:`unit_status`), as on the status board. The
    caller shows it only to the office and to the unit's own reporter."""
    from leitai.web.workflow.selectors import unit_row

    return {"row": unit_row(period, unit)}
