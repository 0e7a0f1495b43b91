"""``leitai backup``, ``leitai restore`` and ``leitai verify`` as an operator runs them:
round trips on SQLite, on PostgreSQL and from SQLite to PostgreSQL, compared table by
table and file by file."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.cli.backup_helpers import add_files, leitai, session

POSTGRES = os.environ.get("LEITAI_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")


class Source(NamedTuple):
    data_dir: Path
    archive: Path
    before: dict
    refused: subprocess.CompletedProcess[str]
    after_refusal: dict


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Source:
    """The demo installed on SQLite, with files of the test's own, its backup and its dump;
    then the backup restored over it (refused: the database holds data) and its dump again.

    The installation is a copy of the run's demo template (tests.deploy.harness: a data
    directory that ``leitai serve --demo`` migrated and installed the demo into, built once
    for the whole run and shared by the xdist workers) without its collected static files,
    which a backup leaves out; installing the demo again here cost about 8.5 s of CPU.
    The four steps run in one process (:func:`session`), which saves three starts of
    Python and Django (about 1.9 s of CPU each).
    """
    data_dir = tmp_path_factory.mktemp("source") / "data"
    shutil.copytree(demo_template, data_dir, ignore=shutil.ignore_patterns("static", "static.*"))
    add_files(data_dir)
    archive = data_dir.parent / f"{data_dir.name}.zip"
    done, before, refused, after = session(
        data_dir,
        ("leitai", "backup", "-o", str(archive)),
        ("dump",),
        ("leitai", "restore", str(archive)),
        ("dump",),
    )
    assert done.returncode == 0, done.stderr
    return Source(data_dir, archive, before, refused, after)


class Restored(NamedTuple):
    data_dir: Path
    found: dict
    verified: subprocess.CompletedProcess[str]
    verified_after_recording: subprocess.CompletedProcess[str]


RECORD = (
    "from leitai.web.audit.services import audit_record\n"
    "audit_record(action='settings.changed', after={'x': 1})\n"
)


@pytest.fixture(scope="module")
def restored(source: Source, tmp_path_factory: pytest.TempPathFactory) -> Restored:
    """The source's backup restored on SQLite by ``leitai restore`` in a process of its
    own, as an operator runs it (once per module: a restore migrates a new database and
    loads every row); then, in a new process, its dump and ``leitai verify``, an audit
    entry recorded and ``leitai verify`` again."""
    target = tmp_path_factory.mktemp("restored") / "restored"
    restore(source.archive, target)
    found, verified, _recorded, again = session(
        target, ("dump",), ("leitai", "verify"), ("python", RECORD), ("leitai", "verify")
    )
    return Restored(target, found, verified, again)


@pytest.fixture(scope="module")
def refusals(
    source: Source, tmp_path_factory: pytest.TempPathFactory
) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    """Two restores refused before anything is written, in one process: into a data
    directory that holds another audit key, first the source's backup altered after it was
    made (the archive's members are checked before its key), then the backup itself."""
    folder = tmp_path_factory.mktemp("refusals")
    altered = folder / "altered.zip"
    with zipfile.ZipFile(source.archive) as original, zipfile.ZipFile(altered, "w") as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "data/assessments.Snapshot.jsonl":
                data = data.replace(b'"published"', b'"draft"', 1)
            copy.writestr(item, data)
    target = folder / "r"
    target.mkdir()
    (target / "audit_key").write_text("another key\n", encoding="utf-8")
    altered_refused, key_refused = session(
        target,
        ("leitai", "restore", str(altered), "--lang", "en"),
        ("leitai", "restore", str(source.archive)),
    )
    return altered_refused, key_refused


def postgres_database() -> Iterator[str]:
    try:
        import psycopg
    except ImportError:
        pytest.skip("psycopg is not installed")
    admin_url = POSTGRES.replace("postgres://", "postgresql://")
    try:
        admin = psycopg.connect(admin_url, connect_timeout=3, autocommit=True)
    except psycopg.Error:
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES}")
    name = f"leitai_backup_{uuid.uuid4().hex[:10]}"
    with admin:
        admin.execute(f"CREATE DATABASE {name}")
        try:
            yield POSTGRES.rsplit("/", 1)[0] + f"/{name}"
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from postgres_database()


@pytest.fixture
def pg_url_2() -> Iterator[str]:
    yield from postgres_database()


def assert_same(a: dict, b: dict) -> None:
    assert a["tables"].keys() == b["tables"].keys()
    for table, rows in a["tables"].items():
        assert rows == b["tables"][table], table
    assert a["files"] == b["files"]
    # The media came along: the test's own files and the demo's evidence (佐证材料).
    assert "evidence.bin" in a["files"] and any(k.startswith("uploads/") for k in a["files"])
    assert any(k.startswith("workflow/evidence/") for k in a["files"]), sorted(a["files"])
    assert sum(len(rows) for rows in a["tables"].values()) > 1000


def restore(archive: Path, data_dir: Path, url: str | None = None) -> None:
    done = leitai("restore", str(archive), data_dir=data_dir, database_url=url)
    assert done.returncode == 0, done.stderr


def test_a_backup_restores_exactly_on_sqlite_and_verifies(source, restored) -> None:
    done = restored.verified
    assert_same(source.before, restored.found)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "记录完整" in done.stdout
    # A new installation's restore needs no key beforehand: it takes the archive's.
    for name in ("audit_key", "secret_key"):
        key = restored.data_dir / name
        assert key.read_bytes() == (source.data_dir / name).read_bytes()
        assert oct(key.stat().st_mode & 0o777) == "0o600"
    assert oct(source.archive.stat().st_mode & 0o777) == "0o600"


def test_timestamps_keep_their_microseconds(source) -> None:
    stamps = [row["at"] for row in source.before["tables"]["audit.AuditEntry"]]
    assert any("." in s for s in stamps), stamps[:3]


def test_the_restored_installation_goes_on_recording(restored) -> None:
    verified = restored.verified_after_recording
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_restore_refuses_a_database_that_holds_data(source) -> None:
    done = source.refused
    assert done.returncode == 2
    assert "空数据库" in done.stderr
    assert_same(source.before, source.after_refusal)


def test_restore_refuses_an_archive_altered_after_it_was_made(refusals) -> None:
    done, _key_refused = refusals
    assert done.returncode == 2
    assert "data/assessments.Snapshot.jsonl" in done.stderr


def test_restore_refuses_a_different_audit_key_in_place(refusals) -> None:
    _altered_refused, done = refusals
    assert done.returncode == 2
    assert "audit_key" in done.stderr


def test_verify_finds_an_entry_edited_in_the_middle_with_the_trigger_dropped(
    source, tmp_path
) -> None:
    data_dir = tmp_path / "copy"
    shutil.copytree(source.data_dir, data_dir)
    with sqlite3.connect(data_dir / "leitai.sqlite3") as db:
        db.execute("DROP TRIGGER audit_entry_no_update")
        db.execute("UPDATE audit_auditentry SET note = 'rewritten' WHERE id = 5")
    done, english = session(data_dir, ("leitai", "verify"), ("leitai", "verify", "--lang", "en"))
    assert done.returncode == 1
    assert "#5" in done.stdout and "审计日志" in done.stdout
    assert "audit entry #5 does not match its keyed digest" in english.stdout


def test_verify_finds_the_last_entry_deleted(source, tmp_path) -> None:
    data_dir = tmp_path / "copy"
    shutil.copytree(source.data_dir, data_dir)
    with sqlite3.connect(data_dir / "leitai.sqlite3") as db:
        db.execute("DROP TRIGGER audit_entry_no_delete")
        db.execute("DELETE FROM audit_auditentry WHERE id = (SELECT max(id) FROM audit_auditentry)")
    (done,) = session(data_dir, ("leitai", "verify", "--lang", "en"))
    assert done.returncode == 1
    assert "audit_head.json" in done.stdout and "cut short or wiped" in done.stdout


def test_verify_finds_the_log_wiped_by_the_anchors_of_a_backup(source, tmp_path) -> None:
    data_dir = tmp_path / "copy"
    shutil.copytree(source.data_dir, data_dir)
    (data_dir / "audit_anchors.jsonl").unlink()  # the attacker removed these too
    (data_dir / "audit_head.json").unlink()
    with sqlite3.connect(data_dir / "leitai.sqlite3") as db:
        db.execute("DROP TRIGGER audit_entry_no_delete")
        db.execute("DELETE FROM audit_auditentry")
    alone, with_backup = session(
        data_dir,
        ("leitai", "verify"),
        ("leitai", "verify", "--backup", str(source.archive), "--lang", "en"),
    )
    assert alone.returncode == 1  # the published snapshots' anchors are gone from the log
    assert with_backup.returncode == 1
    assert f"backup {source.archive.name}" in with_backup.stdout


def restored_here(
    archive: Path, data_dir: Path, url: str | None = None, *then: tuple[str, ...]
) -> tuple[dict, subprocess.CompletedProcess[str], list]:
    """``archive`` restored into ``data_dir`` (and ``url``), its dump and ``leitai verify``,
    then the steps ``then``: one process (:func:`session`). That a restored installation
    verifies in a process of its own is shown on SQLite (:func:`restored`)."""
    done, found, verified, *rest = session(
        data_dir,
        ("leitai", "restore", str(archive)),
        ("dump",),
        ("leitai", "verify"),
        *then,
        database_url=url,
    )
    assert done.returncode == 0, done.stderr
    assert verified.returncode == 0, verified.stdout + verified.stderr
    return found, verified, rest


def test_a_round_trip_on_postgresql_is_exact(source, tmp_path, pg_url, pg_url_2) -> None:
    second = tmp_path / "p1.zip"
    # SQLite -> PostgreSQL, then a backup of it
    from_sqlite, _verified, (done,) = restored_here(
        source.archive, tmp_path / "p1", pg_url, ("leitai", "backup", "-o", str(second))
    )
    assert_same(source.before, from_sqlite)
    assert done.returncode == 0, done.stderr
    after, _verified, _ = restored_here(second, tmp_path / "p2", pg_url_2)  # PG -> PG
    assert_same(from_sqlite, after)
    after, _verified, _ = restored_here(second, tmp_path / "s2")  # and back to SQLite
    assert_same(source.before, after)
