"""COINr users bring their index over: iData + iMeta -> scheme + data, then assess.

Reference numbers are COINr's own published output for its ASEM example (the
vignettes of COINr 1.1, github.com/bluefoxr/COINr, articles/results.md and
articles/treat.md), printed there to 2 decimals (results) and 6-7 digits (treatment).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from leitai.engine import DataError, assess, load_scheme
from leitai.engine.prepare import kurtosis, skewness, treat_column
from leitai.io import read_table
from leitai.io.coinr import convert_coinr, read_coinr
from tests.conftest import ASEM

# get_results(build_example_coin(), dset = "Aggregated", tab_type = "Aggs"): the first six rows.
PUBLISHED_TOP6 = {
    "CHE": (1, {"Index": 68.38, "Conn": 62.79, "Sust": 73.98, "Physical": 63.41, "ConEcFin": 32.87,
                "Political": 74.78, "Instit": 85.94, "P2P": 56.93, "Environ": 77.21,
                "Social": 87.85, "SusEcFin": 56.88}),
    "NLD": (2, {"Index": 64.82, "Conn": 61.94, "Sust": 67.70, "Physical": 64.87, "ConEcFin": 46.62,
                "Political": 84.55, "Instit": 71.74, "P2P": 41.92, "Environ": 58.73,
                "Social": 86.58, "SusEcFin": 57.78}),
    "DNK": (3, {"Index": 64.80, "Conn": 57.10, "Sust": 72.51, "Physical": 50.52, "ConEcFin": 30.43,
                "Political": 78.13, "Instit": 75.35, "P2P": 51.04, "Environ": 69.83,
                "Social": 86.40, "SusEcFin": 61.29}),
    "NOR": (4, {"Index": 64.47, "Conn": 57.44, "Sust": 71.50, "Physical": 58.18, "ConEcFin": 25.70,
                "Political": 80.03, "Instit": 89.46, "P2P": 33.80, "Environ": 70.90,
                "Social": 87.00, "SusEcFin": 56.59}),
    "BEL": (5, {"Index": 63.54, "Conn": 63.99, "Sust": 63.09, "Physical": 71.97, "ConEcFin": 48.22,
                "Political": 80.84, "Instit": 75.60, "P2P": 43.32, "Environ": 53.01,
                "Social": 86.17, "SusEcFin": 50.09}),
    "SWE": (6, {"Index": 63.00, "Conn": 53.87, "Sust": 72.12, "Physical": 51.51, "ConEcFin": 23.87,
                "Political": 80.98, "Instit": 74.51, "P2P": 38.50, "Environ": 66.37,
                "Social": 87.74, "SusEcFin": 62.27}),
}  # fmt: skip
# get_unit_summary(coin, usel = "IND", Levels = c(4, 3, 2)): score and rank.
PUBLISHED_IND = {
    "Index": (39.79, 45), "Conn": (28.60, 44), "Sust": (50.99, 43), "Physical": (18.78, 48),
    "ConEcFin": (6.38, 49), "Political": (51.90, 33), "Instit": (59.84, 37), "P2P": (6.07, 47),
    "Environ": (75.34, 6), "Social": (22.74, 51), "SusEcFin": (54.88, 36),
}  # fmt: skip
# coin$Analysis$Treated$Dets_Table after Treat(coin, dset = "Raw") (defaults, winmax 5):
# skew and kurtosis before, points winsorised, skew and kurtosis after.
PUBLISHED_TREATMENT = {
    "Flights": (2.1032872, 4.5088794, 1, 1.900658, 3.336065),
    "Bord": (2.1482360, 5.7914905, 1, 1.899211, 4.346298),
    "Elec": (2.2252736, 5.7910268, 1, 1.717744, 2.586062),
    "Gas": (2.8294486, 10.3346494, 1, 1.602518, 1.525576),
    "Goods": (2.6499733, 8.2666095, 2, 1.140608, 0.1572047),
}


@pytest.fixture(scope="module")
def asem() -> Path:
    return ASEM


@pytest.fixture(scope="module")
def converted(asem, tmp_path_factory):
    out = tmp_path_factory.mktemp("asem")
    scheme_path, data_path = convert_coinr(asem / "ASEM_iData.csv", asem / "ASEM_iMeta.csv", out)
    scheme = load_scheme(scheme_path)
    result = assess(scheme, read_table(data_path, scheme))
    return scheme_path, data_path, scheme, result


def test_conversion_gives_one_index_board_over_sub_indices_pillars_and_indicators(converted):
    scheme_path, data_path, scheme, _ = converted
    assert [b.id for b in scheme.boards] == ["Index"] and scheme.boards[0].points == 100
    assert [b.id for b in scheme.boards[0].boards] == ["Conn", "Sust"]
    assert len(scheme.all_indicators()) == 49 and len(scheme.units) == 51
    assert {u.group for u in scheme.units} == {"Europe", "Asia"}
    assert scheme.prepare.impute.by == "group" and scheme.prepare.treat.max_points == 5
    flights = next(i for i in scheme.all_indicators() if i.id == "Flights")
    assert flights.denominator == "Population" and scheme.resolved(flights) == (
        "minmax",
        "higher",
        "exclude",
    )
    cost = next(i for i in scheme.all_indicators() if i.id == "CostImpEx")
    assert scheme.resolved(cost)[1] == "lower"
    header = next(csv.reader(data_path.open(encoding="utf-8")))
    assert header[:3] == ["unit", "name", "LPI"] and "Population" in header
    assert yaml.safe_load(scheme_path.read_text(encoding="utf-8"))["id"] == "coinr-index"


def test_the_assessment_is_plausible(converted):
    *_, result = converted
    assert result.composite.shape == (51,)
    assert np.all((result.composite >= 0) & (result.composite <= 100))
    assert np.all((result.board_scores >= 0) & (result.board_scores <= 100 + 1e-9))
    assert sorted(result.rank.astype(int).tolist()) == list(range(1, 52))  # no ties here
    assert np.allclose(result.composite, result.board_scores[:, 0])  # composite = Index
    json.dumps(result.to_dict())


def test_coinr_published_index_pillars_and_ranks_are_reproduced(converted):
    *_, scheme, result = converted
    boards = [b.id for b in scheme.all_boards()]
    for unit, (rank, scores) in PUBLISHED_TOP6.items():
        u = scheme.unit_ids.index(unit)
        assert int(result.rank[u]) == rank
        for board, published in scores.items():
            assert result.board_scores[u, boards.index(board)] == pytest.approx(
                published, abs=0.005
            )
    u = scheme.unit_ids.index("IND")
    for board, (published, rank) in PUBLISHED_IND.items():
        b = boards.index(board)
        assert result.board_scores[u, b] == pytest.approx(published, abs=0.005)
        assert int(result.board_ranks[u, b]) == rank


def test_preparation_is_recorded_as_coinr_would(converted):
    *_, result = converted
    records = {r["indicator"]: r for r in result.preparation}
    assert records["Flights"]["denominator"] == "Population"
    assert records["Flights"]["treatment"] == "winsorised"
    assert records["ConSpeed"]["imputation"] == "mean by group"
    winsorised = [r for r in records.values() if r.get("treatment") == "winsorised"]
    assert winsorised and all(r["passed"] for r in winsorised)
    assert all(r["winsorised_count"] <= 5 or r["treatment"] == "log" for r in winsorised)


def test_coinr_default_treatment_of_the_raw_data_matches_the_vignette(asem):
    rows = list(csv.DictReader((asem / "ASEM_iData.csv").open(encoding="utf-8")))
    for code, (g1, g2, count, g1_after, g2_after) in PUBLISHED_TREATMENT.items():
        x = np.array([float(r[code]) if r[code] not in ("", "NA") else np.nan for r in rows])
        assert skewness(x) == pytest.approx(g1, abs=1e-6)
        assert kurtosis(x) == pytest.approx(g2, abs=1e-6)
        _, record = treat_column(x)
        assert record["winsorised_count"] == count and record["treatment"] == "winsorised"
        assert record["skew_after"] == pytest.approx(g1_after, abs=1e-6)
        assert record["kurtosis_after"] == pytest.approx(g2_after, abs=1e-6)
    # With winmax = 1 Goods still fails after one point (skew 2.469910) and is log-transformed.
    x = np.array([float(r["Goods"]) for r in rows])
    _, record = treat_column(x, max_points=1)
    assert record["treatment"] == "log" and record["winsorised_count"] == 1


def test_bad_tables_are_refused_with_the_file_and_column(tmp_path, asem):
    meta = tmp_path / "meta.csv"
    meta.write_text("iCode,Level,Type\nX,1,Indicator\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_coinr(asem / "ASEM_iData.csv", meta)
    [problem] = caught.value.problems
    assert (problem.code, problem.where.file, problem.where.row, problem.where.column) == (
        "coinr.missing_column",
        str(meta),
        1,
        "Parent",
    )
    text = (asem / "ASEM_iMeta.csv").read_text(encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(text.replace(",Physical,Indicator", ",Nowhere,Indicator", 1), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_coinr(asem / "ASEM_iData.csv", bad)
    assert any(
        p.code == "coinr.unknown_parent" and p.params["found"] == "Nowhere"
        for p in caught.value.problems
    )


def test_a_panel_needs_a_time_point(asem, tmp_path):
    with pytest.raises(DataError) as caught:
        read_coinr(asem / "ASEM_iData_p.csv", asem / "ASEM_iMeta.csv")
    assert caught.value.problems[0].code == "coinr.panel"
    assert len(caught.value.problems[0].params["found"]) == 5
    scheme_path, data_path = convert_coinr(
        asem / "ASEM_iData_p.csv", asem / "ASEM_iMeta.csv", tmp_path, time=2022
    )
    scheme = load_scheme(scheme_path)
    assert len(assess(scheme, read_table(data_path, scheme)).rank) == 51
