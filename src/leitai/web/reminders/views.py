"""Thin views: the bell's list, the office's deadlines, robots and sending by hand."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leitai.web.access import office
from leitai.web.assessments.models import Period
from leitai.web.errors import ServiceError, error_to_form
from leitai.web.reminders import forms, services
from leitai.web.reminders.models import Notification, Webhook
from leitai.web.reminders.selectors import (
    deadlines_for,
    department_deadline_rows,
    department_names,
    notifications_of,
    period_deliveries,
)


@require_GET
@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    items = notifications_of(request.user)[:200]
    return render(request, "reminders/notifications.html", {"items": items})


@require_POST
@login_required
def notification_read(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    services.notifications_read(user=request.user, pk=pk)
    if pk is not None:
        note = get_object_or_404(Notification, pk=pk, user=request.user)
        if note.link and url_has_allowed_host_and_scheme(note.link, allowed_hosts=None):
            return redirect(note.link)
    return redirect("reminders:notifications")


@require_http_methods(["GET", "POST"])
@office
def period_reminders(request: HttpRequest, period: str) -> HttpResponse:
    """The period's deadlines and schedule, and the departments' own deadlines (two
    forms on one page; ``form=departments`` says which one was posted)."""
    period_obj = get_object_or_404(Period, code=period)
    posted = request.POST if request.method == "POST" else None
    mine = posted is not None and posted.get("form") == "departments"
    form = forms.DeadlinesForm(None if mine else posted, instance=deadlines_for(period_obj))
    departments = forms.DepartmentDeadlinesForm(
        posted if mine else None, rows=department_deadline_rows(period_obj)
    )
    if mine and departments.is_valid():
        try:
            services.department_deadlines_set(
                period=period_obj, actor=request.user, deadlines=departments.deadlines()
            )
        except ServiceError as exc:
            error_to_form(departments, exc)
        else:
            messages.success(request, _("The departments' deadlines are saved."))
            return redirect("reminders:period", period_obj.code)
    elif posted is not None and not mine and form.is_valid():
        services.deadlines_update(period=period_obj, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Deadlines and reminders saved."))
        return redirect("reminders:period", period_obj.code)
    return render(
        request,
        "reminders/period.html",
        {
            "period": period_obj,
            "form": form,
            "departments": departments,
            "deliveries": period_deliveries(period_obj)[:300],
            "department_names": department_names(),
        },
    )


@require_POST
@office
def period_send(request: HttpRequest, period: str) -> HttpResponse:
    period_obj = get_object_or_404(Period, code=period)
    n = services.reminders_send_now(period=period_obj, actor=request.user)
    if n:
        messages.success(request, _("%(n)d reminders are being sent.") % {"n": n})
    else:
        messages.info(request, _("Nobody owes anything: no reminder sent."))
    return redirect("workflow:period", period_obj.code)


@require_GET
@office
def webhook_list(request: HttpRequest) -> HttpResponse:
    return render(request, "reminders/webhooks.html", {"webhooks": Webhook.objects.all()})


@require_http_methods(["GET", "POST"])
@office
def webhook_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    webhook = get_object_or_404(Webhook, pk=pk) if pk is not None else None
    form = forms.WebhookForm(request.POST or None, instance=webhook)
    if request.method == "POST" and form.is_valid():
        # The form has written the posted fields onto its instance: the service reads the
        # stored robot afresh, so that the log records what it was before.
        stored = Webhook.objects.get(pk=pk) if pk is not None else None
        try:
            services.webhook_save(actor=request.user, webhook=stored, **form.cleaned_data)
        except ServiceError as exc:
            error_to_form(form, exc)
        else:
            messages.success(request, _("Group robot saved."))
            return redirect("reminders:webhooks")
    return render(request, "reminders/webhook_form.html", {"form": form, "webhook": webhook})


@require_POST
@office
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    services.webhook_delete(actor=request.user, webhook=get_object_or_404(Webhook, pk=pk))
    messages.success(request, _("Group robot deleted."))
    return redirect("reminders:webhooks")
