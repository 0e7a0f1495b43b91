"""Pages of targets and 双过半 progress: the board, a unit's targets, reporting, imports.

Views are thin: check who asks, read a small form, call a selector or a service,
render or redirect. The rule of who may read and write what is in
:mod:`leitai.web.targets.selectors`.
"""

from __future__ import annotations

import base64
import datetime as dt
import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leitai.web.access import logged_in, office, requires, signed_in_user
from leitai.web.accounts.selectors import user_is_office, user_reports_for
from leitai.web.assessments.models import Unit
from leitai.web.downloads import uploaded_file_response
from leitai.web.errors import ServiceError, form_write
from leitai.web.targets import selectors
from leitai.web.targets.forms import (
    STATUS_LABELS,
    ActualForm,
    BoardFilterForm,
    ImportForm,
    TargetForm,
)
from leitai.web.targets.models import Target
from leitai.web.targets.services import (
    actual_report,
    target_create,
    target_delete,
    target_update,
    targets_import,
    targets_import_preview,
)
from leitai.web.targets.types import QuickDate

IMPORT_SESSION_KEY = "leitai_targets_import"


readers = requires(selectors.user_can_read_targets, public=True)
"""Pages anyone who may read targets may see (see the selectors' rule)."""


def _target(unit: str, target: str) -> Target:
    return get_object_or_404(Target.objects.select_related("unit"), unit__code=unit, code=target)


def _filters(request: HttpRequest, *, units: list[Unit], boards: list[Any]) -> BoardFilterForm:
    form = BoardFilterForm(request.GET or None, units=units, boards=boards)
    form.is_valid()
    return form


def _value(form: BoardFilterForm, name: str, default: Any) -> Any:
    value = form.cleaned_data.get(name) if hasattr(form, "cleaned_data") else None
    return default if value in (None, "") or name in form.errors else value


def _with(request: HttpRequest, **changes: Any) -> str:
    """The current query string with some parameters replaced (None drops one)."""
    query = request.GET.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = str(value)
    return "?" + query.urlencode()


def _quick_dates(request: HttpRequest, as_of: dt.date) -> list[QuickDate]:
    year = as_of.year
    dates = [
        (dt.date(year, 6, 30), _("30 June (double-half)")),
        (dt.date(year, 12, 31), _("31 December")),
    ]
    return [
        {"date": day, "label": label, "url": _with(request, as_of=day.isoformat())}
        for day, label in dates
    ]


@require_GET
@readers
def board(request: HttpRequest) -> HttpResponse:
    units, boards = selectors.board_options()
    form = _filters(request, units=units, boards=boards)
    as_of = _value(form, "as_of", selectors.default_as_of())
    unit_code = _value(form, "unit", "")
    margin = _value(form, "margin", selectors.DEFAULT_MARGIN)
    status = _value(form, "status", "")
    data = selectors.progress_board(
        as_of=as_of,
        margin=margin,
        unit=Unit.objects.filter(code=unit_code).first() if unit_code else None,
        board=_value(form, "board", ""),
        status=status,
        source=_value(form, "source", ""),
    )
    chips = [
        {
            "status": name,
            "label": label,
            "count": data.summary[name],
            "url": _with(request, status=None if status == name else name),
            "current": status == name,
        }
        for name, label in STATUS_LABELS.items()
    ]
    return render(
        request,
        "targets/board.html",
        {
            "board": data,
            "form": form,
            "as_of": as_of,
            "margin": margin,
            "chips": chips,
            "quick_dates": _quick_dates(request, as_of),
            "section": "targets",
        },
    )


@require_GET
@readers
def unit(request: HttpRequest, unit: str) -> HttpResponse:
    unit_obj = get_object_or_404(Unit, code=unit)
    form = _filters(request, units=[unit_obj], boards=[])
    as_of = _value(form, "as_of", selectors.default_as_of())
    margin = _value(form, "margin", selectors.DEFAULT_MARGIN)
    rows = selectors.progress_rows(
        selectors.targets_query(unit=unit_obj), as_of=as_of, margin=margin
    )
    may_report = user_is_office(request.user) or user_reports_for(request.user, unit_obj.pk)
    items = [
        {
            "row": row,
            "history": selectors.target_history(row.target, as_of=as_of, margin=margin),
            "actuals": selectors.target_actuals(row.target),
            "chart_id": f"history-{row.target.code}",
        }
        for row in rows
    ]
    return render(
        request,
        "targets/unit.html",
        {
            "unit": unit_obj,
            "items": items,
            "as_of": as_of,
            "margin": margin,
            "quick_dates": _quick_dates(request, as_of),
            "may_report": may_report,
            "may_see_evidence": may_report,
            "status_labels": STATUS_LABELS,
            "chart_labels": {
                "task": _("Task progress"),
                "time": _("Time progress"),
                "expected": _("Due (milestones)"),
            },
            "section": "targets",
        },
    )


@require_http_methods(["GET", "POST"])
@logged_in
def report(request: HttpRequest, unit: str, target: str) -> HttpResponse:
    """A reporter reports a cumulative value for one of their own unit's targets."""
    target_obj = _target(unit, target)
    if not selectors.user_can_report(request.user, target_obj):
        raise PermissionDenied
    form = ActualForm(
        request.POST or None,
        request.FILES or None,
        initial={"period": selectors.next_period(target_obj)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actual = actual_report(
                target=target_obj,
                period=form.cleaned_data["period"],
                value=form.cleaned_data["value"],
                note=form.cleaned_data["note"],
                evidence=form.cleaned_data["evidence"],
                user=signed_in_user(request),
            )
        except ServiceError as error:
            for message in error.errors:
                form.add_error(error.field if error.field in form.fields else None, message)
        else:
            messages.success(
                request,
                _("Reported %(value)s for %(period)s.")
                % {"value": f"{actual.value:g}", "period": actual.period},
            )
            return redirect(
                reverse("targets:unit", args=[target_obj.unit.code]) + f"#t-{target_obj.code}"
            )
    return render(
        request,
        "targets/report.html",
        {
            "target": target_obj,
            "form": form,
            "actuals": selectors.target_actuals(target_obj),
            "section": "targets",
        },
    )


@require_GET
@logged_in
def evidence(request: HttpRequest, unit: str, target: str, period: str) -> FileResponse:
    """An evidence file, for the office and the unit's own reporter only."""
    target_obj = _target(unit, target)
    if not selectors.user_can_read_evidence(request.user, target_obj):
        raise PermissionDenied
    actual = target_obj.actuals.filter(period=period).first()
    if actual is None or not actual.evidence:
        raise Http404
    name = actual.evidence_name or (actual.evidence.name or "").rsplit("/", 1)[-1]
    return uploaded_file_response(actual.evidence, name)


def _save_target(request: HttpRequest, form: TargetForm, target: Target | None) -> Target | None:
    user = signed_in_user(request)
    data = {k: v for k, v in form.cleaned_data.items() if k != "unit"}
    if target is None:
        unit = form.cleaned_data["unit"]
        return form_write(form, lambda: target_create(unit=unit, user=user, **data))
    return form_write(form, lambda: target_update(target=target, user=user, **data))


@require_http_methods(["GET", "POST"])
@office
def create(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.GET.get("unit"):
        initial["unit"] = Unit.objects.filter(code=request.GET["unit"]).first()
    form = TargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _save_target(request, form, None)
        if saved is not None:
            messages.success(request, _("Target created: %(name)s") % {"name": saved.name})
            return redirect(reverse("targets:unit", args=[saved.unit.code]) + f"#t-{saved.code}")
    return render(
        request, "targets/target_form.html", {"form": form, "target": None, "section": "targets"}
    )


@require_http_methods(["GET", "POST"])
@office
def edit(request: HttpRequest, unit: str, target: str) -> HttpResponse:
    target_obj = _target(unit, target)
    form = TargetForm(request.POST or None, instance=Target.objects.get(pk=target_obj.pk))
    if request.method == "POST" and form.is_valid():
        saved = _save_target(request, form, target_obj)
        if saved is not None:
            messages.success(request, _("Target saved: %(name)s") % {"name": saved.name})
            return redirect(reverse("targets:unit", args=[saved.unit.code]) + f"#t-{saved.code}")
    return render(
        request,
        "targets/target_form.html",
        {"form": form, "target": target_obj, "section": "targets"},
    )


@require_POST
@office
def delete(request: HttpRequest, unit: str, target: str) -> HttpResponse:
    target_obj = _target(unit, target)
    target_delete(target=target_obj, user=signed_in_user(request))
    messages.success(request, _("Target deleted: %(name)s") % {"name": target_obj.name})
    return redirect("targets:unit", target_obj.unit.code)


@require_http_methods(["GET", "POST"])
@office
def import_table(request: HttpRequest) -> HttpResponse:
    """Upload a targets or actuals table, see what it would do, then import it (or nothing)."""
    form = ImportForm(request.POST or None, request.FILES or None, initial={"kind": "targets"})
    preview, token = None, ""
    if request.method == "POST" and "confirm" in request.POST:
        pending = request.session.get(IMPORT_SESSION_KEY)
        if not pending or not secrets.compare_digest(
            pending["token"], request.POST.get("token", "")
        ):
            messages.error(request, _("That preview has expired; upload the file again."))
            return redirect("targets:import")
        data = base64.b64decode(pending["data"])
        try:
            done = targets_import(
                kind=pending["kind"],
                data=data,
                filename=pending["filename"],
                user=signed_in_user(request),
            )
        except ServiceError:
            preview = targets_import_preview(
                kind=pending["kind"], data=data, filename=pending["filename"]
            )
        else:
            del request.session[IMPORT_SESSION_KEY]
            messages.success(
                request,
                _("Imported %(file)s: %(created)d new, %(updated)d updated.")
                % {"file": done.filename, "created": done.created, "updated": done.updated},
            )
            return redirect("targets:board")
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        preview = targets_import_preview(
            kind=form.cleaned_data["kind"], data=data, filename=upload.name
        )
        if preview.ok:
            token = secrets.token_urlsafe(16)
            request.session[IMPORT_SESSION_KEY] = {
                "token": token,
                "kind": preview.kind,
                "filename": upload.name,
                "data": base64.b64encode(data).decode("ascii"),
            }
    return render(
        request,
        "targets/import.html",
        {"form": form, "preview": preview, "token": token, "section": "targets"},
    )
