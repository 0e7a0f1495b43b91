"""The previous period is always a published one, and every comparison uses the same one.

The scenario a new user found: 2024Q1 opened while 2023Q4 was still collecting, named
2023Q4 as its previous period, and published with no rank change and no climbing flag,
while the comparison page compared it with 2023Q3.
"""

from __future__ import annotations

from django.urls import reverse

from leitai.demo import demo_periods
from leitai.web.assessments.models import Period, Snapshot
from leitai.web.assessments.selectors import (
    period_previous_proposed,
    period_previous_snapshot,
    period_published_snapshot,
)
from leitai.web.assessments.services import (
    data_values_import,
    data_values_update,
    period_compute,
    period_create,
    snapshot_publish,
)
from leitai.web.audit.models import AuditEntry
from leitai.web.errors import ServiceError
from leitai.web.workflow.selectors import period_readiness
from leitai.web.workflow.services import period_open
from tests.web.base import BaseTestCase


class PreviousPeriodTestCase(BaseTestCase):
    def setUp(self) -> None:
        # Make room for the scenario's 2024Q1 (the base fixture's is a draft only).
        Snapshot.objects.filter(period=self.draft_period).delete()
        Period.objects.filter(pk=self.draft_period.pk).delete()
        self.q3 = Period.objects.get(code="2023Q3")
        self.q4 = Period.objects.get(code="2023Q4")
        self.login(self.office)

    def open_through_the_form(self, previous: Period | None) -> object:
        return self.client.post(
            reverse("workflow:period_new"),
            {
                "code": "2024Q1",
                "name": "",
                "scheme_version": self.q4.scheme_version.pk,
                "previous": previous.pk if previous else "",
            },
        )

    def review_and_compute(self, period: Period) -> None:
        data_values_import(period=period, source=demo_periods()[-1].data_path)
        step = self.client.post(
            reverse("workflow:period_step", args=[period.code]),
            {"step": "review", "acknowledge": "on"},
        )
        self.assertEqual(step.status_code, 302)
        self.client.post(reverse("workflow:period_compute", args=[period.code]))
        period.refresh_from_db()
        self.assertEqual(period.state, Period.State.REVIEW)


class ProposalTests(PreviousPeriodTestCase):
    def test_a_new_period_proposes_the_latest_published_period_of_its_scheme(self) -> None:
        page = self.client.get(reverse("workflow:period_new"))
        self.assertEqual(page.context["form"].initial["previous"], self.q3)
        self.assertEqual(period_previous_proposed(self.q4.scheme_version), self.q3)

    def test_the_form_refuses_a_previous_period_that_is_not_published(self) -> None:
        response = self.open_through_the_form(self.q4)
        self.assertEqual(response.status_code, 200)
        self.assertIn("previous", response.context["form"].errors)
        self.assertIn("2023Q4", response.context["form"].errors["previous"][0])
        self.assertFalse(Period.objects.filter(code="2024Q1").exists())

    def test_the_service_refuses_it_too(self) -> None:
        with self.assertRaises(ServiceError) as caught:
            period_open(
                code="2024Q1",
                scheme_version=self.q4.scheme_version,
                previous=self.q4,
                user=self.office,
            )
        self.assertEqual(caught.exception.code, "previous_unpublished")
        # Under the form's field, in words (never the rule's code as a message).
        self.assertEqual(caught.exception.field, "previous")
        self.assertEqual(caught.exception.fields, {})
        self.assertIn("2023Q4", " ".join(caught.exception.errors))


class ScenarioTests(PreviousPeriodTestCase):
    def test_publishing_against_an_unpublished_previous_period_is_refused(self) -> None:
        # As the old form allowed: 2024Q1 names 2023Q4, which is still collecting.
        period = period_create(
            code="2024Q1", scheme_version=self.q4.scheme_version, previous=self.q4
        )
        self.review_and_compute(period)
        self.assertIsNone(period_previous_snapshot(period))
        page = self.client.get(reverse("workflow:period_publish", args=["2024Q1"]))
        self.assertContains(page, 'data-check="previous-unpublished"')
        self.assertContains(page, 'data-check="previous-missing"')
        self.assertIn("加压奋进、进位赶超", page.content.decode())
        self.assertFalse(page.context["readiness"].can_publish)
        response = self.client.post(
            reverse("workflow:period_publish", args=["2024Q1"]),
            {"acknowledge": "on", "previous_note": "照发"},
            follow=True,
        )
        self.assertContains(response, "2023Q4")
        self.assertIsNone(period_published_snapshot(period))

    def test_the_office_creates_2024q1_and_its_result_agrees_with_its_comparison(self) -> None:
        page = self.client.get(reverse("workflow:period_new"))
        proposed = page.context["form"].initial["previous"]
        self.assertEqual(proposed.code, "2023Q3")
        response = self.open_through_the_form(proposed)
        self.assertEqual(response.status_code, 302)
        period = Period.objects.get(code="2024Q1")
        self.assertEqual(period.previous, self.q3)
        self.review_and_compute(period)
        self.assertEqual(period_readiness(period).previous_missing, [])
        response = self.client.post(
            reverse("workflow:period_publish", args=["2024Q1"]), {"acknowledge": "on"}
        )
        self.assertEqual(response.status_code, 302)
        published = period_published_snapshot(period)
        self.assertIsNotNone(published)
        self.assertEqual(published.previous_ranks.keys(), {r["unit"] for r in _rows(self.q3)})

        self.login(self.viewer)
        league = self.client.get(reverse("boards:league", args=["2024Q1"])).context["result"]
        compare = self.client.get(reverse("boards:compare", args=["2024Q1"])).context
        self.assertEqual(compare["other"], self.q3)
        changes = {r["unit"]: r["rank_change"] for r in compare["rows"]}
        climbers = {r["unit"] for r in league.rows if "climber" in r["flags"]}
        self.assertTrue(climbers, "some unit climbs two places or more against 2023Q3")
        for row in league.rows:
            self.assertIsNotNone(row["rank_change"])
            self.assertEqual(row["rank_change"], changes[row["unit"]], row["unit"])
            self.assertEqual(
                "climber" in row["flags"], row["rank_change"] >= 2 and not row["vetoed"]
            )
        shown = {r["unit"] for r in compare["climbed"] if r["rank_change"] >= 2}
        flagged = {r["unit"] for r in compare["rows"] if "climber" in _flag_ids(r)}
        self.assertEqual(shown, flagged)

    def test_the_comparison_keeps_agreeing_after_the_previous_period_is_revised(self) -> None:
        period = period_create(
            code="2024Q1", scheme_version=self.q4.scheme_version, previous=self.q3
        )
        self.review_and_compute(period)
        self.client.post(reverse("workflow:period_publish", args=["2024Q1"]), {"acknowledge": "on"})
        self.assertIsNotNone(period_published_snapshot(period))
        # 2023Q3 is revised afterwards: 平度市 (last) gets the best growth figures.
        cells = {("pingdu", key): ("40", None) for key in ("gdp_growth", "industry_growth")}
        data_values_update(period=self.q3, cells=cells, user=self.office)
        revised = period_compute(period=self.q3, user=self.office)
        snapshot_publish(snapshot=revised, user=self.office, reason="更正平度市数据")
        old_rank = {r["unit"]: r["rank"] for r in _rows(self.q3)}
        self.assertNotEqual(old_rank, period_published_snapshot(period).previous_ranks)

        self.login(self.viewer)
        league = self.client.get(reverse("boards:league", args=["2024Q1"])).context["result"]
        compare = self.client.get(reverse("boards:compare", args=["2024Q1"])).context
        changes = {r["unit"]: r["rank_change"] for r in compare["rows"]}
        self.assertEqual(changes, {r["unit"]: r["rank_change"] for r in league.rows})

    def test_without_a_previous_period_the_office_must_say_why_and_the_boards_show_it(
        self,
    ) -> None:
        period = period_create(code="2024Q1", scheme_version=self.q4.scheme_version)
        self.review_and_compute(period)
        missing = period_readiness(period).previous_missing
        self.assertEqual(len(missing), 2)  # rank change, and the climbing flag
        self.assertIn("加压奋进、进位赶超", missing[1])
        refused = self.client.post(
            reverse("workflow:period_publish", args=["2024Q1"]), {"acknowledge": "on"}
        )
        self.assertEqual(refused.status_code, 200)
        self.assertIsNone(period_published_snapshot(period))
        note = "2024年起考核办法调整，首期不计进位。"
        done = self.client.post(
            reverse("workflow:period_publish", args=["2024Q1"]),
            {"acknowledge": "on", "previous_note": note},
        )
        self.assertEqual(done.status_code, 302)
        self.assertEqual(period_published_snapshot(period).previous_note, note)
        self.assertTrue(
            AuditEntry.objects.filter(period="2024Q1", action="snapshot.published", note=note)
        )
        self.login(self.viewer)
        self.assertContains(self.client.get(reverse("boards:league", args=["2024Q1"])), note)
        periods = {p["period"]: p for p in self.client.get("/api/periods").json()}
        self.assertEqual(
            (periods["2024Q1"]["previous"], periods["2024Q1"]["previous_note"]), (None, note)
        )


def _rows(period: Period) -> list[dict]:
    return period_published_snapshot(period).result_dict["results"]


def _flag_ids(row: dict) -> set[str]:
    return {f["id"] for f in row["flags_after"]}


class ProblemWordsTests(BaseTestCase):
    def test_the_new_problems_have_chinese_words_in_the_problem_catalogue(self) -> None:
        from leitai.engine.problems import Problem, Where
        from leitai.i18n import render, translator

        zh = translator("zh")
        for code, params in (
            ("period.previous_unpublished", {"period": "2023Q4"}),
            ("period.no_previous", {"items": ["名次升降", "红旗“加压奋进、进位赶超”"]}),
            ("figures.explanation_required", {"items": ["地区生产总值增速"]}),
        ):
            problem = Problem(code, Where(), params)
            english, chinese = render(problem, lambda t: t), render(problem, zh)
            self.assertNotEqual(english, chinese, code)
            self.assertRegex(chinese, "上一?期", code)
