"""Running robustness analyses and keeping their results.

A run is computed once per snapshot and settings and then read from the database.
It is computed by a worker thread of the server process, so that a long run neither
blocks a request nor needs a task queue; the page waits a moment for it and otherwise
shows its progress. Inside a database transaction (the test suite, a management
shell) the run is computed at once instead: a worker thread could not see rows the
transaction has not committed.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.db import (
    OperationalError,
    close_old_connections,
    connection,
    connections,
    transaction,
)
from django.utils import timezone

from leitai.engine.sensitivity import analyse
from leitai.web.analysis.models import AnalysisRun
from leitai.web.analysis.options import RunSettings
from leitai.web.analysis.selectors import snapshot_period_data
from leitai.web.assessments.models import Snapshot

logger = logging.getLogger(__name__)

# At most this many runs compute at once per server process; the others wait their turn.
_slots = threading.BoundedSemaphore(2)
_workers: dict[int, threading.Thread] = {}
_workers_lock = threading.Lock()
_PROGRESS_EVERY = 0.25  # seconds between progress writes
_WRITE_TRIES = 50  # a worker's write meeting a lock is tried again for up to ~0.5 s


def analysis_run_ensure(
    *,
    snapshot: Snapshot,
    run_settings: RunSettings,
    user: Any = None,
    retry: bool = False,
) -> AnalysisRun:
    """The run of ``snapshot`` with ``run_settings``, started if there is none yet.

    A run that is waiting or running is returned as it is; one whose worker died (the
    server stopped) is started again. A failed run is started again only with
    ``retry`` (the office asking for it), so that a failure is not repeated on every
    view of the page.
    """
    creator = user if getattr(user, "is_authenticated", False) else None
    run, created = AnalysisRun.objects.get_or_create(
        snapshot=snapshot,
        key=run_settings.key,
        defaults={"settings": run_settings.to_dict(), "created_by": creator},
    )
    if created:
        _start(run)
        return run
    if run.is_done or run.is_active:
        return run
    if run.state == AnalysisRun.State.FAILED and not retry:
        return run
    # Failed (and asked again) or stale: start over.
    AnalysisRun.objects.filter(pk=run.pk).update(
        state=AnalysisRun.State.PENDING,
        done=0,
        total=0,
        error="",
        result="",
        seconds=None,
        finished_at=None,
        created_by=creator or run.created_by,
        updated_at=timezone.now(),
    )
    run.refresh_from_db()
    _start(run)
    return run


def _start(run: AnalysisRun) -> None:
    if connection.in_atomic_block:
        analysis_run_execute(run_id=run.pk)
        run.refresh_from_db()
        return
    thread = threading.Thread(
        target=_work, kwargs={"run_id": run.pk}, name=f"leitai-analysis-{run.pk}", daemon=True
    )
    with _workers_lock:
        _workers[run.pk] = thread
    transaction.on_commit(thread.start)


def _work(*, run_id: int) -> None:
    close_old_connections()
    try:
        with _slots:
            analysis_run_execute(run_id=run_id)
    finally:
        connections.close_all()
        with _workers_lock:
            _workers.pop(run_id, None)


def analysis_run_wait(*, run: AnalysisRun, timeout: float | None = None) -> AnalysisRun:
    """Wait up to ``timeout`` seconds (default ``LEITAI_ANALYSIS_WAIT``) for a run to end."""
    if timeout is None:
        timeout = float(getattr(settings, "LEITAI_ANALYSIS_WAIT", 2.0))
    with _workers_lock:
        thread = _workers.get(run.pk)
    if thread is not None and thread.is_alive():
        thread.join(timeout)
    run.refresh_from_db()
    return run


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


def analysis_run_execute(*, run_id: int) -> None:
    """Compute a run now, writing its progress and then its result (or its error)."""
    run = AnalysisRun.objects.select_related("snapshot__scheme_version", "snapshot__period").get(
        pk=run_id
    )
    run_settings = run.run_settings
    _run_update(run_id, required=True, state=AnalysisRun.State.RUNNING)
    started = time.perf_counter()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= _PROGRESS_EVERY:
            last[0] = now
            # Progress is only shown, never relied on: skipped rather than failing the run.
            if not _run_update(run_id, done=done, total=total):
                logger.warning("robustness run %s: progress not recorded", run_id)

    try:
        scheme, data = snapshot_period_data(run.snapshot)
        result = analyse(
            scheme,
            data,
            **run_settings.engine_kwargs(),
            previous=run.snapshot.previous_ranks,
            period=run.snapshot.period.code,
            progress=progress,
        )
        document = result.to_dict()
    except Exception as exc:
        logger.exception("robustness run %s failed", run_id)
        _run_update(
            run_id,
            required=True,
            state=AnalysisRun.State.FAILED,
            error=f"{type(exc).__name__}: {exc}",
            finished_at=timezone.now(),
        )
        return
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
