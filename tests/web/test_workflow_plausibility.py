"""Plausibility at every entrance (spec section 1): a scheme with ranges, an upload with an
out-of-range value, a non-integer count and a negative target is refused whole at its
preview, each problem at its sheet and cell in Chinese; the same file through
``leitai assess`` exits 2 with the same three problems."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stderr

from django.urls import reverse

from leitai.cli import main
from leitai.web.assessments.models import Period
from leitai.web.assessments.services import scheme_version_save
from leitai.web.workflow.models import Upload
from tests.web.base import BaseTestCase
from tests.web.workflow_helpers import cell_of, edited, figures, template, xlsx

RANGES = {
    "    name: 政务服务事项全程网办率\n": "    range: [0, 100]\n",
    "    name: 新开工过亿元项目数\n": "    integer: true\n    range: [0, null]\n",
}
ASCII_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


class RangesTestCase(BaseTestCase):
    """The 2023Q4 scheme with plausible ranges and a count that must be whole."""

    def setUp(self) -> None:
        self.q4 = Period.objects.get(code="2023Q4")
        version = self.q4.scheme_version
        text = version.text
        for anchor, extra in RANGES.items():
            self.assertIn(anchor, text)
            text = text.replace(anchor, anchor + extra, 1)
        # A new version (a stored version never changes: the results computed with it
        # are checked against its text), which the period in collection now uses.
        ranged = scheme_version_save(text=text, comment="plausible ranges", user=self.office)
        Period.objects.filter(pk=self.q4.pk).update(scheme_version=ranged)
        self.q4.refresh_from_db()
        self.text = ranged.text


class PlausibilityTests(RangesTestCase):
    def bad_book(self):  # type: ignore[no-untyped-def]
        book = edited(
            template(self.q4),
            {
                ("shibei", "online_rate"): 120,
                ("shibei", "started_projects"): 2.5,
                ("shibei", "signed_projects.target"): -5,
            },
        )
        cells = {
            "data.above_range": cell_of(book, "shibei", "online_rate"),
            "data.not_integer": cell_of(book, "shibei", "started_projects"),
            "data.target_not_positive": cell_of(book, "shibei", "signed_projects.target"),
        }
        return book, cells

    def test_an_implausible_upload_is_refused_whole_at_preview_and_by_the_command_line(
        self,
    ) -> None:
        self.login(self.office)
        before = figures(self.q4)
        book, cells = self.bad_book()
        response = self.client.post(
            reverse("workflow:upload", args=["2023Q4"]), {"file": xlsx(book)}, follow=True
        )
        upload = response.context["upload"]
        self.assertEqual(upload.state, Upload.State.REFUSED)
        self.assertFalse(Upload.objects.exists())
        self.assertEqual(figures(self.q4), before)
        found = {p["problem"]["code"]: p["cell"] for p in upload.problems}
        self.assertEqual(found, cells)
        shown = response.context["problems"]
        self.assertEqual(len(shown), 3)
        for problem in shown:
            self.assertIn("工作表“数据填报”", problem["where"])
            self.assertEqual(ASCII_WORD.findall(problem["what"]), [], problem["what"])
        page = response.content.decode()
        self.assertIn("120 超出该指标的合理范围（不应大于 100）", page)
        self.assertIn("2.5 不是整数", page)
        self.assertIn("目标值应大于 0（该指标按目标完成情况计分），实际为 -5", page)

        # The same file and scheme through the command line: exit 2, the same problems.
        folder = self.tmp_path()
        scheme_path, data_path = folder / "scheme.yaml", folder / "填报.xlsx"
        scheme_path.write_text(self.text, encoding="utf-8")
        buffer = io.BytesIO()
        book.save(buffer)
        data_path.write_bytes(buffer.getvalue())
        err = io.StringIO()
        with redirect_stderr(err):
            code = main(["assess", str(scheme_path), str(data_path), "--format", "json"])
        self.assertEqual(code, 2)
        lines = err.getvalue().strip().splitlines()
        self.assertEqual(len(lines), 3, lines)
        for line, problem in zip(lines, shown, strict=True):
            self.assertIn("工作表“数据填报”", line)
            self.assertIn(f"单元格 {problem['cell']}", line)
            self.assertIn(problem["what"], line)

    def tmp_path(self):  # type: ignore[no-untyped-def]
        import tempfile
        from pathlib import Path

        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        return Path(folder.name)


class OnlineFormPlausibilityTests(RangesTestCase):
    def test_the_online_form_refuses_implausible_figures_at_their_fields(self) -> None:
        self.login(self.reporter_shibei)
        before = figures(self.q4)
        response = self.client.post(
            reverse("workflow:unit", args=["2023Q4", "shibei"]),
            {
                "v-online_rate": "120",
                "v-started_projects": "2.5",
                "v-signed_projects": "30",
                "t-signed_projects": "-5",
                "v-gdp_growth": "6,3",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(figures(self.q4), before)
        errors = response.context["errors"]
        self.assertEqual(
            set(errors), {"online_rate", "started_projects", "signed_projects.target", "gdp_growth"}
        )
        self.assertIn("不应大于 100", errors["online_rate"])
        self.assertIn("不是整数", errors["started_projects"])
        self.assertIn("目标值应大于 0", errors["signed_projects.target"])
        self.assertIn("小数点", errors["gdp_growth"])
