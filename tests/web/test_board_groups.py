"""Groups on the boards (分类考核): a section and a poster per group, the city-wide table
where the office wants it, and the report card's rank within the group."""

from __future__ import annotations

import json
import re

from django.urls import reverse

from leitai.web.assessments.models import Period
from leitai.web.assessments.selectors import period_published_snapshot
from leitai.web.audit.models import Action, AuditEntry
from tests.web.base import BaseTestCase

GROUPED = "2023-Q3-grouped"
URBAN = {"shinan", "shibei", "licang", "laoshan", "huangdao", "chengyang", "jimo"}
COUNTY = {"jiaozhou", "pingdu", "laixi"}


class GroupedBoardsTests(BaseTestCase):
    def result(self) -> dict:
        snapshot = period_published_snapshot(Period.objects.get(code=GROUPED))
        assert snapshot is not None
        return snapshot.result_dict

    def section(self, page: str, group: str) -> str:
        return page.split(f'data-group="{group}"')[1].split("</section>")[0]

    def test_the_league_table_has_a_section_per_group_ranked_within_it(self) -> None:
        page = self.client.get(
            reverse("boards:league", args=[GROUPED]), HTTP_ACCEPT_LANGUAGE="zh"
        ).content.decode()
        self.assertIn("市内区", page)
        self.assertIn("县级市", page)
        rows = {r["unit"]: r for r in self.result()["results"]}
        for group, units in (("urban", URBAN), ("county", COUNTY)):
            section = self.section(page, group)
            listed = re.findall(r'<tr data-unit="([a-z]+)"', section)
            self.assertEqual(set(listed), units)
            # In rank order within the group, each with its rank among all beside it.
            self.assertEqual([rows[u]["rank"] for u in listed], list(range(1, len(units) + 1)))
            for unit in listed:
                self.assertIn(f"全市第{rows[unit]['rank_all']}名", section)

    def test_the_city_wide_table_lists_every_unit_by_rank_all_where_the_office_wants_it(
        self,
    ) -> None:
        page = self.client.get(reverse("boards:league", args=[GROUPED])).content.decode()
        city = self.section(page, "all")
        listed = re.findall(r'<tr data-unit="([a-z]+)"', city)
        rows = {r["unit"]: r for r in self.result()["results"]}
        self.assertEqual(len(listed), 10)
        self.assertEqual([rows[u]["rank_all"] for u in listed], list(range(1, 11)))

    def test_the_office_hides_the_city_wide_table_and_the_audit_log_says_so(self) -> None:
        self.login(self.office)
        response = self.client.post(reverse("boards:city_table", args=[GROUPED]), {"on": "0"})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Period.objects.get(code=GROUPED).city_table)
        entry = (
            AuditEntry.objects.filter(action=Action.SETTINGS_CHANGED, period=GROUPED)
            .order_by("pk")
            .last()
        )
        assert entry is not None
        self.assertEqual((entry.before, entry.after), ({"city_table": True}, {"city_table": False}))
        page = self.client.get(reverse("boards:league", args=[GROUPED])).content.decode()
        self.assertNotIn('data-group="all"', page)
        self.assertIn('data-group="urban"', page)

    def test_only_the_office_switches_the_city_wide_table(self) -> None:
        url = reverse("boards:city_table", args=[GROUPED])
        self.login(self.reporter_shibei)
        self.assertEqual(self.client.post(url, {"on": "0"}).status_code, 403)
        self.login(None)
        self.assertEqual(self.client.post(url, {"on": "0"}).status_code, 302)
        self.assertTrue(Period.objects.get(code=GROUPED).city_table)

    def test_the_star_matrix_has_a_section_per_group(self) -> None:
        page = self.client.get(reverse("boards:stars", args=[GROUPED])).content.decode()
        for group, units in (("urban", URBAN), ("county", COUNTY)):
            section = self.section(page, group)
            self.assertEqual(len(re.findall(r"/units/([a-z]+)/", section)), len(units))

    def test_each_group_has_its_own_posters(self) -> None:
        page = self.client.get(reverse("boards:posters", args=[GROUPED])).content.decode()
        boards = 4  # version 2's top-level boards
        self.assertEqual(page.count('<section class="poster" data-group="urban"'), 1 + boards)
        self.assertEqual(page.count('<section class="poster" data-group="county"'), 1 + boards)

    def test_the_report_card_gives_the_rank_in_the_group_and_among_all(self) -> None:
        row = next(r for r in self.result()["results"] if r["unit"] == "pingdu")
        page = self.client.get(
            reverse("boards:unit", args=[GROUPED, "pingdu"]), HTTP_ACCEPT_LANGUAGE="zh"
        ).content.decode()
        self.assertIn(f"{row['rank']}<small", page)
        self.assertIn(" / 3</small>", page)
        self.assertIn(" / 10</small>", page)
        self.assertIn("县级市", page.split('data-fact="group-name"')[1])

    def test_a_units_history_gives_the_grouped_rank_out_of_the_groups_size(self) -> None:
        # licang is seventh of the seven 市内区 units (ninth of all ten) in the variant.
        row = next(r for r in self.result()["results"] if r["unit"] == "licang")
        self.assertEqual((row["rank"], row["rank_all"]), (7, 9))
        page = self.client.get(
            reverse("boards:unit", args=[GROUPED, "licang"]), HTTP_ACCEPT_LANGUAGE="zh"
        ).content.decode()
        link = reverse("boards:unit", args=[GROUPED, "licang"])
        grouped = page.split(f'<a href="{link}">')[-1].split("</tr>")[0]
        self.assertIn(">7 / 7<", grouped)

    def test_the_quarters_history_lists_the_variant_apart_not_in_its_series(self) -> None:
        # The variant has no previous period: its rank within a group is not a point of
        # the quarters' rank chart, and 2023Q3's card links to it below the table.
        page = self.client.get(
            reverse("boards:unit", args=["2023Q3", "licang"]), HTTP_ACCEPT_LANGUAGE="zh"
        ).content.decode()
        chart = json.loads(
            page.split('<script id="history-data" type="application/json">')[1].split("</script>")[
                0
            ]
        )
        self.assertEqual(chart["labels"][-1], "2023年第三季度")
        self.assertFalse([label for label in chart["labels"] if "分类考核" in label])
        table = page.split('data-links="other-periods"')[0].split('id="history-data"')[1]
        self.assertIn(">9 / 10<", table)
        self.assertNotIn(">7 / 7<", table)
        others = page.split('data-links="other-periods"')[1].split("</p>")[0]
        self.assertIn(reverse("boards:unit", args=[GROUPED, "licang"]), others)
        self.assertIn("不在本序列中的其他考核期结果", page)

    def test_an_ungrouped_period_keeps_its_one_table(self) -> None:
        page = self.client.get(reverse("boards:league", args=["2023Q3"])).content.decode()
        self.assertNotIn("data-group=", page)
        self.assertEqual(len(re.findall(r'data-unit="([a-z]+)"', page)), 10)
