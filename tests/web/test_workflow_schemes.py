"""Schemes in the browser: upload or edit the YAML, see every error at its path and line,
save each change as a new version with a comment, compare two versions side by side."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from leitai.web.assessments.models import Scheme, SchemeVersion
from leitai.web.audit.models import AuditEntry
from tests.web.base import BaseTestCase

SCHEME = "qingdao-2023-quarterly"


class SchemeTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.office)
        self.v2 = SchemeVersion.objects.get(scheme__code=SCHEME, number=2)

    def edit(self, text: str, comment: str = "调整权重"):  # type: ignore[no-untyped-def]
        return self.client.post(
            reverse("workflow:scheme_edit", args=[SCHEME, 2]), {"text": text, "comment": comment}
        )

    def test_an_edit_is_saved_as_the_next_version_with_its_comment_and_the_old_one_stays(
        self,
    ) -> None:
        text = self.v2.text.replace("points: 35", "points: 40").replace("points: 25", "points: 20")
        response = self.edit(text, "经济运行板块提高至40分")
        v3 = SchemeVersion.objects.get(scheme__code=SCHEME, number=3)
        self.assertRedirects(response, reverse("workflow:scheme_version", args=[SCHEME, 3]))
        self.assertIn("version: 3", v3.text)
        self.assertEqual((v3.comment, v3.created_by), ("经济运行板块提高至40分", self.office))
        self.assertEqual(SchemeVersion.objects.get(pk=self.v2.pk).text, self.v2.text)
        entry = AuditEntry.objects.filter(action="scheme.version_created").latest("pk")
        self.assertEqual((entry.before["version"], entry.after["version"]), (2, 3))
        self.assertEqual(entry.note, "经济运行板块提高至40分")

    def test_every_error_is_shown_at_its_yaml_path_and_line_and_nothing_is_saved(self) -> None:
        text = self.v2.text.replace("points: 35", "points: -1").replace("weight: 3", "weight: 三")
        response = self.edit(text)
        problems = response.context["problems"]
        lines = text.splitlines()
        points = next(n for n, line in enumerate(lines, 1) if "points: -1" in line)
        weight = next(n for n, line in enumerate(lines, 1) if "weight: 三" in line)
        self.assertEqual(
            [(p["path"], p["line"]) for p in problems],
            [("boards[0].points", points), ("boards[0].indicators[0].weight", weight)],
        )
        self.assertContains(response, "boards[0].points")
        self.assertContains(response, f'data-line="{points}"')
        self.assertContains(response, f"第{points}行")
        self.assertFalse(SchemeVersion.objects.filter(number=3).exists())

    def test_a_yaml_syntax_error_names_its_line(self) -> None:
        response = self.edit(self.v2.text.replace("boards:\n", "boards: [\n", 1))
        self.assertTrue(any(p["line"] for p in response.context["problems"]))
        self.assertFalse(SchemeVersion.objects.filter(number=3).exists())

    def test_a_change_needs_a_comment_and_an_unchanged_text_is_not_a_new_version(self) -> None:
        response = self.edit(self.v2.text.replace("points: 35", "points: 36"), comment="")
        self.assertEqual(response.status_code, 200)
        response = self.edit(self.v2.text)
        self.assertContains(response, "没有改动")
        self.assertEqual(SchemeVersion.objects.filter(scheme__code=SCHEME).count(), 2)

    def test_uploading_a_scheme_file_with_a_new_id_makes_a_new_scheme(self) -> None:
        text = self.v2.text.replace("id: qingdao-2023-quarterly", "id: qingdao-2024", 1)
        response = self.client.post(
            reverse("workflow:scheme_new"),
            {
                "file": SimpleUploadedFile("qingdao-2024.yaml", text.encode("utf-8")),
                "comment": "2024年办法",
            },
        )
        self.assertRedirects(response, reverse("workflow:scheme_version", args=["qingdao-2024", 2]))
        self.assertTrue(Scheme.objects.filter(code="qingdao-2024").exists())

    def test_two_versions_compare_in_words_and_line_by_line(self) -> None:
        response = self.client.get(reverse("workflow:scheme_compare", args=[SCHEME]) + "?a=1&b=2")
        changes = response.context["changes"]
        self.assertIn(
            "新增板块「优化营商环境」，含指标「经营主体增长率」、「政务服务事项全程网办率」、"
            "「企业开办平均用时」、「营商环境第三方评价得分」、「拖欠中小企业账款清偿率」、"
            "「12345热线诉求办理满意率」",
            changes,
        )
        self.assertIn("「经济运行」分值 40 → 35", changes)
        self.assertNotContains(response, "boards[economy]")
        tags = {r["tag"] for r in response.context["rows"]}
        self.assertTrue({"equal", "replace"} <= tags)
        self.assertContains(response, "优化营商环境")

    def test_each_problem_is_shown_at_its_yaml_path_and_line_in_chinese(self) -> None:
        text = self.v2.text.replace("  points: 35", "  points: -35", 1).replace(
            "  points: 25", "  points: .inf", 1
        )
        response = self.edit(text)
        self.assertEqual(response.status_code, 200)
        problems = {p["path"]: p for p in response.context["problems"]}
        first = problems["boards[0].points"]
        self.assertEqual(first["line"], text.splitlines().index("  points: -35") + 1)
        self.assertEqual(first["message"], "应大于 0，实际为 -35")
        self.assertIn("应为有限的数字", problems["boards[1].points"]["message"])

    def test_deep_nesting_is_a_problem_on_the_page_not_a_server_error(self) -> None:
        for text in (
            "a: " + "[" * 3000 + "]" * 3000,
            self.v2.text + "flags:\n  - {id: x, name: X, when: '" + "not " * 5000 + "vetoed'}\n",
            self.v2.text.replace("  points: 35", "  points: " + "(" * 3000, 1),
        ):
            response = self.edit(text)
            self.assertEqual(response.status_code, 200)
            self.assertTrue(response.context["problems"])
