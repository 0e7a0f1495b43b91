"""Reminders reach the departments' data providers (issue 11), each against its own deadline.

The same local SMTP server (aiosmtpd) and HTTP receiver as tests/web/test_reminders_delivery.py;
two workers tick at once. In the period 2030Q3 the units have submitted; 统计局 (its own
deadline in ten hours) has filled one of its two figures, 住建局 (the period's deadline, in
twenty hours) none, 商务局 (its own deadline in ten days) none, and 发改委 has submitted.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email import message_from_bytes
from email.header import decode_header, make_header
from typing import Any

from django.test import TransactionTestCase
from django.utils import timezone

from leitai.web.accounts.models import User
from leitai.web.accounts.services import user_create
from leitai.web.assessments.models import DataValue, Unit
from leitai.web.assessments.services import period_create, scheme_version_create
from leitai.web.reminders.models import (
    Delivery,
    DepartmentDeadline,
    Notification,
    PeriodDeadlines,
    Webhook,
)
from leitai.web.reminders.selectors import period_owed
from leitai.web.reminders.services import reminders_tick
from leitai.web.workflow.models import Assignment, Department, Submission
from tests.web.test_reminders_delivery import (
    PASSWORD,
    Robots,
    _in_threads,
    local_receivers,
)

SCHEME = (
    "id: tiny3\nname: tiny3\nversion: 1\n"
    "units: [{id: ua, name: 甲区}, {id: ub, name: 乙区}]\n"
    "boards:\n"
    "  - {id: x, name: X, points: 100, indicators: [{id: i1, name: I1}, {id: i2, name: I2},"
    " {id: i3, name: I3}, {id: i4, name: I4}, {id: i5, name: I5}]}\n"
)
DEPARTMENTS = {  # code: (name, key, own deadline in hours or None)
    "tongji": ("统计局", "i2", 10),
    "zhujian": ("住建局", "i3", None),
    "shangwu": ("商务局", "i4", 240),
    "fagai": ("发改委", "i5", None),
}


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


class ProviderReminderTests(TransactionTestCase):
    def setUp(self) -> None:
        base = local_receivers(self)
        self.now = timezone.now()
        self._period(base)

    def person(self, name: str, role: str, email: str, **where: Any) -> User:
        user = user_create(username=name, password=PASSWORD, role=role, **where)
        user.email = email
        user.save()
        return user

    def _period(self, base: str) -> None:
        version = scheme_version_create(content=SCHEME, source="tiny3.yaml")
        self.period = period_create(code="2030Q3", scheme_version=version)
        units = {u.code: u for u in Unit.objects.filter(code__in=["ua", "ub"])}
        self.office = self.person("office", User.Role.OFFICE, "office@example.cn")
        self.departments: dict[str, Department] = {}
        self.providers: dict[str, User] = {}
        for code, (name, key, hours) in DEPARTMENTS.items():
            department = Department.objects.create(code=code, name=name)
            self.departments[code] = department
            Assignment.objects.create(department=department, key=key, period=self.period)
            self.providers[code] = self.person(
                f"p_{code}", User.Role.PROVIDER, f"{code}@example.cn", department=department
            )
            if hours is not None:
                DepartmentDeadline.objects.create(
                    period=self.period,
                    department=department,
                    collection_deadline=self.now + timedelta(hours=hours),
                )
        # 住建局's second account has no e-mail (in the app only); a third has left.
        self.zhujian_app = self.person(
            "p_zhujian2", User.Role.PROVIDER, "", department=self.departments["zhujian"]
        )
        gone = self.person(
            "p_zhujian_gone",
            User.Role.PROVIDER,
            "x@example.cn",
            department=self.departments["zhujian"],
        )
        gone.is_active = False
        gone.save()
        for code in ("ua", "ub"):
            reporter = self.person(
                f"rep_{code}", User.Role.REPORTER, f"{code}@example.cn", unit=units[code]
            )
            DataValue.objects.create(
                period=self.period, unit=units[code], key="i1", value="1", updated_by=reporter
            )
            Submission.objects.create(
                period=self.period,
                unit=units[code],
                state=Submission.State.SUBMITTED,
                submitted_by=reporter,
            )
        DataValue.objects.create(
            period=self.period,
            unit=units["ua"],
            key="i2",
            value="5",
            updated_by=self.providers["tongji"],
        )
        for code in ("ua", "ub"):
            DataValue.objects.create(
                period=self.period,
                unit=units[code],
                key="i5",
                value="7",
                updated_by=self.providers["fagai"],
            )
        Submission.objects.create(
            period=self.period,
            department=self.departments["fagai"],
            state=Submission.State.SUBMITTED,
            submitted_by=self.providers["fagai"],
        )
        self.deadline = self.now + timedelta(hours=20)
        PeriodDeadlines.objects.create(
            period=self.period, collection_deadline=self.deadline, days_before="3,1", send_hour=0
        )
        Webhook.objects.create(name="企业微信群", platform="wecom", url=f"{base}/wecom?key=k1")

    def _mails(self, since: int = 0) -> dict[str, tuple[str, str, str]]:
        """Each recipient's mail (received after the first ``since``): subject, text, HTML."""
        out = {}
        for rcpt, content in self.mailbox.received[since:]:
            msg = message_from_bytes(content)
            subject = str(make_header(decode_header(msg["Subject"])))
            parts = {
                p.get_content_type(): p.get_payload(decode=True).decode()
                for p in msg.walk()
                if not p.is_multipart()
            }
            self.assertNotIn(rcpt[0], out)  # once each
            out[rcpt[0]] = (subject, parts["text/plain"], parts["text/html"])
        return out

    def test_the_planner_finds_the_departments_that_owe_with_their_own_deadline(self) -> None:
        owed = {o.department.code: o for o in period_owed(self.period) if o.department}
        self.assertEqual(set(owed), {"tongji", "zhujian", "shangwu"})
        self.assertEqual(
            owed["tongji"].deadline,
            DepartmentDeadline.objects.get(department__code="tongji").collection_deadline,
        )
        self.assertEqual(owed["zhujian"].deadline, self.deadline)
        self.assertEqual(
            owed["tongji"].items, ["各单位数据已填报但尚未提交（2 项中有 1 项为空）。"]
        )
        self.assertTrue(all(o.kind == "provider" for o in owed.values()))
        # The units have all submitted: none of them owes anything.
        self.assertFalse([o for o in period_owed(self.period) if o.unit is not None])

    def test_two_workers_remind_each_provider_who_owes_once_against_its_own_deadline(self) -> None:
        _in_threads(2, lambda: (reminders_tick(), reminders_tick()))
        mails = self._mails()
        self.assertEqual(
            sorted(mails),
            ["office@example.cn", "tongji@example.cn", "zhujian@example.cn"],
        )
        subject, text, html = mails["tongji@example.cn"]
        self.assertEqual(subject, "2030Q3 催报：统计局尚有数据未报")
        tongji_deadline = _when(
            DepartmentDeadline.objects.get(department__code="tongji").collection_deadline
        )
        self.assertIn(f"填报截止时间：{tongji_deadline}。", text)
        self.assertIn("各单位数据已填报但尚未提交（2 项中有 1 项为空）。", text)
        self.assertIn("https://kaohe.example.cn/workflow/periods/2030Q3/provider/", text)
        for line in (
            f"填报截止时间：{tongji_deadline}。",
            "各单位数据已填报但尚未提交（2 项中有 1 项为空）。",
        ):
            self.assertIn(f"<li>{line}</li>", html)  # the HTML part says the same
        subject, text, _html = mails["zhujian@example.cn"]
        self.assertEqual(subject, "2030Q3 催报：住建局尚有数据未报")
        self.assertIn(f"填报截止时间：{_when(self.deadline)}。", text)
        self.assertIn("尚未填报数据（共 2 项：1 个指标 × 各单位）。", text)
        digest = mails["office@example.cn"]
        self.assertEqual(digest[0], "2030Q3 每日汇总")
        self.assertIn("部门报送：4 个中已报送 1 个；尚未报送：商务局、统计局、住建局。", digest[1])
        notes = sorted(Notification.objects.values_list("user__username", "title"))
        self.assertEqual(
            notes,
            [
                ("office", "2030Q3 每日汇总"),
                ("p_tongji", "2030Q3 催报：统计局尚有数据未报"),
                ("p_zhujian", "2030Q3 催报：住建局尚有数据未报"),
                ("p_zhujian2", "2030Q3 催报：住建局尚有数据未报"),
            ],
        )
        tongji = self.departments["tongji"].pk
        points = set(Delivery.objects.values_list("point", flat=True))
        today = timezone.localdate(self.now).isoformat()
        self.assertEqual(points, {"before-1", f"d{tongji}:before-1", f"digest-{today}"})
        # The group robot lists who owes on the period's own schedule: not 统计局 (its own).
        (post,) = Robots.posts
        content = post["body"]["markdown"]["content"]
        self.assertIn("住建局", content)
        self.assertNotIn("统计局", content)
        self.assertFalse(Delivery.objects.exclude(state=Delivery.State.SENT).exists())
        reminders_tick()
        self.assertEqual(len(self.mailbox.received), 3)

    def test_a_department_with_a_later_deadline_is_reminded_when_its_own_point_comes(self) -> None:
        shangwu = DepartmentDeadline.objects.get(department__code="shangwu")
        reminders_tick()
        self.assertNotIn("shangwu@example.cn", self._mails())
        before = len(self.mailbox.received)
        # The day before its own deadline (the period's own deadline long past: the others
        # are reminded as overdue that morning).
        reminders_tick(now=shangwu.collection_deadline - timedelta(hours=12))
        mails = self._mails(since=before)
        self.assertEqual(
            sorted(mails),
            ["office@example.cn", "shangwu@example.cn", "tongji@example.cn", "zhujian@example.cn"],
        )
        self.assertIn("填报截止时间", mails["tongji@example.cn"][1])
        subject, text, _html = mails["shangwu@example.cn"]
        self.assertEqual(subject, "2030Q3 催报：商务局尚有数据未报")
        self.assertIn(f"填报截止时间：{_when(shangwu.collection_deadline)}。", text)
        self.assertTrue(
            Delivery.objects.filter(
                point=f"d{shangwu.department_id}:before-1", user=self.providers["shangwu"]
            ).exists()
        )
        self.assertFalse(Delivery.objects.filter(user=self.providers["fagai"]).exists())

    def test_a_submitted_department_owes_nothing_until_the_office_returns_it(self) -> None:
        self.assertNotIn(
            "fagai", {o.department.code for o in period_owed(self.period) if o.department}
        )
        Submission.objects.filter(department=self.departments["fagai"]).update(
            state=Submission.State.RETURNED
        )
        owed = {o.department.code: o for o in period_owed(self.period) if o.department}
        self.assertEqual(owed["fagai"].items, ["本部门的报送已被退回，请更正后重新报送。"])
