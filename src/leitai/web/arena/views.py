"""The arena (书记擂台): sessions, the presenter view, the PPTX deck and pledges."""

from __future__ import annotations

import math
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leitai.web.access import office, signed_in_user
from leitai.web.accounts.selectors import user_is_office
from leitai.web.arena import selectors
from leitai.web.arena.forms import PledgeForm, SessionForm
from leitai.web.arena.judging_selectors import scoring_of
from leitai.web.arena.models import ArenaSession
from leitai.web.arena.services import (
    pledge_create,
    session_create,
    session_speakers,
    session_update,
)
from leitai.web.errors import ServiceError, error_to_form, form_write
from leitai.web.targets.views import readers


def _session(request: HttpRequest, slug: str) -> ArenaSession:
    """The session, if this person may read it; otherwise as if it did not exist."""
    session = get_object_or_404(ArenaSession.objects.select_related("period"), slug=slug)
    if not selectors.session_readable(request.user, session):
        raise Http404
    return session


def _arena(request: HttpRequest, session: ArenaSession) -> selectors.Arena:
    arena = selectors.arena_build(session)
    if arena is None:
        raise Http404(_("The results of this session's period are not published yet."))
    return arena


@require_GET
@readers
def session_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "arena/list.html",
        {"sessions": selectors.sessions_visible(request.user), "section": "arena"},
    )


def _detail(
    request: HttpRequest, session: ArenaSession, pledge_form: PledgeForm | None = None
) -> HttpResponse:
    arena = selectors.arena_build(session)
    speakers = session_speakers(session)
    if pledge_form is None and user_is_office(request.user):
        pledge_form = PledgeForm(
            speakers=speakers, initial={"unit": request.GET.get("unit") or None}
        )
    return render(
        request,
        "arena/detail.html",
        {
            "session": session,
            "arena": arena,
            "pledges": list(
                session.pledges.select_related("unit").order_by("unit__position", "pk")
            ),
            "pledge_form": pledge_form,
            "section": "arena",
        },
        status=200,
    )


@require_GET
@readers
def detail(request: HttpRequest, session: str) -> HttpResponse:
    return _detail(request, _session(request, session))


def _session_fields(form: SessionForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form.Meta.fields}


def _save(request: HttpRequest, form: SessionForm, session: ArenaSession | None) -> Any:
    user, fields = signed_in_user(request), _session_fields(form)
    if session is None:
        return form_write(form, lambda: session_create(user=user, **fields))
    return form_write(form, lambda: session_update(session=session, user=user, **fields))


@require_http_methods(["GET", "POST"])
@office
def create(request: HttpRequest) -> HttpResponse:
    form = SessionForm(request.POST or None, initial={"minutes_per_speaker": 6})
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, None)
        if saved is not None:
            messages.success(request, _("Arena session created."))
            return redirect("arena:detail", saved.slug)
    return render(request, "arena/form.html", {"form": form, "session": None, "section": "arena"})


@require_http_methods(["GET", "POST"])
@office
def edit(request: HttpRequest, session: str) -> HttpResponse:
    obj = get_object_or_404(ArenaSession, slug=session)
    form = SessionForm(request.POST or None, instance=ArenaSession.objects.get(pk=obj.pk))
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, obj)
        if saved is not None:
            messages.success(request, _("Arena session saved."))
            return redirect("arena:detail", saved.slug)
    return render(request, "arena/form.html", {"form": form, "session": obj, "section": "arena"})


@require_POST
@office
def pledge(request: HttpRequest, session: str) -> HttpResponse:
    """A pledge made on stage, entered against the speaker's unit: it becomes a target."""
    obj = get_object_or_404(ArenaSession.objects.select_related("period"), slug=session)
    form = PledgeForm(request.POST, speakers=session_speakers(obj))
    if form.is_valid():
        try:
            target = pledge_create(session=obj, user=signed_in_user(request), **form.cleaned_data)
        except ServiceError as error:
            error_to_form(form, error)
        except ValidationError as error:
            form.add_error(None, "; ".join(error.messages))
        else:
            messages.success(
                request,
                _("Pledge recorded for %(unit)s: %(name)s")
                % {"unit": target.unit.name, "name": target.name},
            )
            return redirect(reverse("arena:detail", args=[obj.slug]) + "#pledges")
    return _detail(request, obj, pledge_form=form)


def _minutes(request: HttpRequest, session: ArenaSession) -> float:
    """Minutes per speaker; ``?minutes=`` overrides them for a rehearsal."""
    try:
        minutes = float(request.GET.get("minutes", "")[:32])
    except ValueError:
        return float(session.minutes_per_speaker)
    if not math.isfinite(minutes):  # "nan" and "inf" parse as floats
        return float(session.minutes_per_speaker)
    return min(max(minutes, 0.05), 60.0)


@require_GET
@readers
def present(request: HttpRequest, session: str) -> HttpResponse:
    """The presenter view: full screen, keyboard navigation, a countdown per speaker."""
    obj = _session(request, session)
    arena = selectors.arena_build(obj)
    if arena is None:
        messages.error(request, _("The results of this session's period are not published yet."))
        return redirect("arena:detail", obj.slug)
    return render(
        request,
        "arena/present.html",
        {
            "session": obj,
            "arena": arena,
            "seconds": round(_minutes(request, obj) * 60),
            "scoring": scoring_of(obj),
        },
    )


@require_http_methods(["GET", "POST"])
@readers
def deck(request: HttpRequest, session: str) -> HttpResponse:
    """The same deck as a PPTX file, built on the queue once per set of inputs.

    Built by :mod:`leitai.reports.arena` in a worker (:mod:`leitai.web.arena.deck`);
    a reader asks for it with a POST, and every reader then gets the kept file.
    """
    from leitai.web.arena.deck import PPTX, arena_deck_build, deck_key
    from leitai.web.tasks.artifacts import artifact_request, artifact_view

    obj = _session(request, session)
    arena = selectors.arena_build(obj)
    if arena is None:
        messages.error(request, _("The results of this session's period are not published yet."))
        return redirect("arena:detail", obj.slug)
    lang = "zh" if (get_language() or "").startswith("zh") else "en"
    key = deck_key(arena=arena, lang=lang)
    return artifact_view(
        request,
        key=key,
        title=f"{obj.title} · {_('Deck (PPTX)')}",
        back=reverse("arena:detail", args=[obj.slug]),
        build=lambda: artifact_request(
            key=key,
            filename=f"leitai-arena-{obj.slug}.pptx",
            content_type=PPTX,
            handler=arena_deck_build,
            args={"session": obj.pk, "lang": lang, "key": key},
        ),
    )
