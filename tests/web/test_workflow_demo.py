"""The demo's 2023Q4 is in collection, half way through, so every step can be tried."""

from __future__ import annotations

from leitai.web.accounts.models import User
from leitai.web.assessments.models import Period
from leitai.web.assessments.selectors import period_published_snapshot
from leitai.web.audit.models import AuditEntry
from leitai.web.audit.selectors import audit_verify
from leitai.web.demo import demo_install
from leitai.web.workflow.models import Objection
from leitai.web.workflow.selectors import period_readiness
from tests.web.base import BaseTestCase


class DemoCollectionTests(BaseTestCase):
    def test_the_demo_has_2023q4_in_collection_with_submissions_a_return_and_an_objection(
        self,
    ) -> None:
        q4 = Period.objects.get(code="2023Q4")
        self.assertEqual((q4.state, q4.previous.code), ("collecting", "2023Q3"))
        self.assertIsNone(period_published_snapshot(q4))
        readiness = period_readiness(q4)
        statuses = {r.unit.code: r.status for r in readiness.rows}
        self.assertEqual(
            sorted(u for u, s in statuses.items() if s == "submitted"),
            ["chengyang", "huangdao", "jiaozhou", "jimo", "laoshan", "licang", "shinan"],
        )
        self.assertEqual([u for u, s in statuses.items() if s == "returned"], ["pingdu"])
        self.assertEqual(
            sorted(u for u, s in statuses.items() if s == "filled"), ["laixi", "shibei"]
        )
        self.assertTrue(readiness.draft_current)
        pending = Objection.objects.get(period=q4)
        self.assertEqual(
            (pending.unit.code, pending.key, pending.state),
            ("chengyang", "pipes_renewed", "pending"),
        )
        self.assertIn("12.6", pending.text)
        self.assertTrue(readiness.with_status("returned")[0].submission.return_reason)

    def test_the_demo_is_in_the_audit_log_and_installs_once(self) -> None:
        actions = set(AuditEntry.objects.filter(period="2023Q4").values_list("action", flat=True))
        self.assertEqual(
            actions,
            {
                "period.opened",
                "data.changed",
                "submission.submitted",
                "snapshot.computed",
                "objection.raised",
                "submission.returned",
                "evidence.added",
            },
        )
        count = AuditEntry.objects.count()
        demo_install(accounts=False)
        self.assertEqual(AuditEntry.objects.count(), count)
        self.assertTrue(audit_verify().intact)

    def test_with_accounts_the_demo_work_is_by_the_demo_people(self) -> None:
        Period.objects.filter(code="2023Q4").update(code="2023Q4-old")  # make room
        demo_install()
        q4 = Period.objects.get(code="2023Q4")
        objection = Objection.objects.get(period=q4)
        self.assertEqual(objection.raised_by, User.objects.get(username="chengyang"))
        returned = q4.submissions.get(unit__code="pingdu")
        self.assertEqual(returned.returned_by, User.objects.get(username="office"))

    def test_with_accounts_laoshan_submits_in_two_steps_and_its_approver_is_printed(
        self,
    ) -> None:
        from leitai.web.workflow.models import Approval

        Period.objects.filter(code="2023Q4").update(code="2023Q4-old")  # make room
        last = AuditEntry.objects.order_by("-pk").first().pk  # the entries of the old 2023Q4
        accounts = {a.username: a for a in demo_install()}
        self.assertEqual(accounts["laoshan-shenhe"].description, "审核人 unit approver · 崂山区")
        self.assertTrue(User.objects.get(username="laoshan-shenhe").is_unit_approver)
        q4 = Period.objects.get(code="2023Q4")
        self.assertEqual(
            list(
                Approval.objects.filter(period=q4, unit__isnull=False).values_list(
                    "unit__code", flat=True
                )
            ),
            ["laoshan"],
        )
        laoshan = q4.submissions.get(unit__code="laoshan")
        self.assertEqual(
            (laoshan.state, laoshan.submitted_by.username, laoshan.approved_by.username),
            ("submitted", "laoshan", "laoshan-shenhe"),
        )
        steps = AuditEntry.objects.filter(period="2023Q4", unit="laoshan", pk__gt=last).order_by(
            "pk"
        )
        self.assertEqual(
            [(e.action, e.actor_name) for e in steps if e.action.startswith("submission.")],
            [("submission.submitted", "laoshan"), ("submission.approved", "laoshan-shenhe")],
        )
        self.assertTrue(audit_verify().intact)

    def test_with_accounts_zhujian_approves_inside_and_its_approver_is_printed(self) -> None:
        from leitai.web.workflow.models import Approval
        from leitai.web.workflow.selectors import provider_board

        Period.objects.filter(code="2023Q4").update(code="2023Q4-old")  # make room
        accounts = {a.username: a for a in demo_install()}
        self.assertEqual(
            accounts["zhujian-shenhe"].description, "审核人 department approver · 市住房城乡建设局"
        )
        approver = User.objects.get(username="zhujian-shenhe")
        self.assertTrue(approver.is_department_approver)
        self.assertEqual(approver.department.code, "zhujian")
        q4 = Period.objects.get(code="2023Q4")
        self.assertEqual(
            list(
                Approval.objects.filter(period=q4, department__isnull=False).values_list(
                    "department__code", flat=True
                )
            ),
            ["zhujian"],
        )
        # Not submitted yet: its provider submits to the 审核人, who then approves.
        rows = {r.department.code: r.status for r in provider_board(q4)}
        self.assertEqual(rows, {"tongji": "submitted", "zhujian": "filled"})

    def test_the_demo_has_evidence_on_some_2023q4_figures(self) -> None:
        from leitai.web.workflow.demo import EVIDENCE
        from leitai.web.workflow.models import Evidence

        found = {
            (e.unit.code, e.key, e.name): e.file.read().decode("utf-8")
            for e in Evidence.objects.filter(period__code="2023Q4").select_related("unit")
        }
        self.assertEqual(found, {(u, k, n): text for u, k, n, text in EVIDENCE})
        self.assertTrue(all("示意" in name for _u, _k, name in found))


class DemoRestartMessageTests(BaseTestCase):
    def test_the_restart_message_says_what_the_data_holds(self) -> None:
        from django.utils import translation

        from leitai.web.server import demo_summary

        Period.objects.filter(code="2023Q4").update(state=Period.State.PUBLISHED)
        with translation.override("en"):
            said = demo_summary()
        published = said.split("Published: ")[1].split(";")[0]
        self.assertIn("2023Q4", published)
        self.assertNotIn("Collecting data: 2023Q4", said)

    def test_the_start_speaks_chinese_unless_told_english(self) -> None:
        """``leitai serve --demo`` prints in Chinese by default (``--lang en``: English)."""
        import io
        from pathlib import Path
        from types import SimpleNamespace

        from django.utils import translation

        from leitai.web.server import _print_setup, django_language

        account = SimpleNamespace(username="office", password="leitai-demo", description="考核办")
        printed = {}
        for lang in ("zh", "en"):
            out = io.StringIO()
            with translation.override(django_language(lang)):
                _print_setup(Path("leitai-data"), [account], out)
            printed[lang] = out.getvalue()
        self.assertIn("演示数据已载入。考核期——已发布：2022Q4、", printed["zh"])
        self.assertIn("演示账号：\n  office  leitai-demo  考核办", printed["zh"])
        self.assertRegex(printed["zh"], r"\n  \d+号 +代表  [0-9A-Z-]{19}\n")
        self.assertIn("数据目录：", printed["zh"])
        self.assertIn("Demo loaded. Periods: Published: 2022Q4, ", printed["en"])
        self.assertRegex(printed["en"], r"\n  No\. \d+ +代表  [0-9A-Z-]{19}\n")
        self.assertNotRegex(printed["en"], "[\u4e00-\u9fff]{2}：")


class DemoDatesTests(BaseTestCase):
    def test_the_demo_results_are_dated_in_the_weeks_after_their_quarter(self) -> None:
        for code, day in (
            ("2022Q4", "2023-01-20"),
            ("2023Q1", "2023-04-20"),
            ("2023Q3", "2023-10-20"),
        ):
            snapshot = period_published_snapshot(Period.objects.get(code=code))
            self.assertEqual(snapshot.published_at.astimezone().date().isoformat(), day)
            self.assertLess(snapshot.created_at, snapshot.published_at)


class DemoAccountsRestartTests(BaseTestCase):
    """``leitai serve --demo`` at every start: the demo accounts get the demo password
    back when it was changed, and a start that finds it in place adds nothing."""

    def test_a_second_start_keeps_the_demo_passwords_and_resets_a_changed_one(self) -> None:
        from leitai.web.accounts.models import PasswordHistory
        from leitai.web.demo import DEMO_PASSWORD

        accounts = [a.username for a in demo_install()]
        self.assertIn("office", accounts)
        users = User.objects.filter(username__in=accounts)
        hashes = dict(users.values_list("username", "password"))
        self.assertTrue(all(u.check_password(DEMO_PASSWORD) for u in users))
        # The office changed one demo account's password.
        laoshan = User.objects.get(username="laoshan")
        laoshan.set_password("another-pass-2024")
        laoshan.save()
        hashes["laoshan"] = laoshan.password
        history = PasswordHistory.objects.filter(user__in=users).count()
        before = dict(users.values_list("username", "password_changed_at"))
        count = AuditEntry.objects.count()

        demo_install()

        again = dict(users.values_list("username", "password"))
        self.assertEqual(
            {u for u in again if again[u] != hashes[u]}, {"laoshan"}, "only laoshan is reset"
        )
        laoshan.refresh_from_db()
        self.assertTrue(laoshan.check_password(DEMO_PASSWORD))
        # laoshan's new hash joins its history; the others' histories stay as they were.
        self.assertEqual(PasswordHistory.objects.filter(user__in=users).count(), history + 1)
        # Every account's password age counts from this start, as a reset's would.
        after = dict(users.values_list("username", "password_changed_at"))
        self.assertTrue(all(after[u] > before[u] for u in accounts), (before, after))
        self.assertEqual(AuditEntry.objects.count(), count)
        self.assertTrue(audit_verify().intact)
