"""Periods in time order: by the last day they assess (``Period.ends_on``), not by code.

Codes do not sort in time: the annual period "2023" sorts before "2023Q1" and the
grouped variant "2023-Q3-grouped" before "2023Q1" too, so that the boards' period
switcher, the API's list and the office's lists put them among the wrong quarters.
"""

from __future__ import annotations

import datetime as dt
import importlib

from django.apps import apps
from django.test import SimpleTestCase
from django.urls import reverse

from leitai.web.assessments.models import Period, period_end, period_order, period_sort_key
from leitai.web.audit.models import Action, AuditEntry
from tests.web.base import BaseTestCase

MIGRATION = importlib.import_module("leitai.web.assessments.migrations.0007_period_ends_on")


class PeriodEndTests(SimpleTestCase):
    CODES = {
        "2024Q1": dt.date(2024, 3, 31),
        "2024q2": dt.date(2024, 6, 30),
        "2024Q4": dt.date(2024, 12, 31),
        "2024H1": dt.date(2024, 6, 30),
        "2024H2": dt.date(2024, 12, 31),
        "2024": dt.date(2024, 12, 31),
        "2023-Q3-grouped": None,
        "2024Q5": None,
        "Q1": None,
        "20241": None,
        "0000": None,
        "0000Q1": None,
    }

    def test_a_quarter_a_half_or_a_year_says_its_last_day_and_nothing_else_does(self) -> None:
        for code, end in self.CODES.items():
            self.assertEqual(period_end(code), end, code)

    def test_the_migration_reads_codes_as_the_application_does(self) -> None:
        for code, end in self.CODES.items():
            self.assertEqual(MIGRATION._end(code), end, code)


class DemoOrderTests(BaseTestCase):
    # The year 2023 ends with its fourth quarter and sums it up: it comes after it.
    TIME_ORDER = ["2022Q4", "2023Q1", "2023Q2", "2023-Q3-grouped", "2023Q3", "2023Q4", "2023"]

    def test_the_demo_periods_are_in_time_order_with_the_variant_beside_its_quarter(self) -> None:
        codes = [p.code for p in Period.objects.exclude(code="2024Q1")]
        self.assertEqual(codes, self.TIME_ORDER)
        self.assertEqual(Period.objects.get(code="2023-Q3-grouped").ends_on, dt.date(2023, 9, 30))

    def test_of_periods_that_end_on_one_day_the_shorter_comes_first(self) -> None:
        q4 = Period.objects.get(code="2023Q4")
        Period.objects.create(
            code="2023H2", scheme_version=q4.scheme_version, ends_on=dt.date(2023, 12, 31)
        )
        Period.objects.create(
            code="2023-year-end", scheme_version=q4.scheme_version, ends_on=dt.date(2023, 12, 31)
        )
        year_end = ["2023-year-end", "2023Q4", "2023H2", "2023"]
        codes = [p.code for p in Period.objects.filter(ends_on=dt.date(2023, 12, 31))]
        self.assertEqual(codes, year_end)
        newest = Period.objects.filter(ends_on=dt.date(2023, 12, 31)).order_by(
            *period_order(newest_first=True)
        )
        self.assertEqual([p.code for p in newest], year_end[::-1])
        in_hand = sorted(Period.objects.all(), key=period_sort_key)
        self.assertEqual([p.code for p in in_hand], [p.code for p in Period.objects.all()])

    def test_the_boards_period_switcher_goes_through_the_periods_in_time(self) -> None:
        response = self.client.get(reverse("boards:league", args=["2023Q2"]))
        listed = [link["period"].code for link in response.context["switcher"]]
        self.assertEqual(listed, ["2022Q4", "2023Q1", "2023Q2", "2023-Q3-grouped", "2023Q3"])

    def test_the_office_home_lists_the_newest_period_first(self) -> None:
        self.login(self.office)
        response = self.client.get(reverse("boards:home"))
        listed = [item["period"].code for item in response.context["office_periods"]]
        self.assertEqual(listed, ["2024Q1", *reversed(self.TIME_ORDER)])

    def test_the_migration_fills_the_end_of_periods_stored_before_it(self) -> None:
        Period.objects.update(ends_on=None)
        MIGRATION.fill_ends(apps, None)
        ends = dict(Period.objects.values_list("code", "ends_on"))
        self.assertEqual(ends["2023Q1"], dt.date(2023, 3, 31))
        self.assertEqual(ends["2023"], dt.date(2023, 12, 31))
        # A code that does not say it stays unknown, and is listed first, as the oldest.
        self.assertIsNone(ends["2023-Q3-grouped"])
        self.assertEqual(Period.objects.first().code, "2023-Q3-grouped")


class OpeningTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.office)
        self.version = Period.objects.get(code="2023Q3").scheme_version

    def open(self, code: str, ends_on: str = ""):  # type: ignore[no-untyped-def]
        return self.client.post(
            reverse("workflow:period_new"),
            {"code": code, "ends_on": ends_on, "scheme_version": self.version.pk},
        )

    def error(self, response) -> str:  # type: ignore[no-untyped-def]
        return " ".join(response.context["form"].errors.get("ends_on", []))

    def test_a_code_that_says_its_end_needs_no_date(self) -> None:
        self.assertEqual(self.open("2030Q2").status_code, 302)
        period = Period.objects.get(code="2030Q2")
        self.assertEqual(period.ends_on, dt.date(2030, 6, 30))
        entry = AuditEntry.objects.filter(action=Action.PERIOD_OPENED).latest("pk")
        self.assertEqual(entry.after["ends_on"], "2030-06-30")

    def test_another_code_is_refused_without_its_last_day_under_the_field(self) -> None:
        response = self.open("2030-special")
        self.assertEqual(response.status_code, 200)
        self.assertIn("从 2030-special 看不出考核期何时结束", self.error(response))
        self.assertFalse(Period.objects.filter(code="2030-special").exists())
        self.assertEqual(self.open("2030-special", "2030-05-31").status_code, 302)
        self.assertEqual(Period.objects.get(code="2030-special").ends_on, dt.date(2030, 5, 31))

    def test_a_date_that_contradicts_the_code_is_refused(self) -> None:
        response = self.open("2030Q1", "2030-06-30")
        self.assertIn("2030Q1 的期末是 2030-03-31，而不是 2030-06-30", self.error(response))
        self.assertFalse(Period.objects.filter(code="2030Q1").exists())
        self.assertEqual(self.open("2030Q1", "2030-03-31").status_code, 302)


class LastDayTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.office)
        self.variant = Period.objects.get(code="2023-Q3-grouped")

    def test_the_office_gives_a_variant_its_last_day_on_the_status_board_audited(self) -> None:
        page = self.client.get(reverse("workflow:period", args=[self.variant.code]))
        self.assertContains(page, 'data-form="last-day"')
        self.assertContains(page, "考核期末日：2023-09-30")
        self.assertContains(page, 'name="ends_on" value="2023-09-30"')
        response = self.client.post(
            reverse("workflow:period_last_day", args=[self.variant.code]),
            {"ends_on": "2023-09-29"},
            follow=True,
        )
        self.assertContains(response, "2023-Q3-grouped 的考核期末日为 2023-09-29。")
        self.variant.refresh_from_db()
        self.assertEqual(self.variant.ends_on, dt.date(2023, 9, 29))
        entry = AuditEntry.objects.filter(action=Action.SETTINGS_CHANGED).latest("pk")
        self.assertEqual(
            (entry.before, entry.after), ({"ends_on": "2023-09-30"}, {"ends_on": "2023-09-29"})
        )

    def test_a_quarter_keeps_the_end_its_code_says(self) -> None:
        page = self.client.get(reverse("workflow:period", args=["2023Q4"]))
        self.assertNotContains(page, 'data-form="last-day"')
        response = self.client.post(
            reverse("workflow:period_last_day", args=["2023Q4"]),
            {"ends_on": "2023-11-30"},
            follow=True,
        )
        self.assertContains(response, "2023Q4 的期末是 2023-12-31，而不是 2023-11-30")
        self.assertEqual(Period.objects.get(code="2023Q4").ends_on, dt.date(2023, 12, 31))

    def test_no_one_but_the_office_changes_it(self) -> None:
        self.login(self.reporter_shibei)
        response = self.client.post(
            reverse("workflow:period_last_day", args=[self.variant.code]), {"ends_on": "2023-01-01"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(Period.objects.get(pk=self.variant.pk).ends_on, dt.date(2023, 9, 30))
