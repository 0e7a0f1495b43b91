from __future__ import annotations

import io
import re

import openpyxl
from django.urls import reverse

from leitai.web.assessments.models import Snapshot
from leitai.web.assessments.services import period_compute, snapshot_publish
from leitai.web.tasks.models import Artifact, Job
from tests.web.base import BaseTestCase


class LeagueTableTests(BaseTestCase):
    def test_the_league_table_shows_ranks_flags_stars_and_grades_in_rank_order(self) -> None:
        page = self.client.get(reverse("boards:league", args=["2023Q1"])).content.decode()
        units = re.findall(r'data-unit="([a-z]+)"', page)
        self.assertEqual(units[:2], ["huangdao", "jiaozhou"])
        self.assertEqual(len(units), 10)
        self.assertIn("真抓实干、勇当排头", page)
        self.assertIn("★", page)
        self.assertIn("优秀", page)
        self.assertIn("change-up", page)

    def test_the_home_page_links_to_every_published_period(self) -> None:
        page = self.client.get(reverse("boards:home")).content.decode()
        for code in ("2022Q4", "2023Q1", "2023Q2", "2023Q3"):
            self.assertIn(reverse("boards:league", args=[code]), page)
        for draft in ("2023Q4", "2024Q1"):
            self.assertNotIn(reverse("boards:league", args=[draft]), page)

    def test_the_period_switcher_keeps_the_page_and_skips_drafts_for_visitors(self) -> None:
        page = self.client.get(reverse("boards:stars", args=["2023Q1"])).content.decode()
        self.assertIn(reverse("boards:stars", args=["2023Q3"]), page)
        self.assertNotIn("2024Q1", page)

    def test_the_office_sees_the_draft_with_a_warning(self) -> None:
        self.login(self.office)
        page = self.client.get(reverse("boards:league", args=["2024Q1"])).content.decode()
        self.assertIn("草稿结果，尚未发布", page)

    def test_a_revision_is_announced_on_the_board(self) -> None:
        snapshot_publish(snapshot=self.draft)
        snapshot_publish(snapshot=period_compute(period=self.draft_period), reason="数据更正")
        page = self.client.get(reverse("boards:league", args=["2024Q1"])).content.decode()
        self.assertIn("本期结果已修订（第2版）", page)
        self.assertIn("数据更正", page)


class StarsAndPostersTests(BaseTestCase):
    def test_the_star_matrix_has_a_column_per_board_at_every_level(self) -> None:
        page = self.client.get(reverse("boards:stars", args=["2023Q1"])).content.decode()
        self.assertIn("城中村改造", page)
        self.assertEqual(page.count('class="cell"'), 10 * (5 + 1))

    def test_the_posters_are_one_a3_landscape_page_each(self) -> None:
        response = self.client.get(reverse("boards:posters", args=["2023Q3"]))
        page = response.content.decode()
        self.assertEqual(page.count('<section class="poster"'), 1 + 4)
        # The print rules are in their own file, which every page includes (print.css).
        self.assertIn("leitai/css/print.css", page)
        css = self.client.get("/static/leitai/css/print.css")
        text = b"".join(css.streaming_content).decode() if css.streaming else css.content.decode()
        self.assertIn("size: A3 landscape", text)
        self.assertIn("print-color-adjust: exact", text)


class UnitAndIndicatorTests(BaseTestCase):
    def test_a_unit_page_explains_the_score_and_shows_its_history(self) -> None:
        page = self.client.get(reverse("boards:unit", args=["2023Q1", "shibei"])).content.decode()
        self.assertIn("与前一名差距", page)
        self.assertIn("崂山区", page)  # the unit above 市北区 in 2023Q1
        self.assertIn("优势指标", page)
        self.assertIn('id="history-data"', page)
        for code in ("2022年第四季度", "2023年第三季度"):
            self.assertIn(code, page)

    def test_a_reporter_reading_a_draft_sees_no_other_unit(self) -> None:
        self.login(self.reporter_shibei)
        page = self.client.get(reverse("boards:unit", args=["2024Q1", "shibei"])).content.decode()
        self.assertIn("仅显示本单位的结果", page)
        for other in ("黄岛区", "胶州市", "李沧区", "崂山区"):
            self.assertNotIn(other, page)

    def test_an_indicator_page_lists_every_unit_with_value_and_score(self) -> None:
        page = self.client.get(
            reverse("boards:indicator", args=["2023Q1", "gdp_growth"])
        ).content.decode()
        self.assertEqual(page.count('class="unit-name"'), 10)
        self.assertIn('id="indicator-data"', page)


class CompareAndExportTests(BaseTestCase):
    def test_the_comparison_names_who_climbed_and_who_fell(self) -> None:
        response = self.client.get(reverse("boards:compare", args=["2023Q1"]))
        climbed = {r["unit"] for r in response.context["climbed"]}
        self.assertEqual(climbed, {"jiaozhou", "jimo", "shibei", "licang", "laixi"})
        self.assertIn("shinan", {r["unit"] for r in response.context["fell"]})

    def test_two_arbitrary_periods_compare_in_time_order(self) -> None:
        response = self.client.get(reverse("boards:compare", args=["2022Q4"]) + "?with=2023Q3")
        self.assertEqual(response.context["earlier_label"], "2022年第四季度")
        self.assertEqual(response.context["later_label"], "2023年第三季度")

    def test_the_result_book_is_an_xlsx_rebuilt_from_the_stored_inputs(self) -> None:
        url = reverse("boards:book", args=["2023Q1"])
        # Not built yet: reading offers to build it and builds nothing.
        page = self.client.get(url)
        self.assertContains(page, "data-artifact-build")
        self.assertFalse(Artifact.objects.exists())
        response = self.client.post(url)
        self.assertRedirects(response, url + "?wait=1", fetch_redirect_response=False)
        self.assertContains(self.client.get(url + "?wait=1"), "data-artifact-ready")
        artifact = Artifact.objects.get()
        self.assertEqual(artifact.job.state, Job.State.DONE)
        self.client.post(url)  # built once: asking again builds nothing more
        self.assertEqual(Job.objects.count(), 1)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("leitai-2023Q1.xlsx", response["Content-Disposition"])
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        self.assertGreaterEqual(len(workbook.sheetnames), 1)

    def test_a_result_that_no_longer_reproduces_is_not_exported(self) -> None:
        Snapshot.objects.filter(pk=self.draft.pk).update(
            inputs=self.draft.inputs.replace("shinan,gdp_growth,", "shinan,gdp_growth,1", 1)
        )
        self.login(self.office)
        # Changed behind leitai's back: the seal fails first; a clear page, never a 500.
        response = self.client.get(reverse("boards:book", args=["2024Q1"]))
        self.assertEqual(response.status_code, 409)
        self.assertNotIn("spreadsheetml", response["Content-Type"])
