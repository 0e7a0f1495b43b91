"""The JRC COIN Tool's workbook read as COINr's import_coin_tool reads it.

tests/data/coinr/make_references.R wrote cointool.xlsx in the COIN Tool's layout
(synthetic.csv, i4 "lower is better", a sub-index level nobody uses, four sub-pillars
under two pillars) and read it back with COINr's import_coin_tool into
cointool_imeta.csv and cointool_idata.csv.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from leitai.cli import main
from leitai.engine import DataError, assess, load_scheme
from leitai.io import read_table
from leitai.io.cointool import read_coin_tool

DATA = Path(__file__).resolve().parents[1] / "data" / "coinr"
WORKBOOK = DATA / "cointool.xlsx"


def _coinr() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    with open(DATA / "cointool_imeta.csv", encoding="utf-8") as handle:
        meta = list(csv.DictReader(handle))
    with open(DATA / "cointool_idata.csv", encoding="utf-8") as handle:
        data = list(csv.DictReader(handle))
    return meta, data


def test_the_workbook_reads_as_coinr_reads_it():
    tables = read_coin_tool(WORKBOOK)
    meta, data = _coinr()
    assert len(tables.nodes) == len(meta) == 13
    for row in meta:
        node = tables.nodes[row["iCode"].replace(".", "_")]
        assert node.name == row["iName"]
        assert node.level == int(row["Level"])
        assert node.weight == float(row["Weight"])
        assert node.parent == (row["Parent"].replace(".", "_") or None)
        if row["Type"] == "Indicator":
            assert node.direction == int(row["Direction"])
    assert [u["code"] for u in tables.units] == [r["uCode"] for r in data]
    for unit, row in zip(tables.units, data, strict=True):
        assert unit["name"] == row["uName"]
        for code, value in unit["values"].items():
            assert value == (float(row[code]) if row[code] else None)
    # The unused sub-index level is left out, as COINr does.
    assert "si_all" not in tables.nodes


def test_the_command_writes_a_scheme_that_assesses(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["import-cointool", str(WORKBOOK), "-o", str(out), "--f-ag", "a_gmean"]) == 0
    scheme = load_scheme(out / "scheme.yaml")
    text = (out / "scheme.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Converted from the COIN Tool workbook cointool.xlsx by leitai.")
    assert "aggregation {method: geometric}" in text
    assert [b.id for b in scheme.all_boards()] == [
        "Index", "p_p1", "sp_a", "sp_b", "p_p2", "sp_c", "sp_d",
    ]  # fmt: skip
    assert all(b.aggregation.method == "geometric" for b in scheme.all_boards())
    result = assess(scheme, read_table(out / "data.csv", scheme))
    assert sorted(result.rank.tolist())[0] == 1 and len(result.rank) == 12
    i4 = next(i for i in scheme.all_indicators() if i.id == "i4")
    assert i4.direction == "lower"


def _workbook(path: Path, changes: dict[str, object]) -> Path:
    """The reference workbook's cells written again by openpyxl (which cannot open the
    file openxlsx wrote), with ``changes`` ("Sheet!A1": value)."""
    from openpyxl import Workbook

    from leitai.io.files import read_sheet

    book = Workbook()
    book.remove(book.active)
    for name in ("Database", "Framework"):
        sheet = book.create_sheet(name)
        raw = read_sheet(WORKBOOK, sheet=name)
        for number, row in zip(raw.numbers, raw.rows, strict=True):
            for k, value in enumerate(row):
                if value is not None:
                    sheet.cell(row=number, column=k + 1, value=value)
    for ref, value in changes.items():
        name, cell = ref.split("!")
        book[name][cell] = value
    book.save(path)
    return path


def _broken(tmp_path: Path) -> Path:
    return _workbook(
        tmp_path / "broken.xlsx",
        {
            "Database!F7": -1,  # i2's weight
            "Database!G8": 2,  # i3's direction
            "Database!J14": "sp.z",  # i6 under a sub-pillar the framework lacks
            "Database!E20": "about 5",  # u04's i1
            "Database!C22": "u05",  # a unit twice
        },
    )


def test_every_problem_names_its_sheet_and_cell(tmp_path):
    with pytest.raises(DataError) as caught:
        read_coin_tool(_broken(tmp_path))
    found = {(p.code, p.where.sheet, p.where.cell) for p in caught.value.problems}
    assert ("coinr.weight", "Database", "F7") in found
    assert ("coinr.direction", "Database", "G8") in found
    assert ("cointool.not_in_framework", "Database", "J14") in found
    assert ("number.not_a_number", "Database", "E20") in found
    assert ("coinr.twice", "Database", "C22") in found


def test_the_same_cells_written_by_openpyxl_read_alike(tmp_path):
    again = read_coin_tool(_workbook(tmp_path / "again.xlsx", {}))
    first = read_coin_tool(WORKBOOK)
    assert again.units == first.units
    assert {c: (n.level, n.weight, n.parent) for c, n in again.nodes.items()} == {
        c: (n.level, n.weight, n.parent) for c, n in first.nodes.items()
    }


def test_a_formula_is_refused(tmp_path, capsys):
    path = _workbook(tmp_path / "formula.xlsx", {"Database!E17": "=1+1"})
    assert main(["import-cointool", str(path), "-o", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert "E17" in err
    assert not (tmp_path / "x").exists()


def test_import_coinr_maps_coinrs_settings(tmp_path, capsys):
    from tests.conftest import ASEM

    base = ["import-coinr", str(ASEM / "ASEM_iData.csv"), str(ASEM / "ASEM_iMeta.csv"), "-o"]
    args = [*base, str(tmp_path / "a"), "--f-ag", "a_genmean", "--f-ag-p", "2",
            "--dat-thresh", "0.5", "--f-n", "n_goalposts", "--f-n-para",
            "gposts=10;90;100,trunc2posts=false", "--f2", "boxcox", "--lambda", "0.5",
            "--winmax", "3"]  # fmt: skip
    assert main(args) == 0
    scheme = load_scheme(tmp_path / "a" / "scheme.yaml")
    board = scheme.all_boards()[0]
    assert (board.aggregation.method, board.aggregation.p, board.aggregation.min_data) == (
        "generalised", 2.0, 0.5,
    )  # fmt: skip
    indicator = scheme.all_indicators()[0]
    assert indicator.method == "efficacy"
    assert indicator.params == {"base": 0.0, "span": 100.0, "worst": 10.0, "best": 90.0,
                                "truncate": False}  # fmt: skip
    treat = scheme.prepare.treat
    assert (treat.fallback, treat.lambda_, treat.max_points) == ("boxcox", 0.5, 3)
    header = (tmp_path / "a" / "scheme.yaml").read_text(encoding="utf-8").splitlines()[:3]
    assert "outlier treatment" in header[1] and "generalised" in header[2]
    assert main([*base, str(tmp_path / "b"), "--f-n", "n_goalposts", "--f-n-para", "gposts"]) == 2
    assert "gposts=10;90;100" in capsys.readouterr().err
    assert main([*base, str(tmp_path / "c"), "--f-ag", "a_nope"]) == 2


def test_not_a_workbook(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(io.BytesIO(b"not a zip").getvalue())
    with pytest.raises(DataError):
        read_coin_tool(path)
