"""The reminders log names its schedule points in words, a department's own by its name."""

from __future__ import annotations

from django.test import SimpleTestCase
from django.utils import translation

from leitai.web.reminders.selectors import point_text

NAMES = {2: "市住房城乡建设局"}


class PointTextTests(SimpleTestCase):
    def test_each_kind_of_point_reads_in_chinese(self) -> None:
        with translation.override("zh-hans"):
            self.assertEqual(point_text("before-3"), "截止前 3 天")
            self.assertEqual(point_text("overdue-2024-01-10"), "逾期提醒 2024-01-10")
            self.assertEqual(point_text("digest-2024-01-10"), "每日汇总 2024-01-10")
            self.assertEqual(
                point_text("manual-20240110T093015123456"), "手动催报 2024-01-10 09:30"
            )
            self.assertEqual(point_text("d2:before-1", NAMES), "市住房城乡建设局 · 截止前 1 天")

    def test_english_and_what_it_does_not_know(self) -> None:
        with translation.override("en"):
            self.assertEqual(point_text("d2:overdue-2024-01-11", NAMES).split(" · ")[1],
                             "Overdue reminder 2024-01-11")  # fmt: skip
            # A department it has no name for, or a code of another shape, as it is.
            self.assertEqual(point_text("d9:before-3", NAMES), "3 days before the deadline")
            self.assertEqual(point_text("something-else"), "something-else")
