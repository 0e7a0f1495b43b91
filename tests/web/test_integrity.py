"""Published results guarded by the database, checked on every read, reproducible to 1e-6."""

from __future__ import annotations

import json
from unittest import mock

from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from leitai.web.assessments.integrity import (
    result_fingerprint,
    snapshot_problem,
)
from leitai.web.assessments.models import Period, Snapshot
from leitai.web.assessments.selectors import period_published_snapshot
from leitai.web.assessments.services import period_compute, snapshot_publish
from tests.web.base import BaseTestCase

DROP_UPDATE_TRIGGER = {
    "sqlite": "DROP TRIGGER IF EXISTS snapshot_published_no_update",
    "postgresql": "DROP TRIGGER IF EXISTS snapshot_published_no_change ON assessments_snapshot",
}


def raw(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def tamper(snapshot: Snapshot, score: float = 99.9, *, fix_hash: bool = True) -> None:
    """What someone with access to the database would do: drop the trigger, set a score."""
    raw(DROP_UPDATE_TRIGGER[connection.vendor])
    document = json.loads(snapshot.result)
    document["results"][-1]["score"] = score
    text = json.dumps(document, ensure_ascii=False)
    import hashlib

    digest = hashlib.sha256(text.encode("utf-8")).hexdigest() if fix_hash else None
    raw(
        "UPDATE assessments_snapshot SET result = %s, result_sha256 = %s WHERE id = %s",
        [text, digest or snapshot.result_sha256, snapshot.pk],
    )


class DatabaseGuardTests(BaseTestCase):
    def test_the_database_refuses_to_update_a_published_snapshot(self) -> None:
        published = Snapshot.objects.published().first()
        with self.assertRaises(DatabaseError), transaction.atomic():
            raw("UPDATE assessments_snapshot SET result = '{}' WHERE id = %s", [published.pk])
        self.assertIsNone(snapshot_problem(Snapshot.objects.get(pk=published.pk)))

    def test_the_database_refuses_to_delete_a_published_snapshot(self) -> None:
        published = Snapshot.objects.published().first()
        with self.assertRaises(DatabaseError), transaction.atomic():
            raw("DELETE FROM assessments_snapshot WHERE id = %s", [published.pk])
        self.assertTrue(Snapshot.objects.filter(pk=published.pk).exists())

    def test_drafts_can_still_be_replaced_and_a_revision_published(self) -> None:
        period = Period.objects.get(code="2023Q3")
        first = period_published_snapshot(period)
        draft = period_compute(period=period, user=self.office)
        draft = period_compute(period=period, user=self.office)  # replaces the draft
        revision = snapshot_publish(snapshot=draft, user=self.office, reason="更正")
        self.assertEqual(revision.revision, first.revision + 1)
        self.assertIsNone(snapshot_problem(Snapshot.objects.get(pk=first.pk)))
        self.assertIsNone(snapshot_problem(Snapshot.objects.get(pk=revision.pk)))
        self.assertTrue(revision.chain_head_id)
        self.assertEqual(len(revision.chain_head_digest), 64)

    def test_every_snapshot_is_sealed_and_the_seal_covers_the_numbers(self) -> None:
        for snapshot in Snapshot.objects.all():
            self.assertIsNone(snapshot_problem(snapshot), snapshot)
        published = Snapshot.objects.published().first()
        tamper(published, fix_hash=False)
        self.assertEqual(snapshot_problem(Snapshot.objects.get(pk=published.pk)), "result")
        tamper(published, fix_hash=True)  # the hash recomputed: the keyed seal still fails
        self.assertEqual(snapshot_problem(Snapshot.objects.get(pk=published.pk)), "seal")


class AlteredResultTests(BaseTestCase):
    def setUp(self) -> None:
        self.period = Period.objects.get(code="2023Q3")
        self.snapshot = period_published_snapshot(self.period)
        tamper(self.snapshot)

    def assert_not_served(self, url: str) -> None:
        self.login(self.office)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 409, url)
        self.assertNotIn("99.9", response.content.decode())
        self.login(self.viewer)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 503, url)
        self.assertNotIn("99.9", response.content.decode())
        self.login(None)
        self.assertEqual(self.client.get(url).status_code, 503, url)

    def test_the_boards_show_a_warning_and_never_the_altered_numbers(self) -> None:
        for name in ("league", "stars", "posters", "book", "compare"):
            self.assert_not_served(reverse(f"boards:{name}", kwargs={"period": "2023Q3"}))
        self.assert_not_served(
            reverse("boards:unit", kwargs={"period": "2023Q3", "unit": "shinan"})
        )
        self.login(self.office)
        page = self.client.get(reverse("boards:league", kwargs={"period": "2023Q3"}))
        self.assertIn("完整性校验未通过", page.content.decode())

    def test_a_comparison_with_the_altered_period_is_not_served(self) -> None:
        url = reverse("boards:compare", kwargs={"period": "2023Q2"}) + "?with=2023Q3"
        self.assert_not_served(url)

    def test_the_api_answers_503_or_409(self) -> None:
        self.login(self.viewer)
        response = self.client.get("/api/periods/2023Q3")
        self.assertEqual(response.status_code, 503)
        self.assertNotIn("99.9", response.content.decode())
        self.assertEqual(response.json()["detail"], "该成绩正在核验，暂不可查看。")
        self.login(self.office)
        office = self.client.get("/api/periods/2023Q3/units/shinan")
        self.assertEqual(office.status_code, 409)
        self.assertEqual(office.json()["detail"], "2023Q3 的成绩未通过完整性校验。")

    def test_the_next_period_is_not_computed_from_altered_ranks(self) -> None:
        from leitai.web.assessments.integrity import SnapshotAltered

        following = Period.objects.get(previous=self.period)
        with self.assertRaises(SnapshotAltered):
            period_compute(period=following, user=self.office)

    def test_a_result_read_without_its_texts_is_checked_with_them_in_one_query(self) -> None:
        """Lists read results without their texts; the check reads the three at once
        (and, for a sound result, its scheme's text in one more)."""
        from leitai.web.assessments.integrity import SnapshotAltered, snapshot_check

        altered = _deferred(self.snapshot)
        with self.assertNumQueries(1), self.assertRaises(SnapshotAltered):
            snapshot_check(altered)
        sound = period_published_snapshot(Period.objects.get(code="2023Q2"))
        assert sound is not None
        one = _deferred(sound)
        with self.assertNumQueries(2):
            snapshot_check(one)
        with_scheme = Snapshot.objects.select_related("scheme_version").get(pk=sound.pk)
        with self.assertNumQueries(0):
            snapshot_check(with_scheme)
        self.assertEqual(
            (one.result, one.inputs, one.explanations),
            (sound.result, sound.inputs, sound.explanations),
        )

    def test_a_later_unit_page_whose_history_reads_the_altered_period_is_not_served(
        self,
    ) -> None:
        # 2023Q3's result is in 2023Q4's unit page: its history and its trend.
        following = Period.objects.get(previous=self.period)
        url = reverse("boards:unit", kwargs={"period": following.code, "unit": "shibei"})
        self.login(self.office)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 409, url)
        self.assertNotIn("99.9", response.content.decode())

    def test_other_periods_are_still_served(self) -> None:
        self.login(self.viewer)
        url = reverse("boards:league", kwargs={"period": "2023Q2"})
        self.assertEqual(self.client.get(url).status_code, 200)


class AlteredSchemeTests(BaseTestCase):
    """The names a result is shown with come from its scheme's stored text, which no
    trigger guards: two indicators' names swapped there would show each one's scores
    under the other's name."""

    def setUp(self) -> None:
        super().setUp()
        self.period = Period.objects.get(code="2023Q2")
        version = self.period.scheme_version
        text = version.text.replace("地区生产总值增速", "@").replace(
            "规模以上工业增加值增速", "地区生产总值增速"
        )
        text = text.replace("@", "规模以上工业增加值增速")
        self.assertNotEqual(text, version.text)
        self.original = version.text
        raw("UPDATE assessments_schemeversion SET text = %s WHERE id = %s", [text, version.pk])

    def test_the_results_are_not_shown_under_the_swapped_names(self) -> None:
        indicator = reverse(
            "boards:indicator", kwargs={"period": "2023Q2", "indicator": "gdp_growth"}
        )
        self.login(self.office)
        response = self.client.get(indicator)
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "与计算该结果时的方案不符", status_code=409)
        self.assertContains(response, "的结果本身与其封签相符", status_code=409)
        self.login(None)
        for url in (indicator, reverse("boards:league", kwargs={"period": "2023Q2"})):
            self.assertEqual(self.client.get(url).status_code, 503, url)

    def test_a_request_reads_a_schemes_text_once_and_the_next_request_again(self) -> None:
        from leitai.web.assessments.integrity import request_reads, snapshot_problem

        version = Period.objects.get(code="2023Q1").scheme_version
        sharing = Snapshot.objects.filter(scheme_version=version, period__code__lt="2023Q3")
        self.assertGreaterEqual(sharing.count(), 2)
        # The swapped names stored in setUp: every result of the version fails.
        read = [_deferred(s) for s in sharing]
        # Each result's texts in one query, the scheme's text once.
        with request_reads(), self.assertNumQueries(len(read) + 1):
            problems = [snapshot_problem(s) for s in read]
        self.assertEqual(set(problems), {"scheme"})
        # Restored, the next request reads the text anew and finds them sound.
        raw(
            "UPDATE assessments_schemeversion SET text = %s WHERE id = %s",
            [self.original, version.pk],
        )
        with request_reads():
            self.assertEqual({snapshot_problem(_deferred(s)) for s in sharing}, {None})

    def test_verify_names_the_results_whose_scheme_was_changed(self) -> None:
        from leitai.web.audit.integrity import integrity_report

        report = integrity_report()
        altered = {p.where.path for p in report.problems if p.code == "snapshot.scheme_altered"}
        shared = Snapshot.objects.filter(scheme_version=self.period.scheme_version)
        self.assertIn("2023Q2/r1", altered)
        self.assertEqual(len(altered), shared.count())
        self.assertFalse(report.intact)

    def test_a_scheme_file_that_began_with_a_byte_order_mark_is_intact(self) -> None:
        from leitai.web.assessments.integrity import scheme_text_matches

        data = "\ufeffid: x\n".encode()
        self.assertTrue(scheme_text_matches(data.decode("utf-8-sig"), sha256(data)))
        self.assertTrue(scheme_text_matches("id: x\n", sha256(b"id: x\n")))
        self.assertFalse(scheme_text_matches("id: y\n", sha256(data)))


class SwappedPeriodTests(BaseTestCase):
    """A period's code is not sealed; each result names the period it was computed for."""

    def setUp(self) -> None:
        super().setUp()
        for old, new in (("2023Q2", "swap"), ("2023Q3", "2023Q2"), ("swap", "2023Q3")):
            raw("UPDATE assessments_period SET code = %s WHERE code = %s", [new, old])

    def test_the_results_are_not_shown_under_each_others_period(self) -> None:
        for period in ("2023Q2", "2023Q3"):
            url = reverse("boards:league", kwargs={"period": period})
            self.login(None)
            self.assertEqual(self.client.get(url).status_code, 503, url)
            self.login(self.office)
            response = self.client.get(url)
            self.assertContains(response, "考核期代码被修改过", status_code=409)
            self.assertContains(response, "的结果本身与其封签相符", status_code=409)
        self.assertEqual(self.client.get("/periods/2023Q1/").status_code, 200)

    def test_verify_names_both_periods(self) -> None:
        from leitai.web.audit.integrity import integrity_report

        report = integrity_report()
        swapped = [p for p in report.problems if p.code == "snapshot.period_altered"]
        self.assertEqual(
            sorted((p.where.path, p.params["computed_for"]) for p in swapped),
            [("2023Q2/r1", "2023Q3"), ("2023Q3/r1", "2023Q2")],
        )
        self.assertFalse(report.intact)


def sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _deferred(snapshot: Snapshot) -> Snapshot:
    """``snapshot`` as a list reads it: without its sealed texts."""
    return Snapshot.objects.defer("inputs", "explanations", "result").get(pk=snapshot.pk)


class StableFingerprintTests(BaseTestCase):
    @staticmethod
    def perturbed(text: str, factor: float) -> str:
        def walk(value):  # type: ignore[no-untyped-def]
            if isinstance(value, float):
                return value * factor
            if isinstance(value, dict):
                return {k: walk(v) for k, v in value.items()}
            if isinstance(value, list):
                return [walk(v) for v in value]
            return value

        return json.dumps(walk(json.loads(text)), ensure_ascii=False)

    def test_the_last_bits_of_the_floats_do_not_change_the_fingerprint(self) -> None:
        text = period_published_snapshot(Period.objects.get(code="2023Q3")).result
        changed = self.perturbed(text, 1 + 4e-16)
        self.assertNotEqual(changed, text)
        self.assertEqual(result_fingerprint(changed), result_fingerprint(text))
        self.assertNotEqual(
            result_fingerprint(self.perturbed(text, 1.001)), result_fingerprint(text)
        )

    def recomputed_as(self, factor: float):  # type: ignore[no-untyped-def]
        from leitai.web.assessments import services

        real = services.snapshot_recompute

        def fake(*, snapshot):  # type: ignore[no-untyped-def]
            result = real(snapshot=snapshot)
            changed = self.perturbed(result.to_json(), factor)
            object.__setattr__(result, "to_json", lambda: changed)  # only what is compared
            return result

        # The book is built by a job (run in the request by the tests' immediate backend).
        return mock.patch("leitai.web.boards.services.snapshot_recompute", side_effect=fake)

    def built_book(self):  # type: ignore[no-untyped-def]
        url = reverse("boards:book", kwargs={"period": "2023Q3"})
        self.client.post(url)
        return self.client.get(url)

    def test_the_book_downloads_when_a_recomputation_differs_in_the_last_bits(self) -> None:
        self.login(self.office)
        with self.recomputed_as(1 + 4e-16):
            response = self.built_book()
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])

    def test_a_real_difference_is_a_clear_page_for_the_office_not_a_500(self) -> None:
        self.login(self.office)
        with self.recomputed_as(1.01):
            response = self.built_book()
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("Content-Disposition", response)
        self.assertContains(response, "data-artifact-failed")
        self.assertContains(response, "results[0].score")
        self.login(self.viewer)
        response = self.client.get(reverse("boards:book", kwargs={"period": "2023Q3"}))
        self.assertContains(response, "data-artifact-failed")
        self.assertNotContains(response, "results[0].score")
