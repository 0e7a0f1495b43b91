from __future__ import annotations

import json

import yaml
from django.db import IntegrityError
from django.utils import translation

from leitai.demo import demo_periods
from leitai.engine import DataError, SchemeError
from leitai.web.assessments.models import DataValue, Snapshot
from leitai.web.assessments.services import (
    data_values_import,
    period_compute,
    scheme_version_create,
    scheme_version_save,
    snapshot_publish,
    snapshot_recompute,
)
from leitai.web.errors import ServiceError
from tests.web.base import BaseTestCase


class SchemeVersionTests(BaseTestCase):
    def test_storing_the_same_version_again_returns_the_stored_one(self) -> None:
        path = demo_periods()[0].scheme_path
        first = scheme_version_create(content=path.read_bytes())
        again = scheme_version_create(content=path.read_bytes())
        self.assertEqual(first.pk, again.pk)

    def test_different_rules_under_a_stored_version_number_are_refused(self) -> None:
        text = (
            demo_periods()[0]
            .scheme_path.read_text(encoding="utf-8")
            .replace("points: 40", "points: 41")
        )
        # In the reader's language (Chinese by default), naming the file and the version.
        with self.assertRaisesMessage(
            ServiceError, "edited.yaml：考核办法 qingdao-2023-quarterly 的第 1 版"
        ):
            scheme_version_create(content=text, source="edited.yaml")
        with (
            translation.override("en"),
            self.assertRaisesMessage(ServiceError, "give the new rules a new version number"),
        ):
            scheme_version_create(content=text, source="edited.yaml")

    def test_a_taken_number_without_a_version_line_to_renumber_is_refused_in_words(self) -> None:
        text = demo_periods()[0].scheme_path.read_text(encoding="utf-8")
        # The same rules in a flow mapping: no line "version: 1" to rewrite.
        flowed = json.dumps(
            {**yaml.safe_load(text), "boards": yaml.safe_load(text)["boards"][:1]},
            ensure_ascii=False,
        )
        with self.assertRaisesMessage(ServiceError, "第 1 版已被其他规则占用"):
            scheme_version_save(text=flowed, comment="只留一个板块")

    def test_an_invalid_scheme_is_refused_with_its_yaml_path(self) -> None:
        text = (
            demo_periods()[0]
            .scheme_path.read_text(encoding="utf-8")
            .replace("points: 40", "points: -1")
        )
        with self.assertRaises(SchemeError) as caught:
            scheme_version_create(
                content=text.replace("version: 1", "version: 9"), source="bad.yaml"
            )
        self.assertIn("boards[0].points", str(caught.exception))


class ComputeAndPublishTests(BaseTestCase):
    def test_the_demo_reproduces_the_published_first_quarter_flags(self) -> None:
        snapshot = Snapshot.objects.published().get(period__code="2023Q1")
        rows = {r["unit"]: r for r in json.loads(snapshot.result)["results"]}
        self.assertEqual(
            {u for u, r in rows.items() if "vanguard" in r["flags"]}, {"huangdao", "jiaozhou"}
        )
        self.assertEqual(
            {u for u, r in rows.items() if "climber" in r["flags"]}, {"jimo", "shibei", "licang"}
        )

    def test_a_snapshot_recomputes_to_the_same_bytes_from_its_own_inputs(self) -> None:
        snapshot = Snapshot.objects.published().get(period__code="2023Q3")
        self.assertEqual(snapshot_recompute(snapshot=snapshot).to_json(), snapshot.result)

    def test_computing_again_replaces_the_draft_and_never_a_published_result(self) -> None:
        again = period_compute(period=self.draft_period)
        self.assertEqual(again.revision, self.draft.revision)
        self.assertEqual(self.draft_period.snapshots.count(), 1)

    def test_publishing_freezes_the_draft_and_the_period(self) -> None:
        snapshot = snapshot_publish(snapshot=self.draft, user=self.office)
        self.draft_period.refresh_from_db()
        self.assertTrue(snapshot.is_published)
        self.assertEqual(self.draft_period.state, "published")
        self.assertEqual(snapshot.published_by, self.office)
        with self.assertRaisesMessage(ServiceError, "该结果已经发布。"):
            snapshot_publish(snapshot=snapshot)

    def test_a_revision_of_a_published_result_needs_a_reason_and_keeps_the_first(self) -> None:
        first = snapshot_publish(snapshot=self.draft)
        second = period_compute(period=self.draft_period)
        with self.assertRaisesMessage(ServiceError, "修订已发布的结果须说明原因。"):
            snapshot_publish(snapshot=second)
        revised = snapshot_publish(snapshot=second, reason="市北区数据更正")
        self.assertEqual(revised.revision, first.revision + 1)
        self.assertEqual(self.draft_period.snapshots.published().count(), 2)

    def test_a_table_with_a_bad_cell_changes_nothing(self) -> None:
        path = demo_periods()[-1].data_path
        text = path.read_text(encoding="utf-8").replace(
            "shinan,gdp_growth,", "shinan,gdp_growth,abc", 1
        )
        before = list(
            DataValue.objects.filter(period=self.draft_period).values_list("value", flat=True)
        )
        with self.assertRaises(DataError) as caught:
            data_values_import(period=self.draft_period, source=text.encode(), filename="bad.csv")
        self.assertIn("bad.csv", str(caught.exception))
        after = list(
            DataValue.objects.filter(period=self.draft_period).values_list("value", flat=True)
        )
        self.assertEqual(before, after)

    def test_a_data_value_is_unique_per_period_unit_and_indicator(self) -> None:
        value = DataValue.objects.filter(period=self.draft_period).first()
        with self.assertRaises(IntegrityError):
            DataValue.objects.create(period=value.period, unit=value.unit, key=value.key, value="1")
