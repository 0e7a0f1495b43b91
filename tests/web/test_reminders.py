"""Deadlines, who owes what, the bell and the office's pages (the demo's 2023Q4)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from leitai.web.assessments.models import Period
from leitai.web.audit.models import AuditEntry
from leitai.web.reminders.channels import email_send
from leitai.web.reminders.models import Delivery, Notification, PeriodDeadlines, Webhook
from leitai.web.reminders.selectors import due_points, period_owed
from leitai.web.reminders.services import reminders_send_due
from leitai.web.workflow.anomalies import period_alert_rows
from leitai.web.workflow.models import Department
from tests.web.base import BaseTestCase


def _at(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


class DuePointTests(BaseTestCase):
    def schedule(self, **kw: object) -> PeriodDeadlines:
        values = {
            "collection_deadline": _at("2030-01-10 17:00"),
            "days_before": "3,1",
            "send_hour": 9,
        }
        return PeriodDeadlines(period=self.draft_period, **{**values, **kw})

    def test_the_nearest_point_before_the_deadline_is_due_and_the_digest_each_morning(self) -> None:
        d = self.schedule()
        self.assertEqual(due_points(d, _at("2030-01-06 12:00")), ["digest-2030-01-06"])
        self.assertEqual(due_points(d, _at("2030-01-07 17:00")), ["before-3", "digest-2030-01-07"])
        self.assertEqual(due_points(d, _at("2030-01-09 18:00")), ["before-1", "digest-2030-01-09"])
        self.assertEqual(due_points(d, _at("2030-01-10 08:00")), ["before-1"])

    def test_every_morning_once_overdue(self) -> None:
        d = self.schedule(digest=False)
        self.assertEqual(due_points(d, _at("2030-01-10 18:00")), [])
        self.assertEqual(due_points(d, _at("2030-01-11 08:59")), [])
        self.assertEqual(due_points(d, _at("2030-01-11 09:00")), ["overdue-2030-01-11"])
        self.assertEqual(
            due_points(self.schedule(digest=False, overdue_daily=False), _at("2030-01-12 10:00")),
            [],
        )


class OwedTests(BaseTestCase):
    def test_units_not_submitted_returned_or_with_unexplained_anomalies_owe_and_the_office_owes_answers(
        self,
    ) -> None:
        from leitai.web.assessments.models import Period

        period = Period.objects.get(code="2023Q4")
        owed = {
            o.unit.code if o.unit else o.department.code if o.department else "office": o
            for o in period_owed(period)
        }
        anomalous = {a.unit.code for a in period_alert_rows(period) if not a.explained}
        # 市住房城乡建设局 has not submitted its five indicators; 市统计局 has.
        self.assertEqual(set(owed) - anomalous, {"shibei", "laixi", "pingdu", "zhujian", "office"})
        self.assertEqual(owed["zhujian"].kind, "provider")
        self.assertIn("城阳区", owed["office"].items[0])
        self.assertTrue(any("退回" in item for item in owed["pingdu"].items))


class PageTests(BaseTestCase):
    def test_the_bell_counts_unread_notifications_and_marking_read_clears_it(self) -> None:
        note = Notification.objects.create(
            user=self.reporter_shibei, title="催报", link="/workflow/"
        )
        Notification.objects.create(user=self.reporter_licang, title="别人的")
        self.client.force_login(self.reporter_shibei)
        page = self.client.get(reverse("reminders:notifications")).content.decode()
        self.assertIn('data-unread="1"', page)
        self.assertIn("催报", page)
        self.assertNotIn("别人的", page)
        other = Notification.objects.get(title="别人的")
        self.assertEqual(
            self.client.post(reverse("reminders:read", args=[other.pk])).status_code, 404
        )
        self.assertIsNone(Notification.objects.get(pk=other.pk).read_at)
        answer = self.client.post(reverse("reminders:read", args=[note.pk]))
        self.assertRedirects(answer, "/workflow/", fetch_redirect_response=False)
        page = self.client.get(reverse("reminders:notifications")).content.decode()
        self.assertIn('data-unread="0"', page)

    def test_only_the_office_sets_deadlines_and_robots(self) -> None:
        urls = [
            reverse("reminders:period", args=["2023Q4"]),
            reverse("reminders:webhooks"),
            reverse("reminders:webhook_new"),
        ]
        for user in (self.reporter_shibei, self.viewer, self.outsider):
            self.client.force_login(user)
            for url in urls:
                self.assertEqual(self.client.get(url).status_code, 403, (user, url))
            self.assertEqual(
                self.client.post(reverse("reminders:send", args=["2023Q4"])).status_code, 403
            )
        self.client.logout()
        self.assertEqual(self.client.get(urls[0]).status_code, 302)

    def test_the_log_names_the_schedule_points_in_words(self) -> None:
        # A department's reminder against its own deadline (d<id>:…) and a digest.
        period = Period.objects.get(code="2023Q4")
        department = Department.objects.get(code="zhujian")
        for point, user in (
            (f"d{department.pk}:before-1", self.provider),
            ("digest-2024-01-10", self.office),
        ):
            Delivery.objects.create(
                period=period,
                point=point,
                recipient=f"user:{user.pk}",
                channel=Delivery.Channel.APP,
                user=user,
                message={"title": "催报", "lines": []},
            )
        self.client.force_login(self.office)
        page = self.client.get(reverse("reminders:period", args=["2023Q4"])).content.decode()
        self.assertIn("<td>市住房城乡建设局 · 截止前 1 天</td>", page)
        self.assertIn("<td>每日汇总 2024-01-10</td>", page)
        self.assertNotRegex(page, r"<td>(d\d+:)?(before|digest|overdue|manual)-")

    def test_the_office_sets_a_deadline_and_it_is_audited(self) -> None:
        self.client.force_login(self.office)
        answer = self.client.post(
            reverse("reminders:period", args=["2023Q4"]),
            {
                "collection_deadline": "2030-01-10T17:00",
                "days_before": "5，2",
                "send_hour": "8",
                "overdue_daily": "on",
                "digest": "on",
                "active": "on",
            },
        )
        self.assertEqual(answer.status_code, 302)
        d = PeriodDeadlines.objects.get(period__code="2023Q4")
        self.assertEqual((d.day_list, d.send_hour), ([5, 2], 8))
        page = self.client.get(reverse("reminders:period", args=["2023Q4"])).content.decode()
        self.assertIn('value="2030-01-10T17:00"', page)  # what a datetime-local input shows
        entry = AuditEntry.objects.filter(action="reminder.schedule_changed").first()
        self.assertEqual(entry.actor, self.office)
        self.assertEqual(entry.after["days_before"], "5,2")

    def test_a_robots_secret_is_stored_audited_as_set_and_never_shown_back(self) -> None:
        self.client.force_login(self.office)
        data = {
            "name": "钉钉群",
            "platform": "dingtalk",
            "url": "https://oapi.dingtalk.com/robot/send?access_token=x",
            "format": "markdown",
            "active": "on",
            "secret": "SECtopsecret",
        }
        self.assertEqual(self.client.post(reverse("reminders:webhook_new"), data).status_code, 302)
        webhook = Webhook.objects.get()
        self.assertEqual(webhook.secret, "SECtopsecret")
        page = self.client.get(
            reverse("reminders:webhook_edit", args=[webhook.pk])
        ).content.decode()
        self.assertNotIn("SECtopsecret", page)
        self.client.post(
            reverse("reminders:webhook_edit", args=[webhook.pk]),
            {**data, "secret": "", "name": "钉钉二群"},
        )
        webhook.refresh_from_db()
        self.assertEqual((webhook.name, webhook.secret), ("钉钉二群", "SECtopsecret"))
        entries = AuditEntry.objects.filter(action__startswith="reminder.robot_")
        self.assertEqual(entries.count(), 2)
        self.assertFalse(any("SECtopsecret" in str(e.after) + str(e.before) for e in entries))
        self.assertTrue(entries.first().after["signed"])

    def test_the_office_sends_a_reminder_by_hand_from_the_status_board(self) -> None:
        self.reporter_shibei.email = "shibei@example.cn"
        self.reporter_shibei.save()
        self.client.force_login(self.office)
        board = self.client.get(reverse("workflow:period", args=["2023Q4"])).content.decode()
        self.assertIn(reverse("reminders:send", args=["2023Q4"]), board)
        with self.captureOnCommitCallbacks(execute=True):
            answer = self.client.post(reverse("reminders:send", args=["2023Q4"]))
        self.assertRedirects(
            answer, reverse("workflow:period", args=["2023Q4"]), fetch_redirect_response=False
        )
        mine = Delivery.objects.filter(user=self.reporter_shibei, point__startswith="manual-")
        self.assertEqual(
            set(mine.values_list("channel", "state")), {("app", "sent"), ("email", "sent")}
        )
        self.assertFalse(
            Delivery.objects.filter(user=self.reporter_licang, point__startswith="manual-").exists()
        )
        self.assertEqual([m.to for m in mail.outbox], [["shibei@example.cn"]])
        self.assertIn("市北区", mail.outbox[0].subject)
        self.assertTrue(
            AuditEntry.objects.filter(action="reminder.requested", actor=self.office).exists()
        )
        self.assertEqual(reminders_send_due(), 0)  # nothing left, nothing twice

    @override_settings(LEITAI_BASE_URL="https://kaohe.example.cn")
    def test_the_reminder_email_has_a_text_and_an_html_part(self) -> None:
        message = {
            "title": "2023Q4 催报：市北区尚有数据未报",
            "lines": ["填报截止时间：2024-01-10 17:00。", "尚未填报数据（共 20 项）。"],
            "link": "/workflow/periods/2023Q4/units/shibei/",
            "name": "田宝",
        }
        email_send(to="shibei@example.cn", message=message)
        sent = mail.outbox[0]
        self.assertIn("田宝，您好：", sent.body)
        self.assertIn("https://kaohe.example.cn/workflow/periods/2023Q4/units/shibei/", sent.body)
        html, kind = sent.alternatives[0]
        self.assertEqual(kind, "text/html")
        self.assertIn("<li>尚未填报数据（共 20 项）。</li>", html)
        self.assertIn('href="https://kaohe.example.cn/workflow/periods/2023Q4/units/shibei/"', html)

    def test_planning_a_point_twice_inserts_its_reminders_once(self) -> None:
        from leitai.web.assessments.models import Period
        from leitai.web.reminders.services import reminders_plan

        period = Period.objects.get(code="2023Q4")
        first = reminders_plan(period=period, point="before-1")
        self.assertGreater(first, 0)
        # A planned point is not worked out again (every tick goes through every due point).
        from unittest import mock

        with mock.patch("leitai.web.reminders.services._point_rows") as rows:
            self.assertEqual(reminders_plan(period=period, point="before-1"), 0)
        rows.assert_not_called()
        self.assertEqual(Delivery.objects.filter(point="before-1").count(), first)


class WorkerTickTests(BaseTestCase):
    @override_settings(LEITAI_REMINDERS_EVERY=3600)
    def test_the_worker_plans_reminders_at_most_once_per_interval(self) -> None:
        from unittest import mock

        from leitai.web.tasks import worker

        worker._next_reminders = 0.0
        with mock.patch("leitai.web.reminders.services.reminders_tick") as tick:
            worker._reminders_tick()
            worker._reminders_tick()
        self.assertEqual(tick.call_count, 1)


class DepartmentDeadlineTests(BaseTestCase):
    """2023Q4 of the demo: its collection deadline two days after the demo was built."""

    def setUp(self) -> None:
        from leitai.web.assessments.models import Period

        self.q4 = Period.objects.get(code="2023Q4")
        self.main = PeriodDeadlines.objects.get(period=self.q4).collection_deadline
        self.url = reverse("reminders:period", args=["2023Q4"])

    def post(self, **values: str):  # type: ignore[no-untyped-def]
        data = {"form": "departments", **{f"dept-{k}": v for k, v in values.items()}}
        return self.client.post(self.url, data)

    def test_the_office_sets_a_departments_deadline_shown_to_it_and_on_the_board(self) -> None:
        from leitai.web.reminders.models import DepartmentDeadline

        # The demo gives 市住房城乡建设局 a deadline a day before the period's.
        zhujian = DepartmentDeadline.objects.get(period=self.q4).collection_deadline
        self.assertEqual(zhujian, self.main - timedelta(days=1))
        keep = timezone.localtime(zhujian).strftime("%Y-%m-%dT%H:%M")
        self.client.force_login(self.office)
        page = self.client.get(self.url).content.decode()
        self.assertIn('name="dept-tongji"', page)
        self.assertIn(f'name="dept-zhujian" value="{keep}"', page)
        earlier = timezone.localtime(self.main - timedelta(days=2)).replace(second=0, microsecond=0)
        answer = self.post(tongji=earlier.strftime("%Y-%m-%dT%H:%M"), zhujian=keep)
        self.assertRedirects(answer, self.url, fetch_redirect_response=False)
        own = DepartmentDeadline.objects.get(period=self.q4, department__code="tongji")
        self.assertEqual(own.collection_deadline, earlier)
        entry = AuditEntry.objects.filter(action="reminder.schedule_changed").get()
        self.assertEqual(entry.actor, self.office)
        self.assertEqual(
            (entry.before["collection_deadline"], entry.after["department"]), (None, "tongji")
        )
        board = self.client.get(reverse("workflow:period", args=["2023Q4"])).content.decode()
        row = board[board.index('data-department="tongji"') :]
        self.assertIn(earlier.strftime("%Y-%m-%d %H:%M"), row[: row.index("</tr>")])
        self.assertNotIn("本期截止时间", row[: row.index("</tr>")])
        self.login(self.provider)  # 市住房城乡建设局's
        page = self.client.get(reverse("workflow:provider", args=["2023Q4"])).content.decode()
        mine = page[page.index("data-provider-deadline") :]
        self.assertIn(timezone.localtime(zhujian).strftime("%Y-%m-%d %H:%M"), mine[:300])
        # Cleared: the period's deadline applies again, on the board and the provider's page.
        self.client.force_login(self.office)
        self.post(tongji="", zhujian="")
        self.assertFalse(DepartmentDeadline.objects.exists())
        self.assertEqual(AuditEntry.objects.filter(action="reminder.schedule_changed").count(), 3)
        self.login(self.provider)
        page = self.client.get(reverse("workflow:provider", args=["2023Q4"])).content.decode()
        mine = page[page.index("data-provider-deadline") :]
        self.assertIn("本期截止时间", mine[:400])

    def test_a_deadline_after_the_periods_own_is_refused_with_the_department_named(self) -> None:
        from leitai.web.reminders.models import DepartmentDeadline

        self.client.force_login(self.office)
        later = timezone.localtime(self.main + timedelta(days=3))
        answer = self.post(tongji=later.strftime("%Y-%m-%dT%H:%M"))
        self.assertEqual(answer.status_code, 200)
        errors = answer.context["departments"].errors
        self.assertIn("市统计局", str(errors["tongji"]))
        self.assertIn("晚于本期填报截止时间", str(errors["tongji"]))
        self.assertFalse(DepartmentDeadline.objects.filter(department__code="tongji").exists())
        self.assertFalse(AuditEntry.objects.filter(action="reminder.schedule_changed").exists())

    def test_only_the_office_sets_them(self) -> None:
        from leitai.web.reminders.models import DepartmentDeadline

        for user in (self.provider, self.reporter_shibei):
            self.client.force_login(user)
            self.assertEqual(self.post(tongji="2023-12-30T17:00").status_code, 403)
        self.assertFalse(DepartmentDeadline.objects.filter(department__code="tongji").exists())


class ProviderAnomalyTests(BaseTestCase):
    def test_an_unexplained_anomaly_of_a_departments_indicator_is_owed_by_the_department(
        self,
    ) -> None:
        from leitai.web.assessments.models import DataValue, Period
        from leitai.web.workflow.models import Assignment, Department

        # 住建局 supplies the renewal investment too (an indicator with a change alert);
        # 市北区's figure jumps far beyond 60 % of the last quarter's.
        period = Period.objects.get(code="2023Q4")
        Assignment.objects.create(
            department=Department.objects.get(code="zhujian"),
            key="renewal_investment",
            period=period,
        )
        value = DataValue.objects.get(period=period, unit__code="shibei", key="renewal_investment")
        DataValue.objects.filter(pk=value.pk).update(value=str(float(value.value) * 50 + 1000))
        alerts = [a for a in period_alert_rows(period) if not a.explained]
        self.assertIn(("shibei", "renewal_investment"), {(a.unit.code, a.key) for a in alerts})
        owed = period_owed(period)
        zhujian = next(o for o in owed if o.department and o.department.code == "zhujian")
        self.assertTrue(any("市北区" in item and "异常值未说明" in item for item in zhujian.items))
        shibei = [o for o in owed if o.unit is not None and o.unit.code == "shibei"]
        name = next(a.name for a in alerts if a.key == "renewal_investment")
        self.assertFalse(any(name in item for o in shibei for item in o.items))
