"""The audit log as migrations 0001 to 0013 leave it, in one step for a fresh database.

The thirteen migrations create the table, set the append-only triggers (0002, then 0004's
guarded ones), reseal the entries stored before the chain was keyed (0004: nothing to do on
a fresh database) and otherwise only change the choices of ``action`` (no change in the
database; 0013 drops them). Applying them one by one costs a fresh ``migrate`` about 0.4 s
of CPU, most of it rebuilding the migration state after each choices change; this does the
same in one ``CreateModel`` and the two trigger steps. A database that has applied some of
them goes on with the old ones (``replaces``); one that has applied all of them is
recorded as having applied this.
"""

import importlib

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

_append_only = importlib.import_module("leitai.web.audit.migrations.0002_append_only_triggers")
_keyed_chain = importlib.import_module("leitai.web.audit.migrations.0004_keyed_chain")


class Migration(migrations.Migration):
    initial = True

    replaces = [
        ("audit", "0001_initial"),
        ("audit", "0002_append_only_triggers"),
        ("audit", "0003_alter_auditentry_action"),
        ("audit", "0004_keyed_chain"),
        ("audit", "0004_pledge_capture"),
        ("audit", "0005_merge_0004_keyed_chain_0004_pledge_capture"),
        ("audit", "0006_alter_auditentry_action"),
        ("audit", "0007_account_actions"),
        ("audit", "0007_alter_auditentry_action"),
        ("audit", "0007_arena_scoring_actions"),
        ("audit", "0008_merge"),
        ("audit", "0009_alter_auditentry_action"),
        ("audit", "0010_evidence_actions"),
        ("audit", "0010_reminder_actions"),
        ("audit", "0011_merge"),
        ("audit", "0012_alter_auditentry_action"),
        ("audit", "0013_action_code_without_choices"),
    ]

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "at",
                    models.DateTimeField(
                        db_index=True, default=django.utils.timezone.now, verbose_name="when"
                    ),
                ),
                (
                    "actor_name",
                    models.CharField(blank=True, max_length=150, verbose_name="user name"),
                ),
                (
                    "action",
                    models.CharField(db_index=True, max_length=64, verbose_name="action"),
                ),
                (
                    "period",
                    models.CharField(
                        blank=True, db_index=True, max_length=32, verbose_name="period"
                    ),
                ),
                (
                    "unit",
                    models.CharField(blank=True, db_index=True, max_length=64, verbose_name="unit"),
                ),
                (
                    "object_type",
                    models.CharField(blank=True, max_length=64, verbose_name="object type"),
                ),
                (
                    "object_id",
                    models.CharField(blank=True, max_length=64, verbose_name="object id"),
                ),
                ("summary", models.CharField(blank=True, max_length=300, verbose_name="summary")),
                ("note", models.TextField(blank=True, verbose_name="reason or comment")),
                ("before", models.JSONField(blank=True, null=True, verbose_name="before")),
                ("after", models.JSONField(blank=True, null=True, verbose_name="after")),
                (
                    "previous_digest",
                    models.CharField(max_length=64, verbose_name="digest of the previous entry"),
                ),
                ("digest", models.CharField(max_length=64, unique=True, verbose_name="digest")),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="who",
                    ),
                ),
            ],
            options={
                "verbose_name": "audit entry",
                "verbose_name_plural": "audit log",
                "ordering": ["-pk"],
                "indexes": [models.Index(fields=["period", "unit"], name="audit_period_unit")],
            },
        ),
        # The triggers, as 0002 and then 0004 set them (0004 replaces 0002's SQLite trigger
        # and keeps its PostgreSQL one, so both run, in that order).
        migrations.RunPython(
            _append_only._run(
                {"sqlite": _append_only.SQLITE, "postgresql": _append_only.POSTGRESQL}
            ),
            _append_only._run(
                {
                    "sqlite": _append_only.SQLITE_REVERSE,
                    "postgresql": _append_only.POSTGRESQL_REVERSE,
                }
            ),
        ),
        migrations.RunPython(_keyed_chain._triggers, _keyed_chain._triggers_back),
    ]
