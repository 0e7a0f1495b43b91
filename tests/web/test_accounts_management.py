"""The office manages accounts in the product (issue 11): a list with names, units, roles,
last logins and whether active; create with a first password changed at the first login;
assign a unit or role; deactivate and reactivate; reset a password or second factor;
create many from a spreadsheet, previewed with located problems, all or nothing.
Every change is audited."""

from __future__ import annotations

import io

import openpyxl
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from leitai.web.accounts.models import User
from leitai.web.accounts.services import account_create, accounts_bulk_create
from leitai.web.assessments.models import Unit
from leitai.web.audit.models import Action, AuditEntry
from tests.web.base import PASSWORD, BaseTestCase, second_factor_device


def _form_login(client, username: str, password: str):  # type: ignore[no-untyped-def]
    """Log in through the login form (302 on success, the form again on failure)."""
    client.logout()
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def _audit_text(entry: AuditEntry) -> str:
    return f"{entry.before} {entry.after} {entry.note} {entry.summary}"


class AccountPagesTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.office)

    def create(self, **data: str):  # type: ignore[no-untyped-def]
        fields = {"username": "", "real_name": "", "role": "", "unit": "", "phone": "", "email": ""}
        return self.client.post(reverse("accounts:account_new"), {**fields, **data})

    def test_the_list_shows_names_unit_role_last_login_and_active(self) -> None:
        self.reporter_shibei.real_name = "王填报"
        self.reporter_shibei.save(update_fields=["real_name"])
        self.client.get(reverse("boards:home"))  # the office has logged in: a last login
        page = self.client.get(reverse("accounts:account_list")).content.decode()
        self.assertIn("王填报", page)
        self.assertIn("tianbao-shibei", page)
        self.assertIn("市北区", page)
        self.assertIn("填报员", page)
        self.assertIn("审核人", page)  # 市北区's reporter is its approver too
        approvers = self.client.get(reverse("accounts:account_list") + "?role=approver")
        self.assertEqual([a.username for a in approvers.context["page"]], ["tianbao-shibei"])

    def test_the_office_creates_an_account_whose_first_password_must_be_changed(self) -> None:
        response = self.create(
            username="zhangsan",
            real_name="张三",
            role="reporter",
            unit=str(Unit.objects.get(code="licang").pk),
            phone="13800000000",
            email="zhangsan@example.org",
        )
        password = response.context["password"]
        account = User.objects.get(username="zhangsan")
        self.assertTrue(account.check_password(password))
        self.assertTrue(account.must_change_password)
        self.assertEqual((account.unit.code, account.real_name), ("licang", "张三"))
        entry = AuditEntry.objects.get(action=Action.ACCOUNT_CREATED)
        self.assertEqual((entry.actor, entry.object_id), (self.office, str(account.pk)))
        self.assertNotIn(password, _audit_text(entry))
        # The first login leads to the password change before anything else.
        self.assertEqual(_form_login(self.client, "zhangsan", password).status_code, 302)
        response = self.client.get(reverse("workflow:home"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:password_change"), response["Location"])

    def test_a_reporter_without_a_unit_is_refused_at_the_field(self) -> None:
        response = self.create(username="lisi", real_name="李四", role="reporter")
        self.assertIn("unit", response.context["form"].errors)
        self.assertFalse(User.objects.filter(username="lisi").exists())
        response = self.create(username="waibu", real_name="重名", role="viewer")
        self.assertIn("username", response.context["form"].errors)

    def test_assigning_a_unit_role_and_approver_is_audited(self) -> None:
        url = reverse("accounts:account_detail", args=[self.reporter_licang.pk])
        self.client.post(
            url,
            {
                "real_name": "赵审核",
                "role": "reporter",
                "unit": str(Unit.objects.get(code="laoshan").pk),
                "unit_approver": "on",
                "phone": "",
                "email": "",
            },
        )
        account = User.objects.get(pk=self.reporter_licang.pk)
        self.assertEqual((account.unit.code, account.unit_approver), ("laoshan", True))
        entry = AuditEntry.objects.get(action=Action.ACCOUNT_CHANGED)
        self.assertEqual(entry.before["unit"], "licang")
        self.assertEqual(
            entry.after, {"real_name": "赵审核", "unit": "laoshan", "unit_approver": True}
        )
        # An approver must be a unit reporter.
        response = self.client.post(
            url, {"real_name": "赵审核", "role": "viewer", "unit_approver": "on"}
        )
        self.assertIn("unit_approver", response.context["form"].errors)
        self.assertEqual(User.objects.get(pk=account.pk).role, "reporter")

    def test_deactivate_and_reactivate(self) -> None:
        url = reverse("accounts:account_active", args=[self.viewer.pk])
        self.client.post(url, {"active": "0"})
        self.assertFalse(User.objects.get(pk=self.viewer.pk).is_active)
        self.assertEqual(_form_login(self.client_class(), "lingdao", PASSWORD).status_code, 200)
        self.client.post(url, {"active": "1"})
        self.assertTrue(User.objects.get(pk=self.viewer.pk).is_active)
        self.assertEqual(
            list(
                AuditEntry.objects.filter(
                    object_type="User", object_id=str(self.viewer.pk), actor=self.office
                )
                .order_by("pk")
                .values_list("action", flat=True)
            ),
            [Action.ACCOUNT_DEACTIVATED, Action.ACCOUNT_REACTIVATED],
        )
        # Not one's own account.
        self.client.post(reverse("accounts:account_active", args=[self.office.pk]), {"active": "0"})
        self.assertTrue(User.objects.get(pk=self.office.pk).is_active)

    def test_a_password_reset_gives_a_new_first_password(self) -> None:
        response = self.client.post(
            reverse("accounts:account_password", args=[self.reporter_licang.pk])
        )
        password = response.context["password"]
        account = User.objects.get(pk=self.reporter_licang.pk)
        self.assertTrue(account.check_password(password))
        self.assertFalse(account.check_password(PASSWORD))
        self.assertTrue(account.must_change_password)
        entry = AuditEntry.objects.get(action=Action.ACCOUNT_PASSWORD_RESET)
        self.assertEqual(entry.actor, self.office)
        self.assertNotIn(password, _audit_text(entry))

    def test_a_second_factor_reset_removes_the_device_and_is_recorded(self) -> None:
        second_factor_device(self.reporter_licang)
        self.client.post(reverse("accounts:account_second_factor", args=[self.reporter_licang.pk]))
        self.assertFalse(TOTPDevice.objects.filter(user=self.reporter_licang).exists())
        entry = AuditEntry.objects.filter(action=Action.ACCOUNT_FACTOR_RESET).get()
        self.assertEqual(entry.actor, self.office)

    def test_only_the_office_calls_the_services(self) -> None:
        with self.assertRaises(PermissionDenied):
            account_create(actor=self.reporter_shibei, username="x", real_name="x", role="viewer")
        with self.assertRaises(PermissionDenied):
            accounts_bulk_create(actor=self.viewer, rows=[], filename="x.xlsx")


class BulkCreationTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.office)

    def book(self, rows: list[list[object]]) -> SimpleUploadedFile:
        response = self.client.get(reverse("accounts:accounts_template"))
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        sheet = book["账号"]
        sheet.delete_rows(2, sheet.max_row)  # the example row
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return SimpleUploadedFile("账号.xlsx", buffer.getvalue())

    def upload(self, file: SimpleUploadedFile):  # type: ignore[no-untyped-def]
        return self.client.post(reverse("accounts:accounts_import"), {"file": file})

    GOOD = [
        ["chen-laoshan", "陈填报", "填报员", "崂山区", "否", 13900000001, ""],
        ["sun-laoshan", "孙审核", "reporter", "laoshan", "是", "", "sun@example.org"],
        ["zhou", "周领导", "查看者", "", "", "", ""],
    ]

    def test_the_template_names_its_columns_in_chinese_and_lists_the_codes(self) -> None:
        response = self.client.get(reverse("accounts:accounts_template"))
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        header = [c.value for c in book["账号"][1]]
        self.assertEqual(header, ["登录名", "姓名", "角色", "单位", "审核人", "手机", "电子邮件"])
        codes = [c.value for c in book.worksheets[1]["B"]]
        self.assertIn("reporter", codes)
        self.assertIn("laoshan", codes)

    def test_a_good_file_is_previewed_then_created_whole(self) -> None:
        response = self.upload(self.book(self.GOOD))
        check = response.context["check"]
        self.assertEqual(check.problems, [])
        self.assertEqual(
            [r["username"] for r in check.rows], ["chen-laoshan", "sun-laoshan", "zhou"]
        )
        self.assertFalse(User.objects.filter(username="zhou").exists())  # a preview only
        response = self.client.post(
            reverse("accounts:accounts_import_confirm"), {"token": response.context["token"]}
        )
        created = {a.username: p for a, p in response.context["created"]}
        self.assertEqual(set(created), {"chen-laoshan", "sun-laoshan", "zhou"})
        sun = User.objects.get(username="sun-laoshan")
        self.assertTrue(sun.is_unit_approver and sun.must_change_password)
        self.assertTrue(sun.check_password(created["sun-laoshan"]))
        self.assertEqual(User.objects.get(username="chen-laoshan").phone, "13900000001")
        self.assertEqual(AuditEntry.objects.filter(action=Action.ACCOUNT_CREATED).count(), 3)
        self.assertEqual(
            AuditEntry.objects.get(action=Action.ACCOUNTS_IMPORTED).after["accounts"],
            ["chen-laoshan", "sun-laoshan", "zhou"],
        )
        # The preview is used once.
        again = self.client.post(
            reverse("accounts:accounts_import_confirm"), {"token": "x"}, follow=True
        )
        self.assertContains(again, "重新上传")

    def test_one_bad_cell_refuses_the_whole_file_naming_the_cell_and_header(self) -> None:
        rows = [*self.GOOD, ["wu", "吴", "填报员", "不存在区", "否", "", ""]]
        response = self.upload(self.book(rows))
        check = response.context["check"]
        self.assertEqual(len(check.problems), 1)
        self.assertIn("D5", check.problems[0])
        self.assertIn("单位", check.problems[0])
        self.assertEqual(response.context["token"], "")
        self.assertContains(response, "D5")
        self.assertFalse(User.objects.filter(username="chen-laoshan").exists())

    def test_duplicates_taken_logins_and_wrong_roles_are_each_located(self) -> None:
        rows = [
            ["a1", "甲", "查看者", "", "", "", ""],
            ["a1", "乙", "查看者", "", "", "", ""],
            ["waibu", "丙", "管理员", "", "", "", "not-an-address"],
        ]
        problems = self.upload(self.book(rows)).context["check"].problems
        text = "\n".join(problems)
        for cell in ("A3", "A4", "C4", "G4"):
            self.assertIn(f"单元格{cell}", text)

    def test_a_login_taken_between_preview_and_confirmation_creates_none(self) -> None:
        response = self.upload(self.book(self.GOOD))
        User.objects.create(username="zhou", role="viewer")
        response = self.client.post(
            reverse("accounts:accounts_import_confirm"),
            {"token": response.context["token"]},
            follow=True,
        )
        self.assertContains(response, "zhou")
        self.assertFalse(User.objects.filter(username="chen-laoshan").exists())
        self.assertFalse(AuditEntry.objects.filter(action=Action.ACCOUNT_CREATED).exists())

    def test_too_many_rows_and_formulas_are_refused(self) -> None:
        many = [[f"u{i}", "某", "查看者", "", "", "", ""] for i in range(501)]
        problems = self.upload(self.book(many)).context["check"].problems
        self.assertEqual(len(problems), 1)
        formula = self.upload(self.book([["=1+1", "某", "查看者", "", "", "", ""]]))
        self.assertTrue(formula.context["check"].problems)
        self.assertFalse(User.objects.filter(username__startswith="u1").exists())
