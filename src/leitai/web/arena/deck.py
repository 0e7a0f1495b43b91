"""The arena deck (PPTX), built by a worker of the queue and kept per set of inputs.

The deck shows the session's result, the previous period's and every target and
actual figure, any of which can change: the kept file is named by a fingerprint of
all of them (and the language), so a change makes another file, never a stale one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
from typing import Any

from leitai.web.arena import selectors
from leitai.web.arena.models import ArenaSession
from leitai.web.tasks.artifacts import artifact_store
from leitai.web.tasks.services import JobContext, job_kind

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return str(value)


def deck_key(*, arena: selectors.Arena, lang: str) -> str:
    """The kept deck's name: the session, a fingerprint of every input, the language."""
    inputs = selectors.session_deck_inputs(arena)
    fingerprint = {
        "result": inputs["result"],
        "previous": inputs["previous"],
        "snapshot": [arena.snapshot.pk, arena.snapshot.result_sha256],
        "targets": list(inputs["targets"]),
        "actuals": list(inputs["actuals"]),
        "session": inputs["session"],
    }
    text = json.dumps(fingerprint, default=_plain, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return f"deck:{arena.session.pk}:{digest}:{lang}"


@job_kind
def arena_deck_build(ctx: JobContext) -> None:
    """Build the deck from the inputs as they stand; refuse if they changed since asked."""
    from leitai.reports.arena import Session, arena_deck, target_progress

    session = ArenaSession.objects.select_related("period").get(pk=int(ctx.args["session"]))
    lang = str(ctx.args["lang"])
    arena = selectors.arena_build(session)
    if arena is None:
        raise RuntimeError("the results of this session's period are not published")
    if deck_key(arena=arena, lang=lang) != ctx.args["key"]:
        raise RuntimeError("the deck's inputs changed since it was asked for: ask again")
    inputs = selectors.session_deck_inputs(arena)
    ctx.check()
    settings = Session.from_mapping(inputs["session"])
    progress, as_of = target_progress(inputs["targets"], inputs["actuals"], settings)
    buffer = io.BytesIO()
    arena_deck(
        inputs["result"],
        buffer,
        scheme=inputs["scheme"],
        progress=progress,
        as_of=as_of,
        previous=inputs["previous"],
        session=settings,
        lang=lang,
    )
    content = buffer.getvalue()
    with ctx.finishing():
        artifact_store(ctx=ctx, content=content)
