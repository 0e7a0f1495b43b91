"""Evidence (佐证材料) on a unit's figures, and the definition (口径) beside each field."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from leitai.web.assessments.selectors import scheme_version_parsed
from leitai.web.audit.models import Action, AuditEntry
from leitai.web.workflow.models import Evidence
from leitai.web.workflow.selectors import period_assignments
from tests.web.base import BaseTestCase

PERIOD, UNIT = "2023Q4", "shibei"  # collecting; 市北区 has not submitted


class EvidenceTests(BaseTestCase):
    def attach(self, name: str = "统计局反馈表.pdf", data: bytes = b"%PDF-1.4 x", key="gdp_growth"):
        return self.client.post(
            reverse("workflow:evidence_add", args=[PERIOD, UNIT]),
            {"key": key, "file": SimpleUploadedFile(name, data)},
        )

    def mine(self):
        return Evidence.objects.filter(period__code=PERIOD, unit__code=UNIT)

    def test_the_form_shows_each_indicator_definition_beside_its_field(self) -> None:
        self.login(self.reporter_shibei)
        page = self.client.get(reverse("workflow:unit", args=[PERIOD, UNIT]))
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        period = page.context["period"]
        for indicator in scheme_version_parsed(period.scheme_version).all_indicators():
            if indicator.from_ is not None:
                continue
            self.assertIn(f'data-definition="{indicator.id}"', html)
            self.assertIn(indicator.definition, html)
            self.assertIn(indicator.contact, html)
            # beside the field: in the same table row as the input
            row = html[html.index(f'data-key="{indicator.id}"') :]
            row = row[: row.index("</tr>")]
            # A figure a department supplies (issue 11) is shown read only, not as a field.
            supplied = indicator.id in period_assignments(period)
            self.assertIn(
                f'data-supplied="{indicator.id}"' if supplied else f'id="v-{indicator.id}"', row
            )
            self.assertIn(indicator.definition, row)

    def test_a_reporter_attaches_evidence_and_the_office_sees_and_downloads_it(self) -> None:
        self.login(self.reporter_shibei)
        response = self.attach()
        self.assertEqual(response.status_code, 302)
        evidence = self.mine().get(name="统计局反馈表.pdf")
        self.assertEqual((evidence.key, evidence.size), ("gdp_growth", 10))
        self.assertEqual(evidence.added_by, self.reporter_shibei)
        entry = AuditEntry.objects.filter(action=Action.EVIDENCE_ADDED).latest("pk")
        self.assertEqual((entry.unit, entry.actor), (UNIT, self.reporter_shibei))
        url = reverse("workflow:evidence_file", args=[evidence.pk])
        self.assertEqual(b"".join(self.client.get(url).streaming_content), b"%PDF-1.4 x")

        self.login(self.office)
        page = self.client.get(reverse("workflow:unit", args=[PERIOD, UNIT])).content.decode()
        self.assertIn(url, page)
        self.assertIn("统计局反馈表.pdf", page)
        download = self.client.get(url)
        self.assertEqual(download.status_code, 200)
        self.assertEqual(b"".join(download.streaming_content), b"%PDF-1.4 x")

    def test_no_other_unit_nor_an_outsider_sees_or_fetches_it(self) -> None:
        self.login(self.reporter_shibei)
        self.attach()
        evidence = self.mine().get(name="统计局反馈表.pdf")
        url = reverse("workflow:evidence_file", args=[evidence.pk])
        remove = reverse("workflow:evidence_remove", args=[evidence.pk])
        self.login(self.reporter_licang)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(remove).status_code, 404)
        self.assertEqual(self.attach().status_code, 403)  # to 市北区's figures
        licang = self.client.get(reverse("workflow:unit", args=[PERIOD, "licang"]))
        self.assertNotIn(url, licang.content.decode())
        for user in (self.outsider, self.viewer):
            self.login(user)
            self.assertEqual(self.client.get(url).status_code, 403)
            self.assertEqual(self.client.post(remove).status_code, 403)
            self.assertEqual(self.attach().status_code, 403)
        self.login(None)
        self.assertEqual(self.client.get(url).status_code, 302)  # to the login page
        self.assertTrue(self.mine().filter(pk=evidence.pk).exists())

    def test_the_upload_rules_of_objections_apply(self) -> None:
        self.login(self.reporter_shibei)
        before = self.mine().count()
        self.attach(name="run.exe", data=b"MZ")
        self.attach(name="x" * 300 + ".pdf")
        self.attach(key="no_such_indicator")
        self.attach(key="q1_score")
        with override_settings(LEITAI_UPLOAD_MAX_ATTACHMENT_BYTES=4):
            self.attach(data=b"12345")
        self.attach(data=b"")
        self.assertEqual(self.mine().count(), before)

    def test_evidence_is_attached_only_while_the_unit_may_change_its_figures(self) -> None:
        self.login(self.reporter_licang)  # 李沧区 has submitted
        before = Evidence.objects.count()
        response = self.client.post(
            reverse("workflow:evidence_add", args=[PERIOD, "licang"]),
            {"key": "gdp_growth", "file": SimpleUploadedFile("a.pdf", b"%PDF")},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Evidence.objects.count(), before)

    def test_the_reporter_removes_its_own_evidence_audited(self) -> None:
        self.login(self.reporter_shibei)
        self.attach(name="错传.pdf")
        evidence = self.mine().get(name="错传.pdf")
        self.client.post(reverse("workflow:evidence_remove", args=[evidence.pk]))
        self.assertFalse(self.mine().filter(pk=evidence.pk).exists())
        self.assertTrue(AuditEntry.objects.filter(action=Action.EVIDENCE_REMOVED).exists())
