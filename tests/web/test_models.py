from __future__ import annotations

import hashlib

from leitai.web.assessments.models import Period, Snapshot, SnapshotFrozen
from tests.web.base import BaseTestCase


class SnapshotTests(BaseTestCase):
    def test_a_published_snapshot_cannot_be_saved_again(self) -> None:
        snapshot = Snapshot.objects.published().get(period__code="2023Q1")
        snapshot.result = "{}"
        with self.assertRaises(SnapshotFrozen):
            snapshot.save()

    def test_a_published_snapshot_cannot_be_updated_in_bulk_or_deleted(self) -> None:
        published = Snapshot.objects.published().filter(period__code="2023Q1")
        with self.assertRaises(SnapshotFrozen):
            published.update(result="{}")
        with self.assertRaises(SnapshotFrozen):
            published.delete()
        with self.assertRaises(SnapshotFrozen):
            published.get().delete()

    def test_a_snapshot_keeps_the_hash_of_its_result_and_of_its_inputs(self) -> None:
        snapshot = Snapshot.objects.published().get(period__code="2023Q2")
        self.assertEqual(
            hashlib.sha256(snapshot.result.encode()).hexdigest(), snapshot.result_sha256
        )
        self.assertEqual(len(snapshot.inputs_sha256), 64)
        self.assertEqual(snapshot.scheme_sha256, snapshot.scheme_version.sha256)
        self.assertEqual(snapshot.previous_ranks["shibei"], 6)

    def test_the_demo_periods_are_chained_and_published(self) -> None:
        # The quarters' chain (the demo also has the annual period 2023 and a grouped variant).
        quarters = Period.objects.filter(code__regex=r"^[0-9]{4}Q[1-4]$").order_by("code")
        codes = list(quarters.values_list("code", "previous__code", "state"))
        self.assertEqual(codes[0], ("2022Q4", None, "published"))
        self.assertEqual(codes[1], ("2023Q1", "2022Q4", "published"))
        self.assertEqual(codes[-1], ("2024Q1", "2023Q4", "collecting"))

    def test_a_draft_may_still_be_replaced(self) -> None:
        self.draft.reason = "checked"
        self.draft.save()
        self.draft.delete()
        self.assertFalse(Snapshot.objects.filter(period=self.draft_period).exists())
