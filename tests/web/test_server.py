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
