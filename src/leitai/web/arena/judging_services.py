"""Writing the live scoring (现场评议) of an arena session.

The office defines the sheet (:func:`scoring_define`), issues single-use judge codes
(:func:`codes_issue`: only their SHA-256 is stored, the code itself is shown once, on
the slips), opens and closes the unit on stage, closes the scoring, freezes the
result (sealed like a snapshot) and publishes it as a ranking or applies it to a
period as an adjustment's values through the audited data services.

A judge has no account: the code opens a judge session bound to that code
(:func:`code_claim`); the judge's sheets are written by :func:`sheet_submit`, which
is idempotent (the page re-sends after a lost connection). Every write is in the audit
log; a judge is named there by the code's number, never by person.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from django.utils import timezone
from pydantic import ValidationError

from leitai.engine.errors import LeitaiError
from leitai.engine.judging import JudgingScheme, bonus_points, sheet_total
from leitai.engine.problems import Problem, Where
from leitai.web.accounts.models import User
from leitai.web.arena.models import ArenaSession, JudgeCode, JudgeSheet, Scoring
from leitai.web.arena.services import session_speakers
from leitai.web.audit.keys import seal
from leitai.web.audit.models import Action
from leitai.web.audit.services import audit_record
from leitai.web.errors import ServiceError

# Codes people may type from a slip: no 0/O, 1/I/L; 16 characters = 80 random bits.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 16
MAX_CODES_AT_ONCE = 300


def code_normalise(text: str) -> str:
    """A code as typed (spaces, dashes, lower case) to the form that is hashed."""
    return "".join(ch for ch in str(text or "").upper() if ch.isalnum())[:64]


def code_digest(text: str) -> str:
    return hashlib.sha256(code_normalise(text).encode("ascii", "replace")).hexdigest()


def code_display(code: str) -> str:
    """``ABCD-EFGH-JKMN-PQRS``: the code as printed."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def token_digest(token: str) -> str:
    return hashlib.sha256(str(token).encode("utf-8")).hexdigest()


def scheme_of(scoring: Scoring) -> JudgingScheme:
    return JudgingScheme.model_validate(scoring.definition)


def _state(scoring: Scoring) -> dict[str, Any]:
    return {
        "definition": scoring.definition,
        "units": list(scoring.units),
        "show": scoring.show,
    }


def _audit(
    action: Action, scoring: Scoring, *, user: Any = None, obj: Any = None, **kw: Any
) -> None:
    audit_record(
        action=action,
        actor=user,
        obj=obj if obj is not None else scoring,
        period=scoring.session.period,
        **kw,
    )


def _audit_result(action: Action, scoring: Scoring, user: Any) -> None:
    """A step of the frozen result (frozen, published), naming the result by its hash."""
    _audit(
        action,
        scoring,
        user=user,
        after={"result_sha256": scoring.result_sha256},
        summary=scoring.session.slug,
    )


def _error(code: str, field: str | None = None, **params: Any) -> ServiceError:
    return ServiceError(problems=Problem(f"arena.{code}", Where(), params), field=field)


@transaction.atomic
def scoring_define(
    *,
    session: ArenaSession,
    definition: Mapping[str, Any],
    units: Sequence[str] = (),
    show: str = Scoring.Show.END,
    user: User | None = None,
) -> Scoring:
    """Set the session's scoring sheet, the units scored (all speakers by default) and
    when the hall sees the results; refused once a judge has scored."""
    try:
        scheme = JudgingScheme.model_validate(dict(definition))
    except ValidationError as error:
        raise _error(
            "scoring_invalid", "definition", reason=str(error.errors()[0]["msg"])
        ) from None
    speakers = session_speakers(session)
    chosen = [u for u in units if u] or speakers
    unknown = [u for u in chosen if u not in speakers]
    if unknown:
        raise _error("units_not_assessed", "units", period=session.period.code, units=unknown)
    scoring = Scoring.objects.select_for_update().filter(session=session).first()
    if scoring is not None and JudgeSheet.objects.filter(code__scoring=scoring).exists():
        raise _error("scoring_started")
    before = _state(scoring) if scoring else None
    if scoring is None:
        scoring = Scoring(session=session)
    scoring.definition = scheme.model_dump(mode="json")
    scoring.units = list(dict.fromkeys(chosen))
    scoring.show = show
    scoring.save()
    _audit(
        Action.ARENA_SCORING_DEFINED,
        scoring,
        user=user,
        before=before,
        after=_state(scoring),
        summary=f"{session.slug}: {scheme.kind}, {scheme.rule}",
    )
    return scoring


@transaction.atomic
def scoring_show(*, scoring: Scoring, show: str, user: User | None = None) -> Scoring:
    """When the hall sees the results (live or at the end): may change at any time."""
    if show not in Scoring.Show.values:
        raise _error("scoring_invalid", "show", reason=show[:20])
    scoring = Scoring.objects.select_for_update().select_related("session").get(pk=scoring.pk)
    if scoring.show != show:
        before = scoring.show
        scoring.show = show
        scoring.save(update_fields=["show", "updated_at"])
        _audit(
            Action.ARENA_SCORING_DEFINED,
            scoring,
            user=user,
            before={"show": before},
            after={"show": show},
            summary=f"{scoring.session.slug}: {show}",
        )
    return scoring


@dataclass(frozen=True)
class IssuedCode:
    """A code just issued: the only moment its text exists outside the judge's hand."""

    number: int
    group: str
    code: str

    @property
    def display(self) -> str:
        return code_display(self.code)


@transaction.atomic
def codes_issue(
    *, scoring: Scoring, group: str, count: int, user: User | None = None
) -> list[IssuedCode]:
    """Issue ``count`` new single-use codes for judges of ``group``."""
    scheme = scheme_of(scoring)
    if group not in {g.id for g in scheme.groups}:
        raise _error("group_unknown", "group", group=group)
    count = max(1, min(int(count), MAX_CODES_AT_ONCE))
    scoring = Scoring.objects.select_for_update().get(pk=scoring.pk)
    last = scoring.codes.order_by("-number").values_list("number", flat=True).first() or 0
    issued = []
    for k in range(1, count + 1):
        text = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        JudgeCode.objects.create(
            scoring=scoring, number=last + k, group=group, digest=code_digest(text)
        )
        issued.append(IssuedCode(number=last + k, group=group, code=text))
    _audit(
        Action.ARENA_CODES_ISSUED,
        scoring,
        user=user,
        after={"group": group, "numbers": [last + 1, last + count]},
        summary=f"{scoring.session.slug}: {count} × {group}",
    )
    return issued


@transaction.atomic
def code_claim(*, text: str, token: str) -> JudgeCode:
    """The code ``text`` for the device holding ``token`` (its judge session).

    The first device to give a code holds it; the same device may give it again
    (a reload); any other device is refused. An unknown or revoked code is refused
    without saying which.
    """
    code = (
        JudgeCode.objects.select_for_update()
        .select_related("scoring__session")
        .filter(digest=code_digest(text), revoked=False)
        .first()
    )
    if code is None or len(code_normalise(text)) != CODE_LENGTH:
        raise _error("code_invalid", "code")
    if code.device and code.device != token_digest(token):
        raise _error("code_used", "code")
    if not code.device:
        code.device = token_digest(token)
        code.claimed_at = timezone.now()
        code.save(update_fields=["device", "claimed_at"])
        _audit(
            Action.ARENA_CODE_CLAIMED,
            code.scoring,
            obj=code,
            after={"code": code.pk, "number": code.number, "group": code.group},
            summary=f"{code.scoring.session.slug}: #{code.number}",
        )
    return code


def code_for_device(*, code_id: int, token: str) -> JudgeCode | None:
    """The code a judge session holds, if it still holds it."""
    code = (
        JudgeCode.objects.select_related("scoring__session__period")
        .filter(pk=code_id, revoked=False)
        .first()
    )
    if code is None or not code.device or code.device != token_digest(token):
        return None
    return code


def _unit_open(scoring: Scoring, unit: str) -> None:
    if scoring.closed_at is not None:
        raise _error("scoring_closed")
    if unit != scoring.open_unit or unit in scoring.closed_units:
        raise _error("unit_not_open", "unit", unit=unit)


@transaction.atomic
def sheet_submit(
    *, code: JudgeCode, unit: str, entry: Any, client_id: str, abstain: bool = False
) -> tuple[JudgeSheet, bool]:
    """Store the judge's sheet for ``unit``; returns it and whether anything changed.

    Sending the same ``client_id`` again updates that sheet (or changes nothing); a
    sheet with another ``client_id`` for a unit the judge has scored is refused
    (``arena.sheet_exists``). Only the unit open for scoring takes sheets.
    """
    scoring = (
        Scoring.objects.select_for_update()
        .select_related("session__period")
        .get(pk=code.scoring_id)
    )
    _unit_open(scoring, unit)
    client_id = str(client_id or "")[:64]
    if not client_id:
        raise _error("sheet_id_missing")
    try:
        total = None if abstain else sheet_total(scheme_of(scoring), entry)
    except LeitaiError as error:
        # the phone names a criterion by its name in the message, never by its id
        problems = [replace(p, where=Where()) for p in error.problems]
        raise ServiceError(problems=problems, field="entry") from None
    entry = None if abstain else entry
    sheet = JudgeSheet.objects.filter(code=code, unit=unit).first()
    if sheet is not None and sheet.client_id != client_id:
        raise _error("sheet_exists", unit=unit)
    if sheet is not None and sheet.total == total and sheet.entry == entry:
        return sheet, False
    before = {"total": sheet.total} if sheet else None
    if sheet is None:
        sheet = JudgeSheet(code=code, unit=unit, client_id=client_id)
    sheet.entry, sheet.total = entry, total
    sheet.save()
    _audit(
        Action.ARENA_SHEET_SCORED,
        scoring,
        obj=sheet,
        unit=unit,
        before=before,
        after={"code": code.pk, "number": code.number, "total": total},
        summary=f"{scoring.session.slug} #{code.number}: {unit}",
    )
    return sheet, True


@transaction.atomic
def unit_open(*, scoring: Scoring, unit: str, user: User | None = None) -> Scoring:
    """Open ``unit`` (the one now on stage) for scoring; one unit is open at a time."""
    scoring = Scoring.objects.select_for_update().get(pk=scoring.pk)
    if scoring.closed_at is not None:
        raise _error("scoring_closed")
    if unit not in scoring.units or unit in scoring.closed_units:
        raise _error("unit_not_open", "unit", unit=unit)
    before = scoring.open_unit
    scoring.open_unit = unit
    scoring.save(update_fields=["open_unit", "updated_at"])
    _audit(
        Action.ARENA_UNIT_OPENED,
        scoring,
        user=user,
        unit=unit,
        before={"open": before},
        after={"open": unit},
        summary=f"{scoring.session.slug}: {unit}",
    )
    return scoring


@transaction.atomic
def unit_close(*, scoring: Scoring, unit: str, user: User | None = None) -> Scoring:
    """Close ``unit``: its sheets are final from now on."""
    scoring = Scoring.objects.select_for_update().get(pk=scoring.pk)
    if unit not in scoring.units:
        raise _error("unit_not_open", "unit", unit=unit)
    if unit not in scoring.closed_units:
        scoring.closed_units = [*scoring.closed_units, unit]
    if scoring.open_unit == unit:
        scoring.open_unit = ""
    scoring.save(update_fields=["closed_units", "open_unit", "updated_at"])
    _audit(
        Action.ARENA_UNIT_CLOSED,
        scoring,
        user=user,
        unit=unit,
        after={
            "closed": unit,
            "sheets": JudgeSheet.objects.filter(code__scoring=scoring, unit=unit).count(),
        },
        summary=f"{scoring.session.slug}: {unit}",
    )
    return scoring


@transaction.atomic
def scoring_close(*, scoring: Scoring, user: User | None = None) -> Scoring:
    """Close the session's scoring: every unit is closed, no sheet changes any more."""
    scoring = Scoring.objects.select_for_update().get(pk=scoring.pk)
    if scoring.closed_at is None:
        scoring.closed_units = list(scoring.units)
        scoring.open_unit = ""
        scoring.closed_at = timezone.now()
        scoring.save(update_fields=["closed_units", "open_unit", "closed_at", "updated_at"])
        _audit(
            Action.ARENA_SCORING_CLOSED,
            scoring,
            user=user,
            after={"sheets": JudgeSheet.objects.filter(code__scoring=scoring).count()},
            summary=scoring.session.slug,
        )
    return scoring


def result_seal_document(scoring: Scoring) -> str:
    """What the seal of a frozen result is taken over."""
    return json.dumps(
        {
            "session": scoring.session_id,
            "result_sha256": scoring.result_sha256,
            "frozen_at": scoring.frozen_at.isoformat() if scoring.frozen_at else None,
            "frozen_by": scoring.frozen_by_id,
        },
        sort_keys=True,
    )


def result_text(result: Mapping[str, Any]) -> str:
    return json.dumps(result, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@transaction.atomic
def result_freeze(*, scoring: Scoring, user: User | None = None) -> Scoring:
    """Freeze the closed scoring's result: stored, hashed and sealed, then audited."""
    from leitai.web.arena.judging_selectors import scoring_result

    scoring = Scoring.objects.select_for_update().select_related("session").get(pk=scoring.pk)
    if scoring.closed_at is None:
        raise _error("scoring_not_closed")
    if scoring.result is not None:
        raise _error("result_frozen")
    result = scoring_result(scoring).as_dict()
    scoring.result = result
    scoring.result_sha256 = hashlib.sha256(result_text(result).encode("utf-8")).hexdigest()
    scoring.frozen_at = timezone.now()
    scoring.frozen_by = user if getattr(user, "is_authenticated", False) else None
    scoring.seal = seal(result_seal_document(scoring))
    scoring.save()
    _audit_result(Action.ARENA_RESULT_FROZEN, scoring, user)
    return scoring


@transaction.atomic
def result_publish(*, scoring: Scoring, user: User | None = None) -> Scoring:
    """Publish the frozen result as the session's own ranking."""
    from leitai.web.arena.judging_selectors import result_check

    scoring = Scoring.objects.select_for_update().select_related("session").get(pk=scoring.pk)
    if scoring.result is None:
        raise _error("result_not_frozen")
    result_check(scoring)
    if scoring.published_at is None:
        scoring.published_at = timezone.now()
        scoring.save(update_fields=["published_at", "updated_at"])
        _audit_result(Action.ARENA_RESULT_PUBLISHED, scoring, user)
    return scoring


@transaction.atomic
def result_apply(
    *,
    scoring: Scoring,
    period: Any,
    adjustment: str,
    by: str = "rank",
    user: User | None = None,
) -> dict[str, float]:
    """Write the frozen result into ``period`` as the values of the bonus ``adjustment``.

    The points are scaled by rank or by score up to the adjustment's ``max_points``
    (:func:`leitai.engine.judging.bonus_points`) and stored through
    :func:`leitai.web.assessments.services.data_values_update`, which records each
    unit's change in the audit log. Returns the points per unit.
    """
    from leitai.web.arena.judging_selectors import result_check, result_from_frozen
    from leitai.web.assessments.models import Period
    from leitai.web.assessments.selectors import scheme_version_parsed
    from leitai.web.assessments.services import data_values_update

    scoring = Scoring.objects.select_for_update().select_related("session").get(pk=scoring.pk)
    if scoring.result is None:
        raise _error("result_not_frozen")
    result_check(scoring)
    if period.state == Period.State.PUBLISHED:
        raise _error("period_published", "period", period=period.code)
    engine_scheme = scheme_version_parsed(period.scheme_version)
    item = next((a for a in engine_scheme.adjustments if a.id == adjustment), None)
    if item is None or item.kind != "bonus" or item.max_points is None:
        raise _error("indicator_unknown", "adjustment", indicator=adjustment, period=period.code)
    result = result_from_frozen(scoring)
    points = bonus_points(
        result,
        max_points=float(item.max_points),
        by="score" if by == "score" else "rank",
        full_marks=scheme_of(scoring).full_marks,
    )
    values = {
        u: float(p)
        for u, p in zip(result.units, points, strict=True)
        if p == p and u in engine_scheme.unit_ids
    }
    cells = {(u, adjustment): (f"{p:g}", None) for u, p in values.items()}
    data_values_update(
        period=period, cells=cells, user=user, note=f"arena {scoring.session.slug} ({by})"
    )
    scoring.applied_to = f"{period.code}:{adjustment}:{by}"
    scoring.save(update_fields=["applied_to", "updated_at"])
    _audit(
        Action.ARENA_RESULT_APPLIED,
        scoring,
        user=user,
        after={"period": period.code, "adjustment": adjustment, "by": by, "points": values},
        summary=f"{scoring.session.slug} → {period.code} {adjustment}",
    )
    return values
