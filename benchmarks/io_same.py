"""Same bytes before and after: ``leitai`` run by two checkouts on every case, compared.

    python benchmarks/io_same.py --before /path/to/old/src [--after src] [--keep DIR]

Writes the inputs once in a temporary folder, then runs every case with each
checkout's ``src`` in a child process (``leitai.cli.main`` called in the process, one
case after another; its stdout, stderr, exit code and every file it writes kept) and
compares the two runs byte for byte. The cases:

- the worked examples of the scoring specification (``tests/data/spec-examples``:
  ``--previous``, ``--period`` and ``--from`` as their README says), from their CSV and
  from the same table as an XLSX, to JSON, CSV and the text table;
- COINr's ASEM example: ``import-coinr`` (the scheme and data it writes) and ``assess``;
- the Qingdao demo: ``leitai demo`` for each period, and each period's data file
  assessed from CSV and XLSX against the previous result;
- the 3,000 x 100 table of ``benchmarks/io.py`` (CSV and XLSX), to JSON and CSV;
- the located problems (``validate`` and ``assess``, Chinese and English) of that table
  spoilt: unknown columns, cells that are not numbers (more than the hundred listed),
  an unknown unit, a repeated one, a unit absent; and of every file of the bad-file
  corpus (``tests/data/bad``).

Prints a line per case and exits 1 if any differs.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "tests" / "data" / "spec-examples"
ASEM = ROOT / "tests" / "data" / "asem"
DEMO = ROOT / "src" / "leitai" / "demo"

# Run in the child: each case's argv in the case's own folder, stdout/stderr as bytes.
CHILD = r"""
import io, json, os, sys, traceback
from leitai.cli import main
cases = json.load(open(sys.argv[1], encoding="utf-8"))
root = sys.argv[2]
real_out, real_err = sys.stdout, sys.stderr
for name, argv in cases:
    folder = os.path.join(root, name)
    os.makedirs(folder, exist_ok=True)
    os.chdir(folder)
    out, err = io.BytesIO(), io.BytesIO()
    sys.stdout = io.TextIOWrapper(out, encoding="utf-8", write_through=True)
    sys.stderr = io.TextIOWrapper(err, encoding="utf-8", write_through=True)
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    except BaseException:
        code = "exception: " + traceback.format_exc(limit=0)
    sys.stdout.flush(); sys.stderr.flush()
    sys.stdout.detach(); sys.stderr.detach()  # the wrappers dropped leave the bytes open
    sys.stdout, sys.stderr = real_out, real_err
    with open("_stdout", "wb") as f: f.write(out.getvalue())
    with open("_stderr", "wb") as f: f.write(err.getvalue())
    with open("_exit", "w") as f: f.write(str(code))
"""


def _bench_inputs(folder: Path) -> dict[str, Path]:
    spec = importlib.util.spec_from_file_location("leitai_bench_io", ROOT / "benchmarks" / "io.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(ROOT / "benchmarks"))
    spec.loader.exec_module(module)
    return module.write_inputs(folder)


def _xlsx(rows: list[list[str]], path: Path) -> Path:
    """A CSV's rows as a workbook: numbers as numbers, the rest as text."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("数据填报")
    for row in rows:
        cells: list[object] = []
        for cell in row:
            try:
                cells.append(float(cell) if cell.strip() else None)
            except ValueError:
                cells.append(cell)
        sheet.append(cells)
    book.save(path)
    return path


def _read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _write_csv(rows: list[list[str]], path: Path) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _spoilt(rows: list[list[str]]) -> list[list[str]]:
    """The 3,000 x 100 table with problems of every kind the reading reports."""
    rows = [list(r) for r in rows]
    rows[0] += ["x1", "x2", "x3", "x4"]
    for row in rows[1:]:
        row += ["1", "2", "3", "4"]
    for k in range(150):  # more than the hundred problems listed
        rows[1 + 7 * k][1 + k % 90] = ["abc", "12,3", "1,5%", "？"][k % 4]
    rows[5][0] = "nowhere"  # an unknown unit
    rows[9][0] = rows[10][0]  # a repeated unit, and u8 absent
    return rows


Cases = list[tuple[str, list[str]]]


def write_cases(folder: Path) -> Cases:
    """Every case's name and argv, the inputs written in ``folder``."""
    return [
        *_example_cases(folder),
        *_asem_cases(folder),
        *_demo_cases(folder),
        *_bench_cases(folder),
        *_bad_cases(folder),
    ]


def _leitai(*argv: str) -> None:
    """Run this checkout's leitai (to make an input for the cases)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run(
        [sys.executable, "-m", "leitai.cli", *argv], check=True, capture_output=True, env=env
    )


def _example_cases(folder: Path) -> Cases:
    cases: Cases = []
    for case in sorted(p for p in EXAMPLES.iterdir() if (p / "scheme.yaml").exists()):
        period = json.loads((case / "expected.json").read_text(encoding="utf-8"))["period"]
        extra = ["--period", period] if period else []
        if (case / "previous.csv").exists():
            extra += ["--previous", str(case / "previous.csv")]
        for other in sorted((case / "from").glob("*.json")) if (case / "from").exists() else []:
            extra += ["--from", f"{other.stem}={other}"]
        xlsx = _xlsx(_read_csv(case / "data.csv"), folder / f"{case.name}.xlsx")
        for table in (case / "data.csv", xlsx):
            for fmt in ("json", "csv", "table"):
                name = f"{case.name}-{table.suffix[1:]}-{fmt}"
                cases.append((name, ["assess", str(case / "scheme.yaml"), str(table),
                                     *extra, "--format", fmt]))  # fmt: skip
                if fmt != "table":
                    cases.append((f"{name}-file", [*cases[-1][1], "-o", f"out.{fmt}"]))
    return cases


def _asem_cases(folder: Path) -> Cases:
    # COINr's ASEM: imported by each checkout, then assessed from what it wrote.
    asem = ["import-coinr", str(ASEM / "ASEM_iData.csv"), str(ASEM / "ASEM_iMeta.csv")]
    cases: Cases = [("asem-import", [*asem, "-o", "."])]
    asem_dir = folder / "asem"
    _leitai(*asem, "-o", str(asem_dir))
    for fmt in ("json", "csv"):
        cases.append((f"asem-{fmt}", ["assess", str(asem_dir / "scheme.yaml"),
                                      str(asem_dir / "data.csv"), "--format", fmt]))  # fmt: skip
    return cases


def _demo_cases(folder: Path) -> Cases:
    # The demo: every period, and its data files from CSV and XLSX.
    periods = sorted(p.stem for p in (DEMO / "data").glob("*.csv"))
    cases: Cases = []
    for period in periods[1:]:
        cases.append((f"demo-{period}", ["demo", "--period", period, "--format", "json"]))
    previous = None
    for period in periods:
        version = "v1" if period <= "2023Q2" else "v2"  # as leitai.demo.demo_periods says
        scheme = DEMO / f"scheme-2023-{version}.yaml"
        data = DEMO / "data" / f"{period}.csv"
        xlsx = _xlsx(_read_csv(data), folder / f"demo-{period}.xlsx")
        for table in (data, xlsx):
            argv = ["assess", str(scheme), str(table), "--period", period, "--format", "json"]
            if previous:
                argv += ["--previous", str(previous)]
            cases.append((f"demo-data-{period}-{table.suffix[1:]}", argv))
        previous = folder / f"demo-{period}.json"
        _leitai(*cases[-2][1], "-o", str(previous))
    return cases


def _bench_cases(folder: Path) -> Cases:
    # The 3,000 x 100 table, and its problems.
    bench = _bench_inputs(folder)
    cases: Cases = []
    for table in ("csv", "xlsx"):
        for fmt in ("json", "csv"):
            cases.append((f"bench-{table}-{fmt}", ["assess", str(bench["scheme"]),
                          str(bench[table]), "--format", fmt, "-o", f"out.{fmt}"]))  # fmt: skip
    spoilt = _spoilt(_read_csv(bench["csv"]))
    tables = [_write_csv(spoilt, folder / "spoilt.csv"), _xlsx(spoilt, folder / "spoilt.xlsx")]
    for table in tables:
        for lang in ("zh", "en"):
            name = f"spoilt-{table.suffix[1:]}-{lang}"
            cases.append((name, ["validate", str(bench["scheme"]), str(table), "--lang", lang]))
            cases.append((f"{name}-assess", ["assess", str(bench["scheme"]), str(table),
                                             "--format", "json", "--lang", lang]))  # fmt: skip
    return cases


def _bad_cases(folder: Path) -> Cases:
    # The bad-file corpus against the demo scheme.
    sys.path.insert(0, str(ROOT / "tests" / "data" / "bad"))
    import make_bad_files as bad

    cases: Cases = []
    for name, item in sorted(bad.CORPUS.items()):
        path = folder / "bad" / name / item.filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(item.build())
        argv = ["validate", str(DEMO / "scheme-2023-v1.yaml"), str(path), "--lang", "en"]
        cases.append((f"bad-{name}", argv))
    return cases


def run(src: Path, cases_file: Path, out: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(src)}
    subprocess.run([sys.executable, "-c", CHILD, str(cases_file), str(out)], env=env, check=True)


def compare(before: Path, after: Path, cases: Cases) -> list[str]:
    differ = []
    for name, _argv in cases:
        a, b = before / name, after / name
        files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
        files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
        same = files_a == files_b and all(
            (a / f).read_bytes() == (b / f).read_bytes() for f in files_a
        )
        code = (b / "_exit").read_text()
        size = sum((b / f).stat().st_size for f in files_b)
        print(f"{'same' if same else 'DIFFERENT':9} {name:40} exit {code:>3}  {size:>10,} bytes")
        if not same:
            differ.append(name)
    return differ


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", required=True, help="the other checkout's src folder")
    parser.add_argument("--after", default=str(ROOT / "src"), help="default: this checkout's")
    parser.add_argument("--keep", help="keep the inputs and outputs in this folder")
    args = parser.parse_args()
    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="leitai-same-"))
    try:
        inputs = tmp / "inputs"
        inputs.mkdir(parents=True, exist_ok=True)
        cases = write_cases(inputs)
        cases_file = tmp / "cases.json"
        cases_file.write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
        run(Path(args.before).resolve(), cases_file, tmp / "before")
        run(Path(args.after).resolve(), cases_file, tmp / "after")
        differ = compare(tmp / "before", tmp / "after", cases)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"{len(cases)} cases, {len(cases) - len(differ)} the same, {len(differ)} different")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
