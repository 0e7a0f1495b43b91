"""Benchmark of the web application on the demo: server time and throughput.

Starts ``leitai serve --demo`` (waitress, DEBUG off, SQLite in a temporary data
directory, or the database of ``DATABASE_URL``) on a free loopback port, then

1. requests the league table and a unit page one at a time and reports the median
   and 95th percentile of the server time (the ``Server-Timing`` header the
   application sets) and of the time seen by the client;
2. runs 20 concurrent keep-alive clients against each page for a few seconds and
   reports the requests per second and the errors (any answer but 200).

Both are run twice, on two servers: with the page store off (every page drawn, as for
a signed-in reader) and on (a visitor's page drawn once, then served from the store
after its seals are checked); the "stored" column is the share of the sequential
answers the server says came from the store (its ``Server-Timing`` header).

Usage: python benchmarks/web.py [--requests 200] [--seconds 5] [--clients 20]
Exits with status 1 when any request failed or a median exceeds the 50 ms target.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

PAGES = {
    "league table /periods/2023Q1/": "/periods/2023Q1/",
    "unit page /periods/2023Q1/units/shibei/": "/periods/2023Q1/units/shibei/",
}
TARGET_MS = 50.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(data_dir: str, store_seconds: int) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEITAI_", "DJANGO_"))}
    env["LEITAI_PAGE_STORE_SECONDS"] = str(store_seconds)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "leitai.web.server",
            "--demo",
            "--port",
            str(port),
            "--data-dir",
            data_dir,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process, port
        except OSError:
            if process.poll() is not None:
                raise SystemExit("the server stopped during start-up") from None
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


def sequential(port: int, path: str, count: int) -> tuple[list[float], list[float], int, int]:
    server, client, errors, stored = [], [], 0, 0
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(count):
        began = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        client.append((time.perf_counter() - began) * 1000)
        if response.status != 200:
            errors += 1
        timing = response.getheader("Server-Timing") or ""
        match = re.search(r"dur=([0-9.]+)", timing)
        if match:
            server.append(float(match[1]))
        stored += 'page;desc="stored"' in timing
    connection.close()
    return server, client, errors, stored


def concurrent(port: int, path: str, clients: int, seconds: float) -> tuple[int, int, float]:
    done = [0] * clients
    failed = [0] * clients
    stop_at = time.perf_counter() + seconds
    barrier = threading.Barrier(clients)

    def work(i: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        barrier.wait()
        while time.perf_counter() < stop_at:
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                if response.status == 200:
                    done[i] += 1
                else:
                    failed[i] += 1
            except (OSError, http.client.HTTPException):
                failed[i] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.close()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return sum(done), sum(failed), elapsed


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="sequential requests per page")
    parser.add_argument(
        "--seconds", type=float, default=5.0, help="duration of each concurrent run"
    )
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients")
    args = parser.parse_args()

    rows = []
    for store, store_seconds in (("off", 0), ("on", 600)):
        with tempfile.TemporaryDirectory(prefix="leitai-bench-") as data_dir:
            process, port = start(data_dir, store_seconds)
            try:
                for name, path in PAGES.items():
                    sequential(port, path, 20)  # warm the caches and the connection pool
                    server, client, seq_errors, stored = sequential(port, path, args.requests)
                    done, failed, elapsed = concurrent(port, path, args.clients, args.seconds)
                    rows.append(
                        (
                            name,
                            store,
                            stored / len(client),
                            statistics.median(server),
                            p95(server),
                            statistics.median(client),
                            done / elapsed,
                            done,
                            failed + seq_errors,
                        )
                    )
            finally:
                process.terminate()
                process.wait(timeout=15)

    database = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    print(f"leitai web benchmark: demo data, waitress (8 threads), {database}, loopback")
    print(
        f"{args.requests} sequential requests per page; {args.clients} concurrent clients for {args.seconds:g} s"
    )
    print()
    header = f"{'page':<42} {'store':>5} {'stored':>6} {'server median':>13} {'server p95':>10} {'client median':>13} {'req/s':>8} {'requests':>9} {'errors':>6}"
    print(header)
    print("-" * len(header))
    ok = True
    for name, store, share, median, high, client_median, rate, done, errors in rows:
        print(
            f"{name:<42} {store:>5} {share:>6.0%} {median:>10.1f} ms {high:>7.1f} ms {client_median:>10.1f} ms {rate:>8.0f} {done:>9} {errors:>6}"
        )
        ok = ok and errors == 0 and median < TARGET_MS
    print()
    print(
        f"target: median server time under {TARGET_MS:.0f} ms and no errors: {'met' if ok else 'NOT MET'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
