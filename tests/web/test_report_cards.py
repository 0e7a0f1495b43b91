"""The batch of report cards: one PDF (a titled card per unit, in ranking order) and a ZIP."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any
from unittest import mock

from django.urls import reverse
from pypdf import PdfReader

from leitai.reports import cards as printing
from leitai.web.assessments import selectors
from leitai.web.assessments.models import Period
from leitai.web.tasks.models import Artifact
from tests.web.base import BaseTestCase
from tests.web.browser import MARKS, folded, names_after, pdf_text

pytestmark = MARKS


_text = pdf_text

# The one part of a card page that differs from one rendering to the next.
_CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


class ReportCardBatchTests(BaseTestCase):
    @classmethod
    def setUpClass(cls) -> None:
        """The cards printed once for the class: the PDF and the ZIP of a period are built
        from the same card pages, which Chromium printed twice (about 4 s of CPU); a second
        build of the same pages (the same HTML but for the CSRF token) is given the PDFs
        the first one printed, then binds or zips them itself."""
        super().setUpClass()
        printed: dict[tuple[tuple[str, str, str], ...], list[bytes]] = {}
        print_pages = printing.print_pages

        def print_once(pages: Any, **kwargs: Any) -> list[bytes]:
            key = tuple((p.path, p.title, _CSRF_TOKEN.sub("", p.html)) for p in pages)
            if key not in printed:
                printed[key] = print_pages(pages, **kwargs)
            return printed[key]

        patcher = mock.patch.object(printing, "print_pages", print_once)
        patcher.start()
        cls.addClassCleanup(patcher.stop)

    def _ranked(self, code: str) -> list[tuple[str, str]]:
        snapshot = selectors.period_published_snapshot(Period.objects.get(code=code))
        rows = sorted(selectors.result_view(snapshot).rows, key=lambda r: r["rank"])
        return [(r["unit"], folded(r["name"])) for r in rows]

    def test_the_batch_pdf_has_one_titled_card_per_unit_in_ranking_order(self) -> None:
        url = reverse("boards:cards_pdf", args=["2023Q1"])
        self.assertContains(self.client.get(url), "data-artifact-build")  # a GET builds nothing
        self.assertFalse(Artifact.objects.exists())
        self.client.post(url)  # anyone who reads the published result may ask
        response = self.client.get(url)
        self.assertEqual(response["Content-Type"], "application/pdf")
        reader = PdfReader(io.BytesIO(response.content))
        ranked = self._ranked("2023Q1")
        outline = [
            (item.title, reader.get_destination_page_number(item)) for item in reader.outline
        ]
        self.assertEqual(len(outline), len(ranked))
        starts = [page for _title, page in outline]
        self.assertEqual(starts, sorted(starts))
        for k, ((title, start), (_code, name)) in enumerate(zip(outline, ranked, strict=True)):
            self.assertEqual(folded(title), folded(f"{k + 1}. {name}"))
            end = starts[k + 1] if k + 1 < len(starts) else len(reader.pages)
            for number in range(start, end):
                text = _text(reader.pages[number])
                # Every page of the card names its unit, its period and its scheme.
                self.assertTrue(names_after(text, "2023年第一季度·", name), (name, text[:120]))
                self.assertIn("考核办法", text)
        first = _text(reader.pages[0])
        self.assertIn("黄岛区", first)
        self.assertIn("1/10", first)  # the card's rank

    def test_the_zip_has_one_pdf_per_unit_named_in_ranking_order(self) -> None:
        url = reverse("boards:cards_zip", args=["2023Q1"])
        self.client.post(url)
        response = self.client.get(url)
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        names = archive.namelist()
        ranked = self._ranked("2023Q1")
        self.assertEqual(names, [f"{k:02d}-{code}.pdf" for k, (code, _n) in enumerate(ranked, 1)])
        last = PdfReader(io.BytesIO(archive.read(names[-1])))
        self.assertIn(ranked[-1][1], _text(last.pages[0]))

    def test_a_drafts_cards_are_the_offices_only(self) -> None:
        url = reverse("boards:cards_pdf", args=["2024Q1"])
        self.login(self.reporter_licang)
        self.assertIn(self.client.post(url).status_code, (403, 404))
        self.login(self.viewer)
        self.assertIn(self.client.post(url).status_code, (403, 404))
        self.assertFalse(Artifact.objects.exists())
        self.login(self.office)
        self.assertContains(self.client.get(url), "data-artifact-build")
