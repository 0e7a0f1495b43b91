"""Pledges proposed from the texts of an arena: the office pastes or uploads a text, sees
the proposals with their sentences, accepts (as edited) or rejects them; accepted ones
become pledged targets with their evidence, and every step is audited."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from leitai.web.arena.models import ArenaSession, PledgeProposal, PledgeText
from leitai.web.arena.proposals import highlighted, proposal_accept, proposal_reject
from leitai.web.audit.models import AuditEntry
from leitai.web.errors import ServiceError
from leitai.web.targets.models import Target
from leitai.web.targets.services import targets_import
from leitai.web.tasks.models import Job
from leitai.web.tasks.services import job_execute
from tests.web.base import BaseTestCase

DATA = Path(__file__).resolve().parent.parent / "data" / "pledges"
SPEECH = (
    "莱西市委书记：一季度莱西新开工项目44个，同比增长12%。莱西将力争全年新增规上工业企业30家，"
    "确保上半年引进过亿元项目12个，年内建成人才公寓800套。"
)


class PledgeCaptureTests(BaseTestCase):
    def setUp(self) -> None:
        self.session = ArenaSession.objects.get(slug="2023-05-27")
        self.login(self.office)

    def paste(self, text: str = SPEECH) -> PledgeText:
        response = self.client.post(
            reverse("arena:texts", args=[self.session.slug]), {"text": text, "name": "发言"}
        )
        self.assertEqual(response.status_code, 302)
        return self.session.texts.get(name="发言")

    def test_the_demo_session_carries_its_speech_and_the_pledges_proposed_from_it(self) -> None:
        text = self.session.texts.get()
        self.assertEqual(text.name, "arena-speech.txt")
        proposals = {(p.unit.code, p.value, p.unit_of_measure): p for p in text.proposals.all()}
        self.assertEqual(len(proposals), 10)
        # Those the demo's targets table already holds are linked to them.
        renewal = proposals["licang", 125.0, "个"]
        self.assertEqual(renewal.status, PledgeProposal.Status.ACCEPTED)
        self.assertEqual(renewal.target.code, "urban_renewal")
        self.assertEqual(proposals["shibei", 8.0, "家"].status, PledgeProposal.Status.PROPOSED)

    def test_a_pasted_text_is_repaired_and_its_pledges_proposed_not_its_reports(self) -> None:
        damaged = SPEECH.replace("莱西市", "萊西市").replace("企业", "企(qǐ)業(yè)")
        text = self.paste(damaged)
        self.assertEqual(text.original, damaged)
        self.assertIn("simplified", text.changed)
        self.assertIn("pinyin", text.changed)
        found = sorted(
            (p.unit.code, p.value, p.unit_of_measure, p.deadline) for p in text.proposals.all()
        )
        self.assertEqual(
            found,
            [
                ("laixi", 12.0, "个", dt.date(2023, 6, 30)),
                ("laixi", 30.0, "家", dt.date(2023, 12, 31)),
                ("laixi", 800.0, "套", dt.date(2023, 12, 31)),
            ],
        )
        entry = AuditEntry.objects.filter(action="arena.pledges_proposed").latest("pk")
        self.assertEqual(entry.after["proposals"], 3)

    def test_the_post_only_queues_the_reading_and_a_get_of_its_page_starts_nothing(self) -> None:
        url = reverse("arena:texts", args=[self.session.slug])
        with (
            mock.patch("leitai.web.tasks.services.job_enqueue") as enqueue,
            mock.patch("leitai.text.repair") as repair,
            mock.patch("leitai.text.extract_pledges") as extract,
        ):
            response = self.client.post(url, {"text": SPEECH, "name": "发言"})
            text = self.session.texts.get(name="发言")
            self.assertRedirects(
                response,
                reverse("arena:text", args=[self.session.slug, text.pk]),
                fetch_redirect_response=False,
            )
            enqueue.assert_called_once()
            self.assertEqual((text.original, text.repaired), (SPEECH, ""))
            self.assertEqual(text.job.state, Job.State.QUEUED)
            self.assertEqual(text.job.args, {"text": text.pk})
            self.assertFalse(text.proposals.exists())
            jobs = Job.objects.count()
            page = self.client.get(response.url)
            self.assertEqual(page.status_code, 200)
            html = page.content.decode()
            self.assertIn("文本正在排队", html)
            self.assertIn('<meta http-equiv="refresh"', html)
            self.assertNotIn("<script>", html)
            self.assertEqual(Job.objects.count(), jobs)
            enqueue.assert_called_once()
            repair.assert_not_called()
            extract.assert_not_called()
        proposed = AuditEntry.objects.filter(action="arena.pledges_proposed", object_id=text.pk)
        self.assertFalse(proposed.exists())

        # A worker reads the text; the audit entry is written as the job finishes.
        self.assertEqual(job_execute(job_id=text.job.pk), "done")
        self.assertEqual(text.proposals.count(), 3)
        entry = proposed.get()
        self.assertEqual((entry.actor, entry.after["proposals"]), (self.office, 3))
        page = self.client.get(response.url).content.decode()
        self.assertIn('<mark class="figure"', page)
        self.assertNotIn('http-equiv="refresh"', page)

    def test_a_failed_reading_is_said_in_chinese_and_proposes_nothing(self) -> None:
        with mock.patch("leitai.text.extract_pledges", side_effect=RuntimeError("boom")):
            response = self.client.post(
                reverse("arena:texts", args=[self.session.slug]), {"text": SPEECH, "name": "发言"}
            )
        text = self.session.texts.get(name="发言")
        self.assertEqual(text.job.state, Job.State.FAILED)
        page = self.client.get(response.url)
        html = page.content.decode()
        self.assertIn("未能从该文本提出军令状建议", html)
        self.assertNotIn('http-equiv="refresh"', html)
        self.assertFalse(text.proposals.exists())
        proposed = AuditEntry.objects.filter(action="arena.pledges_proposed", object_id=text.pk)
        self.assertFalse(proposed.exists())
        texts = self.client.get(reverse("arena:texts", args=[self.session.slug]))
        self.assertContains(texts, "失败")

    def test_the_proposals_page_highlights_each_sentence_beside_the_original(self) -> None:
        text = self.paste()
        page = self.client.get(reverse("arena:text", args=[self.session.slug, text.pk]))
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        self.assertIn('<mark class="figure"', html)
        self.assertIn("800套", html)
        self.assertIn("原文", html)
        self.assertIn("采纳", html)
        segments = highlighted(text, list(text.proposals.all()))
        figures = [s.text for s in segments if s.figure]
        self.assertEqual(sorted(figures), ["12个", "30家", "800套"])
        self.assertEqual("".join(s.text for s in segments), text.repaired)

    def test_an_accepted_proposal_becomes_a_pledged_target_with_its_evidence(self) -> None:
        text = self.paste()
        proposal = text.proposals.get(value=800)
        prefix = f"p{proposal.pk}"
        response = self.client.post(
            reverse("arena:proposal_accept", args=[self.session.slug, text.pk, proposal.pk]),
            {
                f"{prefix}-unit": "laixi",
                f"{prefix}-name": "建成青年人才公寓",
                f"{prefix}-value": "900",
                f"{prefix}-unit_of_measure": "套",
                f"{prefix}-deadline": "2023-12-31",
            },
        )
        self.assertEqual(response.status_code, 302)
        proposal.refresh_from_db()
        target = proposal.target
        self.assertEqual(proposal.status, PledgeProposal.Status.ACCEPTED)
        self.assertEqual(
            (target.value, target.name, target.source), (900, "建成青年人才公寓", "pledged")
        )
        self.assertEqual(target.session, self.session)
        entry = AuditEntry.objects.filter(action="arena.proposal_accepted").latest("pk")
        self.assertEqual(entry.after["evidence"], proposal.sentence)
        self.assertEqual(entry.after["edited"], ["name", "value"])
        self.assertTrue(AuditEntry.objects.filter(action="arena.pledge_recorded").exists())
        board = self.client.get(reverse("targets:board") + "?unit=laixi").content.decode()
        self.assertIn("建成青年人才公寓", board)
        self.assertIn("年内建成人才公寓800套", board)

    def test_a_rejected_proposal_stays_on_record_and_cannot_be_decided_twice(self) -> None:
        text = self.paste()
        proposal = text.proposals.get(value=12)
        response = self.client.post(
            reverse("arena:proposal_reject", args=[self.session.slug, text.pk, proposal.pk])
        )
        self.assertEqual(response.status_code, 302)
        proposal.refresh_from_db()
        self.assertEqual(proposal.status, PledgeProposal.Status.REJECTED)
        self.assertIsNone(proposal.target)
        self.assertTrue(AuditEntry.objects.filter(action="arena.proposal_rejected").exists())
        with self.assertRaises(ServiceError):
            proposal_reject(proposal=proposal, user=self.office)
        with self.assertRaises(ServiceError):
            proposal_accept(
                proposal=proposal, unit=proposal.unit, name="x", value=1, user=self.office
            )

    def test_a_docx_upload_is_read(self) -> None:
        import docx

        document = docx.Document()
        for line in SPEECH.split("。"):
            document.add_paragraph(line + "。")
        buffer = io.BytesIO()
        document.save(buffer)
        upload = SimpleUploadedFile("讲话.docx", buffer.getvalue())
        response = self.client.post(
            reverse("arena:texts", args=[self.session.slug]), {"upload": upload}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.session.texts.get(name="讲话.docx").proposals.count(), 3)

    def test_a_damaged_upload_and_an_empty_form_are_refused_on_the_form(self) -> None:
        url = reverse("arena:texts", args=[self.session.slug])
        bad = SimpleUploadedFile("讲话.docx", b"not a zip")
        response = self.client.post(url, {"upload": bad})
        self.assertEqual(response.status_code, 200)
        self.assertIn("无法读取该文件", response.content.decode())
        response = self.client.post(url, {"text": "  "})
        self.assertIn("请粘贴文本或选择文件", response.content.decode())
        self.assertEqual(self.session.texts.count(), 1)  # the demo's speech only

    def test_only_the_office_reads_or_writes_the_texts(self) -> None:
        text = self.session.texts.get()
        proposal = text.proposals.filter(status="proposed").first()
        urls = [
            ("get", reverse("arena:texts", args=[self.session.slug])),
            ("get", reverse("arena:text", args=[self.session.slug, text.pk])),
            (
                "post",
                reverse("arena:proposal_reject", args=[self.session.slug, text.pk, proposal.pk]),
            ),
        ]
        for user in (self.reporter_licang, self.viewer, self.outsider):
            self.login(user)
            for method, url in urls:
                response = getattr(self.client, method)(url)
                self.assertEqual(response.status_code, 403, (user, url))
        self.client.logout()
        self.assertEqual(self.client.get(urls[0][1]).status_code, 302)
        proposal.refresh_from_db()
        self.assertEqual(proposal.status, PledgeProposal.Status.PROPOSED)

    def test_the_cli_table_imports_through_the_web_import_unchanged(self) -> None:
        from leitai.cli.pledges import proposals_csv
        from leitai.engine import load_scheme
        from leitai.text import extract_pledges, read_text, repair

        scheme = load_scheme(
            Path(__file__).resolve().parents[2] / "src/leitai/demo/scheme-2023-v1.yaml"
        )
        text = repair(read_text(DATA / "speech-c.trad.txt")).text
        table = proposals_csv(
            extract_pledges(text, units=scheme.units, date=dt.date(2023, 5, 27)),
            date=dt.date(2023, 5, 27),
        )
        rows = list(csv.DictReader(io.StringIO(table)))
        preview = targets_import(
            kind="targets", data=table.encode("utf-8"), filename="pledges.csv", user=self.office
        )
        self.assertEqual(preview.created, len(rows))
        imported = Target.objects.get(unit__code="huangdao", code="p20230527-2")
        self.assertEqual((imported.value, imported.deadline), (110, dt.date(2023, 6, 30)))
        self.assertEqual(imported.session, self.session)  # pledged on the session's date
