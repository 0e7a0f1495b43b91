"""The audit app's squashed migration (0001_squashed_0013) replaces 0001 to 0013: a fresh
database records both, and a backup's manifest names the replaced ones only, as an
archive written before the squash existed does."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import TestCase

from leitai.web.audit.backup import _applied_migrations


class AuditSquashTests(TestCase):
    def test_the_manifest_leaves_the_squash_out(self) -> None:
        recorded = {
            n for a, n in MigrationRecorder(connection).applied_migrations() if a == "audit"
        }
        self.assertIn("0001_squashed_0013", recorded)
        manifest = _applied_migrations("default")["audit"]
        self.assertEqual(manifest, sorted(recorded - {"0001_squashed_0013"}))
        self.assertEqual(len(manifest), 17)
        self.assertIn("0013_action_code_without_choices", manifest)

    def test_the_triggers_stand(self) -> None:
        if connection.vendor != "sqlite":
            self.skipTest("the SQLite triggers")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_auditentry'"
            )
            names = sorted(row[0] for row in cursor.fetchall())
        self.assertEqual(names, ["audit_entry_no_delete", "audit_entry_no_update"])
