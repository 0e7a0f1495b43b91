"""Collecting figures (填报): templates, uploads with preview and confirmation, the online
form, and the status board with submissions and returns."""

from __future__ import annotations

import io

import openpyxl
from django.urls import reverse

from leitai.io import read_table
from leitai.web.assessments.models import DataValue, Period, Unit
from leitai.web.assessments.selectors import scheme_version_parsed
from leitai.web.audit.models import AuditEntry
from leitai.web.errors import ServiceError
from leitai.web.workflow.models import Submission, Upload
from leitai.web.workflow.services import period_review_start, submission_return
from tests.web.base import BaseTestCase
from tests.web.workflow_helpers import cell_of, csv_file, edited, figures, template, xlsx


class CollectionTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.q4 = Period.objects.get(code="2023Q4")
        self.shibei = Unit.objects.get(code="shibei")
        self.licang = Unit.objects.get(code="licang")

    def upload(self, file, period: str = "2023Q4", **data):  # type: ignore[no-untyped-def]
        return self.client.post(
            reverse("workflow:upload", args=[period]), {"file": file, **data}, follow=True
        )


class TemplateTests(CollectionTestCase):
    def test_a_reporter_downloads_their_own_units_template_with_the_figures_so_far(self) -> None:
        self.login(self.reporter_shibei)
        response = self.client.get(reverse("workflow:template", args=["2023Q4"]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("leitai-2023Q4-shibei.xlsx", response["Content-Disposition"])
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        sheet = book["数据填报"]
        self.assertEqual([sheet[f"A{r}"].value for r in range(5, sheet.max_row + 1)], ["shibei"])
        stored = DataValue.objects.get(period=self.q4, unit=self.shibei, key="gdp_growth").value
        self.assertEqual(str(sheet[cell_of(book, "shibei", "gdp_growth")].value), stored)
        # The workbook reads back as it is.
        data = read_table(
            response.content,
            scheme_version_parsed(self.q4.scheme_version),
            filename="t.xlsx",
            require_all_units=False,
        )
        self.assertEqual(data.scheme_id, "qingdao-2023-quarterly")

    def test_the_office_downloads_all_units_or_one(self) -> None:
        self.login(self.office)
        every = self.client.get(reverse("workflow:template", args=["2023Q4"]))
        sheet = openpyxl.load_workbook(io.BytesIO(every.content))["数据填报"]
        self.assertEqual(sheet.max_row - 4, 10)
        one = self.client.get(reverse("workflow:template", args=["2023Q4"]) + "?unit=licang")
        self.assertIn("licang", one["Content-Disposition"])

    def test_a_reporter_asking_for_another_units_template_is_refused(self) -> None:
        self.login(self.reporter_shibei)
        response = self.client.get(reverse("workflow:template", args=["2023Q4"]) + "?unit=licang")
        self.assertEqual(response.status_code, 403)


class UploadTests(CollectionTestCase):
    def test_an_upload_with_one_bad_cell_changes_nothing_and_the_preview_names_the_cell(
        self,
    ) -> None:
        self.login(self.reporter_shibei)
        before, entries = figures(self.q4), AuditEntry.objects.count()
        book = edited(
            template(self.q4, ["shibei"]),
            {("shibei", "gdp_growth"): "6.3", ("shibei", "industry_growth"): "七点二"},
        )
        bad = cell_of(book, "shibei", "industry_growth")
        tables = {m: m.objects.count() for m in (DataValue, Upload, Submission, AuditEntry)}
        response = self.upload(xlsx(book))
        upload = response.context["upload"]
        self.assertEqual(upload.state, Upload.State.REFUSED)
        # Nothing in the database changed: not a figure, not a row of any kind.
        self.assertEqual(figures(self.q4), before)
        self.assertEqual({m: m.objects.count() for m in tables}, tables)
        self.assertEqual(AuditEntry.objects.count(), entries)
        self.assertEqual([p["cell"] for p in upload.problems], [bad])
        page = response.content.decode()
        self.assertIn(f'data-cell="{bad}"', page)  # in the list and on the sheet
        self.assertIn("工作表“数据填报”，第5行", page)
        self.assertIn("规模以上工业增加值增速", page)
        self.assertIn("应填数字", page)
        self.assertNotContains(response, "确认保存")  # nothing to confirm

    def test_a_reporters_upload_with_another_units_rows_is_refused_whole(self) -> None:
        self.login(self.reporter_shibei)
        before = figures(self.q4)
        book = edited(
            template(self.q4, ["shibei", "licang"]),
            {("shibei", "gdp_growth"): "6.3", ("licang", "gdp_growth"): "9.9"},
        )
        response = self.upload(xlsx(book))
        upload = response.context["upload"]
        self.assertEqual(upload.state, Upload.State.REFUSED)
        self.assertEqual(upload.changes, [])
        self.assertFalse(Upload.objects.exists())
        self.assertEqual(figures(self.q4), before)  # not even 市北区's own row
        self.assertContains(response, "licang（李沧区） 不是本单位")
        licang_row = cell_of(book, "licang", "gdp_growth")[1:]
        self.assertEqual(upload.problems[0]["cell"], f"A{licang_row}")  # its unit cell

    def test_a_unit_named_in_the_form_does_not_widen_a_reporters_upload(self) -> None:
        self.login(self.reporter_shibei)
        book = edited(template(self.q4, ["licang"]), {("licang", "gdp_growth"): "9.9"})
        upload = self.upload(xlsx(book), unit="licang").context["upload"]
        self.assertEqual(upload.unit, self.shibei)
        self.assertEqual(upload.state, Upload.State.REFUSED)

    def test_a_good_upload_previews_the_changes_and_confirming_saves_them_all(self) -> None:
        self.login(self.reporter_shibei)
        old = DataValue.objects.get(period=self.q4, unit=self.shibei, key="gdp_growth").value
        old_bonus = DataValue.objects.get(
            period=self.q4, unit=self.shibei, key="satisfaction"
        ).value
        book = edited(
            template(self.q4, ["shibei"]),
            {("shibei", "gdp_growth"): 6.3, ("shibei", "satisfaction"): "1.2"},
        )
        response = self.upload(xlsx(book))
        upload = Upload.objects.get()
        self.assertEqual(upload.state, Upload.State.CHECKED)
        self.assertEqual(
            {(c["key"], c["before"], c["after"]) for c in upload.changes},
            {("gdp_growth", old, "6.3"), ("satisfaction", old_bonus, "1.2")},
        )
        self.assertContains(response, "确认保存")
        self.assertEqual(
            DataValue.objects.get(period=self.q4, unit=self.shibei, key="gdp_growth").value, old
        )
        self.client.post(reverse("workflow:upload_confirm", args=[upload.pk]))
        upload.refresh_from_db()
        self.assertEqual(upload.state, Upload.State.APPLIED)
        stored = figures(self.q4)
        self.assertEqual(stored["shibei", "gdp_growth"][0], "6.3")
        self.assertEqual(stored["shibei", "satisfaction"][0], "1.2")
        entry = AuditEntry.objects.filter(action="data.changed", unit="shibei").latest("pk")
        self.assertEqual(entry.before, {"gdp_growth": old, "satisfaction": old_bonus})
        self.assertEqual(entry.after, {"gdp_growth": "6.3", "satisfaction": "1.2"})
        self.assertEqual(entry.actor, self.reporter_shibei)
        self.assertIn(f"upload #{upload.pk}", entry.note)

    def test_confirming_after_the_figures_changed_saves_nothing_and_shows_the_new_preview(
        self,
    ) -> None:
        self.login(self.reporter_shibei)
        book = edited(template(self.q4, ["shibei"]), {("shibei", "gdp_growth"): "6.3"})
        self.upload(xlsx(book))
        upload = Upload.objects.get()
        # Meanwhile the office corrects another of 市北区's figures.
        self.login(self.office)
        self.client.post(
            reverse("workflow:unit", args=["2023Q4", "shibei"]), {"v-industry_growth": "8.8"}
        )
        self.login(self.reporter_shibei)
        before = figures(self.q4)
        response = self.client.post(
            reverse("workflow:upload_confirm", args=[upload.pk]), follow=True
        )
        self.assertContains(response, "数据已发生变化")
        self.assertEqual(figures(self.q4), before)
        upload.refresh_from_db()
        self.assertIn("industry_growth", {c["key"] for c in upload.changes})

    def test_the_office_uploads_a_long_table_for_several_units(self) -> None:
        self.login(self.office)
        response = self.upload(
            csv_file("unit,indicator,value\nshibei,gdp_growth,6.3\nlicang,gdp_growth,5.1\n")
        )
        upload = Upload.objects.get()
        self.assertEqual(upload.state, Upload.State.CHECKED, upload.problems)
        self.assertContains(response, "李沧区")
        self.client.post(reverse("workflow:upload_confirm", args=[upload.pk]))
        stored = figures(self.q4)
        self.assertEqual(
            (stored["shibei", "gdp_growth"][0], stored["licang", "gdp_growth"][0]), ("6.3", "5.1")
        )
        self.assertEqual(
            set(
                AuditEntry.objects.filter(
                    action="data.changed", note__startswith="upload"
                ).values_list("unit", flat=True)
            ),
            {"shibei", "licang"},
        )

    def test_every_problem_of_a_long_table_is_listed_at_its_row_and_column(self) -> None:
        self.login(self.office)
        response = self.upload(
            csv_file(
                "unit,indicator,value\n"
                "shibei,gdp_growth,x\n"
                "nowhere,gdp_growth,1\n"
                "shibei,no_such,1\n"
                "shibei,major_accident,maybe\n"
            )
        )
        upload = response.context["upload"]
        self.assertEqual(len(upload.problems), 4)
        self.assertEqual([p["cell"] for p in upload.problems], ["C2", "A3", "B4", "C5"])

    def test_a_template_of_another_period_is_refused(self) -> None:
        self.login(self.reporter_shibei)
        book = template(Period.objects.get(code="2024Q1"), ["shibei"])
        response = self.upload(xlsx(book))
        self.assertEqual(response.context["upload"].state, Upload.State.REFUSED)
        self.assertContains(response, "此模板是为考核期 2024Q1 制作的，不是 2023Q4")

    def test_a_file_that_is_not_a_table_is_refused_with_a_message(self) -> None:
        self.login(self.reporter_shibei)
        response = self.upload(csv_file("%PDF-1.4", name="notes.pdf"))
        self.assertContains(response, "请上传本期的 .xlsx 模板或 .csv 表格")
        self.assertFalse(Upload.objects.exists())
        response = self.upload(csv_file("PK\x03\x04garbage", name="broken.xlsx"))
        self.assertContains(response, "不是可读取的 .xlsx 工作簿")
        self.assertFalse(Upload.objects.exists())

    def test_an_upload_that_changes_nothing_is_not_offered_for_saving(self) -> None:
        self.login(self.reporter_shibei)
        upload = self.upload(xlsx(template(self.q4, ["shibei"]))).context["upload"]
        self.assertEqual(upload.state, Upload.State.REFUSED)
        self.assertEqual(upload.problems[0]["problem"]["code"], "upload.nothing_changes")

    def test_a_reporter_whose_figures_are_submitted_cannot_upload_or_confirm(self) -> None:
        self.login(self.reporter_licang)  # 李沧区 has submitted in the demo
        book = edited(template(self.q4, ["licang"]), {("licang", "gdp_growth"): "6.3"})
        response = self.upload(xlsx(book))
        self.assertContains(response, "现在不能修改")
        self.assertFalse(Upload.objects.exists())

    def test_a_checked_upload_can_be_discarded(self) -> None:
        self.login(self.reporter_shibei)
        self.upload(xlsx(edited(template(self.q4, ["shibei"]), {("shibei", "gdp_growth"): "6.3"})))
        upload = Upload.objects.get()
        before = figures(self.q4)
        self.client.post(reverse("workflow:upload_discard", args=[upload.pk]))
        upload.refresh_from_db()
        self.assertEqual(upload.state, Upload.State.DISCARDED)
        self.assertEqual(figures(self.q4), before)

    def test_the_uploaded_file_is_served_only_as_a_download(self) -> None:
        self.login(self.reporter_shibei)
        text = "unit,indicator,value,note\nshibei,gdp_growth,6.3,<script>alert(1)</script>\n"
        self.upload(csv_file(text, name="x.csv"))
        upload = Upload.objects.get()
        response = self.client.get(reverse("workflow:upload_file", args=[upload.pk]))
        self.assertEqual(response["Content-Type"], "application/octet-stream")
        self.assertIn("attachment", response["Content-Disposition"])
        self.assertIn("sandbox", response["Content-Security-Policy"])
        self.assertEqual(b"".join(response.streaming_content), text.encode())


class OnlineFormTests(CollectionTestCase):
    def test_the_form_shows_the_previous_periods_value_beside_each_field(self) -> None:
        self.login(self.reporter_shibei)
        response = self.client.get(reverse("workflow:unit", args=["2023Q4", "shibei"]))
        q3 = DataValue.objects.get(period__code="2023Q3", unit=self.shibei, key="gdp_growth").value
        field = next(
            f for g in response.context["groups"] for f in g["fields"] if f.key == "gdp_growth"
        )
        self.assertEqual(field.previous, q3)
        self.assertContains(response, 'name="v-gdp_growth"')
        self.assertContains(response, 'name="t-signed_projects"')  # a target is asked beside

    def test_a_bad_value_saves_nothing_and_is_marked_at_its_field(self) -> None:
        self.login(self.reporter_shibei)
        before = figures(self.q4)
        response = self.client.post(
            reverse("workflow:unit", args=["2023Q4", "shibei"]),
            {"v-gdp_growth": "6.3", "v-industry_growth": "abc", "v-major_accident": "也许"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(figures(self.q4), before)
        self.assertEqual(set(response.context["errors"]), {"industry_growth", "major_accident"})
        self.assertContains(response, "应填数字，实际为“abc”")
        self.assertContains(response, 'value="abc"')  # what was typed stays in the field

    def test_saving_changes_only_the_fields_sent_and_records_them(self) -> None:
        self.login(self.reporter_shibei)
        before = figures(self.q4)
        self.client.post(
            reverse("workflow:unit", args=["2023Q4", "shibei"]),
            {"v-gdp_growth": "6.3", "v-signed_projects": "30", "t-signed_projects": "31"},
        )
        after = figures(self.q4)
        self.assertEqual(after["shibei", "gdp_growth"][0], "6.3")
        self.assertEqual(after["shibei", "signed_projects"], ("30", "31"))
        changed = {k for k in after if after[k] != before.get(k)}
        self.assertEqual(changed, {("shibei", "gdp_growth"), ("shibei", "signed_projects")})
        entry = AuditEntry.objects.filter(action="data.changed").latest("pk")
        self.assertEqual(
            set(entry.after), {"gdp_growth", "signed_projects", "signed_projects.target"}
        )

    def test_a_submitted_units_form_is_read_only_for_its_reporter(self) -> None:
        self.login(self.reporter_licang)
        response = self.client.get(reverse("workflow:unit", args=["2023Q4", "licang"]))
        self.assertContains(response, 'name="v-gdp_growth" value=')
        self.assertContains(response, "readonly")
        self.assertNotContains(response, "保存数据")
        post = self.client.post(
            reverse("workflow:unit", args=["2023Q4", "licang"]), {"v-gdp_growth": "1"}
        )
        self.assertEqual(post.status_code, 403)


class SubmissionTests(CollectionTestCase):
    def test_the_status_board_shows_every_units_status_with_who_and_when(self) -> None:
        self.login(self.office)
        response = self.client.get(reverse("workflow:period", args=["2023Q4"]))
        statuses = {r.unit.code: r.status for r in response.context["readiness"].rows}
        self.assertEqual(statuses["shibei"], "filled")
        self.assertEqual(statuses["licang"], "submitted")
        self.assertEqual(statuses["pingdu"], "returned")
        self.assertContains(response, "已填报")
        self.assertContains(response, "已提交")
        self.assertContains(response, "已退回")
        # A period just opened: every unit 未填报.
        period = Period.objects.create(
            code="2024Q2", scheme_version=self.q4.scheme_version, previous=self.q4
        )
        page = self.client.get(reverse("workflow:period", args=[period.code]))
        self.assertEqual({r.status for r in page.context["readiness"].rows}, {"not_started"})
        self.assertContains(page, "未填报")

    def test_a_reporter_submits_and_the_figures_are_then_locked(self) -> None:
        self.login(self.reporter_shibei)
        self.client.post(reverse("workflow:unit_submit", args=["2023Q4", "shibei"]))
        submission = Submission.objects.get(period=self.q4, unit=self.shibei)
        self.assertEqual(submission.state, "submitted")
        self.assertEqual(submission.submitted_by, self.reporter_shibei)
        entry = AuditEntry.objects.filter(action="submission.submitted").latest("pk")
        self.assertEqual((entry.before["state"], entry.after["state"]), (None, "submitted"))
        response = self.client.post(
            reverse("workflow:unit", args=["2023Q4", "shibei"]), {"v-gdp_growth": "1"}
        )
        self.assertEqual(response.status_code, 403)

    def test_submitting_without_any_figures_is_refused(self) -> None:
        period = Period.objects.create(
            code="2024Q2", scheme_version=self.q4.scheme_version, previous=self.q4
        )
        self.login(self.reporter_shibei)
        response = self.client.post(
            reverse("workflow:unit_submit", args=[period.code, "shibei"]), follow=True
        )
        self.assertContains(response, "请先填报数据再提交")
        self.assertFalse(Submission.objects.filter(period=period).exists())

    def test_the_office_returns_a_submission_with_a_reason_that_the_reporter_sees(self) -> None:
        self.login(self.office)
        self.client.post(
            reverse("workflow:unit_return", args=["2023Q4", "licang"]),
            {"reason": "固定资产投资增速与统计局口径不一致"},
        )
        submission = Submission.objects.get(period=self.q4, unit=self.licang)
        self.assertEqual(submission.state, "returned")
        self.login(self.reporter_licang)
        page = self.client.get(reverse("workflow:unit", args=["2023Q4", "licang"]))
        self.assertContains(page, "固定资产投资增速与统计局口径不一致")
        self.assertContains(page, "已退回")
        home = self.client.get(reverse("workflow:home"))
        self.assertContains(home, "固定资产投资增速与统计局口径不一致")
        # Returned: the reporter corrects and submits again.
        self.client.post(
            reverse("workflow:unit", args=["2023Q4", "licang"]), {"v-investment_growth": "3.1"}
        )
        self.client.post(reverse("workflow:unit_submit", args=["2023Q4", "licang"]))
        submission.refresh_from_db()
        self.assertEqual(submission.state, "submitted")

    def test_returning_needs_a_reason_and_a_submission(self) -> None:
        with self.assertRaises(ServiceError) as caught:
            submission_return(period=self.q4, unit=self.licang, user=self.office, reason=" ")
        self.assertEqual(caught.exception.code, "reason")
        with self.assertRaises(ServiceError) as caught:
            submission_return(period=self.q4, unit=self.shibei, user=self.office, reason="x")
        self.assertEqual(caught.exception.code, "state")

    def test_a_returned_unit_may_correct_its_figures_during_the_review_and_others_may_not(
        self,
    ) -> None:
        period_review_start(period=self.q4, user=self.office, acknowledge=True)
        self.login(self.reporter_shibei)  # filled in, never submitted: closed now
        response = self.client.post(
            reverse("workflow:unit", args=["2023Q4", "shibei"]), {"v-gdp_growth": "1"}
        )
        self.assertEqual(response.status_code, 403)
        submission_return(period=self.q4, unit=self.licang, user=self.office, reason="请核实")
        self.login(self.reporter_licang)
        self.client.post(
            reverse("workflow:unit", args=["2023Q4", "licang"]), {"v-gdp_growth": "6.6"}
        )
        self.assertEqual(figures(self.q4)["licang", "gdp_growth"][0], "6.6")


class UploadCountsTests(BaseTestCase):
    """The preview's count, the confirmation's count and the buttons (issue 14)."""

    def test_the_preview_and_the_confirmation_count_the_same_changes(self) -> None:
        from django.contrib.messages import get_messages

        q4 = Period.objects.get(code="2023Q4")
        self.login(self.reporter_shibei)
        book = edited(
            template(q4, ["shibei"]),
            {
                ("shibei", "gdp_growth"): 6.3,
                ("shibei", "signed_projects"): 99,
                ("shibei", "signed_projects.target"): 98,
            },
        )
        page = self.client.post(
            reverse("workflow:upload", args=["2023Q4"]), {"file": xlsx(book)}, follow=True
        )
        upload = Upload.objects.get()
        self.assertEqual(len(upload.changes), 2, upload.changes)
        self.assertContains(page, "确认保存", count=2)  # at the top and at the bottom
        self.assertContains(page, "2 处")
        done = self.client.post(reverse("workflow:upload_confirm", args=[upload.pk]), follow=True)
        said = [str(m) for m in get_messages(done.wsgi_request)] or [done.content.decode()]
        self.assertTrue(any("已保存：2 处" in s for s in said), said)


class TemplateNumbersTests(BaseTestCase):
    def test_the_template_stores_figures_as_numbers_and_uploads_back_unchanged(self) -> None:
        q4 = Period.objects.get(code="2023Q4")
        book = template(q4, ["shibei"])
        cell = book["数据填报"][cell_of(book, "shibei", "gdp_growth")]
        self.assertEqual(cell.data_type, "n")
        self.assertIsInstance(cell.value, int | float)
        self.login(self.reporter_shibei)
        page = self.client.post(
            reverse("workflow:upload", args=["2023Q4"]), {"file": xlsx(book)}, follow=True
        )
        # Uploaded as downloaded: nothing would change (numbers read back as stored).
        self.assertContains(page, "没有需要更改的数据")
