"""Installations in temporary data directories, driven in subprocesses like an operator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

DUMP = """
import hashlib, json, os, sys
from pathlib import Path
import django
django.setup()
from django.conf import settings
from leitai.web.audit.backup import backed_up_models, table_rows
tables = {m._meta.label: list(table_rows(m)) for m in backed_up_models()}
root = Path(settings.MEDIA_ROOT)
files = {
    p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
    for p in sorted(root.rglob("*")) if p.is_file()
} if root.is_dir() else {}
json.dump({"tables": tables, "files": files}, sys.stdout, ensure_ascii=False)
"""


def environment(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEITAI_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env["LEITAI_DATA_DIR"] = str(data_dir)
    env["DJANGO_SETTINGS_MODULE"] = "leitai.web.settings"
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run_python(code: str, data_dir: Path, database_url: str | None = None) -> str:
    data_dir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment(data_dir, database_url),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def leitai(
    *args: str, data_dir: Path, database_url: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "leitai.cli", *args, "--data-dir", str(data_dir)],
        cwd=ROOT,
        env=environment(data_dir, database_url),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        check=False,
    )


def add_files(data_dir: Path) -> None:
    """Files of the installation's own beside the demo's evidence: an upload with a Chinese
    name in a folder of its own, and a binary file of every byte value."""
    media = data_dir / "media"
    (media / "uploads" / "2023Q4").mkdir(parents=True, exist_ok=True)
    table = "unit,indicator,value\nshinan,gdp_growth,6.1\n"
    (media / "uploads" / "2023Q4" / "表格.csv").write_bytes(table.encode("utf-8"))
    (media / "evidence.bin").write_bytes(bytes(range(256)) * 3)


def dump(data_dir: Path, database_url: str | None = None) -> dict:
    return json.loads(run_python(DUMP, data_dir, database_url))
