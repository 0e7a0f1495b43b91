"""Trends and two builds compared (docs/methods.md, section G) against COINr 1.1.14.

tests/data/coinr/make_references.R ran get_trends (CAGR and prc_change, over every
year and over the latest 3) on the synthetic ASEM panel 2018-2022 with the gaps of
panel_input.csv into trends.csv, and compare_coins / compare_coins_corr on the index of
synthetic.csv (gaps filled) built by the arithmetic and by the geometric mean into
compare.csv and compare_corr.csv.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from leitai.engine import PeriodData, assess, parse_scheme
from leitai.engine.panels import (
    cagr,
    compare_results,
    percentage_change,
    trend_of,
    trends,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "coinr"


def _panel() -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """Units, indicators, values (n_units, n_indicators, T) and the years."""
    with open(DATA / "panel_input.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    indicators = [k for k in rows[0] if k not in ("uCode", "Time")]
    years = sorted({int(r["Time"]) for r in rows})
    units = sorted({r["uCode"] for r in rows})
    values = np.full((len(units), len(indicators), len(years)), np.nan)
    for r in rows:
        u, t = units.index(r["uCode"]), years.index(int(r["Time"]))
        values[u, :, t] = [float(r[i]) if r[i] not in ("", "NA") else np.nan for i in indicators]
    return units, indicators, values, np.array(years, dtype=float)


def _references() -> dict[str, dict[tuple[str, str], float]]:
    out: dict[str, dict[tuple[str, str], float]] = {}
    with open(DATA / "trends.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            value = float(row["trend"]) if row["trend"] != "NA" else math.nan
            out.setdefault(row["case"], {})[(row["uCode"], row["iCode"])] = value
    return out


CASES = {
    "CAGR": ("cagr", None),
    "prc_change": ("change", None),
    "CAGR_latest3": ("cagr", 3),
    "prc_change_latest3": ("change", 3),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_trends_match_coinr(case):
    method, latest = CASES[case]
    units, indicators, values, years = _panel()
    ours = trend_of(values, years, method=method, latest=latest)
    theirs = _references()[case]
    assert len(theirs) == len(units) * len(indicators) == 51 * 49
    compared, window_start, differ = 0, 0, []
    last = values.shape[-1] - 1 - np.argmax(~np.isnan(values[..., ::-1]), axis=-1)
    for u, unit in enumerate(units):
        for k, code in enumerate(indicators):
            mine, coinr = ours[u, k], theirs[(unit, code)]
            if math.isfinite(coinr) and (method == "change" or coinr > -1):
                # CAGR: undefined here where a value is 0 or below; COINr's numbers
                # there (both ends below 0) are not growth rates.
                first, final = _ends(values[u, k], latest)
                if method == "cagr" and (first <= 0 or final <= 0) and first != final:
                    assert math.isnan(mine)
                    continue
                compared += 1
                if abs(mine - coinr) > 1e-9 * max(1.0, abs(coinr)):
                    differ.append((unit, code, mine, coinr))
            elif latest is not None and not math.isnan(mine):
                # COINr gives NA where the window of the latest years would begin at
                # the first year or before it (its i_first > 1).
                assert last[u, k] <= latest - 1
                window_start += 1
            else:
                assert math.isnan(mine) or not math.isfinite(coinr)
    assert not differ, differ[:5]
    assert compared > 2000
    # Those windows: the series whose latest value is of 2020 or before.
    assert window_start == (0 if latest is None else int((last <= latest - 1).sum()))


def _ends(series: np.ndarray, latest: int | None) -> tuple[float, float]:
    present = np.flatnonzero(~np.isnan(series))
    if latest is not None:
        present = present[present > present[-1] - latest]
    return float(series[present[0]]), float(series[present[-1]])


def test_trend_rules_hand_checked():
    x = np.array([2019.0, 2020.0, 2021.0, 2022.0])
    y = np.array(
        [
            [100.0, np.nan, np.nan, 133.1],  # 10% a year over 3 years
            [5.0, 5.0, np.nan, 5.0],  # no change
            [0.0, 1.0, 2.0, 3.0],  # from 0: no growth rate
            [np.nan, np.nan, 7.0, np.nan],  # one value
        ]
    )
    assert np.allclose(cagr(y, x)[:2], [0.1, 0.0]) and np.isnan(cagr(y, x)[2:]).all()
    # Two points: the change from the first; three or more: along the fitted line,
    # 1 a year from a fitted 0 at 2019 is undefined.
    change = percentage_change(y, x)
    assert change[0] == pytest.approx(33.1 / 3) and change[1] == 0
    assert np.isnan(change[2]) and np.isnan(change[3])
    # Up 1 a year from a fitted 1 in 2019: 100% a year (the points lie on the line);
    # off the line, the fitted first value is 1.3 and the slope 0.8.
    assert percentage_change(np.array([1.0, 2.0, 3.0, 4.0]), x) == pytest.approx(100.0)
    assert percentage_change(np.array([1.0, 3.0, 2.0, 4.0]), x) == pytest.approx(80 / 1.3)
    # The latest 2 periods ending at the last value present.
    assert trend_of(np.array([1.0, 2.0, 4.0, np.nan]), x, latest=2) == pytest.approx(1.0)


def _build(aggregation: str, *, swap: bool = False) -> dict:
    """synthetic.csv (gaps filled by 50) as make_references.R's coin, aggregated."""
    weights = {"i1": 1, "i2": 2, "i3": 1.5, "i4": 1, "i5": 1, "i6": 3}

    def board(pid: str, weight: int, ids: tuple[str, ...]) -> str:
        listed = ", ".join(
            f"{{id: {i}, name: {i}, weight: {weights[i]}, method: raw}}" for i in ids
        )
        return (
            f"{{id: {pid}, name: {pid}, weight: {weight}, aggregation: {aggregation}, "
            f"indicators: [{listed}]}}"
        )

    units = ", ".join(f"{{id: u{k:02d}, name: u{k:02d}}}" for k in range(1, 13))
    scheme = parse_scheme(
        f"id: cmp\nname: cmp\nversion: 1\nunits: [{units}]\nboards: [{{id: index, "
        f"name: index, points: 100, aggregation: {aggregation}, boards: ["
        f"{board('p1', 1, ('i1', 'i2', 'i3'))}, {board('p2', 2, ('i4', 'i5', 'i6'))}]}}]\n"
    )
    with open(DATA / "synthetic.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    values = {r["uCode"]: {i: float(r[i]) if r[i] else 50.0 for i in weights} for r in rows}
    return assess(scheme, PeriodData.from_mapping(scheme, values)).to_dict()


def test_comparison_matches_coinr():
    before, after = _build("mean"), _build("geometric")
    out = compare_results(before, after)
    assert out.series == ("score", "index", "p1", "p2")
    with open(DATA / "compare.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    index = out.series.index("index")
    for row in rows:
        u = out.units.index(row["uCode"])
        if row["case"] == "ranks":
            # COINr ranks by rank(-x, ties "min"), as leitai's ranks without ties.
            assert out.before_rank[u, index] == float(row["coin.1"])
            assert out.after_rank[u, index] == float(row["coin.2"])
            assert out.rank_change[u, index] == float(row["Diff"])
        else:
            assert abs(out.before_score[u, index] - float(row["coin.1"])) < 1e-9
            assert abs(out.after_score[u, index] - float(row["coin.2"])) < 1e-9
    with open(DATA / "compare_corr.csv", encoding="utf-8") as handle:
        corr = {(r["case"], r["iCode"]): float(r["Correlation"]) for r in csv.DictReader(handle)}
    for code in ("p1", "p2", "index"):
        s = out.series.index(code)
        # COINr correlates the ranks (Pearson's of ranks without ties is Spearman's).
        assert abs(out.spearman[s] - corr[("ranks", code)]) < 1e-12
        assert abs(out.pearson[s] - corr[("scores", code)]) < 1e-12
    # The composite is the index (one top-level board of 100 points).
    assert out.spearman[0] == out.spearman[index]
    movers = out.movers(count=3)
    assert [abs(m["rank_change"]) for m in movers] == sorted(
        (abs(m["rank_change"]) for m in movers), reverse=True
    )
    assert all(m["rank_change"] != 0 for m in out.movers(count=99))


def test_units_missing_from_one_result_are_kept_and_left_out_of_correlations():
    before = {
        "results": [
            {"unit": "a", "name": "A", "score": 90, "rank": 1},
            {"unit": "b", "name": "B", "score": 80, "rank": 2},
            {"unit": "gone", "name": "Gone", "score": 10, "rank": 3},
        ]
    }
    after = {
        "results": [
            {"unit": "b", "name": "B", "score": 95, "rank": 1},
            {"unit": "a", "name": "A", "score": 70, "rank": 2},
            {"unit": "new", "name": "New", "score": 50, "rank": 3},
        ]
    }
    out = compare_results(before, after)
    assert out.units == ("b", "a", "new", "gone")
    table = out.table()
    assert [r["unit"] for r in table] == ["b", "a", "new", "gone"]
    assert table[2]["before_rank"] is None and table[3]["after_rank"] is None
    assert out.pearson[0] == pytest.approx(-1.0)
    assert [m["unit"] for m in out.movers()] == ["b", "a"]


def test_trends_of_results_by_unit_and_board():
    def doc(scores: dict[str, float]) -> dict:
        return {
            "results": [
                {"unit": u, "name": u.upper(), "score": s, "boards": {"x": {"score": s / 2}}}
                for u, s in scores.items()
            ]
        }

    out = trends([doc({"a": 100, "b": 50}), doc({"a": 121, "c": 10})], [2022, 2024], what="boards")
    assert out.units == ("a", "c", "b") and out.series == ("x",)
    rows = {r["unit"]: r for r in out.rows()}
    assert rows["a"]["trend"] == pytest.approx(0.1)
    assert rows["a"]["first"] == 2022 and rows["a"]["last_value"] == 60.5
    assert rows["b"]["trend"] is None and rows["c"]["first"] == 2024
    with pytest.raises(ValueError):
        trends([doc({"a": 1}), doc({"a": 2})], [2022, 2022])
