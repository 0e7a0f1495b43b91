"""The scheme editor: the form's model round-trips every scheme, the engine's problems
land at their field, the preview and the save answer as JSON, and only the office may
use any of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.urls import reverse

from leitai.demo import demo_dir
from leitai.engine import load_scheme
from leitai.web.assessments.models import SchemeVersion
from leitai.web.audit.models import AuditEntry
from leitai.web.workflow.editor import model_scheme, model_yaml, problem_field, scheme_model
from tests.web.base import BaseTestCase

SCHEME = "qingdao-2023-quarterly"
SCHEMES = sorted(demo_dir().glob("scheme*.yaml")) + sorted(
    (Path(__file__).parents[1] / "data" / "spec-examples").glob("*/scheme.yaml")
)


@pytest.mark.parametrize("path", SCHEMES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_scheme_round_trips_through_the_editor_model_and_its_yaml(path: Path) -> None:
    scheme = load_scheme(path)
    model = json.loads(json.dumps(scheme_model(scheme)))  # as the browser sends it back
    again = model_scheme(model)
    assert again.model_dump() == scheme.model_dump()
    assert model_yaml(model).startswith(f"id: {scheme.id}\n")


@pytest.mark.parametrize(
    ("path", "fields", "field"),
    [
        (
            "boards[0].indicators[1].weight",
            ["boards[0].indicators[1].weight"],
            "boards[0].indicators[1].weight",
        ),
        (
            "boards[0].indicators[1].params.cap",
            ["boards[0].indicators[1].params"],
            "boards[0].indicators[1].params",
        ),
        (
            "boards[1].indicators[0].params.thresholds[0][1]",
            ["boards[1].indicators[0].params.thresholds[0][1]"],
            "boards[1].indicators[0].params.thresholds[0][1]",
        ),
        (
            "boards[1].indicators[0].params.thresholds[2]",
            ["boards[1].indicators[0].params.thresholds"],
            "boards[1].indicators[0].params.thresholds",
        ),
        ("units[3].name", ["units[3]", "units"], "units[3]"),
        ("boards[0].boards[1].points", ["boards[0].boards[1]", "boards[0]"], "boards[0].boards[1]"),
        ("flags[0].when", ["flags[0].when", "flags"], "flags[0].when"),
        ("stars.min", ["stars"], "stars"),
        ("boards[2].indicators[0].weight", ["boards[0].indicators[0].weight"], None),
        (None, ["boards"], None),
    ],
)
def test_a_problem_goes_to_the_nearest_field_of_its_yaml_path(path, fields, field) -> None:
    assert problem_field(path, fields) == field


class SchemeEditorTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.office)
        self.v2 = SchemeVersion.objects.get(scheme__code=SCHEME, number=2)
        self.model = scheme_model(load_scheme(demo_dir() / "scheme-2023-v2.yaml"))

    def post(self, name: str, body: dict):  # type: ignore[no-untyped-def]
        return self.client.post(
            reverse(f"workflow:scheme_editor_{name}"),
            json.dumps(body, ensure_ascii=False),
            content_type="application/json",
        )

    def test_the_editor_shows_the_version_in_the_form_with_method_names(self) -> None:
        response = self.client.get(reverse("workflow:scheme_editor", args=[SCHEME, 2]))
        self.assertContains(response, "第 2 版")
        self.assertEqual(response.context["model"]["boards"][0]["points"], 35)
        self.assertIn(["efficacy", "功效系数法"], response.context["words"]["methods"])
        self.assertContains(response, 'id="editor-model"')

    def test_the_editor_carries_each_indicator_definition_source_department_contact(self) -> None:
        response = self.client.get(reverse("workflow:scheme_editor", args=[SCHEME, 2]))
        first = response.context["model"]["boards"][0]["indicators"][0]
        scheme = load_scheme(demo_dir() / "scheme-2023-v2.yaml")
        self.assertEqual(
            {k: first[k] for k in ("definition", "source", "department", "contact")},
            scheme.all_indicators()[0].notes,
        )
        labels = response.context["words"]["labels"]
        self.assertEqual(
            [labels[k] for k in ("definition", "source", "department", "contact")],
            ["口径", "数据来源", "责任部门", "联系人（姓名、电话）"],
        )

    def test_pages_name_methods_and_versions_in_words_not_codes(self) -> None:
        page = self.client.get(reverse("boards:indicator", args=["2023Q1", "gdp_growth"]))
        self.assertContains(page, "<dd>功效系数法</dd>", html=False)
        self.assertNotContains(page, ">efficacy<")
        listing = self.client.get(reverse("workflow:scheme_list")).content.decode()
        self.assertIn("第2版", listing)
        self.assertNotIn("<b>v2</b>", listing)
        version = self.client.get(reverse("workflow:scheme_version", args=[SCHEME, 2]))
        self.assertContains(version, "第2版")
        self.assertContains(version, reverse("workflow:scheme_editor", args=[SCHEME, 2]))
        self.assertContains(version, "红旗「真抓实干、勇当排头」：综合成绩名次前 2 名")
        self.assertContains(version, "地区生产总值增速（%） · 权重 3 · 功效系数法")

    def test_a_new_scheme_starts_from_the_units_of_the_latest_scheme(self) -> None:
        response = self.client.get(reverse("workflow:scheme_editor_new"))
        units = response.context["model"]["units"]
        self.assertEqual([u["id"] for u in units][:2], ["shinan", "shibei"])

    def test_check_places_each_problem_at_its_field_and_puts_rules_in_words(self) -> None:
        self.model["boards"][0]["indicators"][1]["weight"] = 0
        self.model["boards"][1]["points"] = "三十"
        fields = ["boards[0].indicators[1].weight", "boards[1]", "boards"]
        answer = self.post("check", {"model": self.model, "fields": fields}).json()
        self.assertFalse(answer["ok"])
        placed = {p["field"]: p["message"] for p in answer["problems"]}
        self.assertEqual(placed["boards[0].indicators[1].weight"], "应大于 0，实际为 0")
        self.assertIn("三十", placed["boards[1]"])
        self.assertEqual(answer["rules"]["flags[0].when"], "综合成绩名次前 2 名")
        self.assertEqual(answer["rules"]["flags[1].when"], "名次较上期上升 2 位及以上")

    def test_a_rule_with_an_unknown_variable_is_a_problem_of_its_field(self) -> None:
        self.model["flags"][0]["when"] = "rnak <= 2"
        answer = self.post("check", {"model": self.model, "fields": ["flags[0].when"]}).json()
        [problem] = answer["problems"]
        self.assertEqual(problem["field"], "flags[0].when")
        self.assertIn("rnak", problem["message"])

    def test_preview_computes_the_league_table_on_the_current_period_without_saving(self) -> None:
        self.model["boards"][0]["points"] = 50
        self.model["boards"][1]["points"] = 10
        before = (SchemeVersion.objects.count(), AuditEntry.objects.count())
        answer = self.post("preview", {"model": self.model}).json()
        self.assertTrue(answer["ok"], answer)
        self.assertEqual(len(answer["rows"]), 10)
        self.assertEqual(answer["rows"][0]["rank"], 1)
        self.assertEqual(len(answer["rows"][0]["stars"]), len(answer["boards"]))
        self.assertEqual(before, (SchemeVersion.objects.count(), AuditEntry.objects.count()))

    def test_save_makes_a_new_audited_version_of_the_same_yaml(self) -> None:
        self.model["boards"][0]["points"] = 40
        self.model["boards"][1]["points"] = 20
        audit = AuditEntry.objects.count()
        answer = self.post("save", {"model": self.model, "comment": "经济运行提至40分"}).json()
        self.assertTrue(answer["ok"], answer)
        saved = SchemeVersion.objects.get(scheme__code=SCHEME, number=3)
        self.assertEqual(answer["url"], reverse("workflow:scheme_version", args=[SCHEME, 3]))
        self.assertEqual(saved.comment, "经济运行提至40分")
        self.assertEqual(load_scheme_text(saved.text).boards[0].points, 40)
        self.assertGreater(AuditEntry.objects.count(), audit)
        compare = self.client.get(reverse("workflow:scheme_compare", args=[SCHEME]) + "?a=2&b=3")
        self.assertEqual(
            compare.context["changes"], ["「经济运行」分值 35 → 40", "「项目签约落地」分值 25 → 20"]
        )

    def test_save_refuses_a_scheme_with_problems_and_one_without_a_comment(self) -> None:
        broken = dict(self.model, boards=[])
        answer = self.post("save", {"model": broken, "comment": "x"}).json()
        self.assertFalse(answer["ok"])
        self.assertTrue(answer["problems"])
        answer = self.post("save", {"model": self.model | {"name": "改"}, "comment": " "}).json()
        self.assertFalse(answer["ok"])
        self.assertTrue(answer["errors"])
        self.assertEqual(SchemeVersion.objects.filter(scheme__code=SCHEME).count(), 2)

    def test_a_body_that_is_not_the_editors_json_is_refused(self) -> None:
        deep = '{"model": {"a": ' + "[" * 500 + "]" * 500 + "}}"
        for body in ("[]", "{", json.dumps({"model": "x"}), "[" * 5000 + "]" * 5000, deep):
            response = self.client.post(
                reverse("workflow:scheme_editor_check"), body, content_type="application/json"
            )
            self.assertEqual(response.status_code, 400, body[:20])

    def test_only_the_office_reaches_the_editor_and_its_answers(self) -> None:
        pages = [
            reverse("workflow:scheme_editor_new"),
            reverse("workflow:scheme_editor", args=[SCHEME, 2]),
        ]
        answers = [reverse(f"workflow:scheme_editor_{n}") for n in ("check", "preview", "save")]
        body = json.dumps({"model": self.model, "comment": "x"})
        for user in (self.reporter_shibei, self.reporter_licang, self.viewer, self.outsider):
            self.login(user)
            for url in pages:
                self.assertEqual(self.client.get(url).status_code, 403, (user, url))
            for url in answers:
                response = self.client.post(url, body, content_type="application/json")
                self.assertEqual(response.status_code, 403, (user, url))
        self.login(None)
        for url in pages:
            self.assertEqual(self.client.get(url).status_code, 302, url)
        for url in answers:
            response = self.client.post(url, body, content_type="application/json")
            self.assertEqual(response.status_code, 302, url)
        self.assertEqual(SchemeVersion.objects.filter(scheme__code=SCHEME).count(), 2)


def load_scheme_text(text: str):  # type: ignore[no-untyped-def]
    from leitai.engine import parse_scheme

    return parse_scheme(text)
