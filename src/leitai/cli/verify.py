"""``leitai verify``: check the audit chain, its anchors and every stored result.

Exit 0 when the record is intact; 1 with every finding, located, when it is not
(2 for bad input, as every command).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from leitai.cli.common import EXIT_OK, add_lang, guarded

EXIT_FINDINGS = 1


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        default=os.environ.get("LEITAI_DATA_DIR", "leitai-data"),
        help="数据目录（SQLite、密钥、上传文件）/ data directory; DATABASE_URL for PostgreSQL",
    )


def django_setup(data_dir: str | Path) -> None:
    """Start Django on the installation in ``data_dir`` (and ``DATABASE_URL`` if set)."""
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    os.environ["LEITAI_DATA_DIR"] = str(Path(data_dir).resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leitai.web.settings")
    import django

    django.setup()


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "verify", help="校验审计日志与已发布结果 / verify the audit log and stored results"
    )
    add_data_dir(p)
    p.add_argument(
        "--backup",
        action="append",
        default=[],
        metavar="FILE",
        help="同时核对该备份记录的链头 / also check the chain head a backup recorded",
    )
    add_lang(p)
    p.set_defaults(handler=run_verify)


def key_available() -> bool:
    from leitai.web.audit.keys import AUDIT_KEY_ENV, audit_key_path

    return bool(os.environ.get(AUDIT_KEY_ENV, "").strip()) or audit_key_path().exists()


@guarded
def run_verify(args: argparse.Namespace) -> int:
    django_setup(args.data_dir)
    from leitai.i18n import render, translator

    _ = translator(args.lang)
    if not key_available():
        from leitai.engine.problems import Problem, Where
        from leitai.web.audit.keys import audit_key_path

        problem = Problem("audit.key_missing", Where(file=str(audit_key_path())))
        print(render(problem, _), file=sys.stderr)
        return EXIT_FINDINGS
    from leitai.web.audit.backup import backup_anchor
    from leitai.web.audit.integrity import integrity_report

    anchors = [backup_anchor(Path(path)) for path in args.backup]
    report = integrity_report(extra_anchors=anchors)
    summary = {
        "entries": report.entries,
        "anchors": report.anchors,
        "snapshots": len(report.snapshots),
    }
    if report.intact:
        print(
            _(
                "Record intact: %(entries)s audit entries, chain verified against "
                "%(anchors)s anchors; %(snapshots)s published results as sealed."
            )
            % summary
        )
        return EXIT_OK
    for problem in report.problems:
        print(render(problem, _))
    print(
        _("The record fails verification: %(count)s findings.") % {"count": len(report.problems)},
        file=sys.stderr,
    )
    return EXIT_FINDINGS
