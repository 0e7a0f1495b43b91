"""Every bad file of the corpus, sent through every entrance it can reach.

Entrances: a reporter's upload preview (workflow), the office's targets import, the
``leitai assess`` command, COINr's import (CSV files) and an objection's attachment.
Each answer is a page (200/400, never 500) with a located message, in Chinese for
the problems of reading, within a set time; nothing in the database or the media
folder changes. The memory bounds are measured in tests/io/test_files.py, in a
fresh process.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
import threading
import time
from pathlib import Path
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TransactionTestCase, override_settings
from django.urls import reverse

from leitai.cli import main as cli_main
from leitai.engine.errors import DataError
from leitai.i18n import translator
from leitai.i18n.problems import MESSAGES
from leitai.io.coinr import read_coinr
from leitai.web.assessments.models import DataValue, Period
from leitai.web.targets.models import Actual, Target
from leitai.web.workflow.models import Objection, Upload
from tests.web.base import BaseTestCase

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data" / "bad"))
import make_bad_files as bad

DATA = Path(__file__).resolve().parents[1] / "data"
# CPU seconds per request (time.process_time: the test client answers in this process),
# which a loaded machine does not inflate as it does wall time; tests/io times the reading.
SECONDS = 20.0
ZH = translator("zh")


# Refused before the reader by Django's form (an empty file) or the service's own size
# check, each with its own words.
REFUSED_EARLIER = {"file.empty": "空文件", "file.too_large": "MB"}


def _fixed_part(code: str) -> str:
    """The Chinese message of ``code`` up to its first parameter."""
    return REFUSED_EARLIER.get(code) or ZH(MESSAGES[code]).split("%(")[0]


class BadFilesTestCase(BaseTestCase):
    def setUp(self) -> None:
        self.q4 = Period.objects.get(code="2023Q4")

    def state(self) -> tuple[object, ...]:
        media = Path(self._media.name)
        files = sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())
        values = sorted(DataValue.objects.values_list("unit__code", "key", "value", "target"))
        return (
            values,
            Upload.objects.count(),
            Target.objects.count(),
            Actual.objects.count(),
            Objection.objects.count(),
            files,
        )

    def file(self, name: str) -> SimpleUploadedFile:
        case = bad.CORPUS[name]
        return SimpleUploadedFile(case.filename, bad.built(name))

    def assert_located(self, name: str, response) -> None:  # type: ignore[no-untyped-def]
        case = bad.CORPUS[name]
        self.assertIn(response.status_code, (200, 400), name)
        page = response.content.decode()
        if case.code:
            self.assertIn(_fixed_part(case.code), page, name)
            if case.code not in REFUSED_EARLIER:
                self.assertIn(case.filename, page, name)
        else:
            self.assertIn('class="problems"', page, name)


class UploadPreviewTests(BadFilesTestCase):
    def test_every_bad_file_uploaded_by_a_reporter_gets_a_located_message_and_changes_nothing(
        self,
    ) -> None:
        self.login(self.reporter_shibei)
        before = self.state()
        for name, case in bad.CORPUS.items():
            if case.kind == "other":
                continue
            with self.subTest(name):
                start = time.process_time()
                response = self.client.post(
                    reverse("workflow:upload", args=["2023Q4"]),
                    {"file": self.file(name)},
                    follow=True,
                )
                self.assertLess(time.process_time() - start, SECONDS, name)
                self.assert_located(name, response)
        self.assertEqual(self.state(), before)

    def test_a_value_longer_than_the_database_keeps_is_refused_at_its_cell(self) -> None:
        self.login(self.reporter_shibei)
        before = self.state()
        table = f"unit,indicator,value\nshibei,gdp_growth,{'9' * 101}\n"
        response = self.client.post(
            reverse("workflow:upload", args=["2023Q4"]),
            {"file": SimpleUploadedFile("digits.csv", table.encode())},
            follow=True,
        )
        self.assertContains(response, "该值长 101 个字符，最多可保存 100 个")
        self.assertEqual(self.state(), before)

    def test_a_hidden_first_sheet_is_not_read(self) -> None:
        self.login(self.reporter_shibei)
        response = self.client.post(
            reverse("workflow:upload", args=["2023Q4"]),
            {"file": self.file("hidden_first_sheet")},
            follow=True,
        )
        self.assertContains(response, "visible")
        self.assertNotContains(response, "shibei (")


class TargetsImportTests(BadFilesTestCase):
    def test_every_bad_file_imported_by_the_office_gets_a_message_and_changes_nothing(
        self,
    ) -> None:
        self.login(self.office)
        before = self.state()
        for name, case in bad.CORPUS.items():
            with self.subTest(name):
                start = time.process_time()
                response = self.client.post(
                    reverse("targets:import"),
                    {"kind": "targets", "file": self.file(name), "preview": "1"},
                )
                self.assertLess(time.process_time() - start, SECONDS, name)
                self.assertIn(response.status_code, (200, 400), name)
                if case.code and case.kind != "other":
                    self.assertIn(_fixed_part(case.code), response.content.decode(), name)
        self.assertEqual(self.state(), before)

    def test_the_preview_of_a_long_bad_table_lists_100_problems_and_counts_the_rest(
        self,
    ) -> None:
        self.login(self.office)
        rows = "".join(f"nowhere,t{n},目标{n},,100\n" for n in range(300))
        table = "unit,id,name,indicator,target\n" + rows
        response = self.client.post(
            reverse("targets:import"),
            {
                "kind": "targets",
                "file": SimpleUploadedFile("t.csv", table.encode()),
                "preview": "1",
            },
        )
        page = response.content.decode()
        listed = page.split('<ul class="problems">')[1].split("</ul>")[0]
        self.assertEqual(listed.count("<li>"), 100)
        self.assertIn("另有 200 处问题未在此列出", page)
        self.assertEqual(Target.objects.filter(unit__code="nowhere").count(), 0)


class CommandLineTests(BadFilesTestCase):
    def test_leitai_assess_refuses_every_bad_file_with_exit_status_2(self) -> None:
        scheme = DATA / "spec-examples" / "case1" / "scheme.yaml"
        with tempfile.TemporaryDirectory() as folder:
            for name, case in bad.CORPUS.items():
                with self.subTest(name):
                    path = Path(folder) / case.filename
                    path.write_bytes(bad.built(name))
                    err = io.StringIO()
                    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                        status = cli_main(["assess", str(scheme), str(path)])
                    self.assertEqual(status, 2, f"{name}: {err.getvalue()[-300:]}")
                    self.assertNotIn("Traceback", err.getvalue())

    def test_coinr_import_refuses_every_bad_csv_with_a_data_error(self) -> None:
        meta = DATA / "asem" / "ASEM_iMeta.csv"
        with tempfile.TemporaryDirectory() as folder:
            for name, case in bad.CORPUS.items():
                if case.kind != "csv":
                    continue
                with self.subTest(name):
                    path = Path(folder) / case.filename
                    path.write_bytes(bad.built(name))
                    with self.assertRaises(DataError):
                        read_coinr(path, meta)


class AttachmentTests(BadFilesTestCase):
    def objection(self, upload: SimpleUploadedFile):  # type: ignore[no-untyped-def]
        return self.client.post(
            reverse("workflow:objection_new", args=["2023Q4", "licang"]),
            {"key": "investment_growth", "text": "应为4.1%", "attachment": upload},
        )

    def test_a_300_character_attachment_name_is_refused_as_too_long(self) -> None:
        self.login(self.reporter_licang)
        before = self.state()
        response = self.objection(SimpleUploadedFile("函" * 296 + ".pdf", b"%PDF-1.4"))
        self.assertEqual(response.status_code, 200)
        # Django keeps at most 255 characters of a name (and its suffix): still too long.
        self.assertContains(response, "文件名长 255 个字符，最多允许 200 个")
        self.assertNotContains(response, "PDF, Word")
        self.assertEqual(self.state(), before)

    def test_every_bad_file_as_an_attachment_is_stored_opaque_or_refused_never_a_500(
        self,
    ) -> None:
        """An attachment is evidence, kept as sent (never parsed): no bad file breaks it."""
        self.login(self.reporter_licang)
        for name in ("deflate_bomb", "dimension_bomb", "dtd", "binary_garbage", "empty", "pdf"):
            with self.subTest(name):
                response = self.objection(self.file(name))
                self.assertIn(response.status_code, (200, 302), name)
                Objection.objects.filter(unit__code="licang").delete()


@override_settings(LEITAI_UPLOAD_MAX_BYTES=1024)
class LimitsFromSettingsTests(BadFilesTestCase):
    def test_the_web_takes_the_upload_limit_from_the_settings(self) -> None:
        self.login(self.reporter_shibei)
        response = self.client.post(
            reverse("workflow:upload", args=["2023Q4"]),
            {"file": SimpleUploadedFile("a.csv", b"unit,indicator,value\n" + b"x,y,1\n" * 400)},
            follow=True,
        )
        self.assertIn(response.status_code, (200, 400))
        self.assertContains(response, "MB")
        self.assertEqual(Upload.objects.count(), 0)


class CheckingHoldsNoLockTests(TransactionTestCase):
    """Another person logs in while a big upload is being checked (no write lock held)."""

    SCHEME = (
        "id: tiny\nname: tiny\nversion: 1\n"
        "units: [{id: ua, name: A}, {id: ub, name: B}]\n"
        "boards:\n"
        "  - {id: x, name: X, points: 100, indicators: [{id: i1, name: I1, method: minmax}]}\n"
    )
    PASSWORD = "correct horse battery"

    def setUp(self) -> None:
        from leitai.web.accounts.models import User
        from leitai.web.accounts.services import user_create
        from leitai.web.assessments.services import period_create, scheme_version_create

        version = scheme_version_create(content=self.SCHEME, source="tiny.yaml")
        self.period = period_create(code="2030Q1", scheme_version=version)
        self.office = user_create(username="o", password=self.PASSWORD, role=User.Role.OFFICE)
        user_create(username="v", password=self.PASSWORD, role=User.Role.VIEWER)

    def test_a_login_succeeds_while_a_big_upload_is_checked(self) -> None:
        from leitai.web.workflow import services

        rows = "".join(f"ua,i{n},{n}\n" for n in range(8000))
        big = SimpleUploadedFile("big.csv", ("unit,indicator,value\n" + rows).encode())
        checking, release = threading.Event(), threading.Event()
        original = services.table_check
        outcome: dict[str, object] = {}

        def held_check(**kwargs: object) -> object:
            checking.set()  # the check has begun: hold it until the login is done
            release.wait(30)
            return original(**kwargs)

        def upload() -> None:
            try:
                outcome["upload"] = services.upload_check(
                    period=self.period, user=self.office, file=big
                )
            except Exception as error:  # reported by the assertion below
                outcome["error"] = error
            finally:
                connection.close()

        with mock.patch.object(services, "table_check", held_check):
            thread = threading.Thread(target=upload)
            thread.start()
            try:
                self.assertTrue(checking.wait(30))
                response = self.client.post(
                    reverse("accounts:login"), {"username": "v", "password": self.PASSWORD}
                )
            finally:
                release.set()
                thread.join(60)
        self.assertEqual(response.status_code, 302)
        self.assertNotIn("error", outcome)
        self.assertEqual(outcome["upload"].state, Upload.State.REFUSED)


class ExportTests(BaseTestCase):
    """An objection's or a note's text that looks like a formula stays text in the audit export."""

    def test_the_audit_export_writes_formula_like_text_as_text(self) -> None:
        import csv as csv_module

        import openpyxl

        from leitai.web.audit.services import audit_record

        audit_record(action="objection.raised", note="=1+1", summary="@SUM(A1)", unit="=cmd")
        self.login(self.office)
        text = self.client.get(reverse("audit:export") + "?format=csv").content.decode("utf-8-sig")
        cells = [c for row in csv_module.reader(io.StringIO(text, newline="")) for c in row]
        self.assertIn("'=1+1", cells)
        self.assertFalse([c for c in cells if c.startswith(("=", "@", "+"))])
        data = self.client.get(reverse("audit:export") + "?format=xlsx").content
        book = openpyxl.load_workbook(io.BytesIO(data))
        cells = [c for row in book.active.iter_rows() for c in row]
        self.assertIn("=1+1", [c.value for c in cells])
        self.assertFalse([c for c in cells if c.data_type == "f"])
