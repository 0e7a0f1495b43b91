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

import pytest

from tests.cli.backup_helpers import add_files, dump, dump_and_verify, leitai, run_python

POSTGRES = os.environ.get("LEITAI_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="module")
def source(
    tmp_path_factory: pytest.TempPathFactory, demo_template: Path
) -> Iterator[tuple[Path, Path, dict]]:
    """The demo installed on SQLite, with files of the test's own, its backup and its dump.

    The installation is a copy of the run's demo template (tests.deploy.harness: a data
    directory that ``leitai serve --demo`` migrated and installed the demo into, built once
    for the whole run and shared by the xdist workers) without its collected static files,
    which a backup leaves out; installing the demo again here cost about 8.5 s of CPU.
    """
    data_dir = tmp_path_factory.mktemp("source") / "data"
    shutil.copytree(demo_template, data_dir, ignore=shutil.ignore_patterns("static", "static.*"))
    add_files(data_dir)
    archive = data_dir.parent / f"{data_dir.name}.zip"
    done = leitai("backup", "-o", str(archive), data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    yield data_dir, archive, dump(data_dir)


@pytest.fixture(scope="module")
def restored(source, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The source's backup restored on SQLite by ``leitai restore`` (once per module: a
    restore migrates a new database and loads every row); tests that change it copy it."""
    _data_dir, archive, _before = source
    target = tmp_path_factory.mktemp("restored") / "restored"
    restore(archive, target)
    return target


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


def verify(data_dir: Path, url: str | None = None, *args: str) -> subprocess.CompletedProcess:
    return leitai("verify", *args, data_dir=data_dir, database_url=url)


def test_a_backup_restores_exactly_on_sqlite_and_verifies(source, restored) -> None:
    _data_dir, archive, before = source
    after, done = dump_and_verify(restored)
    assert_same(before, after)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "记录完整" in done.stdout
    key = restored / "audit_key"
    assert key.read_bytes() == (source[0] / "audit_key").read_bytes()
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    assert oct(archive.stat().st_mode & 0o777) == "0o600"


def test_timestamps_keep_their_microseconds(source) -> None:
    _data_dir, _archive, before = source
    stamps = [row["at"] for row in before["tables"]["audit.AuditEntry"]]
    assert any("." in s for s in stamps), stamps[:3]


def test_the_restored_installation_goes_on_recording(restored, tmp_path) -> None:
    shutil.copytree(restored, tmp_path / "r")  # the same files, which this test changes
    run_python(
        "import django; django.setup()\n"
        "from leitai.web.audit.services import audit_record\n"
        "audit_record(action='settings.changed', after={'x': 1})\n",
        tmp_path / "r",
    )
    assert verify(tmp_path / "r").returncode == 0


def test_restore_refuses_a_database_that_holds_data(source) -> None:
    data_dir, archive, before = source
    done = leitai("restore", str(archive), data_dir=data_dir)
    assert done.returncode == 2
    assert "空数据库" in done.stderr
    assert_same(before, dump(data_dir))


def test_restore_refuses_an_archive_altered_after_it_was_made(source, tmp_path) -> None:
    _data_dir, archive, _before = source
    altered = tmp_path / "altered.zip"
    with zipfile.ZipFile(archive) as original, zipfile.ZipFile(altered, "w") as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "data/assessments.Snapshot.jsonl":
                data = data.replace(b'"published"', b'"draft"', 1)
            copy.writestr(item, data)
    done = leitai("restore", str(altered), "--lang", "en", data_dir=tmp_path / "r")
    assert done.returncode == 2
    assert "data/assessments.Snapshot.jsonl" in done.stderr


def test_restore_refuses_a_different_audit_key_in_place(source, tmp_path) -> None:
    _data_dir, archive, _before = source
    target = tmp_path / "r"
    target.mkdir()
    (target / "audit_key").write_text("another key\n", encoding="utf-8")
    done = leitai("restore", str(archive), data_dir=target)
    assert done.returncode == 2
    assert "audit_key" in done.stderr


def test_verify_finds_an_entry_edited_in_the_middle_with_the_trigger_dropped(
    source, tmp_path
) -> None:
    data_dir = tmp_path / "copy"
    shutil.copytree(source[0], data_dir)
    with sqlite3.connect(data_dir / "leitai.sqlite3") as db:
        db.execute("DROP TRIGGER audit_entry_no_update")
        db.execute("UPDATE audit_auditentry SET note = 'rewritten' WHERE id = 5")
    done = verify(data_dir)
    assert done.returncode == 1
    assert "#5" in done.stdout and "审计日志" in done.stdout
    english = verify(data_dir, None, "--lang", "en")
    assert "audit entry #5 does not match its keyed digest" in english.stdout


def test_verify_finds_the_last_entry_deleted(source, tmp_path) -> None:
    data_dir = tmp_path / "copy"
    shutil.copytree(source[0], data_dir)
    with sqlite3.connect(data_dir / "leitai.sqlite3") as db:
        db.execute("DROP TRIGGER audit_entry_no_delete")
        db.execute("DELETE FROM audit_auditentry WHERE id = (SELECT max(id) FROM audit_auditentry)")
    done = verify(data_dir, None, "--lang", "en")
    assert done.returncode == 1
    assert "audit_head.json" in done.stdout and "cut short or wiped" in done.stdout


def test_verify_finds_the_log_wiped_by_the_anchors_of_a_backup(source, tmp_path) -> None:
    data_dir = tmp_path / "copy"
    shutil.copytree(source[0], data_dir)
    (data_dir / "audit_anchors.jsonl").unlink()  # the attacker removed these too
    (data_dir / "audit_head.json").unlink()
    with sqlite3.connect(data_dir / "leitai.sqlite3") as db:
        db.execute("DROP TRIGGER audit_entry_no_delete")
        db.execute("DELETE FROM audit_auditentry")
    done = verify(data_dir)
    assert done.returncode == 1  # the published snapshots' anchors are gone from the log
    done = verify(data_dir, None, "--backup", str(source[1]), "--lang", "en")
    assert done.returncode == 1
    assert f"backup {source[1].name}" in done.stdout


def test_a_round_trip_on_postgresql_is_exact(source, tmp_path, pg_url, pg_url_2) -> None:
    _data_dir, archive, before = source
    restore(archive, tmp_path / "p1", pg_url)  # SQLite -> PostgreSQL
    from_sqlite, verified = dump_and_verify(tmp_path / "p1", pg_url)
    assert_same(before, from_sqlite)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    second = tmp_path / "p1.zip"
    done = leitai("backup", "-o", str(second), data_dir=tmp_path / "p1", database_url=pg_url)
    assert done.returncode == 0, done.stderr
    restore(second, tmp_path / "p2", pg_url_2)  # PostgreSQL -> PostgreSQL
    after, verified = dump_and_verify(tmp_path / "p2", pg_url_2)
    assert_same(from_sqlite, after)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    restore(second, tmp_path / "s2")  # and back to SQLite
    after, verified = dump_and_verify(tmp_path / "s2")
    assert_same(before, after)
    assert verified.returncode == 0, verified.stdout + verified.stderr
