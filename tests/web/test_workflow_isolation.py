"""A reporter of 市北区 reaches nothing of 李沧区: not its figures, draft result, objections
or uploads, however the request is crafted (ids changed, fields added)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from leitai.web.assessments.models import Period, Unit
from leitai.web.workflow.models import Objection, Submission, Upload
from leitai.web.workflow.services import objection_raise, upload_check
from tests.web.base import BaseTestCase
from tests.web.workflow_helpers import csv_file, edited, figures, template, xlsx


class ReporterIsolationTests(BaseTestCase):
    def setUp(self) -> None:
        self.q4 = Period.objects.get(code="2023Q4")
        self.q1 = Period.objects.get(code="2024Q1")
        self.licang = Unit.objects.get(code="licang")
        # 李沧区's own things in 2024Q1 (open for it): an upload and an objection.
        self.upload = upload_check(
            period=self.q1,
            user=self.reporter_licang,
            file=csv_file("unit,indicator,value\nlicang,gdp_growth,7.7\n"),
        )
        self.objection = objection_raise(
            period=self.q1,
            unit=self.licang,
            user=self.reporter_licang,
            text="李沧区的异议",
            attachment=SimpleUploadedFile("李沧.pdf", b"%PDF licang"),
        )
        self.login(self.reporter_shibei)

    def status(self, method: str, name: str, *args, data=None, query: str = "") -> int:  # type: ignore[no-untyped-def]
        url = reverse(name, args=args) + (f"?{query}" if query else "")
        return getattr(self.client, method)(url, data or {}).status_code

    def test_licangs_figures_are_out_of_reach(self) -> None:
        before = figures(self.q1)
        for period in ("2023Q4", "2024Q1"):
            self.assertEqual(self.status("get", "workflow:unit", period, "licang"), 403)
            self.assertEqual(
                self.status("post", "workflow:unit", period, "licang", data={"v-gdp_growth": "1"}),
                403,
            )
            self.assertEqual(
                self.status("get", "workflow:template", period, query="unit=licang"), 403
            )
            self.assertEqual(self.status("get", "boards:unit_data", period, "licang"), 403)
            self.assertEqual(self.status("post", "workflow:unit_submit", period, "licang"), 403)
            self.assertEqual(
                self.status("post", "workflow:unit_return", period, "licang", data={"reason": "x"}),
                403,
            )
        # Fields of another unit added to the reporter's own form change nothing of it.
        self.client.post(
            reverse("workflow:unit", args=["2024Q1", "shibei"]),
            {"v-gdp_growth": "6.6", "unit": "licang", "v-licang-gdp_growth": "1", "licang": "1"},
        )
        after = figures(self.q1)
        self.assertEqual(after["shibei", "gdp_growth"][0], "6.6")
        self.assertEqual(
            {k: v for k, v in after.items() if k[0] != "shibei"},
            {k: v for k, v in before.items() if k[0] != "shibei"},
        )
        self.assertFalse(Submission.objects.filter(unit=self.licang, period=self.q1).exists())

    def test_an_upload_with_licangs_rows_is_refused_whole_whatever_the_form_says(self) -> None:
        before = figures(self.q1)
        for extra in ({}, {"unit": "licang"}, {"unit": "shibei"}):
            book = edited(
                template(self.q1, ["shibei", "licang"]),
                {("shibei", "gdp_growth"): "6.6", ("licang", "gdp_growth"): "1.1"},
            )
            response = self.client.post(
                reverse("workflow:upload", args=["2024Q1"]), {"file": xlsx(book), **extra}
            )
            self.assertEqual(response.context["upload"].state, "refused")
            self.assertEqual(response.context["upload"].unit.code, "shibei")
            self.assertContains(response, "不是本单位")
        self.assertFalse(Upload.objects.filter(uploaded_by=self.reporter_shibei).exists())
        self.assertEqual(figures(self.q1), before)
        # A long table with a licang row among shibei's, likewise.
        text = "unit,indicator,value\nshibei,gdp_growth,6.6\nlicang,gdp_growth,1\n"
        response = self.client.post(
            reverse("workflow:upload", args=["2024Q1"]), {"file": csv_file(text)}
        )
        self.assertEqual(response.context["upload"].state, "refused")
        self.assertEqual(figures(self.q1), before)

    def test_licangs_uploads_are_not_found(self) -> None:
        pk = self.upload.pk
        self.assertEqual(self.status("get", "workflow:upload_detail", pk), 404)
        self.assertEqual(self.status("get", "workflow:upload_file", pk), 404)
        self.assertEqual(self.status("post", "workflow:upload_confirm", pk), 404)
        self.assertEqual(self.status("post", "workflow:upload_discard", pk), 404)
        self.upload.refresh_from_db()
        self.assertEqual(self.upload.state, "checked")
        listing = self.client.get(reverse("workflow:upload", args=["2024Q1"]))
        self.assertNotIn(self.upload, listing.context["uploads"])

    def test_licangs_draft_result_is_not_shown(self) -> None:
        self.assertEqual(self.status("get", "boards:unit", "2024Q1", "licang"), 404)
        self.assertEqual(self.status("get", "boards:league", "2024Q1"), 404)
        page = self.client.get(reverse("workflow:unit", args=["2024Q1", "shibei"]))
        self.assertEqual(page.context["draft"]["row"]["unit"], "shibei")
        self.assertNotContains(page, "李沧区")
        # Nor the gap to the unit above on one's own card.
        card = self.client.get(reverse("boards:unit", args=["2024Q1", "shibei"]))
        self.assertNotContains(card, "李沧区")

    def test_licangs_objections_are_not_found_nor_listed_nor_answerable(self) -> None:
        pk = self.objection.pk
        self.assertEqual(self.status("get", "workflow:objection", pk), 404)
        self.assertEqual(self.status("get", "workflow:objection_attachment", pk), 404)
        self.assertEqual(
            self.status(
                "post", "workflow:objection_answer", pk, data={"decision": "accept", "answer": "x"}
            ),
            403,
        )
        self.assertEqual(self.status("get", "workflow:objection_new", "2024Q1", "licang"), 403)
        self.assertEqual(
            self.status("post", "workflow:objection_new", "2024Q1", "licang", data={"text": "x"}),
            403,
        )
        listing = self.client.get(reverse("workflow:objection_list", args=["2024Q1"]))
        self.assertEqual(list(listing.context["objections"]), [])
        # An objection posted through the reporter's own form, naming 李沧区, is 市北区's.
        self.client.post(
            reverse("workflow:objection_new", args=["2024Q1", "shibei"]),
            {"text": "本单位的异议", "unit": "licang", "period": "2023Q4"},
        )
        mine = Objection.objects.get(raised_by=self.reporter_shibei)
        self.assertEqual((mine.unit.code, mine.period.code), ("shibei", "2024Q1"))
        self.objection.refresh_from_db()
        self.assertTrue(self.objection.is_pending)

    def test_the_status_board_is_the_offices(self) -> None:
        response = self.client.get(reverse("workflow:period", args=["2024Q1"]))
        self.assertRedirects(response, reverse("workflow:unit", args=["2024Q1", "shibei"]))
        home = self.client.get(reverse("workflow:home"))
        self.assertNotContains(home, "李沧区")
