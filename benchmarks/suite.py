"""The test suite's time: CPU and wall per test file, and the machine's speed beside them.

The suite runs as the README's test command does (``python -m pytest -q``, every core),
with this file loaded as a pytest plugin that records, for every test, the CPU its
process used (user + system, the processes it started and reaped included), how much of
it was child processes and how much requests served by Django's test client, and its
wall time, into one file per xdist worker. Printed: the whole run's wall and CPU, the
files that cost most, where the CPU went (requests, child processes, the rest; and the
best wall the cores would allow if requests cost nothing), and a calibration (a fixed
pure-Python loop's CPU time, before and after the run), because a shared machine's speed
can change by a third within an hour.

``--save RUN.json`` keeps the per-file figures; ``--against OLD.json`` compares with an
earlier run, scaled by the files that neither run names in ``--changed`` (their CPU
ratio is the machine's change of speed between the two runs).

Usage: python benchmarks/suite.py [--save RUN.json] [--against OLD.json]
       [--changed tests/web/test_crawl.py,...] [--top 25] [-- pytest arguments]
Target (issue 15): the whole suite under 3 minutes of wall on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 180.0
_OUT = "LEITAI_SUITE_CPU_DIR"


# -- the plugin (loaded in the suite's processes with ``-p suite``) ----------------------

_record: Any = None
# CPU seconds of this process spent inside Django's test client (requests served in
# process), counted since the process started.
_in_requests = [0.0]


def _cpu() -> tuple[float, float]:
    """This process's CPU and that of the child processes it reaped, in seconds."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def _count_requests() -> None:
    """Count the CPU of every request served by Django's test client (once per process)."""
    try:
        from django.test import client
    except ImportError:
        return
    serve = client.Client.request
    if getattr(serve, "_counted", False):
        return

    def request(self: Any, **environ: Any) -> Any:
        start = time.process_time()
        try:
            return serve(self, **environ)
        finally:
            _in_requests[0] += time.process_time() - start

    request._counted = True  # type: ignore[attr-defined]
    client.Client.request = request  # type: ignore[method-assign]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: Any, nextitem: Any) -> Any:
    """Time one test (setup, call and teardown): CPU of the process, of the child
    processes it reaped and of the test client's requests; wall seconds."""
    global _record
    folder = os.environ.get(_OUT)
    if folder and _record is None:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        _record = open(Path(folder) / f"{worker}.tsv", "a", encoding="utf-8")  # noqa: SIM115
        _count_requests()
    (own, children), requests, wall = _cpu(), _in_requests[0], time.monotonic()
    try:
        return (yield)
    finally:
        if _record is not None:
            own_after, children_after = _cpu()
            took = time.monotonic() - wall
            used = own_after - own + children_after - children
            fields = [item.nodeid, f"{used:.3f}", f"{took:.3f}"]
            fields += [f"{children_after - children:.3f}", f"{_in_requests[0] - requests:.3f}"]
            _record.write("\t".join(fields) + "\n")
            _record.flush()


# -- the runner ---------------------------------------------------------------------------


def calibration() -> float:
    """CPU seconds of a fixed pure-Python loop: the machine's speed at the moment."""
    start = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.process_time() - start


def per_file(folder: Path) -> dict[str, dict[str, float]]:
    """Per test file: tests, CPU (all of it), wall, and the CPU of reaped child processes
    and of test-client requests within it."""
    figures: dict[str, Counter[str]] = {}
    for path in folder.glob("*.tsv"):
        for line in path.read_text(encoding="utf-8").splitlines():
            node, used, took, children, requests = line.split("\t")
            file = figures.setdefault(node.split("::")[0], Counter())
            file["tests"] += 1
            file["cpu"] += float(used)
            file["wall"] += float(took)
            file["children"] += float(children)
            file["requests"] += float(requests)
    return {name: dict(file) for name, file in figures.items()}


def breakdown(files: dict[str, dict[str, float]]) -> dict[str, float]:
    """Where the tests' CPU went: requests served in process by the test client, child
    processes (servers, workers, browsers, CLI runs, the PostgreSQL run), the rest."""
    total = sum(f["cpu"] for f in files.values())
    requests = sum(f["requests"] for f in files.values())
    children = sum(f["children"] for f in files.values())
    return {
        "requests": requests,
        "children": children,
        "other": total - requests - children,
        "total": total,
    }


def run(pytest_args: list[str]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, **{_OUT: folder})
        env["PYTHONPATH"] = os.pathsep.join(
            [str(ROOT / "benchmarks"), *filter(None, [env.get("PYTHONPATH")])]
        )
        before = calibration()
        start = time.monotonic()
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "suite", *pytest_args],
            cwd=ROOT,
            env=env,
            check=False,
        )
        wall = time.monotonic() - start
        after_usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after_usage.ru_utime - used.ru_utime) + (after_usage.ru_stime - used.ru_stime)
        return {
            "exit": done.returncode,
            "wall": wall,
            "cpu": cpu,
            "calibration": [before, calibration()],
            "files": per_file(Path(folder)),
        }


def machine_factor(old: dict[str, Any], new: dict[str, Any], changed: set[str]) -> float:
    """How much slower the machine was for ``new``: the CPU ratio of the files that both
    runs have and no change touched (processes and browsers left out: their cost varies
    with the changes to the harness)."""
    varying = ("process", "browser", "postgresql", "scenario", "server", "deploy", "backup")
    same = [
        name
        for name in old["files"]
        if name in new["files"] and name not in changed and not any(v in name for v in varying)
    ]
    before = sum(old["files"][n]["cpu"] for n in same)
    after = sum(new["files"][n]["cpu"] for n in same)
    return after / before if before else 1.0


def report(result: dict[str, Any], against: dict[str, Any] | None, changed: set[str], top: int):
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:  # a log file: room for the file names
        console = Console(width=120)
    files = result["files"]
    factor = machine_factor(against, result, changed) if against else 1.0
    table = Table(title="Test files by CPU (seconds; child processes included)")
    table.add_column("file", overflow="fold")
    table.add_column("tests", justify="right")
    table.add_column("CPU", justify="right")
    table.add_column("wall", justify="right")
    if against:
        table.add_column("CPU before", justify="right")
        table.add_column("CPU now, scaled", justify="right")
    for name in sorted(files, key=lambda n: -files[n]["cpu"])[:top]:
        row = [name, str(files[name]["tests"]), f"{files[name]['cpu']:.1f}"]
        row.append(f"{files[name]['wall']:.1f}")
        if against:
            old = against["files"].get(name, {}).get("cpu", 0.0)
            row += [f"{old:.1f}", f"{files[name]['cpu'] / factor:.1f}"]
        table.add_row(*row)
    console.print(table)
    summary = Table(title="The whole run")
    summary.add_column("figure")
    summary.add_column("value", justify="right")
    summary.add_row("exit status of pytest", str(result["exit"]))
    summary.add_row("wall (s)", f"{result['wall']:.1f}")
    summary.add_row("target wall (s)", f"{TARGET_SECONDS:.0f}")
    summary.add_row("CPU of the suite's processes (s)", f"{result['cpu']:.1f}")
    summary.add_row(
        "calibration loop before / after (s)", "{:.2f} / {:.2f}".format(*result["calibration"])
    )
    parts = breakdown(files)
    if against:
        total = parts["total"]
        old_total = sum(f["cpu"] for f in against["files"].values())
        summary.add_row("machine slower than in the old run by", f"{factor:.3f}x")
        summary.add_row(
            "tests' CPU: old / now / now scaled (s)",
            f"{old_total:.1f} / {total:.1f} / {total / factor:.1f}",
        )
    console.print(summary)
    cores = os.cpu_count() or 1
    where = Table(title="Where the tests' CPU went (seconds)")
    where.add_column("part")
    where.add_column("CPU", justify="right")
    where.add_row("requests served in process by Django's test client", f"{parts['requests']:.1f}")
    where.add_row(
        "child processes (servers, workers, browsers, CLI, PostgreSQL run)",
        f"{parts['children']:.1f}",
    )
    where.add_row("the rest of the test processes' own work", f"{parts['other']:.1f}")
    where.add_row("all tests", f"{parts['total']:.1f}")
    floor = (parts["total"] - parts["requests"]) / cores
    where.add_row(f"wall on {cores} cores if requests cost nothing, at best", f"{floor:.1f}")
    console.print(where)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", type=Path, help="keep this run's figures (JSON)")
    parser.add_argument("--against", type=Path, help="an earlier run's figures (JSON)")
    parser.add_argument(
        "--changed", default="", help="test files a change touched, comma-separated"
    )
    parser.add_argument("--top", type=int, default=25)
    args, pytest_args = parser.parse_known_args()
    pytest_args = [a for a in pytest_args if a != "--"]
    result = run(pytest_args)
    if args.save:
        args.save.write_text(json.dumps(result, indent=1), encoding="utf-8")
    against = json.loads(args.against.read_text(encoding="utf-8")) if args.against else None
    report(result, against, set(filter(None, args.changed.split(","))), args.top)
    return 0 if result["exit"] == 0 and result["wall"] < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
