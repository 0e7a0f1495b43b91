"""Group robots hardened: the address is HTTPS to an allow-listed host (``LEITAI_ROBOT_HOSTS``)
and the signing secret is write-only, on the product's page and in the admin alike."""

from __future__ import annotations

from django.test import override_settings
from django.urls import reverse

from leitai.web.audit.models import AuditEntry
from leitai.web.errors import ServiceError
from leitai.web.reminders import channels
from leitai.web.reminders.models import Webhook
from leitai.web.reminders.services import webhook_save
from tests.web.base import BaseTestCase

DING = "https://oapi.dingtalk.com/robot/send?access_token=x"


class RobotAddressTests(BaseTestCase):
    def test_only_https_to_the_three_platforms_is_allowed_by_default(self) -> None:
        ok = [
            DING,
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
            "https://OPEN.FEISHU.CN/open-apis/bot/v2/hook/abc",
            "https://open.feishu.cn:443/open-apis/bot/v2/hook/abc",
        ]
        for url in ok:
            self.assertIsNone(channels.robot_url_problem(url), url)
        refused = {
            "http://oapi.dingtalk.com/robot/send": "https://",
            "https://evil.example.com/robot": "evil.example.com",
            "https://oapi.dingtalk.com.evil.example.com/x": "oapi.dingtalk.com.evil.example.com",
            "https://oapi.dingtalk.com:8443/robot/send": "oapi.dingtalk.com",
            "https://user:pw@oapi.dingtalk.com/robot/send": "群机器人",
            "https://127.0.0.1/robot": "127.0.0.1",
            "ftp://oapi.dingtalk.com/x": "https://",
            "https://[::1/": "网址",
        }
        for url, words in refused.items():
            problem = channels.robot_url_problem(url)
            self.assertIsNotNone(problem, url)
            self.assertIn(words, str(problem), url)

    @override_settings(LEITAI_ROBOT_HOSTS=["robots.gov.example", "http://10.1.2.3:8080"])
    def test_the_allow_list_comes_from_the_settings_and_an_origin_entry_is_exact(self) -> None:
        self.assertIsNone(channels.robot_url_problem("https://robots.gov.example/hook"))
        self.assertIsNone(channels.robot_url_problem("http://10.1.2.3:8080/hook"))
        self.assertIsNotNone(channels.robot_url_problem("http://10.1.2.3:8081/hook"))
        self.assertIsNotNone(channels.robot_url_problem("http://robots.gov.example/hook"))
        self.assertIsNotNone(channels.robot_url_problem(DING))

    def test_the_office_page_refuses_a_bad_address_under_its_field(self) -> None:
        self.client.force_login(self.office)
        data = {
            "name": "外部群",
            "platform": "wecom",
            "url": "http://hooks.example.com/wecom",
            "format": "markdown",
            "active": "on",
        }
        page = self.client.post(reverse("reminders:webhook_new"), data)
        self.assertEqual(page.status_code, 200)
        self.assertFalse(Webhook.objects.exists())
        self.assertIn("群机器人的地址必须以 https:// 开头。", page.content.decode())
        self.assertIn("url", page.context["form"].errors)
        page = self.client.post(
            reverse("reminders:webhook_new"), {**data, "url": "https://hooks.example.com/x"}
        )
        self.assertIn("hooks.example.com", str(page.context["form"].errors["url"]))
        self.assertFalse(Webhook.objects.exists())

    def test_the_service_refuses_too_whoever_calls_it(self) -> None:
        with self.assertRaises(ServiceError) as caught:
            webhook_save(actor=self.office, name="x", platform="feishu", url="https://x.example/h")
        self.assertEqual(caught.exception.field, "url")
        self.assertFalse(Webhook.objects.exists())
        self.assertFalse(AuditEntry.objects.filter(action="reminder.robot_added").exists())

    def test_a_stored_robot_outside_the_list_is_never_posted_to(self) -> None:
        robot = Webhook.objects.create(name="旧", platform="wecom", url="https://old.example/h")
        with self.assertRaises(channels.ChannelError) as caught:
            channels.webhook_send(robot, {"title": "t", "lines": []})
        self.assertIn("old.example", str(caught.exception))

    def test_changing_a_robot_logs_the_fields_before_and_after(self) -> None:
        robot = webhook_save(actor=self.office, name="钉钉群", platform="dingtalk", url=DING)
        self.client.force_login(self.office)
        self.client.post(
            reverse("reminders:webhook_edit", args=[robot.pk]),
            {"name": "钉钉二群", "platform": "dingtalk", "url": DING, "format": "markdown"},
        )
        entry = AuditEntry.objects.filter(action="reminder.robot_changed").get()
        self.assertEqual((entry.before["name"], entry.after["name"]), ("钉钉群", "钉钉二群"))


class RobotAdminTests(BaseTestCase):
    def setUp(self) -> None:
        self.office.is_staff = self.office.is_superuser = True
        self.office.save()
        self.client.force_login(self.office)

    def test_the_admin_never_shows_the_secret_and_logs_only_that_it_changed(self) -> None:
        add = reverse("admin:reminders_webhook_add")
        data = {
            "name": "飞书群",
            "platform": "feishu",
            "url": "https://open.feishu.cn/open-apis/bot/v2/hook/abc",
            "format": "markdown",
            "active": "on",
            "secret": "SECadmin",
        }
        answer = self.client.post(add, data)
        self.assertEqual(answer.status_code, 302, answer.content.decode()[:2000])
        robot = Webhook.objects.get()
        self.assertEqual(robot.secret, "SECadmin")
        change = reverse("admin:reminders_webhook_change", args=[robot.pk])
        page = self.client.get(change).content.decode()
        self.assertIn('name="secret"', page)
        self.assertNotIn("SECadmin", page)
        self.client.post(change, {**data, "secret": "SECnew"})
        self.client.post(change, {**data, "secret": "", "name": "飞书二群"})
        robot.refresh_from_db()
        self.assertEqual((robot.name, robot.secret), ("飞书二群", "SECnew"))
        logged = [str(e.before) + str(e.after) for e in AuditEntry.objects.all()]
        self.assertFalse(any("SECadmin" in text or "SECnew" in text for text in logged))

    def test_the_admin_refuses_an_address_outside_the_list(self) -> None:
        answer = self.client.post(
            reverse("admin:reminders_webhook_add"),
            {"name": "x", "platform": "wecom", "url": "https://x.example/h", "format": "text"},
        )
        self.assertEqual(answer.status_code, 200)
        self.assertIn("x.example", answer.content.decode())
        self.assertFalse(Webhook.objects.exists())
