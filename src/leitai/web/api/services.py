"""The write API's writes: tokens (made, revoked, used) and figures submitted through one.

A submission is turned into the long table an upload would be (``unit, indicator,
value, target``, one row of the table per row of the request) and goes through the
workflow's own upload services as the token's account: :func:`upload_check` for the
preview, :func:`upload_confirm` to save all or nothing. Every check, every rule of
who may write which figure, and every problem's wording are therefore the upload's;
only the place of a problem is given as the request's row and field instead of a cell.
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from typing_extensions import TypedDict  # pydantic (the API's schema) reads it on 3.11

from leitai.engine.problems import Problem, Where
from leitai.i18n import render as render_problem
from leitai.web.accounts.models import User
from leitai.web.accounts.selectors import user_is_office
from leitai.web.api.models import ApiSettings, ApiToken
from leitai.web.api.selectors import token_may_manage
from leitai.web.assessments.models import Period
from leitai.web.audit.models import Action
from leitai.web.audit.services import audit_record
from leitai.web.errors import ServiceError
from leitai.web.workflow.anomalies import cells_alerts
from leitai.web.workflow.models import Explanation, UnitStatus, Upload
from leitai.web.workflow.selectors import unit_row
from leitai.web.workflow.services import upload_check, upload_confirm, upload_discard
from leitai.web.workflow.tables import cell_position

TOKEN_PREFIX = "lt_"
FIELDS = ("unit", "indicator", "value", "target")
# Problems that say the account may not write a row at all (answered 403, not 422).
FORBIDDEN_PROBLEMS = frozenset({"upload.not_your_unit", "upload.not_your_indicator"})


class LocatedProblem(TypedDict):
    """A problem of the request at its row index and field (None: the request as a whole),
    with its words alone (``message``) and with its place (``text``); the write API's
    ``ProblemOut``."""

    row: int | None
    field: str | None
    code: str
    message: str
    text: str


class Anomaly(TypedDict):
    """A change that jumps against the previous published value (the write API's
    ``anomalies``): ``explained`` when the request or an earlier explanation says why."""

    unit: str
    indicator: str
    value: str
    previous: float | None
    change: float | None
    limit: float
    explained: bool


class ApiError(Exception):
    """A request refused as a whole: ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str, problems: Sequence[LocatedProblem] = ()):
        self.status = status
        self.message = message
        self.problems = list(problems)
        super().__init__(message)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


# -- tokens ----------------------------------------------------------------------------------


@transaction.atomic
def token_create(
    *, owner: User, name: str, actor: User, period: Period | None = None
) -> tuple[ApiToken, str]:
    """Make a token for ``owner``; returns it with the raw token, which is never stored.

    The office makes tokens for any active account with a role; a person for themselves
    when the office allows it (:func:`leitai.web.api.selectors.token_may_manage`).
    """
    if not token_may_manage(actor=actor, owner=owner):
        raise ServiceError(_("You may not make API tokens for this account."), code="forbidden")
    if not (owner.is_active and owner.has_role):
        raise ServiceError(_("Choose an active account with a role."), code="owner")
    name = name.strip()[:100]
    if not name:
        raise ServiceError(_("Give the token a name."), code="name")
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        name=name, user=owner, period=period, prefix=prefix, key_hash=_hash(raw), created_by=actor
    )
    audit_record(
        action=Action.API_TOKEN_CREATED,
        actor=actor,
        obj=token,
        period=period,
        unit=owner.unit if owner.unit_id else None,
        after=token.as_audit(),
        summary=f"{owner.get_username()}: {token}",
    )
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke a token for good (it stays listed, with who revoked it and when)."""
    token = (
        ApiToken.objects.select_for_update(of=("self",))
        .select_related("user", "period")
        .get(pk=token.pk)
    )
    if not token_may_manage(actor=actor, owner=token.user):
        raise ServiceError(_("You may not revoke this token."), code="forbidden")
    if token.revoked_at is not None:
        raise ServiceError(_("This token is already revoked."), code="state")
    before = token.as_audit()
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        action=Action.API_TOKEN_REVOKED,
        actor=actor,
        obj=token,
        period=token.period,
        unit=token.user.unit if token.user.unit_id else None,
        before=before,
        after=token.as_audit(),
        summary=f"{token.user.get_username()}: {token}",
    )
    return token


def token_authenticate(raw: str) -> ApiToken | None:
    """The active token ``raw`` is, with its account (active too), or None; marks it used."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__unit", "period")
        .filter(key_hash=_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
    return token


@transaction.atomic
def api_settings_update(*, self_service: bool, user: User) -> ApiSettings:
    """The office lets people make their own tokens, or not (audited)."""
    if not user_is_office(user):
        raise ServiceError(_("Only the assessment office changes settings."), code="forbidden")
    row, _created = ApiSettings.objects.select_for_update().get_or_create(pk=1)
    if row.self_service != self_service:
        before = {"api_self_service": row.self_service}
        row.self_service = self_service
        row.updated_by = user
        row.save()
        audit_record(
            action=Action.SETTINGS_CHANGED,
            actor=user,
            obj=row,
            before=before,
            after={"api_self_service": self_service},
        )
    return row


# -- figures through a token -----------------------------------------------------------------


@dataclass
class Submitted:
    """What a submission did or would do."""

    saved: bool
    changed: int = 0
    # The upload's stored changes (workflow's JSON field) as they are.
    changes: list[dict[str, Any]] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    return str(value)


def rows_table(rows: Sequence[Mapping[str, Any]]) -> bytes:
    """The request's rows as the long CSV table an upload would be (header on row 1, the
    request's row ``i`` on row ``i + 2``; a row without a target leaves its cell out)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    for row in rows:
        cells = [_cell_text(row.get(name)) for name in FIELDS[:3]]
        if row.get("target") is not None:
            cells.append(_cell_text(row["target"]))
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")


def _place(row: Any, col: Any) -> tuple[int | None, str | None]:
    """The request's row index and field of the table's row and column (0-based)."""
    index = row - 2 if isinstance(row, int) and row >= 2 else None
    name = FIELDS[col] if index is not None and isinstance(col, int) and col < 4 else None
    return index, name


def _path(index: int | None, name: str | None) -> str:
    return "rows" if index is None else f"rows[{index}]" + (f".{name}" if name else "")


def _params(params: Mapping[str, Any]) -> dict[str, Any]:
    """The problem's parameters with a cell of the table it names (the first of two
    duplicates) given as the request's row and field instead."""
    out = dict(params)
    first = cell_position(out.get("first")) if isinstance(out.get("first"), str) else None
    if first is not None:
        out["first"] = _path(*_place(*first))
    return out


def located_problem(stored: Mapping[str, Any]) -> LocatedProblem:
    """An upload's stored problem with its place as the request's row index and field."""
    problem = Problem.from_dict(stored["problem"])
    where = problem.where
    col = stored.get("col")
    if col is None and where.column in FIELDS:
        col = FIELDS.index(where.column)
    index, name = _place(stored.get("row") or where.row, col)
    problem = Problem(problem.code, Where(path=_path(index, name)), _params(problem.params))
    return {
        "row": index,
        "field": name,
        "code": problem.code,
        "message": render_problem(problem, _, with_where=False),
        "text": render_problem(problem, _),
    }


# A request that does not follow the schema: pydantic's error types as problem codes.
# Per field, the first of these wins over a "not of this type" (a text with a line
# break is also "not a number": the line break is what to say).
_SCHEMA_CODES = {
    "missing": "api.missing",
    "string_pattern_mismatch": "api.control_character",
    "string_too_long": "api.too_long",
    "string_too_short": "api.empty",
}
_TYPE_ERRORS = frozenset({"string_type", "int_type", "float_type", "model_type", "dict_type"})
_VALUE_FIELDS = frozenset({"value", "target"})


def _schema_place(loc: Sequence[str]) -> tuple[int | None, str | None, bool]:
    """The request's row index and field an error's ``loc`` names, and whether it is
    about the list of rows itself."""
    if "rows" not in loc:
        return None, None, False
    rest = list(loc[loc.index("rows") + 1 :])
    if not rest or not rest[0].isdigit():
        return None, None, True
    return int(rest[0]), (rest[1] if len(rest) > 1 else None), False


def _schema_problem(error: Mapping[str, Any], field: str | None, of_rows: bool) -> Problem:
    kind = str(error.get("type", ""))
    limit = (error.get("ctx") or {}).get("max_length")
    if of_rows:
        if kind == "too_long":
            return Problem("api.too_many_rows", Where(), {"limit": limit})
        if kind == "too_short":
            return Problem("api.no_rows", Where(), {})
        if kind in ("list_type", "missing"):
            return Problem("api.not_rows", Where(), {})
    if kind in _SCHEMA_CODES:
        code = _SCHEMA_CODES[kind]
        return Problem(code, Where(), {"limit": limit} if code == "api.too_long" else {})
    if kind in _TYPE_ERRORS:
        if field is None:
            return Problem("api.not_a_row", Where(), {})
        return Problem("api.not_a_value" if field in _VALUE_FIELDS else "api.not_text", Where(), {})
    return Problem("api.not_as_described", Where(), {"kind": kind})


def schema_problems(errors: Sequence[Mapping[str, Any]]) -> list[LocatedProblem]:
    """pydantic's errors of a request that does not follow the API's schema, as the
    problems of refused figures are given: one per row and field, in the reader's
    language (``errors`` keeps pydantic's own, for programs)."""
    found: dict[tuple[int | None, str | None], Problem] = {}
    for error in errors:
        index, name, of_rows = _schema_place([str(p) for p in error.get("loc", ())])
        problem = _schema_problem(error, name, of_rows)
        place = (index, name)
        if place not in found or (
            str(found[place].code) in ("api.not_a_value", "api.not_text", "api.not_a_row")
            and str(error.get("type")) not in _TYPE_ERRORS
        ):
            found[place] = problem
    out: list[LocatedProblem] = []
    for (index, name), problem in found.items():
        placed = Problem(problem.code, Where(path=_path(index, name)), problem.params)
        out.append(
            {
                "row": index,
                "field": name,
                "code": problem.code,
                "message": render_problem(placed, _, with_where=False),
                "text": render_problem(placed, _),
            }
        )
    return out


def _problems(upload: Upload) -> list[LocatedProblem]:
    listed = [located_problem(p) for p in upload.problems if "problem" in p]
    more = sum(int(p.get("more", 0)) for p in upload.problems)
    if more:
        listed.append(
            {
                "row": None,
                "field": None,
                "code": "upload.more_problems",
                "message": _("%(n)d more problems are not listed.") % {"n": more},
                "text": _("%(n)d more problems are not listed.") % {"n": more},
            }
        )
    return listed


def _anomalies(
    period: Period, changes: list[dict[str, Any]], texts: Mapping[tuple[str, str], str]
) -> list[Anomaly]:
    """The changes that jump against the previous published value: each needs an
    explanation (given in the request, or already written for that value)."""
    alerts = cells_alerts(period, {(c["unit"], c["key"]): c["after"] for c in changes})
    if not alerts:
        return []
    written = {
        (e.unit.code, e.key): e.value
        for e in Explanation.objects.filter(period=period).select_related("unit")
        if (e.unit.code, e.key) in alerts
    }
    out: list[Anomaly] = []
    for change in changes:
        cell = (change["unit"], change["key"])
        alert = alerts.get(cell)
        if alert is None:
            continue
        out.append(
            {
                "unit": cell[0],
                "indicator": cell[1],
                "value": change["after"],
                "previous": alert.previous,
                "change": alert.change,
                "limit": alert.limit,
                "explained": bool(texts.get(cell, "").strip())
                or written.get(cell) == change["after"],
            }
        )
    return out


def _refused(upload: Upload) -> ApiError:
    problems = _problems(upload)
    codes = {p["code"] for p in problems}
    if codes & FORBIDDEN_PROBLEMS:
        return ApiError(403, _("You may not write some of these figures."), problems)
    return ApiError(422, _("The figures were refused; nothing was saved."), problems)


def _state_error(exc: ServiceError, period: Period, user: User) -> ApiError:
    """A refusal of the upload services as a status: the period or the unit's state (409),
    or the account's rights (403)."""
    message = " ".join(exc.messages) or _("You may not change these figures now.")
    if exc.code in ("state", "stale"):
        return ApiError(409, message)
    if exc.code == "forbidden":
        if period.state != Period.State.COLLECTING:
            return ApiError(409, _("The period is not collecting figures."))
        unit = getattr(user, "unit", None) if getattr(user, "is_reporter", False) else None
        if unit is not None and unit_row(period, unit).status == UnitStatus.SUBMITTED:
            return ApiError(409, _("The figures are already submitted."))
        return ApiError(403, message)
    return ApiError(422, message)


def _only_nothing_changes(upload: Upload) -> bool:
    codes = [p.get("problem", {}).get("code") for p in upload.problems]
    return codes == ["upload.nothing_changes"]


def figures_submit(
    *,
    token: ApiToken,
    period: Period,
    rows: Sequence[Mapping[str, Any]],
    dry_run: bool,
) -> Submitted:
    """Check (``dry_run``) or save the figures of ``rows`` as the token's account.

    Raises :class:`ApiError` with the status to answer: 403 for figures the account may
    not write or a period the token is not for, 409 for a period or unit whose figures
    cannot change now, 422 for figures that fail the checks (each problem at its row
    and field). Nothing is saved unless every row passes; a commit is audited, and so is
    a refused one.
    """
    try:
        return _submit(token=token, period=period, rows=rows, dry_run=dry_run)
    except ApiError as exc:
        if not dry_run:
            _audit_write(Action.API_WRITE_REFUSED, token, period, rows, note=exc.message)
        raise


def _submit(
    *, token: ApiToken, period: Period, rows: Sequence[Mapping[str, Any]], dry_run: bool
) -> Submitted:
    user = token.user
    if token.period_id is not None and token.period_id != period.pk:
        raise ApiError(
            403,
            _("This token is for period %(period)s only.")
            % {"period": token.period.code if token.period else ""},
        )
    data = rows_table(rows)
    name = f"api-{token.prefix}.csv"
    try:
        upload = upload_check(
            period=period, user=user, file=SimpleUploadedFile(name, data, "text/csv")
        )
    except ServiceError as exc:
        raise _state_error(exc, period, user) from None
    texts = {
        (str(r["unit"]), str(r["indicator"])): str(r.get("explanation") or "")
        for r in rows
        if r.get("explanation")
    }
    if upload.pk is None:
        if _only_nothing_changes(upload):
            return Submitted(saved=not dry_run)
        raise _refused(upload)
    result = Submitted(saved=False, changes=upload.changes)
    result.anomalies = _anomalies(period, upload.changes, texts)
    if dry_run:
        # A preview leaves a discarded upload as its trace, not a file per request.
        upload_discard(upload=upload, user=user)
        upload.file.delete(save=False)
        return result
    try:
        result.changed = upload_confirm(upload=upload, user=user, explanations=texts)
    except ServiceError as exc:
        raise _state_error(exc, period, user) from None
    result.saved = True
    _audit_write(Action.API_WRITE, token, period, rows, upload=upload, changed=result.changed)
    return result


def _audit_write(
    action: Action,
    token: ApiToken,
    period: Period,
    rows: Sequence[Mapping[str, Any]],
    *,
    note: str = "",
    upload: Upload | None = None,
    changed: int = 0,
) -> None:
    units = sorted({str(r.get("unit")) for r in rows})[:20]
    own = token.user.unit if token.user.unit_id else None
    audit_record(
        action=action,
        actor=token.user,
        obj=token,
        period=period,
        unit=own,
        after={
            "token": token.name,
            "prefix": token.prefix,
            "rows": len(rows),
            "units": units,
            "changed": changed,
            "upload": upload.pk if upload is not None else None,
        },
        note=note,
        summary=f"{period.code} {token.user.get_username()}: {token}",
    )


__all__ = [
    "Anomaly",
    "ApiError",
    "LocatedProblem",
    "Submitted",
    "api_settings_update",
    "figures_submit",
    "located_problem",
    "rows_table",
    "token_authenticate",
    "token_create",
    "token_revoke",
]
