"""The write API: figures submitted by programs with a token (issue 11).

``POST /api/periods/{period}/values`` takes rows of ``unit, indicator, value`` (with an
optional ``target`` and ``explanation``) and, with ``?dry_run=true``, answers the
preview an upload shows (the changes, the problems at their rows and fields, the
anomalies that need an explanation); without it, saves all of them or none.
``GET /api/token`` says which account a token acts as. Documented in words at
``/api/docs`` (:mod:`leitai.web.boards.api_docs`) and in ``docs/api.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.security import HttpBearer
from ninja.throttling import AuthRateThrottle
from pydantic import StrictFloat, StrictInt, StringConstraints

from leitai.web.api.models import ApiToken
from leitai.web.api.services import (
    Anomaly,
    ApiError,
    figures_submit,
    schema_problems,
    token_authenticate,
)
from leitai.web.assessments.models import Period
from leitai.web.ratelimit import counts

MAX_BODY_BYTES = 1024 * 1024  # a request's body; larger ones are refused before reading
MAX_ROWS = 5000  # rows of one submission (10 units x 500 indicators)
RATE = "60/m"  # requests per token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer lt_…``: the token's account, if the token is active."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return token_authenticate(token.strip())


class TokenRateThrottle(AuthRateThrottle):
    """At most :data:`RATE` requests a token (counted in Django's cache, in this process's
    memory while a shared cache is down: :mod:`leitai.web.ratelimit`)."""

    cache = counts

    def get_cache_key(self, request: HttpRequest) -> str:
        token = getattr(request, "auth", None)
        return self.cache_format % {"scope": "api-token", "ident": getattr(token, "prefix", "-")}


def body_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse a body larger than :data:`MAX_BODY_BYTES` before anything reads it (413)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = MAX_BODY_BYTES + 1
        if length > MAX_BODY_BYTES:
            return JsonResponse(
                {
                    "detail": _("The request is larger than %(kb)d KB.")
                    % {"kb": MAX_BODY_BYTES // 1024},
                    "problems": [],
                },
                status=413,
            )
        return view(request, *args, **kwargs)

    return wrapped


# Text of a table cell: no control characters (a NUL or a line break would be another
# cell or another row of the table the rows become); refused at its row and field.
CELL_TEXT = r"^[^\x00-\x1f\x7f]*$"
CellText = Annotated[str, StringConstraints(strict=True, pattern=CELL_TEXT)]
Value = CellText | StrictInt | StrictFloat | None


class RowIn(Schema):
    unit: CellText = Field(min_length=1, max_length=64, description="unit id (单位代码)")
    indicator: CellText = Field(
        min_length=1, max_length=64, description="indicator id of the scheme (指标代码)"
    )
    value: Value = Field(description="the value as a number or as written (数值)")
    target: Value = Field(None, description="the target, for indicators with one (目标值)")
    explanation: str | None = Field(
        None, max_length=2000, description="why a value that jumps is right (异常说明)"
    )


class ValuesIn(Schema):
    rows: list[RowIn] = Field(min_length=1, max_length=MAX_ROWS)


class ProblemOut(Schema):
    row: int | None = Field(description="index of the row in the request, from 0")
    field: str | None
    code: str
    message: str
    text: str


class ChangeOut(Schema):
    unit: str
    indicator: str
    before: str | None
    after: str
    before_target: str
    after_target: str


class ValuesOut(Schema):
    period: str
    dry_run: bool
    saved: bool
    changed: int
    changes: list[ChangeOut]
    anomalies: list[Anomaly]


class Refused(Schema):
    detail: str
    problems: list[ProblemOut] = []


class TokenOut(Schema):
    name: str
    prefix: str
    account: str
    role: str
    unit: str | None
    period: str | None
    created_at: datetime
    last_used_at: datetime | None


class DryRun(Schema):
    dry_run: bool = Field(False, description="check and preview only; nothing is saved")


router = Router(tags=["write"], auth=TokenAuth(), throttle=[TokenRateThrottle(RATE)])

REFUSALS = {401: Refused, 403: Refused, 404: Refused, 409: Refused, 413: Refused, 429: Refused}


@decorate_view(body_limited)
@router.post(
    "/periods/{period}/values",
    response={200: ValuesOut, 422: Refused, **REFUSALS},
    summary="Submit figures of a period (报送数据), or preview them",
    operation_id="values_submit",
)
def values_submit(
    request: HttpRequest, period: str, body: ValuesIn, query: Query[DryRun]
) -> dict[str, Any]:
    period_obj = Period.objects.filter(code=period).select_related("scheme_version").first()
    if period_obj is None:
        raise HttpError(404, _("No such period."))
    rows = [row.model_dump() for row in body.rows]
    result = figures_submit(
        token=_token(request), period=period_obj, rows=rows, dry_run=query.dry_run
    )
    return {
        "period": period_obj.code,
        "dry_run": query.dry_run,
        "saved": result.saved,
        "changed": result.changed,
        "changes": [dict(c, indicator=c["key"]) for c in result.changes],
        "anomalies": result.anomalies,
    }


@router.get(
    "/token",
    response={200: TokenOut, 401: Refused, 429: Refused},
    summary="The account a token acts as (令牌)",
    operation_id="token_show",
)
def token_show(request: HttpRequest) -> dict[str, Any]:
    token = _token(request)
    user = token.user
    return {
        "name": token.name,
        "prefix": token.prefix,
        "account": user.get_username(),
        "role": user.role or ("office" if user.is_superuser else ""),
        "unit": user.unit.code if user.unit is not None else None,
        "period": token.period.code if token.period is not None else None,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
    }


def _token(request: HttpRequest) -> ApiToken:
    """The token the request was let in with (django-ninja's ``auth`` sets it)."""
    token = getattr(request, "auth", None)
    if not isinstance(token, ApiToken):
        raise AuthenticationError
    return token


def _answer(
    api: NinjaAPI, request: HttpRequest, status: int, detail: str, **more: Any
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **more}, status=status)


def install(api: NinjaAPI) -> None:
    """Add the write operations to ``api``, with answers in the reader's language."""
    if getattr(api, "_leitai_writes", False):
        return
    api._leitai_writes = True  # type: ignore[attr-defined]
    api.add_router("", router)

    def refused(request: HttpRequest, exc: Any) -> HttpResponse:
        return _answer(api, request, exc.status, exc.message, problems=exc.problems)

    def unauthenticated(request: HttpRequest, exc: Any) -> HttpResponse:
        detail = _("A valid API token is needed (Authorization: Bearer <token>).")
        return _answer(api, request, 401, detail, problems=[])

    def throttled(request: HttpRequest, exc: Any) -> HttpResponse:
        response = _answer(api, request, 429, _("Too many requests: wait a minute."), problems=[])
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait))
        return response

    def invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = [
            {"loc": [str(p) for p in e.get("loc", ())], "type": e.get("type", "")}
            for e in exc.errors
        ]
        detail = _("The request does not follow the API's schema; nothing was saved.")
        problems = schema_problems(exc.errors)
        return _answer(api, request, 422, detail, problems=problems, errors=errors)

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        detail = str(exc)
        if exc.status_code == 400 and exc.__cause__ is not None:
            # django-ninja's own refusal of a body its parser could not read (in English).
            detail = _("The request's body is not JSON text.")
        return _answer(api, request, exc.status_code, detail, problems=[])

    api.add_exception_handler(ApiError, refused)
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(Throttled, throttled)
    api.add_exception_handler(ValidationError, invalid)
    api.add_exception_handler(HttpError, http_error)
