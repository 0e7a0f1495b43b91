"""Benchmark of the robustness analysis (``leitai analyse``): time and peak memory.

1. 10,000 Monte Carlo samples on the bundled demo (its latest period against the one
   before, so flags on rank changes count), all four uncertain inputs varying, with
   the Saltelli design for sensitivity indices. Target: under 1 s.
2. 1,000 samples on a synthetic population of 3,000 units x 100 indicators in 5
   boards (mixed methods, 2 % missing values). Target: under 30 s and under 2 GB peak.

Each case is timed in a plain run; peak memory is measured in a second run under
tracemalloc (numpy's arrays included), and the process's peak resident size is read
from ``resource.getrusage`` at the end. Also timed, for reference: what-if answers for
one demo unit and the diagnostics of the demo period.

Usage: python benchmarks/analysis.py [--samples-small 10000] [--samples-large 1000]
Exits with status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np


def demo_case() -> tuple[Any, Any, Any, str]:
    from leitai.engine import load_scheme
    from leitai.io import read_table

    try:
        from leitai.demo import assess_demo, demo_periods
    except ImportError:  # no demo in this build: the spec's first worked example
        from pathlib import Path

        folder = Path(__file__).resolve().parents[2] / "shared" / "spec" / "examples" / "case1"
        scheme = load_scheme(folder / "scheme.yaml")
        return scheme, read_table(folder / "data.csv", scheme), None, "spec example case1"
    period = demo_periods()[-1]
    previous = assess_demo(period.previous)[period.previous] if period.previous else None
    scheme = load_scheme(period.scheme_path)
    return scheme, read_table(period.data_path, scheme), previous, f"demo {period.period}"


def large_case(units: int = 3000, indicators: int = 100, boards: int = 5) -> tuple[Any, Any]:
    import yaml

    from leitai.engine import PeriodData, parse_scheme

    rng = np.random.default_rng(2023)
    methods = ["efficacy", "minmax", "zscore", "rank_points"]
    per_board = indicators // boards
    document = {
        "id": "large",
        "name": "benchmark",
        "version": 1,
        "units": [{"id": f"u{i}", "name": f"unit {i}"} for i in range(units)],
        "boards": [
            {
                "id": f"b{b}",
                "name": f"board {b}",
                "points": 100 / boards,
                "indicators": [
                    {
                        "id": f"b{b}i{k}",
                        "name": f"indicator {b}-{k}",
                        "method": methods[k % 4],
                        "direction": "lower" if k % 3 == 0 else "higher",
                        "weight": 1 + k % 3,
                        "missing": ["zero", "worst", "exclude"][k % 3],
                    }
                    for k in range(per_board)
                ],
            }
            for b in range(boards)
        ],
        "flags": [
            {"id": "top", "name": "top 15%", "when": "rank <= ceil(n * 0.15)"},
            {"id": "star", "name": "ten stars", "when": "stars_b0 >= 10"},
        ],
    }
    scheme = parse_scheme(yaml.safe_dump(document))
    values = rng.lognormal(mean=1.0, sigma=0.6, size=(units, indicators))
    values[rng.random(values.shape) < 0.02] = np.nan
    data = PeriodData(
        scheme_id=scheme.id,
        values=values,
        targets=np.full(values.shape, np.nan),
        series=np.zeros((units, 0)),
        adjustments={},
    )
    return scheme, data


def measure(run: Callable[[], Any]) -> tuple[float, float, Any]:
    """Seconds of a plain run, and peak MiB of a second run under tracemalloc."""
    start = time.perf_counter()
    out = run()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    tracemalloc.reset_peak()
    run()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, out


def main(argv: list[str] | None = None) -> int:
    import resource

    from rich.console import Console
    from rich.table import Table

    from leitai.engine.diagnostics import diagnose
    from leitai.engine.sensitivity import analyse
    from leitai.engine.whatif import what_it_takes

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples-small", type=int, default=10_000)
    parser.add_argument("--samples-large", type=int, default=1_000)
    args = parser.parse_args(argv)

    scheme, data, previous, label = demo_case()
    rows: list[tuple[str, str, str, str, float, float | None, str]] = []
    failed = False

    analyse(scheme, data, samples=50, previous=previous)  # warm up imports and caches
    seconds, peak, out = measure(
        lambda: analyse(scheme, data, samples=args.samples_small, seed=1, previous=previous)
    )
    ok = seconds < 1.0
    failed |= not ok
    size = f"{len(scheme.units)} x {len(scheme.all_indicators())} in {len(scheme.all_boards())}"
    rows.append(
        (
            f"analyse, {label}",
            size,
            f"{args.samples_small:,}",
            f"{out.evaluations:,}",
            seconds,
            peak,
            ("ok" if ok else "MISSED") + " (< 1 s)",
        )
    )

    unit = scheme.unit_ids[len(scheme.unit_ids) // 2]
    seconds, peak, out = measure(lambda: what_it_takes(scheme, data, unit, previous=previous))
    rows.append(
        (f"whatif {unit}, {label}", size, "—", f"{len(out.rows)} answers", seconds, peak, "")
    )
    seconds, peak, _ = measure(lambda: diagnose(scheme, data))
    rows.append((f"diagnostics, {label}", size, "—", "—", seconds, peak, ""))

    big_scheme, big_data = large_case()
    seconds, peak, out = measure(
        lambda: analyse(big_scheme, big_data, samples=args.samples_large, seed=1)
    )
    ok = seconds < 30.0 and peak < 2048
    failed |= not ok
    rows.append(
        (
            "analyse, synthetic",
            "3000 x 100 in 5",
            f"{args.samples_large:,}",
            f"{out.evaluations:,}",
            seconds,
            peak,
            ("ok" if ok else "MISSED") + " (< 30 s, < 2 GB)",
        )
    )

    table = Table(title="leitai robustness analysis benchmark", header_style="bold")
    for name, justify in (
        ("case", "left"),
        ("units x indicators in boards", "left"),
        ("samples", "right"),
        ("assessments", "right"),
        ("seconds", "right"),
        ("peak MiB (tracemalloc)", "right"),
        ("target", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for case, size, samples, assessments, secs, mib, target in rows:
        table.add_row(
            case,
            size,
            samples,
            assessments,
            f"{secs:.3f}",
            "—" if mib is None else f"{mib:.0f}",
            target,
        )
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    console = Console(width=None if sys.stdout.isatty() else 150)
    console.print(table)
    console.print(f"process peak resident size: {maxrss:.0f} MiB; numpy {np.__version__}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
