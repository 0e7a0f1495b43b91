"""The trend and comparison sections of the unit and indicator pages (issue 16): their
numbers are the published results', computed by hand here; nobody sees in them a
result they may not read."""

from __future__ import annotations

import math

import numpy as np
from django.test import SimpleTestCase
from django.urls import reverse

from leitai.web.assessments.models import Period
from leitai.web.assessments.selectors import period_line, period_published_snapshot
from tests.web.base import BaseTestCase

PUBLISHED = ("2022Q4", "2023Q1", "2023Q2", "2023Q3")


def published_rows(unit: str) -> list[dict]:
    out = []
    for code in PUBLISHED:
        snapshot = period_published_snapshot(Period.objects.get(code=code))
        assert snapshot is not None
        out.append(next(r for r in snapshot.result_dict["results"] if r["unit"] == unit))
    return out


def by_hand(series: list[float]) -> tuple[float, float]:
    """Percentage change per period (least-squares line through the periods 1..T, its
    slope over its value at period 1) and compound growth per period, in percent."""
    x = np.arange(1.0, len(series) + 1)
    slope, intercept = np.polyfit(x, np.array(series), 1)
    change = 100.0 * slope / (intercept + slope * 1.0)
    growth = 100.0 * ((series[-1] / series[0]) ** (1.0 / (len(series) - 1)) - 1.0)
    return change, growth


class UnitTrendTests(BaseTestCase):
    def test_the_unit_page_shows_the_composite_over_the_published_periods(self) -> None:
        self.login(self.viewer)
        response = self.client.get(reverse("boards:unit", args=["2023Q3", "shibei"]))
        self.assertEqual(response.status_code, 200)
        trend = response.context["trend"]
        self.assertEqual([p["code"] for p in trend["periods"]], list(PUBLISHED))
        composite = trend["rows"][0]
        self.assertEqual(composite["kind"], "composite")
        rows = published_rows("shibei")
        self.assertEqual([c["score"] for c in composite["cells"]], [r["score"] for r in rows])
        self.assertEqual([c["rank"] for c in composite["cells"]], [r["rank"] for r in rows])
        change, growth = by_hand([r["score"] for r in rows])
        self.assertAlmostEqual(composite["change"], change, places=9)
        self.assertAlmostEqual(composite["cagr"], growth, places=9)
        page = response.content.decode()
        self.assertIn('data-section="trend"', page)
        self.assertIn("历期走势（已发布）", page)
        self.assertIn(f"{change:+.2f}%", page)

    def test_an_indicator_row_gives_value_score_and_rank_and_a_missing_period_a_gap(self) -> None:
        self.login(self.viewer)
        response = self.client.get(reverse("boards:unit", args=["2023Q3", "licang"]))
        rows = {r["key"]: r for r in response.context["trend"]["rows"] if r["kind"] == "indicator"}
        gdp = rows["gdp_growth"]
        values = [r["indicators"]["gdp_growth"]["value"] for r in published_rows("licang")]
        self.assertEqual([c["number"] for c in gdp["cells"]], values)
        self.assertTrue(all(c["rank"] >= 1 for c in gdp["cells"]))
        # The business board's indicators came with the scheme's second version (2023Q3).
        online = rows["online_rate"]
        self.assertEqual([c is None for c in online["cells"]], [True, True, True, False])
        self.assertIsNone(online["change"])
        self.assertIsNone(online["cagr"])

    def test_no_percentage_is_given_of_a_series_crossing_zero(self) -> None:
        self.login(self.viewer)
        response = self.client.get(reverse("boards:unit", args=["2023Q3", "shibei"]))
        rows = {r["key"]: r for r in response.context["trend"]["rows"] if r["kind"] == "indicator"}
        revenue = [c["number"] for c in rows["revenue_growth"]["cells"]]
        self.assertTrue(min(revenue) < 0 < max(revenue))  # the demo's -3% to 5.5%
        self.assertIsNone(rows["revenue_growth"]["change"])
        self.assertIsNone(rows["revenue_growth"]["cagr"])
        self.assertIsNone(rows["revenue_growth"]["better"])

    def test_the_comparison_gives_the_rank_shift_and_spearman_with_the_previous_period(
        self,
    ) -> None:
        self.login(self.viewer)
        response = self.client.get(reverse("boards:unit", args=["2023Q2", "shibei"]))
        comparison = response.context["comparison"]
        self.assertEqual(comparison["before"]["code"], "2023Q1")
        q1, q2 = (
            period_published_snapshot(Period.objects.get(code=c)).result_dict["results"]  # type: ignore[union-attr]
            for c in ("2023Q1", "2023Q2")
        )
        composite = comparison["rows"][0]
        before = next(r for r in q1 if r["unit"] == "shibei")["rank"]
        after = next(r for r in q2 if r["unit"] == "shibei")["rank"]
        self.assertEqual((composite["before_rank"], composite["after_rank"]), (before, after))
        self.assertEqual(composite["rank_change"], before - after)
        # Spearman's by hand: the correlation of the two orders (no ties in the demo).
        score_then = {r["unit"]: r["score"] for r in q1}
        units = [r["unit"] for r in q2]
        order_then = np.argsort(np.argsort([score_then[u] for u in units]))
        order_now = np.argsort(np.argsort([r["score"] for r in q2]))
        n = len(units)
        rho = 1 - 6 * float(((order_then - order_now) ** 2).sum()) / (n * (n * n - 1))
        self.assertAlmostEqual(composite["spearman"], rho, places=12)
        page = response.content.decode()
        self.assertIn('data-section="comparison"', page)
        self.assertIn(reverse("boards:compare", args=["2023Q2"]) + "?with=2023Q1", page)
        self.assertNotIn(reverse("analysis:builds", args=["2023Q2"]), page)

    def test_a_reporter_reading_their_own_draft_sees_only_published_periods(self) -> None:
        self.login(self.reporter_shibei)
        response = self.client.get(reverse("boards:unit", args=["2024Q1", "shibei"]))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["draft"])
        codes = [p["code"] for p in response.context["trend"]["periods"]]
        self.assertEqual(codes, list(PUBLISHED))
        # A correlation over every unit's draft is not theirs to read.
        self.assertIsNone(response.context["comparison"])
        self.assertNotIn('data-section="comparison"', response.content.decode())

    def test_a_reporter_of_one_unit_never_sees_anothers_unpublished_period(self) -> None:
        self.login(self.reporter_licang)
        self.assertEqual(
            # Unpublished and not theirs: it does not exist for them.
            self.client.get(reverse("boards:unit", args=["2024Q1", "shibei"])).status_code,
            404,
        )
        response = self.client.get(reverse("boards:unit", args=["2023Q3", "shibei"]))
        codes = [p["code"] for p in response.context["trend"]["periods"]]
        self.assertEqual(codes, list(PUBLISHED))
        self.assertNotIn("2024Q1", [p["code"] for p in response.context["trend"]["periods"]])

    def test_the_office_reading_a_draft_sees_it_as_the_trends_last_point(self) -> None:
        self.login(self.office)
        response = self.client.get(reverse("boards:unit", args=["2024Q1", "shibei"]))
        periods = response.context["trend"]["periods"]
        # 2023Q4 has no published result: it is left out, not filled with its draft.
        self.assertEqual([p["code"] for p in periods], [*PUBLISHED, "2024Q1"])
        self.assertEqual([p["draft"] for p in periods], [False] * 4 + [True])
        comparison = response.context["comparison"]
        self.assertEqual(comparison["before"]["code"], "2023Q3")
        # The office goes on to its page comparing any two results, drafts included.
        self.assertContains(response, reverse("analysis:builds", args=["2024Q1"]))

    def test_a_visitor_without_public_boards_is_asked_to_log_in(self) -> None:
        self.public_boards(False)
        self.login(None)
        response = self.client.get(reverse("boards:unit", args=["2023Q3", "shibei"]))
        self.assertEqual(response.status_code, 302)


class PeriodLineTests(SimpleTestCase):
    """The line of periods orders them: periods have no dates, and codes do not sort in
    time ("2023" and "2023-Q3-grouped" sort before "2023Q1")."""

    @staticmethod
    def periods(*rows: tuple[int, str, int | None]) -> dict[int, Period]:
        return {pk: Period(pk=pk, code=code, previous_id=prev) for pk, code, prev in rows}

    def codes(self, code: str, periods: dict[int, Period]) -> list[str]:
        period = next(p for p in periods.values() if p.code == code)
        return [p.code for p in period_line(period, periods)]

    def test_a_line_runs_back_through_previous_periods_and_on_through_followers(self) -> None:
        periods = self.periods(
            (1, "2023-Q3-grouped", None),
            (2, "2023", None),
            (3, "2022Q4", None),
            (4, "2023Q1", 3),
            (5, "2023Q2", 4),
            (6, "2023Q3", 5),
            (7, "2023Q4", 6),
        )
        quarters = ["2022Q4", "2023Q1", "2023Q2", "2023Q3", "2023Q4"]
        for code in quarters:
            self.assertEqual(self.codes(code, periods), quarters)
        self.assertEqual(self.codes("2023", periods), ["2023"])
        self.assertEqual(self.codes("2023-Q3-grouped", periods), ["2023-Q3-grouped"])

    def test_where_two_periods_follow_one_the_line_goes_on_with_the_longer(self) -> None:
        # A variant of 2023Q3 made later, with 2023Q2 as its previous period, and one made
        # earlier: from 2023Q1 the line goes on through 2023Q3 to 2023Q4 either way.
        periods = self.periods(
            (1, "2023Q3-early-variant", 3),
            (2, "2023Q1", None),
            (3, "2023Q2", 2),
            (4, "2023Q3", 3),
            (5, "2023Q4", 4),
            (6, "2023Q3-variant", 3),
        )
        self.assertEqual(self.codes("2023Q1", periods), ["2023Q1", "2023Q2", "2023Q3", "2023Q4"])
        self.assertEqual(
            self.codes("2023Q3-variant", periods), ["2023Q1", "2023Q2", "2023Q3-variant"]
        )
        # Of two that run as long, the first created.
        del periods[5]
        self.assertEqual(
            self.codes("2023Q1", periods), ["2023Q1", "2023Q2", "2023Q3-early-variant"]
        )

    def test_a_loop_of_previous_periods_ends(self) -> None:
        periods = self.periods((1, "a", 2), (2, "b", 1))
        self.assertEqual(self.codes("a", periods), ["b", "a"])


class UnitHistoryTests(BaseTestCase):
    def test_the_history_and_its_chart_follow_the_line_in_time_order(self) -> None:
        self.login(self.office)
        response = self.client.get(reverse("boards:unit", args=["2023Q2", "shibei"]))
        rows = response.context["history"].rows
        self.assertEqual(
            [h["period"].code for h in rows],
            ["2022Q4", "2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q1"],
        )
        # The office reads the drafts of 2023Q4 and 2024Q1 too, marked as drafts.
        self.assertEqual([h["draft"] for h in rows], [False] * 4 + [True] * 2)
        chart = response.context["chart"]
        self.assertEqual(chart["ranks"], [h["rank"] for h in rows])
        self.assertEqual(
            [o["period"].code for o in response.context["history"].others], ["2023-Q3-grouped"]
        )

    def test_a_visitor_sees_the_published_periods_of_the_line_only(self) -> None:
        response = self.client.get(reverse("boards:unit", args=["2023Q2", "shibei"]))
        rows = response.context["history"].rows
        self.assertEqual([h["period"].code for h in rows], list(PUBLISHED))
        for h, row in zip(rows, published_rows("shibei"), strict=True):
            self.assertEqual((h["rank"], h["score"]), (row["rank"], row["score"]))


class IndicatorTrendTests(BaseTestCase):
    def test_the_indicator_page_shows_every_units_value_over_the_periods(self) -> None:
        self.login(self.viewer)
        response = self.client.get(reverse("boards:indicator", args=["2023Q3", "gdp_growth"]))
        trend = response.context["trend"]
        self.assertEqual([p["code"] for p in trend["periods"]], list(PUBLISHED))
        self.assertEqual(len(trend["rows"]), 10)
        row = next(r for r in trend["rows"] if r["unit"] == "huangdao")
        values = [r["indicators"]["gdp_growth"]["value"] for r in published_rows("huangdao")]
        self.assertEqual(row["values"], values)
        change, growth = by_hand(values)
        self.assertAlmostEqual(row["change"], change, places=9)
        self.assertAlmostEqual(row["cagr"], growth, places=9)
        # Improved most: the largest rises, for an indicator where higher is better.
        rises = sorted((r["change"] for r in trend["rows"] if (r["change"] or 0) > 0), reverse=True)
        self.assertEqual([r["change"] for r in trend["improved"]], rises[:3])
        self.assertFalse(trend["lower_better"])
        page = response.content.decode()
        self.assertIn("进步最大：", page)
        self.assertIn("data-comparison", page)

    def test_where_lower_is_better_a_fall_is_the_improvement(self) -> None:
        self.login(self.viewer)
        response = self.client.get(reverse("boards:indicator", args=["2023Q3", "start_lag"]))
        trend = response.context["trend"]
        self.assertTrue(trend["lower_better"])
        self.assertTrue(trend["improved"])
        self.assertTrue(all(r["change"] < 0 for r in trend["improved"]))
        for row in trend["rows"]:
            if row["change"]:
                self.assertEqual(row["better"], row["change"] < 0)

    def test_the_comparison_is_spearmans_of_the_indicator_scores(self) -> None:
        self.login(self.viewer)
        response = self.client.get(reverse("boards:indicator", args=["2023Q3", "gdp_growth"]))
        comparison = response.context["comparison"]
        self.assertEqual(comparison["before"]["code"], "2023Q2")
        then = {r["unit"]: r["indicators"]["gdp_growth"]["score"] for r in _results("2023Q2")}
        now = {r["unit"]: r["indicators"]["gdp_growth"]["score"] for r in _results("2023Q3")}
        units = sorted(now)
        rho = _spearman([then[u] for u in units], [now[u] for u in units])
        self.assertAlmostEqual(comparison["spearman"], rho, places=12)
        self.assertEqual(comparison["units"], 10)

    def test_a_reporter_cannot_open_a_draft_indicator_page_nor_its_trend(self) -> None:
        self.login(self.reporter_shibei)
        response = self.client.get(reverse("boards:indicator", args=["2024Q1", "gdp_growth"]))
        self.assertEqual(response.status_code, 404)


def _results(code: str) -> list[dict]:
    snapshot = period_published_snapshot(Period.objects.get(code=code))
    assert snapshot is not None
    return snapshot.result_dict["results"]


def _spearman(x: list[float], y: list[float]) -> float:
    """Pearson's correlation of the mean ranks (ties share theirs), written out."""

    def ranks(v: list[float]) -> list[float]:
        return [sum(1 for w in v if w < a) + (sum(1 for w in v if w == a) + 1) / 2 for a in v]

    rx, ry = ranks(x), ranks(y)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    return cov / math.sqrt(sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry))


class ComparePageCorrelationTests(BaseTestCase):
    def test_the_compare_page_gives_spearmans_and_pearsons_in_time_order(self) -> None:
        from leitai.engine.panels import compare_results

        self.login(self.viewer)
        # Asked from the earlier period: still the earlier result "before".
        response = self.client.get(reverse("boards:compare", args=["2022Q4"]) + "?with=2023Q1")
        correlations = {c["series"]: c for c in response.context["correlations"]}
        before = {r["unit"]: r["score"] for r in _results("2022Q4")}
        after = {r["unit"]: r["score"] for r in _results("2023Q1")}
        units = sorted(after)
        rho = _spearman([before[u] for u in units], [after[u] for u in units])
        self.assertEqual(correlations["score"]["spearman"], f"{rho:.3f}")
        expected = compare_results({"results": _results("2022Q4")}, {"results": _results("2023Q1")})
        moved = int((expected.rank_change[:, 0] != 0).sum())
        self.assertEqual(correlations["score"]["moved"], moved)
        self.assertContains(response, "两次结果有多接近？")

    def test_a_visitor_compares_only_published_periods(self) -> None:
        self.login(self.viewer)
        response = self.client.get(reverse("boards:compare", args=["2023Q3"]) + "?with=2024Q1")
        self.assertEqual(response.status_code, 404)
