"""Robustness, what-if and diagnostics pages of a period's result.

Thin views: find the result this person may read (the boards' single rule, or the
what-if rule of :func:`selectors.whatif_snapshot`), read or start the analysis,
render. Nothing here writes a figure or a result; a what-if never saves anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from leitai.web.accounts.selectors import analysis_visible_to, user_is_office, user_reports_for
from leitai.web.analysis import selectors
from leitai.web.analysis.forms import METHOD_LABELS, MISSING_LABELS, RunSettingsForm
from leitai.web.analysis.models import AnalysisRun
from leitai.web.analysis.options import RunSettings
from leitai.web.analysis.services import analysis_run_ensure
from leitai.web.analysis.types import PeriodLink
from leitai.web.assessments import selectors as results
from leitai.web.assessments.models import Period, Snapshot, Unit
from leitai.web.assessments.selectors import NotVisible
from leitai.web.boards.views import Context, _load, _page, visible


def answers(*methods: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Allow ``methods`` and turn :class:`NotVisible` into log in, 403 or 404 (the boards' rule)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        return visible(view, methods)

    return decorate


def _office_only(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise NotVisible("login")
    if not user_is_office(request.user):
        raise NotVisible("forbidden")


# -- robustness -----------------------------------------------------------------------------


def _run_url(period: Period, run: AnalysisRun) -> str:
    url = reverse("analysis:robustness", kwargs={"period": period.code})
    return url if run.run_settings.is_default else f"{url}?{urlencode({'run': run.pk})}"


def _chosen_run(request: HttpRequest, snapshot: Snapshot) -> AnalysisRun | None:
    """The run asked for with ``?run=``, else the default run if the office started it.

    Reading never starts work: only the office's POST does.
    """
    run_id = request.GET.get("run", "")
    if run_id:
        # ASCII digits only ("²".isdigit() is true) and within a database integer.
        if not (run_id.isascii() and run_id.isdigit() and len(run_id) <= 18):
            raise Http404
        return get_object_or_404(
            AnalysisRun.objects.select_related("job"), pk=int(run_id), snapshot=snapshot
        )
    return selectors.analysis_run_of(snapshot=snapshot, run_settings=RunSettings())


def _names(names: list[Any]) -> str:
    # Translators: the separator of a list of names, as in "minmax, zscore".
    return _(", ").join(str(n) for n in names) if names else _("as in the scheme")


def _robustness_page(
    request: HttpRequest, ctx: Context, run: AnalysisRun | None, form: RunSettingsForm | None
) -> HttpResponse:
    office = user_is_office(request.user)
    run_settings = run.run_settings if run is not None else RunSettings()
    if office and form is None:
        form = RunSettingsForm(initial=RunSettingsForm.initial_from(run_settings))
    status_url = reverse("analysis:robustness_status", kwargs={"period": ctx.period.code})
    return _page(
        request,
        "analysis/robustness.html",
        ctx,
        "analysis:robustness",
        run=run,
        run_settings=run_settings,
        method_names=_names([METHOD_LABELS[m] for m in run_settings.methods]),
        missing_names=_names([MISSING_LABELS[m] for m in run_settings.missing]),
        tables=selectors.robustness_tables(run=run, view=ctx.view)
        if run is not None and run.is_done
        else None,
        form=form if office else None,
        runs=[
            {
                "run": r,
                "url": _run_url(ctx.period, r),
                "current": run is not None and r.pk == run.pk,
            }
            for r in selectors.analysis_runs_listed(snapshot=ctx.snapshot)
        ]
        if office
        else [],
        status_url=f"{status_url}?{urlencode({'run': run.pk})}" if run is not None else "",
    )


def _robustness_allowed(request: HttpRequest) -> None:
    """The office's setting decides who may read robustness (office only by default)."""
    if analysis_visible_to(request.user):
        return
    raise NotVisible("forbidden" if request.user.is_authenticated else "login")


@answers("GET")
def robustness(request: HttpRequest, period: str) -> HttpResponse:
    _robustness_allowed(request)
    ctx = _load(request, period)
    return _robustness_page(request, ctx, _chosen_run(request, ctx.snapshot), None)


@answers("POST")
def robustness_run(request: HttpRequest, period: str) -> HttpResponse:
    """The office starts a run (or restarts a failed or interrupted one) on the queue."""
    _office_only(request)
    ctx = _load(request, period)
    form = RunSettingsForm(request.POST)
    if not form.is_valid():
        run = selectors.analysis_run_of(snapshot=ctx.snapshot, run_settings=RunSettings())
        return _robustness_page(request, ctx, run, form)
    run = analysis_run_ensure(
        snapshot=ctx.snapshot, run_settings=form.run_settings(), user=request.user
    )
    return redirect(_run_url(ctx.period, run))


@answers("GET")
def robustness_status(request: HttpRequest, period: str) -> JsonResponse:
    """How far a run has got, for the page's progress indicator."""
    _robustness_allowed(request)
    ctx = _load(request, period)
    run = _chosen_run(request, ctx.snapshot)
    if run is None:
        return JsonResponse({"state": "none", "done": 0, "total": 0, "percent": 0})
    return JsonResponse(
        {
            "state": run.status,
            "done": run.done,
            "total": run.total,
            "percent": run.percent,
        }
    )


# -- what-if ---------------------------------------------------------------------------------


def _whatif_load(request: HttpRequest, period: str, unit: str) -> tuple[Context, Unit]:
    if not request.user.is_authenticated:
        raise NotVisible("login")
    unit_obj = get_object_or_404(Unit, code=unit)
    # Before the period is looked up: no one else learns which periods exist.
    if not (user_is_office(request.user) or user_reports_for(request.user, unit_obj.pk)):
        raise NotVisible("forbidden")
    period_obj = get_object_or_404(Period.objects.select_related("scheme_version"), code=period)
    snapshot = selectors.whatif_snapshot(period=period_obj, user=request.user, unit=unit_obj)
    view = results.result_view(snapshot)
    if unit not in view.by_unit:
        raise Http404
    return Context(period=period_obj, snapshot=snapshot, view=view), unit_obj


def _whatif_switcher(request: HttpRequest, ctx: Context, unit: Unit) -> list[PeriodLink]:
    links: list[PeriodLink] = []
    for period, snapshot in results.periods_visible(user=request.user, unit=unit):
        if not selectors.user_may_whatif(user=request.user, unit=unit, snapshot=snapshot):
            continue
        links.append(
            {
                "label": results.period_label(period),
                "url": reverse(
                    "analysis:whatif", kwargs={"period": period.code, "unit": unit.code}
                ),
                "current": period.pk == ctx.period.pk,
                "draft": not snapshot.is_published,
            }
        )
    return links


def _submitted(post: Any, reported: dict[str, str]) -> dict[str, str]:
    """The values of the form, with the one a suggestion button applies.

    Only the scheme's indicators are read, for the unit of the URL: any other field
    of a crafted form is ignored.
    """
    values = {key: str(post.get(f"value-{key}", written)) for key, written in reported.items()}
    indicator, sep, value = str(post.get("apply", "")).partition("=")
    if sep and indicator in values:
        values[indicator] = value
    return values


@answers("GET", "POST")
def whatif(request: HttpRequest, period: str, unit: str) -> HttpResponse:
    """What it takes to move, and the unit's figures to edit (works without JavaScript)."""
    ctx, unit_obj = _whatif_load(request, period, unit)
    report = selectors.whatif_report(snapshot=ctx.snapshot, unit=unit)
    reported = selectors.whatif_reported(snapshot=ctx.snapshot, unit=unit)
    values, outcome = dict(reported), None
    if request.method == "POST" and "reset" not in request.POST:
        values = _submitted(request.POST, reported)
        outcome = selectors.whatif_outcome(snapshot=ctx.snapshot, unit=unit, values=values)
    for group in report["groups"]:
        for item in group["items"]:
            item["current"] = values.get(item["indicator"], item["written"])
            item["changed"] = item["current"].strip() != item["written"].strip()
    if outcome is None:
        outcome = selectors.whatif_outcome(snapshot=ctx.snapshot, unit=unit, values={})
    revisions = ctx.period.snapshots.published().count()
    return render(
        request,
        "analysis/whatif.html",
        {
            "period": ctx.period,
            "period_label": results.period_label(ctx.period),
            "snapshot": ctx.snapshot,
            "result": ctx.view,
            "draft": ctx.draft,
            "revised": ctx.snapshot.is_published and revisions > 1,
            "switcher": _whatif_switcher(request, ctx, unit_obj),
            "section": "whatif",
            "unit": unit_obj,
            "row": ctx.view.by_unit[unit],
            "report": report,
            "outcome": outcome,
            "words": {
                "was": _("was"),
                "new": _("new"),
                "with_values": _("With your values"),
                "as_reported": _("As reported"),
                "would_pass": _("Would pass"),
                "passed_by": _("Would be passed by"),
                "failed": _("The recomputation failed; press Recompute to try again."),
            },
            "recompute_url": reverse(
                "analysis:whatif_recompute", kwargs={"period": period, "unit": unit}
            ),
        },
    )


@answers("POST")
def whatif_recompute(request: HttpRequest, period: str, unit: str) -> JsonResponse:
    """The page's live answer: the same recomputation as the form, as JSON."""
    ctx, _unit = _whatif_load(request, period, unit)
    reported = selectors.whatif_reported(snapshot=ctx.snapshot, unit=unit)
    values = _submitted(request.POST, reported)
    return JsonResponse(
        selectors.whatif_outcome(snapshot=ctx.snapshot, unit=unit, values=values),
        json_dumps_params={"ensure_ascii": False},
    )


# -- diagnostics -------------------------------------------------------------------------------


@answers("GET")
def diagnostics(request: HttpRequest, period: str) -> HttpResponse:
    _office_only(request)
    ctx = _load(request, period)
    return _page(
        request,
        "analysis/diagnostics.html",
        ctx,
        "analysis:diagnostics",
        report=selectors.diagnostics_tables(snapshot=ctx.snapshot),
    )


# -- two builds compared, trends ----------------------------------------------------------------


def _snapshot_asked(request: HttpRequest, key: str) -> Snapshot | None:
    """The snapshot named by ``?key=`` (its id), None where not asked; 404 where it
    names none."""
    given = request.GET.get(key, "")
    if not given:
        return None
    if not (given.isascii() and given.isdigit() and len(given) <= 18):
        raise Http404
    return get_object_or_404(Snapshot.objects.select_related("period", "scheme_version"), pk=given)


@answers("GET")
def builds(request: HttpRequest, period: str) -> HttpResponse:
    """The office compares two results (two revisions of a period, or two periods) and
    reads each unit's trend over the periods up to this one."""
    _office_only(request)
    ctx = _load(request, period)
    # By default the period's newest revision, a draft computed after the published
    # result included: what a correction would change.
    after = _snapshot_asked(request, "b") or selectors.builds_latest(ctx.period) or ctx.snapshot
    before = _snapshot_asked(request, "a") or selectors.builds_default(after)
    series = request.GET.get("series", "score")
    report = None
    if before is not None:
        report = selectors.builds_report(before=before, after=after, series=series[:64])
    return _page(
        request,
        "analysis/builds.html",
        ctx,
        "analysis:builds",
        before=before,
        after=after,
        options=selectors.builds_options(),
        report=report,
        trend=selectors.trend_report(user=request.user, upto=ctx.period),
    )
