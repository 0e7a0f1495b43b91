"""Correlation-balanced weights (docs/methods.md, section E) against COINr 1.1.14's
get_opt_weights.

tests/data/coinr/make_references.R aggregated synthetic.csv (filled: "complete", or
with its gaps) by the arithmetic mean of the raw values, in two pillars of unequal
weights under one index, and ran get_opt_weights(Level = 1) into
optimised_weights.csv: the optimised weights (summing to 1), the objective at the
optimum and R's count of evaluations.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from leitai.engine import parse_scheme
from leitai.engine.errors import LeitaiError
from leitai.engine.weights import nelder_mead, optimise_weights

DATA = Path(__file__).resolve().parents[1] / "data" / "coinr"
PILLARS = {"p1": ("i1", "i2", "i3"), "p2": ("i4", "i5", "i6")}
INDICATORS = PILLARS["p1"] + PILLARS["p2"]
WEIGHTS = {"i1": 1, "i2": 2, "i3": 1.5, "i4": 1, "i5": 1, "i6": 3}


def _tables() -> dict[str, np.ndarray]:
    with open(DATA / "synthetic.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    gaps = np.array([[float(r[i]) if r[i] else np.nan for i in INDICATORS] for r in rows])
    return {"complete": np.where(np.isnan(gaps), 50.0, gaps), "gaps": gaps}


def _scheme():
    """COINr's coin of make_references.R: pillars weighted 1 and 2 under the index."""

    def board(pid: str, weight: int) -> str:
        listed = ", ".join(
            f"{{id: {i}, name: {i}, weight: {WEIGHTS[i]}, method: raw, missing: exclude}}"
            for i in PILLARS[pid]
        )
        return f"{{id: {pid}, name: {pid}, weight: {weight}, indicators: [{listed}]}}"

    units = ", ".join(f"{{id: u{k:02d}, name: u{k:02d}}}" for k in range(1, 13))
    return parse_scheme(
        f"id: opt\nname: opt\nversion: 1\nunits: [{units}]\nboards: [{{id: index, "
        f"name: index, points: 100, boards: [{board('p1', 1)}, {board('p2', 2)}]}}]\n"
    )


def _references() -> dict[str, dict]:
    out: dict[str, dict] = {}
    with open(DATA / "optimised_weights.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            case = out.setdefault(row["case"], {"weights": {}})
            case["weights"][row["iCode"]] = float(row["Weight"])
            case["value"] = float(row["value"])
            case["evaluations"] = int(row["evaluations"])
            case["convergence"] = int(row["convergence"])
    return out


CASES = {
    "complete_equal": ("complete", {}),
    "gaps_equal": ("gaps", {}),
    "complete_importance": (
        "complete",
        {"target": {"i1": 1, "i2": 2, "i3": 1, "i4": 1, "i5": 1, "i6": 2}},
    ),
    "complete_equal_spearman": ("complete", {"correlation": "spearman"}),
    "complete_equal_tol": ("complete", {"tolerance": 1e-6}),
    "complete_infomax": ("complete", {"objective": "infomax"}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_optimised_weights_match_coinr(case):
    table, options = CASES[case]
    scheme = _scheme()
    # The raw values as scores: COINr aggregated the raw data set.
    assert scheme.all_indicators()[0].method == "raw"
    ours = optimise_weights(scheme, _tables()[table], **options)
    theirs = _references()[case]
    assert ours.evaluations == theirs["evaluations"]
    assert ours.converged == (theirs["convergence"] == 0)
    assert abs(ours.value - theirs["value"]) < 1e-9
    assert max(abs(ours.weights[i] - theirs["weights"][i]) for i in INDICATORS) < 1e-9


def test_a_tight_tolerance_balances_the_correlations_better():
    scheme, scores = _scheme(), _tables()["complete"]
    rough = optimise_weights(scheme, scores)
    tight = optimise_weights(scheme, scores, tolerance=1e-6)
    assert tight.value < rough.value - 0.5
    shares = np.array(list(tight.correlations.values()))
    assert abs(shares.sum() - 1) < 1e-12
    # The objective is the log mean squared distance of the shares from 1/6.
    assert abs(np.log(((shares - 1 / 6) ** 2).mean()) - tight.value) < 1e-12


def test_weights_of_zero_or_below_cannot_go_into_a_scheme():
    # COINr's own optimum for this case gives i3 a weight below 0.
    tight = optimise_weights(_scheme(), _tables()["complete"], tolerance=1e-6)
    assert tight.weights["i3"] < 0
    with pytest.raises(LeitaiError) as caught:
        tight.positive()
    assert [(p.code, p.params["indicators"]) for p in caught.value.problems] == [
        ("weights.optimise_not_positive", "i3")
    ]


@pytest.mark.parametrize(
    "target, found",
    [
        ("largest", "largest"),
        ({"i1": 1, "i2": 1, "i3": 1, "i4": 1, "i5": 1}, "i6"),
        ({"i1": 1, "i2": 1, "i3": 0, "i4": 1, "i5": 1, "i6": 1, "zz": 1}, "i3, zz"),
    ],
)
def test_a_target_must_name_every_indicator_above_zero(target, found):
    with pytest.raises(LeitaiError) as caught:
        optimise_weights(_scheme(), _tables()["complete"], target=target)
    assert [(p.code, p.params["found"]) for p in caught.value.problems] == [
        ("weights.optimise_target", found)
    ]


def test_nelder_mead_reaches_the_minimum_of_rosenbrock():
    def rosenbrock(v):
        return 100 * (v[1] - v[0] ** 2) ** 2 + (1 - v[0]) ** 2

    x, value, count, fail = nelder_mead(rosenbrock, np.array([-1.2, 1.0]), max_iterations=500)
    # R: optim(c(-1.2, 1), fr) gives par 1.000260 1.000506, value 8.825241e-08, 195 calls.
    assert fail == 0 and count == 195
    assert np.allclose(x, [1.000260, 1.000506], atol=1e-6)
    assert abs(value - 8.825241e-08) < 1e-13


def _files(tmp_path, extra: str = "") -> tuple[str, str]:
    scheme = _scheme()
    (tmp_path / "scheme.yaml").write_text(scheme.text + extra, encoding="utf-8")
    lines = ["unit," + ",".join(INDICATORS)]
    lines += [
        f"u{k:02d}," + ",".join(repr(float(v)) for v in row)
        for k, row in enumerate(_tables()["complete"], 1)
    ]
    (tmp_path / "data.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(tmp_path / "scheme.yaml"), str(tmp_path / "data.csv")


def test_the_weights_command_optimises_as_the_scheme_says(tmp_path, capsys):
    from leitai.cli import main

    scheme, data = _files(
        tmp_path,
        "weights: {method: optimise, target: {i1: 1, i2: 2, i3: 1, i4: 1, i5: 1, i6: 2}}\n",
    )
    out = tmp_path / "new.yaml"
    assert main(["weights", scheme, data, "-o", str(out)]) == 0
    written = parse_scheme(out.read_text(encoding="utf-8"))
    expected = _references()["complete_importance"]["weights"]
    assert written.version == 2
    assert max(abs(i.weight - expected[i.id]) for i in written.all_indicators()) < 1e-9
    # The recipe travels with the new version.
    assert written.weights is not None and written.weights.method == "optimise"
    err = capsys.readouterr().err
    assert "计算 7 次" in err and "i2：权重 0.2439，相关性占比" in err and "（目标 0.2500）" in err
    # Options override the scheme's recipe.
    assert main(["weights", scheme, data, "--target", "equal", "-o", str(out)]) == 0
    written = parse_scheme(out.read_text(encoding="utf-8"))
    expected = _references()["complete_equal"]["weights"]
    assert max(abs(i.weight - expected[i.id]) for i in written.all_indicators()) < 1e-9


def test_the_weights_command_refuses_what_cannot_be_weights(tmp_path, capsys):
    from leitai.cli import main

    scheme, data = _files(tmp_path)
    assert main(["weights", scheme, data, "--method", "optimise", "--tolerance", "1e-6"]) == 2
    assert "i3" in capsys.readouterr().err
    assert main(["weights", scheme, data, "--method", "optimise", "--target", "i1:2"]) == 2
    assert "i1:2" in capsys.readouterr().err
    assert main(["weights", scheme, data, "--method", "optimise", "--tolerance", "0"]) == 2
    assert "tolerance" in capsys.readouterr().err


@pytest.mark.parametrize(
    "max_iterations, par, value, count",
    [
        # R 4.2.2: optim(c(-1.2, 1), fr, control = list(maxit = m)), printed to 17 digits.
        (20, (-0.98396484375000004, 0.99525390624999988), 4.0093792509523105, 21),
        (50, (-0.71460362434386515, 0.47018069267272222), 3.1037095813242419, 51),
        (77, (-0.18246484084052894, 0.033824031967661317), 1.398251254927114, 79),
    ],
)
def test_nelder_mead_stops_where_r_stops(max_iterations, par, value, count):
    def rosenbrock(v):
        return 100 * (v[1] - v[0] ** 2) ** 2 + (1 - v[0]) ** 2

    x, found, evaluations, fail = nelder_mead(
        rosenbrock, np.array([-1.2, 1.0]), max_iterations=max_iterations
    )
    assert (evaluations, fail) == (count, 1)
    assert np.abs(x - par).max() < 1e-15 and abs(found - value) < 1e-15
