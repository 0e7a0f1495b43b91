"""``leitai backup`` and ``leitai restore``: the whole installation in one archive.

The archive holds every table in a form independent of the database (so SQLite and
PostgreSQL restore into each other exactly), the uploaded files, the keys (unless
``--without-keys``) and the audit chain's head. See docs/operations.md.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path
from typing import Any

from leitai.cli.common import EXIT_BAD_INPUT, EXIT_OK, add_lang, guarded
from leitai.cli.verify import add_data_dir, django_setup


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("backup", help="备份全部数据、上传文件与密钥 / back up everything")
    p.add_argument("-o", "--output", required=True, help="备份文件 .zip / archive to write")
    p.add_argument(
        "--without-keys",
        action="store_true",
        help="不放入密钥（须另行保管审计密钥）/ leave the keys out (keep the audit key apart)",
    )
    add_data_dir(p)
    add_lang(p)
    p.set_defaults(handler=run_backup)

    r = subparsers.add_parser(
        "restore", help="从备份恢复到空数据库 / restore into an empty database"
    )
    r.add_argument("archive", help="备份文件 .zip / archive to restore")
    add_data_dir(r)
    add_lang(r)
    r.set_defaults(handler=run_restore)


def _report_problems(exc: Any, lang: str) -> int:
    from leitai.i18n import render, translator

    _ = translator(lang)
    for problem in exc.problems:
        print(render(problem, _), file=sys.stderr)
    return EXIT_BAD_INPUT


def _summary_words(summary: Any) -> dict[str, Any]:
    """What a backup or a restore says it did: the archive, rows, tables, files, chain head."""
    return {
        "path": summary.path,
        "rows": summary.rows,
        "tables": summary.tables,
        "files": summary.files,
        "head": summary.head.id,
    }


@guarded
def run_backup(args: argparse.Namespace) -> int:
    django_setup(args.data_dir)
    from leitai.i18n import translator
    from leitai.web.audit.backup import BackupError, backup_create

    _ = translator(args.lang)
    try:
        summary = backup_create(Path(args.output), keys=not args.without_keys)
    except BackupError as exc:
        return _report_problems(exc, args.lang)
    print(
        _(
            "Backup written to %(path)s: %(rows)s rows in %(tables)s tables, %(files)s files, "
            "audit chain head #%(head)s."
        )
        % _summary_words(summary)
    )
    return EXIT_OK


@guarded
def run_restore(args: argparse.Namespace) -> int:
    # A new machine's data directory has no secret key yet: the archive brings it (the
    # restore writes it there for the next start), and nothing the restore does signs
    # with it, so a key of this process alone lets Django start.
    if (
        not os.environ.get("LEITAI_SECRET_KEY", "").strip()
        and not (Path(args.data_dir) / "secret_key").exists()
    ):
        os.environ["LEITAI_SECRET_KEY"] = secrets.token_urlsafe(50)
    django_setup(args.data_dir)
    from leitai.i18n import translator
    from leitai.web.audit.backup import BackupError, backup_restore

    _ = translator(args.lang)
    try:
        summary = backup_restore(Path(args.archive))
    except BackupError as exc:
        return _report_problems(exc, args.lang)
    print(
        _(
            "Restored from %(path)s: %(rows)s rows in %(tables)s tables, %(files)s files, "
            "audit chain head #%(head)s. Run leitai verify to check the record."
        )
        % _summary_words(summary)
    )
    return EXIT_OK
