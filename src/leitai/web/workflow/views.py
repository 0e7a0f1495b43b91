"""The workflow's pages. Thin, as in healthchecks: find what is asked for through a
selector that knows who may see it, check a small form, call a service, redirect.

A reporter reaching for another unit's figures, uploads or objections gets 403 (a unit
named in the address) or 404 (an upload or objection by number: its existence is not
confirmed); nothing a request adds (fields, ids) widens what the service allows.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leitai.engine import SchemeError
from leitai.engine.compare import describe_changes
from leitai.engine.problems import Problem
from leitai.i18n import render as render_problem
from leitai.i18n import render_where
from leitai.i18n.schemes import change_sentences, rule_words
from leitai.io import write_template
from leitai.web.access import login_redirect, office, signed_in_user, supplier, worker
from leitai.web.accounts.selectors import (
    user_can_read_published,
    user_is_office,
    user_reports_for,
)
from leitai.web.assessments.models import (
    DataValue,
    Period,
    Scheme,
    SchemeVersion,
    Unit,
    period_end,
    period_order,
)
from leitai.web.assessments.selectors import (
    period_label,
    period_previous_proposed,
    result_view,
    scheme_version_parsed,
)
from leitai.web.downloads import uploaded_file_response
from leitai.web.errors import ServiceError, error_to_messages, form_write
from leitai.web.redirects import next_url
from leitai.web.workflow import forms, services
from leitai.web.workflow.anomalies import (
    cells_alerts,
    period_alert_rows,
    period_outlier_rows,
    unit_alert_rows,
)
from leitai.web.workflow.models import (
    Department,
    Evidence,
    Explanation,
    Objection,
    PeriodStatus,
    Upload,
)
from leitai.web.workflow.selectors import (
    ProviderRights,
    Rights,
    approval_panel,
    approval_required,
    department_keys,
    drawn_from,
    evidence_visible,
    objections_visible,
    period_assignments,
    period_departments,
    period_readiness,
    period_status,
    period_units,
    periods_for,
    provider_board,
    provider_rights,
    revision_changes,
    scheme_names,
    unit_draft,
    unit_form_fields,
    unit_rights,
    unit_row,
    unit_supplied_keys,
    uploads_visible,
)

T = TypeVar("T")

# -- who may come in ---------------------------------------------------------------------------


def _period(code: str) -> Period:
    return get_object_or_404(
        Period.objects.select_related("scheme_version__scheme", "previous"), code=code
    )


def _own_unit(request: HttpRequest) -> Unit:
    """The unit of the reporter asking (403 for an account without one)."""
    unit = signed_in_user(request).unit
    if unit is None:
        raise PermissionDenied
    return unit


def _own_department(request: HttpRequest) -> Department:
    """The department of the data provider asking (403 for an account without one)."""
    department = signed_in_user(request).department
    if department is None:
        raise PermissionDenied
    return department


def _unit(request: HttpRequest, period: Period, code: str) -> Unit:
    """A unit of the period that this person may work on (403 for another unit's reporter)."""
    unit = get_object_or_404(Unit, code=code)
    if not (user_is_office(request.user) or user_reports_for(request.user, unit.pk)):
        raise PermissionDenied
    if unit.code not in scheme_version_parsed(period.scheme_version).unit_ids:
        raise Http404
    return unit


def _base(request: HttpRequest, section: str, **context: Any) -> dict[str, Any]:
    return {"section": "workflow", "tab": section, **context}


def _period_page(
    request: HttpRequest, template: str, period: Period, **context: Any
) -> HttpResponse:
    """A page about one period (with its label), in the workflow's home tab."""
    return render(
        request,
        template,
        _base(request, "home", period=period, label=period_label(period), **context),
    )


def saved_messages(request: HttpRequest, changed: int, explained: int) -> None:
    """Say what a form's save changed: figures, explanations, or nothing."""
    if changed:
        messages.success(request, _("Saved: %(n)d figures changed.") % {"n": changed})
    if explained:
        messages.success(request, _("Explanations saved: %(n)d.") % {"n": explained})
    if not (changed or explained):
        messages.info(request, _("Nothing changed."))


def service_step(
    request: HttpRequest, call: Callable[[], T], success: str | Callable[[T], str]
) -> T | None:
    """Run a service for the person asking: a refusal of who is asking ("forbidden") is
    403, any other refusal is said on the next page, and so is ``success`` (or what it
    says of the result). The service's result, or None when refused."""
    try:
        result = call()
    except ServiceError as exc:
        if exc.code == "forbidden":
            raise PermissionDenied from None
        error_to_messages(request, exc)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result


# -- the workflow's home -------------------------------------------------------------------------


@require_GET
@supplier
def home(request: HttpRequest) -> HttpResponse:
    if signed_in_user(request).is_provider:
        from leitai.web.workflow.provider_views import provider_home

        return provider_home(request)
    items = []
    is_office = user_is_office(request.user)
    for period in periods_for(request.user):
        item: dict[str, Any] = {"period": period, "label": period_label(period)}
        if is_office:
            readiness = period_readiness(period) if period.state != Period.State.PUBLISHED else None
            item["readiness"] = readiness
            item["revisions"] = period.snapshots.published().count()
            item["status"] = period_status(
                period, readiness.rows if readiness else [], revision=item["revisions"]
            )
        else:
            unit = _own_unit(request)
            item["row"] = unit_row(period, unit)
            # A reporter sees the period as their unit stands in it.
            item["status"] = period_status(period, [item["row"]], revision=0)
            item["draft"] = unit_draft(period, unit)
            item["pending"] = (
                objections_visible(user=request.user)
                .filter(period=period, state=Objection.State.PENDING)
                .count()
            )
        item["status_label"] = PeriodStatus(item["status"]).label
        items.append(item)
    return render(
        request,
        "workflow/home.html",
        _base(request, "home", items=items, schemes=Scheme.objects.count() if is_office else 0),
    )


# -- schemes ---------------------------------------------------------------------------------------


@require_GET
@office
def scheme_list(request: HttpRequest) -> HttpResponse:
    schemes = []
    for scheme in Scheme.objects.prefetch_related("versions__created_by", "versions__periods"):
        versions = sorted(scheme.versions.all(), key=lambda v: -v.number)
        schemes.append({"scheme": scheme, "versions": versions})
    return render(request, "workflow/scheme_list.html", _base(request, "schemes", schemes=schemes))


def _save_scheme(
    request: HttpRequest, form: Any, *, text: str, source: str, template: str, **context: Any
) -> HttpResponse:
    try:
        version = services.scheme_change_save(
            text=text,
            comment=form.cleaned_data["comment"],
            user=signed_in_user(request),
            source=source,
        )
    except SchemeError as exc:
        context["problems"] = [
            {
                "line": problem.where.line,
                "path": problem.where.path or "",
                "message": render_problem(problem, _, with_where=False),
            }
            for problem in exc.problems
        ]
    except ServiceError as exc:
        for message in exc.messages:
            form.add_error(None, message)
    else:
        messages.success(
            request,
            _("Saved as version %(number)s of %(scheme)s.")
            % {"number": version.number, "scheme": version.scheme.name},
        )
        return redirect("workflow:scheme_version", version.scheme.code, version.number)
    return render(request, template, _base(request, "schemes", form=form, text=text, **context))


@require_http_methods(["GET", "POST"])
@office
def scheme_new(request: HttpRequest) -> HttpResponse:
    form = forms.SchemeNewForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        source = upload.name if upload else "scheme.yaml"
        return _save_scheme(
            request,
            form,
            text=form.cleaned_data["text"],
            source=source.replace(":", "_"),
            template="workflow/scheme_new.html",
        )
    return render(request, "workflow/scheme_new.html", _base(request, "schemes", form=form))


def _version(scheme: str, number: int) -> SchemeVersion:
    return get_object_or_404(
        SchemeVersion.objects.select_related("scheme", "created_by"),
        scheme__code=scheme,
        number=number,
    )


def _rules_in_words(parsed: Any) -> list[dict[str, str]]:
    """The scheme's flags and grades, each rule in words."""
    boards = {board.id: board.name for board in parsed.all_boards()}
    return [
        {"kind": kind, "name": item.name, "words": rule_words(item.when, boards, _)}
        for kind, items in (("flag", parsed.flags), ("grade", parsed.grades))
        for item in items
    ]


@require_GET
@office
def scheme_version(request: HttpRequest, scheme: str, number: int) -> HttpResponse:
    version = _version(scheme, number)
    versions = list(version.scheme.versions.order_by("-number"))
    parsed = scheme_version_parsed(version)
    return render(
        request,
        "workflow/scheme_version.html",
        _base(
            request,
            "schemes",
            version=version,
            versions=versions,
            lines=version.text.splitlines(),
            periods=version.periods.order_by(*period_order()),
            parsed=parsed,
            rules=_rules_in_words(parsed),
        ),
    )


@require_GET
@office
def scheme_version_yaml(request: HttpRequest, scheme: str, number: int) -> HttpResponse:
    version = _version(scheme, number)
    response = HttpResponse(version.text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{scheme}-v{number}.yaml"'
    return response


@require_http_methods(["GET", "POST"])
@office
def scheme_edit(request: HttpRequest, scheme: str, number: int) -> HttpResponse:
    version = _version(scheme, number)
    form = forms.SchemeEditForm(request.POST or None, initial={"text": version.text})
    context = {"version": version}
    if request.method == "POST" and form.is_valid():
        return _save_scheme(
            request,
            form,
            text=form.cleaned_data["text"],
            source=f"{scheme}.yaml",
            template="workflow/scheme_edit.html",
            **context,
        )
    return render(
        request,
        "workflow/scheme_edit.html",
        _base(request, "schemes", form=form, text=version.text, **context),
    )


def _side_by_side(a: str, b: str, context: int = 3) -> list[dict[str, Any]]:
    """The two texts line by line, aligned, changed lines marked; long unchanged runs are
    folded into one row saying how many lines they hold."""
    left, right = a.splitlines(), b.splitlines()
    rows: list[dict[str, Any]] = []
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    shown_a = 0
    for group in matcher.get_grouped_opcodes(context):
        first_a = group[0][1]
        if first_a > shown_a:
            rows.append({"tag": "skip", "count": first_a - shown_a})
        for tag, i1, i2, j1, j2 in group:
            for k in range(max(i2 - i1, j2 - j1)):
                i, j = i1 + k, j1 + k
                rows.append(
                    {
                        "tag": tag,
                        "a_no": i + 1 if i < i2 else None,
                        "a": left[i] if i < i2 else None,
                        "b_no": j + 1 if j < j2 else None,
                        "b": right[j] if j < j2 else None,
                    }
                )
        shown_a = group[-1][2]
    if shown_a < len(left) and rows:
        rows.append({"tag": "skip", "count": len(left) - shown_a})
    return rows


@require_GET
@office
def scheme_compare(request: HttpRequest, scheme: str) -> HttpResponse:
    scheme_obj = get_object_or_404(Scheme, code=scheme)
    versions = list(scheme_obj.versions.order_by("-number"))
    if len(versions) < 2:
        raise Http404
    try:
        a = int(request.GET.get("a") or versions[1].number)
        b = int(request.GET.get("b") or versions[0].number)
    except ValueError:
        raise Http404 from None
    old, new = _version(scheme, a), _version(scheme, b)
    before, after = scheme_version_parsed(old), scheme_version_parsed(new)
    boards = {board.id: board.name for s in (before, after) for board in s.all_boards()}
    changes = change_sentences(describe_changes(before, after), boards, _)
    return render(
        request,
        "workflow/scheme_compare.html",
        _base(
            request,
            "schemes",
            scheme=scheme_obj,
            versions=versions,
            old=old,
            new=new,
            changes=changes,
            rows=_side_by_side(old.text, new.text),
        ),
    )


# -- periods ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@office
def period_new(request: HttpRequest) -> HttpResponse:
    latest_version = SchemeVersion.objects.order_by("-created_at", "-pk").first()
    form = forms.PeriodOpenForm(
        request.POST or None,
        initial={
            "scheme_version": latest_version,
            "previous": period_previous_proposed(latest_version),
        },
    )
    if request.method == "POST" and form.is_valid():
        period = form_write(
            form,
            lambda: services.period_open(
                code=form.cleaned_data["code"],
                name=form.cleaned_data["name"],
                ends_on=form.cleaned_data["ends_on"],
                scheme_version=form.cleaned_data["scheme_version"],
                previous=form.cleaned_data["previous"],
                user=signed_in_user(request),
            ),
        )
        if period is not None:
            messages.success(
                request, _("Period %(period)s is open for collection.") % {"period": period.code}
            )
            return redirect("workflow:period", period.code)
    return render(request, "workflow/period_new.html", _base(request, "home", form=form))


@require_GET
@worker
def period(request: HttpRequest, period: str) -> HttpResponse:
    period_obj = _period(period)
    if not user_is_office(request.user):
        if _own_unit(request).code not in scheme_version_parsed(period_obj.scheme_version).unit_ids:
            raise Http404
        return redirect("workflow:unit", period_obj.code, _own_unit(request).code)
    readiness = period_readiness(period_obj)
    providers = provider_board(period_obj)
    return _period_page(
        request,
        "workflow/period.html",
        period_obj,
        readiness=readiness,
        drawn_from=drawn_from(period_obj),
        providers=providers,
        departments_outstanding=_(", ").join(
            r.department.name for r in providers if r.status != "submitted"
        ),
        uploads=Upload.objects.filter(period=period_obj).select_related("unit", "uploaded_by")[:10],
        revisions=period_obj.snapshots.published().order_by("revision"),
        approval=approval_panel(period_obj),
        alerts=period_alert_rows(period_obj),
        outliers=period_outlier_rows(period_obj),
        end_form=(
            None
            if period_end(period_obj.code)
            else forms.PeriodEndForm(initial={"ends_on": period_obj.ends_on})
        ),
    )


@require_POST
@office
def period_last_day(request: HttpRequest, period: str) -> HttpResponse:
    """The office gives the last day a period assesses, where its code does not say it."""
    period_obj = _period(period)
    form = forms.PeriodEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the last day the period assesses."))
        return redirect("workflow:period", period_obj.code)
    service_step(
        request,
        lambda: services.period_end_set(
            period=period_obj, ends_on=form.cleaned_data["ends_on"], user=signed_in_user(request)
        ),
        lambda changed: (
            _("%(period)s assesses the time up to %(date)s.")
            % {"period": changed.code, "date": form.cleaned_data["ends_on"].isoformat()}
        ),
    )
    return redirect("workflow:period", period_obj.code)


@require_POST
@office
def period_step(request: HttpRequest, period: str) -> HttpResponse:
    period_obj = _period(period)
    form = forms.PeriodStepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a step."))
        return redirect("workflow:period", period_obj.code)
    try:
        if form.cleaned_data["step"] == "review":
            services.period_review_start(
                period=period_obj,
                user=signed_in_user(request),
                acknowledge=form.cleaned_data["acknowledge"],
            )
            messages.success(request, _("The collection is closed; the period is under review."))
        else:
            services.period_collection_reopen(
                period=period_obj, user=signed_in_user(request), reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The period collects figures again."))
    except ServiceError as exc:
        error_to_messages(request, exc)
    return redirect("workflow:period", period_obj.code)


@require_POST
@office
def period_compute(request: HttpRequest, period: str) -> HttpResponse:
    period_obj = _period(period)
    try:
        snapshot = services.period_draft_compute(period=period_obj, user=signed_in_user(request))
    except ServiceError as exc:
        messages.error(request, _("The draft result could not be computed:"))
        error_to_messages(request, exc)
    else:
        messages.success(
            request,
            _("Draft result computed (revision %(revision)s).") % {"revision": snapshot.revision},
        )
    return redirect(next_url(request, reverse("workflow:period", args=[period_obj.code])))


@require_http_methods(["GET", "POST"])
@office
def period_publish(request: HttpRequest, period: str) -> HttpResponse:
    period_obj = _period(period)
    form = forms.PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        snapshot = service_step(
            request,
            lambda: services.period_result_publish(
                period=period_obj,
                user=signed_in_user(request),
                reason=form.cleaned_data["reason"],
                acknowledge=form.cleaned_data["acknowledge"],
                previous_note=form.cleaned_data["previous_note"],
            ),
            lambda published: (
                _("Published: %(period)s, revision %(revision)s.")
                % {"period": period_label(period_obj), "revision": published.revision}
            ),
        )
        if snapshot is not None:
            return redirect("boards:league", period_obj.code)
    readiness = period_readiness(period_obj)
    draft_rows = result_view(readiness.draft).rows if readiness.draft else []
    changes = (
        revision_changes(readiness.published, readiness.draft)
        if readiness.published and readiness.draft
        else []
    )
    return _period_page(
        request,
        "workflow/publish.html",
        period_obj,
        readiness=readiness,
        draft_rows=draft_rows,
        changes=changes,
        form=form,
    )


# -- collecting figures --------------------------------------------------------------------------


@require_GET
@supplier
def template(request: HttpRequest, period: str) -> HttpResponse:
    """The period's data-collection workbook, filled in with the figures stored so far."""
    period_obj = _period(period)
    scheme = scheme_version_parsed(period_obj.scheme_version)
    code = request.GET.get("unit", "")
    keys: list[str] | None = None  # the office: every column
    if signed_in_user(request).is_provider:
        # One sheet: every unit down, the department's indicators across.
        keys = department_keys(period_obj, _own_department(request))
        if not keys:
            raise Http404
        code = ""
    elif not user_is_office(request.user):
        code = code or _own_unit(request).code
        keys = unit_supplied_keys(period_obj)
    unit = _unit(request, period_obj, code) if code else None
    units = [unit.code] if unit else None
    values: dict[str, dict[str, Any]] = {}
    stored = DataValue.objects.filter(period=period_obj).select_related("unit")
    if unit is not None:
        stored = stored.filter(unit=unit)
    if keys is not None:
        stored = stored.filter(key__in=keys)
    for value in stored:
        row = values.setdefault(value.unit.code, {})
        row[value.key] = value.value
        if value.target:
            row[f"{value.key}.target"] = value.target
    buffer = io.BytesIO()
    write_template(
        scheme,
        buffer,
        units=units,
        values=values,
        period=period_obj.code,
        lang="zh" if get_language().startswith("zh") else "en",
        keys=keys,
    )
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    whose = unit.code if unit else "all"
    if signed_in_user(request).is_provider:
        whose = _own_department(request).code
    name = f"leitai-{period_obj.code}-{whose}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
@supplier
def upload(request: HttpRequest, period: str) -> HttpResponse:
    period_obj = _period(period)
    is_office = user_is_office(request.user)
    provider = signed_in_user(request).is_provider
    if provider:
        # A provider's page is about its department's indicators in this period.
        if not provider_rights(user=request.user, period=period_obj).view:
            raise Http404
    elif not is_office:
        # A reporter's page is about their own unit, whatever the request says.
        _unit(request, period_obj, _own_unit(request).code)
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        scope = None
        if is_office and form.cleaned_data["unit"]:
            scope = _unit(request, period_obj, form.cleaned_data["unit"])
        try:
            upload_obj = services.upload_check(
                period=period_obj,
                user=signed_in_user(request),
                file=form.cleaned_data["file"],
                unit=scope,
            )
        except ServiceError as exc:
            error_to_messages(request, exc)
        else:
            if upload_obj.pk is None:  # refused: shown, not stored
                return _upload_page(request, upload_obj)
            return redirect("workflow:upload_detail", upload_obj.pk)
    uploads = uploads_visible(user=request.user).filter(period=period_obj)[:30]
    unit = None if is_office or provider else _own_unit(request)
    rights: Rights | ProviderRights | None = (
        unit_rights(user=request.user, period=period_obj, unit=unit) if unit else None
    )
    if provider:
        rights = provider_rights(user=request.user, period=period_obj)
    return render(
        request,
        "workflow/upload.html",
        _base(
            request,
            "home",
            period=period_obj,
            label=period_label(period_obj),
            form=form,
            uploads=uploads,
            unit=unit,
            rights=rights,
            provider=provider,
        ),
    )


def _upload(request: HttpRequest, pk: int) -> Upload:
    return get_object_or_404(uploads_visible(user=request.user), pk=pk)


@require_GET
@supplier
def upload_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _upload_page(request, _upload(request, pk))


MAX_CHANGES_SHOWN = 500  # the preview page stays small; the rest are counted


def _upload_problem(number: int, stored: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """A stored problem of an upload, worded in the page's language: where and what apart."""
    if "problem" not in stored:  # stored by an earlier version, before problems were data
        text = str(stored.get("message", ""))
        cell = stored.get("cell", "")
        return {
            "number": number,
            "cell": cell,
            "column": "",
            "where": "",
            "what": text,
            "text": text,
        }
    problem = Problem.from_dict(stored["problem"])
    column = problem.where.column or ""
    base = column[: -len(".target")] if column.endswith(".target") else column
    name = names.get(base, "")
    if name and name != column:
        column = _("%(header)s (%(name)s)") % {"header": column, "name": name}
    return {
        "number": number,
        "cell": stored.get("cell", ""),
        "column": column,
        "where": render_where(problem.where.but(file=None, cell=None, column=None), _),
        "what": render_problem(problem, _, with_where=False),
        "text": render_problem(problem, _),
    }


def _upload_page(request: HttpRequest, upload_obj: Upload) -> HttpResponse:
    """The preview of an upload: its problems in place, or the figures it would change."""
    scheme = scheme_version_parsed(upload_obj.period.scheme_version)
    names = scheme_names(scheme)
    unit_names = {u.id: u.name for u in scheme.units}
    listed = [p for p in upload_obj.problems if not p.get("more")]
    problems_more = sum(int(p.get("more", 0)) for p in upload_obj.problems)
    problems = [_upload_problem(i, stored, names) for i, stored in enumerate(listed, start=1)]
    changes = _changes_with_alerts(upload_obj, names, unit_names)
    header = _grid_header(upload_obj.grid, names)
    may_decide = (
        upload_obj.pk is not None
        and upload_obj.is_checked
        and (user_is_office(request.user) or upload_obj.uploaded_by_id == request.user.pk)
    )
    return render(
        request,
        "workflow/upload_detail.html",
        _base(
            request,
            "home",
            upload=upload_obj,
            period=upload_obj.period,
            label=period_label(upload_obj.period),
            problems=problems,
            problems_more=problems_more,
            problems_total=len(problems) + problems_more,
            changes_more=len(upload_obj.changes) - len(changes),
            changes_total=len(upload_obj.changes),
            grid=upload_obj.grid,
            header=header,
            changes=changes,
            may_decide=may_decide,
        ),
    )


def _changes_with_alerts(
    upload_obj: Upload, names: dict[str, str], unit_names: dict[str, str]
) -> list[dict[str, Any]]:
    """The upload's changes, those that jump against the previous published value with
    their alert and any explanation already written for that value.

    The page shows the first MAX_CHANGES_SHOWN changes, and every change with an alert
    wherever it is (each needs its explanation)."""
    period = upload_obj.period
    alerts = cells_alerts(period, {(c["unit"], c["key"]): c["after"] for c in upload_obj.changes})
    written = {
        (e.unit.code, e.key): e
        for e in Explanation.objects.filter(period=period).select_related("unit")
        if (e.unit.code, e.key) in alerts
    }
    out = []
    for number, c in enumerate(upload_obj.changes):
        cell = (c["unit"], c["key"])
        if number >= MAX_CHANGES_SHOWN and cell not in alerts:
            continue
        explanation = written.get(cell)
        out.append(
            dict(
                c,
                name=names.get(c["key"], c["key"]),
                unit_name=unit_names.get(c["unit"], c["unit"]),
                alert=alerts.get(cell),
                explanation=explanation.text
                if explanation and explanation.value == c["after"]
                else "",
            )
        )
    return out


def _posted_explanations(request: HttpRequest) -> dict[tuple[str, str], str]:
    """``x-<unit>.<key>`` fields of an upload's confirmation: the explanations written."""
    out: dict[tuple[str, str], str] = {}
    for name in request.POST:
        if name.startswith("x-") and "." in name:
            unit, _sep, key = name[2:].partition(".")
            out[unit, key] = request.POST.get(name, "")
    return out


def _grid_header(grid: dict[str, Any], names: dict[str, str]) -> dict[int, str]:
    """People's names for the columns of the grid, taken from its id row."""
    rows = grid.get("rows") or []
    if not rows:
        return {}
    out = {}
    for i, cell in enumerate(rows[0]["cells"]):
        key = cell["text"]
        base = key[: -len(".target")] if key.endswith(".target") else key
        if base in names:
            out[i] = names[base] + (_(" (target)") if key.endswith(".target") else "")
    return out


@require_POST
@supplier
def upload_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    upload_obj = _upload(request, pk)
    try:
        changed = services.upload_confirm(
            upload=upload_obj,
            user=signed_in_user(request),
            explanations=_posted_explanations(request),
        )
    except ServiceError as exc:
        error_to_messages(request, exc)
        return redirect("workflow:upload_detail", upload_obj.pk)
    messages.success(request, _("Saved: %(n)d figures changed.") % {"n": changed})
    if upload_obj.department_id is not None and not user_is_office(request.user):
        return redirect("workflow:provider", upload_obj.period.code)
    if upload_obj.unit is not None:
        return redirect("workflow:unit", upload_obj.period.code, upload_obj.unit.code)
    return redirect("workflow:period", upload_obj.period.code)


@require_POST
@supplier
def upload_discard(request: HttpRequest, pk: int) -> HttpResponse:
    upload_obj = _upload(request, pk)
    try:
        services.upload_discard(upload=upload_obj, user=signed_in_user(request))
    except ServiceError as exc:
        error_to_messages(request, exc)
    else:
        messages.success(request, _("The upload was discarded; nothing was saved."))
    return redirect("workflow:upload", upload_obj.period.code)


@require_GET
@supplier
def upload_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    upload_obj = _upload(request, pk)
    return uploaded_file_response(upload_obj.file, upload_obj.filename)


# -- a unit's work -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@worker
def unit(request: HttpRequest, period: str, unit: str) -> HttpResponse:
    period_obj = _period(period)
    unit_obj = _unit(request, period_obj, unit)
    row = unit_row(period_obj, unit_obj)
    rights = unit_rights(user=request.user, period=period_obj, unit=unit_obj, row=row)
    fields = unit_form_fields(period_obj, unit_obj)
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not rights.edit:
            raise PermissionDenied
        # Only the scheme's fields that the form sent: a field left out is left as it is.
        values = {
            f.key: (
                request.POST.get(f"v-{f.key}", f.value),
                None if f.target is None else request.POST.get(f"t-{f.key}", f.target),
            )
            for f in fields
            if f"v-{f.key}" in request.POST or f"t-{f.key}" in request.POST
        }
        explanations = {
            f.key: request.POST[f"x-{f.key}"] for f in fields if f"x-{f.key}" in request.POST
        }
        try:
            changed, explained = services.unit_figures_explain(
                period=period_obj,
                unit=unit_obj,
                user=signed_in_user(request),
                values=values,
                explanations=explanations,
            )
        except ServiceError as exc:
            if exc.code == "forbidden":  # a crafted field of another supplier's figure
                raise PermissionDenied from None
            errors = dict(exc.fields)
            if not errors:
                error_to_messages(request, exc)
            for f in fields:
                if f.key in values:
                    f.value, target = values[f.key]
                    if f.target is not None:
                        f.target = target
            messages.error(request, _("Nothing was saved: correct the fields marked below."))
        else:
            saved_messages(request, changed, explained)
            return redirect("workflow:unit", period_obj.code, unit_obj.code)
    groups: list[dict[str, Any]] = []
    alerts = {row.key: row for row in unit_alert_rows(period_obj, unit_obj)}
    _mark_supplied(fields, alerts, period_obj, rights)
    for f in fields:
        f.error = errors.get(f.key) or errors.get(f"{f.key}.target", "")  # type: ignore[attr-defined]
        f.alert = alerts.get(f.key)  # type: ignore[attr-defined]
        name = f.group or ("series" if f.kind == "series" else "adjustments")
        if not groups or groups[-1]["name"] != name:
            groups.append({"name": name, "kind": f.kind, "fields": []})
        groups[-1]["fields"].append(f)
    return render(
        request,
        "workflow/unit.html",
        _base(
            request,
            "home",
            period=period_obj,
            label=period_label(period_obj),
            unit=unit_obj,
            row=row,
            rights=rights,
            groups=groups,
            errors=errors,
            alerts=list(alerts.values()),
            draft=unit_draft(period_obj, unit_obj),
            objections=objections_visible(user=request.user).filter(
                period=period_obj, unit=unit_obj
            ),
            uploads=uploads_visible(user=request.user).filter(period=period_obj, unit=unit_obj)[:5],
            return_form=forms.ReturnForm(),
            approval_on=approval_required(period_obj, unit_obj),
            scheme_names=scheme_names(scheme_version_parsed(period_obj.scheme_version)),
            evidence_keys=[
                (f.key, f.name)
                for f in fields
                if f.kind == "indicator" and (rights.office or f.supplier is None)  # type: ignore[attr-defined]
            ],
            evidence_count=sum(len(f.evidence) for f in fields),
        ),
        status=200,
    )


def _mark_supplied(fields: list[Any], alerts: dict[str, Any], period: Period, rights: Any) -> None:
    """A department's figures on a unit's form: read only for the unit, and shown to it only
    once the office opens the review (the unit may object to them as to anything else)."""
    supplied = period_assignments(period)
    hidden = period.state == Period.State.COLLECTING and not rights.office
    for f in fields:
        f.supplier = supplied.get(f.key)
        if f.supplier is None or rights.office:
            continue
        if hidden:
            f.value = ""
            f.target = None if f.target is None else ""
            f.updated_at = f.updated_by = None
            alerts.pop(f.key, None)
        f.evidence = [] if hidden else f.evidence


@require_POST
@worker
def unit_submit(request: HttpRequest, period: str, unit: str) -> HttpResponse:
    period_obj = _period(period)
    unit_obj = _unit(request, period_obj, unit)
    service_step(
        request,
        lambda: services.submission_submit(
            period=period_obj, unit=unit_obj, user=signed_in_user(request)
        ),
        lambda submission: (
            _("Submitted to the unit's approver, who approves it or sends it back.")
            if submission.state == submission.State.PENDING_APPROVAL
            else _("Submitted. The assessment office has been told.")
        ),
    )
    return redirect("workflow:unit", period_obj.code, unit_obj.code)


@require_POST
@office
def unit_return(request: HttpRequest, period: str, unit: str) -> HttpResponse:
    period_obj = _period(period)
    unit_obj = _unit(request, period_obj, unit)
    form = forms.ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the submission is returned."))
    else:
        try:
            services.submission_return(
                period=period_obj,
                unit=unit_obj,
                user=signed_in_user(request),
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as exc:
            error_to_messages(request, exc)
        else:
            messages.success(
                request, _("Returned to %(unit)s with your reason.") % {"unit": unit_obj.name}
            )
    return redirect(
        next_url(request, reverse("workflow:unit", args=[period_obj.code, unit_obj.code]))
    )


# -- approval inside a unit ------------------------------------------------------------------------


@require_POST
@worker
def unit_approve(request: HttpRequest, period: str, unit: str) -> HttpResponse:
    """The unit's 审核人 approves what a reporter prepared; it goes to the office."""
    period_obj = _period(period)
    unit_obj = _unit(request, period_obj, unit)
    service_step(
        request,
        lambda: services.submission_approve(
            period=period_obj, unit=unit_obj, user=signed_in_user(request)
        ),
        _("Approved. The figures are with the assessment office."),
    )
    return redirect("workflow:unit", period_obj.code, unit_obj.code)


@require_POST
@worker
def unit_send_back(request: HttpRequest, period: str, unit: str) -> HttpResponse:
    """The unit's 审核人 sends the prepared figures back to the reporters, with a reason."""
    period_obj = _period(period)
    unit_obj = _unit(request, period_obj, unit)
    form = forms.SendBackForm(request.POST)
    service_step(
        request,
        lambda: services.submission_send_back(
            period=period_obj,
            unit=unit_obj,
            user=signed_in_user(request),
            reason=form.cleaned_data["reason"] if form.is_valid() else "",
        ),
        _("Sent back to the unit's reporters with your reason."),
    )
    return redirect("workflow:unit", period_obj.code, unit_obj.code)


@require_POST
@office
def period_approval(request: HttpRequest, period: str) -> HttpResponse:
    """The office chooses the units that approve inside before submitting."""
    period_obj = _period(period)
    form = forms.ApprovalForm(
        request.POST,
        units=[(u.code, u.name) for u in period_units(period_obj)],
        departments=[(d.code, d.name) for d in period_departments(period_obj)],
    )
    if not form.is_valid():
        messages.error(request, _("Choose units of this period."))
        return redirect("workflow:period", period_obj.code)
    service_step(
        request,
        lambda: services.approval_units_set(
            period=period_obj,
            units=form.cleaned_data["units"],
            departments=form.cleaned_data["departments"],
            user=signed_in_user(request),
        ),
        lambda chosen: (
            _("Approval inside units is on for %(n)d units.") % {"n": len(chosen)}
            if chosen
            else _("Approval inside units is off.")
        ),
    )
    return redirect("workflow:period", period_obj.code)


# -- objections ---------------------------------------------------------------------------------------


def _keys(period: Period) -> list[tuple[str, str]]:
    scheme = scheme_version_parsed(period.scheme_version)
    keys = [(i.id, i.name) for i in scheme.all_indicators()]
    keys += [(a.id, a.name) for a in scheme.adjustments]
    return keys


@require_http_methods(["GET", "POST"])
@worker
def objection_new(request: HttpRequest, period: str, unit: str) -> HttpResponse:
    period_obj = _period(period)
    unit_obj = _unit(request, period_obj, unit)
    if not user_reports_for(request.user, unit_obj.pk):
        raise PermissionDenied  # the office answers objections; it does not raise them
    rights = unit_rights(user=request.user, period=period_obj, unit=unit_obj)
    form = forms.ObjectionForm(request.POST or None, request.FILES or None, keys=_keys(period_obj))
    if request.method == "POST" and form.is_valid():
        try:
            objection = services.objection_raise(
                period=period_obj,
                unit=unit_obj,
                user=signed_in_user(request),
                text=form.cleaned_data["text"],
                key=form.cleaned_data["key"],
                attachment=form.cleaned_data["attachment"],
            )
        except ServiceError as exc:
            error_to_messages(request, exc)
        else:
            messages.success(request, _("Your objection has been sent to the assessment office."))
            return redirect("workflow:objection", objection.pk)
    return render(
        request,
        "workflow/objection_new.html",
        _base(
            request,
            "objections",
            period=period_obj,
            label=period_label(period_obj),
            unit=unit_obj,
            form=form,
            rights=rights,
            draft=unit_draft(period_obj, unit_obj),
        ),
    )


@require_GET
@worker
def objection_list(request: HttpRequest, period: str) -> HttpResponse:
    period_obj = _period(period)
    objections = objections_visible(user=request.user).filter(period=period_obj)
    names = dict(_keys(period_obj))
    return render(
        request,
        "workflow/objection_list.html",
        _base(
            request,
            "objections",
            period=period_obj,
            label=period_label(period_obj),
            objections=objections,
            names=names,
        ),
    )


def _objection(request: HttpRequest, pk: int) -> Objection:
    return get_object_or_404(objections_visible(user=request.user), pk=pk)


@require_GET
@worker
def objection(request: HttpRequest, pk: int) -> HttpResponse:
    objection_obj = _objection(request, pk)
    period_obj = objection_obj.period
    names = dict(_keys(period_obj))
    current = None
    if objection_obj.key:
        current = DataValue.objects.filter(
            period=period_obj, unit=objection_obj.unit, key=objection_obj.key
        ).first()
    return render(
        request,
        "workflow/objection.html",
        _base(
            request,
            "objections",
            objection=objection_obj,
            period=period_obj,
            label=period_label(period_obj),
            key_name=names.get(objection_obj.key, objection_obj.key),
            current=current,
            form=forms.AnswerForm(initial={"value": current.value if current else ""}),
            draft=unit_draft(period_obj, objection_obj.unit),
            names=names,
        ),
    )


@require_POST
@office
def objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    objection_obj = _objection(request, pk)
    form = forms.AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or reject and write the answer."))
        return redirect("workflow:objection", objection_obj.pk)
    accepted = form.cleaned_data["decision"] == "accept"
    corrections = None
    if (
        accepted
        and objection_obj.key
        and (form.cleaned_data["value"] or form.cleaned_data["target"])
    ):
        corrections = {
            objection_obj.key: (form.cleaned_data["value"], form.cleaned_data["target"] or None)
        }
    service_step(
        request,
        lambda: transaction.atomic()(services.objection_answer)(
            objection=objection_obj,
            user=signed_in_user(request),
            accepted=accepted,
            answer=form.cleaned_data["answer"],
            corrections=corrections,
        ),
        _("Answered. The figure was corrected and the draft result computed again.")
        if corrections
        else _("Answered."),
    )
    return redirect("workflow:objection", objection_obj.pk)


@require_GET
@worker
def objection_attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    objection_obj = _objection(request, pk)
    if not objection_obj.attachment:
        raise Http404
    return uploaded_file_response(objection_obj.attachment, objection_obj.attachment_name)


# -- published revisions ----------------------------------------------------------------------------


@require_GET
def revisions(request: HttpRequest, period: str) -> HttpResponse:
    """Every published revision of a period, each with its reason: both stay visible."""
    period_obj = _period(period)
    published = list(
        period_obj.snapshots.published().select_related("published_by").order_by("revision")
    )
    if not published:
        raise Http404
    if not user_can_read_published(request.user):
        if not request.user.is_authenticated:
            return login_redirect(request)
        raise PermissionDenied
    items = []
    for i, snapshot in enumerate(published):
        items.append(
            {
                "snapshot": snapshot,
                "rows": revision_changes(published[i - 1], snapshot)
                if i
                else [{"row": r, "old": None} for r in result_view(snapshot).rows],
                "current": i == len(published) - 1,
            }
        )
    return render(
        request,
        "workflow/revisions.html",
        {
            "section": "revisions",
            "period": period_obj,
            "period_label": period_label(period_obj),
            "items": list(reversed(items)),
            "scheme_name": result_view(published[-1]).scheme.name,
        },
    )


# -- evidence (佐证材料) ------------------------------------------------------------------------


def evidence_attach(request: HttpRequest, period: Period, unit: Unit, key: str) -> None:
    """Attach the posted file to ``unit``'s figure ``key`` (a reporter's, a provider's or
    the office's), saying how it went; 403 where the person may not."""
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, _("Choose a file to attach."))
        return
    service_step(
        request,
        lambda: services.evidence_add(
            period=period, unit=unit, user=signed_in_user(request), key=key, file=file
        ),
        lambda evidence: _("Attached: %(name)s.") % {"name": evidence.name},
    )


@require_POST
@worker
def evidence_add(request: HttpRequest, period: str, unit: str) -> HttpResponse:
    period_obj = _period(period)
    unit_obj = _unit(request, period_obj, unit)
    key = request.POST.get("key", "")
    evidence_attach(request, period_obj, unit_obj, key)
    target = reverse("workflow:unit", args=[period_obj.code, unit_obj.code])
    known = key in scheme_names(scheme_version_parsed(period_obj.scheme_version))
    return redirect(f"{target}#evidence-{key}" if known else target)


def _evidence(request: HttpRequest, pk: int) -> Evidence:
    return get_object_or_404(evidence_visible(user=request.user), pk=pk)


@require_GET
@supplier
def evidence_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    evidence = _evidence(request, pk)
    return uploaded_file_response(evidence.file, evidence.name)


@require_POST
@supplier
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = _evidence(request, pk)
    period_code, unit_code, name = evidence.period.code, evidence.unit.code, evidence.name
    try:
        services.evidence_remove(evidence=evidence, user=signed_in_user(request))
    except ServiceError as exc:
        if exc.code == "forbidden":
            raise PermissionDenied from None
        error_to_messages(request, exc)
    else:
        messages.success(request, _("Removed: %(name)s.") % {"name": name})
    if signed_in_user(request).is_provider:
        return redirect("workflow:provider", period_code)
    return redirect("workflow:unit", period_code, unit_code)
