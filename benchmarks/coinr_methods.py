"""Benchmark of COINr's methods in leitai (docs/methods.md): time per board aggregation.

Every mean costs what the arithmetic mean costs (one pass over the board's children);
Copeland outranking compares every pair of units, so it grows with the square of the
units. Printed: milliseconds per call of ``leitai.engine.methods.combine`` on one
board of uniform random scores (best of 3; one run at 3,000 units), and Copeland over
a block of Monte Carlo samples. No targets: the table is for reading.

Usage: python benchmarks/coinr_methods.py
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from leitai.engine.methods import combine

CASES = [(51, 8), (500, 10), (3000, 10)]
METHODS = [
    ("mean", None),
    ("geometric", None),
    ("harmonic", None),
    ("generalised", 2.0),
    ("copeland", None),
]


def best_of(run: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    rng = np.random.default_rng(0)
    print(f"{'units':>6} {'children':>8} " + " ".join(f"{m:>12}" for m, _ in METHODS))
    for n, k in CASES:
        x = rng.uniform(1.0, 100.0, (n, k))
        w = rng.uniform(0.5, 2.0, (1, k))
        row = []
        for method, p in METHODS:
            seconds = best_of(
                lambda x=x, w=w, m=method, p=p: combine(x, w, m, p=p), 1 if n > 1000 else 3
            )
            row.append(f"{seconds * 1000:>9.2f} ms")
        print(f"{n:>6} {k:>8} " + " ".join(f"{c:>12}" for c in row))
    x = rng.uniform(1.0, 100.0, (1000, 51, 8))
    seconds = best_of(lambda: combine(x, np.ones((1, 1, 8)), "copeland"), 1)
    print(f"copeland, 1,000 Monte Carlo samples of 51 units x 8 children: {seconds:.2f} s")


if __name__ == "__main__":
    main()
