"""Real processes for the queue's tests and the deployment scenario.

``leitai serve`` and ``leitai worker`` run as subprocesses on 127.0.0.1 with a temporary
data directory; a :class:`Browser` talks to them over HTTP as a person would (cookies,
CSRF token, the login form). Everything waits by polling with generous deadlines: the
machines that run this are small and busy.
"""

from __future__ import annotations

import fcntl
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

REDIS_URL = "redis://127.0.0.1:6379/0"
ALL_METHODS = ["efficacy", "minmax", "zscore", "rank_points"]
ALL_MISSING = ["zero", "worst", "exclude"]


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(
    what: str, check: Callable[[], T | None], *, timeout: float = 120.0, most: float = 1.0
) -> T:
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds.
    The pauses between checks grow from 0.1 s to ``most`` seconds."""
    deadline = time.monotonic() + timeout
    delay = 0.1
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(delay)
        delay = min(delay * 1.5, most)


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a child process: no leitai or Django setting of the caller's."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LEITAI_", "DJANGO_")) and k not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(extra)
    return env


ROOT = Path(__file__).resolve().parents[2]
# The settings of the processes started here, unless their environment names others:
# production's with a fast password hasher first (tests/server_settings.py); the
# deployment scenario names production's own.
TEST_SETTINGS = "tests.server_settings"
PRODUCTION_SETTINGS = "leitai.web.settings"


def with_settings(env: dict[str, str]) -> dict[str, str]:
    """``env`` with :data:`TEST_SETTINGS` unless it names a settings module, and the
    repository's root importable (``tests`` is no installed package)."""
    env = {"DJANGO_SETTINGS_MODULE": TEST_SETTINGS, **env}
    if env["DJANGO_SETTINGS_MODULE"].startswith("tests."):
        path = env.get("PYTHONPATH", "")
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *([path] if path else [])])
    return env


@dataclass
class Process:
    """A running ``leitai`` subprocess and the file its output goes to."""

    popen: subprocess.Popen[bytes]
    log: Path
    name: str

    @property
    def pid(self) -> int:
        return self.popen.pid

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill9(self) -> None:
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=30)

    def stop(self, timeout: float = 60.0) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=30)


def start(name: str, args: list[str], *, env: dict[str, str], logs: Path) -> Process:
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        popen = subprocess.Popen(
            [sys.executable, "-m", "leitai.cli", *args],
            env=with_settings(env),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    return Process(popen=popen, log=log, name=name)


def start_server(
    name: str,
    data_dir: Path,
    *,
    env: dict[str, str],
    demo: bool = False,
    worker: bool = True,
    timeout: float = 180.0,
) -> tuple[Process, str]:
    """``leitai serve`` on a free port; returns it and its base URL once it answers."""
    port = free_port()
    args = ["serve", "--port", str(port), "--data-dir", str(data_dir)]
    args += ["--demo"] if demo else []
    args += [] if worker else ["--no-worker"]
    process = start(name, args, env=env, logs=data_dir.parent / "logs")
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        if not process.alive():
            raise AssertionError(f"{name} stopped:\n{process.output()}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    # A start takes seconds: checked four times a second (a refused connection costs
    # next to nothing), it is seen answering within a quarter of a second.
    wait_for(f"{name} to answer", answers, timeout=timeout, most=0.25)
    return process, base


DEMO_TEMPLATE = "leitai-demo"
_INSTALL = (
    "import sys; from pathlib import Path; from leitai.web.server import install; "
    "install(host='127.0.0.1', data_dir=Path(sys.argv[1]), demo={demo}); "
    "from django.db import connections; connections.close_all()"
)


def _built_once(root: Path, name: str, build: Callable[[Path], None]) -> Path:
    """``root/name``, made by ``build(folder)`` once: by whichever process sharing
    ``root`` comes first; the others wait for it."""
    done = root / name
    root.mkdir(parents=True, exist_ok=True)
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if done.is_dir():
            return done
        building = root / f"{name}.building-{os.getpid()}"
        shutil.rmtree(building, ignore_errors=True)
        build(building)
        # Whole or not at all: a process that finds the folder finds it complete.
        building.rename(done)
        return done


def _install(data_dir: Path, *, demo: bool, env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _INSTALL.format(demo=demo), str(data_dir)],
        env=with_settings(env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{data_dir.name} was not built:\n{result.stdout}{result.stderr}")


def demo_template(root: Path) -> Path:
    """The data directory of a fresh ``leitai serve --demo`` under ``root``, built once
    (by whichever process sharing ``root`` comes first; the others wait for it):
    migrated, static files collected, the demo installed and the secret key made; with
    :data:`TEST_SETTINGS`, so the demo accounts' passwords are MD5 hashes (a server on
    production's settings hashes them again with Argon2 at its ``--demo`` start).

    Copies of it (:func:`demo_copy`) start as a fresh demo does, in about a sixth of the
    CPU: the migrations find nothing to do, the collected files are kept (their
    fingerprint matches) and the demo adds nothing; only the judge codes, which every
    ``--demo`` start issues, are issued then (the template has none).
    """
    return _built_once(
        root, DEMO_TEMPLATE, lambda folder: _install(folder, demo=True, env=clean_env())
    )


def demo_template_on_redis(template: Path) -> Path:
    """:func:`demo_template` (``template``) as a server with the Redis backend leaves it,
    built once beside it: the Redis backend adds an application (django-rq) with its own
    migrations and static file, which a copy of ``template`` would otherwise migrate and
    collect (hashing and compressing every file again, some 2.4 s of CPU) at each start.
    """

    def build(folder: Path) -> None:
        demo_copy(template, folder)
        _install(
            folder,
            demo=False,
            env=clean_env(LEITAI_TASKS_BACKEND="redis", REDIS_URL=REDIS_URL),
        )

    return _built_once(template.parent, f"{template.name}-redis", build)


def demo_copy(template: Path, target: Path) -> Path:
    """A data directory of its own for one server: ``template`` copied to ``target``
    (modification times kept, so the collected static files stay current)."""
    shutil.copytree(template, target, symlinks=True)
    return target


def start_worker(name: str, data_dir: Path, *, env: dict[str, str]) -> Process:
    return start(
        name,
        ["worker", "--data-dir", str(data_dir), "--interval", "0.3"],
        env=env,
        logs=data_dir.parent / "logs",
    )


def job_starts(
    *processes: Process, after: dict[str, int] | None = None
) -> dict[int, list[tuple[str, int]]]:
    """Each job's executions, read from the workers' own logs: job → [(process, attempt)];
    with ``after``, only from where each process's log ended then (process name → length).

    The reminders' sending jobs, which every worker queues by itself when reminders are
    due (the demo's 2023Q4 has a deadline and a daily digest), are left out.
    """
    starts: dict[int, list[tuple[str, int]]] = {}
    pattern = r"job (\d+) started: kind=(?!leitai\.web\.reminders\.)\S+ attempt=(\d+)"
    for process in processes:
        output = process.output()[(after or {}).get(process.name, 0) :]
        for match in re.finditer(pattern, output):
            starts.setdefault(int(match[1]), []).append((process.name, int(match[2])))
    return starts


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Browser:
    """A person at one server: cookies, the CSRF token, no automatic redirects."""

    base: str
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)

    def __post_init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect
        )

    def request(self, path: str, data: dict[str, Any] | None = None) -> tuple[int, str, bytes]:
        body = None
        headers = {"Referer": self.base + path}
        if data is not None:
            data = dict(data, csrfmiddlewaretoken=self.csrf())
            body = urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.headers.get("Location") or "", response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location") or "", exc.read()

    def get(self, path: str) -> tuple[int, str, bytes]:
        return self.request(path)

    def post(self, path: str, data: dict[str, Any]) -> tuple[int, str, bytes]:
        return self.request(path, data)

    def csrf(self) -> str:
        for cookie in self.jar:
            if cookie.name == "csrftoken":
                return cookie.value
        self.get("/accounts/login/")
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def log_in(self, username: str, password: str = "leitai-demo") -> None:
        self.get("/accounts/login/")
        status, location, _ = self.post(
            "/accounts/login/", {"username": username, "password": password}
        )
        assert status == 302 and "login" not in location, (status, location)

    def start_run(self, period: str, *, samples: int, seed: int) -> int:
        """The office's POST of a robustness run; returns the run's id."""
        status, location, body = self.post(
            f"/periods/{period}/robustness/run/",
            {
                "samples": str(samples),
                "seed": str(seed),
                "weights": "25",
                "methods": ALL_METHODS,
                "missing": ALL_MISSING,
                "leave_one_out": "on",
            },
        )
        assert status == 302, (status, body[:500])
        match = re.search(r"[?&]run=(\d+)", location)
        assert match, location
        return int(match[1])

    def run_status(self, period: str, run: int) -> dict[str, Any]:
        status, _, body = self.get(f"/periods/{period}/robustness/status/?run={run}")
        assert status == 200, (status, body[:300])
        return dict(json.loads(body))
