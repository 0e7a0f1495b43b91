"""The task queue in one process: claims, restarts, leases and the status, under races.

Real worker processes are in ``test_tasks_processes.py``; here threads stand in for
workers and requests so that races can be forced with a barrier and counted exactly.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from unittest import mock

from django.db import OperationalError, connections
from django.test import TestCase, TransactionTestCase, override_settings
from django.utils import timezone

from leitai.web.tasks import services
from leitai.web.tasks.models import Job
from leitai.web.tasks.selectors import queue_status
from leitai.web.tasks.services import (
    MAX_ATTEMPTS,
    JobContext,
    JobLost,
    job_claim,
    job_execute,
    job_kind,
    job_requeue,
    job_submit,
    jobs_recover,
)

DATABASE_QUEUE = override_settings(
    LEITAI_TASKS_BACKEND="database",
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["leitai"]}},
)

executions: list[int] = []
_executions_lock = threading.Lock()
release = threading.Event()


@job_kind
def counting_job(ctx: JobContext) -> None:
    """Counts its executions; waits for the test to let it finish."""
    with _executions_lock:
        executions.append(ctx.job.pk)
    release.wait(10)
    with ctx.finishing():
        pass


@job_kind
def reporting_job(ctx: JobContext) -> None:
    ctx.progress(1, 10, force=True)
    with ctx.finishing():
        pass


def not_a_job(ctx: JobContext) -> None:  # pragma: no cover - must never run
    raise AssertionError("ran a function that is not a kind of job")


def _in_threads(count: int, target, *args) -> list:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            for attempt in range(200):
                try:
                    results[i] = target(*args)
                    return
                except OperationalError as exc:
                    # The test suite's in-memory SQLite (shared cache) answers "table is
                    # locked" at once where a database file waits: try again, as waiting would.
                    if "locked" not in str(exc) or attempt == 199:
                        raise
                    time.sleep(0.01)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@DATABASE_QUEUE
class ClaimRaceTests(TransactionTestCase):
    def setUp(self) -> None:
        executions.clear()
        release.clear()

    def test_workers_racing_for_one_job_run_it_once(self) -> None:
        job = job_submit(handler=counting_job, args={})
        # The database backend wrote one message; deliver it to four workers at once.
        threading.Timer(1.0, release.set).start()
        outcomes = _in_threads(4, lambda: job_execute(job_id=job.pk, worker=None))
        self.assertEqual(sorted(outcomes), ["done", "skipped", "skipped", "skipped"])
        self.assertEqual(executions, [job.pk])
        job.refresh_from_db()
        self.assertEqual((job.state, job.attempts), (Job.State.DONE, 1))

    def test_requests_racing_to_restart_a_dead_job_restart_it_once(self) -> None:
        job = Job.objects.create(
            kind="x",
            state=Job.State.RUNNING,
            attempts=1,
            worker="gone:1:x",
            lease_until=timezone.now() - timedelta(seconds=1),
        )
        seen = Job.objects.get(pk=job.pk)  # what each request read before racing
        outcomes = _in_threads(6, lambda: job_requeue(job=seen))
        self.assertEqual(outcomes.count(True), 1, outcomes)
        job.refresh_from_db()
        self.assertEqual(job.state, Job.State.QUEUED)


class JobTests(TestCase):
    def test_a_job_of_an_unmarked_function_is_refused(self) -> None:
        job = Job.objects.create(kind="tests.web.test_tasks.not_a_job")
        self.assertEqual(job_execute(job_id=job.pk, worker="w"), "failed")
        job.refresh_from_db()
        self.assertIn("ImportError", job.error)

    @DATABASE_QUEUE
    def test_a_worker_that_lost_its_lease_writes_nothing(self) -> None:
        job = job_submit(handler=reporting_job, args={})
        mine = job_claim(job_id=job.pk, worker="slow")
        assert mine is not None
        ctx = JobContext(job=mine, worker="slow")
        Job.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
        self.assertEqual(jobs_recover(), 1)
        theirs = job_claim(job_id=job.pk, worker="fast")
        assert theirs is not None
        self.assertEqual(theirs.attempts, 2)
        with self.assertRaises(JobLost):
            ctx.progress(5, 10, force=True)
        with self.assertRaises(JobLost), ctx.finishing():
            raise AssertionError("not reached")  # pragma: no cover
        job.refresh_from_db()
        self.assertEqual((job.state, job.worker), (Job.State.RUNNING, "fast"))

    @DATABASE_QUEUE
    def test_a_stopping_worker_hands_its_job_back_without_counting_an_attempt(self) -> None:
        job = job_submit(handler=reporting_job, args={})
        with mock.patch.object(services, "stopping", threading.Event()) as stopping:
            stopping.set()
            self.assertEqual(job_execute(job_id=job.pk, worker="w"), "released")
        job.refresh_from_db()
        self.assertEqual((job.state, job.attempts, job.worker), (Job.State.QUEUED, 0, ""))
        self.assertEqual(job_execute(job_id=job.pk, worker="w2"), "done")

    @DATABASE_QUEUE
    def test_a_job_whose_workers_keep_dying_fails_instead_of_looping(self) -> None:
        job = Job.objects.create(
            kind="tests.web.test_tasks.reporting_job",
            state=Job.State.RUNNING,
            attempts=MAX_ATTEMPTS,
            worker="gone:1:x",
            lease_until=timezone.now() - timedelta(seconds=1),
        )
        self.assertEqual(jobs_recover(), 0)
        job.refresh_from_db()
        self.assertEqual(job.state, Job.State.FAILED)
        self.assertIn("WorkerLost", job.error)

    @DATABASE_QUEUE
    def test_the_status_counts_waiting_running_dead_and_failed_jobs(self) -> None:
        now = timezone.now()
        Job.objects.create(kind="a", enqueued_at=now - timedelta(seconds=30))
        Job.objects.create(kind="a")
        Job.objects.create(kind="a", state="running", lease_until=now + timedelta(minutes=1))
        Job.objects.create(kind="a", state="running", lease_until=now - timedelta(minutes=1))
        Job.objects.create(kind="a", state="failed")
        Job.objects.create(kind="a", state="done")
        status = queue_status()
        self.assertEqual(
            {k: status[k] for k in ("backend", "reachable", "queued", "running", "dead", "failed")},
            {
                "backend": "database",
                "reachable": True,
                "queued": 2,
                "running": 1,
                "dead": 1,
                "failed": 1,
            },
        )
        self.assertGreaterEqual(status["oldest_queued_seconds"], 29)

    @override_settings(LEITAI_TASKS_BACKEND="redis")
    def test_a_job_submitted_while_redis_is_down_waits_and_is_announced_again(self) -> None:
        from leitai.web.tasks.tasks import job_run

        down = ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        queue = mock.Mock()
        with mock.patch.object(type(job_run), "using", return_value=queue):
            queue.enqueue.side_effect = down
            with (
                self.assertLogs("leitai.tasks", "WARNING") as logged,
                self.captureOnCommitCallbacks(execute=True),
            ):
                job = job_submit(handler=reporting_job, args={})
            self.assertIn("Redis could not be told", logged.output[0])
            job.refresh_from_db()
            self.assertEqual(job.state, Job.State.QUEUED)
            # Redis answers again; the janitor announces the job that waited five leases.
            queue.enqueue.side_effect = None
            queue.enqueue.return_value = mock.Mock(id="rq-1")
            Job.objects.filter(pk=job.pk).update(enqueued_at=timezone.now() - timedelta(hours=1))
            with self.captureOnCommitCallbacks(execute=True):
                jobs_recover()
        queue.enqueue.assert_called_with(job.pk)
        self.assertEqual(Job.objects.get(pk=job.pk).task_id, "rq-1")

    @override_settings(
        LEITAI_TASKS_BACKEND="redis", RQ_QUEUES={"leitai": {"URL": "redis://127.0.0.1:1/0"}}
    )
    def test_the_status_says_when_redis_does_not_answer(self) -> None:
        self.assertFalse(queue_status()["reachable"])


@DATABASE_QUEUE
class RestartRaceTests(TransactionTestCase):
    """Two offices post the same settings for a run whose worker died: one restart."""

    def test_racing_posts_restart_a_dead_run_exactly_once(self) -> None:
        from leitai.web.analysis import services as analysis
        from leitai.web.analysis.models import AnalysisRun
        from leitai.web.analysis.options import RunSettings
        from leitai.web.assessments.services import (
            data_values_import,
            period_compute,
            period_create,
            scheme_version_create,
            snapshot_publish,
        )
        from tests.web.test_analysis_pages import BackgroundRunTests as Tiny

        version = scheme_version_create(content=Tiny.SCHEME, source="tiny.yaml")
        period = period_create(code="2030Q1", scheme_version=version)
        data_values_import(period=period, source=Tiny.DATA.encode(), filename="tiny.csv")
        snapshot = snapshot_publish(snapshot=period_compute(period=period))
        settings = RunSettings(samples=20)
        run = analysis.analysis_run_ensure(snapshot=snapshot, run_settings=settings)
        self.assertEqual(run.job.state, Job.State.QUEUED)
        # Its worker claimed it and died.
        job_claim(job_id=run.job.pk, worker="gone")
        Job.objects.filter(pk=run.job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
        with mock.patch.object(analysis, "job_enqueue", wraps=analysis.job_enqueue) as sent:
            runs = _in_threads(
                2, lambda: analysis.analysis_run_ensure(snapshot=snapshot, run_settings=settings)
            )
        self.assertEqual(sent.call_count, 1)
        self.assertEqual({r.pk for r in runs}, {run.pk})
        job = Job.objects.get(pk=run.job.pk)
        self.assertEqual((job.state, job.attempts), (Job.State.QUEUED, 1))
        self.assertEqual(AnalysisRun.objects.get(pk=run.pk).state, AnalysisRun.State.PENDING)
        self.assertEqual(job_execute(job_id=job.pk, worker="alive"), "done")
        self.assertTrue(AnalysisRun.objects.get(pk=run.pk).is_done)
