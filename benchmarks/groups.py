"""Benchmark of ranking within groups (spec section 10): what it costs against ranking all.

The bundled demo's latest period, assessed as written and with its ten units split into
市内区 (seven districts) and 县级市 (胶州市, 平度市, 莱西市) under ``ranking: group``: one
assessment, the robustness analysis (Monte Carlo with the Saltelli design) and the what-if
answers for one unit. The grouping is illustrative, as the demo is.

Usage: python benchmarks/groups.py [--samples 2000] [--repeat 3]
Prints a table of the best of ``repeat`` runs, in seconds.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from typing import Any

COUNTY = {"jiaozhou", "pingdu", "laixi"}


def grouped_text(text: str) -> str:
    """The scheme's YAML with groups listed, every unit in one, and ranking within groups."""

    def unit(match: re.Match[str]) -> str:
        group = "county" if match.group(1) in COUNTY else "urban"
        return f"{{id: {match.group(1)}, name: {match.group(2)}, group: {group}}}"

    text = re.sub(r"\{id: ([a-z]+), name: ([^,}]+)\}(?=\s*$)", unit, text, flags=re.M)
    header = "groups:\n- {id: urban, name: 市内区}\n- {id: county, name: 县级市}\nranking: group\n"
    return text.replace("\nunits:", f"\n{header}units:", 1)


def cases() -> dict[str, tuple[Any, Any, Any]]:
    from leitai.demo import assess_demo, demo_periods
    from leitai.engine import parse_scheme
    from leitai.io import read_table

    last = demo_periods()[-1]
    previous = assess_demo(last.previous)[last.previous] if last.previous else None
    text = last.scheme_path.read_text(encoding="utf-8")
    out = {}
    for name, scheme_text in (("all", text), ("group", grouped_text(text))):
        scheme = parse_scheme(scheme_text, source=last.scheme_path.name)
        data = read_table(last.data_path, scheme)
        out[name] = (scheme, data, previous)
    assert out["group"][0].ranking == "group" and all(u.group for u in out["group"][0].units)
    return out


def best(run: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    from leitai.engine import assess
    from leitai.engine.sensitivity import analyse
    from leitai.engine.whatif import what_it_takes

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for name, (scheme, data, previous) in cases().items():
        rows.append(
            (
                name,
                best(lambda s=scheme, d=data, p=previous: assess(s, d, previous=p), args.repeat),
                best(
                    lambda s=scheme, d=data, p=previous: analyse(
                        s, d, previous=p, samples=args.samples, seed=0
                    ),
                    args.repeat,
                ),
                best(
                    lambda s=scheme, d=data, p=previous: what_it_takes(s, d, "laixi", previous=p),
                    1,
                ),
            )
        )
    print(f"{'ranking':<8} {'assess s':>10} {f'analyse {args.samples} s':>16} {'whatif s':>10}")
    for name, one, many, whatif in rows:
        print(f"{name:<8} {one:>10.4f} {many:>16.3f} {whatif:>10.3f}")


if __name__ == "__main__":
    main()
