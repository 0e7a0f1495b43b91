"""Installations in temporary data directories, driven in subprocesses like an operator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

# Steps run one after another in one process on one installation (see :func:`session`).
SESSION = """
import contextlib, hashlib, io, json, os, sys, traceback
from pathlib import Path
import django
django.setup()


def dump():
    from django.conf import settings
    from leitai.web.audit.backup import backed_up_models, table_rows
    tables = {m._meta.label: list(table_rows(m)) for m in backed_up_models()}
    root = Path(settings.MEDIA_ROOT)
    files = {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*")) if p.is_file()
    } if root.is_dir() else {}
    return {"tables": tables, "files": files}


def leitai(args):
    # The command line's own entry point, as ``python -m leitai.cli`` runs it.
    from leitai.cli import main
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main([*args, "--data-dir", os.environ["LEITAI_DATA_DIR"]])
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 1
        except Exception:
            traceback.print_exc()
            status = 1
    return {"returncode": status, "stdout": out.getvalue(), "stderr": err.getvalue()}


found = []
for kind, *args in json.loads(sys.argv[1]):
    if kind == "dump":
        found.append(dump())
    elif kind == "leitai":
        found.append(leitai(args))
    else:
        exec(args[0], {})
        found.append(None)
json.dump(found, sys.stdout, ensure_ascii=False)
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
    """``leitai *args`` in a process of its own, as on an operator's machine: without the
    test run's mark (``PYTEST_VERSION``), so that no development key stands in for a
    missing secret key."""
    env = environment(data_dir, database_url)
    env.pop("PYTEST_VERSION", None)
    return subprocess.run(
        [sys.executable, "-m", "leitai.cli", *args, "--data-dir", str(data_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        check=False,
    )


def session(data_dir: Path, *steps: tuple[str, ...], database_url: str | None = None) -> list[Any]:
    """Run ``steps`` in order in one process on the installation in ``data_dir``, which
    starts Django once for all of them (a process of its own for each cost about 1.9 s of
    CPU here); returns what each step gives:

    - ``("leitai", *args)``: ``leitai *args --data-dir DATA_DIR`` run by the command line's
      entry point (:func:`leitai.cli.main`) in this process, as a
      :class:`subprocess.CompletedProcess` (exit code, stdout, stderr);
    - ``("dump",)``: every backed-up table's rows and every media file's digest, read then;
    - ``("python", code)``: ``code`` run (``None``).
    """
    found = json.loads(run_python(SESSION, data_dir, database_url, json.dumps(steps)))
    results: list[Any] = []
    for step, item in zip(steps, found, strict=True):
        if step[0] == "leitai":
            args = ["leitai", *step[1:], "--data-dir", str(data_dir)]
            item = subprocess.CompletedProcess(
                args, item["returncode"], item["stdout"], item["stderr"]
            )
        results.append(item)
    return results


def add_files(data_dir: Path) -> None:
    """Files of the installation's own beside the demo's evidence: an upload with a Chinese
    name in a folder of its own, and a binary file of every byte value."""
    media = data_dir / "media"
    (media / "uploads" / "2023Q4").mkdir(parents=True, exist_ok=True)
    table = "unit,indicator,value\nshinan,gdp_growth,6.1\n"
    (media / "uploads" / "2023Q4" / "表格.csv").write_bytes(table.encode("utf-8"))
    (media / "evidence.bin").write_bytes(bytes(range(256)) * 3)
