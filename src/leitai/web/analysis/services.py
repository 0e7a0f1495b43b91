"""Running robustness analyses and keeping their results.

A run is computed once per snapshot and settings and then read from the database. It
is computed by a worker of the task queue (``leitai worker``, or the one ``leitai
serve`` starts beside itself), never in a web process: the office's POST creates the
run and its job, the page shows its progress. A run whose worker died is taken up
again by any live worker, or restarted by the office's POST of the same settings;
either happens exactly once (:mod:`leitai.web.tasks.services`).
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from django.db import OperationalError, transaction
from django.utils import timezone

from leitai.engine.sensitivity import analyse
from leitai.web.analysis.models import AnalysisRun
from leitai.web.analysis.options import RunSettings
from leitai.web.analysis.selectors import snapshot_period_data
from leitai.web.assessments.models import Snapshot
from leitai.web.assessments.selectors import snapshot_others
from leitai.web.tasks.models import Job
from leitai.web.tasks.services import (
    JobContext,
    JobInterrupted,
    JobLost,
    job_enqueue,
    job_kind,
    job_kind_name,
    job_requeue,
    job_submit,
)

logger = logging.getLogger(__name__)

_WRITE_TRIES = 50  # a worker's write meeting a lock is tried again for up to ~0.5 s
_RESET = {
    "state": AnalysisRun.State.PENDING,
    "done": 0,
    "total": 0,
    "error": "",
    "result": "",
    "seconds": None,
    "finished_at": None,
}


def analysis_run_ensure(
    *,
    snapshot: Snapshot,
    run_settings: RunSettings,
    user: Any = None,
) -> AnalysisRun:
    """The run of ``snapshot`` with ``run_settings``, queued if there is none yet.

    Called by the office's POST only (a page view never starts work). A run that is
    done, waiting or running is returned as it is. A failed run, or one whose worker
    died, is queued again: of several requests racing to do so, exactly one does.
    """
    creator = user if getattr(user, "is_authenticated", False) else None
    with transaction.atomic():
        run, created = AnalysisRun.objects.get_or_create(
            snapshot=snapshot,
            key=run_settings.key,
            defaults={"settings": run_settings.to_dict(), "created_by": creator},
        )
        if created:
            job = job_submit(handler=analysis_run_job, args={"run": run.pk})
            AnalysisRun.objects.filter(pk=run.pk).update(job=job)
    if not created:
        _restart_if_over(run_id=run.pk, creator=creator)
    return AnalysisRun.objects.select_related("job").get(pk=run.pk)


def _restart_if_over(*, run_id: int, creator: Any) -> None:
    run = AnalysisRun.objects.select_related("job").get(pk=run_id)
    if run.is_done or run.is_active:
        return
    with transaction.atomic():
        if run.job is None:
            # A run from before the queue: give it a job, once.
            job = Job.objects.create(kind=job_kind_name(analysis_run_job), args={"run": run.pk})
            restarted = AnalysisRun.objects.filter(pk=run.pk, job__isnull=True).update(job=job) == 1
        else:
            job = run.job
            restarted = job_requeue(job=job)
        if not restarted:
            return  # another request (or a worker's janitor) restarted it first
        AnalysisRun.objects.filter(pk=run.pk).update(
            **_RESET, created_by=creator or run.created_by, updated_at=timezone.now()
        )
        job_enqueue(job=job)


def _run_update(run_id: int, *, required: bool = False, **fields: Any) -> bool:
    """Write a run's fields from its worker; returns whether it was written.

    A page reading the run may hold a lock for a moment (SQLite locks whole tables), so a
    write that meets one is tried again for up to about half a second; after that a
    ``required`` write raises and any other is given up.
    """
    for attempt in range(_WRITE_TRIES):
        try:
            AnalysisRun.objects.filter(pk=run_id).update(updated_at=timezone.now(), **fields)
            return True
        except OperationalError:
            if attempt == _WRITE_TRIES - 1:
                if required:
                    raise
                return False
            time.sleep(0.01)
    return False


@job_kind
def analysis_run_job(ctx: JobContext) -> None:
    """The queue's job: compute a run, writing its progress and then its result (or error).

    The result is written in the same transaction that marks the job done, and only
    while this worker still holds the job: a worker that lost it writes nothing.
    """
    run_id = int(ctx.args["run"])
    run = AnalysisRun.objects.select_related("snapshot__scheme_version", "snapshot__period").get(
        pk=run_id
    )
    run_settings = run.run_settings
    _run_update(run_id, required=True, **dict(_RESET, state=AnalysisRun.State.RUNNING))
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        # Progress is only shown, never relied on: a locked write is skipped.
        if ctx.progress(done, total) and not _run_update(run_id, done=done, total=total):
            logger.warning("robustness run %s: progress not recorded", run_id)

    try:
        scheme, data = snapshot_period_data(run.snapshot)
        result = analyse(
            scheme,
            data,
            **run_settings.engine_kwargs(),
            previous=run.snapshot.previous_ranks,
            period=run.snapshot.period.code,
            others=snapshot_others(run.snapshot),
            progress=progress,
        )
        document = result.to_dict()
    except (JobInterrupted, JobLost):
        raise
    except Exception as exc:
        logger.exception("robustness run %s failed", run_id)
        error = f"{type(exc).__name__}: {exc}"
        with ctx.finishing(state=Job.State.FAILED, error=error):
            _run_update(
                run_id,
                required=True,
                state=AnalysisRun.State.FAILED,
                error=error,
                finished_at=timezone.now(),
            )
        return
    with ctx.finishing():
        _run_update(
            run_id,
            required=True,
            state=AnalysisRun.State.DONE,
            result=json.dumps(document, ensure_ascii=False),
            done=result.evaluations,
            total=result.evaluations,
            seconds=time.perf_counter() - started,
            finished_at=timezone.now(),
        )
