"""The audit log: every change with who, when, before and after; append-only; filterable
and exportable by the office."""

from __future__ import annotations

import csv
import io

import openpyxl
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from leitai.web.assessments.models import Period, Unit
from leitai.web.audit.models import AuditEntry, AuditLogAppendOnly
from leitai.web.audit.selectors import audit_verify
from leitai.web.audit.services import audit_record
from leitai.web.workflow.models import Objection
from leitai.web.workflow.services import (
    objection_answer,
    objection_raise,
    period_result_publish,
    period_review_start,
    submission_return,
    submission_submit,
    unit_figures_save,
)
from tests.web.base import BaseTestCase


class AuditTrailTests(BaseTestCase):
    def test_every_state_change_of_a_period_appears_with_its_before_and_after(self) -> None:
        q4 = Period.objects.get(code="2023Q4")
        shibei, licang = Unit.objects.get(code="shibei"), Unit.objects.get(code="licang")
        start = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
        unit_figures_save(
            period=q4, unit=shibei, user=self.reporter_shibei, values={"gdp_growth": ("6.3", None)}
        )
        submission_submit(period=q4, unit=shibei, user=self.reporter_shibei)
        submission_return(period=q4, unit=shibei, user=self.office, reason="请补充说明")
        objection = objection_raise(period=q4, unit=licang, user=self.reporter_licang, text="有误")
        objection_answer(objection=objection, user=self.office, accepted=False, answer="不予调整")
        objection_answer(
            objection=Objection.objects.get(unit__code="chengyang"),
            user=self.office,
            accepted=True,
            answer="更正",
            corrections={"pipes_renewed": ("12.6", None)},
        )
        period_review_start(period=q4, user=self.office, acknowledge=True)
        period_result_publish(
            period=Period.objects.get(pk=q4.pk), user=self.office, acknowledge=True
        )
        entries = list(AuditEntry.objects.filter(pk__gt=start).order_by("pk"))
        expected = [
            ("data.changed", "tianbao-shibei", {"gdp_growth": "6.1"}, {"gdp_growth": "6.3"}),
            ("submission.submitted", "tianbao-shibei", {"state": None}, {"state": "submitted"}),
            ("submission.returned", "kaoheban", {"state": "submitted"}, {"state": "returned"}),
            ("objection.raised", "tianbao-licang", None, {"state": "pending"}),
            ("objection.answered", "kaoheban", {"state": "pending"}, {"state": "rejected"}),
            ("data.changed", "kaoheban", {"pipes_renewed": None}, {"pipes_renewed": "12.6"}),
            ("objection.answered", "kaoheban", {"state": "pending"}, {"state": "accepted"}),
            ("snapshot.computed", "kaoheban", {"revision": 1}, {"revision": 1}),
            ("period.state_changed", "kaoheban", {"state": "collecting"}, {"state": "review"}),
            ("snapshot.published", "kaoheban", {"state": "draft"}, {"state": "published"}),
            ("period.state_changed", "kaoheban", {"state": "review"}, {"state": "published"}),
        ]
        self.assertEqual([e.action for e in entries], [x[0] for x in expected])
        for entry, (action, who, before, after) in zip(entries, expected, strict=True):
            self.assertEqual(entry.actor_name, who, action)
            for key, value in (before or {}).items():
                self.assertEqual(entry.before[key], value, (action, key))
            if before is None:
                self.assertIsNone(entry.before)
            for key, value in after.items():
                self.assertEqual(entry.after[key], value, (action, key))
            self.assertEqual(entry.period, "2023Q4")
        self.assertTrue(audit_verify().intact)

    def test_switching_the_public_boards_is_recorded_with_before_and_after(self) -> None:
        from leitai.web.accounts.services import site_settings_update

        site_settings_update(public_boards=True, user=self.office)
        start = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
        site_settings_update(public_boards=False, user=self.office)
        site_settings_update(public_boards=False, user=self.office)  # no change, no entry
        [entry] = AuditEntry.objects.filter(pk__gt=start)
        self.assertEqual(entry.action, "settings.changed")
        self.assertEqual(entry.get_action_display(), "修改系统设置")
        self.assertEqual(
            (entry.before, entry.after), ({"public_boards": True}, {"public_boards": False})
        )
        self.assertEqual(entry.actor, self.office)

    def test_every_action_other_apps_record_has_a_label(self) -> None:
        from leitai.web.audit.models import Action

        labels = dict(Action.choices)
        for action in (
            "target.created",
            "actual.reported",
            "targets.imported",
            "actuals.imported",
            "arena.pledge_recorded",
            "arena.session_created",
        ):
            self.assertIn(action, labels)

    def test_an_entry_cannot_be_changed_or_deleted_through_the_model(self) -> None:
        entry = AuditEntry.objects.order_by("pk").first()
        entry.note = "rewritten"
        with self.assertRaises(AuditLogAppendOnly):
            entry.save()
        with self.assertRaises(AuditLogAppendOnly):
            entry.delete()
        with self.assertRaises(AuditLogAppendOnly):
            AuditEntry.objects.filter(pk=entry.pk).update(note="rewritten")
        with self.assertRaises(AuditLogAppendOnly):
            AuditEntry.objects.all().delete()
        self.assertNotEqual(AuditEntry.objects.get(pk=entry.pk).note, "rewritten")

    def test_the_database_refuses_to_update_an_entry(self) -> None:
        entry = AuditEntry.objects.order_by("pk").first()
        with self.assertRaises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditentry SET note = 'x' WHERE id = %s", [entry.pk])
        if connection.vendor == "postgresql":
            with (
                self.assertRaises(DatabaseError),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])

    def test_an_entry_altered_behind_the_applications_back_breaks_the_chain(self) -> None:
        self.assertTrue(audit_verify().intact)
        entry = AuditEntry.objects.order_by("pk")[3]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The deferred foreign-key checks of this test's transaction must run first.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_no_change")
            else:
                cursor.execute("DROP TRIGGER audit_entry_no_update")
            cursor.execute("UPDATE audit_auditentry SET note = 'forged' WHERE id = %s", [entry.pk])
        check = audit_verify()
        self.assertFalse(check.intact)
        self.assertEqual(check.broken_at, entry.pk)

    def test_the_chain_links_each_entry_to_the_one_before(self) -> None:
        first = audit_record(action="period.opened", actor=self.office, note="a")
        second = audit_record(action="period.opened", actor=None, note="b")
        self.assertEqual(second.previous_digest, first.digest)
        self.assertEqual(second.actor_name, "")


class AuditPageTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.office)
        q4 = Period.objects.get(code="2023Q4")
        unit_figures_save(
            period=q4,
            unit=Unit.objects.get(code="shibei"),
            user=self.office,
            values={"gdp_growth": ("6.3", None)},
        )

    def test_the_office_filters_the_log_by_period_unit_action_and_person(self) -> None:
        response = self.client.get(
            reverse("audit:log"),
            {"period": "2023Q4", "unit": "shibei", "action": "data.changed", "actor": "kaoheban"},
        )
        entries = list(response.context["page"])
        self.assertEqual(len(entries), 1)
        self.assertEqual(entries[0].after, {"gdp_growth": "6.3"})
        self.assertContains(response, "数据变更")
        self.assertContains(response, "记录校验通过")
        everything = self.client.get(reverse("audit:log"))
        self.assertEqual(everything.context["page"].paginator.count, AuditEntry.objects.count())

    def test_an_entry_shows_its_before_and_after_side_by_side(self) -> None:
        entry = AuditEntry.objects.filter(action="data.changed").latest("pk")
        response = self.client.get(reverse("audit:entry", args=[entry.pk]))
        self.assertEqual(
            response.context["rows"],
            [{"key": "gdp_growth", "before": "6.1", "after": "6.3", "changed": True}],
        )

    def test_the_filtered_log_exports_as_csv_and_excel(self) -> None:
        response = self.client.get(reverse("audit:export"), {"period": "2023Q4", "unit": "shibei"})
        text = response.content.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        header = ["序号", "时间", "操作人", "操作", "操作代码", "考核期", "单位", "对象", "说明"]
        self.assertEqual(rows[0][:9], header)
        self.assertEqual(
            rows[0][9:], ["变更内容", "变更前（原始记录）", "变更后（原始记录）", "摘要值"]
        )
        self.assertTrue(all(r[5] == "2023Q4" and r[6] == "市北区" for r in rows[1:]))
        # The entry in words, then the exact records its digest covers.
        entry = AuditEntry.objects.filter(action="data.changed").latest("pk")
        self.assertEqual(rows[-1][0], str(entry.pk))
        self.assertEqual(rows[-1][3:5], ["数据变更", "data.changed"])
        self.assertEqual(rows[-1][9], "地区生产总值增速：6.1 → 6.3")
        self.assertEqual(
            rows[-1][10:], ['{"gdp_growth": "6.1"}', '{"gdp_growth": "6.3"}', entry.digest]
        )
        demo = next(r for r in rows[1:] if r[4] == "data.changed" and r[2] == "系统")
        self.assertEqual(demo[8], "示例数据")  # the note's words, not its code ("demo")
        book = self.client.get(reverse("audit:export"), {"format": "xlsx", "period": "2023Q4"})
        sheet = openpyxl.load_workbook(io.BytesIO(book.content)).active
        self.assertEqual(sheet.max_row - 1, AuditEntry.objects.filter(period="2023Q4").count())
        self.assertEqual([c.value for c in sheet[1]][:4], ["序号", "时间", "操作人", "操作"])
        self.client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        english = self.client.get(reverse("audit:export"), {"period": "2023Q4", "unit": "shibei"})
        rows = list(csv.reader(io.StringIO(english.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0][:5], ["No.", "Time", "By", "Action", "Action code"])
        self.assertIn("→ 6.3", rows[-1][9])
