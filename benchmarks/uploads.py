"""Benchmark of upload checking: time and peak memory of hostile and large tables.

Each case builds its file in a temporary folder, then checks it in a fresh Python
process the way the web does (:func:`leitai.web.workflow.tables.table_check` against the
demo scheme, as a reporter of one unit or as the office), and reports the wall time and
the process's peak resident memory (``VmHWM``) with the number of problems found.

Usage: python benchmarks/uploads.py [--only NAME]
Exits with status 1 when a case misses its target time or memory.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "data" / "bad"))

# name -> (builder, filename, reporter unit or None, target seconds, target MB)
CASES = {
    "8,000 rows of another unit (reporter)": ("other_unit_rows", "rows.csv", "shinan", 2.0, 300),
    "8,000 duplicated rows (office)": ("duplicated_rows", "rows.csv", None, 2.0, 300),
    "5 MB long CSV, 99,999 rows (office)": ("big_csv", "big.csv", None, 10.0, 500),
    "XLSX of 99,999 rows (office)": ("big_xlsx", "big.xlsx", None, 10.0, 500),
    "16,384-column CSV (reporter)": ("wide_csv", "wide.csv", "shinan", 10.0, 300),
    "dimension bomb XLSX": ("dimension_bomb", "bomb.xlsx", "shinan", 2.0, 200),
    "deflate bomb XLSX": ("deflate_bomb", "bomb.xlsx", "shinan", 2.0, 200),
}

CHILD = r"""
import json, os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leitai.web.settings")
import django
django.setup()
from leitai.demo import demo_dir
from leitai.engine import load_scheme
from leitai.web.workflow.tables import table_check
path, filename, unit = sys.argv[1], sys.argv[2], sys.argv[3] or None
scheme = load_scheme(demo_dir() / "scheme-2023-v1.yaml")
data = open(path, "rb").read()
start = time.perf_counter()
checked = table_check(data=data, filename=filename, scheme=scheme, period="2023Q1",
                      current={}, unit=unit, unit_names={u.id: u.name for u in scheme.units})
seconds = time.perf_counter() - start
size = len(json.dumps([checked.problems, checked.changes, checked.grid], default=str))
def peak_mb():
    # VmHWM restarts at exec; ru_maxrss keeps the forking parent's high-water mark.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "problems": len(checked.problems),
                  "page_bytes": size, "rss_mb": peak_mb()}))
"""


def run_case(builder: str, filename: str, unit: str | None, folder: Path) -> dict[str, float]:
    import make_bad_files

    path = folder / filename
    path.write_bytes(getattr(make_bad_files, builder)())
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="leitai.web.settings")
    env.setdefault("LEITAI_DATA_DIR", str(folder))
    # A throwaway key and audit key: the child only checks a file against the demo.
    env.setdefault("LEITAI_SECRET_KEY", "leitai-benchmark-not-secret")
    env.setdefault("LEITAI_AUDIT_KEY", "leitai-benchmark-not-secret")
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), filename, unit or ""],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    if out.returncode != 0:
        raise SystemExit(f"{builder} failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_seconds"] = time.perf_counter() - start
    result["file_kb"] = path.stat().st_size / 1024
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run the cases whose name contains this")
    args = parser.parse_args()
    failed = False
    header = (
        f"{'case':42} {'file KB':>9} {'check s':>8} {'target':>7} "
        f"{'peak MB':>8} {'problems':>9} {'page KB':>8}"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory(prefix="leitai-bench-") as folder:
        for name, (builder, filename, unit, seconds, megabytes) in CASES.items():
            if args.only and args.only not in name:
                continue
            r = run_case(builder, filename, unit, Path(folder))
            ok = r["seconds"] <= seconds and r["rss_mb"] <= megabytes
            failed |= not ok
            print(
                f"{name:42} {r['file_kb']:9.0f} {r['seconds']:8.2f} {seconds:7.1f} "
                f"{r['rss_mb']:8.0f} {r['problems']:9d} {r['page_bytes'] / 1024:8.0f}"
                + ("" if ok else "  MISSED")
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
