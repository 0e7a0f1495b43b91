"""Fixtures of the web tests that need a real server: ``leitai serve --demo`` in a subprocess."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.harness import PRODUCTION_SETTINGS, TEST_SETTINGS, demo_copy, with_settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_demo_server(
    data_dir: Path,
    *,
    database_url: str | None = None,
    worker: bool = True,
    settings: str = TEST_SETTINGS,
) -> tuple[subprocess.Popen[str], str]:
    """Start the production server on the demo (``leitai serve --demo``, with its worker
    child unless ``worker`` is false) with ``settings`` (the tests' own by default:
    tests/server_settings.py); return it and its base URL once it answers."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEITAI_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    env = with_settings({**env, "DJANGO_SETTINGS_MODULE": settings})
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "leitai.cli",
            "serve",
            "--demo",
            "--port",
            str(port),
            "--data-dir",
            str(data_dir),
            *([] if worker else ["--no-worker"]),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the server stopped:\n{process.stdout.read() if process.stdout else ''}"
            )
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not answer within 90 s")


def stop(process: subprocess.Popen[str]) -> str:
    process.terminate()
    try:
        out, _ = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    return out or ""


@pytest.fixture(scope="module")
def server(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    demo_template: Path,
) -> Iterator[str]:
    """A demo server of the test module's own (its base URL), for browser tests whose
    changes must stay out of the other modules' (``demo_server`` is shared by all).

    Without the worker child (about 1.7 s of CPU to start): a test whose pages wait for
    a background job uses ``demo_server``, which has one.
    """
    name = request.module.__name__.rsplit(".", 1)[-1]
    data_dir = demo_copy(demo_template, tmp_path_factory.mktemp(name) / "data")
    process, base = start_demo_server(data_dir, worker=False)
    try:
        yield base
    finally:
        stop(process)


@pytest.fixture(scope="session")
def demo_server(
    tmp_path_factory: pytest.TempPathFactory, demo_template: Path
) -> Iterator[tuple[str, Path]]:
    """The demo server all modules share (its base URL and data directory), on
    production's settings: tests/web/test_server.py and tests/web/test_deploy.py are
    about the production server. Its ``--demo`` start hashes the demo accounts'
    passwords again with Argon2 (the template has MD5 hashes)."""
    data_dir = demo_copy(demo_template, tmp_path_factory.mktemp("leitai-data") / "data")
    process, base = start_demo_server(data_dir, settings=PRODUCTION_SETTINGS)
    try:
        yield base, data_dir
    finally:
        stop(process)


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    """The system Chromium through Playwright, once per module (never a downloaded browser)."""
    from tests.web.browser import CHROMIUM

    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-background-networking"]
        )
        yield browser
        browser.close()
