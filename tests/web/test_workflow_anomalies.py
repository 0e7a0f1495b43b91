"""A value that jumps against the unit's previous published value needs an explanation.

The demo scheme (version 2) asks for one where 地区生产总值增速 (gdp_growth) changes by
more than 50% and 城市更新建设完成投资 (renewal_investment) by more than 60%. 市北区's
2023Q3 (published) growth was 4.5; it has not submitted 2023Q4 yet.
"""

from __future__ import annotations

from django.urls import reverse

from leitai.web.assessments.models import DataValue, Period, Unit
from leitai.web.audit.models import AuditEntry
from leitai.web.workflow.anomalies import period_alert_rows, unit_unexplained
from leitai.web.workflow.models import Explanation, Submission, Upload
from tests.web.base import BaseTestCase
from tests.web.workflow_helpers import edited, template, xlsx

WHY = "一季度新投产项目集中释放产能，统计局已核实。"


class AnomalyTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.q4 = Period.objects.get(code="2023Q4")
        self.shibei = Unit.objects.get(code="shibei")

    def save_form(self, **fields: str):  # type: ignore[no-untyped-def]
        return self.client.post(
            reverse("workflow:unit", args=["2023Q4", "shibei"]), fields, follow=True
        )

    def submit(self):  # type: ignore[no-untyped-def]
        return self.client.post(
            reverse("workflow:unit_submit", args=["2023Q4", "shibei"]), follow=True
        )

    def submitted(self) -> bool:
        return Submission.objects.filter(
            period=self.q4, unit=self.shibei, state=Submission.State.SUBMITTED
        ).exists()


class OnlineFormTests(AnomalyTestCase):
    def test_the_demo_period_has_no_alert_as_it_stands(self) -> None:
        self.assertEqual(period_alert_rows(self.q4), [])

    def test_a_jump_beyond_the_threshold_is_saved_but_cannot_be_submitted_unexplained(
        self,
    ) -> None:
        self.login(self.reporter_shibei)
        page = self.save_form(**{"v-gdp_growth": "9.8"})  # 4.5 -> 9.8: +117.8%
        self.assertEqual(
            DataValue.objects.get(period=self.q4, unit=self.shibei, key="gdp_growth").value, "9.8"
        )
        self.assertContains(page, 'data-alert="gdp_growth"')
        self.assertContains(page, 'name="x-gdp_growth"')
        self.assertContains(page, "117.8%")
        refused = self.submit()
        self.assertFalse(self.submitted())
        self.assertContains(refused, "地区生产总值增速")
        # Said once, in words: no rule's code among the messages.
        said = [str(m) for m in refused.context["messages"]]
        self.assertEqual(len(said), 1, said)
        self.assertNotIn("explanation", said[0])
        [row] = unit_unexplained(self.q4, self.shibei)
        self.assertEqual((row.key, row.value, row.previous), ("gdp_growth", "9.8", 4.5))

        self.save_form(**{"v-gdp_growth": "9.8", "x-gdp_growth": WHY})
        explanation = Explanation.objects.get(period=self.q4, unit=self.shibei)
        self.assertEqual((explanation.value, explanation.text), ("9.8", WHY))
        self.assertEqual(explanation.written_by, self.reporter_shibei)
        entry = AuditEntry.objects.filter(unit="shibei", note="explanation").latest("pk")
        self.assertEqual(entry.after["gdp_growth.explanation"], WHY)
        self.assertEqual(entry.actor, self.reporter_shibei)
        self.submit()
        self.assertTrue(self.submitted())

    def test_an_explanation_covers_only_the_value_it_explained(self) -> None:
        self.login(self.reporter_shibei)
        self.save_form(**{"v-gdp_growth": "9.8", "x-gdp_growth": WHY})
        self.save_form(**{"v-gdp_growth": "10.4"})
        self.assertEqual([r.key for r in unit_unexplained(self.q4, self.shibei)], ["gdp_growth"])
        self.submit()
        self.assertFalse(self.submitted())

    def test_a_change_within_the_threshold_needs_nothing(self) -> None:
        self.login(self.reporter_shibei)
        page = self.save_form(**{"v-gdp_growth": "6.7", "x-gdp_growth": "不需要"})
        self.assertNotContains(page, 'data-alert="gdp_growth"')
        self.assertFalse(Explanation.objects.exists())  # nothing to explain, nothing kept
        self.submit()
        self.assertTrue(self.submitted())

    def test_the_office_review_shows_value_previous_change_and_explanation_side_by_side(
        self,
    ) -> None:
        self.login(self.reporter_shibei)
        self.save_form(**{"v-gdp_growth": "9.8", "x-gdp_growth": WHY})
        self.login(self.office)
        page = self.client.get(reverse("workflow:period", args=["2023Q4"]))
        html = page.content.decode()
        row = html[html.index('data-alert="shibei.gdp_growth"') :]
        row = row[: row.index("</tr>")]
        for shown in ("9.8", "4.5", "117.8%", WHY, self.reporter_shibei.username):
            self.assertIn(shown, row)
        self.assertContains(
            self.client.get(reverse("workflow:unit", args=["2023Q4", "shibei"])), WHY
        )


class UploadTests(AnomalyTestCase):
    def upload(self, edits, **data):  # type: ignore[no-untyped-def]
        book = edited(template(self.q4, ["shibei"]), edits)
        return self.client.post(
            reverse("workflow:upload", args=["2023Q4"]), {"file": xlsx(book), **data}, follow=True
        )

    def test_the_preview_shows_the_alert_and_asks_for_the_explanation(self) -> None:
        self.login(self.reporter_shibei)
        preview = self.upload({("shibei", "gdp_growth"): 1.2})  # 4.5 -> 1.2: -73.3%
        self.assertContains(preview, 'data-alert="shibei.gdp_growth"')
        self.assertContains(preview, 'name="x-shibei.gdp_growth"')
        self.assertContains(preview, "73.3%")
        upload = Upload.objects.get()
        self.client.post(
            reverse("workflow:upload_confirm", args=[upload.pk]),
            {"x-shibei.gdp_growth": WHY, "x-licang.gdp_growth": "not theirs"},
        )
        upload.refresh_from_db()
        self.assertEqual(upload.state, Upload.State.APPLIED)
        self.assertEqual(
            list(Explanation.objects.values_list("unit__code", "key", "value", "text")),
            [("shibei", "gdp_growth", "1.2", WHY)],
        )
        self.submit()
        self.assertTrue(self.submitted())

    def test_an_upload_confirmed_without_explanation_is_saved_but_blocks_submission(self) -> None:
        self.login(self.reporter_shibei)
        self.upload({("shibei", "renewal_investment"): 160})  # 65.1 -> 160
        self.client.post(reverse("workflow:upload_confirm", args=[Upload.objects.get().pk]))
        self.assertEqual(
            DataValue.objects.get(period=self.q4, unit=self.shibei, key="renewal_investment").value,
            "160",
        )
        self.submit()
        self.assertFalse(self.submitted())

    def test_the_office_uploading_for_a_unit_explains_in_its_own_name(self) -> None:
        self.login(self.office)
        self.upload({("shibei", "gdp_growth"): 1.2}, unit="shibei")
        upload = Upload.objects.get()
        self.client.post(
            reverse("workflow:upload_confirm", args=[upload.pk]), {"x-shibei.gdp_growth": WHY}
        )
        explanation = Explanation.objects.get()
        self.assertEqual(explanation.written_by, self.office)
        self.assertEqual(unit_unexplained(self.q4, self.shibei), [])


class OutlierTests(AnomalyTestCase):
    def test_the_office_review_lists_outliers_where_the_scheme_asks(self) -> None:
        from leitai.demo import demo_dir, demo_periods
        from leitai.web.assessments.services import (
            data_values_import,
            data_values_update,
            period_create,
            scheme_version_create,
        )

        text = (demo_dir() / "scheme-2023-v2.yaml").read_text(encoding="utf-8")
        text = text.replace("version: 2", "version: 3", 1).replace(
            "change_alert: 50", "change_alert: 50\n    outlier_alert: 3.5", 1
        )
        version = scheme_version_create(content=text, comment="outliers")
        period = period_create(
            code="2024Q2", scheme_version=version, previous=Period.objects.get(code="2023Q3")
        )
        data_values_import(period=period, source=demo_periods()[-1].data_path)
        self.login(self.office)
        page = self.client.get(reverse("workflow:period", args=["2024Q2"]))
        self.assertNotContains(page, "data-outlier=")
        data_values_update(period=period, cells={("shibei", "gdp_growth"): ("60", None)})
        page = self.client.get(reverse("workflow:period", args=["2024Q2"]))
        self.assertContains(page, 'data-outlier="shibei.gdp_growth"')
        self.assertEqual(page.content.decode().count("data-outlier="), 1)
