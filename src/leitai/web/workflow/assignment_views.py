"""The office's page of who supplies each indicator (issue 11): per period, or for every
period of a scheme version; each indicator by the units themselves or by one department.

Thin: the rules (the period still collects, figures entered never pass from one supplier
to another, a department that has submitted is returned first) are in
:func:`leitai.web.workflow.services.assignment_set`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from leitai.web.access import office, signed_in_user
from leitai.web.assessments.models import Period, SchemeVersion, period_order
from leitai.web.assessments.selectors import period_label, scheme_version_parsed
from leitai.web.errors import ServiceError, error_to_messages
from leitai.web.workflow import services
from leitai.web.workflow.models import Assignment, Department
from leitai.web.workflow.selectors import scheme_keys, scheme_names


@dataclass
class AssignmentRow:
    """One indicator of the page: who supplies it now, and where that is decided."""

    key: str
    name: str
    department: Department | None  # None: the units themselves
    # Where the supplier is decided: "period" (the period's own), "version", or "" (units).
    origin: str
    version_department: Department | None = None


def assignment_rows(version: SchemeVersion, period: Period | None) -> list[AssignmentRow]:
    """Every indicator of ``version`` with its supplier (in ``period`` where given)."""
    scheme = scheme_version_parsed(version)
    names = scheme_names(scheme)
    by_version = {
        a.key: a.department
        for a in Assignment.objects.filter(scheme_version=version).select_related("department")
    }
    by_period = (
        {
            a.key: a.department
            for a in Assignment.objects.filter(period=period).select_related("department")
        }
        if period is not None
        else {}
    )
    rows = []
    for key in scheme_keys(scheme):
        if key in by_period:
            department, origin = by_period[key], "period"
        elif key in by_version:
            department, origin = by_version[key], "version"
        else:
            department, origin = None, ""
        rows.append(
            AssignmentRow(
                key=key,
                name=names.get(key, key),
                department=department,
                origin=origin,
                version_department=by_version.get(key),
            )
        )
    return rows


class AssignmentForm(forms.Form):
    key = forms.CharField(max_length=64)
    department = forms.ModelChoiceField(
        queryset=Department.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("the units themselves"),
    )


def _assign(request: HttpRequest, *, period: Period | None, version: SchemeVersion | None) -> None:
    form = AssignmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an indicator and who supplies it."))
        return
    department = form.cleaned_data["department"]
    key = form.cleaned_data["key"]
    try:
        changed = services.assignment_set(
            key=key,
            department=department,
            user=signed_in_user(request),
            period=period,
            scheme_version=version,
        )
    except ServiceError as exc:
        error_to_messages(request, exc)
        return
    if changed:
        messages.success(
            request,
            _("%(key)s is now supplied by %(who)s.")
            % {"key": key, "who": department.name if department else _("the units themselves")},
        )
    else:
        messages.info(request, _("Nothing changed."))


def _page(request: HttpRequest, **context: Any) -> HttpResponse:
    return render(
        request,
        "workflow/assignments.html",
        {
            "section": "workflow",
            "tab": "home",
            "departments": Department.objects.all(),
            **context,
        },
    )


@require_http_methods(["GET", "POST"])
@office
def period_assignments(request: HttpRequest, period: str) -> HttpResponse:
    """Who supplies each indicator in one period (its own choices and its version's)."""
    period_obj = get_object_or_404(
        Period.objects.select_related("scheme_version__scheme"), code=period
    )
    if request.method == "POST":
        _assign(request, period=period_obj, version=None)
        url = reverse("workflow:assignments", args=[period_obj.code])
        return redirect(f"{url}#a-{request.POST.get('key', '')}")
    version = period_obj.scheme_version
    return _page(
        request,
        period=period_obj,
        label=period_label(period_obj),
        version=version,
        rows=assignment_rows(version, period_obj),
        editable=period_obj.state == Period.State.COLLECTING,
    )


@require_http_methods(["GET", "POST"])
@office
def version_assignments(request: HttpRequest, scheme: str, number: int) -> HttpResponse:
    """Who supplies each indicator in every period of a scheme version."""
    version = get_object_or_404(
        SchemeVersion.objects.select_related("scheme"), scheme__code=scheme, number=number
    )
    if request.method == "POST":
        _assign(request, period=None, version=version)
        url = reverse("workflow:version_assignments", args=[scheme, number])
        return redirect(f"{url}#a-{request.POST.get('key', '')}")
    periods = list(version.periods.order_by(*period_order()))
    return _page(
        request,
        period=None,
        version=version,
        periods=periods,
        rows=assignment_rows(version, None),
        editable=True,
    )
