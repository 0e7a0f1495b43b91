"""Backup and restore: the whole installation in one archive, between any databases.

The archive is a ZIP file holding

- ``manifest.json``: what it holds, the migrations the data was written under, the
  audit chain's head (sealed with the audit key) and the SHA-256 of every member;
- ``data/<app>.<Model>.jsonl``: every row of every table, one JSON object a line, in
  a form that does not depend on the database (timestamps in ISO 8601 with their
  microseconds and offset, decimals as text, binary as base64), so that an archive
  made on SQLite restores on PostgreSQL and back with every value exact;
- ``media/...``: the uploaded files;
- ``keys/secret_key`` and ``keys/audit_key``, unless made with ``keys=False``. The
  archive is then as sensitive as the data directory itself: whoever holds the audit
  key can reseal a rewritten log.

A restore goes into an empty, migrated database at the same migrations; it writes the
rows with their own primary keys, exactly, resets the sequences, puts the files and
keys in place and records the archive's chain head as an anchor, so that a restored
installation passes ``leitai verify``.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import json
import os
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model, QuerySet

from leitai.engine.errors import LeitaiError
from leitai.engine.problems import Problem, Where
from leitai.web.audit.guard import guard_lifted
from leitai.web.audit.integrity import Anchor, anchor_write
from leitai.web.audit.keys import AUDIT_KEY_ENV, audit_key, audit_key_path, seal, seals_equal
from leitai.web.audit.selectors import ChainHead, audit_head

FORMAT = "leitai-backup"
VERSION = 1
BATCH = 500
# Made by ``migrate`` in every new database; a restore replaces them with the archive's.
MIGRATE_MADE = ("contenttypes.ContentType", "auth.Permission")


class BackupError(LeitaiError):
    """An archive that cannot be restored here as it is."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    tables: int
    rows: int
    files: int
    head: ChainHead


# -- values -------------------------------------------------------------------------------


def _encode(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "DateTimeField":
        return value.isoformat()
    if kind in ("DateField", "TimeField"):
        return value.isoformat()
    if kind == "DecimalField":
        return str(value)
    if kind == "DurationField":
        return value // dt.timedelta(microseconds=1)
    if kind == "BinaryField":
        return base64.b64encode(bytes(value)).decode("ascii")
    if kind == "UUIDField":
        return str(value)
    if kind in ("FileField", "ImageField"):
        return str(value)
    return value


def _decode(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == "DateTimeField":
        return dt.datetime.fromisoformat(value)
    if kind == "DateField":
        return dt.date.fromisoformat(value)
    if kind == "TimeField":
        return dt.time.fromisoformat(value)
    if kind == "DecimalField":
        return decimal.Decimal(value)
    if kind == "DurationField":
        return dt.timedelta(microseconds=value)
    if kind == "BinaryField":
        return base64.b64decode(value)
    if kind == "UUIDField":
        return uuid.UUID(value)
    return value


def backed_up_models() -> list[type[Model]]:
    """Every table Django manages, many-to-many tables included, in a stable order."""
    models = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]
    return sorted(models, key=lambda m: m._meta.label)


def _fields(model: type[Model]) -> list[Any]:
    return list(model._meta.concrete_fields)


def table_rows(model: type[Model], using: str = "default") -> Iterator[dict[str, Any]]:
    """The rows of a table in the archive's form, by primary key."""
    fields = _fields(model)
    names = [f.attname for f in fields]
    kinds = [f.get_internal_type() for f in fields]
    rows = model._base_manager.using(using).order_by("pk").values_list(*names)
    for row in rows.iterator(chunk_size=2000):
        yield {n: _encode(k, v) for n, k, v in zip(names, kinds, row, strict=True)}


# -- making a backup ------------------------------------------------------------------------


def _manifest_seal(manifest: dict[str, Any]) -> str:
    body = {k: v for k, v in manifest.items() if k != "seal"}
    return seal(json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")))


def _applied_migrations(using: str) -> dict[str, list[str]]:
    # A squashed migration (one with ``replaces``) is recorded beside the migrations it
    # replaces, whether a database was migrated through it or through them; it says
    # nothing they do not, and leaving it out keeps an archive written before a squash
    # was added restorable after.
    squashed = set(MigrationLoader(None, ignore_no_migrations=True).replacements)
    applied: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connections[using]).applied_migrations():
        if (app, name) not in squashed:
            applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def _media_files() -> Iterator[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(root).as_posix(), path


def _write_member(archive: zipfile.ZipFile, name: str, chunks: Iterator[bytes]) -> str:
    digest = hashlib.sha256()
    with archive.open(name, "w", force_zip64=True) as handle:
        for chunk in chunks:
            digest.update(chunk)
            handle.write(chunk)
    return digest.hexdigest()


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            yield chunk


def _lines(rows: Iterator[dict[str, Any]], counter: list[int]) -> Iterator[bytes]:
    for row in rows:
        counter[0] += 1
        yield (json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def _keys(include: bool) -> dict[str, bytes]:
    if not include:
        return {}
    keys = {"audit_key": audit_key() + b"\n"}
    secret = Path(settings.DATA_DIR) / "secret_key"
    if secret.exists():
        keys["secret_key"] = secret.read_bytes()
    return keys


def backup_create(output: Path, *, keys: bool = True, using: str = "default") -> BackupSummary:
    """Write the whole installation into the archive ``output`` (see the module's text)."""
    output = Path(output)
    partial = output.with_name(output.name + ".partial")
    members: dict[str, str] = {}
    tables: dict[str, int] = {}
    files = 0
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # one consistent picture of every table
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        head = audit_head()
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for model in backed_up_models():
                name = f"data/{model._meta.label}.jsonl"
                counter = [0]
                members[name] = _write_member(archive, name, _lines(table_rows(model), counter))
                tables[model._meta.label] = counter[0]
            for relative, path in _media_files():
                name = f"media/{relative}"
                members[name] = _write_member(archive, name, _file_chunks(path))
                files += 1
            for key_name, value in _keys(keys).items():
                name = f"keys/{key_name}"
                members[name] = _write_member(archive, name, iter([value]))
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": dt.datetime.now(dt.UTC).isoformat(),
                "vendor": connection.vendor,
                "migrations": _applied_migrations(using),
                "chain_head": head.to_dict(),
                "tables": tables,
                "members": members,
            }
            manifest["seal"] = _manifest_seal(manifest)
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    os.chmod(partial, 0o600)  # it holds the keys and every person's data
    partial.replace(output)
    anchor_write(head, source=f"backup {output.name}")
    return BackupSummary(output, len(tables), sum(tables.values()), files, head)


# -- reading an archive ---------------------------------------------------------------------


def _open(path: Path) -> tuple[zipfile.ZipFile, dict[str, Any]]:
    where = Where(file=str(path))
    try:
        archive = zipfile.ZipFile(path)
        manifest = json.loads(archive.read("manifest.json"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        raise BackupError(Problem("backup.unreadable", where)) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(Problem("backup.unreadable", where))
    return archive, manifest


def _check_members(path: Path, archive: zipfile.ZipFile, manifest: dict[str, Any]) -> None:
    problems = []
    names = set(archive.namelist()) - {"manifest.json"}
    recorded = manifest.get("members", {})
    for name in sorted(names | set(recorded)):
        digest = hashlib.sha256()
        if name in names:
            with archive.open(name) as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
        if recorded.get(name) != digest.hexdigest() or name not in names:
            problems.append(
                Problem("backup.member_altered", Where(file=str(path)), {"member": name})
            )
    if problems:
        raise BackupError(problems)


def backup_anchor(path: Path) -> Anchor:
    """The chain head a backup recorded, for ``leitai verify --backup``."""
    archive, manifest = _open(Path(path))
    archive.close()
    head = manifest.get("chain_head") or {}
    where = Where(file=str(path))
    valid = seals_equal(str(manifest.get("seal", "")), _manifest_seal(manifest))
    # An unsealed head is checked as a head nobody recorded: it cannot match.
    digest = str(head.get("digest", "")) if valid else "unsealed"
    return Anchor(int(head.get("id", 0) or 0), digest, f"backup {Path(path).name}", where)


# -- restoring --------------------------------------------------------------------------------


def _check_schema(path: Path, manifest: dict[str, Any], using: str) -> None:
    here = _applied_migrations(using)
    problems = []
    for app in sorted(set(here) | set(manifest.get("migrations", {}))):
        theirs, ours = manifest["migrations"].get(app, []), here.get(app, [])
        if theirs != ours:
            params = {
                "app": app,
                "archive": theirs[-1] if theirs else "-",
                "here": ours[-1] if ours else "-",
            }
            problems.append(Problem("backup.schema_differs", Where(file=str(path)), params))
    if problems:
        raise BackupError(problems)


def _check_empty(using: str) -> None:
    for model in backed_up_models():
        if model._meta.label in MIGRATE_MADE:
            continue
        if model._base_manager.using(using).exists():
            raise BackupError(Problem("backup.not_empty", Where(), {"table": model._meta.db_table}))


def _archive_keys(archive: zipfile.ZipFile) -> dict[str, bytes]:
    return {
        name.removeprefix("keys/"): archive.read(name)
        for name in archive.namelist()
        if name.startswith("keys/")
    }


def _check_keys(keys: dict[str, bytes]) -> None:
    theirs = keys.get("audit_key", b"").strip()
    if not theirs:
        return  # kept apart from the archive: the key in place must be the right one
    env = os.environ.get(AUDIT_KEY_ENV, "").strip().encode("utf-8")
    path = audit_key_path()
    ours = env or (path.read_bytes().strip() if path.exists() else b"")
    if ours and ours != theirs:
        where = Where(file=AUDIT_KEY_ENV if env else str(path))
        raise BackupError(Problem("backup.key_differs", where, {"key": "audit_key"}))


def _check_media(archive: zipfile.ZipFile) -> None:
    root = Path(settings.MEDIA_ROOT)
    for name in archive.namelist():
        if not name.startswith("media/"):
            continue
        target = _media_target(root, name)
        if target.exists() and target.read_bytes() != archive.read(name):
            raise BackupError(
                Problem("backup.file_exists", Where(file=str(target)), {"name": name})
            )


def _media_target(root: Path, name: str) -> Path:
    relative = PurePosixPath(name.removeprefix("media/"))
    if relative.is_absolute() or ".." in relative.parts:
        raise BackupError(Problem("backup.unreadable", Where(file=name)))
    return root.joinpath(*relative.parts)


def _write_key(path: Path, value: bytes) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(value)


def _insert_raw(rows: QuerySet[Model], batch: list[Model], fields: list[Any], using: str) -> None:
    """Insert rows as they are, keys included, without save() or signals (as loaddata)."""
    # QuerySet._insert is Django's private bulk insert (no stub); bulk_create would run
    # pre_save and so rewrite auto_now times the archive holds.
    rows._insert(batch, fields=fields, raw=True, using=using)  # type: ignore[attr-defined]


def _insert_table(archive: zipfile.ZipFile, model: type[Model], using: str) -> int:
    fields = _fields(model)
    kinds = {f.attname: f.get_internal_type() for f in fields}
    manager = model._base_manager.using(using)
    count, batch = 0, []
    name = f"data/{model._meta.label}.jsonl"
    if name not in archive.namelist():
        return 0
    with archive.open(name) as handle:
        for line in handle:
            row = json.loads(line)
            batch.append(model(**{n: _decode(kinds[n], row.get(n)) for n in kinds}))
            if len(batch) >= BATCH:
                _insert_raw(manager, batch, fields, using)
                count, batch = count + len(batch), []
    if batch:
        _insert_raw(manager, batch, fields, using)
        count += len(batch)
    return count


def backup_restore(path: Path, *, using: str = "default") -> BackupSummary:
    """Restore the archive ``path`` into this installation, whose database must be empty.

    What needs no database is checked first (the archive's members, its audit key against
    the one in place, its files against those in place), so that a damaged or foreign
    archive is refused at once, before the database is created and migrated (some
    seconds) and without leaving a new database behind; then the database is migrated and
    must be at the archive's migrations and empty.
    """
    path = Path(path)
    archive, manifest = _open(path)
    with archive:
        _check_members(path, archive, manifest)
        keys = _archive_keys(archive)
        _check_keys(keys)
        _check_media(archive)
        call_command("migrate", database=using, interactive=False, verbosity=0)
        _check_schema(path, manifest, using)
        _check_empty(using)
        for key_name, value in keys.items():
            _write_key(Path(settings.DATA_DIR) / key_name, value)
        models = backed_up_models()
        connection = connections[using]
        rows = 0
        with transaction.atomic(using=using), guard_lifted(using):
            for label in MIGRATE_MADE:
                apps.get_model(label)._base_manager.using(using).all()._raw_delete(using)
            for model in models:
                rows += _insert_table(archive, model, using)
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)
        root = Path(settings.MEDIA_ROOT)
        files = 0
        for name in archive.namelist():
            if name.startswith("media/"):
                target = _media_target(root, name)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(name))
                files += 1
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    head = ChainHead(int(manifest["chain_head"]["id"]), str(manifest["chain_head"]["digest"]))
    anchor_write(head, source=f"restore {path.name}")
    return BackupSummary(path, len(models), rows, files, head)
