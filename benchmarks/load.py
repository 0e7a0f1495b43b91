"""Load test of publication day: many readers while the office publishes a revision.

Starts ``--processes`` real server processes (``python -m leitai.web.server``, waitress,
DEBUG off) on free loopback ports, sharing one fresh PostgreSQL database created for
the run and dropped at the end (``--database-url`` names the server; default the local
one), the first loading the demo. Then, for each level of ``--clients`` (default 20,
100 and 300), that many concurrent keep-alive clients, spread over the processes as a
load balancer would, read for ``--seconds`` in turn

- the league table ``/periods/2023Q1/``,
- a report card ``/periods/2023Q1/units/shibei/``,
- the API ``/api/periods/2023Q1``,

while, halfway through, a separate process publishes a revision of 2023Q1 (the period
being read) through the application's services. Every request has a ``--timeout``
(default 60 s). With ``--revalidate`` the clients send back the ETag they last received
(as browsers do), so that unchanged published pages are answered 304.

Prints a table per level: requests, requests per second, p50/p95/p99/max latency,
errors (any answer but 200, or 304 when revalidating, and refused or reset
connections) and timeouts. Exits with status 1 when a level up to ``--target``
clients (default 100) had an error or a timeout. Only 127.0.0.1 is ever contacted.

Usage: python benchmarks/load.py [--clients 20,100,300] [--seconds 15] [--processes 2]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

PAGES = {
    "league table": "/periods/2023Q1/",
    "report card": "/periods/2023Q1/units/shibei/",
    "API league": "/api/periods/2023Q1",
}
HOST = "127.0.0.1"  # never anything else
PUBLISH = """
import django, sys
django.setup()
from leitai.web.assessments.models import Period
from leitai.web.assessments.services import period_compute, snapshot_publish
period = Period.objects.get(code="2023Q1")
draft = period_compute(period=period)
snapshot_publish(snapshot=draft, reason="load test: revision while reading")
print(draft.revision)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# -- the database -------------------------------------------------------------------------


def create_database(server_url: str) -> tuple[str, str]:
    import psycopg

    name = f"leitai_load_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    base = server_url.rsplit("/", 1)[0]
    return name, f"{base}/{name}"


def drop_database(server_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- the servers --------------------------------------------------------------------------


@dataclass
class Servers:
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    ports: list[int] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_healthy(port: int, process: subprocess.Popen[bytes], limit: float = 180.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server on port {port} stopped during start-up")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server on port {port} did not start")


def start_servers(
    count: int, database_url: str, work: Path, threads: int | None, connection_limit: int | None
) -> Servers:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEITAI_", "DJANGO_"))}
    env.pop("PYTEST_VERSION", None)
    env.update(
        DATABASE_URL=database_url,
        # One secret key and one audit key shared by every process, as docs/deploy.md
        # asks: with a key file of its own each, a process would refuse to start.
        LEITAI_SECRET_KEY=secrets.token_urlsafe(50),
        LEITAI_AUDIT_KEY=secrets.token_urlsafe(48),
    )
    if threads:
        env["LEITAI_THREADS"] = str(threads)
    if connection_limit:
        env["LEITAI_CONNECTION_LIMIT"] = str(connection_limit)
    servers = Servers(env=env)
    for n in range(count):
        port = free_port()
        command = [sys.executable, "-m", "leitai.web.server", "--host", HOST, "--port", str(port)]
        command += ["--data-dir", str(work / f"data-{n}")]
        if n == 0:
            command.append("--demo")  # the first process migrates and loads the demo
        log = open(work / f"server-{n}.log", "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        servers.processes.append(process)
        servers.ports.append(port)
        wait_healthy(port, process)
    return servers


# -- the clients --------------------------------------------------------------------------


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {p: [] for p in PAGES})
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PAGES, 0))
    timeouts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PAGES, 0))
    not_modified: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PAGES, 0))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, seconds: float, outcome: str) -> None:
        with self.lock:
            if outcome in ("ok", "304"):
                self.latencies[page].append(seconds)
                if outcome == "304":
                    self.not_modified[page] += 1
            elif outcome == "timeout":
                self.timeouts[page] += 1
            else:
                self.errors[page] += 1


def client(
    port: int, offset: int, stop: threading.Event, tally: Tally, timeout: float, revalidate: bool
) -> None:
    names = list(PAGES)
    etags: dict[str, str] = {}
    connection: http.client.HTTPConnection | None = None
    n = offset
    while not stop.is_set():
        page = names[n % len(names)]
        n += 1
        headers = {"If-None-Match": etags[page]} if revalidate and page in etags else {}
        began = time.perf_counter()
        try:
            if connection is None:
                connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
            connection.request("GET", PAGES[page], headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - began
            if response.status == 200:
                etags[page] = response.getheader("ETag") or ""
                tally.add(page, elapsed, "ok")
            elif response.status == 304 and revalidate:
                tally.add(page, elapsed, "304")
            else:
                tally.add(page, elapsed, "error")
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = None
        except TimeoutError:
            tally.add(page, time.perf_counter() - began, "timeout")
            connection = _drop(connection)
        except (OSError, http.client.HTTPException):
            tally.add(page, time.perf_counter() - began, "error")
            connection = _drop(connection)
            time.sleep(0.05)
    _drop(connection)


def _drop(connection: http.client.HTTPConnection | None) -> None:
    if connection is not None:
        connection.close()


def publish_revision(env: dict[str, str], out: dict[str, float | str]) -> None:
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PUBLISH],
        env=dict(env, DJANGO_SETTINGS_MODULE="leitai.web.settings"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    out["seconds"] = time.perf_counter() - began
    out["revision"] = done.stdout.strip() if done.returncode == 0 else "FAILED"
    if done.returncode != 0:
        out["error"] = done.stderr[-2000:]


def run_level(
    servers: Servers, clients: int, seconds: float, timeout: float, revalidate: bool
) -> tuple[Tally, float, dict[str, float | str]]:
    tally, stop = Tally(), threading.Event()
    threads = [
        threading.Thread(
            target=client,
            args=(servers.ports[i % len(servers.ports)], i, stop, tally, timeout, revalidate),
            daemon=True,
        )
        for i in range(clients)
    ]
    revision: dict[str, float | str] = {}
    writer = threading.Thread(target=publish_revision, args=(servers.env, revision), daemon=True)
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds / 2)
    writer.start()
    time.sleep(seconds / 2)
    stop.set()
    # A request under way finishes or times out; nothing waits longer than that.
    for thread in threads:
        thread.join(timeout + 5)
    writer.join(300)
    return tally, time.perf_counter() - began, revision


# -- the report ---------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def report(
    console: Console,
    clients: int,
    tally: Tally,
    elapsed: float,
    revision: dict[str, float | str],
    revalidate: bool,
) -> tuple[int, int]:
    title = f"{clients} concurrent clients, {elapsed:.1f} s" + (
        ", revalidating (If-None-Match)" if revalidate else ""
    )
    table = Table(title=title)
    for column in ("page", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms"):
        table.add_column(column, justify="right" if column != "page" else "left")
    if revalidate:
        table.add_column("304", justify="right")
    table.add_column("errors", justify="right")
    table.add_column("timeouts", justify="right")
    everything: list[float] = []
    for page in PAGES:
        values = tally.latencies[page]
        everything += values
        row = _row(page, values, elapsed)
        if revalidate:
            row.append(str(tally.not_modified[page]))
        row += [str(tally.errors[page]), str(tally.timeouts[page])]
        table.add_row(*row)
    errors, timeouts = sum(tally.errors.values()), sum(tally.timeouts.values())
    row = _row("all", everything, elapsed)
    if revalidate:
        row.append(str(sum(tally.not_modified.values())))
    table.add_row(*row, str(errors), str(timeouts), style="bold")
    console.print(table)
    seconds = revision.get("seconds")
    shown = f"{seconds:.1f} s" if isinstance(seconds, float) else "not finished"
    console.print(f"  revision published while reading: r{revision.get('revision')} in {shown}")
    if "error" in revision:
        console.print(str(revision["error"]))
    return errors, timeouts


def _row(page: str, values: list[float], elapsed: float) -> list[str]:
    ms = [v * 1000.0 for v in values]
    return [
        page,
        str(len(values)),
        f"{len(values) / elapsed:.1f}",
        f"{percentile(ms, 50):.0f}",
        f"{percentile(ms, 95):.0f}",
        f"{percentile(ms, 99):.0f}",
        f"{max(ms, default=float('nan')):.0f}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="20,100,300", help="comma-separated levels")
    parser.add_argument("--seconds", type=float, default=15.0, help="duration of each level")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    parser.add_argument("--processes", type=int, default=2, help="server processes")
    parser.add_argument("--threads", type=int, default=None, help="threads per process")
    parser.add_argument(
        "--connection-limit", type=int, default=None, help="connections per process"
    )
    parser.add_argument("--revalidate", action="store_true", help="send If-None-Match")
    parser.add_argument("--target", type=int, default=100, help="levels that must be clean")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "LEITAI_LOAD_DATABASE", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
        help="a PostgreSQL server on 127.0.0.1 (its maintenance database)",
    )
    args = parser.parse_args(argv)
    if not re.match(r"^postgres(ql)?://[^/]*(127\.0\.0\.1|localhost)[:/]", args.database_url):
        raise SystemExit("the load test only talks to a PostgreSQL server on 127.0.0.1")
    levels = [int(c) for c in args.clients.split(",") if c.strip()]
    if not levels or min(levels) < 1 or max(levels) > 1000:
        raise SystemExit("--clients: between 1 and 1000 clients per level")
    if not 1 <= args.processes <= 8 or not 1 <= args.seconds <= 300:
        raise SystemExit("--processes 1..8, --seconds 1..300")

    console = Console(width=140)
    name, database_url = create_database(args.database_url)
    servers = Servers()
    failed = False
    try:
        with tempfile.TemporaryDirectory(prefix="leitai-load-") as work:
            started = time.perf_counter()
            servers = start_servers(
                args.processes, database_url, Path(work), args.threads, args.connection_limit
            )
            console.print(
                f"{args.processes} server processes on {HOST} ports {servers.ports} "
                f"(PostgreSQL database {name}), ready in {time.perf_counter() - started:.0f} s"
            )
            for clients in levels:
                tally, elapsed, revision = run_level(
                    servers, clients, args.seconds, args.timeout, args.revalidate
                )
                errors, timeouts = report(
                    console, clients, tally, elapsed, revision, args.revalidate
                )
                if clients <= args.target and (errors or timeouts):
                    failed = True
            servers.stop()
    finally:
        servers.stop()
        drop_database(args.database_url, name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
