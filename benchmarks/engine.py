"""Speed and memory of the engine: prints a table of figures.

    python benchmarks/engine.py [--repeat 7]

1. ``assess`` on 3,000 units x 100 indicators in 5 boards (targets: under 0.2 s and
   under 300 MB peak).
2. ``leitai assess`` on the demo as a whole process, start-up included (target: under 1 s).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from leitai.engine import PeriodData, assess, parse_scheme

METHODS = ["efficacy", "minmax", "zscore", "rank_points", "bands", "target", "raw"]
POLICIES = ["zero", "worst", "exclude"]


def large_scheme(n_units: int, n_indicators: int, n_boards: int) -> str:
    lines = ["id: bench", "name: 基准", "version: 1", "units:"]
    lines += [f"  - {{id: u{u}, name: 单位{u}}}" for u in range(n_units)]
    lines.append("boards:")
    per_board = n_indicators // n_boards
    for b in range(n_boards):
        lines += [
            f"  - id: b{b}",
            f"    name: 板块{b}",
            f"    points: {100 / n_boards}",
            "    indicators:",
        ]
        for k in range(per_board):
            i = b * per_board + k
            method = METHODS[i % len(METHODS)]
            params = (
                ", params: {thresholds: [[80, 100], [50, 80], [20, 60]]}"
                if method == "bands"
                else ""
            )
            direction = "lower" if i % 4 == 3 else "higher"
            lines.append(
                f"      - {{id: i{i}, name: 指标{i}, method: {method}, direction: {direction}, "
                f"weight: {1 + i % 3}, missing: {POLICIES[i % 3]}{params}}}"
            )
    lines += [
        "adjustments: [{id: bonus, name: 加分, kind: bonus, max_points: 2}, {id: veto, name: 否决, kind: veto}]",
        "tie_break: [b0]",
        "flags: [{id: top, name: 排头, when: 'rank <= 2'}, {id: up, name: 进位, when: 'rank_change >= 2'}]",
        "grades: [{name: 优秀, when: 'rank <= ceil(n * 0.15)'}, {name: 合格, when: 'true'}]",
    ]
    return "\n".join(lines) + "\n"


def large_data(scheme, rng: np.random.Generator) -> PeriodData:
    n, m = len(scheme.units), len(scheme.all_indicators())
    values = rng.uniform(0, 100, size=(n, m))
    values[rng.random((n, m)) < 0.02] = np.nan
    return PeriodData(
        scheme_id=scheme.id,
        values=values,
        targets=rng.uniform(20, 80, size=(n, m)),
        series=np.empty((n, 0)),
        adjustments={"bonus": rng.uniform(0, 3, n), "veto": rng.random(n) < 0.01},
    )


def time_assess(repeat: int) -> tuple[float, float, float]:
    scheme = parse_scheme(large_scheme(3000, 100, 5))
    data = large_data(scheme, np.random.default_rng(0))
    previous = {u: i + 1 for i, u in enumerate(scheme.unit_ids[::-1])}
    assess(scheme, data, previous=previous)  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        assess(scheme, data, previous=previous)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    assess(scheme, data, previous=previous)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), min(times), peak / 2**20


def time_cli(repeat: int) -> tuple[float, float]:
    from leitai.demo import demo_periods

    period = next(p for p in demo_periods() if p.period == "2023Q1")
    with tempfile.TemporaryDirectory() as tmp:
        previous = Path(tmp) / "prev.json"
        before = next(p for p in demo_periods() if p.period == period.previous)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "leitai.cli",
                "assess",
                str(before.scheme_path),
                str(before.data_path),
                "--format",
                "json",
                "-o",
                str(previous),
            ],
            check=True,
            capture_output=True,
        )
        argv = [
            sys.executable,
            "-m",
            "leitai.cli",
            "assess",
            str(period.scheme_path),
            str(period.data_path),
            "--previous",
            str(previous),
            "--period",
            "2023Q1",
        ]
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run(argv, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    median, best, peak = time_assess(args.repeat)
    cli_median, cli_best = time_cli(args.repeat)
    table = Table(title="leitai engine benchmark")
    for column in ("case", "median", "best", "peak memory", "target", "met"):
        table.add_column(column)
    table.add_row(
        "assess 3,000 units x 100 indicators, 5 boards",
        f"{median * 1000:.1f} ms",
        f"{best * 1000:.1f} ms",
        f"{peak:.0f} MB",
        "< 200 ms, < 300 MB",
        "yes" if median < 0.2 and peak < 300 else "NO",
    )
    table.add_row(
        "`leitai assess` on the demo, whole process",
        f"{cli_median * 1000:.0f} ms",
        f"{cli_best * 1000:.0f} ms",
        "",
        "< 1 s",
        "yes" if cli_median < 1 else "NO",
    )
    Console().print(table)


if __name__ == "__main__":
    main()
