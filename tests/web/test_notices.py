"""Notices (通报): the demo's issued notice, issuing one, who may, immutability, DOCX, PDF."""

from __future__ import annotations

import io
from unittest import mock

from django.urls import reverse
from docx import Document

from leitai.reports.notice import libreoffice
from leitai.web.audit.models import Action, AuditEntry
from leitai.web.notices.models import Notice, NoticeImmutable
from leitai.web.tasks.models import Artifact
from tests.web.base import BaseTestCase


def _docx_lines(content: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


class NoticeTests(BaseTestCase):
    def test_the_demo_issued_its_2023q1_notice_with_number_winners_and_table(self) -> None:
        notice = Notice.objects.get(period__code="2023Q1")
        self.assertEqual((notice.serial, notice.number), (1, "青考办〔2023〕5号"))
        self.assertEqual(notice.title, "关于2023年第一季度“摘星夺旗”考核结果的通报")
        lines = _docx_lines(bytes(notice.docx))
        self.assertIn("青考办〔2023〕5号", lines)
        self.assertIn("2023年5月20日", lines)
        vanguard = next(line for line in lines if "真抓实干、勇当排头" in line)
        self.assertIn("黄岛区", vanguard)
        self.assertIn("胶州市", vanguard)
        self.assertIn("红色预警", notice.body)
        self.assertEqual(len(Document(io.BytesIO(bytes(notice.docx))).tables), 1)
        self.assertTrue(
            AuditEntry.objects.filter(action=Action.NOTICE_ISSUED, period="2023Q1").exists()
        )

    def test_everyone_who_reads_published_results_reads_the_issued_notices(self) -> None:
        url = reverse("notices:list", args=["2023Q1"])
        page = self.client.get(url)
        self.assertContains(page, "青考办〔2023〕5号")
        self.assertNotContains(page, "data-notice-new")
        docx = self.client.get(reverse("notices:docx", args=["2023Q1", 1]))
        self.assertEqual(docx.status_code, 200)
        self.assertIn("青考办〔2023〕5号", _docx_lines(docx.content))
        self.public_boards(False)
        self.assertEqual(self.client.get(url).status_code, 302)  # log in first
        self.login(self.outsider)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(
            self.client.get(reverse("notices:docx", args=["2023Q1", 1])).status_code, 403
        )
        self.login(self.viewer)
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_only_the_office_drafts_and_issues(self) -> None:
        url = reverse("notices:new", args=["2023Q3"])
        for user in (None, self.viewer, self.reporter_licang):
            self.login(user)
            self.assertIn(self.client.get(url).status_code, (302, 403))
            self.assertIn(self.client.post(url, {"title": "x"}).status_code, (302, 403))
        self.assertFalse(Notice.objects.filter(period__code="2023Q3").exists())

    def test_the_office_edits_the_drafted_words_and_issues_a_numbered_notice(self) -> None:
        self.login(self.office)
        url = reverse("notices:new", args=["2023Q3"])
        form = self.client.get(url).context["form"]
        initial = dict(form.initial)
        self.assertEqual(initial["number"], f"青考办〔{initial['date'][:4]}〕1号")
        self.assertIn("2023年第三季度", initial["title"])
        self.assertIn("红旗", initial["body"])
        data = dict(initial, number="青考办〔2023〕9号", opening="经研究，现通报如下：")
        data["body"] = initial["body"] + "\n请各单位认真抓好落实。"
        response = self.client.post(url, data)
        notice = Notice.objects.get(period__code="2023Q3")
        self.assertRedirects(response, reverse("notices:detail", args=["2023Q3", notice.serial]))
        lines = _docx_lines(bytes(notice.docx))
        self.assertIn("经研究，现通报如下：", lines)
        self.assertIn("请各单位认真抓好落实。", lines)
        self.assertIn("青考办〔2023〕9号", lines)
        entry = AuditEntry.objects.get(action=Action.NOTICE_ISSUED, period="2023Q3")
        self.assertEqual(entry.actor, self.office)
        # A second one takes the next serial; the draft's number follows the last one.
        second = self.client.get(url).context["form"].initial
        self.assertTrue(second["number"].startswith("青考办〔"))
        self.client.post(url, dict(initial, number="青考办〔2023〕10号"))
        self.assertEqual(
            list(Notice.objects.filter(period__code="2023Q3").values_list("serial", flat=True)),
            [1, 2],
        )
        page = self.client.get(reverse("notices:list", args=["2023Q3"]))
        self.assertContains(page, "青考办〔2023〕10号")

    def test_an_issued_notice_cannot_be_changed_or_deleted(self) -> None:
        notice = Notice.objects.get(period__code="2023Q1")
        notice.title = "changed"
        with self.assertRaises(NoticeImmutable):
            notice.save()
        with self.assertRaises(NoticeImmutable):
            notice.delete()
        self.assertEqual(
            Notice.objects.get(pk=notice.pk).title, "关于2023年第一季度“摘星夺旗”考核结果的通报"
        )

    def test_a_period_without_a_published_result_has_no_notice_to_issue(self) -> None:
        self.login(self.office)
        response = self.client.get(reverse("notices:new", args=["2024Q1"]))
        self.assertRedirects(response, reverse("notices:list", args=["2024Q1"]))
        self.assertFalse(Notice.objects.filter(period__code="2024Q1").exists())

    def test_the_pdf_page_says_plainly_when_libreoffice_is_not_installed(self) -> None:
        url = reverse("notices:pdf", args=["2023Q1", 1])
        with mock.patch("leitai.reports.notice.libreoffice", return_value=None):
            page = self.client.get(url)
            self.assertContains(page, "data-no-libreoffice")
            self.assertContains(page, "LibreOffice")
            self.client.post(url)
        self.assertFalse(Artifact.objects.exists())

    def test_the_pdf_is_converted_on_the_queue_where_libreoffice_is_installed(self) -> None:
        if libreoffice() is None:
            self.skipTest("LibreOffice is not installed")
        url = reverse("notices:pdf", args=["2023Q1", 1])
        self.assertContains(self.client.get(url), "data-artifact-build")
        self.client.post(url)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"%PDF"))
