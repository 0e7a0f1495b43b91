"""The migration to one submission model (workflow 0006): every department submission
(``ProviderSubmission``) moves into ``Submission`` with its state, people and times, and
the unit approvals become ``Approval`` rows; backwards, the department rows move back."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

# The accounts' and the units' models as they stand at each end (their data is created here).
BEFORE = [
    ("workflow", "0005_merge_0004_data_providers_0004_unit_approval"),
    ("accounts", "0006_merge_0005_user_department_0005_user_unit_approver"),
]
AFTER = [
    ("workflow", "0006_one_submission_model"),
    ("accounts", "0007_approver_of_unit_or_department"),
]


class OneSubmissionModelMigrationTests(TransactionTestCase):
    def migrate(self, targets: list[tuple[str, str]]):  # type: ignore[no-untyped-def]
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        assessments = [n for n in executor.loader.graph.leaf_nodes() if n[0] == "assessments"]
        executor.migrate(targets)
        return executor.loader.project_state(targets + assessments).apps

    def tearDown(self) -> None:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())  # leave the schema as found

    def test_department_submissions_move_into_the_one_model_and_back(self) -> None:
        apps = self.migrate(BEFORE)
        Period = apps.get_model("assessments", "Period")
        period = Period.objects.create(
            code="2023Q4",
            scheme_version=apps.get_model("assessments", "SchemeVersion").objects.create(
                scheme=apps.get_model("assessments", "Scheme").objects.create(code="s", name="s"),
                number=1,
                text="x",
                sha256="0" * 64,
            ),
        )
        unit = apps.get_model("assessments", "Unit").objects.create(code="shibei", name="市北区")
        department = apps.get_model("workflow", "Department").objects.create(
            code="tongji", name="市统计局"
        )
        person = apps.get_model("accounts", "User").objects.create(username="tongji")
        apps.get_model("workflow", "ProviderSubmission").objects.create(
            period=period,
            department=department,
            state="returned",
            submitted_by=person,
            returned_by=person,
            return_reason="请核实",
        )
        apps.get_model("workflow", "Submission").objects.create(
            period=period, unit=unit, state="submitted", submitted_by=person
        )
        apps.get_model("workflow", "UnitApproval").objects.create(period=period, unit=unit)

        apps = self.migrate(AFTER)
        rows = apps.get_model("workflow", "Submission").objects.order_by("pk")
        self.assertEqual(
            [
                (r.unit_id, r.department_id, r.state, r.submitted_by_id, r.return_reason)
                for r in rows
            ],
            [
                (unit.pk, None, "submitted", person.pk, ""),
                (None, department.pk, "returned", person.pk, "请核实"),
            ],
        )
        approvals = apps.get_model("workflow", "Approval").objects.all()
        self.assertEqual([(a.unit_id, a.department_id) for a in approvals], [(unit.pk, None)])

        apps = self.migrate(BEFORE)
        moved_back = apps.get_model("workflow", "ProviderSubmission").objects.get()
        self.assertEqual(
            (moved_back.department_id, moved_back.state, moved_back.return_reason),
            (department.pk, "returned", "请核实"),
        )
        self.assertEqual(apps.get_model("workflow", "Submission").objects.count(), 1)
