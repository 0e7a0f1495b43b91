"""Pages of the pledge capture: give a session texts, confirm the pledges found in them.

Only the office reads or writes them (the texts are working papers).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leitai.engine import LeitaiError
from leitai.i18n import render as render_problem
from leitai.web.access import office, signed_in_user
from leitai.web.arena.models import ArenaSession, PledgeProposal, PledgeText
from leitai.web.arena.proposal_forms import TEXT_MAX_CHARS, ProposalForm, TextForm
from leitai.web.arena.proposals import (
    highlighted,
    proposal_accept,
    proposal_initial,
    proposal_reject,
    proposals_of,
    text_submit,
)
from leitai.web.arena.services import session_speakers
from leitai.web.errors import ServiceError, error_to_form


def _read(form: TextForm) -> tuple[str, str]:
    """The text given and its name; raises LeitaiError for a file that cannot be read."""
    from leitai.text.readers import text_from_bytes

    upload = form.cleaned_data.get("upload")
    name = (form.cleaned_data.get("name") or "").strip()
    if upload is not None:
        text = text_from_bytes(upload.read(), upload.name, max_chars=TEXT_MAX_CHARS)
        return text, name or upload.name
    return form.cleaned_data["text"], name or _("Pasted text")


@require_http_methods(["GET", "POST"])
@office
def texts(request: HttpRequest, session: str) -> HttpResponse:
    """The session's texts, and the form that adds one and queues the reading of it."""
    obj = get_object_or_404(ArenaSession.objects.select_related("period"), slug=session)
    form = TextForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            text, name = _read(form)
        except LeitaiError as error:
            for problem in error.problems:
                form.add_error("upload", render_problem(problem, _))
        else:
            stored = text_submit(session=obj, text=text, name=name, user=signed_in_user(request))
            return redirect("arena:text", obj.slug, stored.pk)
    return render(
        request,
        "arena/texts.html",
        {
            "session": obj,
            "texts": obj.texts.select_related("job").order_by("-pk"),
            "form": form,
            "section": "arena",
        },
    )


def _text_page(
    request: HttpRequest, text: PledgeText, forms: dict[int, ProposalForm] | None = None
) -> HttpResponse:
    proposals = proposals_of(text)
    speakers = session_speakers(text.session)
    forms = forms or {}
    rows = [
        {
            "proposal": p,
            "form": forms.get(p.pk)
            or ProposalForm(speakers=speakers, initial=proposal_initial(p), prefix=f"p{p.pk}"),
        }
        for p in proposals
    ]
    return render(
        request,
        "arena/text.html",
        {
            "session": text.session,
            "text": text,
            "rows": rows,
            "segments": highlighted(text, proposals),
            "section": "arena",
        },
        status=400 if forms else 200,
    )


def _text(session: str, pk: int) -> PledgeText:
    return get_object_or_404(
        PledgeText.objects.select_related("session", "session__period", "job"),
        session__slug=session,
        pk=pk,
    )


@require_http_methods(["GET"])
@office
def text(request: HttpRequest, session: str, pk: int) -> HttpResponse:
    """A text, repaired and highlighted, beside the original, and its proposals.

    Until the queue's job has read the text, the page shows the job's state and reloads
    itself (it never starts work).
    """
    stored = _text(session, pk)
    if not stored.is_read:
        return render(
            request,
            "arena/text_reading.html",
            {"session": stored.session, "text": stored, "job": stored.job, "section": "arena"},
        )
    return _text_page(request, stored)


def _proposal(text: PledgeText, pk: int) -> PledgeProposal:
    return get_object_or_404(PledgeProposal, text=text, pk=pk)


@require_POST
@office
def accept(request: HttpRequest, session: str, pk: int, proposal: int) -> HttpResponse:
    stored = _text(session, pk)
    obj = _proposal(stored, proposal)
    form = ProposalForm(
        request.POST, speakers=session_speakers(stored.session), prefix=f"p{obj.pk}"
    )
    if form.is_valid():
        try:
            target = proposal_accept(
                proposal=obj, user=signed_in_user(request), **form.cleaned_data
            )
        except ServiceError as error:
            error_to_form(form, error)
        except ValidationError as error:
            form.add_error(None, _("; ").join(error.messages))
        else:
            messages.success(
                request,
                _("Pledge recorded for %(unit)s: %(name)s")
                % {"unit": target.unit.name, "name": target.name},
            )
            return redirect(reverse("arena:text", args=[session, pk]) + f"#p-{obj.pk}")
    return _text_page(request, stored, {obj.pk: form})


@require_POST
@office
def reject(request: HttpRequest, session: str, pk: int, proposal: int) -> HttpResponse:
    stored = _text(session, pk)
    obj = _proposal(stored, proposal)
    try:
        proposal_reject(proposal=obj, user=signed_in_user(request))
    except ServiceError as error:
        for message in error.errors:
            messages.error(request, message)
    else:
        messages.success(request, _("Proposal rejected: %(name)s") % {"name": obj.name})
    return redirect(reverse("arena:text", args=[session, pk]) + f"#p-{obj.pk}")
