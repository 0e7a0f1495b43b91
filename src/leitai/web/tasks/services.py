"""Submitting, claiming and finishing jobs: every change of a job's state is conditional.

Each write names the state it expects (and, for a running job, the worker and attempt
that hold it); an UPDATE that changed no row means someone else got there first, as in
healthchecks' ``sendalerts``. So a job is claimed by one worker at a time, a dead job is
queued again once however many workers and requests notice it, and a worker that lost
its lease cannot write a result over its successor's.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import (
    DatabaseError,
    close_old_connections,
    connection,
    connections,
    transaction,
)
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from leitai.web.tasks.models import Job

logger = logging.getLogger("leitai.tasks")

# A job whose worker died this many times is not tried again (it may be what kills them).
MAX_ATTEMPTS = 3
_PROGRESS_EVERY = 0.5  # seconds between progress writes

# Set when this process is asked to stop: a running job hands itself back at its next
# progress report instead of being cut off mid-write.
stopping = threading.Event()
_worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class JobLost(Exception):
    """This worker's lease ran out and the job went to another worker."""


class JobInterrupted(Exception):
    """This worker is stopping; the job is handed back to the queue."""


def worker_id() -> str:
    return _worker_id


def _lease() -> timedelta:
    return timedelta(seconds=float(getattr(settings, "LEITAI_TASKS_LEASE", 60)))


# -- the kinds of job ------------------------------------------------------------------------


def job_kind(handler: Callable[[JobContext], None]) -> Callable[[JobContext], None]:
    """Mark ``handler`` as a kind of job; its dotted path is the job's ``kind``."""
    handler._leitai_job = True  # type: ignore[attr-defined]
    return handler


def job_kind_name(handler: Callable[..., Any]) -> str:
    """The ``kind`` of the jobs that ``handler`` runs: its dotted path."""
    return f"{handler.__module__}.{handler.__qualname__}"


def _handler(kind: str) -> Callable[[JobContext], None]:
    handler = import_string(kind)
    if not getattr(handler, "_leitai_job", False):
        raise ImportError(f"{kind} is not a kind of job")
    return handler  # type: ignore[no-any-return]


# -- submitting ------------------------------------------------------------------------------


def job_submit(*, handler: Callable[[JobContext], None], args: dict[str, Any]) -> Job:
    """Create a job for ``handler`` and hand it to the queue."""
    job = Job.objects.create(kind=job_kind_name(handler), args=args)
    job_enqueue(job=job)
    return job


def job_enqueue(*, job: Job) -> None:
    """Tell the workers that ``job`` waits.

    The database backend writes its message in the same transaction as the job; Redis
    is told only once the job is committed, so that no worker looks for a job it cannot
    see yet. Telling twice is harmless: only one claim succeeds. A Redis that cannot be
    told (it is down) does not fail the request that submitted the job: the job is
    saved, waiting, and :func:`jobs_recover` announces it again once Redis answers.
    """
    from leitai.web.tasks.tasks import job_run

    def send() -> None:
        result = job_run.using(queue_name=settings.LEITAI_TASKS_QUEUE).enqueue(job.pk)
        if settings.LEITAI_TASKS_BACKEND != "immediate":
            Job.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])

    def send_to_redis() -> None:
        try:
            send()
        except Exception:
            logger.warning("job %s: Redis could not be told; announced again later", job.pk)

    if settings.LEITAI_TASKS_BACKEND == "redis":
        transaction.on_commit(send_to_redis)
    else:
        send()


def job_requeue(*, job: Job) -> bool:
    """Queue a failed or dead job again; False when someone else already did.

    ``job`` is the row as the caller read it: its state and attempt count are the
    condition of the UPDATE, so of two requests (or a request and a worker) racing to
    restart the same job exactly one succeeds. The caller then calls :func:`job_enqueue`.
    """
    now = timezone.now()
    updated = (
        Job.objects.filter(pk=job.pk, attempts=job.attempts)
        .filter(Q(state=Job.State.FAILED) | Q(state=Job.State.RUNNING, lease_until__lt=now))
        .update(
            state=Job.State.QUEUED,
            worker="",
            lease_until=None,
            error="",
            done=0,
            total=0,
            enqueued_at=now,
            finished_at=None,
        )
    )
    return updated == 1


# -- running ---------------------------------------------------------------------------------


@dataclass
class JobContext:
    """What a running job's handler gets: its arguments, progress, and its way to finish."""

    job: Job
    worker: str
    lost: threading.Event = field(default_factory=threading.Event)
    _last_progress: float = 0.0

    @property
    def args(self) -> dict[str, Any]:
        return dict(self.job.args)

    def _mine(self) -> Any:
        return Job.objects.filter(
            pk=self.job.pk, worker=self.worker, attempts=self.job.attempts, state=Job.State.RUNNING
        )

    def check(self) -> None:
        """Raise if this worker is stopping or lost the job: the handler stops here."""
        if self.lost.is_set():
            raise JobLost(self.job.pk)
        if stopping.is_set():
            raise JobInterrupted(self.job.pk)

    def progress(self, done: int, total: int, *, force: bool = False) -> bool:
        """Report progress (at most twice a second); returns whether it was written."""
        self.check()
        if settings.LEITAI_TASKS_PACE:
            # A pause at each step, for fault-injection tests (kill -9 half way through
            # a run) and demonstrations; 0 in every real deployment.
            time.sleep(settings.LEITAI_TASKS_PACE)
        now = time.monotonic()
        if not force and now - self._last_progress < _PROGRESS_EVERY:
            return False
        self._last_progress = now
        try:
            written = self._mine().update(
                done=done, total=total, lease_until=timezone.now() + _lease()
            )
        except DatabaseError:
            # Progress is only shown: a locked table skips one report, not the job.
            logger.warning("job %s: progress not recorded", self.job.pk)
            return False
        if written != 1:
            self.lost.set()
            raise JobLost(self.job.pk)
        return True

    @contextmanager
    def finishing(self, *, state: str = Job.State.DONE, error: str = "") -> Iterator[None]:
        """Mark the job done (or failed) and write its outcome in one transaction.

        Raises :class:`JobLost`, writing nothing, when the job is no longer this worker's.
        """
        with transaction.atomic():
            written = self._mine().update(
                state=state, error=error, lease_until=None, finished_at=timezone.now()
            )
            if written != 1:
                self.lost.set()
                raise JobLost(self.job.pk)
            yield


def job_claim(*, job_id: int, worker: str) -> Job | None:
    """Take a waiting job for ``worker``; None when another worker has it or it is over."""
    now = timezone.now()
    updated = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING,
        worker=worker,
        lease_until=now + _lease(),
        attempts=F("attempts") + 1,
        started_at=now,
        done=0,
        total=0,
        error="",
    )
    if updated != 1:
        return None
    return Job.objects.get(pk=job_id)


def _release(ctx: JobContext) -> None:
    """Give the job back to the queue (this worker stops); it does not count as an attempt."""
    released = ctx._mine().update(
        state=Job.State.QUEUED,
        worker="",
        lease_until=None,
        attempts=F("attempts") - 1,
        enqueued_at=timezone.now(),
    )
    if released == 1:
        job_enqueue(job=ctx.job)
        logger.info("job %s handed back to the queue (worker stopping)", ctx.job.pk)


def _fail(ctx: JobContext, error: str) -> None:
    ctx._mine().update(
        state=Job.State.FAILED, error=error[:4000], lease_until=None, finished_at=timezone.now()
    )


def _heartbeat(ctx: JobContext, done: threading.Event) -> None:
    """Renew the lease while the handler works, also through stretches without progress."""
    interval = max(_lease().total_seconds() / 4, 0.2)
    try:
        while not done.wait(interval):
            try:
                renewed = ctx._mine().update(lease_until=timezone.now() + _lease())
            except DatabaseError:
                continue
            if renewed != 1:
                ctx.lost.set()
                return
    finally:
        connections.close_all()


def job_execute(*, job_id: int, worker: str | None = None) -> str:
    """Claim and run a job; returns what became of it (for the log and the tests)."""
    worker = worker or worker_id()
    if not connection.in_atomic_block:
        # A long-lived worker (RQ's above all) drops connections that broke or aged.
        close_old_connections()
    job = job_claim(job_id=job_id, worker=worker)
    if job is None:
        logger.info("job %s: not waiting (another worker has it, or it is over)", job_id)
        return "skipped"
    logger.info(
        "job %s started: kind=%s attempt=%s worker=%s", job.pk, job.kind, job.attempts, worker
    )
    ctx = JobContext(job=job, worker=worker)
    beat_done = threading.Event()
    beat = None
    if not connection.in_atomic_block:  # a real worker (not a test's transaction)
        beat = threading.Thread(target=_heartbeat, args=(ctx, beat_done), daemon=True)
        beat.start()
    try:
        _handler(job.kind)(ctx)
    except JobLost:
        logger.warning("job %s: lease lost to another worker; its outcome is not written", job.pk)
        return "lost"
    except (JobInterrupted, KeyboardInterrupt, SystemExit) as exc:
        _release(ctx)
        if not isinstance(exc, JobInterrupted):
            raise
        return "released"
    except Exception as exc:
        if stopping.is_set():
            # Whatever the stop broke (RQ may raise into the job): the job is not at fault.
            logger.warning("job %s interrupted by the stop: %r", job.pk, exc)
            _release(ctx)
            return "released"
        logger.exception("job %s failed", job.pk)
        _fail(ctx, f"{type(exc).__name__}: {exc}")
        return "failed"
    finally:
        beat_done.set()
        if beat is not None:
            beat.join()
    logger.info("job %s finished", job.pk)
    return "done"


# -- recovering ------------------------------------------------------------------------------


def jobs_recover() -> int:
    """Queue again the jobs whose worker died; returns how many this call queued.

    Any number of workers call this at once: each requeue is conditional. A job whose
    workers died :data:`MAX_ATTEMPTS` times fails instead. With Redis, whose messages do
    not survive a restart of an unpersisted server, a job waiting without a claim for
    five leases is also announced again (the database backend cannot lose one).
    """
    now = timezone.now()
    queued = 0
    for job in Job.objects.filter(state=Job.State.RUNNING, lease_until__lt=now)[:100]:
        if job.attempts >= MAX_ATTEMPTS:
            Job.objects.filter(pk=job.pk, state=Job.State.RUNNING, attempts=job.attempts).update(
                state=Job.State.FAILED,
                error=f"WorkerLost: the worker died {job.attempts} times running this job",
                lease_until=None,
                finished_at=now,
            )
            continue
        if job_requeue(job=job):
            _forget_message(job)
            job_enqueue(job=job)
            queued += 1
            logger.info("job %s: its worker died; queued again", job.pk)
    if settings.LEITAI_TASKS_BACKEND == "redis":
        waited = now - 5 * _lease()
        for job in Job.objects.filter(state=Job.State.QUEUED, enqueued_at__lt=waited)[:100]:
            if Job.objects.filter(
                pk=job.pk, state=Job.State.QUEUED, enqueued_at=job.enqueued_at
            ).update(enqueued_at=now):
                job_enqueue(job=job)
    return queued


def _forget_message(job: Job) -> None:
    """The database backend's message of a dead run stays 'running' forever: close it."""
    if settings.LEITAI_TASKS_BACKEND != "database" or not job.task_id:
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(id=job.task_id, status="RUNNING").update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="leitai.web.tasks.services.JobLost",
        traceback="the worker died; the job was queued again",
    )
