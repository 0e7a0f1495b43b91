"""The live scoring's pages: the office's controls, the judges' phone page, the hall.

Judges have no account. ``judge_start`` takes a code (typed, or from the QR code on a
slip: the code travels in the address's ``#`` part, never to the server's logs) and
binds this browser's session to it: a random token is kept in the session and only
its SHA-256 in the code's row, so the code works on this device only. Every judge
request checks that binding and the arena session in the address. Failed codes are
counted per client address and refused past a limit; sheets are limited per code.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leitai.engine.problems import Problem, Where
from leitai.web.access import office, signed_in_user
from leitai.web.arena import judging_selectors as sel
from leitai.web.arena import judging_services as svc
from leitai.web.arena.judging_forms import ApplyForm, CodesForm, ScoringForm
from leitai.web.arena.models import ArenaSession, JudgeCode, Scoring
from leitai.web.arena.selectors import session_readable
from leitai.web.arena.services import session_speakers
from leitai.web.assessments.models import Period, Unit
from leitai.web.clientip import client_ip
from leitai.web.errors import ServiceError, error_to_json
from leitai.web.ratelimit import limited, over
from leitai.web.targets.views import readers

JUDGE_KEY = "arena_judge"
# Failed codes per client address per window; sheets per code per window.
CODE_FAILURES = (20, 600)
SHEET_WRITES = (60, 60)
MAX_BODY = 8192


def _session(slug: str) -> ArenaSession:
    return get_object_or_404(ArenaSession.objects.select_related("period"), slug=slug)


def _scoring(session: ArenaSession) -> Scoring:
    scoring = sel.scoring_of(session)
    if scoring is None:
        raise Http404
    return scoring


# -- the office -------------------------------------------------------------------------


def _office_page(request: HttpRequest, session: ArenaSession, **forms: Any) -> HttpResponse:
    scoring = sel.scoring_of(session)
    scheme = svc.scheme_of(scoring) if scoring else None
    started = bool(scoring and scoring.codes.filter(sheets__isnull=False).exists())
    names = dict(Unit.objects.values_list("code", "name"))
    units = list(scoring.units) if scoring else session_speakers(session)
    context = {
        "session": session,
        "scoring": scoring,
        "scheme": scheme,
        "started": started,
        "units": [(u, names.get(u, u)) for u in units],
        "form": forms.get("form") or ScoringForm(initial=ScoringForm.initial_from(scoring)),
        "codes_form": forms.get("codes_form")
        or (CodesForm(groups=[(g.id, g.name) for g in scheme.groups]) if scheme else None),
        "apply_form": forms.get("apply_form")
        or ApplyForm(periods=[(p.code, p.code) for p in Period.objects.exclude(state="published")]),
        "live": sel.live_state(scoring) if scoring else None,
        "sheets": sel.scoring_sheets_for_office(scoring) if scoring else [],
        "results": sel.results_build(scoring, everything=True) if scoring else None,
        "section": "arena",
    }
    return render(request, "arena/scoring.html", context)


def _define(request: HttpRequest, session: ArenaSession) -> HttpResponse:
    form = ScoringForm(request.POST)
    if form.is_valid():
        try:
            svc.scoring_define(
                session=session,
                definition=form.cleaned_data["definition"],
                show=form.cleaned_data["show"],
                user=signed_in_user(request),
            )
        except ServiceError as error:
            for message in error.errors:
                form.add_error(None, message)
        else:
            messages.success(request, _("Scoring sheet saved."))
            return redirect("arena:scoring", session.slug)
    return _office_page(request, session, form=form)


def _issue(request: HttpRequest, session: ArenaSession, scoring: Scoring) -> HttpResponse:
    scheme = svc.scheme_of(scoring)
    form = CodesForm(request.POST, groups=[(g.id, g.name) for g in scheme.groups])
    if not form.is_valid():
        return _office_page(request, session, codes_form=form)
    issued = svc.codes_issue(
        scoring=scoring,
        group=form.cleaned_data["group"],
        count=form.cleaned_data["count"],
        user=signed_in_user(request),
    )
    return _slips(request, session, scoring, issued)


def _slips(
    request: HttpRequest, session: ArenaSession, scoring: Scoring, issued: list[svc.IssuedCode]
) -> HttpResponse:
    """The printable slips: shown once, right after the codes are issued."""
    import segno  # the QR codes only when slips are printed, not at the server's start

    base = request.build_absolute_uri(reverse("arena:judge", args=[session.slug]))
    groups = {g.id: g.name for g in svc.scheme_of(scoring).groups}
    slips = []
    for item in issued:
        url = f"{base}#{item.code}"
        slips.append(
            {
                "number": item.number,
                "group": groups.get(item.group, item.group),
                "code": item.display,
                "url": url,
                "qr": segno.make(url, error="m").svg_inline(scale=4, border=2),
            }
        )
    response = render(
        request, "arena/slips.html", {"session": session, "slips": slips, "base": base}
    )
    response["Cache-Control"] = "no-store"
    return response


def _apply(request: HttpRequest, session: ArenaSession, scoring: Scoring) -> HttpResponse:
    form = ApplyForm(
        request.POST,
        periods=[(p.code, p.code) for p in Period.objects.exclude(state="published")],
    )
    if not form.is_valid():
        return _office_page(request, session, apply_form=form)
    period = Period.objects.get(code=form.cleaned_data["period"])
    points = svc.result_apply(
        scoring=scoring,
        period=period,
        adjustment=form.cleaned_data["adjustment"].strip(),
        by=form.cleaned_data["by"],
        user=signed_in_user(request),
    )
    messages.success(
        request,
        _("The arena's result was written into %(period)s for %(n)s units.")
        % {"period": period.code, "n": len(points)},
    )
    return redirect("arena:scoring", session.slug)


def _control(request: HttpRequest, session: ArenaSession, action: str) -> HttpResponse:
    scoring = _scoring(session)
    unit = request.POST.get("unit", "")[:64]
    user = signed_in_user(request)
    if action == "issue":
        return _issue(request, session, scoring)
    if action == "apply":
        return _apply(request, session, scoring)
    simple = {
        "open": lambda: svc.unit_open(scoring=scoring, unit=unit, user=user),
        "close_unit": lambda: svc.unit_close(scoring=scoring, unit=unit, user=user),
        "close_all": lambda: svc.scoring_close(scoring=scoring, user=user),
        "freeze": lambda: svc.result_freeze(scoring=scoring, user=user),
        "publish": lambda: svc.result_publish(scoring=scoring, user=user),
        "show": lambda: svc.scoring_show(
            scoring=scoring, show=request.POST.get("show", "")[:8], user=user
        ),
    }
    if action not in simple:
        raise Http404
    simple[action]()
    return redirect("arena:scoring", session.slug)


@require_http_methods(["GET", "POST"])
@office
def scoring(request: HttpRequest, session: str) -> HttpResponse:
    """The office's page: the sheet, the codes, the unit on stage, the result."""
    obj = _session(session)
    if request.method == "GET":
        return _office_page(request, obj)
    action = request.POST.get("action", "")
    if action == "define":
        return _define(request, obj)
    try:
        return _control(request, obj, action)
    except ServiceError as error:
        for message in error.errors:
            messages.error(request, message)
        return redirect("arena:scoring", obj.slug)


# -- the judges -------------------------------------------------------------------------


def _judge_code(request: HttpRequest, session: ArenaSession) -> JudgeCode | None:
    """The code this browser holds for ``session``, or None."""
    held = request.session.get(JUDGE_KEY) or {}
    if not isinstance(held, dict) or not held.get("code"):
        return None
    code = svc.code_for_device(code_id=int(held["code"]), token=str(held.get("token", "")))
    if code is None or code.scoring.session_id != session.pk:
        return None
    return code


@never_cache
@require_http_methods(["GET", "POST"])
def judge(request: HttpRequest, session: str) -> HttpResponse:
    """The judge's phone page: first the code, then the sheet for the unit on stage."""
    obj = _session(session)
    scoring = _scoring(obj)
    error = ""
    if request.method == "POST":
        key = f"arena:codefail:{client_ip(request)}"
        if over(key, CODE_FAILURES):
            return render(
                request,
                "arena/judge_start.html",
                {"session": obj, "error": _("Too many wrong codes: try again later.")},
                status=429,
            )
        held = request.session.get(JUDGE_KEY) or {}
        token = held.get("token") if isinstance(held, dict) else None
        token = token or secrets.token_urlsafe(32)
        try:
            claimed = svc.code_claim(text=request.POST.get("code", "")[:64], token=token)
            if claimed.scoring_id != scoring.pk:
                raise ServiceError(problems=Problem("arena.code_invalid", Where(), {}))
        except ServiceError as failure:
            limited(key, CODE_FAILURES)
            error = " ".join(failure.errors)
        else:
            request.session.cycle_key()
            request.session[JUDGE_KEY] = {"code": claimed.pk, "token": token}
            return redirect("arena:judge", obj.slug)
    code = _judge_code(request, obj)
    if code is None:
        return render(
            request,
            "arena/judge_start.html",
            {"session": obj, "error": error},
            status=403 if error else 200,
        )
    scheme = svc.scheme_of(scoring)
    groups = {g.id: g.name for g in scheme.groups}
    return render(
        request,
        "arena/judge.html",
        {
            "session": obj,
            "scheme": scheme,
            "code": code,
            "group": groups.get(code.group, code.group),
            "state": sel.judge_state(code),
        },
    )


@never_cache
@require_GET
def judge_state(request: HttpRequest, session: str) -> JsonResponse:
    code = _judge_code(request, _session(session))
    if code is None:
        return JsonResponse({"ok": False}, status=403)
    return JsonResponse({"ok": True, **sel.judge_state(code)})


@never_cache
@require_POST
def judge_sheet(request: HttpRequest, session: str) -> JsonResponse:
    """Store the judge's sheet (JSON: unit, client_id, entry, abstain); CSRF-checked."""
    code = _judge_code(request, _session(session))
    if code is None:
        return JsonResponse({"ok": False, "codes": ["arena.code_invalid"]}, status=403)
    if limited(f"arena:sheet:{code.pk}", SHEET_WRITES):
        return JsonResponse({"ok": False, "codes": ["arena.too_many"]}, status=429)
    if len(request.body) > MAX_BODY:
        return JsonResponse({"ok": False}, status=413)
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"ok": False}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"ok": False}, status=400)
    try:
        sheet, changed = svc.sheet_submit(
            code=code,
            unit=str(body.get("unit", ""))[:64],
            entry=body.get("entry"),
            client_id=str(body.get("client_id", ""))[:64],
            abstain=bool(body.get("abstain")),
        )
    except ServiceError as error:
        status = 409 if "arena.sheet_exists" in [p.code for p in error.problems] else 400
        return error_to_json(error, status)
    return JsonResponse({"ok": True, "unit": sheet.unit, "total": sheet.total, "changed": changed})


# -- the hall ---------------------------------------------------------------------------


def _readable(request: HttpRequest, slug: str) -> tuple[ArenaSession, Scoring]:
    obj = _session(slug)
    if not session_readable(request.user, obj):
        raise Http404
    return obj, _scoring(obj)


@never_cache
@require_GET
@readers
def live(request: HttpRequest, session: str) -> JsonResponse:
    """The count the presenter view polls (no score of a unit still open)."""
    _obj, scoring = _readable(request, session)
    return JsonResponse(sel.live_state(scoring))


@never_cache
@require_GET
@readers
def results(request: HttpRequest, session: str) -> HttpResponse:
    """The results screen (1920×1080); ``?fragment=1`` for the presenter view's overlay."""
    obj, scoring = _readable(request, session)
    context = {"session": obj, "results": sel.results_build(scoring), "scoring": scoring}
    if request.GET.get("fragment"):
        return render(request, "arena/_results.html", context)
    return render(request, "arena/results.html", context)
