"""Writing the boards' exports: the result book, built by a worker of the queue."""

from __future__ import annotations

import io

from leitai.web.assessments.integrity import snapshot_reproduces
from leitai.web.assessments.models import Snapshot
from leitai.web.assessments.services import snapshot_recompute
from leitai.web.tasks.artifacts import artifact_store
from leitai.web.tasks.services import JobContext, job_kind

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def result_book_key(*, snapshot: Snapshot, lang: str) -> str:
    """What the book is built from: the snapshot, its result (by hash) and the language."""
    return f"book:{snapshot.pk}:{snapshot.result_sha256}:{lang}"


@job_kind
def result_book_build(ctx: JobContext) -> None:
    """Rebuild the result from the snapshot's own inputs and write its book.

    A result that no longer reproduces from its stored inputs is not exported: the job
    fails with the reason instead.
    """
    from leitai.reports.book import write_result_book

    snapshot = Snapshot.objects.select_related("period", "scheme_version").get(
        pk=int(ctx.args["snapshot"])
    )
    result = snapshot_recompute(snapshot=snapshot)
    # To the contract's 1e-6 (a stable fingerprint), so another numpy does not fail it.
    snapshot_reproduces(snapshot, result)
    ctx.check()
    buffer = io.BytesIO()
    write_result_book(result, buffer, lang=str(ctx.args["lang"]))
    with ctx.finishing():
        artifact_store(ctx=ctx, content=buffer.getvalue())
