"""Robustness, what-if and diagnostics pages: what they show, to whom, and that they hold.

Who may open which URL at all is in the permission matrix (``matrix_analysis.py``);
these tests check what the pages say and that what they claim is true.
"""

from __future__ import annotations

import json
import math
import threading
from datetime import timedelta
from unittest import mock

from django.test import TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from leitai.engine.diagnostics import diagnose
from leitai.engine.sensitivity import analyse
from leitai.reports.chartdata import uncertainty_rows
from leitai.web.accounts.models import AnalysisAudience
from leitai.web.accounts.services import site_settings_update
from leitai.web.analysis import services
from leitai.web.analysis.models import AnalysisRun
from leitai.web.analysis.options import RunSettings
from leitai.web.analysis.selectors import snapshot_period_data, whatif_report
from leitai.web.assessments.models import DataValue, Period, Snapshot, Unit
from leitai.web.assessments.selectors import period_published_snapshot
from leitai.web.assessments.services import (
    data_values_import,
    period_compute,
    period_create,
    scheme_version_create,
    snapshot_publish,
)
from leitai.web.tasks.models import Job
from tests.web.base import BaseTestCase, VerifiedClient


def robustness_url(period: str) -> str:
    return reverse("analysis:robustness", kwargs={"period": period})


def whatif_url(period: str, unit: str) -> str:
    return reverse("analysis:whatif", kwargs={"period": period, "unit": unit})


def recompute_url(period: str, unit: str) -> str:
    return reverse("analysis:whatif_recompute", kwargs={"period": period, "unit": unit})


DEFAULT_RUN = {
    "samples": "1000",
    "seed": "0",
    "weights": "25",
    "methods": ["efficacy", "minmax", "zscore", "rank_points"],
    "missing": ["zero", "worst", "exclude"],
    "leave_one_out": "on",
}


def run_url(period: str) -> str:
    return reverse("analysis:robustness_run", kwargs={"period": period})


class OpenedAnalysis(BaseTestCase):
    """The office has opened the analysis pages to everyone who reads the results (these
    tests are about what the pages say; who may open them is tested below)."""

    def setUp(self) -> None:
        super().setUp()
        site_settings_update(public_boards=True, analysis_audience=AnalysisAudience.PUBLIC)


class AnalysisAudienceTests(BaseTestCase):
    """Who may see robustness and what-if is the office's setting, audited."""

    def status(self, user, url: str) -> int:  # type: ignore[no-untyped-def]
        self.login(user)
        return self.client.get(url).status_code

    def test_by_default_only_the_office_sees_robustness_and_what_if(self) -> None:
        robustness, whatif = robustness_url("2023Q1"), whatif_url("2023Q1", "shibei")
        self.assertEqual(self.status(self.office, robustness), 200)
        self.assertEqual(self.status(self.office, whatif), 200)
        for user in (self.viewer, self.reporter_shibei, self.outsider):
            self.assertEqual(self.status(user, robustness), 403, user)
            self.assertEqual(self.status(user, whatif), 403, user)
        self.assertEqual(self.status(None, robustness), 302)
        self.login(self.viewer)
        league = self.client.get(reverse("boards:league", kwargs={"period": "2023Q1"}))
        self.assertNotContains(league, robustness)

    def test_leaders_and_units_once_the_office_opens_them(self) -> None:
        site_settings_update(
            public_boards=True, analysis_audience=AnalysisAudience.ROLES, user=self.office
        )
        robustness = robustness_url("2023Q1")
        self.assertEqual(self.status(self.viewer, robustness), 200)
        self.assertEqual(self.status(self.reporter_licang, robustness), 200)
        self.assertEqual(self.status(self.reporter_shibei, whatif_url("2023Q1", "shibei")), 200)
        self.assertEqual(self.status(self.reporter_shibei, whatif_url("2023Q1", "licang")), 403)
        self.assertEqual(self.status(self.outsider, robustness), 403)
        self.assertEqual(self.status(None, robustness), 302)

    def test_the_public_when_the_office_says_so(self) -> None:
        site_settings_update(public_boards=True, analysis_audience=AnalysisAudience.PUBLIC)
        self.assertEqual(self.status(None, robustness_url("2023Q1")), 200)

    def test_the_settings_page_changes_it_and_the_audit_log_records_it(self) -> None:
        from leitai.web.audit.models import AuditEntry

        self.login(self.office)
        page = self.client.get(reverse("accounts:settings"))
        self.assertContains(page, 'name="analysis_audience"')
        response = self.client.post(
            reverse("accounts:settings"), {"public_boards": "on", "analysis_audience": "roles"}
        )
        self.assertEqual(response.status_code, 302)
        entry = AuditEntry.objects.filter(action="settings.changed").latest("pk")
        self.assertEqual(entry.after, {"analysis_audience": "roles"})
        self.assertEqual(entry.before, {"analysis_audience": "office"})
        self.assertEqual(self.status(self.viewer, robustness_url("2023Q1")), 200)
        self.login(self.reporter_shibei)
        self.assertEqual(
            self.client.post(
                reverse("accounts:settings"), {"analysis_audience": "public"}
            ).status_code,
            403,
        )


class RobustnessPageTests(OpenedAnalysis):
    def start(self, period: str = "2023Q3", data: dict | None = None) -> None:
        """The office starts a run (the test suite's queue runs it at once)."""
        self.login(self.office)
        response = self.client.post(run_url(period), data or DEFAULT_RUN)
        self.assertEqual(response.status_code, 302)

    def test_reading_the_page_never_starts_a_run(self) -> None:
        for user in (self.viewer, self.office):
            self.login(user)
            response = self.client.get(robustness_url("2023Q3"))
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "data-run-missing")
            self.assertIsNone(response.context["tables"])
            status = self.client.get(
                reverse("analysis:robustness_status", kwargs={"period": "2023Q3"})
            ).json()
            self.assertEqual(status["state"], "none")
        self.assertFalse(AnalysisRun.objects.exists())
        self.assertFalse(Job.objects.exists())

    def test_a_viewer_sees_rank_intervals_flag_and_star_probabilities_and_the_settings(
        self,
    ) -> None:
        self.start()
        self.login(self.viewer)
        response = self.client.get(robustness_url("2023Q3"))
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        self.assertIn('data-analysis-chart="intervals"', page)
        self.assertIn("1000", page)  # samples, stated with the seed
        self.assertContains(response, "chart.umd.min.js")
        tables = response.context["tables"]
        self.assertEqual(len(tables["rows"]), 10)
        self.assertEqual(
            [r["rank"] for r in tables["rows"]], sorted(r["rank"] for r in tables["rows"])
        )
        for row in tables["rows"]:
            self.assertLessEqual(row["p5"], row["median"])
            self.assertLessEqual(row["median"], row["p95"])
            self.assertEqual({f["id"] for f in row["flags"]}, {"vanguard", "climber"})
        # The chart draws what `leitai plot uncertainty` draws from the same run: each unit
        # in rank order with its rank, median and 5th-95th percentile, as the table says.
        chart = tables["chart"]
        self.assertEqual(chart["labels"], [r["name"] for r in tables["rows"]])
        self.assertEqual(chart["nominal"], [r["rank"] for r in tables["rows"]])
        self.assertEqual(chart["interval"], [[r["p5"], r["p95"]] for r in tables["rows"]])
        self.assertEqual(chart["median"], [r["median"] for r in tables["rows"]])
        run = AnalysisRun.objects.get()
        self.assertEqual(
            chart["interval"], [[p["p5"], p["p95"]] for p in uncertainty_rows(run.result_dict)]
        )
        # One heat table per top-level board, and each unit's star probabilities sum to 1.
        self.assertEqual(len(tables["star_tables"]), 4)
        for table in tables["star_tables"]:
            for row in table["rows"]:
                self.assertAlmostEqual(sum(c["p"] for c in row["cells"]), 1.0, places=9)
        self.assertEqual(
            {i["input"] for i in tables["indices"]},
            {"weights", "methods", "missing", "leave_one_out"},
        )
        # The office's form and diagnostics tab are not for viewers.
        self.assertIsNone(response.context["form"])
        self.assertNotContains(
            response, reverse("analysis:diagnostics", kwargs={"period": "2023Q3"})
        )

    def test_the_numbers_are_the_engines_with_the_stated_seed_and_are_computed_once(self) -> None:
        with mock.patch.object(services, "analyse", wraps=analyse) as spy:
            self.start()
            self.login(self.viewer)
            self.client.get(robustness_url("2023Q3"))
            self.client.get(robustness_url("2023Q3"))
            self.start()  # the same settings again: the run is kept
        self.assertEqual(spy.call_count, 1)
        snapshot = period_published_snapshot(Period.objects.get(code="2023Q3"))
        run = AnalysisRun.objects.get(snapshot=snapshot)
        self.assertEqual(run.run_settings, RunSettings())
        self.assertEqual(run.job.state, Job.State.DONE)
        self.assertEqual(run.job.attempts, 1)
        scheme, data = snapshot_period_data(snapshot)
        again = analyse(
            scheme,
            data,
            samples=1000,
            seed=0,
            previous=snapshot.previous_ranks,
            period="2023Q3",
        ).to_dict()
        self.assertEqual(run.result_dict["units"], json.loads(json.dumps(again["units"])))
        self.assertEqual(run.result_dict["indices"], again["indices"])

    def test_the_office_runs_again_with_other_settings_and_the_page_states_them(self) -> None:
        self.login(self.office)
        response = self.client.post(
            run_url("2023Q3"),
            {
                "samples": "300",
                "seed": "42",
                "weights": "10",
                "methods": ["minmax", "zscore"],
                "missing": [],
                "leave_one_out": "",
            },
        )
        run = AnalysisRun.objects.exclude(key=RunSettings().key).get()
        self.assertRedirects(response, robustness_url("2023Q3") + f"?run={run.pk}")
        self.assertEqual(
            run.run_settings,
            RunSettings(
                samples=300,
                seed=42,
                weights=0.1,
                methods=("minmax", "zscore"),
                missing=(),
                leave_one_out=False,
            ),
        )
        self.assertTrue(run.is_done)
        self.assertEqual(run.created_by, self.office)
        page = self.client.get(robustness_url("2023Q3") + f"?run={run.pk}")
        self.assertContains(page, "300")
        self.assertContains(page, "42")
        self.assertEqual(page.context["run"], run)
        # Only weights and methods varied: two input groups, two indices.
        self.assertEqual(len(page.context["tables"]["inputs"]), 2)
        self.assertEqual(
            [i["input"] for i in page.context["tables"]["indices"]], ["weights", "methods"]
        )
        # Everyone who reads the period may follow the link to the run.
        self.login(self.viewer)
        self.assertEqual(
            self.client.get(robustness_url("2023Q3") + f"?run={run.pk}").status_code, 200
        )

    def test_the_same_settings_again_reuse_the_run(self) -> None:
        self.login(self.office)
        data = {
            "samples": "200",
            "seed": "3",
            "weights": "25",
            "methods": ["minmax"],
            "missing": ["zero"],
            "leave_one_out": "on",
        }
        self.client.post(run_url("2023Q3"), data)
        self.client.post(run_url("2023Q3"), data)
        self.assertEqual(AnalysisRun.objects.exclude(key=RunSettings().key).count(), 1)
        self.assertEqual(Job.objects.count(), 1)

    def test_bad_settings_are_shown_with_the_form_and_run_nothing(self) -> None:
        self.login(self.office)
        response = self.client.post(
            run_url("2023Q3"), {"samples": "999999", "seed": "-1", "weights": "95"}
        )
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertEqual(set(form.errors), {"samples", "seed", "weights"})
        self.assertFalse(AnalysisRun.objects.exists())
        self.assertFalse(Job.objects.exists())

    def test_a_run_of_another_period_or_a_bad_run_id_is_not_found(self) -> None:
        self.start("2023Q2")
        other = AnalysisRun.objects.get()
        self.assertEqual(
            self.client.get(robustness_url("2023Q3") + f"?run={other.pk}").status_code, 404
        )
        self.assertEqual(self.client.get(robustness_url("2023Q3") + "?run=abc").status_code, 404)

    def _run(self, *, job_state: str, lease: timedelta | None, **fields: object) -> AnalysisRun:
        snapshot = period_published_snapshot(Period.objects.get(code="2023Q3"))
        s = RunSettings(samples=int(fields.pop("samples", 1000)))  # type: ignore[call-overload]
        job = Job.objects.create(
            kind="leitai.web.analysis.services.analysis_run_job",
            args={},
            state=job_state,
            attempts=1 if job_state != Job.State.QUEUED else 0,
            worker="elsewhere:1:x" if job_state == Job.State.RUNNING else "",
            lease_until=timezone.now() + lease if lease is not None else None,
        )
        run = AnalysisRun.objects.create(
            snapshot=snapshot, key=s.key, settings=s.to_dict(), job=job, **fields
        )
        Job.objects.filter(pk=job.pk).update(args={"run": run.pk})
        return run

    def test_a_run_still_computing_shows_its_progress_and_the_status_answers(self) -> None:
        run = self._run(
            job_state=Job.State.RUNNING,
            lease=timedelta(minutes=1),
            samples=5000,
            state=AnalysisRun.State.RUNNING,
            done=1200,
            total=30000,
        )
        self.login(self.viewer)
        response = self.client.get(robustness_url("2023Q3") + f"?run={run.pk}")
        self.assertContains(response, "data-run-progress")
        self.assertContains(response, '<progress max="30000" value="1200"', html=False)
        self.assertContains(response, 'http-equiv="refresh"')  # without JavaScript
        self.assertIsNone(response.context["tables"])
        status = self.client.get(
            reverse("analysis:robustness_status", kwargs={"period": "2023Q3"}) + f"?run={run.pk}"
        ).json()
        self.assertEqual(status, {"state": "running", "done": 1200, "total": 30000, "percent": 4})

    def test_a_run_whose_worker_died_is_shown_so_and_the_offices_post_restarts_it(self) -> None:
        run = self._run(
            job_state=Job.State.RUNNING,
            lease=-timedelta(seconds=5),
            state=AnalysisRun.State.RUNNING,
            done=40,
            total=6000,
        )
        self.login(self.viewer)
        response = self.client.get(robustness_url("2023Q3"))
        self.assertContains(response, "data-run-stale")
        status = self.client.get(
            reverse("analysis:robustness_status", kwargs={"period": "2023Q3"})
        ).json()
        self.assertEqual(status["state"], "stale")
        run.refresh_from_db()
        self.assertEqual((run.state, run.job.state), (AnalysisRun.State.RUNNING, "running"))
        with mock.patch.object(services, "analyse", wraps=analyse) as spy:
            self.start()
            self.start()  # done by then: not again
        self.assertEqual(spy.call_count, 1)
        run.refresh_from_db()
        self.assertTrue(run.is_done)
        self.assertEqual(run.job.attempts, 2)
        self.assertEqual(run.job.state, Job.State.DONE)

    def test_a_run_from_before_the_queue_is_restarted_by_the_offices_post(self) -> None:
        run = self._run(job_state=Job.State.DONE, lease=None, state=AnalysisRun.State.RUNNING)
        old_job = run.job
        AnalysisRun.objects.filter(pk=run.pk).update(job=None)
        self.start()
        run.refresh_from_db()
        self.assertTrue(run.is_done)
        self.assertNotEqual(run.job, old_job)

    def test_a_failed_run_is_not_repeated_on_every_view_but_the_office_may_retry(self) -> None:
        with mock.patch.object(services, "analyse", side_effect=ValueError("boom")):
            self.start()
        run = AnalysisRun.objects.get()
        self.assertEqual((run.state, run.job.state), ("failed", "failed"))
        self.assertContains(self.client.get(robustness_url("2023Q3")), "boom")
        with mock.patch.object(services, "analyse", wraps=analyse) as spy:
            self.client.get(robustness_url("2023Q3"))
            self.assertEqual(spy.call_count, 0)
            self.login(self.viewer)
            page = self.client.get(robustness_url("2023Q3"))
            self.assertContains(page, "data-run-failed")
            self.assertNotContains(page, "boom")
            self.start()
            self.assertEqual(spy.call_count, 1)
        self.assertTrue(AnalysisRun.objects.get().is_done)

    def test_a_drafts_runs_go_with_the_draft_when_it_is_computed_again(self) -> None:
        self.start("2024Q1")
        self.assertEqual(AnalysisRun.objects.filter(snapshot=self.draft).count(), 1)
        fresh = period_compute(period=self.draft_period, user=self.office)
        self.assertFalse(Snapshot.objects.filter(pk=self.draft.pk).exists())
        self.assertFalse(AnalysisRun.objects.exists())
        self.start("2024Q1")
        self.assertEqual(AnalysisRun.objects.get().snapshot, fresh)

    def test_a_reporter_cannot_read_the_robustness_of_a_draft(self) -> None:
        self.login(self.reporter_shibei)
        self.assertEqual(self.client.get(robustness_url("2024Q1")).status_code, 404)
        self.assertFalse(AnalysisRun.objects.exists())


class LinksTests(OpenedAnalysis):
    def test_the_league_table_links_robustness_for_all_and_diagnostics_for_the_office(self) -> None:
        league = reverse("boards:league", kwargs={"period": "2023Q1"})
        diagnostics = reverse("analysis:diagnostics", kwargs={"period": "2023Q1"})
        self.login(self.viewer)
        page = self.client.get(league)
        self.assertContains(page, robustness_url("2023Q1"))
        self.assertNotContains(page, diagnostics)
        self.login(self.office)
        page = self.client.get(league)
        self.assertContains(page, robustness_url("2023Q1"))
        self.assertContains(page, diagnostics)

    def test_the_unit_page_links_the_what_if_only_for_the_office_and_the_units_reporter(
        self,
    ) -> None:
        unit_page = reverse("boards:unit", kwargs={"period": "2023Q1", "unit": "shibei"})
        link = whatif_url("2023Q1", "shibei")
        for user, shown in (
            (self.office, True),
            (self.reporter_shibei, True),
            (self.reporter_licang, False),
            (self.viewer, False),
            (None, False),
        ):
            self.login(user)
            page = self.client.get(unit_page)
            self.assertEqual(link in page.content.decode(), shown, user)

    def test_the_reporters_draft_card_has_no_what_if_link(self) -> None:
        self.login(self.reporter_shibei)
        page = self.client.get(
            reverse("boards:unit", kwargs={"period": "2024Q1", "unit": "shibei"})
        )
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, whatif_url("2024Q1", "shibei"))
        self.login(self.office)
        page = self.client.get(
            reverse("boards:unit", kwargs={"period": "2024Q1", "unit": "shibei"})
        )
        self.assertContains(page, whatif_url("2024Q1", "shibei"))


class WhatIfTests(OpenedAnalysis):
    def outcome(self, period: str, unit: str, values: dict[str, str]) -> dict:
        data = {f"value-{k}": v for k, v in values.items()}
        response = self.client.post(recompute_url(period, unit), data)
        self.assertEqual(response.status_code, 200, response.content[:300])
        return response.json()

    def test_the_page_shows_per_indicator_the_smallest_change_for_each_goal(self) -> None:
        self.login(self.reporter_shibei)
        response = self.client.get(whatif_url("2023Q3", "shibei"))
        self.assertEqual(response.status_code, 200)
        report = response.context["report"]
        self.assertEqual(
            [g["key"] for g in report["goals"]], ["rank", "stars", "flag:vanguard", "flag:climber"]
        )
        items = [item for group in report["groups"] for item in group["items"]]
        self.assertEqual(len(items), 25)
        gdp = next(i for i in items if i["indicator"] == "gdp_growth")
        self.assertEqual(gdp["written"], "4.5")
        rank_cell = gdp["cells"][0]
        self.assertEqual(rank_cell["status"], "reachable")
        self.assertContains(response, f'value="gdp_growth={rank_cell["required_text"]}"')
        # The form carries the unit's figures as written; the outcome is the reported one.
        self.assertContains(response, 'name="value-gdp_growth" value="4.5"')
        self.assertEqual(response.context["outcome"]["edited"], [])

    def test_the_rows_kept_in_the_cache_are_the_ones_computed_and_a_cache_down_is_passed_over(
        self,
    ) -> None:
        from django.core.cache import cache

        self.login(self.reporter_shibei)
        url = whatif_url("2023Q3", "shibei")
        computed = self.client.get(url).context["report"]
        kept = self.client.get(url).context["report"]
        self.assertEqual(kept, computed)
        down = ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        with (
            mock.patch.object(cache, "get", side_effect=down),
            mock.patch.object(cache, "set", side_effect=down),
            self.assertLogs("leitai.caching", "WARNING"),
        ):
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["report"], computed)

    def test_each_claimed_change_applied_moves_the_unit_as_claimed_and_one_step_short_does_not(
        self,
    ) -> None:
        self.login(self.office)
        snapshot = period_published_snapshot(Period.objects.get(code="2023Q3"))
        scheme, _data = snapshot_period_data(snapshot)
        direction = {i.id: scheme.resolved(i)[1] for i in scheme.all_indicators()}
        rows = whatif_report(snapshot=snapshot, unit="shibei")["rows"]
        checked = 0
        for row in rows:
            if row["status"] != "reachable" or row["required"] is None:
                continue
            decimals = max(0, -round(math.log10(row["step"])))
            sign = 1 if direction[row["indicator"]] == "higher" else -1
            value = f"{row['required']:.{decimals}f}"
            short = f"{row['required'] - sign * row['step']:.{decimals}f}"

            def reached(o: dict, row: dict = row) -> bool:
                if row["goal"] == "rank":
                    return o["after"]["rank"] <= row["want"]
                if row["goal"] == "stars":
                    return o["after"]["stars"][row["board"]] >= row["want"]
                return row["flag"] in o["after"]["flags"]

            got = self.outcome("2023Q3", "shibei", {row["indicator"]: value})
            self.assertTrue(reached(got), (row, got["after"]))
            self.assertEqual(got["after"]["rank"], row["new_rank"], row)
            if row["verified"]:
                self.assertFalse(
                    reached(self.outcome("2023Q3", "shibei", {row["indicator"]: short})), row
                )
            checked += 1
        self.assertGreaterEqual(checked, 5)

    def test_editing_values_gives_the_new_rank_stars_and_flags_and_who_is_passed(self) -> None:
        self.login(self.reporter_shibei)
        # 2023Q3: 市北区 is 6th; a GDP growth of 8.5 instead of 4.5 makes it 5th.
        got = self.outcome("2023Q3", "shibei", {"gdp_growth": "8.5"})
        self.assertEqual(got["before"]["rank"], 6)
        self.assertEqual(got["after"]["rank"], 5)
        self.assertEqual(got["rank_change"], 1)
        self.assertEqual(
            got["edited"],
            [{"indicator": "gdp_growth", "name": "地区生产总值增速", "before": 4.5, "after": 8.5}],
        )
        self.assertEqual(len(got["passed"]), 1)
        economy = next(s for s in got["stars"] if s["board"] == "economy")
        self.assertGreater(economy["after"], economy["before"])
        self.assertEqual({f["id"] for f in got["flags"]}, {"vanguard", "climber"})

    def test_the_form_works_without_javascript_and_a_suggestion_button_applies_its_value(
        self,
    ) -> None:
        self.login(self.reporter_shibei)
        response = self.client.post(
            whatif_url("2023Q3", "shibei"),
            {"value-gdp_growth": "4.5", "apply": "gdp_growth=8.5"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["outcome"]["after"]["rank"], 5)
        self.assertContains(response, 'name="value-gdp_growth" value="8.5"')
        self.assertContains(response, 'data-out="rank">5<')
        # Reset brings back the reported values.
        response = self.client.post(
            whatif_url("2023Q3", "shibei"), {"value-gdp_growth": "50", "reset": "1"}
        )
        self.assertEqual(response.context["outcome"]["after"]["rank"], 6)
        self.assertContains(response, 'name="value-gdp_growth" value="4.5"')

    def test_a_value_that_is_not_a_number_is_named_and_the_rest_still_computed(self) -> None:
        self.login(self.office)
        got = self.outcome("2023Q3", "shibei", {"gdp_growth": "lots", "industry_growth": "30"})
        self.assertEqual(list(got["errors"]), ["gdp_growth"])
        self.assertEqual([e["indicator"] for e in got["edited"]], ["industry_growth"])
        page = self.client.post(whatif_url("2023Q3", "shibei"), {"value-gdp_growth": "lots"})
        self.assertContains(page, "lots")

    def test_a_crafted_form_cannot_reach_another_unit_or_unknown_fields(self) -> None:
        self.login(self.reporter_shibei)
        # Another unit's what-if, however it is asked for.
        for url in (whatif_url("2023Q3", "licang"), recompute_url("2023Q3", "licang")):
            self.assertEqual(self.client.post(url, {"value-gdp_growth": "99"}).status_code, 403)
        self.assertEqual(self.client.get(whatif_url("2023Q3", "licang")).status_code, 403)
        # Fields naming another unit, adjustments or nonsense are ignored.
        got = self.outcome(
            "2023Q3",
            "shibei",
            {"licang": "1", "satisfaction": "2", "unit": "licang", "../gdp_growth": "9"},
        )
        self.assertEqual(got["unit"], "shibei")
        self.assertEqual(got["edited"], [])
        got = self.client.post(
            recompute_url("2023Q3", "shibei"), {"unit": "licang", "value-gdp_growth": "8.5"}
        ).json()
        self.assertEqual(got["unit"], "shibei")
        self.assertEqual(got["after"]["rank"], 5)

    def test_a_reporter_has_no_what_if_on_a_draft_and_the_office_has(self) -> None:
        self.login(self.reporter_shibei)
        self.assertEqual(self.client.get(whatif_url("2024Q1", "shibei")).status_code, 403)
        self.assertEqual(
            self.client.post(
                recompute_url("2024Q1", "shibei"), {"value-gdp_growth": "1"}
            ).status_code,
            403,
        )
        self.login(self.office)
        response = self.client.get(whatif_url("2024Q1", "shibei"))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.context["draft"])
        self.assertEqual(response.context["snapshot"], self.draft)

    def test_the_period_switcher_lists_only_periods_where_the_what_if_is_open(self) -> None:
        published = Period.objects.filter(snapshots__state=Snapshot.State.PUBLISHED).distinct()
        with_result = Period.objects.filter(snapshots__isnull=False).distinct()
        self.login(self.reporter_shibei)
        links = self.client.get(whatif_url("2023Q3", "shibei")).context["switcher"]
        self.assertEqual(len(links), published.count())
        self.assertFalse(any(link["draft"] for link in links))
        self.login(self.office)
        links = self.client.get(whatif_url("2023Q3", "shibei")).context["switcher"]
        self.assertEqual(len(links), with_result.count())
        self.assertTrue(any(link["draft"] for link in links))

    def test_a_what_if_never_saves_anything(self) -> None:
        self.login(self.office)
        before = (
            list(DataValue.objects.order_by("pk").values_list("pk", "value", "updated_at")),
            list(Snapshot.objects.order_by("pk").values_list("pk", "result_sha256", "state")),
        )
        self.outcome("2023Q3", "shibei", {"gdp_growth": "99", "industry_growth": ""})
        self.client.post(whatif_url("2023Q3", "shibei"), {"value-gdp_growth": "99"})
        self.client.post(whatif_url("2024Q1", "licang"), {"apply": "gdp_growth=1"})
        after = (
            list(DataValue.objects.order_by("pk").values_list("pk", "value", "updated_at")),
            list(Snapshot.objects.order_by("pk").values_list("pk", "result_sha256", "state")),
        )
        self.assertEqual(before, after)


class DiagnosticsPageTests(BaseTestCase):
    def test_the_office_sees_the_engines_diagnostics_with_heatmap_and_alpha(self) -> None:
        self.login(self.office)
        response = self.client.get(reverse("analysis:diagnostics", kwargs={"period": "2023Q3"}))
        self.assertEqual(response.status_code, 200)
        report = response.context["report"]
        snapshot = period_published_snapshot(Period.objects.get(code="2023Q3"))
        scheme, data = snapshot_period_data(snapshot)
        expected = diagnose(scheme, data)
        self.assertEqual([r["indicator"] for r in report["indicators"]], expected.indicator_ids)
        for row, want in zip(report["indicators"], expected.indicators, strict=True):
            self.assertEqual(row["skew"], want["skew"])
            self.assertEqual(row["kurtosis"], want["kurtosis"])
        n = len(expected.indicator_ids)
        self.assertEqual(len(report["heat_rows"]), n)
        self.assertTrue(all(len(r["cells"]) == n for r in report["heat_rows"]))
        high = {(c["title"]) for r in report["heat_rows"] for c in r["cells"] if c["high"]}
        self.assertEqual(len(high), 2 * len(expected.collinear))
        self.assertEqual(
            [a["board"] for a in report["alpha"]], [a["board"] for a in expected.alpha]
        )
        self.assertContains(response, '<th class="right">α</th>', html=False)

    def test_outliers_and_pairs_above_the_threshold_are_flagged(self) -> None:
        # A draft with an extreme value and one indicator copied into another.
        self.login(self.office)
        period = self.draft_period
        values = {
            (v.unit.code, v.key): v
            for v in DataValue.objects.filter(period=period).select_related("unit")
        }
        extreme = values[("shibei", "funds_in_place")]
        extreme.value = "90000"
        extreme.save()
        for unit in Unit.objects.all():
            source = values.get((unit.code, "gdp_growth"))
            target = values.get((unit.code, "industry_growth"))
            if source and target:
                target.value = source.value
                target.save()
        period_compute(period=period, user=self.office)
        report = self.client.get(
            reverse("analysis:diagnostics", kwargs={"period": "2024Q1"})
        ).context["report"]
        funds = next(r for r in report["indicators"] if r["indicator"] == "funds_in_place")
        self.assertTrue(funds["outlier"])
        self.assertIn(
            "funds_in_place", {r["indicator"] for r in report["indicators"] if r["notes"]}
        )
        pairs = {(p["a"], p["b"]) for p in report["collinear"]}
        self.assertIn(("gdp_growth", "industry_growth"), pairs)


class BackgroundRunTests(TransactionTestCase):
    """A run waits in the queue; a worker computes it while the page shows its progress."""

    # The office logs in with its second factor, as everywhere (tests/web/base.py).
    client_class = VerifiedClient

    SCHEME = (
        "id: tiny\nname: tiny\nversion: 1\n"
        "units: [{id: ua, name: A}, {id: ub, name: B}, {id: uc, name: C}, {id: ud, name: D}]\n"
        "boards:\n"
        "  - {id: x, name: X, points: 60, indicators: [{id: i1, name: I1, method: minmax},"
        " {id: i2, name: I2, method: zscore}]}\n"
        "  - {id: y, name: Y, points: 40, indicators: [{id: i3, name: I3}, {id: i4, name: I4}]}\n"
        "flags: [{id: top, name: Top, when: 'rank <= 1'}]\n"
    )
    DATA = (
        "unit,indicator,value\n"
        "ua,i1,1\nua,i2,9\nua,i3,4\nua,i4,2\n"
        "ub,i1,2\nub,i2,5\nub,i3,3\nub,i4,8\n"
        "uc,i1,3\nuc,i2,4\nuc,i3,5\nuc,i4,5\n"
        "ud,i1,4\nud,i2,6\nud,i3,1\nud,i4,6\n"
    )

    def setUp(self) -> None:
        from leitai.web.accounts.models import User
        from leitai.web.accounts.services import site_settings_update, user_create

        version = scheme_version_create(content=self.SCHEME, source="tiny.yaml")
        period = period_create(code="2030Q1", scheme_version=version)
        data_values_import(period=period, source=self.DATA.encode(), filename="tiny.csv")
        snapshot_publish(snapshot=period_compute(period=period))
        site_settings_update(public_boards=True)
        self.viewer = user_create(
            username="v", password="correct horse battery", role=User.Role.VIEWER
        )

    @override_settings(
        LEITAI_TASKS_BACKEND="database",
        TASKS={
            "default": {
                "BACKEND": "django_tasks_db.DatabaseBackend",
                "QUEUES": ["leitai"],
            }
        },
    )
    def test_the_page_shows_progress_until_the_worker_is_done_then_the_result(self) -> None:
        from leitai.web.accounts.models import User
        from leitai.web.accounts.services import user_create
        from leitai.web.tasks.services import job_execute

        office = user_create(username="o", password="correct horse battery", role=User.Role.OFFICE)
        reported, release = threading.Event(), threading.Event()

        def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
            kwargs["progress"](10, 100)
            reported.set()
            release.wait(30)
            return analyse(*args, **kwargs)

        self.client.force_login(office)
        self.client.post(run_url("2030Q1"), dict(DEFAULT_RUN, samples="50"))
        run = AnalysisRun.objects.select_related("job").get()
        # Queued, not run: the request only created the job and its message.
        self.assertEqual((run.state, run.job.state), ("pending", "queued"))
        # The office opens the robustness pages to everyone with a role (office only by default).
        site_settings_update(analysis_audience="roles", user=office)
        self.client.force_login(self.viewer)
        self.assertContains(
            self.client.get(robustness_url("2030Q1") + f"?run={run.pk}"), "data-run-progress"
        )
        status_url = (
            reverse("analysis:robustness_status", kwargs={"period": "2030Q1"}) + f"?run={run.pk}"
        )
        with (
            mock.patch.object(services, "analyse", side_effect=slow),
            mock.patch("leitai.web.tasks.services._PROGRESS_EVERY", 0),
        ):
            worker = threading.Thread(target=job_execute, kwargs={"job_id": run.job.pk})
            worker.start()
            # Read once the worker has reported, not polled: a poll of ten seconds once
            # ended before a loaded machine's worker had started ('pending').
            self.assertTrue(reported.wait(60), "the worker did not start the run")
            status = self.client.get(status_url).json()
            self.assertEqual(status["state"], "running")
            self.assertEqual((status["done"], status["total"]), (10, 100))
            release.set()
            worker.join(30)
        run.refresh_from_db()
        self.assertTrue(run.is_done, run.error)
        page = self.client.get(robustness_url("2030Q1") + f"?run={run.pk}")
        self.assertNotContains(page, "data-run-progress")
        self.assertEqual(len(page.context["tables"]["rows"]), 4)
