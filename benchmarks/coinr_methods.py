"""Benchmark of COINr's methods in leitai (docs/methods.md): time per board aggregation,
and the methods of sections E (optimised weights) and G (trends, two results
compared), and sensitivity to a scheme parameter.

Every mean costs what the arithmetic mean costs (one pass over the board's children);
Copeland outranking compares every pair of units, so it grows with the square of the
units. Printed: milliseconds per call of ``leitai.engine.methods.combine`` on one
board of uniform random scores (best of 3; one run at 3,000 units), and Copeland over
a block of Monte Carlo samples; then the time of ``optimise_weights`` (evaluations of
the objective, each a full aggregation), ``trend_of`` over a panel, ``compare_results``
of two results and ``analyse`` with a parameter of two values. No targets: the table is
for reading.

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


def _scheme(n: int, k: int, boards: int = 4) -> object:
    from leitai.engine import parse_scheme

    per = k // boards
    units = ", ".join(f"{{id: u{u}, name: u{u}}}" for u in range(n))
    listed = []
    for b in range(boards):
        inds = ", ".join(f"{{id: i{b}_{j}, name: i{b}_{j}, method: minmax}}" for j in range(per))
        listed.append(f"{{id: b{b}, name: b{b}, weight: 1, indicators: [{inds}]}}")
    return parse_scheme(
        f"id: bench\nname: bench\nversion: 1\nunits: [{units}]\n"
        f"boards: [{{id: index, name: index, points: 100, boards: [{', '.join(listed)}]}}]\n"
    )


def weights_and_panels() -> None:
    from leitai.engine import PeriodData, assess
    from leitai.engine.panels import compare_results, trend_of
    from leitai.engine.parameters import Parameter
    from leitai.engine.sensitivity import analyse
    from leitai.engine.weights import optimise_weights

    rng = np.random.default_rng(1)
    print()
    print(f"{'units':>6} {'indicators':>10} {'optimise (evaluations)':>24} {'tol 1e-6':>22}")
    for n, k in [(51, 8), (500, 20), (3000, 40)]:
        scheme = _scheme(n, k)
        scores = rng.uniform(0.0, 100.0, (n, k)) + np.linspace(0, 30, n)[:, None]
        cells = []
        for tolerance in (0.1, 1e-6):
            start = time.perf_counter()
            out = optimise_weights(scheme, scores, tolerance=tolerance, max_iterations=2000)
            cells.append(f"{(time.perf_counter() - start) * 1000:>9.1f} ms ({out.evaluations})")
        print(f"{n:>6} {k:>10} {cells[0]:>24} {cells[1]:>22}")
    values = rng.uniform(1.0, 100.0, (3000, 100, 10))
    values[rng.random(values.shape) < 0.05] = np.nan
    years = np.arange(2015.0, 2025.0)
    for method in ("cagr", "change"):
        seconds = best_of(lambda m=method: trend_of(values, years, method=m))
        print(
            f"trend_of {method}, 3,000 units x 100 indicators x 10 years: {seconds * 1000:.1f} ms"
        )
    scheme = _scheme(3000, 40)
    tables = [
        {f"u{u}": {i.id: float(v) for i, v in zip(scheme.all_indicators(), row, strict=True)}
         for u, row in enumerate(rng.uniform(0.0, 100.0, (3000, 40)))}
        for _ in range(2)
    ]  # fmt: skip
    results = [assess(scheme, PeriodData.from_mapping(scheme, t)).to_dict() for t in tables]
    seconds = best_of(lambda: compare_results(*results))
    print(f"compare_results, 3,000 units x 5 boards: {seconds * 1000:.1f} ms")
    scheme = _scheme(51, 8)
    data = PeriodData.from_mapping(
        scheme,
        {f"u{u}": {i.id: float(v) for i, v in zip(scheme.all_indicators(), row, strict=True)}
         for u, row in enumerate(rng.uniform(0.0, 100.0, (51, 8)))},
    )  # fmt: skip
    parameter = Parameter("boards[index].boards[b0].aggregation.method", ("mean", "geometric"))
    for parameters in ((), (parameter,)):
        start = time.perf_counter()
        out = analyse(scheme, data, samples=1000, seed=0, parameters=parameters)
        seconds = time.perf_counter() - start
        print(
            f"analyse 51 units x 8 indicators, 1,000 samples, {len(out.inputs)} inputs "
            f"({out.evaluations} assessments): {seconds:.2f} s"
        )


if __name__ == "__main__":
    main()
    weights_and_panels()
