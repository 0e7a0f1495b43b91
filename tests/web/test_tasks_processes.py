"""The task queue with real processes: ``leitai serve`` and ``leitai worker`` on 127.0.0.1.

A robustness run survives ``kill -9`` of its worker and of the server whose child
worker runs it; two workers never run one job twice. Each test runs on the database
backend, and on Redis (RQ) when a server answers at 127.0.0.1:6379. Executions are
counted from the workers' own logs ("job N started ..."), not from the job rows that
the claim itself writes. The runs are small; the deadlines are generous (a loaded
2-core machine) and nothing waits a fixed time.

Each process start costs some 2 s of CPU, so one server per backend (a :class:`Stage`)
serves the worker-kill test and the tests that kill nothing: the kill test starts it
without a worker, and its surviving worker is then one of the two the others share.
"""

from __future__ import annotations

import os
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.deploy.harness import (
    REDIS_URL,
    Browser,
    Process,
    clean_env,
    demo_copy,
    demo_template_on_redis,
    job_starts,
    reachable,
    start_server,
    start_worker,
    wait_for,
)

pytestmark = [
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    # The processes keep their own data directory (SQLite): the rerun of the web suite
    # on PostgreSQL would only repeat them (the deployment scenario covers PostgreSQL).
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="run once, in the SQLite run",
    ),
]

BACKENDS = ["database", "redis"]
LEASE = "3"  # seconds: a dead worker's job is taken up quickly
PACE = "0.05"  # seconds at each progress step: two workers overlap on the short runs
# The runs to be killed half way: 200 samples are 1,200 assessments in six progress
# steps (one block of each of the run's six sample matrices, whatever the number of
# samples up to a block's 4,096). What keeps such a run going is the pause at each step
# (LONG_PACE), not the computing: 9 s, 7.5 of them after the first progress is shown, in
# which the test sees it and kills. (2,000 samples lasted as long and cost 0.4 s more
# CPU per run; 20,000 some 7 s.) The process that finishes the run after the kill
# pauses PACE only: what it shows is that it finishes, not how long that takes.
LONG = 200
LONG_PACE = "1.5"  # seconds at each of the six steps of a run of LONG samples


@contextmanager
def _backend(name: str) -> Iterator[dict[str, str]]:
    """The environment of the processes on backend ``name`` (a queue of their own on Redis)."""
    # A pause at each progress step, so that two workers overlap on the short runs;
    # the processes whose run is killed half way pause longer (LONG_PACE).
    env = clean_env(LEITAI_TASKS_LEASE=LEASE, LEITAI_TASKS_PACE=PACE)
    if name == "redis":
        if not reachable("127.0.0.1", 6379):
            pytest.skip("no Redis at 127.0.0.1:6379")
        queue = f"leitai-test-{uuid.uuid4().hex[:10]}"
        env.update(LEITAI_TASKS_BACKEND="redis", REDIS_URL=REDIS_URL, LEITAI_TASKS_QUEUE=queue)
        yield env
        _forget_queue(queue)
    else:
        env.update(LEITAI_TASKS_BACKEND="database")
        yield env


@pytest.fixture(params=BACKENDS)
def backend_env(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    with _backend(request.param) as env:
        yield env


def _forget_queue(queue: str) -> None:
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(f"rq:*{queue}*"))
        if keys:
            client.delete(*keys)
    except Exception:
        pass


def _data_dir(demo_template: Path, target: Path, env: dict[str, str]) -> Path:
    """A data directory with the demo installed (the run's demo template, copied; on
    Redis, the template as the Redis backend's settings migrate and collect it)."""
    if env["LEITAI_TASKS_BACKEND"] == "redis":
        demo_template = demo_template_on_redis(demo_template)
    return demo_copy(demo_template, target)


@pytest.fixture
def data_dir(demo_template: Path, tmp_path: Path, backend_env: dict[str, str]) -> Path:
    return _data_dir(demo_template, tmp_path / "data", backend_env)


@dataclass
class Stage:
    """One server without a worker on one backend, and the workers started beside it."""

    data_dir: Path
    env: dict[str, str]
    server: Process
    base: str
    workers: list[Process] = field(default_factory=list)
    started: list[Process] = field(default_factory=list)

    def start_worker(self, **env: str) -> Process:
        """A new worker (its own name, so its log is its own), with ``env`` added."""
        name = f"worker-{len(self.started) + 1}"
        worker = start_worker(name, self.data_dir, env=dict(self.env, **env))
        self.started.append(worker)
        self.workers.append(worker)
        return worker

    def live_workers(self, count: int) -> list[Process]:
        """Exactly ``count`` running workers (those still running, stopped or started),
        each of them ready: a test's jobs find them all waiting for work."""
        self.workers = [worker for worker in self.workers if worker.alive()]
        while len(self.workers) > count:
            self.workers.pop().stop(timeout=30)
        while len(self.workers) < count:
            self.start_worker()
        for worker in self.workers:
            wait_for(f"{worker.name} to start", lambda worker=worker: _ready(worker), most=0.25)
        return list(self.workers)


def _ready(worker: Process) -> bool:
    if not worker.alive():
        raise AssertionError(f"{worker.name} stopped:\n{worker.output()}")
    return "worker started" in worker.output()


@pytest.fixture(scope="module", params=BACKENDS)
def stage(
    request: pytest.FixtureRequest, demo_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stage]:
    with _backend(request.param) as env:
        data_dir = _data_dir(demo_template, tmp_path_factory.mktemp("stage") / "data", env)
        server, base = start_server("server", data_dir, env=env, worker=False)
        stage = Stage(data_dir=data_dir, env=env, server=server, base=base)
        try:
            yield stage
        finally:
            for process in [*stage.started, server]:
                process.stop(timeout=30)


@dataclass
class Queue:
    """A server without a worker and two workers beside it, on one backend."""

    server: Process
    base: str
    workers: list[Process]

    def marks(self) -> dict[str, int]:
        """Where each worker's log ends now: :func:`job_starts` after them is a test's own."""
        return {worker.name: len(worker.output()) for worker in self.workers}


@pytest.fixture
def queue(stage: Stage) -> Queue:
    """The stage's server and two workers, for the tests that kill nothing: each counts
    the executions of its own jobs (the workers' logs after its start)."""
    return Queue(server=stage.server, base=stage.base, workers=stage.live_workers(2))


@pytest.fixture
def processes() -> Iterator[list[Process]]:
    started: list[Process] = []
    yield started
    for process in started:
        process.stop(timeout=30)


def _progressing(browser: Browser, run: int) -> dict | None:
    status = browser.run_status("2023Q3", run)
    assert status["state"] not in ("done", "failed"), status
    return status if status["state"] == "running" and status["done"] > 0 else None


def _finished(browser: Browser, run: int) -> dict | None:
    status = browser.run_status("2023Q3", run)
    assert status["state"] != "failed", status
    return status if status["state"] == "done" else None


def _worker_pid(server: Process) -> str | None:
    match = re.search(r"worker\[(\d+)\] worker started", server.output())
    return match[1] if match else None


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            return any(line.startswith("State:\tZ") for line in handle)
    except FileNotFoundError:
        return True


def test_a_run_survives_kill_9_of_its_worker_and_racing_posts_restart_it_once(
    stage: Stage,
) -> None:
    stage.live_workers(0)  # the run waits for the first worker this test starts
    base = stage.base
    office = Browser(base)
    office.log_in("office")
    run = office.start_run("2023Q3", samples=LONG, seed=11)
    assert office.run_status("2023Q3", run)["state"] == "pending"  # no worker yet

    first = stage.start_worker(LEITAI_TASKS_PACE=LONG_PACE)
    wait_for("the first worker to make progress", lambda: _progressing(office, run))
    first.kill9()
    # No worker holds it any more: once its lease runs out the page says so.
    wait_for(
        "the run to be reported interrupted",
        lambda: office.run_status("2023Q3", run)["state"] == "stale",
    )

    # Two posts of the same settings race to restart it: both answer, one restarts.
    answers: list[int] = []

    def post() -> None:
        # The office's session (a double click, or two tabs): no login of its own first,
        # so the two posts leave together.
        other = Browser(base, jar=office.jar)
        answers.append(other.start_run("2023Q3", samples=LONG, seed=11))

    racers = [threading.Thread(target=post) for _ in range(2)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(120)
    assert answers == [run, run]

    second = stage.start_worker()  # PACE: it stays, one of the two workers of `queue`
    status = wait_for("the second worker to finish", lambda: _finished(office, run), timeout=300)
    assert status["done"] == status["total"] == LONG * 6
    starts = job_starts(first, second)
    assert list(starts.values()) == [[(first.name, 1), (second.name, 2)]], starts


def test_a_run_survives_kill_9_of_the_server_and_its_worker_child_stops(
    data_dir: Path, backend_env: dict[str, str], processes: list[Process]
) -> None:
    server, base = start_server(
        "server-1", data_dir, env=dict(backend_env, LEITAI_TASKS_PACE=LONG_PACE)
    )
    processes.append(server)
    office = Browser(base)
    office.log_in("office")
    run = office.start_run("2023Q3", samples=LONG, seed=12)
    wait_for("the server's worker to make progress", lambda: _progressing(office, run))
    child = int(wait_for("the worker child's pid", lambda: _worker_pid(server)))
    assert child != server.pid
    server.kill9()
    # The orphaned worker notices, hands the job back and exits: nothing is left running.
    wait_for("the worker child to exit", lambda: _gone(child), timeout=60)
    assert "handed back to the queue" in server.output()

    again, base = start_server("server-2", data_dir, env=backend_env)
    processes.append(again)
    # The same session: it lives in the database, not in the killed process.
    office = Browser(base, jar=office.jar)
    status = wait_for(
        "the new server's worker to finish", lambda: _finished(office, run), timeout=300
    )
    assert status["done"] == status["total"] == LONG * 6
    starts = job_starts(server, again)
    # Handed back, not failed: the restart is its first attempt again.
    assert list(starts.values()) == [[("server-1", 1), ("server-2", 1)]], starts


def test_two_workers_never_run_one_job_twice(queue: Queue) -> None:
    office = Browser(queue.base)
    office.log_in("office")
    marks = queue.marks()
    runs = [office.start_run("2023Q3", samples=60, seed=seed) for seed in range(100, 108)]
    for run in runs:
        wait_for(f"run {run} to finish", lambda run=run: _finished(office, run), timeout=300)
    starts = job_starts(*queue.workers, after=marks)
    assert len(starts) == len(runs), starts
    assert all(len(executions) == 1 for executions in starts.values()), starts


def test_the_result_book_is_built_by_a_worker_once_and_then_served(queue: Queue) -> None:
    reader = Browser(queue.base)
    reader.log_in("viewer")
    marks = queue.marks()
    status, _, page = reader.get("/periods/2023Q1/book.xlsx")
    assert status == 200 and b"data-artifact-build" in page
    status, location, _ = reader.post("/periods/2023Q1/book.xlsx", {})
    assert (status, location) == (302, "/periods/2023Q1/book.xlsx?wait=1")
    wait_for(
        "the worker to build the book",
        lambda: b"data-artifact-ready" in reader.get("/periods/2023Q1/book.xlsx?wait=1")[2],
    )
    status, _, content = reader.get("/periods/2023Q1/book.xlsx")
    assert status == 200 and content[:2] == b"PK"  # an XLSX (zip) file
    reader.post("/periods/2023Q1/book.xlsx", {})  # asked again: served, not rebuilt
    starts = job_starts(*queue.workers, after=marks)
    assert len(starts) == 1, starts
