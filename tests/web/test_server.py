"""``leitai serve --demo`` as a visitor meets it: a real waitress server in a subprocess."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def fetch(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode("utf-8", "replace")


def test_an_anonymous_visitor_reaches_the_2023q1_board_from_the_home_page_by_links(
    demo_server: tuple[str, Path],
) -> None:
    base, _ = demo_server
    status, _, home = fetch(base + "/")
    assert status == 200
    link = re.search(r'href="(/periods/2023Q1/)"', home)
    assert link, "the home page links to the 2023Q1 league table"
    status, _, board = fetch(base + link[1])
    assert status == 200
    rows = {
        name: row
        for row in re.findall(r'<tr class="[^"]*" data-unit="[^"]+">(.*?)</tr>', board, re.S)
        for name in re.findall(r'<td class="unit-name"><a [^>]*>([^<]+)</a>', row)
    }
    assert "真抓实干、勇当排头" in rows["黄岛区（西海岸新区）"]
    assert "真抓实干、勇当排头" in rows["胶州市"]
    for unit in ("即墨区", "市北区", "李沧区"):
        assert "加压奋进、进位赶超" in rows[unit], unit
    assert sum("真抓实干、勇当排头" in r for r in rows.values()) == 2
    assert sum("加压奋进、进位赶超" in r for r in rows.values()) == 3


def test_the_server_runs_without_debug_and_serves_hashed_static_files(
    demo_server: tuple[str, Path],
) -> None:
    base, data_dir = demo_server
    status, _, page = fetch(base + "/periods/2023Q1/nowhere/")
    assert status == 404
    assert "Traceback" not in page and "URLconf" not in page  # DEBUG off
    css = re.search(r'href="(/static/leitai/css/leitai\.[0-9a-f]{12}\.css)"', fetch(base + "/")[2])
    assert css, "static files are collected with hashed names"
    status, headers, _ = fetch(base + css[1])
    assert status == 200
    assert "immutable" in headers.get("Cache-Control", "")
    assert (data_dir / "secret_key").stat().st_mode & 0o077 == 0
    assert (data_dir / "leitai.sqlite3").exists()


def test_the_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    import os

    from leitai.web.server import _prepare_environment

    saved = {
        k: os.environ.get(k)
        for k in (
            "LEITAI_DATA_DIR",
            "LEITAI_DEBUG",
            "LEITAI_STATIC_MANIFEST",
            "LEITAI_ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            "LEITAI_SECRET_KEY",
        )
    }
    try:
        _prepare_environment(host="127.0.0.1", data_dir=tmp_path)
        first = (tmp_path / "secret_key").read_text()
        _prepare_environment(host="127.0.0.1", data_dir=tmp_path)
        assert (tmp_path / "secret_key").read_text() == first
        assert len(first.strip()) >= 50
        assert os.environ["LEITAI_DEBUG"] == "0"
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.mark.parametrize("path", ["/api/openapi.json", "/api/docs", "/api/swagger"])
def test_the_api_documentation_works_offline(demo_server: tuple[str, Path], path: str) -> None:
    base, _ = demo_server
    status, _, body = fetch(base + path)
    assert status == 200
    assert "cdn" not in body.lower()
    if not path.endswith(".json"):
        for asset in re.findall(r'(?:src|href)="([^"#][^"]*)"', body):
            assert asset.startswith("/"), f"{asset} is not served by the application"


STATIC_SCRIPT = """
import json, os, sys
from pathlib import Path
from leitai.web.server import _prepare_environment
_prepare_environment(host="127.0.0.1", data_dir=Path(sys.argv[1]))
import django
django.setup()
from django.conf import settings
from django.contrib.staticfiles.finders import get_finder
from leitai.web.server import _static_fingerprint, collect_static
# The project's own static folder only (leitai.css among its files), not the some 500
# files of every application: what is decided here does not depend on how many files
# there are, and collecting them all (twice) cost some 4 s of CPU. Every fresh start of
# a server (the demo template, the deployment scenario) collects them all.
settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
get_finder.cache_clear()
said = {"first": collect_static(), "again": collect_static()}
root = Path(settings.STATIC_ROOT)
manifest = json.loads((root / "staticfiles.json").read_text())
css = root / manifest["paths"]["leitai/css/leitai.css"]
css.unlink()
said["a file missing"] = collect_static()
said["css back"] = css.is_file()
said["after"] = collect_static()
# A source file changed (an upgrade): the fingerprint is another.
extra = Path(sys.argv[2])
(extra / "x.js").write_text("1")
settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, str(extra)]
get_finder.cache_clear()
one = _static_fingerprint()
os.utime(extra / "x.js", ns=(1, 1))
said["source changed"] = one != _static_fingerprint()
print(json.dumps(said))
"""


def test_a_restart_collects_the_static_files_only_when_they_changed(tmp_path: Path) -> None:
    """``leitai serve`` collects (hashes, compresses) the static files at a start only when
    their sources changed or a collected file is missing; a restart keeps them."""
    import json
    import subprocess
    import sys

    from tests.deploy.harness import clean_env

    (tmp_path / "extra").mkdir()
    result = subprocess.run(
        [sys.executable, "-c", STATIC_SCRIPT, str(tmp_path / "data"), str(tmp_path / "extra")],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    said = json.loads(result.stdout.strip().splitlines()[-1])
    assert said == {
        "first": True,
        "again": False,
        "a file missing": True,
        "css back": True,
        "after": False,
        "source changed": True,
    }


def test_a_server_or_worker_with_another_audit_key_does_not_start(
    demo_template: Path, tmp_path: Path
) -> None:
    """A second host given no LEITAI_AUDIT_KEY makes a key file of its own: it would read
    every published result as altered and chain entries nobody else can verify. It
    stops at its start, naming the key, before it writes anything."""
    import sqlite3
    import subprocess
    import sys

    from tests.deploy.harness import clean_env, demo_copy, free_port, with_settings

    data_dir = demo_copy(demo_template, tmp_path / "data")

    def entries() -> int:
        with sqlite3.connect(data_dir / "leitai.sqlite3") as db:
            return int(db.execute("SELECT COUNT(*) FROM audit_auditentry").fetchone()[0])

    before = entries()
    env = with_settings(clean_env(LEITAI_AUDIT_KEY="another-key-than-the-installations"))
    for args in (
        ["serve", "--demo", "--port", str(free_port()), "--data-dir", str(data_dir)],
        ["worker", "--data-dir", str(data_dir)],
    ):
        result = subprocess.run(
            [sys.executable, "-m", "leitai.cli", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
        assert result.returncode != 0, args
        assert "本进程的审计密钥（LEITAI_AUDIT_KEY）不是本系统的" in result.stderr, result.stderr
    # The demo start issues judge codes (an audited change): it never got that far.
    assert entries() == before
