"""Ties you can see: scores that print alike but decided differently show more decimals.

In 2023Q1, board 城市更新建设 (renewal): 市北区 63.8349 (8★) and 胶州市 63.8254 (7★)
both print 63.83; every page shows 63.835 and 63.825, with a footnote saying why.
"""

from __future__ import annotations

import re

from django.urls import reverse

from tests.web.base import BaseTestCase

NOTE = "分数相同时显示更多位小数以区分名次和星级"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class BoardTieTests(BaseTestCase):
    def page(self, name: str, *args: str) -> str:
        response = self.client.get(reverse(name, args=["2023Q1", *args]))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_the_league_table_tells_shibei_and_jiaozhou_apart_in_renewal(self) -> None:
        html = self.page("boards:league")
        shibei = re.search(r'data-unit="shibei".*?</tr>', html, re.S)[0]
        jiaozhou = re.search(r'data-unit="jiaozhou".*?</tr>', html, re.S)[0]
        self.assertIn("63.835", shibei)
        self.assertIn("63.825", jiaozhou)
        self.assertIn(NOTE, html)
        # Scores that decide nothing differently keep their two (or one) decimals.
        self.assertIn(">92.85<", html)
        self.assertIn(">90.7<", html)

    def test_the_star_matrix_shows_the_decimals_that_decided_the_stars(self) -> None:
        text = _text(self.page("boards:stars"))
        self.assertIn("63.835", text)
        self.assertIn("63.825", text)
        self.assertIn(NOTE, text)

    def test_the_red_posters_show_them_too(self) -> None:
        html = self.page("boards:posters")
        renewal = html[html.index('aria-label="城市更新建设"') :]
        renewal = renewal[: renewal.index("</section>")]
        self.assertIn(">63.835<", renewal)
        self.assertIn(">63.825<", renewal)
        self.assertIn(NOTE, renewal)
        self.assertNotIn(">63.83<", renewal)

    def test_the_unit_report_card_shows_them(self) -> None:
        self.assertIn(">63.835<", self.page("boards:unit", "shibei"))
        self.assertIn(">63.825<", self.page("boards:unit", "jiaozhou"))

    def test_a_period_without_such_ties_has_no_footnote_and_plain_decimals(self) -> None:
        response = self.client.get(reverse("boards:league", args=["2022Q4"]))
        self.assertFalse(response.context["result"].ties_shown)
        self.assertNotContains(response, NOTE)
        for row in response.context["result"].rows:
            self.assertEqual(row["score_text"], f"{row['score']:.2f}")

    def test_a_row_shown_alone_keeps_plain_decimals_which_tell_nothing_of_others(self) -> None:
        from leitai.web.assessments.models import Period
        from leitai.web.assessments.selectors import (
            period_published_snapshot,
            result_view,
            row_plain_scores,
        )

        view = result_view(period_published_snapshot(Period.objects.get(code="2023Q1")))
        row = row_plain_scores(view.by_unit["shibei"])
        self.assertEqual(row["boards"]["renewal"]["score_text"], "63.83")
        renewal = next(c for c in row["top_cells"] if c["id"] == "renewal")
        self.assertEqual(renewal["score_text_short"], "63.8")
        self.assertEqual(view.by_unit["shibei"]["boards"]["renewal"]["score_text"], "63.835")

    def test_the_note_is_shown_only_where_more_decimals_are(self) -> None:
        # 2023Q3: two board scores print alike with one decimal (under the league table's
        # stars) but not with two (star matrix, posters).
        league = self.client.get(reverse("boards:league", args=["2023Q3"]))
        self.assertTrue(league.context["result"].ties_shown_short)
        self.assertFalse(league.context["result"].ties_shown)
        self.assertContains(league, NOTE)
        self.assertNotContains(self.client.get(reverse("boards:stars", args=["2023Q3"])), NOTE)
        self.assertNotContains(self.client.get(reverse("boards:posters", args=["2023Q3"])), NOTE)
