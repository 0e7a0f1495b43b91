"""The result: immutable, tidy tables, explanations and JSON."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leitai.engine import assess, load_scheme
from leitai.io import read_previous, read_table


@pytest.fixture
def case1(examples):
    folder = examples / "case1"
    scheme = load_scheme(folder / "scheme.yaml")
    return assess(
        scheme,
        read_table(folder / "data.csv", scheme),
        previous=read_previous(folder / "previous.csv"),
        period="2023Q1",
    )


def test_arrays_of_a_result_cannot_be_changed(case1):
    with pytest.raises(ValueError):
        case1.composite[0] = 0
    with pytest.raises(ValueError):
        case1.adjustments["satisfaction"][0] = 0


def test_the_league_table_is_in_rank_order_with_names_of_flags(case1):
    rows = case1.league_table()
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)
    assert rows[0]["name"] == "甲区" and rows[0]["flag_names"] == ["真抓实干、勇当排头"]
    assert {"stars_economy", "stars_projects", "score_economy"} <= set(rows[0])


def test_explain_gives_weights_and_contributions_in_composite_points(case1):
    card = case1.explain("a")
    gdp = next(r for r in card["indicators"] if r["indicator"] == "gdp_growth")
    # economy carries 60 points; gdp_growth has weight 2 of 3 there
    assert gdp["weight"] == pytest.approx(40)
    assert gdp["contribution"] == pytest.approx(40 * gdp["score"] / 100)
    total = sum(r["contribution"] for r in card["indicators"]) + card["adjustments"]["satisfaction"]
    assert total == pytest.approx(card["score"])


def test_explain_names_the_strongest_and_weakest_indicators_by_rank(case1):
    card = case1.explain("b")
    ranks = {r["indicator"]: r["rank"] for r in card["indicators"]}
    assert ranks[card["strongest"][0]] == min(ranks.values())
    assert ranks[card["weakest"][0]] == max(ranks.values())


def test_explain_gives_the_gap_to_the_unit_one_place_above(case1):
    card = case1.explain("c")
    assert card["above"]["unit"] == "b"
    assert card["above"]["gap"] == pytest.approx(case1.composite[1] - case1.composite[2])
    assert case1.explain("a")["above"] is None


def test_an_excluded_indicator_has_a_null_score_in_json(examples):
    folder = examples / "case2"
    scheme = load_scheme(folder / "scheme.yaml")
    result = assess(scheme, read_table(folder / "data.csv", scheme))
    document = json.loads(result.to_json())
    nulls = [
        (r["unit"], i)
        for r in document["results"]
        for i, v in r["indicators"].items()
        if v["score"] is None
    ]
    assert nulls, "case2 has indicators left out by exclude"
    for unit, indicator in nulls:
        j = [ind.id for ind in scheme.all_indicators()].index(indicator)
        assert np.isnan(result.values[scheme.unit_ids.index(unit), j])


def test_unknown_unit_in_explain_is_a_key_error(case1):
    with pytest.raises(KeyError, match="zz"):
        case1.explain("zz")


def test_the_json_text_reads_back_as_the_standard_librarys(examples):
    from leitai.demo import assess_demo
    from leitai.engine.result import json_text

    for result in [*assess_demo().values(), assess(*_case(examples, "case2"))]:
        document = result.to_dict()
        text = result.to_json()
        assert json.loads(text) == json.loads(json.dumps(document, ensure_ascii=False))
        assert text == json.dumps(document, ensure_ascii=False, indent=2)  # laid out alike
        assert result.to_json(indent=None) == json.dumps(document, ensure_ascii=False)
    numbers = {"a": np.float64(0.1), "b": np.arange(3), "c": 1e-05, "d": float("nan")}
    assert json.loads(json_text(numbers)) == {"a": 0.1, "b": [0, 1, 2], "c": 1e-05, "d": None}


def _case(examples, name):
    scheme = load_scheme(examples / name / "scheme.yaml")
    return scheme, read_table(examples / name / "data.csv", scheme)


def test_the_json_written_a_unit_at_a_time_is_the_json_text(examples):
    import io

    from leitai.demo import assess_demo
    from leitai.engine.result import write_json

    for result in [*assess_demo().values(), assess(*_case(examples, "case3"))]:
        out = io.BytesIO()
        write_json(result.to_dict(), out)
        assert out.getvalue() == (result.to_json() + "\n").encode("utf-8")


def _document_bytes(result):
    """The reference: the whole document built, then written by orjson (json_bytes)."""
    from leitai.engine.result import json_bytes

    return json_bytes(result.to_dict())


def _written(result):
    import io

    out = io.BytesIO()
    result.write_json(out)
    return out.getvalue()


def test_the_json_written_from_the_arrays_is_the_json_of_the_document(examples, tmp_path):
    """Result.write_json fills the numbers into a layout made once; the bytes are the
    document's, on the demo, every worked example, ASEM (groups, preparation) and none."""
    from leitai.demo import assess_demo
    from leitai.io.coinr import convert_coinr
    from tests.conftest import ASEM

    scheme_path, data_path = convert_coinr(
        ASEM / "ASEM_iData.csv", ASEM / "ASEM_iMeta.csv", tmp_path
    )
    asem = assess(load_scheme(scheme_path), read_table(data_path, load_scheme(scheme_path)))
    assert asem.preparation and asem.has_groups
    results = [*assess_demo().values(), asem]
    results += [assess(*_case(examples, f"case{k}")) for k in range(1, 7)]
    for result in results:
        written = _written(result)
        assert written == _document_bytes(result)
        assert written == (result.to_json() + "\n").encode("utf-8")
        assert json.loads(written) == json.loads(json.dumps(result.to_dict()))


NUMBERS = st.one_of(
    st.floats(width=64),  # nan, infinities, -0.0, subnormals included
    st.sampled_from([0.1 + 0.2, 1e16, 1e-7, 5e-324, 1.7976931348623157e308, -0.0]),
)


@given(data=st.data())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_numbers_and_names_are_written_as_the_document_writes_them(data):
    """Values and scores of any float (null where not finite), and unit names that look
    like the text the writer looks for, give the document's bytes."""
    import dataclasses

    from tests.conftest import EXAMPLES as examples

    text = (examples / "case1" / "scheme.yaml").read_text(encoding="utf-8")
    name = data.draw(st.sampled_from(['甲\n  "indicators": {}', '"%b" %s \\', "甲区"]))
    text = text.replace("name: 甲区", f"name: {json.dumps(name)}", 1)
    scheme = load_scheme_text(text)
    result = assess(scheme, read_table(examples / "case1" / "data.csv", scheme))
    shape = result.values.shape
    draw = st.lists(NUMBERS, min_size=shape[0] * shape[1], max_size=shape[0] * shape[1])
    values = np.array(data.draw(draw)).reshape(shape)
    scores = np.array(data.draw(draw)).reshape(shape)
    changed = dataclasses.replace(result, values=values, scores=scores)
    assert changed.scheme.units[0].name == name
    assert _written(changed) == _document_bytes(changed)


def load_scheme_text(text):
    from leitai.engine import parse_scheme

    return parse_scheme(text, source="scheme.yaml")
