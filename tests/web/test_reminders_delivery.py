"""Acceptance of the reminders: a local SMTP server (aiosmtpd) and a local HTTP receiver
stand in for the mail server and the group robots; two workers tick at once.

Runs on SQLite (threads on the shared in-memory database) and, in the PostgreSQL run of
the web suite (tests/web/test_postgresql.py), on PostgreSQL.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
import urllib.parse
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from django.db import OperationalError, connections
from django.test import TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from leitai.web.accounts.models import User
from leitai.web.accounts.services import user_create
from leitai.web.assessments.models import DataValue, Unit
from leitai.web.assessments.services import period_create, scheme_version_create
from leitai.web.audit.models import AuditEntry
from leitai.web.reminders.models import Delivery, Notification, PeriodDeadlines, Webhook
from leitai.web.reminders.services import MAX_ATTEMPTS, reminders_tick
from leitai.web.workflow.models import Objection, Submission
from tests.web.base import VerifiedClient

SCHEME = (
    "id: tiny\nname: tiny\nversion: 1\n"
    "units: [{id: ua, name: 甲区}, {id: ub, name: 乙区}, {id: uc, name: 丙区}, {id: ud, name: 丁区}]\n"
    "boards:\n"
    "  - {id: x, name: X, points: 100, indicators: [{id: i1, name: I1}, {id: i2, name: I2}]}\n"
)
DATA = "unit,indicator,value\nua,i1,1\nua,i2,9\nub,i1,2\nud,i1,5\nud,i2,6\n"
PASSWORD = "correct horse battery staple"


class Mailbox:
    """An aiosmtpd handler that keeps what it receives, or refuses it while ``refuse``."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []
        self.refused = 0
        self.refuse = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            self.refused += 1
            return "451 4.3.0 Try again later"
        self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


class Robots(BaseHTTPRequestHandler):
    posts: list[dict[str, Any]] = []
    # What a platform answers a message it does not take (WeCom's keyword check).
    refusal: bytes | None = None

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        url = urllib.parse.urlsplit(self.path)
        Robots.posts.append(
            {
                "path": url.path,
                "query": dict(urllib.parse.parse_qsl(url.query)),
                "body": json.loads(self.rfile.read(length)),
                "type": self.headers.get("Content-Type"),
            }
        )
        answer = b'{"code": 0, "msg": "success"}' if url.path == "/feishu" else b'{"errcode": 0}'
        answer = Robots.refusal or answer
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: Any) -> None:
        pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _in_threads(count: int, target: Any) -> None:
    """``count`` workers running ``target`` at once; a locked in-memory SQLite is retried
    as a database file's busy timeout would wait."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run() -> None:
        barrier.wait()
        try:
            for attempt in range(300):
                try:
                    target()
                    return
                except OperationalError as exc:
                    if "locked" not in str(exc) or attempt == 299:
                        raise
                    time.sleep(0.01)
        except BaseException as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    if errors:
        raise errors[0]


IMMEDIATE = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["leitai"]}
}


def local_receivers(test: Any, **settings: Any) -> str:
    """Start a local SMTP server (``test.mailbox``, ``test.smtp``) and a robot receiver
    (``test.http``) for ``test``, point Django's mail and the task queue at them, and
    return the receiver's origin (allowed as a robot host: it stands in for the platforms).
    Everything is stopped and restored at the test's cleanup; ``settings`` add more."""
    test.mailbox = Mailbox()
    test.smtp = Controller(test.mailbox, hostname="127.0.0.1", port=_free_port())
    test.smtp.start()
    test.addCleanup(test.smtp.stop)
    Robots.posts = []
    Robots.refusal = None
    test.http = ThreadingHTTPServer(("127.0.0.1", 0), Robots)
    threading.Thread(target=test.http.serve_forever, daemon=True).start()
    test.addCleanup(test.http.server_close)
    test.addCleanup(test.http.shutdown)
    base = f"http://127.0.0.1:{test.http.server_address[1]}"
    mail = override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=test.smtp.port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        DEFAULT_FROM_EMAIL="kaoheban@example.cn",
        LEITAI_BASE_URL="https://kaohe.example.cn",
        LEITAI_TASKS_BACKEND="immediate",
        TASKS=IMMEDIATE,
        LEITAI_ROBOT_HOSTS=[base],
        **settings,
    )
    mail.enable()
    test.addCleanup(mail.disable)
    return base


class ReminderDeliveryTests(TransactionTestCase):
    client_class = VerifiedClient  # the office logs in with its second factor, as in use

    def setUp(self) -> None:
        base = local_receivers(self, LEITAI_REMINDERS_BACKOFF=0.3)
        self._period(base)

    def _period(self, base: str) -> None:
        version = scheme_version_create(content=SCHEME, source="tiny.yaml")
        self.period = period = period_create(code="2030Q2", scheme_version=version)
        units = {u.code: u for u in Unit.objects.filter(code__in=["ua", "ub", "uc", "ud"])}

        def person(name: str, role: str, unit: str | None, email: str) -> User:
            user = user_create(
                username=name, password=PASSWORD, role=role, unit=units.get(unit or "")
            )
            user.email = email
            user.save()
            return user

        self.office = person("office", User.Role.OFFICE, None, "office@example.cn")
        self.rep_a = person("rep_a", User.Role.REPORTER, "ua", "a@example.cn")  # submitted
        self.rep_b = person("rep_b", User.Role.REPORTER, "ub", "b@example.cn")  # filled
        self.rep_c = person("rep_c", User.Role.REPORTER, "uc", "")  # nothing; no e-mail
        self.viewer = person("viewer", User.Role.VIEWER, None, "v@example.cn")
        self.rep_d = person("rep_d", User.Role.REPORTER, "ud", "d@example.cn")  # by the office
        # Entered by the units' own reporters (figures only the office entered would count
        # as done: the workflow's "entered by the office").
        reporter = {"ua": self.rep_a, "ub": self.rep_b, "ud": self.office}
        for row in DATA.splitlines()[1:]:
            unit, key, value = row.split(",")
            DataValue.objects.create(
                period=period, unit=units[unit], key=key, value=value, updated_by=reporter[unit]
            )
        Submission.objects.create(
            period=period,
            unit=units["ua"],
            state=Submission.State.SUBMITTED,
            submitted_by=self.rep_a,
        )
        Objection.objects.create(
            period=period,
            unit=units["ua"],
            text="请核对",
            raised_by=self.rep_a,
            revision=1,
            result_sha256="0" * 64,
        )
        PeriodDeadlines.objects.create(
            period=period,
            collection_deadline=timezone.now() + timedelta(hours=20),
            days_before="3,1",
            send_hour=0,
        )
        self.wecom = Webhook.objects.create(
            name="企业微信群", platform="wecom", url=f"{base}/wecom?key=k1"
        )
        self.ding = Webhook.objects.create(
            name="钉钉群",
            platform="dingtalk",
            url=f"{base}/ding?access_token=t",
            secret="SECding",
            format="text",
        )
        self.feishu = Webhook.objects.create(
            name="飞书群", platform="feishu", url=f"{base}/feishu", secret="feishu-secret"
        )

    def _mails(self) -> list[tuple[str, str]]:
        from email import message_from_bytes
        from email.header import decode_header, make_header

        out = []
        for rcpt, content in self.mailbox.received:
            msg = message_from_bytes(content)
            out.append((rcpt[0], str(make_header(decode_header(msg["Subject"])))))
        return sorted(out)

    def test_two_workers_send_each_reminder_once_to_exactly_who_owes(self) -> None:
        _in_threads(2, lambda: (reminders_tick(), reminders_tick()))
        self.assertEqual(
            self._mails(),
            [
                ("b@example.cn", "2030Q2 催报：乙区尚有数据未报"),
                ("office@example.cn", "2030Q2 每日汇总"),
                ("office@example.cn", "2030Q2：有异议等待答复"),
            ],
        )
        notes = sorted(Notification.objects.values_list("user__username", "title"))
        self.assertEqual(
            notes,
            [
                ("office", "2030Q2 每日汇总"),
                ("office", "2030Q2：有异议等待答复"),
                ("rep_b", "2030Q2 催报：乙区尚有数据未报"),
                ("rep_c", "2030Q2 催报：丙区尚有数据未报"),
            ],
        )
        self.assertEqual(sorted(p["path"] for p in Robots.posts), ["/ding", "/feishu", "/wecom"])
        self.assertFalse(Delivery.objects.exclude(state=Delivery.State.SENT).exists())
        sent = Delivery.objects.count()
        self.assertEqual(sent, 3 + 4 + 3)
        self.assertEqual(AuditEntry.objects.filter(action="reminder.sent").count(), sent)
        # Later ticks of the same points send nothing again.
        reminders_tick()
        self.assertEqual(len(self.mailbox.received), 3)
        self.assertEqual(len(Robots.posts), 3)

    def test_robot_bodies_follow_each_platforms_format_and_signature(self) -> None:
        reminders_tick()
        posts = {p["path"]: p for p in Robots.posts}
        self.assertTrue(all(p["type"].startswith("application/json") for p in posts.values()))
        wecom = posts["/wecom"]
        self.assertEqual(wecom["query"], {"key": "k1"})
        self.assertEqual(set(wecom["body"]), {"msgtype", "markdown"})
        self.assertEqual(wecom["body"]["msgtype"], "markdown")
        self.assertIn("乙区", wecom["body"]["markdown"]["content"])
        self.assertIn(
            "https://kaohe.example.cn/workflow/periods/2030Q2/",
            wecom["body"]["markdown"]["content"],
        )
        ding = posts["/ding"]
        self.assertEqual(ding["body"]["msgtype"], "text")
        self.assertIn("丙区", ding["body"]["text"]["content"])
        ts = ding["query"]["timestamp"]
        self.assertLess(abs(int(ts) - time.time() * 1000), 60_000)
        expected = base64.b64encode(
            hmac.new(b"SECding", f"{ts}\nSECding".encode(), hashlib.sha256).digest()
        ).decode()
        self.assertEqual(ding["query"]["sign"], expected)
        self.assertEqual(ding["query"]["access_token"], "t")
        feishu = posts["/feishu"]["body"]
        self.assertEqual(feishu["msg_type"], "post")
        post = feishu["content"]["post"]["zh_cn"]
        self.assertEqual(post["title"], "2030Q2 催报：尚有数据未报的单位")
        self.assertTrue(
            all(isinstance(row, list) and row[0]["tag"] in ("text", "a") for row in post["content"])
        )
        fts = int(feishu["timestamp"])
        self.assertLess(abs(fts - time.time()), 60)
        key = f"{fts}\nfeishu-secret".encode()
        self.assertEqual(
            feishu["sign"], base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
        )

    def test_a_failing_mail_server_is_retried_and_shown_not_lost(self) -> None:
        self.mailbox.refuse = True
        reminders_tick()
        waiting = Delivery.objects.filter(channel=Delivery.Channel.EMAIL)
        self.assertEqual(waiting.count(), 3)
        for delivery in waiting:
            self.assertEqual((delivery.state, delivery.attempts), (Delivery.State.PENDING, 1))
            self.assertIn("451", delivery.error)
            self.assertTrue(delivery.error.startswith("邮件服务器未接收该催报："), delivery.error)
            self.assertIsNotNone(delivery.next_attempt_at)
        self.client.force_login(self.office)
        board = self.client.get(
            reverse("workflow:period", args=[self.period.code])
        ).content.decode()
        self.assertIn("未发出的催报", board)
        self.assertIn("451", board)
        # The server is back: after the pause the next tick delivers each mail once.
        self.mailbox.refuse = False
        time.sleep(0.35)
        reminders_tick()
        self.assertEqual(len(self.mailbox.received), 3)
        self.assertFalse(Delivery.objects.exclude(state=Delivery.State.SENT).exists())
        board = self.client.get(
            reverse("workflow:period", args=[self.period.code])
        ).content.decode()
        self.assertNotIn("未发出的催报", board)

    def test_a_robot_that_refuses_is_shown_to_the_office_in_its_language(self) -> None:
        Robots.refusal = b'{"errcode": 310000, "errmsg": "keywords not in content"}'
        reminders_tick()
        refused = Delivery.objects.filter(channel=Delivery.Channel.WEBHOOK)
        self.assertTrue(refused.exists())
        for delivery in refused:
            self.assertEqual((delivery.state, delivery.attempts), (Delivery.State.PENDING, 1))
            self.assertTrue(delivery.error.startswith("群机器人拒收了该催报："), delivery.error)
            self.assertIn("310000", delivery.error)
        self.client.force_login(self.office)
        board = self.client.get(reverse("workflow:period", args=[self.period.code]))
        self.assertContains(board, "群机器人拒收了该催报")
        Robots.refusal = b"<html>busy</html>"
        time.sleep(0.35)  # the pause before the next attempt
        reminders_tick()
        self.assertEqual(
            {d.error for d in Delivery.objects.filter(channel=Delivery.Channel.WEBHOOK)},
            {"群机器人的回复不是 JSON。"},
        )

    def test_a_mail_server_that_keeps_failing_ends_in_a_visible_failure(self) -> None:
        self.mailbox.refuse = True
        with override_settings(LEITAI_REMINDERS_BACKOFF=0):
            for _ in range(MAX_ATTEMPTS + 2):
                reminders_tick()
        failed = Delivery.objects.filter(state=Delivery.State.FAILED)
        self.assertEqual(failed.count(), 3)
        self.assertEqual({d.attempts for d in failed}, {MAX_ATTEMPTS})
        self.assertEqual(self.mailbox.refused, 3 * MAX_ATTEMPTS)
        self.assertEqual(AuditEntry.objects.filter(action="reminder.failed").count(), 3)
        self.client.force_login(self.office)
        board = self.client.get(
            reverse("workflow:period", args=[self.period.code])
        ).content.decode()
        self.assertIn("未发出的催报", board)
        self.assertIn("发送失败", board)
