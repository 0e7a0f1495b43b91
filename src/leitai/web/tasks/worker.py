"""The worker process: ``leitai worker``, and the one child worker of ``leitai serve``.

It runs the configured backend's own worker loop (django-tasks-db's ``Worker`` or an RQ
``SimpleWorker``), each task of which claims and runs one job (:func:`job_execute`), and
beside it a janitor that queues again the jobs of dead workers and, for a child of
``leitai serve``, stops the worker when its parent is gone. On SIGTERM or SIGINT the
running job is handed back to the queue at its next progress report and the process
exits; a second signal exits at once.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

logger = logging.getLogger("leitai.tasks")


def _setup(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["LEITAI_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leitai.web.settings")
    import django

    django.setup()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s worker[%(process)d] %(message)s"))
    for name in ("leitai.tasks", "django_tasks_db", "django_tasks", "rq.worker"):
        log = logging.getLogger(name)
        log.setLevel(logging.INFO)
        log.addHandler(handler)
        log.propagate = False


def _wait_for_schema(timeout: float) -> bool:
    """Wait until the database is migrated (``leitai serve`` migrates it)."""
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    deadline = time.monotonic() + timeout
    while True:
        try:
            executor = MigrationExecutor(connection)
            if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
                return True
        except DatabaseError:
            pass
        if time.monotonic() > deadline:
            return False
        time.sleep(1.0)


def _redis_answers() -> bool:
    from leitai.web.tasks.selectors import redis_reachable

    return redis_reachable()


def _janitor(parent_pid: int | None, period: float) -> None:
    from django.db import close_old_connections

    from leitai.web.tasks.services import jobs_recover

    next_sweep = 0.0
    while True:
        if parent_pid is not None and os.getppid() != parent_pid:
            logger.warning("the server that started this worker is gone: stopping")
            os.kill(os.getpid(), signal.SIGTERM)
            return
        if time.monotonic() >= next_sweep:
            try:
                close_old_connections()
                jobs_recover()
            except Exception:
                logger.exception("recovering dead jobs failed; trying again later")
            next_sweep = time.monotonic() + period
        _reminders_tick()
        time.sleep(0.5)


_next_reminders = 0.0


def _reminders_tick() -> None:
    """Every LEITAI_REMINDERS_EVERY seconds: plan the due reminders and queue their sending."""
    global _next_reminders
    from django.conf import settings

    if time.monotonic() < _next_reminders:
        return
    _next_reminders = time.monotonic() + float(settings.LEITAI_REMINDERS_EVERY)
    from leitai.web.reminders.services import reminders_tick

    try:
        reminders_tick()
    except Exception:
        logger.exception("planning reminders failed; trying again later")


def _run_database(interval: float) -> None:
    from django.conf import settings
    from django_tasks_db.management.commands.db_worker import Worker

    from leitai.web.tasks.services import stopping, worker_id

    class DatabaseWorker(Worker):
        def shutdown(self, signum: int, frame: Any) -> None:
            stopping.set()
            super().shutdown(signum, frame)

    worker = DatabaseWorker(
        queue_names=[settings.LEITAI_TASKS_QUEUE],
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id()[:64],
        excluded_queue_names=[],
    )
    worker.configure_signals()
    worker.run()


# Seconds: how long the Redis worker's command listener reads before it looks whether it
# is to stop (see :func:`redis_worker_class`).
COMMANDS_READ_EVERY = 1.0


def redis_worker_class() -> type[Any]:
    """The RQ worker of ``LEITAI_TASKS_BACKEND=redis``: one process, the job in it
    (rq's ``SimpleWorker``), stopped as the database worker is (:data:`stopping`)."""
    from rq.worker import SimpleWorker

    from leitai.web.tasks.services import stopping

    class RedisWorker(SimpleWorker):
        def request_stop(self, signum: Any, frame: Any) -> None:
            stopping.set()
            super().request_stop(signum, frame)

        def subscribe(self) -> None:
            # rq listens for its commands in a thread that reads with a 60 s timeout,
            # and redis-py (8.x) makes that thread's stop() wait for the read to end:
            # a stop that came just after the unsubscribe's answer had waited up to a
            # minute (and ``leitai serve`` kills its worker after 30 s). Read every
            # second, so that a stop ends within one.
            self.log.info(
                "Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name
            )
            self.pubsub = self.connection.pubsub()
            self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
            # rq declares the attribute as None only (it sets it just so).
            self.pubsub_thread = self.pubsub.run_in_thread(  # type: ignore[assignment]
                sleep_time=COMMANDS_READ_EVERY,
                daemon=True,
                exception_handler=self._pubsub_exception_handler,
            )

    return RedisWorker


def _run_redis() -> None:
    import django_rq
    from django.conf import settings
    from django_tasks_rq.backend import Job as TaskJob

    from leitai.web.tasks.services import worker_id

    worker = django_rq.get_worker(
        settings.LEITAI_TASKS_QUEUE,
        job_class=TaskJob,
        # django-rq annotates rq.Worker, but takes any rq worker class; SimpleWorker (one
        # process, the job in it) derives from rq's BaseWorker, not from Worker.
        worker_class=redis_worker_class(),
        name=worker_id().replace(":", "-")[:64],
    )
    worker.work(with_scheduler=False, logging_level="INFO")


def worker_main(*, data_dir: Path, parent_pid: int | None = None, interval: float = 1.0) -> int:
    """Run one worker until it is stopped; returns the exit code."""
    _setup(data_dir)
    from django.conf import settings

    backend = settings.LEITAI_TASKS_BACKEND
    if backend == "immediate":
        print(
            "LEITAI_TASKS_BACKEND=immediate runs jobs in the request: no worker needed.",
            file=sys.stderr,
        )
        return 2
    if backend == "redis" and not _redis_answers():
        print(
            "Redis 无法连接 / Redis does not answer at REDIS_URL "
            f"({settings.RQ_QUEUES[settings.LEITAI_TASKS_QUEUE]['URL']})",
            file=sys.stderr,
        )
        return 2
    if not _wait_for_schema(timeout=120):
        print(
            "数据库尚未迁移，请先运行一次 leitai serve / "
            "the database is not migrated: start `leitai serve` once first.",
            file=sys.stderr,
        )
        return 2
    from leitai.web.audit.integrity import audit_key_problem

    problem = audit_key_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    lease = float(settings.LEITAI_TASKS_LEASE)
    threading.Thread(
        target=_janitor, args=(parent_pid, max(lease / 2, 0.5)), name="janitor", daemon=True
    ).start()
    logger.info("worker started: backend=%s queue=%s", backend, settings.LEITAI_TASKS_QUEUE)
    try:
        if backend == "redis":
            _run_redis()
        else:
            _run_database(interval)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def workers_main(*, data_dir: Path, count: int, interval: float = 1.0) -> int:
    """Run ``count`` worker processes and wait for them; SIGTERM stops them all."""
    if count == 1:
        return worker_main(data_dir=data_dir, interval=interval)
    children = [_spawn(data_dir, parent_pid=os.getpid(), interval=interval) for _ in range(count)]

    def stop(signum: int, frame: Any) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    codes = [child.wait() for child in children]
    return max(codes, default=0)


def _spawn(data_dir: Path, *, parent_pid: int, interval: float = 1.0) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "leitai.cli",
        "worker",
        "--data-dir",
        str(data_dir),
        "--parent-pid",
        str(parent_pid),
        "--interval",
        str(interval),
    ]
    return subprocess.Popen(command)


@contextmanager
def worker_child(
    data_dir: Path, *, enabled: bool = True
) -> Iterator[subprocess.Popen[bytes] | None]:
    """One worker process beside ``leitai serve``, stopped with it (killed if it hangs)."""
    if not enabled:
        yield None
        return
    child = _spawn(Path(data_dir), parent_pid=os.getpid())
    try:
        yield child
    finally:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
