"""The write API (issue 11): a token acts as its account through the upload's services."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.urls import reverse

from leitai.web.api.models import ApiToken
from leitai.web.api.services import token_create, token_revoke
from leitai.web.api.writes import MAX_BODY_BYTES, MAX_ROWS
from leitai.web.assessments.models import DataValue, Period, Unit
from leitai.web.audit.models import Action, AuditEntry
from leitai.web.ratelimit import counts
from leitai.web.workflow.models import Upload
from tests.web.base import BaseTestCase
from tests.web.test_ratelimit import cache_down
from tests.web.workflow_helpers import csv_file, figures

VALUES = "/api/periods/{}/values"


class WriteApiTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.q4 = Period.objects.get(code="2023Q4")
        self.shibei = Unit.objects.get(code="shibei")
        self.token, self.raw = token_create(
            owner=self.reporter_shibei, name="市北区统计系统", actor=self.office
        )

    def post(
        self,
        rows: list[dict[str, Any]],
        *,
        period: str = "2023Q4",
        raw: str | None = None,
        dry_run: bool = False,
    ):  # type: ignore[no-untyped-def]
        url = VALUES.format(period) + ("?dry_run=true" if dry_run else "")
        return self.client.post(
            url,
            json.dumps({"rows": rows}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {raw or self.raw}"},
        )

    def value(self, unit: str, key: str, period: str = "2023Q4") -> str:
        return DataValue.objects.get(period__code=period, unit__code=unit, key=key).value


class SubmitTests(WriteApiTestCase):
    def test_a_reporters_token_previews_then_saves_its_units_values(self) -> None:
        before = figures(self.q4)
        old = self.value("shibei", "industry_growth")
        rows = [{"unit": "shibei", "indicator": "industry_growth", "value": 7.25}]
        preview = self.post(rows, dry_run=True)
        self.assertEqual(preview.status_code, 200, preview.content)
        data = preview.json()
        self.assertEqual((data["dry_run"], data["saved"], data["changed"]), (True, False, 0))
        self.assertEqual(
            [(c["unit"], c["indicator"], c["before"], c["after"]) for c in data["changes"]],
            [("shibei", "industry_growth", old, "7.25")],
        )
        self.assertEqual(figures(self.q4), before)  # a preview saves nothing
        self.assertFalse(Upload.objects.filter(state=Upload.State.CHECKED).exists())
        previewed = Upload.objects.get(state=Upload.State.DISCARDED)
        self.assertFalse(previewed.file.storage.exists(previewed.file.name))  # no file kept

        saved = self.post(rows)
        self.assertEqual(saved.status_code, 200, saved.content)
        self.assertEqual((saved.json()["saved"], saved.json()["changed"]), (True, 1))
        self.assertEqual(self.value("shibei", "industry_growth"), "7.25")
        entry = AuditEntry.objects.filter(action=Action.API_WRITE).get()
        self.assertEqual(
            (entry.actor, entry.period, entry.unit), (self.reporter_shibei, "2023Q4", "shibei")
        )
        self.assertEqual(entry.after["token"], "市北区统计系统")
        self.assertEqual(entry.after["changed"], 1)
        change = AuditEntry.objects.filter(action=Action.DATA_CHANGED).latest("pk")
        self.assertEqual(change.actor, self.reporter_shibei)
        self.assertIn(f"api-{self.token.prefix}.csv", change.note)
        self.token.refresh_from_db()
        self.assertIsNotNone(self.token.last_used_at)

    def test_the_office_reads_a_write_through_a_token_in_the_audit_log_in_chinese(self) -> None:
        rows = [{"unit": "shibei", "indicator": "industry_growth", "value": 7.25}]
        self.assertEqual(self.post(rows).status_code, 200)
        entry = AuditEntry.objects.filter(action=Action.API_WRITE).get()
        self.login(self.office)
        page = self.client.get(reverse("audit:entry", args=[entry.pk])).content.decode()
        self.assertIn("通过接口报送数据", page)
        self.assertIn("市北区统计系统", page)
        for label in ("令牌", "前缀", "行数", "改动的数据数"):
            self.assertIn(label, page)
        for key in ("prefix", "changed", "rows"):
            self.assertNotIn(f">{key}<", page)

    def test_a_token_has_its_accounts_rights_the_offices_writes_every_unit(self) -> None:
        _token, raw = token_create(owner=self.office, name="考核办导入", actor=self.office)
        rows = [
            {"unit": "licang", "indicator": "industry_growth", "value": 9.5},
            {"unit": "shibei", "indicator": "industry_growth", "value": 7.5},
        ]
        self.assertEqual(self.post(rows, raw=raw).json()["changed"], 2)
        self.assertEqual(self.value("licang", "industry_growth"), "9.5")
        _token, viewer = token_create(owner=self.viewer, name="领导", actor=self.office)
        self.assertEqual(self.post(rows, raw=viewer).status_code, 403)

    def test_a_null_value_empties_the_figure_as_an_empty_cell_does(self) -> None:
        self.assertNotEqual(self.value("shibei", "industry_growth"), "")
        rows = [{"unit": "shibei", "indicator": "industry_growth", "value": None}]
        preview = self.post(rows, dry_run=True).json()
        self.assertEqual(preview["changes"][0]["after"], "")
        self.assertEqual(self.post(rows).json()["changed"], 1)
        self.assertEqual(self.value("shibei", "industry_growth"), "")

    def test_sending_the_same_values_again_saves_nothing_and_succeeds(self) -> None:
        rows = [{"unit": "shibei", "indicator": "industry_growth", "value": "7.25"}]
        self.assertEqual(self.post(rows).status_code, 200)
        again = self.post(rows)
        self.assertEqual(again.status_code, 200)
        self.assertEqual((again.json()["saved"], again.json()["changed"]), (True, 0))

    def test_another_units_row_is_refused_whole_with_403_at_its_row(self) -> None:
        before, entries = figures(self.q4), AuditEntry.objects.count()
        response = self.post(
            [
                {"unit": "shibei", "indicator": "industry_growth", "value": 7.25},
                {"unit": "licang", "indicator": "industry_growth", "value": 9.9},
            ]
        )
        self.assertEqual(response.status_code, 403)
        data = response.json()
        self.assertIn("您无权", data["detail"])
        problem = data["problems"][0]
        self.assertEqual(
            (problem["row"], problem["field"], problem["code"]), (1, "unit", "upload.not_your_unit")
        )
        self.assertIn("licang（李沧区） 不是本单位", problem["message"])
        self.assertEqual(figures(self.q4), before)  # not even 市北区's own row
        self.assertEqual(AuditEntry.objects.count(), entries + 1)
        refused = AuditEntry.objects.latest("pk")
        self.assertEqual(refused.action, Action.API_WRITE_REFUSED)
        self.assertEqual(refused.actor, self.reporter_shibei)

    def test_a_bad_value_is_refused_with_the_same_problem_as_an_upload(self) -> None:
        before = figures(self.q4)
        response = self.post(
            [
                {"unit": "shibei", "indicator": "gdp_growth", "value": "6.3"},
                {"unit": "shibei", "indicator": "industry_growth", "value": "七点二"},
            ]
        )
        self.assertEqual(response.status_code, 422)
        self.assertEqual(figures(self.q4), before)
        [problem] = response.json()["problems"]
        self.assertEqual((problem["row"], problem["field"]), (1, "value"))
        self.assertIn("rows[1].value", problem["text"])
        # The upload of the same figures as a table names the same problem in the same words.
        self.login(self.reporter_shibei)
        page = self.client.post(
            reverse("workflow:upload", args=["2023Q4"]),
            {
                "file": csv_file(
                    "unit,indicator,value\nshibei,gdp_growth,6.3\nshibei,industry_growth,七点二\n"
                )
            },
            follow=True,
        )
        [shown] = page.context["problems"]
        self.assertEqual(shown["what"], problem["message"])
        self.assertIn("应填数字", problem["message"])

    def test_a_value_that_jumps_is_listed_for_an_explanation_and_saved_with_one(self) -> None:
        rows = [{"unit": "shibei", "indicator": "gdp_growth", "value": 30}]
        preview = self.post(rows, dry_run=True).json()
        [anomaly] = preview["anomalies"]
        self.assertEqual((anomaly["indicator"], anomaly["explained"]), ("gdp_growth", False))
        rows[0]["explanation"] = "重大项目集中投产"
        self.assertTrue(self.post(rows, dry_run=True).json()["anomalies"][0]["explained"])
        self.assertEqual(self.post(rows).status_code, 200)
        explained = AuditEntry.objects.filter(note="explanation", unit="shibei").latest("pk")
        self.assertEqual(explained.after["gdp_growth.explanation"], "重大项目集中投产")

    def test_hostile_values_are_refused_at_their_row_and_never_saved(self) -> None:
        before = figures(self.q4)
        hostile = ["=1+1", "1" * 300, "NaN", "七点二", "5,2", "1e999"]
        keys = ["gdp_growth", "industry_growth", "investment_growth", "revenue_growth"]
        keys += ["signed_projects", "trade_growth"]
        rows = [
            {"unit": "shibei", "indicator": key, "value": value}
            for key, value in zip(keys, hostile, strict=True)
        ]
        rows.append({"unit": "shibei", "indicator": "gdp_growth", "value": "6"})
        response = self.client.post(
            VALUES.format("2023Q4"),
            json.dumps({"rows": rows}).replace('"NaN"', "Infinity"),
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.raw}"},
        )
        self.assertEqual(response.status_code, 422, response.content)
        self.assertEqual(figures(self.q4), before)
        problems = response.json()["problems"]
        too_long = next(p for p in problems if p["code"] == "file.value_too_long")
        self.assertEqual(too_long["row"], 1)  # the table names its row, not its column
        self.assertEqual({p["field"] for p in problems if p is not too_long}, {"value"})
        self.assertEqual({p["row"] for p in problems}, {0, 1, 2, 3, 4, 5, 6})
        duplicated = next(p for p in problems if p["code"] == "data.duplicated")
        self.assertEqual(duplicated["row"], 6)
        self.assertIn("rows[0].value", duplicated["message"])  # the first, as the request has it

    def test_control_characters_are_refused_at_their_row_and_field(self) -> None:
        rows = [
            {"unit": "shibei", "indicator": "gdp_growth", "value": "6"},
            {"unit": "shibei", "indicator": "industry_growth", "value": "5\n6"},
            {"unit": "shi\x00bei", "indicator": "gdp_growth", "value": "6"},
        ]
        response = self.post(rows)
        self.assertEqual(response.status_code, 422)
        self.assertIn("接口定义", response.json()["detail"])
        self.assertEqual(
            {tuple(e["loc"][2:5]) for e in response.json()["errors"]},
            {("rows", "1", "value"), ("rows", "2", "unit")},
        )
        # In words, at their rows and fields: the line break, not "not a number".
        self.assertEqual(
            [(p["row"], p["field"], p["code"]) for p in response.json()["problems"]],
            [(1, "value", "api.control_character"), (2, "unit", "api.control_character")],
        )
        self.assertEqual(
            response.json()["problems"][0]["text"],
            "位置 rows[1].value：文本含控制字符（换行、制表符或 NUL），每项只能是一行",
        )

    def test_a_request_off_the_schema_is_refused_in_words_at_its_rows_and_fields(self) -> None:
        before = figures(self.q4)
        rows = [
            {"unit": "shibei", "indicator": "gdp_growth", "value": {"a": 1}},
            {"unit": 5, "indicator": "", "value": 1},
            {"unit": "shibei", "value": 1},
        ]
        response = self.post(rows)
        self.assertEqual(response.status_code, 422)
        self.assertEqual(
            [(p["row"], p["field"], p["code"], p["message"]) for p in response.json()["problems"]],
            [
                (0, "value", "api.not_a_value", "应为数字、文本或 null"),
                (1, "unit", "api.not_text", "应为文本（代码）"),
                (1, "indicator", "api.empty", "为空，请填写代码"),
                (2, "indicator", "api.missing", "缺少此项"),
            ],
        )
        headers = {"Authorization": f"Bearer {self.raw}"}
        empty = self.client.post(
            VALUES.format("2023Q4"),
            '{"rows": []}',
            content_type="application/json",
            headers=headers,
        )
        self.assertEqual(
            [(p["row"], p["code"]) for p in empty.json()["problems"]], [(None, "api.no_rows")]
        )
        broken = self.client.post(
            VALUES.format("2023Q4"), '{"rows": [', content_type="application/json", headers=headers
        )
        self.assertEqual(broken.status_code, 400)
        self.assertEqual(broken.json()["detail"], "请求体不是 JSON 文本。")
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch
        english = self.client.post(
            VALUES.format("2023Q4"), '{"rows": [', content_type="application/json", headers=headers
        )
        self.assertEqual(english.json()["detail"], "The request's body is not JSON text.")
        self.assertEqual(figures(self.q4), before)


class RefusalTests(WriteApiTestCase):
    def test_a_token_limited_to_one_period_cannot_write_another(self) -> None:
        _token, raw = token_create(
            owner=self.reporter_shibei, name="只限2023Q4", period=self.q4, actor=self.office
        )
        rows = [{"unit": "shibei", "indicator": "industry_growth", "value": 7.25}]
        response = self.post(rows, period="2024Q1", raw=raw)
        self.assertEqual(response.status_code, 403)
        self.assertIn("2023Q4", response.json()["detail"])
        self.assertEqual(self.post(rows, raw=raw).status_code, 200)

    def test_a_published_period_is_closed_with_409(self) -> None:
        before = self.value("shibei", "industry_growth", "2023Q3")
        response = self.post(
            [{"unit": "shibei", "indicator": "industry_growth", "value": 1}], period="2023Q3"
        )
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["detail"], "该考核期不在填报阶段。")
        self.assertEqual(self.value("shibei", "industry_growth", "2023Q3"), before)

    def test_a_unit_that_submitted_is_closed_with_409(self) -> None:
        _token, raw = token_create(owner=self.reporter_licang, name="李沧", actor=self.office)
        response = self.post(
            [{"unit": "licang", "indicator": "industry_growth", "value": 1}], raw=raw
        )
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["detail"], "数据已经提交。")

    def test_an_unknown_period_is_404(self) -> None:
        response = self.post([{"unit": "shibei", "indicator": "x", "value": 1}], period="1999Q1")
        self.assertEqual(response.status_code, 404)

    def test_a_revoked_token_a_wrong_one_and_none_are_refused(self) -> None:
        rows = [{"unit": "shibei", "indicator": "industry_growth", "value": 7.25}]
        token_revoke(token=self.token, actor=self.office)
        before = figures(self.q4)
        self.assertEqual(self.post(rows).status_code, 401)
        self.assertEqual(self.post(rows, raw=self.raw[:-1] + "x").status_code, 401)
        anonymous = self.client.post(
            VALUES.format("2023Q4"), json.dumps({"rows": rows}), content_type="application/json"
        )
        self.assertEqual(anonymous.status_code, 401)
        self.assertIn("令牌", anonymous.json()["detail"])
        self.assertEqual(figures(self.q4), before)

    def test_a_logged_in_session_is_not_a_token(self) -> None:
        self.login(self.office)
        response = self.client.post(
            VALUES.format("2023Q4"),
            json.dumps({"rows": [{"unit": "shibei", "indicator": "gdp_growth", "value": 1}]}),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 401)

    def test_an_account_made_inactive_takes_its_tokens_with_it(self) -> None:
        self.reporter_shibei.is_active = False
        self.reporter_shibei.save()
        response = self.client.get("/api/token", headers={"Authorization": f"Bearer {self.raw}"})
        self.assertEqual(response.status_code, 401)

    def test_bodies_and_row_counts_are_bounded(self) -> None:
        big = "x" * (MAX_BODY_BYTES + 10)
        response = self.client.post(
            VALUES.format("2023Q4"),
            big,
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.raw}"},
        )
        self.assertEqual(response.status_code, 413)
        self.assertIn("KB", response.json()["detail"])
        rows = [{"unit": "shibei", "indicator": "gdp_growth", "value": 1}] * (MAX_ROWS + 1)
        response = self.post(rows)
        self.assertEqual(response.status_code, 422)
        self.assertIn("接口", response.json()["detail"])
        self.assertEqual(
            [p["message"] for p in response.json()["problems"]], ["超过 5000 行，请分批报送"]
        )

    def test_a_token_is_rate_limited(self) -> None:
        headers = {"Authorization": f"Bearer {self.raw}"}
        answers = [self.client.get("/api/token", headers=headers).status_code for _ in range(61)]
        self.assertEqual(answers[:60], [200] * 60)
        self.assertEqual(answers[60], 429)

    def test_with_the_cache_down_a_token_still_writes_and_is_still_rate_limited(self) -> None:
        counts.local.clear()
        headers = {"Authorization": f"Bearer {self.raw}"}
        with cache_down():
            saved = self.post([{"unit": "shibei", "indicator": "gdp_growth", "value": 6.5}])
            answers = [
                self.client.get("/api/token", headers=headers).status_code for _ in range(60)
            ]
        counts.local.clear()
        self.assertEqual(saved.status_code, 200, saved.content)
        self.assertEqual(answers[:59], [200] * 59)
        self.assertEqual(answers[59], 429)


class TokenTests(WriteApiTestCase):
    def test_the_token_is_stored_as_a_hash_and_its_account_is_shown(self) -> None:
        stored = ApiToken.objects.get(pk=self.token.pk)
        self.assertNotIn(self.raw, {stored.key_hash, stored.prefix, stored.name})
        self.assertTrue(self.raw.startswith(f"lt_{stored.prefix}_"))
        data = self.client.get("/api/token", headers={"Authorization": f"Bearer {self.raw}"}).json()
        self.assertEqual(
            (data["account"], data["unit"], data["period"]), ("tianbao-shibei", "shibei", None)
        )
        made = AuditEntry.objects.filter(action=Action.API_TOKEN_CREATED).latest("pk")
        self.assertEqual((made.actor, made.after["account"]), (self.office, "tianbao-shibei"))
        self.assertNotIn(self.raw, json.dumps(made.after))

    def test_the_office_makes_a_token_on_its_page_sees_it_once_and_revokes_it(self) -> None:
        self.login(self.office)
        page = self.client.post(
            reverse("api_tokens:list"),
            {"name": "统计局接口", "owner": self.reporter_licang.pk, "period": ""},
            follow=True,
        )
        self.assertEqual(page.status_code, 200)
        raw = page.context["created"]
        self.assertContains(page, raw)
        token = ApiToken.objects.get(name="统计局接口")
        self.assertEqual((token.user, token.created_by), (self.reporter_licang, self.office))
        again = self.client.get(reverse("api_tokens:list"))
        self.assertNotContains(again, raw)  # shown once
        self.assertContains(again, token.prefix)
        self.client.post(reverse("api_tokens:revoke", args=[token.pk]))
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)
        revoked = AuditEntry.objects.filter(action=Action.API_TOKEN_REVOKED).latest("pk")
        self.assertEqual(
            (revoked.actor, revoked.before["revoked"], revoked.after["revoked"]),
            (self.office, False, True),
        )

    def test_a_reporter_makes_its_own_tokens_only_when_the_office_allows(self) -> None:
        self.login(self.reporter_shibei)
        page = self.client.get(reverse("api_tokens:list"))
        self.assertContains(page, "data-token-not-allowed")
        self.assertContains(page, self.token.prefix)  # its own token, made by the office
        refused = self.client.post(
            reverse("api_tokens:list"), {"name": "自建", "owner": self.reporter_shibei.pk}
        )
        self.assertEqual(refused.status_code, 403)
        self.assertEqual(
            self.client.post(reverse("api_tokens:revoke", args=[self.token.pk])).status_code, 302
        )
        self.token.refresh_from_db()
        self.assertIsNone(self.token.revoked_at)  # not allowed: nothing happened

        self.login(self.office)
        self.client.post(reverse("api_tokens:settings"), {"self_service": "on"})
        self.assertTrue(
            AuditEntry.objects.filter(
                action=Action.SETTINGS_CHANGED, after={"api_self_service": True}
            ).exists()
        )
        self.login(self.reporter_shibei)
        made = self.client.post(
            reverse("api_tokens:list"),
            {"name": "自建", "owner": self.reporter_shibei.pk},
            follow=True,
        )
        self.assertTrue(made.context["created"])
        other = self.client.post(
            reverse("api_tokens:list"), {"name": "冒名", "owner": self.reporter_licang.pk}
        )
        self.assertIsNone(other.context["created"])  # not an account it may choose
        self.assertFalse(ApiToken.objects.filter(name="冒名").exists())

    def test_nobody_else_sees_or_revokes_a_token(self) -> None:
        self.login(self.reporter_licang)
        self.assertNotContains(self.client.get(reverse("api_tokens:list")), self.token.prefix)
        self.assertEqual(
            self.client.post(reverse("api_tokens:revoke", args=[self.token.pk])).status_code, 404
        )
        self.login(self.outsider)
        self.assertEqual(self.client.get(reverse("api_tokens:list")).status_code, 403)
        self.login(None)
        self.assertEqual(self.client.get(reverse("api_tokens:list")).status_code, 302)

    def test_the_office_makes_and_revokes_tokens_in_the_admin(self) -> None:
        self.login(self.office)
        response = self.client.post(
            reverse("admin:api_apitoken_add"),
            {"name": "后台令牌", "user": self.reporter_shibei.pk, "period": ""},
            follow=True,
        )
        self.assertEqual(response.status_code, 200)
        token = ApiToken.objects.get(name="后台令牌")
        shown = [str(m) for m in response.context["messages"]]
        self.assertTrue(any(f"lt_{token.prefix}_" in m for m in shown))
        self.assertEqual(
            AuditEntry.objects.filter(
                action=Action.API_TOKEN_CREATED, object_id=str(token.pk)
            ).count(),
            1,
        )
        self.client.post(
            reverse("admin:api_apitoken_changelist"),
            {"action": "revoke", "_selected_action": [token.pk]},
        )
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)
        self.assertTrue(
            AuditEntry.objects.filter(
                action=Action.API_TOKEN_REVOKED, object_id=str(token.pk)
            ).exists()
        )


class SchemaTests(WriteApiTestCase):
    def test_the_write_operations_are_in_the_schema_with_the_token_scheme(self) -> None:
        schema = self.client.get("/api/openapi.json").json()
        post = schema["paths"]["/api/periods/{period}/values"]["post"]
        self.assertIn("报送数据", post["summary"])
        self.assertEqual(
            {"200", "401", "403", "404", "409", "413", "422", "429"}, set(post["responses"])
        )
        self.assertEqual(post["security"], [{"TokenAuth": []}])
        self.assertEqual(schema["components"]["securitySchemes"]["TokenAuth"]["scheme"], "bearer")
        docs = self.client.get("/api/docs").content.decode()
        self.assertIn("报送某一考核期的数据", docs)
        self.assertIn("读取：以 JSON 提供考核结果", docs)
        self.assertNotIn("只读的", docs)
        token = docs[docs.index('data-path="/api/token"') :]
        self.assertIn("令牌所代表的账号", token)
        self.assertIn("以 JSON 返回结果", token)  # not the preview of the write
        self.assertNotIn("预览", token)


class ProviderTokenTests(WriteApiTestCase):
    """A department's token (issue 11): its indicators for every unit, nothing else."""

    def setUp(self) -> None:
        super().setUp()
        self.provider_token, self.provider_raw = token_create(
            owner=self.provider, name="住建局业务系统", actor=self.office
        )

    def test_a_providers_token_writes_its_indicators_for_every_unit(self) -> None:
        units = list(Unit.objects.order_by("position").values_list("code", flat=True))
        rows = [{"unit": code, "indicator": "estates_started", "value": 7} for code in units]
        response = self.post(rows, raw=self.provider_raw)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(len(units), 10)
        for code in units:
            self.assertEqual(self.value(code, "estates_started"), "7")
        entry = AuditEntry.objects.filter(action=Action.API_WRITE).get()
        self.assertEqual(entry.actor, self.provider)

    def test_a_providers_token_cannot_write_another_departments_or_the_units_figures(
        self,
    ) -> None:
        before = figures(self.q4)
        for key in ("retail_growth", "gdp_growth"):  # 市统计局's; the units' own
            response = self.post(
                [{"unit": "shibei", "indicator": key, "value": 5}], raw=self.provider_raw
            )
            self.assertEqual(response.status_code, 403, response.content)
            problem = response.json()["problems"][0]
            self.assertEqual((problem["code"], problem["row"]), ("upload.not_your_indicator", 0))
        self.assertEqual(figures(self.q4), before)

    def test_a_units_token_cannot_write_a_departments_figure(self) -> None:
        response = self.post([{"unit": "shibei", "indicator": "retail_growth", "value": 5}])
        self.assertEqual(response.status_code, 403, response.content)
        self.assertEqual(response.json()["problems"][0]["code"], "upload.not_your_indicator")

    def test_a_providers_token_cannot_write_another_period(self) -> None:
        response = self.post(
            [{"unit": "shibei", "indicator": "estates_started", "value": 7}],
            period="2024Q1",
            raw=self.provider_raw,
        )
        self.assertIn(response.status_code, (403, 409), response.content)
        self.assertFalse(AuditEntry.objects.filter(action=Action.API_WRITE).exists())
