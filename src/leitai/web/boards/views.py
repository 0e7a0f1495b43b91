"""The boards: league table, star matrix, posters, unit and indicator pages, exports.

Views are thin: find the period, ask the selectors which result this person may
read, render. Every view goes through :func:`visible` so that none forgets to check
who is asking.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from leitai.reports.chartdata import indicator_points
from leitai.web.access import login_redirect
from leitai.web.accounts.selectors import (
    user_can_read_published,
    user_is_office,
    user_reports_for,
)
from leitai.web.assessments import selectors
from leitai.web.assessments.models import DataValue, Period, Snapshot, Unit, period_order
from leitai.web.assessments.selectors import NotVisible, ResultView
from leitai.web.boards import trends
from leitai.web.caching import published_condition

if TYPE_CHECKING:
    from leitai.web.analysis.types import Correlation


def visible(
    view: Callable[..., HttpResponse], methods: tuple[str, ...] = ("GET",)
) -> Callable[..., HttpResponse]:
    """Turn :class:`NotVisible` into the right answer: log in, 403 or 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotVisible as exc:
            if exc.reason == "login":
                return login_redirect(request)
            if exc.reason == "forbidden":
                raise PermissionDenied from None
            raise Http404 from None

    return require_http_methods(list(methods))(wrapper)


@dataclass
class Context:
    period: Period
    snapshot: Snapshot
    view: ResultView

    @property
    def draft(self) -> bool:
        return not self.snapshot.is_published


def _load(request: HttpRequest, period_code: str, unit: Unit | None = None) -> Context:
    period = get_object_or_404(Period.objects.select_related("scheme_version"), code=period_code)
    snapshot = selectors.snapshot_visible(period=period, user=request.user, unit=unit)
    return Context(period=period, snapshot=snapshot, view=selectors.result_view(snapshot))


def _switcher(
    request: HttpRequest, ctx: Context, url_name: str, **kwargs: Any
) -> list[dict[str, Any]]:
    """Links to the same page in every other period this person may read."""
    unit = kwargs.get("unit")
    unit_obj = Unit.objects.filter(code=unit).first() if unit else None
    links = []
    for period, snapshot in selectors.periods_visible(user=request.user, unit=unit_obj):
        name, args = url_name, dict(kwargs)
        if "indicator" in kwargs:
            scheme = selectors.scheme_version_parsed(snapshot.scheme_version)
            if kwargs["indicator"] not in {i.id for i in scheme.all_indicators()}:
                name, args = "boards:league", {}
        if unit and not snapshot.is_published and not user_is_office(request.user):
            name, args = "boards:unit", {"unit": unit}
        links.append(
            {
                "period": period,
                "label": selectors.period_label(period),
                "url": reverse(name, kwargs={"period": period.code, **args}),
                "current": period.pk == ctx.period.pk,
                "draft": not snapshot.is_published,
            }
        )
    return links


def _page(
    request: HttpRequest,
    template: str,
    ctx: Context,
    url_name: str,
    url_kwargs: dict[str, Any] | None = None,
    **extra: Any,
) -> HttpResponse:
    url_kwargs = url_kwargs or {}
    revisions = ctx.period.snapshots.published().count()
    return render(
        request,
        template,
        {
            "period": ctx.period,
            "period_label": selectors.period_label(ctx.period),
            "snapshot": ctx.snapshot,
            "result": ctx.view,
            "draft": ctx.draft,
            "revised": ctx.snapshot.is_published and revisions > 1,
            "switcher": _switcher(request, ctx, url_name, **url_kwargs),
            "section": url_name.split(":")[-1],
            **extra,
        },
    )


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    periods = selectors.periods_visible(user=request.user)
    latest = None
    for period, snapshot in reversed(periods):
        if snapshot.is_published:
            latest = {
                "period": period,
                "label": selectors.period_label(period),
                "view": selectors.result_view(snapshot),
                "snapshot": snapshot,
            }
            break
    listed = [
        {"period": p, "label": selectors.period_label(p), "snapshot": s}
        for p, s in reversed(periods)
    ]
    office_periods = []
    if user_is_office(request.user):
        office_periods = [
            {"period": p, "label": selectors.period_label(p)}
            for p in Period.objects.select_related("scheme_version__scheme").order_by(
                *period_order(newest_first=True)
            )
        ]
    return render(
        request,
        "boards/home.html",
        {
            "latest": latest,
            "periods": listed,
            "office_periods": office_periods,
            "can_read": user_can_read_published(request.user),
            "years": _years_readable(request.user),
            "section": "home",
        },
    )


@published_condition
@visible
def league(request: HttpRequest, period: str) -> HttpResponse:
    ctx = _load(request, period)
    return _page(request, "boards/league.html", ctx, "boards:league", **_grouped(ctx))


@published_condition
@visible
def stars(request: HttpRequest, period: str) -> HttpResponse:
    ctx = _load(request, period)
    return _page(request, "boards/stars.html", ctx, "boards:stars", **_grouped(ctx))


@published_condition
@visible
def posters(request: HttpRequest, period: str) -> HttpResponse:
    from leitai.web.boards import groups

    ctx = _load(request, period)
    grouped = _grouped(ctx)
    for section in grouped["groups"]:
        section.board_posters = groups.board_posters(ctx.view, section.rows)
    return _page(
        request,
        "boards/posters.html",
        ctx,
        "boards:posters",
        board_posters=[] if grouped["groups"] else groups.board_posters(ctx.view, ctx.view.rows),
        **grouped,
    )


def _card_group(card: dict[str, Any], view: ResultView, unit: str) -> None:
    """On a grouped scheme's report card the rank is the unit's within its group, out of
    the group's size, with the rank among all units beside it."""
    from leitai.web.boards.groups import unit_group

    group = unit_group(view, unit)
    if group is not None:
        card["n"], card["group"] = group["n"], group


def _years_readable(user: Any) -> list[int]:
    """The years whose year pages this person may read (published quarters only)."""
    from leitai.web.boards import years

    return years.years_published() if user_can_read_published(user) else []


def _grouped(ctx: Context) -> dict[str, Any]:
    """What the boards of a grouped scheme add: a section per group and, where the office
    wants it, the city-wide table (empty for a scheme that ranks all units together)."""
    from leitai.web.boards import groups

    sections = groups.group_sections(ctx.view)
    show_city = bool(sections) and ctx.period.city_table
    return {
        "groups": sections,
        "city_rows": groups.city_rows(ctx.view) if show_city else [],
    }


@published_condition
@visible
def unit(request: HttpRequest, period: str, unit: str) -> HttpResponse:
    unit_obj = get_object_or_404(Unit, code=unit)
    ctx = _load(request, period, unit=unit_obj)
    if unit not in ctx.view.by_unit:
        raise Http404
    population = len(ctx.view.rows)
    # A reporter reading their own draft sees only their own unit's card: the rank is
    # still out of the whole population, and the indicator pages (every unit's draft
    # figures) are not linked.
    own_draft = bool(ctx.draft and not user_is_office(request.user))
    if own_draft:
        ctx.view = _only_unit(ctx.view, unit)
    card = selectors.unit_card(ctx.view, unit)
    card["n"] = population
    history = selectors.unit_history(unit=unit_obj, user=request.user, period=ctx.period)
    chart = {
        "labels": [h["label"] for h in history.rows],
        "ranks": [h["rank"] for h in history.rows],
        "scores": [round(h["score"], 2) for h in history.rows],
        "n": max([h["n"] for h in history.rows] or [1]),
        "rank_label": _("Rank"),
        "score_label": _("Composite score"),
    }
    _card_group(card, ctx.view, unit)
    points = trends.trend_points(user=request.user, period=ctx.period, shown=ctx.snapshot)
    return _page(
        request,
        "boards/unit.html",
        ctx,
        "boards:unit",
        {"unit": unit},
        years=_years_readable(request.user),
        unit=unit_obj,
        card=card,
        history=history,
        chart=chart,
        can_see_data=user_is_office(request.user) or user_reports_for(request.user, unit_obj.pk),
        indicator_links=not own_draft,
        trend=trends.unit_trend(points, unit),
        comparison=trends.unit_comparison(points, unit, ctx.snapshot),
        own_draft=own_draft,
        office=user_is_office(request.user),
    )


def _only_unit(view: ResultView, unit: str) -> ResultView:
    # Plain decimals: more of them would tell that another unit's draft score is close.
    row = selectors.row_plain_scores(view.by_unit[unit])
    return ResultView(
        scheme=view.scheme,
        document=view.document,
        rows=[row],
        by_unit={unit: row},
        boards=view.boards,
        top_boards=view.top_boards,
        flags=view.flags,
        # The gap to the unit above would tell another unit's draft score.
        explanations={unit: dict(view.explanations[unit], above=None)},
    )


@require_GET
def unit_data(request: HttpRequest, period: str, unit: str) -> HttpResponse:
    """A unit's figures as entered: for the office and the unit's own reporter."""
    if not request.user.is_authenticated:
        return login_redirect(request)
    period_obj = get_object_or_404(Period.objects.select_related("scheme_version"), code=period)
    unit_obj = get_object_or_404(Unit, code=unit)
    if not (user_is_office(request.user) or user_reports_for(request.user, unit_obj.pk)):
        raise PermissionDenied
    scheme = selectors.scheme_version_parsed(period_obj.scheme_version)
    values = {v.key: v for v in DataValue.objects.filter(period=period_obj, unit=unit_obj)}
    rows = []
    for board in scheme.all_boards():
        for indicator in board.indicators:
            rows.append(
                {
                    "kind": "indicator",
                    "item": indicator,
                    "board": board,
                    "value": values.get(indicator.id),
                }
            )
    for adjustment in scheme.adjustments:
        rows.append(
            {
                "kind": adjustment.kind,
                "item": adjustment,
                "board": None,
                "value": values.get(adjustment.id),
            }
        )
    for series in scheme.series:
        rows.append(
            {"kind": "series", "item": series, "board": None, "value": values.get(series.id)}
        )
    return render(
        request,
        "boards/unit_data.html",
        {
            "period": period_obj,
            "period_label": selectors.period_label(period_obj),
            "unit": unit_obj,
            "rows": rows,
            "section": "unit",
        },
    )


@published_condition
@visible
def indicator(request: HttpRequest, period: str, indicator: str) -> HttpResponse:
    ctx = _load(request, period)
    item = ctx.view.indicator(indicator)
    if item is None:
        raise Http404
    method, direction, _missing = ctx.view.scheme.resolved(item)
    rows = []
    for row in ctx.view.rows:
        explained = next(
            r
            for r in ctx.view.explanations[row["unit"]]["indicators"]
            if r["indicator"] == indicator
        )
        rows.append(dict(explained, unit_name=row["name"], composite_rank=row["rank"]))
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["composite_rank"]))
    # The numbers of ``leitai plot dot``: the same function shapes both.
    dots = indicator_points(ctx.view.document, indicator)
    chart = {
        "labels": [d["name"] for d in dots],
        "values": [d["value"] for d in dots],
        "scores": [None if d["score"] is None else round(d["score"], 2) for d in dots],
        "value_label": _("Value") + (f" ({item.unit})" if item.unit else ""),
        "score_label": _("Score"),
    }
    board = next(
        b for b in ctx.view.scheme.all_boards() if any(i.id == indicator for i in b.indicators)
    )
    points = trends.trend_points(user=request.user, period=ctx.period, shown=ctx.snapshot)
    return _page(
        request,
        "boards/indicator.html",
        ctx,
        "boards:indicator",
        {"indicator": indicator},
        indicator=item,
        board=board,
        method=method,
        direction=direction,
        rows=rows,
        chart=chart,
        trend=trends.indicator_trend(points, indicator),
        comparison=trends.indicator_comparison(points, indicator),
    )


@published_condition
@visible
def compare(request: HttpRequest, period: str) -> HttpResponse:
    ctx = _load(request, period)
    options = [
        (p, s) for p, s in selectors.periods_visible(user=request.user) if p.pk != ctx.period.pk
    ]
    # By default the one previous result the rank changes and flags were computed
    # against; never some other earlier period, which would contradict them.
    previous = selectors.period_previous_snapshot(ctx.period)
    other_code = request.GET.get("with") or (previous.period.code if previous else "")
    other = next(((p, s) for p, s in options if p.code == other_code), None)
    if other is None and request.GET.get("with"):
        raise Http404
    rows, earlier_label, later_label = [], "", ""
    correlations: list[Correlation] = []
    if other is not None:
        earlier_first = (previous is not None and other[0].pk == previous.period_id) or (
            other[0].code < ctx.period.code
        )
        correlations = _correlations(
            *((other[1], ctx.snapshot) if earlier_first else (ctx.snapshot, other[1]))
        )
        other_view = selectors.result_view(other[1])
        if previous is not None and other[0].pk == previous.period_id:
            # The very comparison the rank changes and flags were computed from.
            rows = selectors.period_comparison(
                other_view, ctx.view, previous_ranks=ctx.snapshot.previous_ranks
            )
            earlier_label, later_label = (
                selectors.period_label(other[0]),
                selectors.period_label(ctx.period),
            )
        elif other[0].code < ctx.period.code:
            rows = selectors.period_comparison(other_view, ctx.view)
            earlier_label, later_label = (
                selectors.period_label(other[0]),
                selectors.period_label(ctx.period),
            )
        else:
            rows = selectors.period_comparison(ctx.view, other_view)
            earlier_label, later_label = (
                selectors.period_label(ctx.period),
                selectors.period_label(other[0]),
            )
    return _page(
        request,
        "boards/compare.html",
        ctx,
        "boards:compare",
        other=other[0] if other else None,
        options=[{"period": p, "label": selectors.period_label(p)} for p, _s in options],
        rows=rows,
        climbed=[r for r in rows if r["rank_change"] > 0],
        fell=[r for r in rows if r["rank_change"] < 0],
        earlier_label=earlier_label,
        later_label=later_label,
        correlations=correlations,
    )


def _correlations(earlier: Snapshot, later: Snapshot) -> list[Correlation]:
    """Spearman's and Pearson's correlations of the two results' composite and board
    scores, as the office's comparison of two builds gives them (both results are ones
    the person asking may read)."""
    from leitai.web.analysis.selectors import builds_report

    return list(builds_report(before=earlier, after=later, series="score")["correlations"])


def book(request: HttpRequest, period: str) -> HttpResponse:
    """The engine's result book (XLSX), built on the queue once per result and language.

    The first reader asks for it with a POST (building is work, never a GET's); from
    then on every reader gets the kept file at once.
    """
    from leitai.web.boards.services import XLSX, result_book_build, result_book_key
    from leitai.web.tasks.artifacts import artifact_request, artifact_view

    ctx = _load(request, period)
    lang = "zh" if (get_language() or "").startswith("zh") else "en"
    key = result_book_key(snapshot=ctx.snapshot, lang=lang)
    suffix = "" if ctx.snapshot.is_published else "-draft"
    return artifact_view(
        request,
        key=key,
        title=f"{selectors.period_label(ctx.period)} · {_('Result book (Excel)')}",
        back=reverse("boards:league", args=[period]),
        build=lambda: artifact_request(
            key=key,
            filename=f"leitai-{period}{suffix}.xlsx",
            content_type=XLSX,
            handler=result_book_build,
            args={"snapshot": ctx.snapshot.pk, "lang": lang},
        ),
    )


book = visible(book, methods=("GET", "POST"))


def report_cards(request: HttpRequest, period: str, kind: str) -> HttpResponse:
    """Every unit's report card in ranking order: one PDF, or a ZIP of one PDF per unit.

    Printed by a worker of the queue from the report card pages (:mod:`.cards`). Whoever
    may read the published result may have its cards (they are the public pages); a
    draft's cards are the office's only.
    """
    from leitai.web.boards.cards import KINDS, cards_key, report_cards_build
    from leitai.web.tasks.artifacts import artifact_request, artifact_view

    ctx = _load(request, period)
    if ctx.draft and not user_is_office(request.user):
        raise NotVisible("forbidden")
    lang = "zh" if (get_language() or "").startswith("zh") else "en"
    key = cards_key(snapshot=ctx.snapshot, lang=lang, kind=kind)
    suffix = "" if ctx.snapshot.is_published else "-draft"
    label = _("Report cards (PDF)") if kind == "pdf" else _("Report cards, one file per unit (ZIP)")
    return artifact_view(
        request,
        key=key,
        title=f"{selectors.period_label(ctx.period)} · {label}",
        back=reverse("boards:league", args=[period]),
        build=lambda: artifact_request(
            key=key,
            filename=f"leitai-{period}-cards{suffix}.{kind}",
            content_type=KINDS[kind],
            handler=report_cards_build,
            args={"snapshot": ctx.snapshot.pk, "lang": lang, "kind": kind, "user": request.user.pk},
        ),
    )


report_cards = visible(report_cards, methods=("GET", "POST"))
