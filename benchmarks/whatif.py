"""Speed of the what-if answers (``leitai whatif``): prints a table of figures.

    python benchmarks/whatif.py [--repeat 3]

1. ``what_it_takes`` for every unit of the bundled demo's latest period (10 units x 25
   indicators, flags on rank changes against the period before).
2. ``what_it_takes`` for every unit of the spec's worked example case3 (section 9 data
   preparation: every candidate value goes through the preparation again).
3. ``what_it_takes`` for one unit of a synthetic population of 500 units x 40
   indicators in 4 boards with sub-boards (mixed methods, 2 % missing values, stars,
   flags and grades).
4. ``recompute`` of that synthetic period with one value edited.

Each case is run ``--repeat`` times; the median and the best are shown.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

EXAMPLES = Path(__file__).resolve().parents[1] / "tests" / "data" / "spec-examples"


def demo_case() -> tuple[Any, Any, Any]:
    from leitai.demo import assess_demo, demo_periods
    from leitai.engine import load_scheme
    from leitai.io import read_table

    period = demo_periods()[-1]
    previous = assess_demo(period.previous)[period.previous] if period.previous else None
    scheme = load_scheme(period.scheme_path)
    return scheme, read_table(period.data_path, scheme), previous


def example_case(name: str) -> tuple[Any, Any, Any]:
    from leitai.engine import load_scheme
    from leitai.io import read_previous, read_table

    folder = EXAMPLES / name
    scheme = load_scheme(folder / "scheme.yaml")
    previous_path = folder / "previous.csv"
    previous = read_previous(previous_path) if previous_path.exists() else None
    return scheme, read_table(folder / "data.csv", scheme), previous


def synthetic_case(units: int = 500, indicators: int = 40, boards: int = 4) -> tuple[Any, Any, Any]:
    import yaml

    from leitai.engine import PeriodData, parse_scheme

    rng = np.random.default_rng(7)
    methods = ["efficacy", "minmax", "zscore", "rank_points", "bands"]
    per_board = indicators // boards

    def indicator(b: int, k: int) -> dict[str, Any]:
        method = methods[k % len(methods)]
        out: dict[str, Any] = {
            "id": f"b{b}i{k}",
            "name": f"indicator {b}-{k}",
            "method": method,
            "direction": "lower" if k % 3 == 0 else "higher",
            "weight": 1 + k % 3,
            "missing": ["zero", "worst", "exclude"][k % 3],
        }
        if method == "bands":
            out["params"] = {"thresholds": [[4, 100], [2, 80], [1, 60]]}
        return out

    half = per_board // 2
    document = {
        "id": "synthetic",
        "name": "benchmark",
        "version": 1,
        "units": [{"id": f"u{i}", "name": f"unit {i}"} for i in range(units)],
        "boards": [
            {
                "id": f"b{b}",
                "name": f"board {b}",
                "points": 100 / boards,
                "indicators": [indicator(b, k) for k in range(half)],
                "boards": [
                    {
                        "id": f"b{b}s",
                        "name": f"sub-board {b}",
                        "weight": 2,
                        "indicators": [indicator(b, k) for k in range(half, per_board)],
                    }
                ],
            }
            for b in range(boards)
        ],
        "adjustments": [{"id": "bonus", "name": "bonus", "kind": "bonus", "max_points": 2}],
        "tie_break": ["b0"],
        "flags": [
            {"id": "top", "name": "top 15%", "when": "rank <= ceil(n * 0.15)"},
            {"id": "climb", "name": "climber", "when": "rank_change >= 20"},
            {"id": "star", "name": "ten stars", "when": "stars_b1 >= 10"},
        ],
        "grades": [
            {"name": "A", "when": "rank <= 50"},
            {"name": "B", "when": "score >= 60"},
            {"name": "C", "when": "true"},
        ],
    }
    scheme = parse_scheme(yaml.safe_dump(document))
    values = np.round(rng.lognormal(mean=1.0, sigma=0.6, size=(units, indicators)), 2)
    values[rng.random(values.shape) < 0.02] = np.nan
    data = PeriodData(
        scheme_id=scheme.id,
        values=values,
        targets=np.full(values.shape, np.nan),
        series=np.zeros((units, 0)),
        adjustments={"bonus": np.round(rng.uniform(0, 3, units), 1)},
    )
    previous = {u: int(r) + 1 for u, r in zip(scheme.unit_ids, rng.permutation(units), strict=True)}
    return scheme, data, previous


def timed(run: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    out = run()  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), out


def every_unit(scheme: Any, data: Any, previous: Any) -> int:
    from leitai.engine.whatif import what_it_takes

    return sum(
        len(what_it_takes(scheme, data, unit, previous=previous).rows) for unit in scheme.unit_ids
    )


def main(argv: list[str] | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    from leitai.engine.whatif import recompute, what_it_takes

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    rows = []

    scheme, data, previous = demo_case()
    median, best, answers = timed(lambda: every_unit(scheme, data, previous), args.repeat)
    rows.append(("what_it_takes, every unit, demo", "10 x 25", f"{answers}", median, best))

    scheme, data, previous = example_case("case3")
    median, best, answers = timed(lambda: every_unit(scheme, data, previous), args.repeat)
    size = f"{len(scheme.units)} x {len(scheme.all_indicators())}"
    rows.append(("what_it_takes, every unit, case3 (prepared)", size, f"{answers}", median, best))

    scheme, data, previous = synthetic_case()
    unit = scheme.unit_ids[250]
    median, best, out = timed(
        lambda: what_it_takes(scheme, data, unit, previous=previous), args.repeat
    )
    rows.append(
        ("what_it_takes, one unit, synthetic", "500 x 40", f"{len(out.rows)}", median, best)
    )
    median, best, _ = timed(
        lambda: recompute(scheme, data, {unit: {"b0i1": 9.5}}, previous=previous), args.repeat
    )
    rows.append(("recompute, one edit, synthetic", "500 x 40", "—", median, best))

    table = Table(title="leitai what-if benchmark", header_style="bold")
    for name, justify in (
        ("case", "left"),
        ("units x indicators", "left"),
        ("answers", "right"),
        ("median s", "right"),
        ("best s", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for case, size, answers, median, best in rows:
        table.add_row(case, size, answers, f"{median:.3f}", f"{best:.3f}")
    Console(width=120).print(table)


if __name__ == "__main__":
    main()
