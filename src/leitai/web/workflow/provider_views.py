"""The pages of a department's data provider (issue 11): its periods, its online form (the
units down, its indicators across, each with its definition), its submission; and the
office's return of a department's submission. Thin: the rules are in the selectors
(:func:`~leitai.web.workflow.selectors.writable_keys`) and the services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leitai.web.access import office, provider, signed_in_user
from leitai.web.assessments.models import Period, Unit
from leitai.web.assessments.selectors import period_label
from leitai.web.errors import ServiceError
from leitai.web.workflow import forms, services
from leitai.web.workflow.anomalies import cells_alerts
from leitai.web.workflow.models import Department, Explanation
from leitai.web.workflow.selectors import (
    approval_required,
    period_units,
    periods_for_provider,
    provider_board,
    provider_grid,
    provider_rights,
    uploads_visible,
)
from leitai.web.workflow.views import (
    _own_department,
    evidence_attach,
    saved_messages,
    service_step,
)


def _period(request: HttpRequest, code: str) -> Period:
    """A period in which the provider's department supplies indicators (404 otherwise)."""
    period = get_object_or_404(Period.objects.select_related("scheme_version__scheme"), code=code)
    if not provider_rights(user=request.user, period=period).view:
        raise Http404
    return period


def _base(**context: Any) -> dict[str, Any]:
    return {"section": "workflow", "tab": "home", **context}


def provider_home(request: HttpRequest) -> HttpResponse:
    """The provider's periods, each with how far its department stands (called by
    :func:`leitai.web.workflow.views.home`, which checks who is asking)."""
    department = _own_department(request)
    items = []
    for period in periods_for_provider(request.user):
        row = next(r for r in provider_board(period) if r.department.pk == department.pk)
        items.append(
            {
                "period": period,
                "label": period_label(period),
                "row": row,
                "rights": provider_rights(user=request.user, period=period),
            }
        )
    return render(request, "workflow/provider_home.html", _base(department=department, items=items))


def _posted(request: HttpRequest, grid: dict[str, Any]) -> tuple[dict, dict]:
    """The cells the form sent (``v:<unit>:<key>``, ``t:…``) and the explanations (``x:…``)."""
    values: dict[tuple[str, str], tuple[str, str | None]] = {}
    explanations: dict[tuple[str, str], str] = {}
    for row in grid["rows"]:
        for cell in row["cells"]:
            at = f"{row['unit'].code}:{cell['key']}"
            if f"v:{at}" in request.POST or f"t:{at}" in request.POST:
                target = None
                if cell["target"] is not None:
                    target = request.POST.get(f"t:{at}", cell["target"])
                values[row["unit"].code, cell["key"]] = (
                    request.POST.get(f"v:{at}", cell["value"]),
                    target,
                )
            if f"x:{at}" in request.POST:
                explanations[row["unit"].code, cell["key"]] = request.POST[f"x:{at}"]
    # A field for another indicator or unit is not in the grid: refused by the service.
    known = {f"{r['unit'].code}:{c['key']}" for r in grid["rows"] for c in r["cells"]}
    for name in request.POST:
        kind, _sep, at = name.partition(":")
        if kind in ("v", "t") and at and at not in known:
            code, _sep, key = at.partition(":")
            values.setdefault((code, key), (request.POST[name], None))
    return values, explanations


def _alerts(period: Period, grid: dict[str, Any]) -> None:
    """Each cell's change alert against the previous published value, with its explanation."""
    cells = {
        (row["unit"].code, cell["key"]): cell["value"]
        for row in grid["rows"]
        for cell in row["cells"]
    }
    alerts = cells_alerts(period, cells)
    explained = {
        (e.unit.code, e.key): e
        for e in Explanation.objects.filter(period=period).select_related("unit")
        if (e.unit.code, e.key) in alerts
    }
    for row in grid["rows"]:
        for cell in row["cells"]:
            at = (row["unit"].code, cell["key"])
            cell["alert"] = alerts.get(at)
            found = explained.get(at)
            cell["explanation"] = found.text if found and found.value == cell["value"] else ""


def _keep_posted(grid: dict[str, Any], values: dict[tuple[str, str], Any]) -> None:
    """Show what the provider typed again where nothing was saved."""
    for row in grid["rows"]:
        for cell in row["cells"]:
            posted = values.get((row["unit"].code, cell["key"]))
            if posted is not None:
                cell["value"] = posted[0]
                if cell["target"] is not None and posted[1] is not None:
                    cell["target"] = posted[1]


@require_http_methods(["GET", "POST"])
@provider
def provider_period(request: HttpRequest, period: str) -> HttpResponse:
    """The provider's online form: every unit, its department's indicators."""
    period_obj = _period(request, period)
    rights = provider_rights(user=request.user, period=period_obj)
    department = _own_department(request)
    grid = provider_grid(period_obj, department)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not rights.edit:
            raise PermissionDenied
        values, explanations = _posted(request, grid)
        try:
            changed, explained = services.provider_figures_save(
                period=period_obj,
                user=signed_in_user(request),
                values=values,
                explanations=explanations,
            )
        except ServiceError as exc:
            if exc.code == "forbidden":
                raise PermissionDenied from None
            errors = dict(exc.fields)
            for message in exc.messages if not errors else ():
                messages.error(request, message)
            _keep_posted(grid, values)
            messages.error(request, _("Nothing was saved: correct the fields marked below."))
        else:
            saved_messages(request, changed, explained)
            return redirect("workflow:provider", period_obj.code)
    _alerts(period_obj, grid)
    for row in grid["rows"]:
        for cell in row["cells"]:
            cell["error"] = errors.get(f"{row['unit'].code}:{cell['key']}", "")
    board = next(r for r in provider_board(period_obj) if r.department.pk == department.pk)
    return render(
        request,
        "workflow/provider.html",
        _base(
            period=period_obj,
            label=period_label(period_obj),
            department=department,
            rights=rights,
            grid=grid,
            row=board,
            approval_on=approval_required(period_obj, department),
            errors=errors,
            uploads=uploads_visible(user=request.user).filter(period=period_obj)[:5],
        ),
    )


@require_POST
@provider
def provider_submit(request: HttpRequest, period: str) -> HttpResponse:
    """The provider submits its department's figures (to its 审核人 where the office asks)."""
    period_obj = _period(request, period)
    department = _own_department(request)
    service_step(
        request,
        lambda: services.submission_submit(
            period=period_obj, user=signed_in_user(request), department=department
        ),
        _("Submitted to the department's approver, who approves it or sends it back.")
        if approval_required(period_obj, department)
        else _("Submitted. The assessment office has been told."),
    )
    return redirect("workflow:provider", period_obj.code)


@require_POST
@provider
def provider_approve(request: HttpRequest, period: str, department: str) -> HttpResponse:
    """The department's 审核人 approves what its provider prepared; it goes to the office."""
    period_obj = _period(request, period)
    department_obj = get_object_or_404(Department, code=department)
    service_step(
        request,
        lambda: services.submission_approve(
            period=period_obj, user=signed_in_user(request), department=department_obj
        ),
        _("Approved. The figures are with the assessment office."),
    )
    return redirect("workflow:provider", period_obj.code)


@require_POST
@provider
def provider_send_back(request: HttpRequest, period: str, department: str) -> HttpResponse:
    """The department's 审核人 sends the prepared figures back to its providers, with a
    reason."""
    period_obj = _period(request, period)
    department_obj = get_object_or_404(Department, code=department)
    form = forms.SendBackForm(request.POST)
    service_step(
        request,
        lambda: services.submission_send_back(
            period=period_obj,
            user=signed_in_user(request),
            department=department_obj,
            reason=form.cleaned_data["reason"] if form.is_valid() else "",
        ),
        _("Sent back to the department's data providers with your reason."),
    )
    return redirect("workflow:provider", period_obj.code)


@require_POST
@provider
def provider_evidence_add(request: HttpRequest, period: str) -> HttpResponse:
    """The provider attaches a supporting document to one unit's figure of its indicators."""
    period_obj = _period(request, period)
    unit_obj = get_object_or_404(Unit, code=request.POST.get("unit", ""))
    if unit_obj not in period_units(period_obj):
        raise Http404
    evidence_attach(request, period_obj, unit_obj, request.POST.get("key", ""))
    return redirect(reverse("workflow:provider", args=[period_obj.code]) + f"#u-{unit_obj.code}")


@require_POST
@office
def provider_return(request: HttpRequest, period: str, department: str) -> HttpResponse:
    """The office returns a department's submission with a reason."""
    period_obj = get_object_or_404(Period, code=period)
    department_obj = get_object_or_404(Department, code=department)
    service_step(
        request,
        lambda: services.submission_return(
            period=period_obj,
            department=department_obj,
            user=signed_in_user(request),
            reason=request.POST.get("reason", ""),
        ),
        _("The submission was returned."),
    )
    return redirect(reverse("workflow:period", args=[period_obj.code]) + "#providers")
