from __future__ import annotations

from leitai.web.assessments.models import Unit
from tests.web.base import BaseTestCase


class ApiTests(BaseTestCase):
    def test_the_periods_list_holds_the_published_periods_in_order(self) -> None:
        data = self.client.get("/api/periods").json()
        # 2023Q4 is in collection in the demo: not listed until it is published; nor the
        # annual period 2023, which waits for it. 2023-Q3-grouped is the grouped variant
        # of 2023Q3: in time order (by the last day assessed), beside it.
        self.assertEqual(
            [(p["period"], p["ends_on"]) for p in data],
            [
                ("2022Q4", "2022-12-31"),
                ("2023Q1", "2023-03-31"),
                ("2023Q2", "2023-06-30"),
                ("2023-Q3-grouped", "2023-09-30"),
                ("2023Q3", "2023-09-30"),
            ],
        )
        q1 = next(p for p in data if p["period"] == "2023Q1")
        self.assertEqual(q1["previous"], "2022Q4")
        self.assertEqual(q1["label"], "2023年第一季度")

    def test_the_office_lists_the_draft_as_well(self) -> None:
        self.login(self.office)
        data = self.client.get("/api/periods").json()
        self.assertEqual(data[-1]["period"], "2024Q1")
        self.assertFalse(data[-1]["published"])

    def test_the_league_table_is_the_engine_result_in_rank_order(self) -> None:
        data = self.client.get("/api/periods/2023Q1").json()
        self.assertEqual([r["rank"] for r in data["results"]], list(range(1, 11)))
        self.assertEqual(data["results"][0]["unit"], "huangdao")
        self.assertEqual(data["flags"]["climber"], "加压奋进、进位赶超")
        self.assertEqual(len(data["scheme"]["sha256"]), 64)

    def test_a_unit_card_carries_the_explanation(self) -> None:
        data = self.client.get("/api/periods/2023Q1/units/shibei").json()
        self.assertEqual(data["result"]["unit"], "shibei")
        self.assertEqual(data["explanation"]["above"]["unit"], "laoshan")
        self.assertEqual(len(data["explanation"]["strongest"]), 3)

    def test_a_reporter_reading_its_draft_card_learns_nothing_of_the_unit_above(self) -> None:
        self.login(self.reporter_shibei)
        data = self.client.get("/api/periods/2024Q1/units/shibei").json()
        self.assertIsNone(data["explanation"]["above"])
        self.assertFalse(data["period"]["published"])

    def test_the_openapi_schema_documents_every_endpoint(self) -> None:
        schema = self.client.get("/api/openapi.json").json()
        self.assertEqual(
            set(schema["paths"]),
            {
                "/api/periods",
                "/api/periods/{period}",
                "/api/periods/{period}/units/{unit}",
                # The write API (tests/web/test_api_writes.py).
                "/api/periods/{period}/values",
                "/api/token",
            },
        )
        self.assertIn("LeagueOut", schema["components"]["schemas"])

    def test_the_read_operations_take_no_writes(self) -> None:
        self.login(self.office)
        self.assertEqual(self.client.post("/api/periods/2023Q1").status_code, 405)
        self.assertEqual(self.client.delete("/api/periods/2023Q1").status_code, 405)


class RefusalWordsTests(BaseTestCase):
    def test_a_refusal_says_why_in_the_readers_language(self) -> None:
        # A unit the API does not know at all (ninja's own answer is "Not Found").
        missing = self.client.get("/api/periods/2023Q1/units/nowhere")
        self.assertEqual((missing.status_code, missing.json()["detail"]), (404, "没有找到。"))
        # A unit known, but not in this period's result.
        Unit.objects.create(code="newtown", name="新城区")
        absent = self.client.get("/api/periods/2023Q1/units/newtown")
        self.assertEqual(
            (absent.status_code, absent.json()["detail"]), (404, "该考核期没有这个单位。")
        )
        self.public_boards(False)
        anonymous = self.client.get("/api/periods/2023Q1")
        self.assertEqual(
            (anonymous.status_code, anonymous.json()["detail"]), (401, "请登录后查看成绩。")
        )
        self.client.cookies["django_language"] = "en"
        english = self.client.get("/api/periods/2023Q1").json()["detail"]
        self.assertEqual(english, "Log in to read results.")


class ApiDocsTests(BaseTestCase):
    def test_the_api_documentation_is_in_chinese_lists_every_operation_and_links_back(
        self,
    ) -> None:
        page = self.client.get("/api/docs")
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        schema = self.client.get("/api/openapi.json").json()
        for path in schema["paths"]:
            self.assertIn(f'data-path="{path}"', html)
        self.assertIn("数据接口说明", html)
        self.assertIn("某一考核期的综合成绩排名表", html)
        self.assertIn('href="/"', html)
        self.assertIn('href="/api/openapi.json"', html)
        self.assertEqual(self.client.get("/api/swagger").status_code, 200)
