"""Monte Carlo uncertainty and sensitivity analysis (issue 6, item 1)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from leitai.engine import PeriodData, assess, load_scheme, parse_scheme
from leitai.engine import pipeline as steps
from leitai.engine.sensitivity import _Design, _Model, analyse
from leitai.io import read_previous, read_table

CASES = ("case1", "case2", "case3", "case4", "case5")


def load_case(examples: Path, name: str):
    folder = examples / name
    scheme = load_scheme(folder / "scheme.yaml")
    data = read_table(folder / "data.csv", scheme)
    previous = (
        read_previous(folder / "previous.csv") if (folder / "previous.csv").exists() else None
    )
    return scheme, data, previous


@pytest.mark.parametrize("name", CASES)
def test_no_perturbation_and_a_single_method_collapse_every_interval(examples, name):
    scheme, data, previous = load_case(examples, name)
    out = analyse(
        scheme,
        data,
        samples=64,
        weights=0.0,
        methods=None,
        missing=None,
        leave_one_out=False,
        previous=previous,
    )
    nominal = assess(scheme, data, previous=previous)
    assert out.inputs == ()
    for stat in (out.rank_p5, out.rank_median, out.rank_p95, out.rank_mean):
        np.testing.assert_array_equal(stat, nominal.rank)
    np.testing.assert_array_equal(out.flag_probability, nominal.flags.astype(float))
    for b, board in enumerate(scheme.all_boards()):
        probs = out.star_probability[board.id]
        values = out.star_values[board.id]
        for u in range(len(scheme.units)):
            assert probs[u, values.index(int(nominal.stars[u, b]))] == 1.0
    assert out.mean_rank_shift == 0.0


def test_a_single_method_equal_to_the_nominal_one_collapses_too():
    scheme = parse_scheme(
        """
id: one
name: 单一方法
version: 1
units: [{id: a, name: 甲}, {id: b, name: 乙}, {id: c, name: 丙}, {id: d, name: 丁}]
boards:
  - {id: x, name: X, points: 100, indicators: [
      {id: i1, name: I1, method: minmax}, {id: i2, name: I2, method: minmax}]}
"""
    )
    data = PeriodData.from_mapping(
        scheme,
        {
            "a": {"i1": 1, "i2": 9},
            "b": {"i1": 5, "i2": 5},
            "c": {"i1": 2, "i2": 8},
            "d": {"i1": 9, "i2": 1.5},
        },
    )
    out = analyse(
        scheme, data, samples=50, weights=0, methods=("minmax",), missing=None, leave_one_out=False
    )
    assert out.inputs == ("methods",)
    nominal = assess(scheme, data)
    np.testing.assert_array_equal(out.ranks, np.broadcast_to(nominal.rank, out.ranks.shape))
    assert out.indices == [
        {
            "input": "methods",
            "first_order": None,
            "total": None,
            "first_order_interval": None,  # no variance: no estimate, no interval
            "total_interval": None,
        }
    ]


def dominant_scheme():
    text = """
id: lead
name: 领先
version: 1
units: [{id: a, name: 甲}, {id: b, name: 乙}, {id: c, name: 丙}, {id: d, name: 丁}, {id: e, name: 戊}]
boards:
  - id: econ
    name: 经济
    points: 60
    indicators:
      - {id: gdp, name: GDP, method: efficacy, missing: zero}
      - {id: invest, name: 投资, method: zscore}
      - {id: energy, name: 能耗, method: minmax, direction: lower}
  - id: proj
    name: 项目
    points: 40
    indicators:
      - {id: signed, name: 签约, method: rank_points}
      - {id: started, name: 开工, method: minmax, missing: worst}
flags:
  - {id: vanguard, name: 排头, when: "rank <= 1"}
  - {id: top2, name: 前二, when: "rank <= 2"}
"""
    scheme = parse_scheme(text)
    values = {
        "a": {"gdp": 50, "invest": 900, "energy": 0.1, "signed": 99, "started": 100},
        "b": {"gdp": 6, "invest": 100, "energy": 0.50, "signed": 10, "started": 70},
        "c": {"gdp": 5, "invest": 120, "energy": 0.55, "signed": 12, "started": None},
        "d": {"gdp": 5.5, "invest": 90, "energy": 0.52, "signed": 9, "started": 72},
        "e": {"gdp": None, "invest": 110, "energy": 0.6, "signed": 11, "started": 69},
    }
    return scheme, PeriodData.from_mapping(scheme, values)


def test_a_unit_with_a_large_lead_keeps_its_flag_with_probability_one():
    scheme, data = dominant_scheme()
    out = analyse(scheme, data, samples=500, seed=3)
    assert out.inputs == ("weights", "methods", "missing", "leave_one_out")
    a = scheme.unit_ids.index("a")
    assert out.flag_probability[a, 0] == 1.0 and out.flag_probability[a, 1] == 1.0
    assert out.rank_p5[a] == out.rank_p95[a] == 1
    assert out.star_probability["econ"][a, -1] == 1.0  # 10 stars every time
    # The others do move.
    assert out.rank_p5[1:].min() < out.rank_p95[1:].max()
    assert out.flag_probability[1:, 0].sum() == 0.0


def test_the_same_seed_gives_the_same_numbers_and_block_size_does_not_matter(examples):
    scheme, data, previous = load_case(examples, "case2")
    one = analyse(scheme, data, samples=300, seed=42, previous=previous)
    two = analyse(scheme, data, samples=300, seed=42, previous=previous, block_size=7)
    np.testing.assert_array_equal(one.ranks, two.ranks)
    np.testing.assert_array_equal(one.flag_probability, two.flag_probability)
    assert json.dumps(one.to_dict()) == json.dumps(two.to_dict())
    other = analyse(scheme, data, samples=300, seed=43, previous=previous)
    assert not np.array_equal(one.ranks, other.ranks)


def test_progress_is_reported_up_to_every_assessment(examples):
    scheme, data, previous = load_case(examples, "case1")
    calls: list[tuple[int, int]] = []
    out = analyse(
        scheme,
        data,
        samples=50,
        block_size=16,
        previous=previous,
        progress=lambda done, total: calls.append((done, total)),
    )
    k = len(out.inputs)
    assert out.evaluations == 50 * (k + 2)
    assert calls[-1] == (out.evaluations, out.evaluations)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def equivalent_scheme(scheme, data, w_ind, w_board, slot, variant, model, methods, missing):
    """The scheme and data that the sampled inputs amount to, for the real assess()."""
    doc = yaml.safe_load(scheme.text)
    indicators = scheme.all_indicators()
    boards = scheme.all_boards()
    board_row = {b.id: i for i, b in enumerate(boards)}
    column = {ind.id: j for j, ind in enumerate(indicators)}
    top_points = np.array([w_board[board_row[b["id"]]] for b in doc["boards"]])
    top_points = top_points * (sum(b["points"] for b in doc["boards"]) / top_points.sum())
    dropped = [ind.id for j, ind in enumerate(indicators) if w_ind[j] == 0]

    def visit(board, top_index=None):
        if top_index is not None:
            board["points"] = float(top_points[top_index])
        else:
            board["weight"] = float(w_board[board_row[board["id"]]])
        kept = []
        for ind in board.get("indicators", []):
            j = column[ind["id"]]
            if ind["id"] in dropped:
                continue
            ind["weight"] = float(w_ind[j])
            own = scheme.resolved(indicators[j])[0]
            if slot[j] > 0:
                name = methods[slot[j] - 1]
                ind["method"] = name
                if name != own:
                    ind["params"] = {}
            else:
                ind["method"] = own
            if variant > 0:
                ind["missing"] = missing[variant - 1]
            kept.append(ind)
        board["indicators"] = kept
        for child in board.get("boards", []):
            visit(child)

    for t, board in enumerate(doc["boards"]):
        visit(board, t)
    new = parse_scheme(yaml.safe_dump(doc, allow_unicode=True))
    keep = [column[i.id] for i in new.all_indicators()]
    new_data = PeriodData(
        scheme_id=new.id,
        values=data.values[:, keep].copy(),
        targets=data.targets[:, keep].copy(),
        series=data.series.copy(),
        adjustments={k: v.copy() for k, v in data.adjustments.items()},
    )
    return new, new_data


@pytest.mark.parametrize("name", ["case1", "case2", "case4", "case5"])
def test_each_sample_is_the_real_assessment_of_the_perturbed_scheme(examples, name):
    scheme, data, previous = load_case(examples, name)
    methods = ("efficacy", "minmax", "zscore", "rank_points")
    missing = ("zero", "worst", "exclude")
    nominal = assess(scheme, data, previous=previous)
    model = _Model(scheme, data, nominal, methods, missing)
    design = _Design(model, share=0.25, methods=True, missing=True, leave_one_out=True)
    rng = np.random.default_rng(5)
    u = rng.random((40, design.dims))
    w_ind, w_board, slot, variant = design.decode(u)
    composite, board_scores = model.evaluate(w_ind, w_board, slot, variant)
    ranks = model.rank(composite, board_scores)
    for s in range(u.shape[0]):
        alt, alt_data = equivalent_scheme(
            scheme, data, w_ind[s], w_board[s], slot[s], variant[s], model, methods, missing
        )
        truth = assess(alt, alt_data, previous=previous)
        np.testing.assert_allclose(composite[s], truth.composite, atol=1e-9)
        np.testing.assert_array_equal(ranks[s], truth.rank)
        for b, board in enumerate(scheme.all_boards()):
            np.testing.assert_allclose(
                board_scores[s, b],
                truth.board_scores[
                    :, alt.all_boards().index(next(x for x in alt.all_boards() if x.id == board.id))
                ],
                atol=1e-9,
            )


def test_an_only_input_explains_everything_and_an_idle_one_nothing():
    scheme, data = dominant_scheme()
    out = analyse(
        scheme,
        data,
        samples=400,
        seed=1,
        methods=None,
        missing=None,
        leave_one_out=False,
        weights=0.25,
    )
    (row,) = out.indices
    assert row["input"] == "weights"
    assert row["first_order"] == pytest.approx(1.0, abs=0.15)
    assert row["total"] == pytest.approx(1.0, abs=0.15)
    # Without any missing value the missing-value policy changes nothing at all.
    full = copy.copy(data.values)
    full[np.isnan(full)] = 1.0
    complete = PeriodData(
        scheme_id=scheme.id,
        values=full,
        targets=data.targets,
        series=data.series,
        adjustments=data.adjustments,
    )
    out = analyse(scheme, complete, samples=300, seed=2)
    missing = next(r for r in out.indices if r["input"] == "missing")
    assert missing["first_order"] == 0.0 and missing["total"] == 0.0
    assert sum(r["total"] for r in out.indices) > 0.5


def test_bad_arguments_are_refused():
    scheme, data = dominant_scheme()
    with pytest.raises(ValueError, match="weights"):
        analyse(scheme, data, weights=1.5)
    with pytest.raises(ValueError, match="methods"):
        analyse(scheme, data, methods=("target",))
    with pytest.raises(ValueError, match="missing"):
        analyse(scheme, data, missing=("ignore",))
    with pytest.raises(ValueError, match="samples"):
        analyse(scheme, data, samples=1)


def test_the_summary_is_json_able_and_ordered_by_nominal_rank(examples):
    scheme, data, previous = load_case(examples, "case1")
    out = analyse(scheme, data, samples=100, previous=previous)
    document = json.loads(json.dumps(out.to_dict(), allow_nan=False))
    ranks = [row["rank"] for row in document["units"]]
    assert ranks == sorted(ranks) and len(ranks) == 5
    first = document["units"][0]
    assert first["p5"] <= first["median"] <= first["p95"]
    assert set(first["flags"]) == {"vanguard", "climber"}
    assert sum(first["stars"]["economy"].values()) == pytest.approx(1.0)


@pytest.mark.parametrize("name", ["case1", "case2", "case5"])
def test_each_samples_stars_and_flags_are_those_of_the_real_assessment(examples, name):
    scheme, data, previous = load_case(examples, name)
    methods = ("efficacy", "minmax", "zscore", "rank_points")
    missing = ("zero", "worst", "exclude")
    nominal = assess(scheme, data, previous=previous)
    model = _Model(scheme, data, nominal, methods, missing)
    design = _Design(model, share=0.25, methods=True, missing=True, leave_one_out=True)
    u = np.random.default_rng(9).random((25, design.dims))
    w_ind, w_board, slot, variant = design.decode(u)
    standing = model.stand(*model.evaluate(w_ind, w_board, slot, variant))
    flags = steps.flags(model.plan, steps.RuleVariables(model.plan, standing))
    for s in range(u.shape[0]):
        alt, alt_data = equivalent_scheme(
            scheme, data, w_ind[s], w_board[s], slot[s], variant[s], model, methods, missing
        )
        truth = assess(alt, alt_data, previous=previous)
        columns = [[b.id for b in alt.all_boards()].index(i) for i in model.plan.board_ids]
        np.testing.assert_array_equal(standing.stars[s].T, truth.stars[:, columns])
        np.testing.assert_array_equal(standing.board_ranks[s].T, truth.board_ranks[:, columns])
        np.testing.assert_array_equal(flags[s], truth.flags)


def _one_input_case():
    scheme = parse_scheme(
        "id: r\nname: r\nversion: 1\n"
        "units: [{id: a, name: A}, {id: b, name: B}, {id: c, name: C}, {id: d, name: D},"
        " {id: e, name: E}]\n"
        "boards: [{id: x, name: X, points: 60, indicators: [{id: i, name: I, method: minmax}]},"
        " {id: y, name: Y, points: 40, indicators: [{id: j, name: J, method: minmax}]}]"
    )
    values = {"a": (10, 0), "b": (0, 10), "c": (6, 4), "d": (4, 7), "e": (5, 5.5)}
    data = PeriodData.from_mapping(scheme, {u: {"i": i, "j": j} for u, (i, j) in values.items()})
    return scheme, data


def test_a_single_dominant_inputs_first_order_interval_contains_1():
    scheme, data = _one_input_case()
    out = analyse(
        scheme, data, samples=1000, seed=0, weights=0.5, methods=None, missing=None,
        leave_one_out=False,
    )  # fmt: skip
    (row,) = out.indices
    assert row["input"] == "weights"
    low, high = row["first_order_interval"]
    assert low < 1 < high and low <= row["first_order"] <= high
    low, high = row["total_interval"]
    assert low < 1 < high and low <= row["total"] <= high
    assert high - low < 0.3  # an estimate from 1,000 rows, not a blank cheque


def test_the_intervals_cover_the_true_index_about_95_times_in_100():
    scheme, data = _one_input_case()
    covered = 0
    for seed in range(20):
        out = analyse(
            scheme, data, samples=400, seed=seed, weights=0.5, methods=None, missing=None,
            leave_one_out=False,
        )  # fmt: skip
        low, high = out.indices[0]["first_order_interval"]
        covered += low <= 1 <= high
    assert covered >= 16  # 95% nominal; 16 of 20 or more unless the intervals are wrong


def test_intervals_do_not_change_the_estimates_and_follow_the_seed(examples):
    scheme, data, _previous = load_case(examples, "case1")
    first = analyse(scheme, data, samples=200, seed=3)
    again = analyse(scheme, data, samples=200, seed=3)
    assert first.indices == again.indices
    for row in first.indices:
        if row["first_order"] is not None:
            assert row["first_order_interval"][0] <= row["first_order_interval"][1]
    assert analyse(scheme, data, samples=200, seed=3, sensitivity=False).indices == []
