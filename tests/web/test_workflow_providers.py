"""Data providers (issue 11): a department supplies some indicators of every unit.

In the demo's 2023Q4, 市住房城乡建设局 supplies five city-renewal indicators and has not
submitted them; 市统计局 supplies the retail sales growth and has. ``self.provider`` is
市住房城乡建设局's data provider.
"""

from __future__ import annotations

import io

import openpyxl
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from leitai.web.assessments.models import DataValue, Period, Unit
from leitai.web.assessments.selectors import scheme_version_parsed
from leitai.web.audit.models import Action, AuditEntry
from leitai.web.errors import ServiceError
from leitai.web.workflow.models import Assignment, Department, Evidence, Submission, Upload
from leitai.web.workflow.selectors import (
    period_units,
    provider_board,
    scheme_keys,
    status_board,
    writable_keys,
)
from leitai.web.workflow.services import submission_submit, unit_figures_save
from tests.web.base import BaseTestCase
from tests.web.workflow_helpers import figures, xlsx

KEYS = [
    "renewal_start_rate",
    "village_households",
    "village_progress",
    "estates_started",
    "estates_progress",
]


class ProviderTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.q4 = Period.objects.get(code="2023Q4")
        self.shibei = Unit.objects.get(code="shibei")
        self.zhujian = Department.objects.get(code="zhujian")

    def provider_template(self) -> openpyxl.Workbook:
        self.login(self.provider)
        response = self.client.get(reverse("workflow:template", args=["2023Q4"]))
        self.assertEqual(response.status_code, 200)
        return openpyxl.load_workbook(io.BytesIO(response.content))

    def upload(self, file):  # type: ignore[no-untyped-def]
        return self.client.post(
            reverse("workflow:upload", args=["2023Q4"]), {"file": file}, follow=True
        )


class WhoWritesWhatTests(ProviderTestCase):
    def test_the_one_rule_gives_each_supplier_its_own_keys(self) -> None:
        provider = writable_keys(user=self.provider, period=self.q4, unit=self.shibei)
        self.assertEqual(sorted(provider), sorted(KEYS))
        # Every unit alike, 李沧区 (submitted) included.
        licang = Unit.objects.get(code="licang")
        self.assertEqual(writable_keys(user=self.provider, period=self.q4, unit=licang), provider)
        reporter = writable_keys(user=self.reporter_shibei, period=self.q4, unit=self.shibei)
        self.assertTrue(reporter)
        self.assertFalse(reporter & provider)
        self.assertNotIn("retail_growth", reporter)  # 市统计局's
        office = writable_keys(user=self.office, period=self.q4, unit=self.shibei)
        self.assertTrue(provider | reporter | {"retail_growth"} <= office)
        # Another unit's reporter, a published period, a period without assignments: none.
        self.assertEqual(
            writable_keys(user=self.reporter_licang, period=self.q4, unit=self.shibei), frozenset()
        )
        for code in ("2023Q3", "2024Q1"):
            other = Period.objects.get(code=code)
            self.assertEqual(
                writable_keys(user=self.provider, period=other, unit=self.shibei), frozenset()
            )

    def test_a_provider_writes_only_while_the_period_collects(self) -> None:
        Period.objects.filter(pk=self.q4.pk).update(state=Period.State.REVIEW)
        self.q4.refresh_from_db()
        self.assertEqual(
            writable_keys(user=self.provider, period=self.q4, unit=self.shibei), frozenset()
        )
        self.login(self.provider)
        response = self.client.post(
            reverse("workflow:provider", args=["2023Q4"]), {"v:shibei:estates_started": "1"}
        )
        self.assertEqual(response.status_code, 403)

    def test_an_indicator_is_supplied_by_one_department_or_by_the_units(self) -> None:
        tongji = Department.objects.get(code="tongji")
        twice = Assignment(department=tongji, key="estates_started", period=self.q4)
        with self.assertRaises(ValidationError) as caught:
            twice.full_clean()
        self.assertIn("市住房城乡建设局", str(caught.exception))
        self.assertIn("estates_started", str(caught.exception))
        # A figure the units have started to report stays theirs.
        unit_figures_save(
            period=self.q4,
            unit=self.shibei,
            user=self.reporter_shibei,
            values={"signed_projects": ("5", None)},
        )
        taken = Assignment(department=tongji, key="signed_projects", period=self.q4)
        with self.assertRaises(ValidationError) as caught:
            taken.full_clean()
        self.assertIn("市北区", str(caught.exception))
        self.assertIn("2023Q4", str(caught.exception))
        unknown = Assignment(department=tongji, key="nothing", period=self.q4)
        with self.assertRaises(ValidationError):
            unknown.full_clean()
        # Per scheme version: every period of the version that has no assignment of its own.
        Assignment.objects.create(
            department=tongji, key="trade_growth", scheme_version=self.q4.scheme_version
        )
        draft = Period.objects.get(code="2024Q1")  # the same scheme version
        tongji_user = self.provider
        tongji_user.department = tongji
        self.assertIn(
            "trade_growth", writable_keys(user=tongji_user, period=draft, unit=self.shibei)
        )


class ProviderUploadTests(ProviderTestCase):
    def test_the_template_has_every_unit_down_and_the_departments_indicators_across(self):
        sheet = self.provider_template()["数据填报"]
        self.assertEqual([c.value for c in sheet[1]], ["unit", "name", *KEYS])
        self.assertEqual(
            [sheet.cell(row=r, column=1).value for r in range(5, sheet.max_row + 1)],
            [u.code for u in period_units(self.q4)],
        )
        book = self.provider_template()
        self.assertIn("指标说明", book.sheetnames)
        self.assertIsNotNone(sheet["C2"].comment)  # the definition on the name cell
        self.assertIsInstance(sheet["D5"].value, int | float)  # a number, not text

    def test_one_bad_cell_refuses_the_whole_upload_with_the_cell_named(self) -> None:
        before, entries = figures(self.q4), AuditEntry.objects.count()
        book = self.provider_template()
        sheet = book["数据填报"]
        for row in range(5, sheet.max_row + 1):
            sheet[f"F{row}"] = 1000 + row  # estates_started, every unit
        sheet["F9"] = "一千"
        response = self.upload(xlsx(book))
        upload = response.context["upload"]
        self.assertEqual(upload.state, Upload.State.REFUSED)
        self.assertEqual([p["cell"] for p in upload.problems], ["F9"])
        self.assertContains(response, 'data-cell="F9"')
        self.assertContains(response, "老旧小区改造开工户数")
        self.assertEqual(figures(self.q4), before)
        self.assertEqual(AuditEntry.objects.count(), entries)
        self.assertFalse(Upload.objects.exists())

    def test_another_indicator_filled_in_refuses_the_whole_upload(self) -> None:
        before = figures(self.q4)
        self.login(self.provider)
        data = "unit,indicator,value\nshibei,estates_started,100\nshibei,gdp_growth,9.9\n"
        response = self.upload(SimpleUploadedFile("x.csv", data.encode("utf-8")))
        upload = response.context["upload"]
        self.assertEqual(upload.state, Upload.State.REFUSED)
        self.assertEqual(len(upload.problems), 1)
        self.assertContains(response, "地区生产总值增速（gdp_growth） 不归您填报")
        self.assertEqual(figures(self.q4), before)

    def test_a_good_upload_fills_all_ten_units_after_the_preview(self) -> None:
        book = self.provider_template()
        sheet = book["数据填报"]
        for row in range(5, sheet.max_row + 1):
            sheet[f"F{row}"] = 5000 + row
        response = self.upload(xlsx(book))
        upload = response.context["upload"]
        self.assertEqual(upload.state, Upload.State.CHECKED, upload.problems)
        self.assertEqual(upload.department, self.zhujian)
        self.assertEqual(len(upload.changes), 10)
        response = self.client.post(reverse("workflow:upload_confirm", args=[upload.pk]))
        self.assertRedirects(response, reverse("workflow:provider", args=["2023Q4"]))
        stored = DataValue.objects.filter(period=self.q4, key="estates_started")
        self.assertEqual(stored.count(), 10)
        for value in stored.select_related("unit"):
            self.assertEqual(value.updated_by, self.provider)
        self.assertEqual(
            sorted(int(v.value) for v in stored), sorted(5000 + r for r in range(5, 15))
        )
        changed = AuditEntry.objects.filter(action=Action.DATA_CHANGED, actor=self.provider)
        self.assertEqual(changed.values("unit").distinct().count(), 10)

    def test_a_reporter_cannot_write_a_departments_indicator(self) -> None:
        before = figures(self.q4)
        self.login(self.reporter_shibei)
        data = "unit,indicator,value\nshibei,estates_started,100\n"
        response = self.upload(SimpleUploadedFile("x.csv", data.encode("utf-8")))
        self.assertEqual(response.context["upload"].state, Upload.State.REFUSED)
        response = self.client.post(
            reverse("workflow:unit", args=["2023Q4", "shibei"]), {"v-estates_started": "100"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(figures(self.q4), before)
        # The unit's own template leaves the department's columns out.
        template = self.client.get(reverse("workflow:template", args=["2023Q4"]))
        header = [
            c.value for c in openpyxl.load_workbook(io.BytesIO(template.content))["数据填报"][1]
        ]
        self.assertNotIn("estates_started", header)
        self.assertIn("signed_projects", header)


class ProviderFormTests(ProviderTestCase):
    def test_the_form_saves_every_unit_or_nothing(self) -> None:
        self.login(self.provider)
        url = reverse("workflow:provider", args=["2023Q4"])
        page = self.client.get(url)
        self.assertContains(page, 'data-definition="estates_started"')
        self.assertContains(page, 'name="v:laixi:estates_progress"')
        self.assertNotContains(page, 'name="v:shibei:gdp_growth"')
        before = figures(self.q4)
        bad = {"v:shibei:estates_started": "9000", "v:licang:estates_started": "很多"}
        response = self.client.post(url, bad)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "李沧区")
        self.assertEqual(figures(self.q4), before)
        good = {
            f"v:{u.code}:estates_started": str(7000 + i)
            for i, u in enumerate(period_units(self.q4))
        }
        response = self.client.post(url, good)
        self.assertRedirects(response, url)
        self.assertEqual(
            DataValue.objects.get(period=self.q4, unit=self.shibei, key="estates_started").value,
            "7001",
        )

    def test_crafted_fields_for_other_indicators_units_and_periods_are_refused(self) -> None:
        self.login(self.provider)
        url = reverse("workflow:provider", args=["2023Q4"])
        before = figures(self.q4)
        for data in (
            {"v:shibei:estates_started": "1", "v:shibei:gdp_growth": "9.9"},
            {"v:shibei:estates_started": "1", "v:shibei:retail_growth": "9.9"},
            {"v:nowhere:estates_started": "1"},
        ):
            self.assertEqual(self.client.post(url, data).status_code, 403, data)
        self.assertEqual(figures(self.q4), before)
        for code in ("2023Q3", "2024Q1"):
            response = self.client.post(
                reverse("workflow:provider", args=[code]), {"v:shibei:estates_started": "1"}
            )
            self.assertEqual(response.status_code, 404)
        # Another department's submission, a unit's submission: not the provider's.
        self.assertEqual(
            self.client.post(
                reverse("workflow:unit_submit", args=["2023Q4", "shibei"])
            ).status_code,
            403,
        )

    def test_evidence_is_attached_to_a_units_figure_of_the_department(self) -> None:
        self.login(self.provider)
        url = reverse("workflow:provider_evidence_add", args=["2023Q4"])
        file = SimpleUploadedFile("台账.pdf", b"%PDF-1.4 ledger")
        response = self.client.post(url, {"unit": "shibei", "key": "estates_started", "file": file})
        self.assertEqual(response.status_code, 302)
        evidence = Evidence.objects.get(name="台账.pdf")
        self.assertEqual((evidence.unit, evidence.added_by), (self.shibei, self.provider))
        other = SimpleUploadedFile("x.pdf", b"%PDF-1.4 x")
        response = self.client.post(url, {"unit": "shibei", "key": "gdp_growth", "file": other})
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Evidence.objects.filter(name="x.pdf").exists())

    def test_submission_locks_the_figures_and_the_office_may_return_it(self) -> None:
        submission = submission_submit(
            period=self.q4, user=self.provider, department=self.provider.department
        )
        self.assertEqual(submission.state, Submission.State.SUBMITTED)
        entry = AuditEntry.objects.filter(action=Action.SUBMISSION_SUBMITTED).latest("pk")
        self.assertEqual(entry.actor, self.provider)
        self.assertEqual(
            writable_keys(user=self.provider, period=self.q4, unit=self.shibei), frozenset()
        )
        with self.assertRaises(ServiceError):
            submission_submit(
                period=self.q4, user=self.provider, department=self.provider.department
            )
        self.login(self.office)
        response = self.client.post(
            reverse("workflow:provider_return", args=["2023Q4", "zhujian"]),
            {"reason": "村改户数与台账不一致"},
        )
        self.assertEqual(response.status_code, 302)
        submission.refresh_from_db()
        self.assertEqual(submission.state, Submission.State.RETURNED)
        self.assertTrue(writable_keys(user=self.provider, period=self.q4, unit=self.shibei))


class StatusBoardTests(ProviderTestCase):
    def test_the_board_shows_progress_by_provider_and_by_unit(self) -> None:
        rows = {r.department.code: r for r in provider_board(self.q4)}
        self.assertEqual(rows["tongji"].status, "submitted")
        self.assertEqual(rows["zhujian"].status, "filled")
        self.assertEqual(rows["zhujian"].total, 50)  # five indicators, ten units
        self.assertEqual(rows["tongji"].total, 10)
        # A unit's own figures leave the departments' out.
        unit_rows = {r.unit.code: r for r in status_board(self.q4)}
        everything = scheme_keys(scheme_version_parsed(self.q4.scheme_version))
        self.assertEqual(unit_rows["shibei"].total, len(everything) - 6)
        self.login(self.office)
        page = self.client.get(reverse("workflow:period", args=["2023Q4"]))
        self.assertContains(page, 'data-department="zhujian"')
        self.assertContains(page, 'data-department="tongji"')
        self.assertContains(page, 'data-unit="shibei"')
        self.assertContains(page, "市住房城乡建设局")


class UnitViewTests(ProviderTestCase):
    def test_a_unit_sees_a_departments_figure_only_once_the_review_opens(self) -> None:
        self.login(self.reporter_shibei)
        url = reverse("workflow:unit", args=["2023Q4", "shibei"])
        value = DataValue.objects.get(period=self.q4, unit=self.shibei, key="estates_started")
        page = self.client.get(url)
        self.assertContains(page, 'data-supplied="estates_started"')
        self.assertNotContains(page, 'name="v-estates_started"')
        self.assertNotContains(page, f'data-supplied="estates_started">{value.value}')
        Period.objects.filter(pk=self.q4.pk).update(state=Period.State.REVIEW)
        page = self.client.get(url)
        self.assertContains(page, f'data-supplied="estates_started">{value.value}')


class ClosingTests(ProviderTestCase):
    def test_closing_the_collection_names_the_departments_that_have_not_submitted(self) -> None:
        from leitai.web.workflow.services import period_review_start

        with self.assertRaises(ServiceError) as caught:
            period_review_start(period=self.q4, user=self.office)
        self.assertEqual(caught.exception.code, "acknowledge")
        self.assertIn("市住房城乡建设局", str(caught.exception))
        self.assertNotIn("市统计局", str(caught.exception))  # submitted
        period_review_start(period=self.q4, user=self.office, acknowledge=True)
        entry = AuditEntry.objects.filter(action=Action.PERIOD_STATE_CHANGED).latest("pk")
        self.assertIn("zhujian (filled)", entry.note)
