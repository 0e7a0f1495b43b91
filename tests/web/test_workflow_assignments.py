"""The office's page of who supplies each indicator (issue 11).

The demo's 2023Q4 (collecting) gives 市统计局 (submitted) retail_growth and
市住房城乡建设局 five city-renewal indicators; its scheme version also holds 2023Q3
(published) and 2024Q1 (a draft, collecting). Its figures were imported (nobody's).
"""

from __future__ import annotations

from django.urls import reverse

from leitai.web.assessments.models import DataValue, Period, Unit
from leitai.web.audit.models import AuditEntry
from leitai.web.errors import ServiceError
from leitai.web.workflow.models import Assignment, Department
from leitai.web.workflow.selectors import period_assignments, writable_keys
from leitai.web.workflow.services import assignment_set, unit_figures_save
from tests.web.base import BaseTestCase


class AssignmentTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.q4 = Period.objects.get(code="2023Q4")
        self.version = self.q4.scheme_version
        self.shibei = Unit.objects.get(code="shibei")
        self.tongji = Department.objects.get(code="tongji")
        self.zhujian = Department.objects.get(code="zhujian")
        self.url = reverse("workflow:assignments", args=["2023Q4"])

    def assign(self, key: str, department: str = "", url: str | None = None):  # type: ignore[no-untyped-def]
        return self.client.post(
            url or self.url, {"key": key, "department": department}, follow=True
        )

    def said(self, response) -> str:  # type: ignore[no-untyped-def]
        return " ".join(str(m) for m in response.context["messages"])


class PageTests(AssignmentTestCase):
    def test_the_page_lists_every_indicator_with_its_supplier_and_is_linked(self) -> None:
        self.client.force_login(self.office)
        board = self.client.get(reverse("workflow:period", args=["2023Q4"])).content.decode()
        self.assertIn(self.url, board)
        page = self.client.get(self.url)
        rows = {row.key: row for row in page.context["rows"]}
        self.assertEqual(rows["retail_growth"].department, self.tongji)
        self.assertEqual(rows["estates_started"].department, self.zhujian)
        self.assertEqual(rows["estates_started"].origin, "period")
        self.assertIsNone(rows["gdp_growth"].department)
        html = page.content.decode()
        self.assertIn('data-key="gdp_growth" data-supplier="units"', html)
        self.assertIn('data-key="retail_growth" data-supplier="tongji"', html)
        self.assertIn("各单位自行填报", html)
        version = reverse(
            "workflow:version_assignments", args=[self.version.scheme.code, self.version.number]
        )
        self.assertIn(version, html)
        page = self.client.get(
            reverse("workflow:scheme_version", args=[self.version.scheme.code, self.version.number])
        )
        self.assertIn(version, page.content.decode())
        self.assertEqual(self.client.get(version).status_code, 200)

    def test_only_the_office_sees_or_changes_it(self) -> None:
        version = reverse(
            "workflow:version_assignments", args=[self.version.scheme.code, self.version.number]
        )
        for user in (self.provider, self.reporter_shibei, self.viewer, self.outsider):
            self.login(user)
            for url in (self.url, version):
                self.assertEqual(self.client.get(url).status_code, 403, (user, url))
                answer = self.client.post(url, {"key": "gdp_growth", "department": "tongji"})
                self.assertEqual(answer.status_code, 403)
        self.login(None)
        self.assertEqual(self.client.get(self.url).status_code, 302)
        self.assertNotIn("gdp_growth", period_assignments(self.q4))
        self.client.force_login(self.office)
        self.assertEqual(
            self.client.get(reverse("workflow:assignments", args=["1999Q1"])).status_code, 404
        )


class AssignTests(AssignmentTestCase):
    def test_the_office_assigns_an_indicator_and_the_one_write_rule_follows(self) -> None:
        self.client.force_login(self.office)
        self.assertIn(
            "trade_growth",
            writable_keys(user=self.reporter_shibei, period=self.q4, unit=self.shibei),
        )
        answer = self.assign("trade_growth", "zhujian")
        self.assertIn("trade_growth 的提供方已改为：市住房城乡建设局。", self.said(answer))
        self.assertEqual(period_assignments(self.q4)["trade_growth"], self.zhujian)
        self.assertIn(
            "trade_growth", writable_keys(user=self.provider, period=self.q4, unit=self.shibei)
        )
        self.assertNotIn(
            "trade_growth",
            writable_keys(user=self.reporter_shibei, period=self.q4, unit=self.shibei),
        )
        entry = AuditEntry.objects.filter(action="assignment.changed").get()
        self.assertEqual((entry.actor, str(entry.period)), (self.office, "2023Q4"))
        self.assertEqual(entry.before, {"key": "trade_growth", "department": None})
        self.assertEqual(entry.after, {"key": "trade_growth", "department": "zhujian"})
        # And back to the units: the row goes, the reporters write it again.
        answer = self.assign("trade_growth", "")
        self.assertNotIn("trade_growth", period_assignments(self.q4))
        self.assertIn(
            "trade_growth",
            writable_keys(user=self.reporter_shibei, period=self.q4, unit=self.shibei),
        )
        self.assertEqual(AuditEntry.objects.filter(action="assignment.changed").count(), 2)
        # The same choice again changes nothing and logs nothing.
        answer = self.assign("trade_growth", "")
        self.assertEqual(AuditEntry.objects.filter(action="assignment.changed").count(), 2)

    def test_a_period_that_no_longer_collects_keeps_its_suppliers(self) -> None:
        self.client.force_login(self.office)
        answer = self.assign(
            "gdp_growth", "tongji", url=reverse("workflow:assignments", args=["2023Q3"])
        )
        self.assertIn("2023Q3 已不在填报阶段", self.said(answer))
        self.assertFalse(Assignment.objects.filter(key="gdp_growth").exists())
        self.assertNotIn('name="department"', answer.content.decode())  # no form offered

    def test_figures_a_unit_entered_never_pass_to_a_department(self) -> None:
        unit_figures_save(
            period=self.q4,
            unit=self.shibei,
            user=self.reporter_shibei,
            values={"signed_projects": ("5", None)},
        )
        self.client.force_login(self.office)
        answer = self.assign("signed_projects", "zhujian")
        said = self.said(answer)
        self.assertIn("市北区", said)
        self.assertIn("2023Q4", said)
        self.assertIn("signed_projects", said)
        self.assertNotIn("signed_projects", period_assignments(self.q4))
        # Figures the office (or an import) entered do not block.
        DataValue.objects.filter(period=self.q4, key="signed_projects", unit=self.shibei).update(
            updated_by=self.office
        )
        self.assign("signed_projects", "zhujian")
        self.assertEqual(period_assignments(self.q4)["signed_projects"], self.zhujian)

    def test_a_departments_figures_never_pass_to_the_units_or_another_department(self) -> None:
        from leitai.web.workflow.services import provider_figures_save

        provider_figures_save(
            period=self.q4,
            user=self.provider,
            values={("shibei", "estates_started"): ("9500", None)},
            explanations={},
        )
        self.client.force_login(self.office)
        for department in ("", "tongji"):
            said = self.said(self.assign("estates_started", department))
            self.assertIn("市北区", said)
            self.assertIn("请先清除这些数据", said)
        self.assertEqual(period_assignments(self.q4)["estates_started"], self.zhujian)

    def test_a_department_that_has_submitted_is_returned_before_it_gets_more(self) -> None:
        self.client.force_login(self.office)
        said = self.said(self.assign("gdp_growth", "tongji"))
        self.assertIn("市统计局已报送 2023Q4 的数据", said)
        self.assertNotIn("gdp_growth", period_assignments(self.q4))

    def test_a_scheme_versions_assignment_must_not_reach_a_closed_period(self) -> None:
        with self.assertRaises(ServiceError) as caught:
            assignment_set(
                key="gdp_growth",
                department=self.zhujian,
                user=self.office,
                scheme_version=self.version,
            )
        self.assertIn("2023Q3", caught.exception.errors[0])
        self.assertFalse(Assignment.objects.filter(key="gdp_growth").exists())

    def test_a_scheme_versions_assignment_reaches_its_collecting_periods(self) -> None:
        Period.objects.filter(code="2023Q3").update(state=Period.State.COLLECTING)
        self.client.force_login(self.office)
        url = reverse(
            "workflow:version_assignments", args=[self.version.scheme.code, self.version.number]
        )
        self.assign("gdp_growth", "zhujian", url=url)
        for code in ("2023Q3", "2023Q4", "2024Q1"):
            period = Period.objects.get(code=code)
            self.assertEqual(period_assignments(period)["gdp_growth"], self.zhujian, code)
        # A period cannot hand it back to the units on its own: that is the version's call.
        said = self.said(self.assign("gdp_growth", ""))
        self.assertIn("请在考核办法版本页面上改回由各单位填报", said)
        # But it may give it to another department for itself alone.
        self.assign("gdp_growth", "tongji", url=reverse("workflow:assignments", args=["2024Q1"]))
        self.assertEqual(
            period_assignments(Period.objects.get(code="2024Q1"))["gdp_growth"], self.tongji
        )
        page = self.client.get(reverse("workflow:assignments", args=["2024Q1"]))
        row = next(r for r in page.context["rows"] if r.key == "gdp_growth")
        self.assertEqual((row.origin, row.version_department), ("period", self.zhujian))

    def test_an_unknown_indicator_or_department_is_refused(self) -> None:
        self.client.force_login(self.office)
        said = self.said(self.assign("nothing", "tongji"))
        self.assertIn("“nothing”不是", said)
        said = self.said(self.assign("gdp_growth", "nobody"))
        self.assertIn("请选择指标及其提供方。", said)
        self.assertFalse(AuditEntry.objects.filter(action="assignment.changed").exists())
