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
verified = None
if sys.argv[1:] == ["verify"]:
    # ``leitai verify`` run by the command line's own entry point in this process, which
    # has started Django on the same installation: a process of its own cost 1.1 s of CPU.
    import contextlib, io
    from leitai.cli import main
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["verify", "--data-dir", os.environ["LEITAI_DATA_DIR"]])
    verified = {"returncode": status, "stdout": out.getvalue(), "stderr": err.getvalue()}
json.dump({"tables": tables, "files": files, "verified": verified}, sys.stdout, ensure_ascii=False)
"""


def environment(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEITAI_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env["LEITAI_DATA_DIR"] = str(data_dir)
    env["DJANGO_SETTINGS_MODULE"] = "leitai.web.settings"
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run_python(code: str, data_dir: Path, database_url: str | None = None, *args: str) -> str:
    data_dir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
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
    """Every backed-up table's rows and every media file's digest of an installation."""
    return json.loads(run_python(DUMP, data_dir, database_url))


def dump_and_verify(
    data_dir: Path, database_url: str | None = None
) -> tuple[dict, subprocess.CompletedProcess[str]]:
    """:func:`dump`, and what ``leitai verify`` of the installation exits with and says
    (the command line's entry point, run in the dump's process after the dump)."""
    found = json.loads(run_python(DUMP, data_dir, database_url, "verify"))
    verified = found.pop("verified")
    args = ["leitai", "verify", "--data-dir", str(data_dir)]
    return found, subprocess.CompletedProcess(
        args, verified["returncode"], verified["stdout"], verified["stderr"]
    )
