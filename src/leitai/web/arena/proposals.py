"""Pledges proposed from the texts of an arena (军令状): find, confirm, reject.

The office gives a session a text (pasted, or a TXT/DOCX/PPTX/PDF file); the text is
repaired (:func:`leitai.text.repair`) and its pledges proposed
(:func:`leitai.text.extract_pledges`) against the units of the session's scheme. Each
proposal waits for a person: accepted, it becomes a pledged target of its unit through
:func:`leitai.web.arena.services.pledge_create` (the target rules and their audit),
keeping the proposal as its evidence; rejected, it stays on record as rejected. Every
step is audited.

The web app reads a text on the task queue (``text_submit`` queues
``text_propose_job``), never in the request: the text's page shows the job's state and,
once it is done, the proposals.

Services write (``text_submit``, ``text_propose``, ``proposal_accept``, ``proposal_reject``); the
selectors below them read (``proposals_of``, ``highlighted``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from leitai.web.accounts.models import User
from leitai.web.arena.models import ArenaSession, PledgeProposal, PledgeText
from leitai.web.arena.services import pledge_create, session_speakers
from leitai.web.assessments.models import Unit
from leitai.web.assessments.selectors import scheme_version_parsed
from leitai.web.audit.models import Action
from leitai.web.errors import ServiceError
from leitai.web.targets.models import Target
from leitai.web.targets.services import audit_change
from leitai.web.tasks.models import Job
from leitai.web.tasks.services import JobContext, JobInterrupted, JobLost, job_kind, job_submit

if TYPE_CHECKING:
    from leitai.text import Pledge, Repaired

logger = logging.getLogger(__name__)

__all__ = [
    "Segment",
    "demo_link_proposals",
    "highlighted",
    "proposal_accept",
    "proposal_reject",
    "proposals_of",
    "text_propose",
    "text_propose_job",
    "text_submit",
]


def _text_store(*, session: ArenaSession, text: str, name: str, user: User | None) -> PledgeText:
    return PledgeText.objects.create(
        session=session, name=name[:200], original=text, created_by=user
    )


def _text_read(stored: PledgeText) -> tuple[Repaired, list[Pledge]]:
    """Repair the text and search it for pledges: the long part, which writes nothing."""
    from leitai.text import extract_pledges, repair

    session = stored.session
    repaired = repair(stored.original)
    scheme = scheme_version_parsed(session.period.scheme_version)
    speakers = set(session_speakers(session))
    units = [u for u in scheme.units if u.id in speakers]
    return repaired, extract_pledges(repaired.text, units=units, date=session.date)


def _text_record(stored: PledgeText, repaired: Repaired, found: list[Pledge]) -> None:
    """Write what the reading found: the repaired text, the proposals, the audit entry."""
    session = stored.session
    stored.repaired = repaired.text
    stored.changed = list(repaired.changed)
    stored.lost = [list(span) for span in repaired.lost]
    stored.save(update_fields=["repaired", "changed", "lost"])
    codes = {p.unit for p in found if p.unit}
    rows = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    PledgeProposal.objects.bulk_create(
        PledgeProposal(
            text=stored,
            unit=rows.get(p.unit or ""),
            name=p.name[:200] or p.sentence[:200],
            value=p.value,
            unit_of_measure=p.measure,
            deadline=p.deadline,
            bound=p.bound,
            rate=p.rate,
            confidence=p.confidence,
            reasons=list(p.reasons),
            sentence=p.sentence,
            sentence_start=p.sentence_start,
            start=p.start,
            end=p.end,
        )
        for p in found
    )
    audit_change(
        user=stored.created_by,
        action=Action.ARENA_PLEDGES_PROPOSED,
        obj=stored,
        period=session.period,
        after={
            "session": session.slug,
            "text": stored.name,
            "repaired": list(repaired.changed),
            "lost": len(repaired.lost),
            "proposals": len(found),
        },
        summary=f"{stored.name}: {len(found)}",
    )


@transaction.atomic
def text_propose(
    *, session: ArenaSession, text: str, name: str, user: User | None = None
) -> PledgeText:
    """Repair ``text``, store it with the session and propose the pledges found in it.

    Runs where it is called (the demo's installation); the web app queues the same
    work with :func:`text_submit`. The text is bounded by the caller
    (:mod:`leitai.text.readers`'s limits).
    """
    stored = _text_store(session=session, text=text, name=name, user=user)
    _text_record(stored, *_text_read(stored))
    return stored


def text_submit(
    *, session: ArenaSession, text: str, name: str, user: User | None = None
) -> PledgeText:
    """Store ``text`` with the session and queue the job that proposes its pledges.

    The office's POST calls this: the request only stores the (bounded) text; a worker
    of the task queue reads it (:func:`text_propose_job`) and the text's page shows the
    job's state until the proposals are there.
    """
    with transaction.atomic():
        stored = _text_store(session=session, text=text, name=name, user=user)
        job = job_submit(handler=text_propose_job, args={"text": stored.pk})
        PledgeText.objects.filter(pk=stored.pk).update(job=job)
    return PledgeText.objects.select_related("job").get(pk=stored.pk)


@job_kind
def text_propose_job(ctx: JobContext) -> None:
    """The queue's job: read a stored text and record its proposals (or the failure).

    The proposals and the audit entry are written in the transaction that marks the
    job done, and only while this worker still holds the job.
    """
    stored = PledgeText.objects.select_related("session__period__scheme_version", "created_by").get(
        pk=int(ctx.args["text"])
    )
    ctx.progress(0, 1, force=True)
    try:
        repaired, found = _text_read(stored)
    except (JobInterrupted, JobLost):
        raise
    except Exception as exc:
        logger.exception("arena text %s could not be read", stored.pk)
        with ctx.finishing(state=Job.State.FAILED, error=f"{type(exc).__name__}: {exc}"):
            pass
        return
    ctx.check()
    with ctx.finishing():
        _text_record(stored, repaired, found)


def _decided(proposal: PledgeProposal) -> PledgeProposal:
    locked = PledgeProposal.objects.select_for_update().get(pk=proposal.pk)
    if locked.status != PledgeProposal.Status.PROPOSED:
        raise ServiceError(gettext("this proposal has already been decided"), field=None)
    return locked


@transaction.atomic
def proposal_accept(
    *,
    proposal: PledgeProposal,
    unit: Unit,
    name: str,
    value: float,
    unit_of_measure: str = "",
    deadline: dt.date | None = None,
    user: User | None = None,
) -> Target:
    """Accept a proposal, as the office edited it: it becomes a pledge of ``unit``."""
    proposal = _decided(proposal)
    session = proposal.text.session
    target = pledge_create(
        session=session,
        unit=unit,
        name=name,
        value=value,
        unit_of_measure=unit_of_measure,
        deadline=deadline,
        user=user,
    )
    edits = {
        field: (getattr(proposal, field), wanted)
        for field, wanted in (
            ("unit_id", unit.pk),
            ("name", name),
            ("value", value),
            ("unit_of_measure", unit_of_measure),
            ("deadline", deadline or proposal.deadline),
        )
        if getattr(proposal, field) != wanted
    }
    proposal.status = PledgeProposal.Status.ACCEPTED
    proposal.target = target
    proposal.decided_at = timezone.now()
    proposal.decided_by = user
    proposal.save(update_fields=["status", "target", "decided_at", "decided_by"])
    audit_change(
        user=user,
        action=Action.ARENA_PROPOSAL_ACCEPTED,
        obj=proposal,
        unit=unit,
        period=session.period,
        before={"status": PledgeProposal.Status.PROPOSED},
        after={
            "status": proposal.status,
            "target": target.code,
            "evidence": proposal.sentence,
            "edited": sorted(edits),
        },
        summary=f"{unit.name}: {target.name}",
    )
    return target


@transaction.atomic
def proposal_reject(*, proposal: PledgeProposal, user: User | None = None) -> PledgeProposal:
    """Reject a proposal: it stays on record, marked rejected."""
    proposal = _decided(proposal)
    proposal.status = PledgeProposal.Status.REJECTED
    proposal.decided_at = timezone.now()
    proposal.decided_by = user
    proposal.save(update_fields=["status", "decided_at", "decided_by"])
    audit_change(
        user=user,
        action=Action.ARENA_PROPOSAL_REJECTED,
        obj=proposal,
        unit=proposal.unit,
        period=proposal.text.session.period,
        before={"status": PledgeProposal.Status.PROPOSED},
        after={"status": proposal.status, "evidence": proposal.sentence},
        summary=f"{proposal.name} {proposal.value:g}{proposal.unit_of_measure}",
    )
    return proposal


def demo_link_proposals(text: PledgeText) -> int:
    """Mark the demo's proposals that its targets table already holds as accepted.

    A proposal matches a pledged target of the same session, unit, value, measure and
    deadline that no other proposal points to. Returns how many were linked.
    """
    linked = 0
    for proposal in text.proposals.filter(status=PledgeProposal.Status.PROPOSED):
        target = (
            Target.objects.filter(
                session=text.session,
                unit=proposal.unit,
                value=proposal.value,
                unit_of_measure=proposal.unit_of_measure,
                deadline=proposal.deadline,
                proposal__isnull=True,
            )
            .order_by("pk")
            .first()
        )
        if target is None:
            continue
        proposal.status = PledgeProposal.Status.ACCEPTED
        proposal.target = target
        proposal.save(update_fields=["status", "target"])
        linked += 1
    return linked


# ---------------------------------------------------------------------------
# Selectors


def proposals_of(text: PledgeText) -> list[PledgeProposal]:
    return list(text.proposals.select_related("unit", "target").order_by("start", "pk"))


@dataclass(frozen=True)
class Segment:
    """A piece of the repaired text: plain, in a proposal's sentence, or its figure."""

    text: str
    sentence: bool
    figure: bool
    proposals: tuple[int, ...]
    lost: bool = False


def highlighted(text: PledgeText, proposals: list[PledgeProposal]) -> list[Segment]:
    """The repaired text cut where a sentence, a figure or a lost span begins or ends."""
    content = text.repaired
    cuts = {0, len(content)}
    spans: list[tuple[str, int, int, int]] = []
    for p in proposals:
        sentence_end = p.sentence_start + len(p.sentence)
        spans += [("s", p.sentence_start, sentence_end, p.pk), ("f", p.start, p.end, p.pk)]
    spans += [("l", s, e, 0) for s, e in text.lost]
    for _, s, e, _ in spans:
        cuts.update((max(0, min(s, len(content))), max(0, min(e, len(content)))))
    points = sorted(cuts)
    segments = []
    for a, b in itertools.pairwise(points):
        inside = [(kind, pk) for kind, s, e, pk in spans if s <= a and b <= e]
        segments.append(
            Segment(
                text=content[a:b],
                sentence=any(kind == "s" for kind, _ in inside),
                figure=any(kind == "f" for kind, _ in inside),
                proposals=tuple(sorted({pk for kind, pk in inside if kind != "l"})),
                lost=any(kind == "l" for kind, _ in inside),
            )
        )
    return segments


def _plain_number(value: float) -> str:
    """``83`` rather than ``83.0``, and never an exponent."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def proposal_initial(proposal: PledgeProposal) -> dict[str, Any]:
    return {
        "unit": proposal.unit.code if proposal.unit else None,
        "name": proposal.name,
        "value": _plain_number(proposal.value),
        "unit_of_measure": proposal.unit_of_measure,
        "deadline": proposal.deadline,
    }
