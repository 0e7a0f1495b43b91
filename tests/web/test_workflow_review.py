"""Review (复核), objections (异议), publication (发布) and revisions: the period's steps
after collection, and the promise that a published result never changes."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ProtectedError
from django.urls import reverse

from leitai.web.accounts.services import user_create
from leitai.web.assessments.models import DataValue, Period, Snapshot, Unit
from leitai.web.assessments.selectors import period_draft_snapshot, period_published_snapshot
from leitai.web.assessments.services import data_values_update
from leitai.web.audit.models import AuditEntry
from leitai.web.errors import ServiceError
from leitai.web.workflow.models import Objection
from leitai.web.workflow.services import (
    objection_answer,
    objection_raise,
    period_collection_reopen,
    period_draft_compute,
    period_result_publish,
    period_review_start,
    submission_submit,
    unit_figures_save,
    upload_check,
    upload_confirm,
)
from tests.web.base import BaseTestCase
from tests.web.workflow_helpers import (
    csv_file,
    edited,
    figures,
    published_fingerprints,
    row_fingerprint,
    template,
    xlsx,
)


class ReviewTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.q4 = Period.objects.get(code="2023Q4")
        self.shibei = Unit.objects.get(code="shibei")
        self.licang = Unit.objects.get(code="licang")
        self.chengyang = Unit.objects.get(code="chengyang")
        self.demo_objection = Objection.objects.get(period=self.q4, unit=self.chengyang)

    def refresh(self) -> Period:
        self.q4.refresh_from_db()
        return self.q4

    def publish_q4(self) -> Snapshot:
        """Answer what is waiting, close the collection, compute and publish 2023Q4."""
        objection_answer(
            objection=self.demo_objection,
            user=self.office,
            accepted=True,
            answer="经核实，予以更正。",
            corrections={"pipes_renewed": ("12.6", None)},
        )
        period_review_start(period=self.q4, user=self.office, acknowledge=True)
        return period_result_publish(period=self.refresh(), user=self.office, acknowledge=True)


class PeriodStepTests(ReviewTestCase):
    def test_the_office_opens_a_period_on_a_scheme_version_linked_to_the_previous_one(self) -> None:
        self.login(self.office)
        q3 = Period.objects.get(code="2023Q3")  # the previous period must be published
        response = self.client.post(
            reverse("workflow:period_new"),
            {"code": "2024Q2", "scheme_version": self.q4.scheme_version.pk, "previous": q3.pk},
        )
        self.assertRedirects(response, reverse("workflow:period", args=["2024Q2"]))
        period = Period.objects.get(code="2024Q2")
        self.assertEqual((period.state, period.previous), ("collecting", q3))
        entry = AuditEntry.objects.filter(action="period.opened").latest("pk")
        self.assertEqual(entry.after["previous"], "2023Q3")
        self.assertEqual(entry.actor, self.office)

    def test_closing_the_collection_needs_the_units_that_have_not_submitted_acknowledged(
        self,
    ) -> None:
        with self.assertRaises(ServiceError) as caught:
            period_review_start(period=self.q4, user=self.office)
        self.assertEqual(caught.exception.code, "acknowledge")
        self.assertIn("市北区", str(caught.exception))
        self.assertEqual(self.refresh().state, "collecting")
        period_review_start(period=self.q4, user=self.office, acknowledge=True)
        self.assertEqual(self.refresh().state, "review")
        entry = AuditEntry.objects.filter(action="period.state_changed").latest("pk")
        self.assertEqual(
            (entry.before, entry.after), ({"state": "collecting"}, {"state": "review"})
        )
        self.assertIn("shibei", entry.note)

    def test_a_collection_with_a_unit_without_figures_cannot_be_closed(self) -> None:
        period = Period.objects.create(
            code="2024Q2", scheme_version=self.q4.scheme_version, previous=self.q4
        )
        with self.assertRaises(ServiceError) as caught:
            period_review_start(period=period, user=self.office, acknowledge=True)
        self.assertEqual(caught.exception.code, "not_started")

    def test_the_review_can_go_back_to_collecting(self) -> None:
        period_review_start(period=self.q4, user=self.office, acknowledge=True)
        period_collection_reopen(period=self.refresh(), user=self.office, reason="补报")
        self.assertEqual(self.refresh().state, "collecting")

    def test_the_period_page_says_where_it_stands_and_what_is_missing(self) -> None:
        self.login(self.office)
        page = self.client.get(reverse("workflow:period", args=["2023Q4"]))
        readiness = page.context["readiness"]
        self.assertEqual(
            {r.unit.code for r in readiness.outstanding}, {"shibei", "laixi", "pingdu"}
        )
        self.assertEqual([o.unit.code for o in readiness.pending_objections], ["chengyang"])
        self.assertTrue(readiness.draft_current)
        self.assertContains(page, "尚未提交")
        self.assertContains(page, "待答复的异议")

    def test_only_the_office_takes_the_periods_steps(self) -> None:
        for step in (
            lambda: period_review_start(
                period=self.q4, user=self.reporter_shibei, acknowledge=True
            ),
            lambda: period_draft_compute(period=self.q4, user=self.reporter_shibei),
            lambda: period_result_publish(period=self.q4, user=self.viewer),
        ):
            with self.assertRaises(ServiceError) as caught:
                step()
            self.assertEqual(caught.exception.code, "forbidden")


class ObjectionTests(ReviewTestCase):
    def raise_licang(self, **extra) -> Objection:  # type: ignore[no-untyped-def]
        return objection_raise(
            period=self.q4,
            unit=self.licang,
            user=self.reporter_licang,
            text="固定资产投资增速应为4.1%，统计局12月已修订。",
            key="investment_growth",
            **extra,
        )

    def test_a_reporter_sees_their_own_draft_result_and_raises_an_objection_with_an_attachment(
        self,
    ) -> None:
        self.login(self.reporter_licang)
        page = self.client.get(reverse("workflow:unit", args=["2023Q4", "licang"]))
        self.assertEqual(page.context["draft"]["row"]["unit"], "licang")
        self.assertContains(page, "初步结果")
        response = self.client.post(
            reverse("workflow:objection_new", args=["2023Q4", "licang"]),
            {
                "key": "investment_growth",
                "text": "固定资产投资增速应为4.1%",
                "attachment": SimpleUploadedFile("统计局修订函.pdf", b"%PDF-1.4 evidence"),
            },
        )
        objection = Objection.objects.get(unit=self.licang)
        self.assertRedirects(response, reverse("workflow:objection", args=[objection.pk]))
        self.assertEqual(objection.attachment_name, "统计局修订函.pdf")
        self.assertEqual(objection.revision, period_draft_snapshot(self.q4).revision)
        download = self.client.get(reverse("workflow:objection_attachment", args=[objection.pk]))
        self.assertEqual(b"".join(download.streaming_content), b"%PDF-1.4 evidence")
        self.assertEqual(download["Content-Type"], "application/octet-stream")
        entry = AuditEntry.objects.filter(action="objection.raised").latest("pk")
        self.assertEqual(entry.after["state"], "pending")
        self.assertEqual(entry.unit, "licang")

    def test_the_office_accepts_an_objection_and_the_figure_is_corrected_and_the_draft_recomputed(
        self,
    ) -> None:
        draft = period_draft_snapshot(self.q4)
        self.login(self.office)
        self.client.post(
            reverse("workflow:objection_answer", args=[self.demo_objection.pk]),
            {"decision": "accept", "answer": "经核实，予以更正。", "value": "12.6"},
        )
        self.demo_objection.refresh_from_db()
        self.assertEqual(self.demo_objection.state, "accepted")
        self.assertEqual(
            self.demo_objection.corrections,
            [{"key": "pipes_renewed", "before": "", "after": "12.6"}],
        )
        self.assertEqual(figures(self.q4)["chengyang", "pipes_renewed"][0], "12.6")
        new = period_draft_snapshot(self.q4)
        self.assertNotEqual(new.result_sha256, draft.result_sha256)
        self.assertEqual(new.inputs.count("chengyang,pipes_renewed,12.6"), 1)
        actions = list(AuditEntry.objects.order_by("-pk").values_list("action", flat=True)[:3])
        self.assertEqual(actions, ["snapshot.computed", "objection.answered", "data.changed"])
        # The unit reads the answer.
        reporter = user_create(
            username="tianbao-chengyang", password="x" * 12, role="reporter", unit=self.chengyang
        )
        self.login(reporter)
        page = self.client.get(reverse("workflow:objection", args=[self.demo_objection.pk]))
        self.assertContains(page, "经核实，予以更正。")
        self.assertContains(page, "已采纳")

    def test_a_rejection_needs_its_reason_and_the_unit_reads_it(self) -> None:
        objection = self.raise_licang()
        with self.assertRaises(ServiceError):
            objection_answer(objection=objection, user=self.office, accepted=False, answer="  ")
        objection_answer(
            objection=objection,
            user=self.office,
            accepted=False,
            answer="以统计局正式反馈为准，不予调整。",
        )
        self.login(self.reporter_licang)
        page = self.client.get(reverse("workflow:objection", args=[objection.pk]))
        self.assertContains(page, "以统计局正式反馈为准，不予调整。")
        self.assertContains(page, "未采纳")
        with self.assertRaises(ServiceError):
            objection_answer(objection=objection, user=self.office, accepted=True, answer="again")

    def test_a_correction_that_the_engine_refuses_changes_nothing(self) -> None:
        before = figures(self.q4)
        with self.assertRaises(ServiceError):
            objection_answer(
                objection=self.demo_objection,
                user=self.office,
                accepted=True,
                answer="更正",
                corrections={"pipes_renewed": ("十二", None)},
            )
        self.assertEqual(figures(self.q4), before)
        self.demo_objection.refresh_from_db()
        self.assertTrue(self.demo_objection.is_pending)

    def test_objections_are_for_the_units_own_reporter_before_publication_only(self) -> None:
        with self.assertRaises(ServiceError):
            objection_raise(period=self.q4, unit=self.licang, user=self.reporter_shibei, text="x")
        with self.assertRaises(ServiceError):
            objection_raise(period=self.q4, unit=self.licang, user=self.office, text="x")
        q3 = Period.objects.get(code="2023Q3")
        reporter = self.reporter_licang
        with self.assertRaises(ServiceError) as caught:
            objection_raise(period=q3, unit=self.licang, user=reporter, text="x")
        self.assertEqual(caught.exception.code, "state")

    def test_an_attachment_of_an_unexpected_kind_is_refused(self) -> None:
        with self.assertRaises(ServiceError) as caught:
            self.raise_licang(attachment=SimpleUploadedFile("run.exe", b"MZ"))
        self.assertEqual(caught.exception.code, "file_type")
        self.assertFalse(Objection.objects.filter(unit=self.licang).exists())


class PublicationTests(ReviewTestCase):
    def test_publication_waits_for_the_review_the_answers_and_an_up_to_date_draft(self) -> None:
        with self.assertRaises(ServiceError) as caught:
            period_result_publish(period=self.q4, user=self.office, acknowledge=True)
        self.assertEqual(caught.exception.code, "state")
        period_review_start(period=self.q4, user=self.office, acknowledge=True)
        with self.assertRaises(ServiceError) as caught:
            period_result_publish(period=self.refresh(), user=self.office, acknowledge=True)
        self.assertEqual(caught.exception.code, "objections")
        objection_answer(
            objection=self.demo_objection, user=self.office, accepted=False, answer="台账未见"
        )
        data_values_update(
            period=self.q4, cells={("shibei", "gdp_growth"): ("6.3", None)}, user=self.office
        )
        with self.assertRaises(ServiceError) as caught:
            period_result_publish(period=self.q4, user=self.office, acknowledge=True)
        self.assertEqual(caught.exception.code, "stale")
        period_draft_compute(period=self.q4, user=self.office)
        with self.assertRaises(ServiceError) as caught:
            period_result_publish(period=self.q4, user=self.office)
        self.assertEqual(caught.exception.code, "acknowledge")
        snapshot = period_result_publish(period=self.q4, user=self.office, acknowledge=True)
        self.assertTrue(snapshot.is_published)
        self.assertEqual(self.refresh().state, "published")
        actions = list(AuditEntry.objects.order_by("-pk").values_list("action", flat=True)[:2])
        self.assertEqual(actions, ["period.state_changed", "snapshot.published"])

    def test_the_publish_page_shows_the_draft_and_what_stands_in_the_way(self) -> None:
        self.login(self.office)
        page = self.client.get(reverse("workflow:period_publish", args=["2023Q4"]))
        self.assertEqual(len(page.context["draft_rows"]), 10)
        self.assertContains(page, "请先截止填报")
        response = self.client.post(
            reverse("workflow:period_publish", args=["2023Q4"]), {"acknowledge": "on"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIsNone(period_published_snapshot(self.q4))

    def test_a_revision_needs_a_reason_keeps_the_first_and_the_boards_say_so(self) -> None:
        first = self.publish_q4()
        fingerprint = row_fingerprint(first)
        unit_figures_save(
            period=self.q4, unit=self.shibei, user=self.office, values={"gdp_growth": ("6.3", None)}
        )
        period_draft_compute(period=self.q4, user=self.office)
        with self.assertRaises(ServiceError) as caught:
            period_result_publish(period=self.q4, user=self.office, reason=" ")
        self.assertEqual(caught.exception.code, "reason")
        second = period_result_publish(
            period=self.q4, user=self.office, reason="市北区地区生产总值增速按统计局终核数更正"
        )
        self.assertEqual((first.revision, second.revision), (1, 2))
        self.assertEqual(row_fingerprint(first), fingerprint)
        entry = AuditEntry.objects.filter(action="snapshot.revised").latest("pk")
        self.assertEqual(entry.before["published_revision"], 1)
        self.assertEqual(entry.after["revision"], 2)
        self.assertIn("终核数", entry.note)
        league = self.client.get(reverse("boards:league", args=["2023Q4"]))
        self.assertContains(league, "本期结果已修订（第2版）")
        self.assertContains(league, reverse("workflow:revisions", args=["2023Q4"]))
        revisions = self.client.get(reverse("workflow:revisions", args=["2023Q4"]))
        self.assertEqual([i["snapshot"].revision for i in revisions.context["items"]], [2, 1])
        self.assertContains(revisions, "市北区地区生产总值增速按统计局终核数更正")

    def test_a_published_snapshot_is_unchanged_byte_for_byte_by_everything_the_office_can_do(
        self,
    ) -> None:
        """Hash every published row, take every other step the office can, hash again."""
        q4_first = self.publish_q4()
        before = published_fingerprints()
        self.assertIn(q4_first.pk, before)
        self.login(self.office)
        q3 = Period.objects.get(code="2023Q3")
        # Figures of published periods, by form and by upload.
        self.client.post(
            reverse("workflow:unit", args=["2023Q3", "shibei"]), {"v-gdp_growth": "9.9"}
        )
        self.client.post(
            reverse("workflow:unit", args=["2023Q4", "licang"]), {"v-gdp_growth": "9.9"}
        )
        upload = upload_check(
            period=q3,
            user=self.office,
            file=csv_file("unit,indicator,value\nlicang,gdp_growth,1.1\n"),
        )
        upload_confirm(upload=upload, user=self.office)
        q4_upload = upload_check(
            period=self.q4,
            user=self.office,
            file=xlsx(
                edited(template(self.q4, ["shibei"]), {("shibei", "industry_growth"): "1.5"})
            ),
        )
        upload_confirm(upload=q4_upload, user=self.office)
        # Computing published periods again (a draft revision), and every step attempted.
        self.client.post(reverse("workflow:period_compute", args=["2023Q3"]))
        self.client.post(reverse("workflow:period_compute", args=["2023Q4"]))
        self.client.post(reverse("workflow:period_step", args=["2023Q4"]), {"step": "collecting"})
        self.client.post(reverse("workflow:period_step", args=["2023Q3"]), {"step": "review"})
        self.client.post(reverse("workflow:period_publish", args=["2023Q3"]), {"reason": ""})
        self.client.post(
            reverse("workflow:unit_return", args=["2023Q4", "licang"]), {"reason": "x"}
        )
        self.client.post(
            reverse("workflow:objection_answer", args=[self.demo_objection.pk]),
            {"decision": "reject", "answer": "x"},
        )
        # Schemes, periods, settings, the draft period.
        text = self.q4.scheme_version.text.replace("points: 35", "points: 36")
        self.client.post(
            reverse("workflow:scheme_edit", args=["qingdao-2023-quarterly", 2]),
            {"text": text, "comment": "经济运行36分"},
        )
        self.client.post(
            reverse("workflow:period_new"),
            {"code": "2024Q2", "scheme_version": self.q4.scheme_version.pk, "previous": self.q4.pk},
        )
        self.client.post(reverse("accounts:settings"), {})
        submission_submit(
            period=Period.objects.get(code="2024Q1"), unit=self.licang, user=self.reporter_licang
        )
        period_review_start(
            period=Period.objects.get(code="2024Q1"), user=self.office, acknowledge=True
        )
        period_draft_compute(period=Period.objects.get(code="2024Q1"), user=self.office)
        period_result_publish(
            period=Period.objects.get(code="2024Q1"), user=self.office, acknowledge=True
        )
        # Deleting the account that published is refused rather than rewriting the row.
        with self.assertRaises(ProtectedError):
            self.office.delete()
        self.assertEqual(
            {pk: fp for pk, fp in published_fingerprints().items() if pk in before}, before
        )
        # An explicit revision adds a row, audited; the rows before stay as they were.
        revision = period_result_publish(period=q3, user=self.office, reason="李沧区数据更正")
        self.assertEqual(
            {pk: fp for pk, fp in published_fingerprints().items() if pk in before}, before
        )
        self.assertEqual(revision.revision, 2)
        self.assertTrue(
            AuditEntry.objects.filter(
                action="snapshot.revised", period="2023Q3", note="李沧区数据更正"
            ).exists()
        )
        self.assertEqual(period_published_snapshot(q3).pk, revision.pk)

    def test_the_stored_figures_of_a_published_period_never_reach_its_published_result(
        self,
    ) -> None:
        q3 = Period.objects.get(code="2023Q3")
        published = period_published_snapshot(q3)
        data_values_update(
            period=q3, cells={("shibei", "gdp_growth"): ("99", None)}, user=self.office
        )
        self.assertNotIn("shibei,gdp_growth,99", published.inputs)
        self.assertEqual(
            self.client.get(reverse("boards:league", args=["2023Q3"])).context["snapshot"].pk,
            published.pk,
        )
        self.assertTrue(DataValue.objects.filter(period=q3, value="99").exists())
