"""The database-sensitive web tests on PostgreSQL, when a server is reachable (SQLite is
the default run)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

POSTGRES_URL = os.environ.get("LEITAI_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")
ROOT = Path(__file__).resolve().parents[2]

# The web tests whose outcome most depends on the database: one unit kept out of another's
# data, the append-only audit record and its seals, and claims that must hold once under
# concurrency (judges' sheets, reminders). The rest runs on SQLite only, which keeps the
# whole suite within CI's time.
#
# The permission matrix (tests/web/test_permissions.py) runs on SQLite only: its outcomes
# come from the views' role checks, not from the database. It passed on PostgreSQL as on
# SQLite (every one of its cases, per role and public boards on and off, gave the same
# status on both), and it was 70% of this run (1,000 of 1,450 s in one process, timed on a
# loaded machine). What of it does depend on the database, a unit's queries kept to its own
# rows, runs here in the isolation, approval and API tests (another unit's uploads,
# figures, objections, approvals and tokens).
ON_POSTGRES = [
    "tests/web/test_workflow_isolation.py",
    "tests/web/test_workflow_approval.py",
    "tests/web/test_workflow_department_approval.py",
    # A data migration that writes rows, then alters their table (deferred checks).
    "tests/web/test_workflow_migrations.py",
    "tests/web/test_workflow_providers.py",
    "tests/web/test_audit_integrity.py",
    "tests/web/test_arena_judging.py",
    "tests/web/test_reminders_delivery.py",
    # Departments reminded against their own deadlines by two workers; who supplies what.
    "tests/web/test_reminders_providers.py",
    "tests/web/test_workflow_assignments.py",
    # Writes through API tokens: the upload's locks, and the token's own (revocation).
    "tests/web/test_api_writes.py",
]


def reachable(url: str) -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    try:
        psycopg.connect(url.replace("postgres://", "postgresql://"), connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


def test_the_tests_run_on_postgresql_exist():
    assert [name for name in ON_POSTGRES if not (ROOT / name).is_file()] == []


@pytest.mark.postgres
@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="this run is on PostgreSQL"
)
def test_the_web_suite_passes_on_postgresql():
    if not reachable(POSTGRES_URL):
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL}")
    # A database name of this run's own, so that concurrent runs do not share test_<name>.
    own = POSTGRES_URL.rsplit("/", 1)[0] + f"/leitai_{os.getpid()}"
    env = dict(os.environ, DATABASE_URL=own)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            *ON_POSTGRES,
            "-q",
            "-m",
            "not browser",
            "-p",
            "no:cacheprovider",
            # One process (the project's addopts ask for -n auto): the suite runs this test
            # first, beside its other worker, and a second worker here would compete with
            # that one for the two cores and build a second database and demo of its own.
            "-n",
            "0",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        timeout=900,
    )
    tail = "\n".join(done.stdout.splitlines()[-30:])
    assert done.returncode == 0, (
        f"the web suite failed on PostgreSQL:\n{tail}\n{done.stderr[-2000:]}"
    )
    assert " passed" in tail
