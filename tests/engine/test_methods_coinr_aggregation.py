"""Board aggregation (docs/methods.md, "Aggregation") against COINr 1.1.14's own output.

tests/data/coinr/make_references.R aggregated tests/data/coinr/synthetic.csv with
COINr's a_amean, a_gmean, a_hmean, a_genmean and a_copeland (with ``dat_thresh``) into
aggregation.csv; here the same table is assessed by leitai with indicators scored
``raw`` (the value is the score) in pillars p1, p2 under one top-level board ``index``.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
import yaml

from leitai.engine import PeriodData, assess, parse_scheme
from leitai.engine import pipeline as steps
from leitai.engine.compare import describe_changes
from leitai.engine.errors import DataError, SchemeError
from leitai.engine.sensitivity import analyse
from leitai.i18n import translator
from leitai.i18n.schemes import edit_sentence
from leitai.io.coinr import coinr_aggregation, read_coinr, scheme_document

DATA = Path(__file__).resolve().parents[1] / "data" / "coinr"
INDICATORS = {"p1": {"i1": 1, "i2": 2, "i3": 1.5}, "p2": {"i4": 1, "i5": 1, "i6": 3}}
PILLAR_WEIGHTS = {"p1": 1, "p2": 2}


def _table(complete: bool) -> dict[str, dict[str, float | None]]:
    with open(DATA / "synthetic.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    fill = 50.0 if complete else None
    return {
        row["uCode"]: {k: float(v) if v else fill for k, v in row.items() if k != "uCode"}
        for row in rows
    }


def _references() -> dict[str, dict[str, dict[str, float | None]]]:
    out: dict[str, dict[str, dict[str, float | None]]] = {}
    with open(DATA / "aggregation.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out.setdefault(row["case"], {})[row["uCode"]] = {
                k: None if row[k] == "NA" else float(row[k]) for k in ("p1", "p2", "index")
            }
    return out


REFERENCES = _references()


def _scheme(units: list[str], pillar: str, index: str | None = None):
    index = index or pillar

    def board(pid: str) -> str:
        indicators = ", ".join(
            f"{{id: {i}, name: {i}, method: raw, missing: exclude, weight: {w}}}"
            for i, w in INDICATORS[pid].items()
        )
        return (
            f"{{id: {pid}, name: {pid}, weight: {PILLAR_WEIGHTS[pid]}, "
            f"aggregation: {pillar}, indicators: [{indicators}]}}"
        )

    unit_list = ", ".join(f"{{id: {u}, name: {u}}}" for u in units)
    return parse_scheme(
        f"id: coinr\nname: COINr\nversion: 1\nunits: [{unit_list}]\n"
        f"boards:\n  - {{id: index, name: index, points: 100, aggregation: {index},\n"
        f"     boards: [{board('p1')}, {board('p2')}]}}\n"
    )


# case in aggregation.csv -> (pillar aggregation, index aggregation, complete table)
CASES = {
    "mean": ("mean", None, False),
    "mean_min_data": ("{method: mean, min_data: 0.5}", None, False),
    "geometric": ("geometric", None, False),
    "harmonic": ("harmonic", None, False),
    "geometric_min_data": ("{method: geometric, min_data: 0.6}", "geometric", False),
    "full_generalised_2": ("{method: generalised, p: 2}", None, True),
    "full_generalised_-1.5": ("{method: generalised, p: -1.5}", None, True),
    "full_copeland": ("copeland", None, True),
}


def _leitai(case: str) -> dict[str, dict[str, float | None]]:
    pillar, index, complete = CASES[case]
    values = _table(complete)
    scheme = _scheme(list(values), pillar, index)
    result = assess(scheme, PeriodData.from_mapping(scheme, values))
    columns = {b.id: k for k, b in enumerate(scheme.all_boards())}
    return {
        unit: {
            board: (None if math.isnan(v := float(result.board_scores[u, columns[board]])) else v)
            for board in ("p1", "p2", "index")
        }
        for u, unit in enumerate(scheme.unit_ids)
    }


def _coinr_to_leitai(case: str, value: float | None) -> float | None:
    if value is None or not case.endswith("copeland"):
        return value
    return 50.0 + 50.0 * value / (12 - 1)  # leitai's 0-100 scale of Copeland's score


@pytest.mark.parametrize("case", sorted(CASES))
def test_board_scores_match_coinr(case):
    assert set(REFERENCES) == set(CASES)
    ours, theirs = _leitai(case), REFERENCES[case]
    worst = 0.0
    for unit, expected in theirs.items():
        for board, value in expected.items():
            value = _coinr_to_leitai(case, value)
            got = ours[unit][board]
            if value is None:
                # COINr's NA: left out of the parent (checked by the parent's value),
                # shown as 0 like a board without data.
                assert got == 0.0, (case, unit, board, got)
            else:
                assert got is not None, (case, unit, board)
                worst = max(worst, abs(got - value))
    assert worst < 1e-9, (case, worst)


def test_too_sparse_pillar_leaves_the_index_and_is_not_zeroed():
    ours = _leitai("mean_min_data")
    # u03 has one of p1's three indicators: p1 is left out (shown as 0) and the index
    # is p2's.
    assert ours["u03"]["p1"] == 0.0
    assert ours["u03"]["index"] == pytest.approx(ours["u03"]["p2"], abs=1e-12)


def test_copeland_counts_a_pair_with_a_missing_value_for_neither():
    scheme = _scheme(["a", "b", "c"], "copeland")
    values = {
        "a": {"i1": 1, "i2": 4, "i3": None, "i4": 1, "i5": 1, "i6": 1},
        "b": {"i1": 2, "i2": None, "i3": None, "i4": 1, "i5": 1, "i6": 1},
        "c": {"i1": 3, "i2": 3, "i3": None, "i4": 1, "i5": 1, "i6": 1},
    }
    result = assess(scheme, PeriodData.from_mapping(scheme, values))
    # p1: a-b compare on i1 only (b wins); a-c: c on i1 (weight 1), a on i2 (weight 2),
    # a wins; b-c: c wins on i1. Each unit wins once and loses once: 50 each.
    assert result.board_scores[:, 1].tolist() == [50.0, 50.0, 50.0]
    assert result.board_scores[:, 2].tolist() == [50.0, 50.0, 50.0]


def test_geometric_mean_with_a_zero_score_is_zero():
    scheme = _scheme(["a", "b"], "geometric")
    row = {"i1": 10, "i2": 20, "i3": 30, "i4": 10, "i5": 10, "i6": 10}
    values = {"a": row, "b": {**row, "i2": 0}}
    result = assess(scheme, PeriodData.from_mapping(scheme, values))
    assert result.board_scores[1, 1] == 0.0
    assert result.board_scores[0, 1] == pytest.approx((10 * 20**2 * 30**1.5) ** (1 / 4.5))


@pytest.mark.parametrize(
    ("aggregation", "code", "path"),
    [
        ("generalised", "scheme.generalised_needs_power", "boards[0].aggregation"),
        ("{method: generalised, p: 0}", "scheme.generalised_power_zero", "boards[0].aggregation.p"),
        ("{method: mean, p: 2}", "scheme.power_only_generalised", "boards[0].aggregation.p"),
        ("{method: median}", "scheme.not_one_of", "boards[0].aggregation.method"),
        ("{method: mean, min_data: 1.5}", "scheme.not_at_most", "boards[0].aggregation.min_data"),
    ],
)
def test_invalid_aggregation_is_located(aggregation, code, path):
    with pytest.raises(SchemeError) as caught:
        _scheme(["a", "b"], "mean", aggregation)
    problems = caught.value.problems
    assert [(p.code, p.where.path) for p in problems] == [(code, path)]
    assert problems[0].where.line == 6  # the line of "- {id: index"


PILLARS = ("geometric", "harmonic", "{method: generalised, p: 2}", "copeland")


@pytest.mark.parametrize("pillar", PILLARS)
def test_batched_aggregation_equals_one_table_at_a_time(pillar):
    """The Monte Carlo's alternatives and the what-if's column change give, sample by
    sample, the board scores of the table they stand for."""
    values = _table(False)
    scheme = _scheme(list(values), pillar, "{method: mean, min_data: 0.5}")
    plan = steps.Plan.of(scheme)
    base = np.array([[values[u][i.id] or np.nan for i in plan.indicators] for u in values])
    tables = np.stack([base, base * 0.5 + 10.0])
    rng = np.random.default_rng(5)
    slot = rng.integers(0, 2, size=(7, plan.n_indicators))
    weights = rng.uniform(0.5, 2.0, size=(7, plan.n_indicators))
    board_weights = rng.uniform(0.5, 2.0, size=(7, plan.n_boards))
    batched = steps.aggregate(
        plan,
        steps.Alternatives.of(plan, tables).choose(slot),
        weights=weights,
        board_weights=board_weights,
    )[0]
    for s in range(7):
        table = np.take_along_axis(tables, slot[s][None, None, :], axis=0)[0]
        one = steps.aggregate(plan, table, weights=weights[s], board_weights=board_weights[s])[0]
        np.testing.assert_allclose(batched[s], one, rtol=0, atol=1e-9)
    column = rng.uniform(5, 95, size=(4, plan.n_units))
    changed = steps.aggregate(plan, steps.ColumnChange(base, 4, column))[0]
    for s in range(4):
        table = base.copy()
        table[:, 4] = column[s]
        np.testing.assert_allclose(changed[s], steps.aggregate(plan, table)[0], atol=1e-9)


@pytest.mark.parametrize("pillar", PILLARS)
def test_sensitivity_runs_with_every_aggregation(pillar):
    values = _table(True)
    scheme = _scheme(list(values), pillar, "{method: mean, min_data: 0.5}")
    data = PeriodData.from_mapping(scheme, values)
    out = analyse(scheme, data, samples=64, seed=3, methods=None, missing=None)
    assert out.ranks.shape[1] == 12
    assert ((out.ranks >= 1) & (out.ranks <= 12)).all()
    # Every rank in every sample is a competition rank of 12 units.
    assert (np.sort(out.ranks, axis=1)[:, 0] == 1).all()


def test_import_coinr_maps_f_ag_onto_every_board():
    asem = DATA.parent / "asem"
    tables = read_coinr(asem / "ASEM_iData.csv", asem / "ASEM_iMeta.csv")
    how = coinr_aggregation("a_genmean", {"p": 2}, 0.5)
    document = scheme_document(tables, aggregation=how)
    scheme = parse_scheme(yaml.safe_dump(document, allow_unicode=True))
    assert {b.aggregation.method for b in scheme.all_boards()} == {"generalised"}
    assert {(b.aggregation.p, b.aggregation.min_data) for b in scheme.all_boards()} == {(2, 0.5)}
    plain = parse_scheme(yaml.safe_dump(scheme_document(tables), allow_unicode=True))
    assert all(b.aggregation.plain for b in plain.all_boards())
    with pytest.raises(DataError) as caught:
        coinr_aggregation("a_median")
    assert caught.value.problems[0].code == "coinr.unknown_aggregation"


def test_a_change_of_aggregation_or_treatment_reads_in_words():
    before = _scheme(["x", "y"], "mean")
    text = before.text.replace(
        "aggregation: mean,\n", "aggregation: {method: generalised, p: 2, min_data: 0.5},\n", 1
    ).replace("version: 1", "version: 2")
    after = parse_scheme(
        text.replace(
            "{id: i1, name: i1,", "{id: i1, name: i1, treat: {fallback: boxcox, lambda: 0.5},"
        )
    )
    zh = translator("zh")
    sentences = [edit_sentence(e, {}, zh) for e in describe_changes(before, after)]
    assert (
        "「index」板块汇总方法 加权算术平均 → 广义平均（p = 2），数据不足 0.5 的单位不计分"
        in sentences
    )
    assert "「i1」极端值处理 default → 单独设定：Box-Cox 变换（λ = 0.5）" in sentences
