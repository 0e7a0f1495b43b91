"""The office's page comparing two results (two revisions of a period or two periods)
and the trend of each unit's composite: what it shows is the engine's comparison of
the stored results, to the office only (the permission matrix has the rest)."""

from __future__ import annotations

import math

from django.urls import reverse

from leitai.engine.panels import cagr, compare_results
from leitai.web.assessments.models import DataValue, Period, Snapshot
from leitai.web.assessments.selectors import period_published_snapshot
from leitai.web.assessments.services import period_compute, snapshot_publish
from tests.web.base import BaseTestCase


def builds_url(period: str, **query: object) -> str:
    url = reverse("analysis:builds", kwargs={"period": period})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


class BuildsPageTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.login(self.office)

    def snapshot(self, code: str) -> Snapshot:
        snapshot = period_published_snapshot(Period.objects.get(code=code))
        assert snapshot is not None
        return snapshot

    def test_by_default_a_period_is_compared_with_the_previous_one(self) -> None:
        response = self.client.get(builds_url("2023Q3"))
        self.assertEqual(response.status_code, 200)
        before, after = response.context["before"], response.context["after"]
        self.assertEqual(after, self.snapshot("2023Q3"))
        self.assertEqual(before, self.snapshot("2023Q2"))
        report = response.context["report"]
        expected = compare_results(before.result_dict, after.result_dict)
        self.assertEqual([c["series"] for c in report["correlations"]], list(expected.series))
        first = report["correlations"][0]
        self.assertEqual(first["spearman"], f"{expected.spearman[0]:.3f}")
        self.assertEqual(first["pearson"], f"{expected.pearson[0]:.3f}")
        self.assertEqual(len(report["rows"]), len(after.result_dict["results"]))
        for row in report["rows"]:
            if row["rank_change"] is not None:
                self.assertEqual(row["rank_change"], row["before_rank"] - row["after_rank"])
        movers = report["movers"]
        self.assertTrue(all(m["rank_change"] != 0 for m in movers))
        self.assertEqual(
            [abs(m["rank_change"]) for m in movers],
            sorted((abs(m["rank_change"]) for m in movers), reverse=True),
        )
        self.assertContains(response, "两次结果有多接近？")

    def test_any_two_results_and_a_board(self) -> None:
        q1, q3 = self.snapshot("2023Q1"), self.snapshot("2023Q3")
        board = q3.result_dict["results"][0]["boards"]
        series = next(iter(board))
        response = self.client.get(builds_url("2023Q3", a=q1.pk, b=q3.pk, series=series))
        self.assertEqual(response.status_code, 200)
        report = response.context["report"]
        expected = compare_results(q1.result_dict, q3.result_dict)
        s = expected.series.index(series)
        ranks = {r["unit"]: r["after_rank"] for r in report["rows"]}
        for u, unit in enumerate(expected.units):
            self.assertEqual(ranks[unit], expected.after_rank[u, s])
        current = [c for c in report["correlations"] if c["current"]]
        self.assertEqual([c["series"] for c in current], [series])
        self.assertEqual(self.client.get(builds_url("2023Q3", series="nope")).status_code, 404)
        self.assertEqual(self.client.get(builds_url("2023Q3", a="x1")).status_code, 404)

    def test_a_new_draft_is_compared_with_the_published_revision(self) -> None:
        first = snapshot_publish(snapshot=self.draft, user=self.office)
        value = DataValue.objects.get(
            period=self.draft_period, unit__code="shibei", key="gdp_growth"
        )
        value.value = "99"
        value.save()
        second = period_compute(period=self.draft_period, user=self.office)
        self.assertEqual(second.revision, 2)
        response = self.client.get(builds_url("2024Q1"))
        self.assertEqual((response.context["before"], response.context["after"]), (first, second))
        report = response.context["report"]
        expected = compare_results(first.result_dict, second.result_dict)
        s = expected.series.index("score")
        u = expected.units.index("shibei")
        self.assertGreater(expected.after_score[u, s], expected.before_score[u, s])
        self.assertIn("shibei", [m["unit"] for m in report["movers"]])
        # The same revision on both sides: nothing moved.
        same = self.client.get(builds_url("2024Q1", a=second.pk, b=second.pk))
        self.assertEqual(same.context["report"]["movers"], [])
        self.assertEqual(same.context["report"]["correlations"][0]["pearson"], "1.000")
        self.assertContains(same, "没有单位的名次发生变化")

    def test_the_trend_is_the_engines_growth_per_period(self) -> None:
        response = self.client.get(builds_url("2023Q3"))
        trend = response.context["trend"]
        # The chain of previous periods, not every period before (the grouped variant
        # of 2023Q3 is another scheme's).
        chain, period = [], Period.objects.get(code="2023Q3")
        while period is not None:
            chain.insert(0, period.code)
            period = period.previous
        self.assertEqual(chain, ["2022Q4", "2023Q1", "2023Q2", "2023Q3"])
        documents = [self.snapshot(c).result_dict for c in chain]
        self.assertEqual(len(trend["periods"]), len(documents))
        by_unit = {r["unit"]: r for r in trend["rows"]}
        for row in documents[-1]["results"]:
            scores = [
                next(x["score"] for x in d["results"] if x["unit"] == row["unit"])
                for d in documents
            ]
            growth = cagr([scores], list(range(1, len(scores) + 1)))[0]
            got = by_unit[row["unit"]]["growth"]
            if math.isnan(growth):
                self.assertIsNone(got)
            else:
                self.assertAlmostEqual(got, growth * 100, places=9)
            self.assertEqual(by_unit[row["unit"]]["scores"], scores)
        self.assertContains(response, "<polyline points=", html=False)
