"""The read-only JSON API of published results, with the same permissions as the pages.

The OpenAPI schema is at ``/api/openapi.json``, its documentation in words at
``/api/docs`` (:mod:`leitai.web.boards.api_docs`) and django-ninja's interactive page at
``/api/swagger`` (served from its bundled files, so it works offline).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.decorators import decorate_view
from ninja.errors import HttpError

from leitai import __version__
from leitai.web.accounts.selectors import user_is_office
from leitai.web.assessments import selectors
from leitai.web.assessments.integrity import NotReproducible, SnapshotAltered
from leitai.web.assessments.models import Period, Snapshot, Unit
from leitai.web.assessments.selectors import NotVisible
from leitai.web.caching import published_condition

api = NinjaAPI(
    title="leitai API",
    version=__version__,
    description=(
        "Reading assessment results (考核结果): periods, league tables and "
        "units' report cards. Published results are readable by every role, and by "
        "anyone while the office has the public boards switched on; drafts only by the "
        "office, and a unit's own draft card by its reporter. Log in through the web "
        "pages; the session cookie authenticates API calls. Other systems submit "
        "figures (报送数据) with an API token (Authorization: Bearer ...) through "
        "POST /api/periods/{period}/values, with the same checks as an upload."
    ),
    urls_namespace="api",
    docs_url="/swagger",
)


def _integrity_failed(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
    """A result that fails its seal or does not reproduce: never served (409 for the
    office, 503 for everyone else, as the pages answer).

    Registered for :class:`SnapshotAltered` and :class:`NotReproducible`; ninja's handler
    type also admits the exception class, hence the wider parameter and the narrowing.
    """
    office = user_is_office(request.user)
    failed = exc if isinstance(exc, SnapshotAltered | NotReproducible) else None
    detail = (
        _("The result of %(period)s failed its integrity check.")
        % {"period": failed.snapshot.period.code}
        if office and failed is not None
        else _("This result is unavailable while it is being verified.")
    )
    return api.create_response(request, {"detail": detail}, status=409 if office else 503)


def _not_found(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
    """What the API does not hold (ninja's own answer is "Not Found" in every language)."""
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


api.add_exception_handler(SnapshotAltered, _integrity_failed)
api.add_exception_handler(NotReproducible, _integrity_failed)
api.add_exception_handler(Http404, _not_found)


class SchemeRef(Schema):
    id: str
    version: int
    sha256: str


class PeriodOut(Schema):
    period: str
    label: str
    state: str
    scheme: str
    scheme_name: str
    scheme_version: int
    previous: str | None
    previous_note: str = ""  # why it was published without a previous result, if it was
    # The last day the period assesses: the list is in time order by it (None where
    # unknown: a period stored before periods had an end, whose code does not say it).
    ends_on: date | None = None
    revision: int
    published: bool
    published_at: datetime | None


class BoardResult(Schema):
    score: float
    rank: int | None
    stars: int | None


class IndicatorResult(Schema):
    value: float | None
    score: float | None


class UnitResult(Schema):
    unit: str
    name: str
    score: float
    rank: int | None
    prev_rank: int | None
    rank_change: int | None
    boards: dict[str, BoardResult]
    indicators: dict[str, IndicatorResult]
    adjustments: dict[str, bool | float]
    vetoed: bool
    flags: list[str]
    grade: str | None


class LeagueOut(Schema):
    period: PeriodOut
    scheme: SchemeRef
    flags: dict[str, str]
    boards: dict[str, str]
    results: list[UnitResult]


class IndicatorExplained(Schema):
    indicator: str
    name: str
    board: str
    board_name: str
    unit_of_measure: str | None = None
    value: float | None
    target: float | None = None
    score: float | None
    weight: float
    contribution: float
    rank: int | None


class Above(Schema):
    unit: str
    name: str
    rank: int | None = None
    score: float
    gap: float


class Explanation(Schema):
    indicators: list[IndicatorExplained]
    strongest: list[str]
    weakest: list[str]
    above: Above | None


class CardOut(Schema):
    period: PeriodOut
    result: UnitResult
    explanation: Explanation


class Error(Schema):
    detail: str


def _previous_code(period: Period) -> str | None:
    """The period whose published ranks the rank changes count against (the one selector)."""
    previous = selectors.period_previous_snapshot(period)
    return previous.period.code if previous is not None else None


def _period_out(period: Period, snapshot: Snapshot) -> dict[str, Any]:
    version = snapshot.scheme_version
    return {
        "period": period.code,
        "label": selectors.period_label(period),
        "state": period.state,
        "scheme": version.scheme.code,
        "scheme_name": version.name,
        "scheme_version": version.number,
        "previous": _previous_code(period),
        "previous_note": snapshot.previous_note,
        "ends_on": period.ends_on,
        "revision": snapshot.revision,
        "published": snapshot.is_published,
        "published_at": snapshot.published_at,
    }


def _visible(request: HttpRequest, code: str, unit: Unit | None = None) -> Snapshot:
    period = get_object_or_404(Period.objects.select_related("previous"), code=code)
    try:
        return selectors.snapshot_visible(period=period, user=request.user, unit=unit)
    except NotVisible as exc:
        if exc.reason == "login":
            raise HttpError(401, _("Log in to read results.")) from None
        if exc.reason == "forbidden":
            raise HttpError(403, _("You may not read results.")) from None
        raise HttpError(404, _("No result for this period.")) from None


@api.get("/periods", response=list[PeriodOut], summary="Periods with a readable result")
def periods(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        _period_out(period, snapshot)
        for period, snapshot in selectors.periods_visible(user=request.user)
    ]


@decorate_view(published_condition)
@api.get(
    "/periods/{period}",
    response={200: LeagueOut, 401: Error, 403: Error, 404: Error},
    summary="League table (综合成绩) of a period",
)
def league(request: HttpRequest, period: str) -> dict[str, Any]:
    snapshot = _visible(request, period)
    view = selectors.result_view(snapshot)
    return {
        "period": _period_out(snapshot.period, snapshot),
        "scheme": view.document["scheme"],
        "flags": view.flags,
        "boards": {b.id: b.name for b in view.boards},
        "results": view.document["results"],
    }


@decorate_view(published_condition)
@api.get(
    "/periods/{period}/units/{unit}",
    response={200: CardOut, 401: Error, 403: Error, 404: Error},
    summary="A unit's report card (成绩单) with the engine's explanation",
)
def card(request: HttpRequest, period: str, unit: str) -> dict[str, Any]:
    unit_obj = get_object_or_404(Unit, code=unit)
    snapshot = _visible(request, period, unit=unit_obj)
    view = selectors.result_view(snapshot)
    if unit not in view.by_unit:
        raise HttpError(404, _("No such unit in this period."))
    explanation = dict(view.explanations[unit])
    if not snapshot.is_published and not user_is_office(request.user):
        explanation["above"] = None  # another unit's draft score
    row = next(r for r in view.document["results"] if r["unit"] == unit)
    return {
        "period": _period_out(snapshot.period, snapshot),
        "result": row,
        "explanation": explanation,
    }
