"""Deployment: settings from the environment, data file modes, server sizing, health,
HEAD on every page and HTTP caching of published results."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import types
from pathlib import Path

import pytest
from django.urls import reverse

from leitai.web.server import default_allowed_hosts, prepare_data_dir, server_options
from tests.web.base import BaseTestCase

PRODUCTION = {
    "LEITAI_SECRET_KEY": "k3y-" + "x7Qm9vR2pL5sT8wZ" * 4,
    "LEITAI_HTTPS": "1",
    "LEITAI_TRUSTED_PROXIES": "1",
    "LEITAI_ALLOWED_HOSTS": "leitai.example.org",
    "LEITAI_CSRF_TRUSTED_ORIGINS": "https://leitai.example.org",
    "LEITAI_STATIC_MANIFEST": "1",
}


def run_django(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh process with only the given LEITAI_* variables, not under pytest."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LEITAI_", "DJANGO_", "PYTEST_")) and k != "DATABASE_URL"
    }
    clean.update(DJANGO_SETTINGS_MODULE="leitai.web.settings", LEITAI_DATA_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=120
    )


# -- settings -----------------------------------------------------------------------------------


def test_the_production_configuration_passes_check_deploy_without_a_warning(
    tmp_path: Path,
) -> None:
    done = run_django(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['leitai', 'check', '--deploy', '--fail-level', 'WARNING'])",
        tmp_path,
        **PRODUCTION,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_without_https_switches_check_deploy_warns(tmp_path: Path) -> None:
    env = dict(PRODUCTION, LEITAI_HTTPS="0")
    done = run_django(
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['leitai', 'check', '--deploy', '--fail-level', 'WARNING'])",
        tmp_path,
        **env,
    )
    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stderr + done.stdout


def test_outside_tests_and_development_a_missing_secret_key_stops_the_process(
    tmp_path: Path,
) -> None:
    done = run_django("from django.conf import settings; settings.SECRET_KEY", tmp_path)
    assert done.returncode != 0
    assert "LEITAI_SECRET_KEY" in done.stderr


def test_the_key_file_of_the_data_directory_is_the_same_key_in_every_process(
    tmp_path: Path,
) -> None:
    (tmp_path / "secret_key").write_text("a-key-kept-in-the-data-directory-" + "z" * 30)
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first, second = run_django(code, tmp_path), run_django(code, tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert first.stdout.startswith("a-key-kept-in-the-data-directory-")


def test_the_suite_keeps_out_of_the_data_directory_of_the_working_folder(
    tmp_path: Path,
) -> None:
    """The README starts the demo (which leaves ./leitai-data) and then runs the tests in
    the same folder: under pytest, without LEITAI_DATA_DIR, the settings take an empty
    folder of the process's own, gone when it ends, and never ./leitai-data's key."""
    demo = tmp_path / "leitai-data"
    demo.mkdir()
    (demo / "secret_key").write_text("the-demo-servers-own-key-" + "q" * 40)
    (demo / "audit_head.json").write_text("{}")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("LEITAI_", "DJANGO_"))}
    clean.update(DJANGO_SETTINGS_MODULE="leitai.web.settings", PYTEST_VERSION="9")
    code = (
        "from django.conf import settings; "
        "print(settings.DATA_DIR); print(list(settings.DATA_DIR.iterdir())); "
        "print(settings.SECRET_KEY)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    folder, files, key = done.stdout.splitlines()
    assert Path(folder) != demo.resolve() and files == "[]"
    assert not key.startswith("the-demo-servers-own-key-")
    assert not Path(folder).exists()  # removed when the process ended


def test_the_environment_key_wins_over_the_file(tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("file-key-" + "y" * 50)
    done = run_django(
        "from django.conf import settings; print(settings.SECRET_KEY)",
        tmp_path,
        LEITAI_SECRET_KEY="env-key-" + "w" * 50,
    )
    assert done.stdout.strip() == "env-key-" + "w" * 50


def test_a_wildcard_allowed_host_is_refused(tmp_path: Path) -> None:
    done = run_django(
        "from django.conf import settings; settings.ALLOWED_HOSTS",
        tmp_path,
        LEITAI_SECRET_KEY="k" * 60,
        LEITAI_ALLOWED_HOSTS="*",
    )
    assert done.returncode != 0
    assert "LEITAI_ALLOWED_HOSTS" in done.stderr


def test_the_https_switches_and_the_proxy_header_come_from_the_environment(
    tmp_path: Path,
) -> None:
    done = run_django(
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_PROXY_SSL_HEADER, s.LEITAI_TRUSTED_PROXIES, s.CSRF_TRUSTED_ORIGINS)",
        tmp_path,
        **PRODUCTION,
    )
    assert done.stdout.split(" ", 5)[:5] == [
        "True",
        "True",
        "31536000",
        "True",
        "('HTTP_X_FORWARDED_PROTO',",
    ]
    assert "1 ['https://leitai.example.org']" in done.stdout


def test_binding_every_address_never_allows_every_host() -> None:
    hosts = default_allowed_hosts("0.0.0.0")
    assert "*" not in hosts
    assert {"localhost", "127.0.0.1"} <= set(hosts)
    assert default_allowed_hosts("10.1.2.3")[0] == "10.1.2.3"


def test_the_server_prepares_the_environment_without_a_wildcard_host(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leitai.web.server import _prepare_environment

    for name in ("LEITAI_ALLOWED_HOSTS", "LEITAI_SECRET_KEY", "LEITAI_DATA_DIR", "LEITAI_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "leitai.web.settings")
    monkeypatch.setenv("LEITAI_STATIC_MANIFEST", "0")
    _prepare_environment(host="0.0.0.0", data_dir=tmp_path)
    assert "*" not in os.environ["LEITAI_ALLOWED_HOSTS"].split(",")


def test_a_secret_key_from_the_environment_is_kept_and_no_file_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from leitai.web.server import _prepare_environment

    for name in ("LEITAI_ALLOWED_HOSTS", "LEITAI_DATA_DIR", "LEITAI_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LEITAI_STATIC_MANIFEST", "0")
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "leitai.web.settings")
    monkeypatch.setenv("LEITAI_SECRET_KEY", "shared-by-every-host-" + "q" * 40)
    _prepare_environment(host="127.0.0.1", data_dir=tmp_path)
    assert os.environ["LEITAI_SECRET_KEY"] == "shared-by-every-host-" + "q" * 40
    assert not (tmp_path / "secret_key").exists()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_data_files_are_private_to_the_account(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    (data / "secret_key").write_text("k" * 60)
    (data / "secret_key").chmod(0o644)
    (data / "leitai.sqlite3-wal").write_bytes(b"")
    (data / "leitai.sqlite3-wal").chmod(0o644)
    prepare_data_dir(data)
    assert mode(data / "leitai.sqlite3-wal") == 0o600
    assert mode(data) == 0o700
    assert mode(data / "media") == 0o700
    assert mode(data / "leitai.sqlite3") == 0o600
    assert mode(data / "secret_key") == 0o600


def test_the_server_is_sized_for_a_hundred_clients_and_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("LEITAI_THREADS", "LEITAI_CONNECTION_LIMIT", "LEITAI_BACKLOG"):
        monkeypatch.delenv(name, raising=False)
    options = server_options()
    assert options["connection_limit"] >= 500
    assert options["backlog"] >= 1024
    monkeypatch.setenv("LEITAI_THREADS", "12")
    monkeypatch.setenv("LEITAI_CONNECTION_LIMIT", "300")
    assert server_options()["threads"] == 12
    assert server_options(connection_limit=50)["connection_limit"] == 50
    monkeypatch.setenv("LEITAI_THREADS", "many")
    with pytest.raises(SystemExit):
        server_options()


# -- health and HEAD ------------------------------------------------------------------------------


class HealthAndHeadTests(BaseTestCase):
    def test_healthz_reports_the_database_to_get_and_head(self) -> None:
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["status"], "ok")
        self.assertTrue(body["database"]["ok"])
        self.assertIn("no-cache", response["Cache-Control"])
        head = self.client.head("/healthz")
        self.assertEqual(head.status_code, 200)
        self.assertEqual(head.content, b"")

    def test_healthz_includes_the_queue_when_the_queue_app_says_how_it_is(self) -> None:
        fake = types.ModuleType("leitai.web.tasks.selectors")
        fake.queue_status = lambda: {"ok": True, "waiting": 3}  # type: ignore[attr-defined]
        package = types.ModuleType("leitai.web.tasks")
        saved = {k: sys.modules.get(k) for k in ("leitai.web.tasks", "leitai.web.tasks.selectors")}
        sys.modules["leitai.web.tasks"] = package
        sys.modules["leitai.web.tasks.selectors"] = fake
        try:
            body = self.client.get("/healthz").json()
        finally:
            for key, value in saved.items():
                if value is None:
                    sys.modules.pop(key, None)
                else:
                    sys.modules[key] = value
        self.assertEqual(body["queue"], {"ok": True, "waiting": 3})

    def test_healthz_is_503_when_the_database_fails(self) -> None:
        from unittest import mock

        with mock.patch(
            "leitai.web.health.database_status",
            return_value={"ok": False, "vendor": "sqlite", "error": "OperationalError"},
        ):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["status"], "failing")

    def test_head_answers_every_get_page_with_its_headers_and_no_body(self) -> None:
        self.client.force_login(self.office)
        for url in (
            "/",
            "/periods/2023Q1/",
            "/periods/2023Q1/units/shibei/",
            "/api/periods/2023Q1",
            reverse("workflow:home"),
        ):
            get = self.client.get(url)
            head = self.client.head(url)
            self.assertEqual(get.status_code, 200, url)
            self.assertEqual(head.status_code, 200, url)
            self.assertEqual(head.content, b"", url)
            self.assertEqual(head["Content-Type"], get["Content-Type"], url)

    def test_head_answers_the_login_page(self) -> None:
        head = self.client.head(reverse("accounts:login"))
        self.assertEqual(head.status_code, 200)
        self.assertEqual(head.content, b"")

    def test_head_is_still_refused_where_get_is(self) -> None:
        self.client.force_login(self.office)
        url = reverse("workflow:period_compute", args=["2024Q1"])
        self.assertEqual(self.client.get(url).status_code, 405)
        self.assertEqual(self.client.head(url).status_code, 405)


# -- caching of published results -----------------------------------------------------------------


# -- the real server ------------------------------------------------------------------------------


def test_the_real_server_keeps_150_connections_open_and_answers_every_one(
    demo_server: tuple[str, Path],
) -> None:
    """waitress's default of 100 connections left the 101st client without an answer."""
    import http.client
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import urlsplit

    where = urlsplit(demo_server[0])
    connections = [
        http.client.HTTPConnection(where.hostname, where.port, timeout=30) for _ in range(150)
    ]
    try:
        for connection in connections:
            connection.connect()

        def ask(connection: http.client.HTTPConnection) -> int:
            connection.request("HEAD", "/healthz")
            response = connection.getresponse()
            response.read()
            return response.status

        # Every connection stays open (keep-alive) while the others ask.
        with ThreadPoolExecutor(max_workers=150) as pool:
            statuses = list(pool.map(ask, connections))
    finally:
        for connection in connections:
            connection.close()
    assert statuses == [200] * 150


def test_the_real_server_answers_head_and_sends_the_policy(demo_server: tuple[str, Path]) -> None:
    import urllib.request

    base, data_dir = demo_server
    request = urllib.request.Request(base + "/periods/2023Q1/", method="HEAD")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        assert response.read() == b""
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["ETag"]
    assert mode(data_dir) == 0o700
    assert mode(data_dir / "leitai.sqlite3") == 0o600


def test_leitai_serve_passes_the_server_size_on(monkeypatch: pytest.MonkeyPatch) -> None:
    import leitai.web.server
    from leitai.cli import main

    seen: dict[str, object] = {}
    monkeypatch.setattr(leitai.web.server, "serve", lambda **kwargs: seen.update(kwargs))
    code = main(["serve", "--threads", "12", "--connection-limit", "400", "--port", "8123"])
    assert code in (0, None)
    assert seen["threads"] == 12
    assert seen["connection_limit"] == 400
    assert seen["port"] == 8123
