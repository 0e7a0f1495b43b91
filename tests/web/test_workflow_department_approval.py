"""Approval inside a department (issue 11, "Departments the same"): a department's data
provider prepares and submits, the department's 审核人 sends back with a reason or
approves, and only then is the department's submission with the office.

In the demo's 2023Q4, 市住房城乡建设局 has entered its five indicators for every unit and
not submitted them. The office switches two-step approval on for it; it gets a plain
provider "shuju2-zhujian" (赵数据) and a 审核人 "shenhe-zhujian" (钱审核); 市统计局 (which
submitted) gets its own 审核人 "shenhe-tongji", for the requests that reach across.
"""

from __future__ import annotations

from django.urls import reverse

from leitai.web.accounts.models import User
from leitai.web.accounts.services import user_create
from leitai.web.assessments.models import DataValue, Period, Unit
from leitai.web.audit.models import Action, AuditEntry
from leitai.web.errors import ServiceError
from leitai.web.workflow.models import Approval, Department, Submission, UnitStatus
from leitai.web.workflow.selectors import provider_board, provider_rights
from leitai.web.workflow.services import (
    approval_units_set,
    submission_approve,
    submission_submit,
)
from tests.web.base import PASSWORD, BaseTestCase


def _provider(username: str, name: str, department: Department, approver: bool) -> User:
    user = user_create(
        username=username, password=PASSWORD, role=User.Role.PROVIDER, department=department
    )
    user.real_name, user.unit_approver = name, approver
    user.save(update_fields=["real_name", "unit_approver"])
    return user


class DepartmentApprovalTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.q4 = Period.objects.get(code="2023Q4")
        cls.zhujian = Department.objects.get(code="zhujian")
        cls.tongji = Department.objects.get(code="tongji")
        cls.preparer = _provider("shuju2-zhujian", "赵数据", cls.zhujian, approver=False)
        cls.approver = _provider("shenhe-zhujian", "钱审核", cls.zhujian, approver=True)
        cls.approver_tongji = _provider("shenhe-tongji", "孙审核", cls.tongji, approver=True)
        approval_units_set(period=cls.q4, units=[], departments=["zhujian"], user=cls.office)

    def url(self, name: str, department: str = "zhujian") -> str:
        if name in ("provider", "provider_submit"):
            return reverse(f"workflow:{name}", args=["2023Q4"])
        return reverse(f"workflow:{name}", args=["2023Q4", department])

    def status(self, code: str = "zhujian") -> str:
        return next(r for r in provider_board(self.q4) if r.department.code == code).status

    def submit_as(self, user: User) -> None:
        self.login(user)
        self.assertEqual(self.client.post(self.url("provider_submit")).status_code, 302)

    def office_board(self) -> str:
        self.login(self.office)
        response = self.client.get(reverse("workflow:period", args=["2023Q4"]))
        return next(r for r in response.context["providers"] if r.department.code == "zhujian")


class TwoStepDepartmentTests(DepartmentApprovalTestCase):
    def test_sent_back_with_a_reason_then_approved_and_only_then_with_the_office(self) -> None:
        # The provider submits: it waits for the department's 审核人; the office sees 待部门审核.
        self.login(self.preparer)
        page = self.client.get(self.url("provider")).content.decode()
        self.assertIn("提交本部门审核", page)
        self.submit_as(self.preparer)
        self.assertEqual(self.status(), UnitStatus.PENDING_APPROVAL)
        self.assertEqual(self.office_board().status, UnitStatus.PENDING_APPROVAL)
        board = self.client.get(reverse("workflow:period", args=["2023Q4"])).content.decode()
        self.assertIn("待部门审核", board)
        self.assertIn("部门尚未审核", board)
        # Not with the office yet: it cannot return it.
        self.client.post(self.url("provider_return"), {"reason": "x"})
        self.assertEqual(self.status(), UnitStatus.PENDING_APPROVAL)
        # The providers' figures are locked meanwhile.
        self.assertFalse(provider_rights(user=self.preparer, period=self.q4).edit)

        # 审核人 sends back with a reason; the provider reads it and may edit again.
        self.login(self.approver)
        page = self.client.get(self.url("provider")).content.decode()
        self.assertIn("退回本部门数据员", page)
        self.client.post(self.url("provider_send_back"), {"reason": "村改户数与台账不一致"})
        self.assertEqual(self.status(), UnitStatus.SENT_BACK)
        self.assertEqual(self.office_board().status, UnitStatus.SENT_BACK)
        self.login(self.preparer)
        page = self.client.get(self.url("provider"))
        self.assertTrue(page.context["rights"].edit)
        self.assertIn("村改户数与台账不一致", page.content.decode())
        self.assertIn("钱审核", page.content.decode())
        self.client.post(self.url("provider"), {"v:shibei:village_households": "1234"})
        self.assertEqual(
            DataValue.objects.get(
                period=self.q4, unit=Unit.objects.get(code="shibei"), key="village_households"
            ).value,
            "1234",
        )

        # Submitted again, then approved: now it is with the office, which may return it.
        self.submit_as(self.preparer)
        self.login(self.approver)
        self.client.post(self.url("provider_approve"))
        self.assertEqual(self.status(), UnitStatus.SUBMITTED)
        row = self.office_board()
        self.assertEqual(row.status, UnitStatus.SUBMITTED)
        self.assertEqual(
            (row.submission.submitted_by, row.submission.approved_by),
            (self.preparer, self.approver),
        )
        board = self.client.get(reverse("workflow:period", args=["2023Q4"])).content.decode()
        self.assertIn("钱审核（shenhe-zhujian）", board)
        self.client.post(self.url("provider_return"), {"reason": "请核实"})
        self.assertEqual(self.status(), UnitStatus.RETURNED)

        # Every step audited, with who did it, on the one submission of the department.
        submission = Submission.objects.get(period=self.q4, department=self.zhujian)
        steps = [
            (e.action, e.actor_name, e.after["state"], e.note)
            for e in AuditEntry.objects.filter(
                object_type="Submission", object_id=str(submission.pk)
            ).order_by("pk")
        ]
        self.assertEqual(
            steps,
            [
                (Action.SUBMISSION_SUBMITTED, "shuju2-zhujian", "pending_approval", ""),
                (
                    Action.SUBMISSION_SENT_BACK,
                    "shenhe-zhujian",
                    "sent_back",
                    "村改户数与台账不一致",
                ),
                (Action.SUBMISSION_SUBMITTED, "shuju2-zhujian", "pending_approval", ""),
                (Action.SUBMISSION_APPROVED, "shenhe-zhujian", "submitted", ""),
                (Action.SUBMISSION_RETURNED, "kaoheban", "returned", "请核实"),
            ],
        )
        log = self.client.get(reverse("audit:log") + "?action=submission.approved").content
        self.assertIn("钱审核（shenhe-zhujian）", log.decode())

    def test_an_approver_cannot_approve_their_own_preparation(self) -> None:
        self.submit_as(self.approver)
        response = self.client.post(self.url("provider_approve"), follow=True)
        self.assertContains(response, "本部门另一名审核人")
        self.assertEqual(self.status(), UnitStatus.PENDING_APPROVAL)
        with self.assertRaises(ServiceError) as refused:
            submission_approve(period=self.q4, user=self.approver, department=self.zhujian)
        self.assertEqual(refused.exception.code, "own")
        self.assertFalse(AuditEntry.objects.filter(action=Action.SUBMISSION_APPROVED).exists())

    def test_without_approval_the_submission_goes_straight_to_the_office(self) -> None:
        approval_units_set(period=self.q4, units=[], departments=[], user=self.office)
        submission = submission_submit(period=self.q4, user=self.preparer, department=self.zhujian)
        self.assertEqual(submission.state, Submission.State.SUBMITTED)


class CraftedDepartmentRequestTests(DepartmentApprovalTestCase):
    def setUp(self) -> None:
        self.submit_as(self.preparer)

    def post_as(self, user: User, name: str, department: str = "zhujian") -> int:
        self.login(user)
        return self.client.post(self.url(name, department), {"reason": "x"}).status_code

    def test_a_plain_provider_cannot_approve_its_own_department(self) -> None:
        self.assertEqual(self.post_as(self.preparer, "provider_approve"), 403)
        self.assertEqual(self.post_as(self.provider, "provider_send_back"), 403)
        self.assertEqual(self.status(), UnitStatus.PENDING_APPROVAL)

    def test_another_departments_approver_cannot_approve_or_send_back(self) -> None:
        self.assertEqual(self.post_as(self.approver_tongji, "provider_approve"), 403)
        self.assertEqual(self.post_as(self.approver_tongji, "provider_send_back"), 403)
        self.assertEqual(self.status(), UnitStatus.PENDING_APPROVAL)
        # Nor does 住建局's approver reach 市统计局's submission.
        self.assertEqual(self.post_as(self.approver, "provider_approve", "tongji"), 403)
        self.assertEqual(self.status("tongji"), UnitStatus.SUBMITTED)

    def test_unit_approvers_and_the_office_cannot_approve_a_department(self) -> None:
        for user in (self.reporter_shibei, self.office, self.viewer):
            self.assertEqual(self.post_as(user, "provider_approve"), 403, user)
        self.assertEqual(self.status(), UnitStatus.PENDING_APPROVAL)

    def test_a_department_approver_cannot_approve_a_unit(self) -> None:
        approval_units_set(
            period=self.q4, units=["shibei"], departments=["zhujian"], user=self.office
        )
        self.login(self.reporter_shibei)
        self.client.post(reverse("workflow:unit_submit", args=["2023Q4", "shibei"]))
        self.login(self.approver)
        response = self.client.post(reverse("workflow:unit_approve", args=["2023Q4", "shibei"]))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(
            Submission.objects.get(period=self.q4, unit__code="shibei").state,
            Submission.State.PENDING_APPROVAL,
        )


class DepartmentApprovalSettingTests(DepartmentApprovalTestCase):
    def test_the_switch_is_audited_and_refused_without_an_approver_or_once_submitted(
        self,
    ) -> None:
        entry = AuditEntry.objects.filter(action=Action.APPROVAL_CHANGED).get()
        self.assertEqual(entry.after, {"units": [], "departments": ["zhujian"]})
        self.approver_tongji.is_active = False
        self.approver_tongji.save(update_fields=["is_active"])
        self.login(self.office)
        response = self.client.post(
            reverse("workflow:period_approval", args=["2023Q4"]),
            {"departments": ["zhujian", "tongji"]},
            follow=True,
        )
        # 市统计局 has submitted already: its state would change under it.
        self.assertContains(response, "市统计局：数据已提交或正在等待审核")
        self.assertEqual(
            list(Approval.objects.values_list("department__code", flat=True)), ["zhujian"]
        )
        # The units' switches leave the departments' as they are.
        approval_units_set(period=self.q4, units=["shibei"], user=self.office)
        self.assertEqual(
            set(Approval.objects.values_list("unit__code", "department__code")),
            {(None, "zhujian"), ("shibei", None)},
        )

    def test_a_department_without_an_approver_cannot_switch_on(self) -> None:
        approval_units_set(period=self.q4, units=[], departments=[], user=self.office)
        self.approver.is_active = False
        self.approver.save(update_fields=["is_active"])
        with self.assertRaises(ServiceError) as refused:
            approval_units_set(period=self.q4, units=[], departments=["zhujian"], user=self.office)
        self.assertIn("没有可用的审核人账号", refused.exception.messages[0])

    def test_a_submission_is_of_a_unit_or_of_a_department_never_both(self) -> None:
        from django.db import IntegrityError, transaction

        with self.assertRaises(IntegrityError), transaction.atomic():
            Submission.objects.create(
                period=self.q4,
                unit=Unit.objects.get(code="laixi"),
                department=self.zhujian,
                state=Submission.State.SUBMITTED,
            )
        with self.assertRaises(IntegrityError), transaction.atomic():
            Submission.objects.create(period=self.q4, state=Submission.State.SUBMITTED)
