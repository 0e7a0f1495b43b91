"""One submission model for units and departments (issue 15), and approval inside a
department (issue 11).

``Submission`` gets a ``department`` beside its ``unit`` (exactly one of them, a check
constraint); every ``ProviderSubmission`` row moves into it with its state, people and
times, and the model goes. ``UnitApproval`` becomes ``Approval``, for a unit or a
department. The audit log keeps its entries as they were written (an entry about a
department's submission before this migration names the old model and its id).
"""

import django.db.models.deletion
from django.db import migrations, models

MOVED = (
    "state",
    "submitted_at",
    "submitted_by_id",
    "returned_at",
    "returned_by_id",
    "return_reason",
)


def _checked_now(schema_editor, *, immediate: bool) -> None:
    """PostgreSQL defers the foreign-key checks of the rows written here to the end of the
    migration's transaction, and then refuses to alter a table with checks pending: check
    them as they are written, in this migration only."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"SET CONSTRAINTS ALL {'IMMEDIATE' if immediate else 'DEFERRED'}")


def move_provider_submissions(apps, schema_editor):
    old = apps.get_model("workflow", "ProviderSubmission")
    new = apps.get_model("workflow", "Submission")
    _checked_now(schema_editor, immediate=True)
    for row in old.objects.all().order_by("pk"):
        new.objects.create(
            period_id=row.period_id,
            department_id=row.department_id,
            **{name: getattr(row, name) for name in MOVED},
        )
    _checked_now(schema_editor, immediate=False)


def move_back(apps, schema_editor):
    old = apps.get_model("workflow", "ProviderSubmission")
    new = apps.get_model("workflow", "Submission")
    _checked_now(schema_editor, immediate=True)
    for row in new.objects.filter(department__isnull=False).order_by("pk"):
        # The old model knew no approval inside: what waits there counts as not submitted.
        if row.state in ("submitted", "returned"):
            old.objects.create(
                period_id=row.period_id,
                department_id=row.department_id,
                **{name: getattr(row, name) for name in MOVED},
            )
    new.objects.filter(department__isnull=False).delete()
    _checked_now(schema_editor, immediate=False)


def drop_department_approvals(apps, schema_editor):
    """Backwards: the old model knows approval inside units only."""
    apps.get_model("workflow", "Approval").objects.filter(department__isnull=False).delete()


def unit_or_department():
    return models.Q(
        models.Q(("department__isnull", True), ("unit__isnull", False)),
        models.Q(("department__isnull", False), ("unit__isnull", True)),
        _connector="OR",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0006_period_city_table"),
        ("workflow", "0005_merge_0004_data_providers_0004_unit_approval"),
    ]

    operations = [
        # -- Submission: a unit's or a department's ------------------------------------------
        migrations.AddField(
            model_name="submission",
            name="department",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="workflow.department",
                verbose_name="department",
            ),
        ),
        migrations.AlterField(
            model_name="submission",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="submissions",
                to="assessments.unit",
                verbose_name="unit",
            ),
        ),
        migrations.AlterField(
            model_name="submission",
            name="state",
            field=models.CharField(
                choices=[
                    ("submitted", "Submitted"),
                    ("returned", "Returned"),
                    ("pending_approval", "Awaiting approval inside"),
                    ("sent_back", "Sent back by the approver"),
                ],
                max_length=16,
                verbose_name="state",
            ),
        ),
        migrations.AlterModelOptions(
            name="submission",
            options={
                "ordering": ["period", "unit", "department"],
                "verbose_name": "submission",
                "verbose_name_plural": "submissions",
            },
        ),
        migrations.AddConstraint(
            model_name="submission",
            constraint=models.CheckConstraint(
                condition=unit_or_department(), name="submission_unit_or_department"
            ),
        ),
        migrations.AddConstraint(
            model_name="submission",
            constraint=models.UniqueConstraint(
                fields=("period", "department"), name="submission_unique_department"
            ),
        ),
        migrations.RunPython(move_provider_submissions, move_back),
        migrations.DeleteModel(name="ProviderSubmission"),
        migrations.AlterField(
            model_name="submission",
            name="department",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="submissions",
                to="workflow.department",
                verbose_name="department",
            ),
        ),
        # -- Approval inside: of a unit or of a department ------------------------------------
        migrations.RenameModel(old_name="UnitApproval", new_name="Approval"),
        migrations.AlterField(
            model_name="approval",
            name="unit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="approvals",
                to="assessments.unit",
                verbose_name="unit",
            ),
        ),
        migrations.AddField(
            model_name="approval",
            name="department",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="approvals",
                to="workflow.department",
                verbose_name="department",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, drop_department_approvals),
        migrations.AlterModelOptions(
            name="approval",
            options={
                "ordering": ["period", "unit", "department"],
                "verbose_name": "approval inside",
                "verbose_name_plural": "approvals inside",
            },
        ),
        migrations.AddConstraint(
            model_name="approval",
            constraint=models.CheckConstraint(
                condition=unit_or_department(), name="approval_unit_or_department"
            ),
        ),
        migrations.AddConstraint(
            model_name="approval",
            constraint=models.UniqueConstraint(
                fields=("period", "department"), name="approval_unique_department"
            ),
        ),
    ]
