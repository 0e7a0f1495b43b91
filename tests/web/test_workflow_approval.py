"""Approval inside a unit (issue 11): 填报人 prepares and submits, the unit's 审核人 sends
back with a reason or approves, and only then is the submission with the office.

In the demo's 2023Q4, 市北区 has entered figures and not submitted. The office switches
two-step approval on for it; 市北区 gets a second account, its 审核人 "shenhe-shibei"
(the base fixtures' 市北区 reporter is an approver as well).
"""

from __future__ import annotations

from django.urls import reverse

from leitai.web.accounts.models import User
from leitai.web.accounts.services import user_create
from leitai.web.assessments.models import DataValue, Period, Unit
from leitai.web.audit.models import Action, AuditEntry
from leitai.web.errors import ServiceError
from leitai.web.reminders.models import Delivery
from leitai.web.reminders.services import reminders_plan
from leitai.web.workflow.models import Approval, Submission, UnitStatus
from leitai.web.workflow.selectors import period_readiness, unit_row
from leitai.web.workflow.services import approval_units_set
from tests.web.base import PASSWORD, BaseTestCase


class ApprovalTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.q4 = Period.objects.get(code="2023Q4")
        cls.shibei = Unit.objects.get(code="shibei")
        cls.licang = Unit.objects.get(code="licang")
        cls.reporter_shibei.real_name = "王填报"
        cls.reporter_shibei.save(update_fields=["real_name"])
        cls.approver = user_create(
            username="shenhe-shibei",
            password=PASSWORD,
            role=User.Role.REPORTER,
            unit=cls.shibei,
        )
        cls.approver.real_name, cls.approver.unit_approver = "李审核", True
        cls.approver.save(update_fields=["real_name", "unit_approver"])
        # 李沧区's own approver, for the requests that reach across units.
        cls.approver_licang = user_create(
            username="shenhe-licang", password=PASSWORD, role=User.Role.REPORTER, unit=cls.licang
        )
        cls.approver_licang.unit_approver = True
        cls.approver_licang.save(update_fields=["unit_approver"])
        approval_units_set(period=cls.q4, units=["shibei"], user=cls.office)

    def url(self, name: str, unit: str = "shibei") -> str:
        return reverse(f"workflow:{name}", args=["2023Q4", unit])

    def status(self) -> str:
        return unit_row(self.q4, self.shibei).status

    def submit_as(self, user: User) -> None:
        self.login(user)
        self.client.post(self.url("unit_submit"))

    def office_board(self) -> str:
        self.login(self.office)
        response = self.client.get(reverse("workflow:period", args=["2023Q4"]))
        row = next(r for r in response.context["readiness"].rows if r.unit.code == "shibei")
        return row.status


class TwoStepSubmissionTests(ApprovalTestCase):
    def test_sent_back_with_a_reason_then_approved_and_only_then_with_the_office(self) -> None:
        # 填报人 submits: it waits for the unit's 审核人; the office sees 待单位审核.
        self.submit_as(self.reporter_shibei)
        self.assertEqual(self.status(), UnitStatus.PENDING_APPROVAL)
        self.assertEqual(self.office_board(), UnitStatus.PENDING_APPROVAL)
        page = self.client.get(reverse("workflow:period", args=["2023Q4"])).content.decode()
        self.assertIn("待单位审核", page)
        self.assertIn("shibei", [r.unit.code for r in period_readiness(self.q4).outstanding])
        # Not with the office yet: it cannot return it.
        self.client.post(self.url("unit_return"), {"reason": "x"})
        self.assertEqual(self.status(), UnitStatus.PENDING_APPROVAL)
        # The reporter's figures are locked meanwhile.
        self.login(self.reporter_shibei)
        self.assertFalse(self.client.get(self.url("unit")).context["rights"].edit)

        # 审核人 sends back with a reason; the reporter reads it and may edit again.
        self.login(self.approver)
        page = self.client.get(self.url("unit")).content.decode()
        self.assertIn("退回", page)
        self.client.post(self.url("unit_send_back"), {"reason": "规上工业增速与统计局快报不一致"})
        self.assertEqual(self.status(), UnitStatus.SENT_BACK)
        self.assertEqual(self.office_board(), UnitStatus.SENT_BACK)
        self.login(self.reporter_shibei)
        page = self.client.get(self.url("unit"))
        self.assertTrue(page.context["rights"].edit)
        self.assertIn("规上工业增速与统计局快报不一致", page.content.decode())
        self.assertIn("李审核", page.content.decode())
        self.client.post(self.url("unit"), {"v-industry_growth": "7.9"})
        self.assertEqual(
            DataValue.objects.get(period=self.q4, unit=self.shibei, key="industry_growth").value,
            "7.9",
        )

        # Submitted again, then approved: now it is with the office, which may return it.
        self.submit_as(self.reporter_shibei)
        self.assertEqual(self.status(), UnitStatus.PENDING_APPROVAL)
        self.login(self.approver)
        self.client.post(self.url("unit_approve"))
        self.assertEqual(self.status(), UnitStatus.SUBMITTED)
        self.assertEqual(self.office_board(), UnitStatus.SUBMITTED)
        page = self.client.get(reverse("workflow:period", args=["2023Q4"])).content.decode()
        self.assertIn("李审核（shenhe-shibei）", page)
        submission = Submission.objects.get(period=self.q4, unit=self.shibei)
        self.assertEqual(
            (submission.submitted_by, submission.approved_by),
            (self.reporter_shibei, self.approver),
        )

        # Every step audited, with who did it.
        steps = [
            (e.action, e.actor_name, e.after["state"], e.note)
            for e in AuditEntry.objects.filter(
                period="2023Q4", unit="shibei", action__startswith="submission."
            ).order_by("pk")
        ]
        self.assertEqual(
            steps,
            [
                (Action.SUBMISSION_SUBMITTED, "tianbao-shibei", "pending_approval", ""),
                (
                    Action.SUBMISSION_SENT_BACK,
                    "shenhe-shibei",
                    "sent_back",
                    "规上工业增速与统计局快报不一致",
                ),
                (Action.SUBMISSION_SUBMITTED, "tianbao-shibei", "pending_approval", ""),
                (Action.SUBMISSION_APPROVED, "shenhe-shibei", "submitted", ""),
            ],
        )
        # The audit log shows the names (with the login, for the office).
        log = self.client.get(reverse("audit:log") + "?unit=shibei").content.decode()
        self.assertIn("李审核（shenhe-shibei）", log)
        self.assertIn("王填报（tianbao-shibei）", log)

    def test_an_approver_cannot_approve_their_own_preparation(self) -> None:
        self.submit_as(self.approver)
        self.assertEqual(self.status(), UnitStatus.PENDING_APPROVAL)
        response = self.client.post(self.url("unit_approve"), follow=True)
        self.assertContains(response, "另一名审核人")
        self.assertEqual(self.status(), UnitStatus.PENDING_APPROVAL)
        self.assertFalse(AuditEntry.objects.filter(action=Action.SUBMISSION_APPROVED).exists())
        # Another approver of the unit may.
        self.login(self.reporter_shibei)
        self.client.post(self.url("unit_approve"))
        self.assertEqual(self.status(), UnitStatus.SUBMITTED)

    def test_sending_back_needs_a_reason(self) -> None:
        self.submit_as(self.reporter_shibei)
        self.login(self.approver)
        self.client.post(self.url("unit_send_back"), {"reason": "  "})
        self.assertEqual(self.status(), UnitStatus.PENDING_APPROVAL)


class CraftedRequestTests(ApprovalTestCase):
    def setUp(self) -> None:
        self.submit_as(self.reporter_shibei)

    def test_another_units_approver_cannot_approve_or_send_back(self) -> None:
        self.login(self.approver_licang)
        self.assertEqual(self.client.post(self.url("unit_approve")).status_code, 403)
        self.assertEqual(
            self.client.post(self.url("unit_send_back"), {"reason": "x"}).status_code, 403
        )
        self.assertEqual(self.status(), UnitStatus.PENDING_APPROVAL)

    def test_a_plain_reporter_viewer_and_the_office_cannot_approve(self) -> None:
        plain = user_create(
            username="tianbao2-shibei", password=PASSWORD, role=User.Role.REPORTER, unit=self.shibei
        )
        for user in (plain, self.viewer, self.office):
            self.login(user)
            self.assertEqual(self.client.post(self.url("unit_approve")).status_code, 403, user)
        self.assertEqual(self.status(), UnitStatus.PENDING_APPROVAL)

    def test_a_deactivated_approver_cannot_approve(self) -> None:
        self.login(self.approver)
        self.approver.is_active = False
        self.approver.save(update_fields=["is_active"])
        self.assertIn(self.client.post(self.url("unit_approve")).status_code, (302, 403))
        self.assertEqual(self.status(), UnitStatus.PENDING_APPROVAL)

    def test_approving_a_unit_where_nothing_waits_changes_nothing(self) -> None:
        self.login(self.approver_licang)
        before = Submission.objects.get(period=self.q4, unit=self.licang).state
        response = self.client.post(self.url("unit_approve", "licang"), follow=True)
        self.assertContains(response, "没有待审核")
        self.assertEqual(Submission.objects.get(period=self.q4, unit=self.licang).state, before)


class ApprovalSettingTests(ApprovalTestCase):
    def test_the_switch_is_audited_and_refused_for_a_unit_without_an_approver(self) -> None:
        entry = AuditEntry.objects.filter(action=Action.APPROVAL_CHANGED).get()
        self.assertEqual((entry.actor, entry.after), (self.office, {"units": ["shibei"]}))
        self.login(self.office)
        response = self.client.post(
            reverse("workflow:period_approval", args=["2023Q4"]),
            {"units": ["shibei", "laixi"]},
            follow=True,
        )
        self.assertContains(response, "莱西市没有可用的审核人账号")
        self.assertEqual(list(Approval.objects.values_list("unit__code", flat=True)), ["shibei"])

    def test_a_unit_whose_figures_are_submitted_or_waiting_cannot_switch(self) -> None:
        self.submit_as(self.reporter_shibei)
        with self.assertRaises(ServiceError) as refused:
            approval_units_set(period=self.q4, units=[], user=self.office)
        self.assertIn("市北区", refused.exception.messages[0])
        with self.assertRaises(ServiceError):
            approval_units_set(period=self.q4, units=["shibei", "licang"], user=self.office)

    def test_only_the_office_switches(self) -> None:
        with self.assertRaises(ServiceError) as refused:
            approval_units_set(period=self.q4, units=[], user=self.approver)
        self.assertEqual(refused.exception.code, "forbidden")


class ApprovalReminderTests(ApprovalTestCase):
    def test_the_approver_is_reminded_that_an_approval_waits_not_the_preparer(self) -> None:
        self.submit_as(self.approver)  # prepared by one approver: the other must approve
        reminders_plan(period=self.q4, point="manual-approval")
        waiting = Delivery.objects.filter(
            point="manual-approval", recipient__startswith="approval:"
        )
        self.assertEqual({d.user for d in waiting}, {self.reporter_shibei})
        self.assertIn("审核", waiting.first().message["title"])
        self.assertIn("李审核", " ".join(waiting.first().message["lines"]))
        # Nothing about figures owed by 市北区 now: they wait for approval.
        owed = Delivery.objects.filter(point="manual-approval", recipient__startswith="user:")
        self.assertFalse(any("市北区" in d.message["title"] for d in owed))
