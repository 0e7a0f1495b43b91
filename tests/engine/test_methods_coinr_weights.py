"""PCA weights (docs/methods.md, section E) against COINr 1.1.14's get_PCA.

tests/data/coinr/make_references.R ran get_PCA(Level = 1, by_groups = TRUE) on
synthetic.csv with its gaps filled ("complete"), with its gaps ("gaps": rows with a
missing value left out) and on a table with a common trend ("trend") into
pca_weights.csv. A principal component's sign is arbitrary: leitai signs each board's
loadings to a positive sum, so COINr's are compared after the same signing.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from leitai.engine import PeriodData, assess, parse_scheme
from leitai.engine.errors import LeitaiError
from leitai.engine.weights import pca_loadings, pca_weights, with_weights

DATA = Path(__file__).resolve().parents[1] / "data" / "coinr"
PILLARS = {"p1": ("i1", "i2", "i3"), "p2": ("i4", "i5", "i6")}
INDICATORS = PILLARS["p1"] + PILLARS["p2"]


def _tables() -> dict[str, np.ndarray]:
    with open(DATA / "synthetic.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    gaps = np.array([[float(r[i]) if r[i] else np.nan for i in INDICATORS] for r in rows])
    complete = np.where(np.isnan(gaps), 50.0, gaps)
    trend = 5.0 * np.arange(1, len(rows) + 1)[:, None] + complete / 10.0
    return {"complete": complete, "gaps": gaps, "trend": trend}


def _scheme():
    def board(pid: str) -> str:
        listed = ", ".join(f"{{id: {i}, name: {i}, method: minmax}}" for i in PILLARS[pid])
        return f"{{id: {pid}, name: {pid}, indicators: [{listed}]}}"

    units = ", ".join(f"{{id: u{k:02d}, name: u{k:02d}}}" for k in range(1, 13))
    return parse_scheme(
        f"id: pca\nname: PCA\nversion: 3\nunits: [{units}]\n"
        f"boards: [{{id: index, name: index, points: 100, boards: [{board('p1')}, {board('p2')}]}}]\n"
    )


def _references() -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    with open(DATA / "pca_weights.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out.setdefault(row["case"], {})[row["iCode"]] = float(row["Weight"])
    for weights in out.values():
        for ids in PILLARS.values():
            if sum(weights[i] for i in ids) < 0:
                for i in ids:
                    weights[i] = -weights[i]
    return out


@pytest.mark.parametrize("case", ["complete", "gaps", "trend"])
def test_loadings_match_coinr(case):
    ours = pca_loadings(_scheme(), _tables()[case])
    theirs = _references()[case]
    assert set(ours) == set(theirs)
    assert max(abs(ours[i] - theirs[i]) for i in theirs) < 1e-9


def test_loadings_of_both_signs_cannot_be_weights():
    with pytest.raises(LeitaiError) as caught:
        pca_weights(_scheme(), _tables()["complete"])
    found = {(p.code, p.params["board"], p.params["indicators"]) for p in caught.value.problems}
    assert found == {
        ("weights.pca_not_positive", "p1", "i3"),
        ("weights.pca_not_positive", "p2", "i4"),
    }


def test_weights_are_written_into_the_next_version():
    scheme = _scheme()
    weights = pca_weights(scheme, _tables()["trend"])
    text = with_weights(scheme, weights)
    again = parse_scheme(text)
    assert again.version == 4
    assert {i.id: i.weight for i in again.all_indicators()} == weights
    # The new scheme assesses like the old one with those weights.
    values = {
        f"u{k:02d}": dict(zip(INDICATORS, row, strict=True))
        for k, row in enumerate(_tables()["trend"], 1)
    }
    result = assess(again, PeriodData.from_mapping(again, values))
    assert result.rank.min() == 1


def test_a_constant_indicator_leaves_no_component():
    table = _tables()["trend"].copy()
    table[:, 4] = 7.0
    with pytest.raises(LeitaiError) as caught:
        pca_loadings(_scheme(), table)
    assert caught.value.problems[0].code == "weights.pca_too_few_units"
    assert caught.value.problems[0].params == {"board": "p2"}


def test_the_weights_command_writes_the_next_version(tmp_path, capsys):
    from leitai.cli import main

    scheme = _scheme()
    (tmp_path / "scheme.yaml").write_text(scheme.text, encoding="utf-8")
    table = _tables()["trend"]
    lines = ["unit," + ",".join(INDICATORS)]
    lines += [
        f"u{k:02d}," + ",".join(repr(float(v)) for v in row) for k, row in enumerate(table, 1)
    ]
    (tmp_path / "data.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "new.yaml"
    code = main(
        ["weights", str(tmp_path / "scheme.yaml"), str(tmp_path / "data.csv"), "-o", str(out)]
    )
    assert code == 0
    written = parse_scheme(out.read_text(encoding="utf-8"))
    # min-max scores are an affine map of the values: the same components.
    expected = _references()["trend"]
    assert written.version == 4
    assert max(abs(i.weight - expected[i.id]) for i in written.all_indicators()) < 1e-9
    (tmp_path / "gaps.csv").write_text(
        "\n".join(
            lines[:1]
            + [
                f"u{k:02d}," + ",".join(repr(float(v)) for v in row)
                for k, row in enumerate(_tables()["complete"], 1)
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    code = main(["weights", str(tmp_path / "scheme.yaml"), str(tmp_path / "gaps.csv")])
    assert code == 2
    assert "第一主成分" in capsys.readouterr().err
