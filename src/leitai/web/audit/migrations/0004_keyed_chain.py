"""The chain becomes keyed (HMAC-SHA256 under the audit key, timestamps to the
microsecond), the entries already stored are sealed again under the key, and the
triggers learn the guard (:mod:`leitai.web.audit.guard`): DELETE is now refused on
SQLite as well, and TRUNCATE on PostgreSQL."""

from __future__ import annotations

from django.db import migrations, models

SQLITE = [
    "DROP TRIGGER IF EXISTS audit_entry_no_update;",
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry
    WHEN leitai_guarded() BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
    """CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_auditentry
    WHEN leitai_guarded() BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_entry_no_delete;",
    "DROP TRIGGER IF EXISTS audit_entry_no_update;",
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
]
POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
    BEGIN
      IF leitai_guarded() THEN RAISE EXCEPTION 'the audit log is append-only'; END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END; $$ LANGUAGE plpgsql;""",
    "DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry;",
    """CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only();""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_auditentry;",
    """CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql;""",
]


def _triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    from leitai.web.audit.guard import POSTGRESQL_FUNCTION

    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_FUNCTION)
        for statement in POSTGRESQL:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


def _triggers_back(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}.get(vendor, []):
        schema_editor.execute(statement)


def _reseal(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Seal the entries already stored under the key, in order (the old chain was unkeyed)."""
    from leitai.web.audit.guard import guard_lifted
    from leitai.web.audit.selectors import GENESIS, entry_expected_digest

    entry_model = apps.get_model("audit", "AuditEntry")
    alias = schema_editor.connection.alias
    entries = list(entry_model.objects.using(alias).order_by("pk"))
    if not entries:
        return
    previous = GENESIS
    with guard_lifted(alias):
        for entry in entries:
            digest = entry_expected_digest(entry, previous)
            entry_model.objects.using(alias).filter(pk=entry.pk).update(
                previous_digest=previous, digest=digest
            )
            previous = digest


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_alter_auditentry_action")]

    operations = [
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("scheme.version_created", "Scheme version saved"),
                    ("period.opened", "Period opened"),
                    ("period.state_changed", "Period state changed"),
                    ("data.changed", "Figures changed"),
                    ("submission.submitted", "Figures submitted"),
                    ("submission.returned", "Submission returned"),
                    ("objection.raised", "Objection raised"),
                    ("objection.answered", "Objection answered"),
                    ("snapshot.computed", "Draft result computed"),
                    ("snapshot.published", "Result published"),
                    ("snapshot.revised", "Revision published"),
                    ("target.created", "Target created"),
                    ("target.changed", "Target changed"),
                    ("target.deleted", "Target deleted"),
                    ("actual.reported", "Progress reported"),
                    ("actual.corrected", "Progress corrected"),
                    ("targets.imported", "Targets imported"),
                    ("actuals.imported", "Progress imported"),
                    ("arena.session_created", "Arena session created"),
                    ("arena.session_changed", "Arena session changed"),
                    ("arena.pledge_recorded", "Pledge recorded"),
                    ("settings.changed", "Site settings changed"),
                    ("admin.added", "Added in the admin"),
                    ("admin.changed", "Changed in the admin"),
                    ("admin.deleted", "Deleted in the admin"),
                ],
                db_index=True,
                max_length=64,
                verbose_name="action",
            ),
        ),
        migrations.RunPython(_triggers, _triggers_back),
        migrations.RunPython(_reseal, migrations.RunPython.noop),
    ]
