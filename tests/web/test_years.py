"""The annual assessment (values from the published quarters) and the year pages."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import translation

from leitai.engine import DataError
from leitai.web.assessments.integrity import snapshot_problem, snapshot_reproduces
from leitai.web.assessments.models import Period, Snapshot
from leitai.web.assessments.selectors import period_published_snapshot
from leitai.web.assessments.services import (
    period_compute,
    period_current_inputs,
    snapshot_publish,
    snapshot_recompute,
)
from leitai.web.files import problem_texts
from tests.web.base import BaseTestCase

QUARTERS = ("2023Q1", "2023Q2", "2023Q3", "2023Q4")


class YearTestCase(BaseTestCase):
    def publish_q4(self) -> Snapshot:
        q4 = Period.objects.get(code="2023Q4")
        return snapshot_publish(snapshot=period_compute(period=q4, user=self.office))

    def quarter_row(self, code: str, unit: str) -> dict:
        snapshot = period_published_snapshot(Period.objects.get(code=code))
        assert snapshot is not None
        return next(r for r in snapshot.result_dict["results"] if r["unit"] == unit)


class AnnualPeriodTests(YearTestCase):
    def test_the_annual_period_refuses_to_compute_while_2023q4_is_unpublished(self) -> None:
        annual = Period.objects.get(code="2023")
        with self.assertRaises(DataError) as caught:
            period_compute(period=annual, user=self.office)
        problems = caught.exception.problems
        self.assertEqual([p.code for p in problems], ["period.source_unpublished"])
        self.assertEqual(problems[0].params["period"], "2023Q4")
        with translation.override("zh-hans"):
            text = problem_texts(caught.exception)[0]
        self.assertIn("2023Q4", text)
        self.assertIn("尚未发布", text)
        self.assertFalse(annual.snapshots.exists())

    def test_the_office_is_told_in_chinese_which_quarter_the_annual_period_waits_for(
        self,
    ) -> None:
        self.login(self.office)
        response = self.client.post(
            reverse("workflow:period_compute", args=["2023"]),
            follow=True,
            HTTP_ACCEPT_LANGUAGE="zh",
        )
        page = response.content.decode()
        self.assertIn("年度考核 2023 要用到 2023Q4 的成绩，但该成绩尚未发布", page)
        self.assertFalse(Period.objects.get(code="2023").snapshots.exists())

    def test_the_annual_period_computes_from_the_published_quarters(self) -> None:
        q4 = self.publish_q4()
        annual = Period.objects.get(code="2023")
        snapshot = period_compute(period=annual, user=self.office)
        published = {
            code: period_published_snapshot(Period.objects.get(code=code)) for code in QUARTERS
        }
        self.assertEqual(
            [(s["period"], s["snapshot"]) for s in snapshot.sources],
            [(code, published[code].pk) for code in QUARTERS],
        )
        self.assertEqual(snapshot.sources[3]["snapshot"], q4.pk)
        self.assertEqual(snapshot.sources[3]["result_sha256"], q4.result_sha256)
        # The unit's annual indicator values are its quarterly composites and stars.
        explained = {
            i["indicator"]: i["value"] for i in snapshot.explanation_dict["shibei"]["indicators"]
        }
        for number, code in enumerate(QUARTERS, start=1):
            row = self.quarter_row(code, "shibei")
            self.assertAlmostEqual(explained[f"q{number}_score"], row["score"], places=9)
            stars = sum(b["stars"] for b in row["boards"].values() if b.get("stars") is not None)
            top = self._top_stars(code, "shibei")
            self.assertEqual(explained[f"q{number}_stars"], top)
            self.assertLessEqual(top, stars)
        self.assertEqual(len(snapshot.result_dict["results"]), 10)

    def _top_stars(self, code: str, unit: str) -> int:
        snapshot = period_published_snapshot(Period.objects.get(code=code))
        assert snapshot is not None
        from leitai.web.assessments.selectors import result_view

        return result_view(snapshot).by_unit[unit]["stars_total"]

    def test_the_annual_league_table_names_the_results_it_was_computed_from(self) -> None:
        self.publish_q4()
        snapshot_publish(
            snapshot=period_compute(period=Period.objects.get(code="2023"), user=self.office)
        )
        page = self.client.get(
            reverse("boards:league", args=["2023"]), HTTP_ACCEPT_LANGUAGE="zh"
        ).content.decode()
        note = page.split('data-note="sources"')[1].split("</p>")[0]
        self.assertIn("本期成绩取自以下已发布的成绩", note)
        for code in QUARTERS:
            self.assertIn(reverse("boards:league", args=[code]), note)
        self.assertIn("2023年第四季度</a>（第1版）", note)
        # The annual scheme awards no flag: the page does not end on an empty "红旗：".
        self.assertNotIn("红旗：", page)
        quarter = self.client.get(
            reverse("boards:league", args=["2023Q1"]), HTTP_ACCEPT_LANGUAGE="zh"
        ).content.decode()
        self.assertIn("红旗：", quarter)

    def test_the_annual_snapshot_seals_the_results_it_drew_from(self) -> None:
        self.publish_q4()
        snapshot = period_compute(period=Period.objects.get(code="2023"), user=self.office)
        self.assertIsNone(snapshot_problem(snapshot))
        snapshot_reproduces(snapshot, snapshot_recompute(snapshot=snapshot))
        altered = list(snapshot.sources)
        altered[0] = dict(altered[0], revision=99)
        Snapshot.objects.filter(pk=snapshot.pk).update(sources=altered)
        self.assertEqual(snapshot_problem(Snapshot.objects.get(pk=snapshot.pk)), "seal")

    def test_a_revised_quarter_puts_the_annual_draft_out_of_date(self) -> None:
        self.publish_q4()
        annual = Period.objects.get(code="2023")
        draft = period_compute(period=annual, user=self.office)
        self.assertEqual(draft.inputs_sha256, period_current_inputs(period=annual)[2])
        q1 = Period.objects.get(code="2023Q1")
        snapshot_publish(snapshot=period_compute(period=q1), reason="数据更正")
        self.assertNotEqual(draft.inputs_sha256, period_current_inputs(period=annual)[2])

    def test_an_ordinary_period_draws_from_nothing(self) -> None:
        self.assertIsNone(self.draft.sources)
        self.assertNotIn("sources", self.draft.result)


class YearPageTests(YearTestCase):
    def test_the_city_year_page_shows_the_four_quarters_and_the_waiting_annual(self) -> None:
        page = self.client.get(reverse("boards:year", args=[2023])).content.decode()
        for code in QUARTERS:
            self.assertIn(f'data-quarter="{code}"', page)
        for code in QUARTERS[:3]:
            self.assertIn(reverse("boards:league", args=[code]), page)
        self.assertNotIn(reverse("boards:league", args=["2023Q4"]), page)
        self.assertIn('data-annual="waiting"', page)
        self.assertIn("2023年第四季度", page)
        # One rank path per unit, straight lines only.
        self.assertEqual(page.count('class="unit-line"'), 10)
        self.assertIn("<polyline", page)
        self.assertNotIn("<path", page)
        self.assertEqual(len(re.findall(r'<tr data-unit="', page)), 10)

    def test_most_improved_is_the_unit_that_climbed_most_over_the_published_quarters(
        self,
    ) -> None:
        climbs = {}
        q1 = period_published_snapshot(Period.objects.get(code="2023Q1"))
        assert q1 is not None
        for unit in (r["unit"] for r in q1.result_dict["results"]):
            first = self.quarter_row("2023Q1", unit)["rank"]
            last = self.quarter_row("2023Q3", unit)["rank"]
            climbs[unit] = first - last
        page = self.client.get(reverse("boards:year", args=[2023])).content.decode()
        section = page.split('data-section="most-improved"')[1].split("</section>")[0]
        best = max(climbs.values())
        self.assertGreater(best, 0)  # the demo has climbers over 2023Q1-2023Q3
        for unit, climb in climbs.items():
            link = reverse("boards:unit_year", args=[2023, unit])
            self.assertEqual(link in section, climb == best, unit)

    def test_the_unit_year_page_shows_its_quarters_and_the_stars_collected(self) -> None:
        page = self.client.get(reverse("boards:unit_year", args=[2023, "shibei"])).content.decode()
        expected = sum(self._stars("shibei", code) for code in QUARTERS[:3])
        self.assertRegex(page, rf'data-fact="stars-total">.*?★{expected}<')
        for code in QUARTERS[:3]:
            row = self.quarter_row(code, "shibei")
            self.assertIn(f'<tr data-quarter="{code}">', page)
            self.assertIn(f"{row['rank']} / 10", page)
        q4 = page.split('<tr data-quarter="2023Q4">')[1].split("</tr>")[0]
        self.assertNotIn("★", q4)
        self.assertIn("polyline", page)

    def _stars(self, unit: str, code: str) -> int:
        from leitai.web.assessments.selectors import result_view

        snapshot = period_published_snapshot(Period.objects.get(code=code))
        assert snapshot is not None
        return result_view(snapshot).by_unit[unit]["stars_total"]

    def test_the_unit_year_page_shows_the_annual_result_once_published(self) -> None:
        self.publish_q4()
        annual = snapshot_publish(
            snapshot=period_compute(period=Period.objects.get(code="2023"), user=self.office)
        )
        row = next(r for r in annual.result_dict["results"] if r["unit"] == "jiaozhou")
        page = self.client.get(
            reverse("boards:unit_year", args=[2023, "jiaozhou"]), HTTP_ACCEPT_LANGUAGE="zh"
        ).content.decode()
        annual_box = page.split('data-fact="annual"')[1].split("</dl>")[0]
        self.assertIn(f"{row['rank']}<small", annual_box)
        self.assertIn(row["grade"], annual_box)
        self.assertIn(reverse("boards:unit", args=["2023", "jiaozhou"]), page)
        self.assertIn('<tr data-quarter="2023Q4">', page)
        self.assertIn(reverse("boards:unit", args=["2023Q4", "jiaozhou"]), page)

    def test_a_year_without_a_published_quarter_is_not_found(self) -> None:
        self.assertEqual(self.client.get(reverse("boards:year", args=[2024])).status_code, 404)
        response = self.client.get(reverse("boards:unit_year", args=[2099, "shibei"]))
        self.assertEqual(response.status_code, 404)


class YearAccessTests(YearTestCase):
    def test_visitors_log_in_when_the_public_boards_are_off(self) -> None:
        self.public_boards(False)
        response = self.client.get(reverse("boards:year", args=[2023]))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])
        self.login(self.outsider)
        response = self.client.get(reverse("boards:unit_year", args=[2023, "shibei"]))
        self.assertEqual(response.status_code, 403)

    def test_no_reader_sees_a_draft_quarter_on_the_year_pages(self) -> None:
        # 2023Q4 has a draft: the office, shibei's reporter and licang's see none of it.
        draft = Period.objects.get(code="2023Q4").snapshots.get(state=Snapshot.State.DRAFT)
        shibei = next(r for r in draft.result_dict["results"] if r["unit"] == "shibei")
        for user in (self.reporter_shibei, self.reporter_licang, self.office, None):
            self.login(user)
            for url in (
                reverse("boards:year", args=[2023]),
                reverse("boards:unit_year", args=[2023, "shibei"]),
            ):
                page = self.client.get(url).content.decode()
                self.assertNotIn(f"{shibei['score']:.2f}", page)
                self.assertNotIn(reverse("boards:unit", args=["2023Q4", "shibei"]), page)
                self.assertNotIn(reverse("boards:league", args=["2023Q4"]), page)


class AnnualAnalysisTests(YearTestCase):
    def test_the_what_if_of_a_published_annual_period_uses_its_sources(self) -> None:
        self.publish_q4()
        annual = snapshot_publish(
            snapshot=period_compute(period=Period.objects.get(code="2023"), user=self.office)
        )
        self.login(self.office)
        response = self.client.get(reverse("analysis:whatif", args=["2023", "shibei"]))
        self.assertEqual(response.status_code, 200)
        rank = next(r for r in annual.result_dict["results"] if r["unit"] == "shibei")["rank"]
        self.assertContains(response, f'data-out="rank">{rank}<')
        self.assertContains(response, "全年累计摘星")
        snapshot_reproduces(annual, snapshot_recompute(snapshot=annual))

    def test_the_diagnostics_of_a_published_annual_period_use_its_sources(self) -> None:
        self.publish_q4()
        snapshot_publish(
            snapshot=period_compute(period=Period.objects.get(code="2023"), user=self.office)
        )
        self.login(self.office)
        response = self.client.get(reverse("analysis:diagnostics", args=["2023"]))
        self.assertEqual(response.status_code, 200)


class DemoYearTests(YearTestCase):
    def test_the_demo_opens_the_annual_period_and_publishes_the_grouped_variant_once(
        self,
    ) -> None:
        from leitai.web.demo import demo_install

        annual = Period.objects.get(code="2023")
        self.assertEqual(annual.state, Period.State.COLLECTING)
        self.assertFalse(annual.snapshots.exists())
        grouped = Period.objects.get(code="2023-Q3-grouped")
        self.assertTrue(grouped.is_published)
        self.assertTrue(grouped.city_table)
        counts = (Period.objects.count(), Snapshot.objects.count())
        demo_install(accounts=False)  # run on every start: changes nothing the second time
        self.assertEqual((Period.objects.count(), Snapshot.objects.count()), counts)


class NothingToReportTests(YearTestCase):
    """The annual period draws every value from the quarters: no unit owes a figure."""

    def test_every_unit_has_nothing_to_report_and_the_period_owes_nothing(self) -> None:
        from leitai.web.reminders.selectors import period_owed
        from leitai.web.workflow.models import PeriodStatus, UnitStatus
        from leitai.web.workflow.selectors import period_readiness, period_status_for

        annual = Period.objects.get(code="2023")
        readiness = period_readiness(annual)
        self.assertEqual({row.status for row in readiness.rows}, {UnitStatus.NOTHING})
        self.assertEqual(len(readiness.rows), 10)
        self.assertFalse(readiness.units_report)
        self.assertEqual(readiness.outstanding, [])
        self.assertEqual(period_status_for(annual, user=self.office), PeriodStatus.NOTHING)
        self.assertEqual([o for o in period_owed(annual) if o.unit is not None], [])
        # An ordinary quarter still collects.
        self.assertTrue(period_readiness(Period.objects.get(code="2023Q4")).units_report)

    def test_the_status_board_names_the_quarters_it_waits_for_instead_of_a_collection(
        self,
    ) -> None:
        self.login(self.office)
        page = self.client.get(
            reverse("workflow:period", args=["2023"]), HTTP_ACCEPT_LANGUAGE="zh"
        ).content.decode()
        self.assertIn('id="nothing-to-report"', page)
        self.assertIn("本期各单位无需填报", page)
        self.assertIn("尚未发布：2023Q4", page)
        self.assertEqual(re.findall(r'data-source="([^"]+)"', page), list(QUARTERS))
        for absent in ("workflow:template", "workflow:upload"):
            self.assertNotIn(reverse(absent, args=["2023"]), page)
        self.assertNotIn('id="approval"', page)
        self.assertNotIn("未填报", page)
        # A quarter's status board is unchanged.
        quarter = self.client.get(reverse("workflow:period", args=["2023Q4"])).content.decode()
        self.assertNotIn('id="nothing-to-report"', quarter)
        self.assertIn(reverse("workflow:template", args=["2023Q4"]), quarter)

    def test_a_reporter_is_told_there_is_nothing_to_report_and_cannot_submit(self) -> None:
        self.login(self.reporter_shibei)
        url = reverse("workflow:unit", args=["2023", "shibei"])
        page = self.client.get(url, HTTP_ACCEPT_LANGUAGE="zh").content.decode()
        self.assertIn('id="nothing-to-report"', page)
        self.assertIn("本单位本期无需填报", page)
        self.assertNotIn('class="figures-form"', page)
        self.assertNotIn(reverse("workflow:unit_submit", args=["2023", "shibei"]), page)
        response = self.client.post(
            reverse("workflow:unit_submit", args=["2023", "shibei"]), follow=True
        )
        self.assertFalse(
            Period.objects.get(code="2023").submissions.filter(unit__code="shibei").exists()
        )
        self.assertEqual(response.status_code, 200)
