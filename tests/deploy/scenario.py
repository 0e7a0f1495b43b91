"""Deployment scenario: two application processes and one worker on PostgreSQL and Redis.

Run it from the repository root::

    python -m tests.deploy.scenario [--keep]

It stands for a deployment over several hosts on one machine (127.0.0.1 only): a
database of its own on the PostgreSQL server at 127.0.0.1:5432 (user ``postgres``,
trust), a queue of its own on the Redis server at 127.0.0.1:6379, two ``leitai serve
--no-worker`` processes with separate data directories (sharing only the secret key
and the audit key, as hosts behind one reverse proxy do; docs/deploy.md; B starts with
the static files A collected, as a copy of the same release) and one ``leitai worker``.
Over HTTP it then

1. logs in as the office on application A,
2. computes 2023Q3 again and publishes it as a revision (the workflow's two POSTs),
3. reads the published league table on application B with the same session,
4. starts a robustness run on B and follows it on A until the worker is done.

It drops its database and its Redis keys at the end (``--keep`` leaves the data
directories). Exit code: 0 when every step held, 1 when one failed, 77 when PostgreSQL
or Redis cannot be reached (the test that runs it skips then).
"""

from __future__ import annotations

import argparse
import re
import secrets
import shutil
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from leitai.web.server import STATIC_FINGERPRINT
from tests.deploy.harness import (
    PRODUCTION_SETTINGS,
    REDIS_URL,
    Browser,
    Process,
    clean_env,
    reachable,
    start_server,
    start_worker,
    wait_for,
)

SKIP = 77
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def _say(text: str) -> None:
    print(f"[scenario {time.strftime('%H:%M:%S')}] {text}", flush=True)


def _database(name: str, *, create: bool) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        if create:
            admin.execute(f'CREATE DATABASE "{name}"')
        else:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _visitor(base: str, path: str) -> tuple[int, str, bytes]:
    """A visitor's GET (no cookie): status, Server-Timing header, body."""
    with urllib.request.urlopen(base + path, timeout=60) as response:
        return response.status, response.headers.get("Server-Timing", ""), response.read()


def _forget_queue(queue: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"rq:*{queue}*"))
    if keys:
        client.delete(*keys)


def _steps(root: Path, env: dict[str, str], started: list[Process]) -> None:
    key = secrets.token_urlsafe(50)
    dirs = {name: root / name for name in ("app-a", "app-b", "worker")}
    for path in dirs.values():
        path.mkdir(parents=True)
        (path / "secret_key").write_text(key + "\n", encoding="utf-8")

    _say("application A: migrating PostgreSQL and loading the demo")
    app_a, base_a = start_server("app-a", dirs["app-a"], env=env, demo=True, worker=False)
    started.append(app_a)
    # The same release's static files on B: A's start collected them with the very same
    # settings (hashing and compressing every file, some 2.4 s of CPU), B's would repeat it.
    for name in ("static", STATIC_FINGERPRINT):
        copy = shutil.copytree if name == "static" else shutil.copy2
        copy(dirs["app-a"] / name, dirs["app-b"] / name)
    app_b, base_b = start_server("app-b", dirs["app-b"], env=env, worker=False)
    started.append(app_b)
    worker = start_worker("worker", dirs["worker"], env=env)
    started.append(worker)
    _say(f"A at {base_a}, B at {base_b}, one worker (pid {worker.pid})")

    # Visitors on both processes: the page A drew is kept in the store both share
    # (Redis), and B serves it checked.
    drawn_a, stored_b = _visitor(base_a, "/periods/2023Q3/"), _visitor(base_b, "/periods/2023Q3/")
    assert drawn_a[0] == stored_b[0] == 200, (drawn_a[0], stored_b[0])
    assert "stored" not in drawn_a[1] and "stored" in stored_b[1], (drawn_a[1], stored_b[1])
    assert drawn_a[2] == stored_b[2], "B's stored page is not the page A drew"
    _say("visitors: A drew the league table, B served it from the shared page store")

    office = Browser(base_a)
    office.log_in("office")
    status, location, _ = office.post("/workflow/periods/2023Q3/compute/", {})
    assert status == 302, f"compute: {status}"
    status, location, body = office.post(
        "/workflow/periods/2023Q3/publish/", {"reason": "scenario: revision of 2023Q3"}
    )
    assert status == 302 and location.rstrip("/").endswith("/periods/2023Q3"), (
        f"publish: {status} {location} {body[:300]!r}"
    )
    _say("A: 2023Q3 computed and published as a revision")

    # The same session on the other application process: nothing lives in a process.
    on_b = Browser(base_b, jar=office.jar)
    status, _, page = on_b.get("/periods/2023Q3/revisions/")
    assert status == 200, f"revisions on B: {status}"
    assert "scenario: revision of 2023Q3" in page.decode(), "the revision's reason is not listed"
    status, _, page = on_b.get("/periods/2023Q3/")
    assert status == 200 and "2023" in page.decode(), f"league on B: {status}"
    _say("B: the published league table and its revisions read with A's session")
    status, timing, page = _visitor(base_b, "/periods/2023Q3/")
    assert status == 200 and "stored" not in timing, (status, timing)
    assert "scenario: revision of 2023Q3" in page.decode(), "a visitor on B reads the old result"
    _say("visitors: B draws the revision A published, not the page stored before it")

    run = on_b.start_run("2023Q3", samples=500, seed=2026)
    _say(f"B: robustness run {run} queued")
    done = wait_for(
        "the worker to finish the run (followed on A)",
        lambda: (s := office.run_status("2023Q3", run))["state"] == "done" and s,
        timeout=300,
    )
    assert done["done"] == done["total"] > 0, done
    # The worker logs the job finished just after it commits the run done: the page may
    # say so a moment before the log does.
    wait_for(
        "the worker to log the job finished",
        lambda: re.search(r"job \d+ finished", worker.output()),
        timeout=60,
    )
    _say(f"A: run {run} done ({done['total']} assessments) by the worker on Redis")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.deploy.scenario")
    parser.add_argument("--keep", action="store_true", help="keep the data directories")
    args = parser.parse_args(argv)
    if not reachable("127.0.0.1", 5432) or not reachable("127.0.0.1", 6379):
        _say("skipped: PostgreSQL (127.0.0.1:5432) or Redis (127.0.0.1:6379) does not answer")
        return SKIP
    tag = uuid.uuid4().hex[:10]
    name, queue = f"leitai_scenario_{tag}", f"leitai-scenario-{tag}"
    root = Path(tempfile.mkdtemp(prefix="leitai-scenario-"))
    env = clean_env(
        # Production's settings (the harness's processes take the tests' own otherwise).
        DJANGO_SETTINGS_MODULE=PRODUCTION_SETTINGS,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{name}",
        REDIS_URL=REDIS_URL,
        LEITAI_TASKS_QUEUE=queue,
        LEITAI_TASKS_LEASE="10",
        # One audit key for every process: each checks the seals the others made.
        LEITAI_AUDIT_KEY=secrets.token_urlsafe(32),
    )
    started: list[Process] = []
    _database(name, create=True)
    try:
        _steps(root, env, started)
    except AssertionError as exc:
        _say(f"FAILED: {exc}")
        for process in started:
            print(f"--- {process.name} ---\n{process.output()[-4000:]}", file=sys.stderr)
        return 1
    finally:
        for process in reversed(started):
            process.stop(timeout=30)
        _database(name, create=False)
        _forget_queue(queue)
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    _say("every step held")
    return 0


if __name__ == "__main__":
    sys.exit(main())
