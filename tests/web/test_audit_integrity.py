"""The keyed audit chain and its anchors: what ``leitai verify`` and the office page find."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from unittest import mock

from django.db import connection
from django.test import override_settings
from django.urls import reverse

from leitai.web.assessments.models import Period, Snapshot
from leitai.web.assessments.selectors import period_published_snapshot
from leitai.web.audit.integrity import (
    KEY_PROBE,
    anchor_write,
    audit_key_problem,
    integrity_report,
)
from leitai.web.audit.models import AuditEntry
from leitai.web.audit.selectors import (
    GENESIS,
    audit_head,
    canonical_time,
    entry_expected_digest,
)
from tests.web.base import BaseTestCase

DROP = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS audit_entry_no_update",
        "DROP TRIGGER IF EXISTS audit_entry_no_delete",
    ],
    "postgresql": [
        "SET CONSTRAINTS ALL IMMEDIATE",
        "ALTER TABLE audit_auditentry DISABLE TRIGGER USER",
    ],
}


def sql(statement: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def drop_triggers() -> None:
    for statement in DROP[connection.vendor]:
        sql(statement)


def codes(report) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.code for p in report.problems]


class KeyedChainTests(BaseTestCase):
    def setUp(self) -> None:
        self.data_dir = tempfile.TemporaryDirectory(prefix="leitai-anchors-")
        self.enterContext(override_settings(DATA_DIR=self.data_dir.name))
        self.addCleanup(self.data_dir.cleanup)

    def test_the_demo_verifies_intact_with_the_publications_as_anchors(self) -> None:
        report = integrity_report()
        self.assertEqual(report.problems, [])
        published = Snapshot.objects.published().count()
        self.assertEqual(report.anchors, published)
        self.assertEqual(len(report.snapshots), published)
        self.assertEqual(report.entries, AuditEntry.objects.count())

    def test_a_publication_writes_the_chain_head_into_the_snapshot(self) -> None:
        for snapshot in Snapshot.objects.published():
            entry = AuditEntry.objects.get(pk=snapshot.chain_head_id)
            self.assertEqual(entry.digest, snapshot.chain_head_digest)

    def test_timestamps_enter_the_digest_to_the_microsecond_in_utc(self) -> None:
        moment = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=8)))
        self.assertEqual(canonical_time(moment), "2024-01-01T19:04:05.000000Z")
        self.assertEqual(
            canonical_time(moment.replace(microsecond=120)), "2024-01-01T19:04:05.000120Z"
        )

    def test_the_installations_key_fits_and_another_is_named_as_the_reason_to_stop(
        self,
    ) -> None:
        self.assertIsNone(audit_key_problem())
        with mock.patch.dict(os.environ, {"LEITAI_AUDIT_KEY": "not-this-installations-key"}):
            problem = audit_key_problem()
        assert problem is not None
        self.assertIn("本进程的审计密钥（LEITAI_AUDIT_KEY）不是本系统的", problem)
        self.assertIn("未启动", problem)

    def test_altered_newest_entries_do_not_make_the_key_wrong(self) -> None:
        # Every newest entry but one altered: the key still verifies that one, and the
        # alterations are for the verification to report, not for a start to refuse.
        newest = list(AuditEntry.objects.order_by("-pk")[:KEY_PROBE])
        drop_triggers()
        for entry in newest[:-1]:
            sql("UPDATE audit_auditentry SET note = 'forged' WHERE id = %s", [entry.pk])
        self.assertIsNone(audit_key_problem())
        sql("UPDATE audit_auditentry SET note = 'forged' WHERE id = %s", [newest[-1].pk])
        self.assertIsNotNone(audit_key_problem())

    def test_a_middle_edit_is_found(self) -> None:
        entry = AuditEntry.objects.order_by("pk")[5]
        drop_triggers()
        sql("UPDATE audit_auditentry SET note = 'forged' WHERE id = %s", [entry.pk])
        report = integrity_report()
        self.assertEqual(codes(report), ["audit.entry_altered"])
        self.assertEqual(report.problems[0].params["id"], entry.pk)

    def test_a_chain_recomputed_without_the_key_is_found(self) -> None:
        """Plain SHA-256 digests, recomputed in order after an edit, as the old chain was."""
        drop_triggers()
        entries = list(AuditEntry.objects.order_by("pk"))
        sql("UPDATE audit_auditentry SET note = 'forged' WHERE id = %s", [entries[3].pk])
        previous = GENESIS
        for entry in AuditEntry.objects.order_by("pk"):
            document = {"id": entry.pk, "note": entry.note, "previous": previous}
            digest = hashlib.sha256(json.dumps(document).encode()).hexdigest()
            sql(
                "UPDATE audit_auditentry SET previous_digest = %s, digest = %s WHERE id = %s",
                [previous, digest, entry.pk],
            )
            previous = digest
        report = integrity_report()
        self.assertIn("audit.entry_altered", codes(report))
        self.assertEqual(report.problems[0].params["id"], entries[0].pk)
        # ... and the publications' anchors no longer match either.
        self.assertIn("audit.anchor_differs", codes(report))

    def test_a_chain_recomputed_with_the_right_key_but_a_removed_entry_breaks_a_link(self) -> None:
        entries = list(AuditEntry.objects.order_by("pk"))
        drop_triggers()
        sql("DELETE FROM audit_auditentry WHERE id = %s", [entries[4].pk])
        report = integrity_report()
        self.assertEqual(report.problems[0].code, "audit.link_broken")
        self.assertEqual(report.problems[0].params["id"], entries[5].pk)

    def test_the_tail_cut_after_a_backup_is_found_by_the_anchors_file(self) -> None:
        anchor_write(audit_head(), source="backup nightly.zip")
        last = AuditEntry.objects.order_by("-pk").first()
        self.assertEqual(integrity_report().problems, [])
        drop_triggers()
        sql("DELETE FROM audit_auditentry WHERE id = %s", [last.pk])
        report = integrity_report()
        self.assertEqual(codes(report), ["audit.anchor_missing"])
        self.assertEqual(report.problems[0].params["source"], "backup nightly.zip")

    def test_the_tail_cut_between_backups_is_found_by_the_head_the_server_kept(self) -> None:
        from leitai.web.audit.services import audit_record

        with self.captureOnCommitCallbacks(execute=True):
            last = audit_record(action="settings.changed", actor=self.office, after={"x": 1})
        with open(f"{self.data_dir.name}/audit_head.json", encoding="utf-8") as handle:
            self.assertEqual(json.load(handle)["id"], last.pk)
        self.assertEqual(integrity_report().problems, [])
        drop_triggers()
        sql("DELETE FROM audit_auditentry WHERE id = %s", [last.pk])
        report = integrity_report()
        self.assertEqual(codes(report), ["audit.anchor_missing"])
        self.assertEqual(report.problems[0].params["source"], "audit_head.json")

    def test_the_tail_cut_back_past_a_publication_is_found_by_its_snapshot(self) -> None:
        published = period_published_snapshot(Period.objects.get(code="2023Q3"))
        drop_triggers()
        sql("DELETE FROM audit_auditentry WHERE id >= %s", [published.chain_head_id])
        report = integrity_report()
        self.assertIn("audit.anchor_missing", codes(report))
        self.assertIn("snapshot.publication_unrecorded", codes(report))

    def test_a_wiped_log_is_found(self) -> None:
        drop_triggers()
        if connection.vendor == "postgresql":
            sql("ALTER TABLE audit_auditentry DISABLE TRIGGER ALL")
            sql("TRUNCATE audit_auditentry")
        else:
            sql("DELETE FROM audit_auditentry")
        report = integrity_report()
        self.assertEqual(report.entries, 0)
        self.assertGreaterEqual(codes(report).count("audit.anchor_missing"), 4)

    def test_an_anchor_written_outside_leitai_is_refused(self) -> None:
        anchor_write(audit_head(), source="backup")
        path = f"{self.data_dir.name}/audit_anchors.jsonl"
        with open(path, encoding="utf-8") as handle:
            record = json.loads(handle.readline())
        record["id"] = 1
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")
        self.assertEqual(codes(integrity_report()), ["anchor.invalid"])

    def test_the_expected_digest_depends_on_the_key(self) -> None:
        entry = AuditEntry.objects.order_by("pk").first()
        self.assertEqual(entry_expected_digest(entry, GENESIS), entry.digest)
        with self.settings(), self.modify_env("another key"):
            self.assertNotEqual(entry_expected_digest(entry, GENESIS), entry.digest)

    def modify_env(self, key: str):  # type: ignore[no-untyped-def]
        from unittest import mock

        return mock.patch.dict("os.environ", {"LEITAI_AUDIT_KEY": key})


class IntegrityPageTests(BaseTestCase):
    def test_the_office_reads_the_chain_state_and_every_published_result(self) -> None:
        self.login(self.office)
        response = self.client.get(reverse("audit:log"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "记录校验通过")
        published = (
            Snapshot.objects.published().count()
        )  # the demo's quarters and its grouped variant
        self.assertContains(response, 'data-integrity="ok"', count=published)

    def test_the_page_locates_an_altered_result_and_a_broken_chain(self) -> None:
        published = period_published_snapshot(Period.objects.get(code="2023Q2"))
        entry = AuditEntry.objects.order_by("pk")[2]
        drop_triggers()
        sql("UPDATE audit_auditentry SET note = 'forged' WHERE id = %s", [entry.pk])
        sql(
            {
                "sqlite": "DROP TRIGGER IF EXISTS snapshot_published_no_update",
                "postgresql": "ALTER TABLE assessments_snapshot DISABLE TRIGGER USER",
            }[connection.vendor]
        )
        sql("UPDATE assessments_snapshot SET reason = 'x' WHERE id = %s", [published.pk])
        self.login(self.office)
        response = self.client.get(reverse("audit:log"))
        self.assertContains(response, "记录未通过校验")
        self.assertContains(response, f"审计日志第 #{entry.pk} 条与其密钥摘要不符")
        self.assertContains(response, "2023Q2 第 1 版结果与其封签不符")
        self.assertContains(response, 'data-integrity="seal"', count=1)
