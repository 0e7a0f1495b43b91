"""Changes made through the Django admin are in the audit log like any other change."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms.widgets import SplitDateTimeWidget
from django.test import RequestFactory, SimpleTestCase
from django.urls import reverse

from leitai.web.accounts.models import SiteSettings, User
from leitai.web.audit.admin_audit import AuditedAdmin, ReadOnlyAdmin
from leitai.web.audit.models import AuditEntry
from leitai.web.audit.selectors import audit_verify
from leitai.web.targets.models import Actual, Target
from tests.web.base import BaseTestCase


def _form_data(form: Any, prefix: str = "") -> dict[str, Any]:
    """What the browser would send back for an unchanged admin form."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        key = f"{prefix}{name}"
        value = form[name].value()
        if isinstance(field.widget, SplitDateTimeWidget):
            if value:
                data[f"{key}_0"], data[f"{key}_1"] = (
                    str(value.date()),
                    value.strftime("%H:%M:%S.%f"),
                )
            continue
        if value is None or value is False:
            continue
        if value is True:
            data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        else:
            data[key] = str(value)
    return data


class AdminAuditTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.office)
        self.start = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def new_entries(self) -> list[AuditEntry]:
        return list(AuditEntry.objects.filter(pk__gt=self.start).order_by("pk"))

    def post_change(self, obj: Any, **changes: Any) -> None:
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
        page = self.client.get(url)
        self.assertEqual(page.status_code, 200)
        data = _form_data(page.context["adminform"].form)
        for inline in page.context["inline_admin_formsets"]:
            formset = inline.formset
            data.update(_form_data(formset.management_form, f"{formset.prefix}-"))
            for index, form in enumerate(formset.forms):
                data.update(_form_data(form, f"{formset.prefix}-{index}-"))
        for key, value in changes.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        response = self.client.post(url, data)
        errors = getattr(response, "context", None) and response.context.get("errors")
        self.assertEqual(response.status_code, 302, errors)

    def test_every_admin_registration_is_audited(self) -> None:
        plain = [
            m._meta.label
            for m, a in admin.site._registry.items()
            if not isinstance(a, AuditedAdmin)
        ]
        self.assertEqual(plain, [])

    def test_a_target_renamed_in_the_admin_is_recorded_with_before_and_after(self) -> None:
        target = Target.objects.order_by("pk").first()
        self.assertIsNotNone(target, "the demo has targets")
        old_name = target.name
        self.post_change(target, name="新名称")
        [entry] = self.new_entries()
        self.assertEqual(entry.action, "admin.changed")
        self.assertEqual(entry.actor, self.office)
        self.assertEqual((entry.object_type, entry.object_id), ("Target", str(target.pk)))
        self.assertEqual(entry.before, {"name": old_name})
        self.assertEqual(entry.after, {"name": "新名称"})
        self.assertEqual(entry.unit, target.unit.code)
        self.assertTrue(audit_verify().intact)

    def test_an_actual_deleted_in_the_admin_is_recorded_with_what_it_held(self) -> None:
        actual = Actual.objects.order_by("pk").first()
        self.assertIsNotNone(actual, "the demo has actuals")
        url = reverse("admin:targets_actual_delete", args=[actual.pk])
        response = self.client.post(url, {"post": "yes"})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Actual.objects.filter(pk=actual.pk).exists())
        [entry] = self.new_entries()
        self.assertEqual(entry.action, "admin.deleted")
        self.assertEqual(entry.object_id, str(actual.pk))
        self.assertEqual(entry.before["value"], actual.value)
        self.assertIsNone(entry.after)
        self.assertEqual(entry.actor_name, "kaoheban")

    def test_deleting_several_with_the_admin_action_records_each(self) -> None:
        pks = list(Actual.objects.order_by("pk").values_list("pk", flat=True)[:2])
        url = reverse("admin:targets_actual_changelist")
        response = self.client.post(
            url, {"action": "delete_selected", "_selected_action": pks, "post": "yes"}
        )
        self.assertEqual(response.status_code, 302)
        entries = self.new_entries()
        self.assertEqual([e.action for e in entries], ["admin.deleted"] * 2)
        self.assertEqual(sorted(int(e.object_id) for e in entries), sorted(pks))

    def test_the_public_switch_turned_off_in_the_admin_is_recorded(self) -> None:
        settings_row = SiteSettings.objects.get()
        self.assertTrue(settings_row.public_boards)
        self.post_change(settings_row, public_boards=None)
        self.assertFalse(SiteSettings.objects.get().public_boards)
        entries = [e for e in self.new_entries() if e.action == "admin.changed"]
        self.assertEqual(len(entries), 1)
        self.assertEqual(entries[0].before["public_boards"], True)
        self.assertEqual(entries[0].after["public_boards"], False)

    def test_a_viewer_made_office_in_the_admin_is_recorded(self) -> None:
        self.post_change(self.viewer, role="office")
        self.assertEqual(User.objects.get(pk=self.viewer.pk).role, "office")
        [entry] = self.new_entries()
        self.assertEqual(entry.action, "admin.changed")
        self.assertEqual(entry.object_type, "User")
        # (The admin's date-and-time widget may round date_joined to the second.)
        self.assertEqual(entry.before["role"], "viewer")
        self.assertEqual(entry.after["role"], "office")
        self.assertFalse({"password", "username", "unit"} & set(entry.after))

    def test_a_password_set_in_the_admin_is_recorded_without_the_password(self) -> None:
        url = f"/admin/accounts/user/{self.viewer.pk}/password/"
        response = self.client.post(
            url,
            {"password1": "another horse battery 9", "password2": "another horse battery 9"},
        )
        self.assertEqual(response.status_code, 302)
        [entry] = self.new_entries()
        self.assertEqual(entry.action, "admin.changed")
        self.assertIn("password", entry.after)
        self.assertNotIn("another", str(entry.after) + str(entry.before))

    def test_a_unit_added_in_the_admin_is_recorded(self) -> None:
        url = reverse("admin:assessments_unit_add")
        response = self.client.post(url, {"code": "newunit", "name": "新区", "position": "20"})
        self.assertEqual(response.status_code, 302)
        [entry] = self.new_entries()
        self.assertEqual(entry.action, "admin.added")
        self.assertIsNone(entry.before)
        self.assertEqual(entry.after, {"code": "newunit", "name": "新区", "position": 20})


class ReadOnlyAdminTests(SimpleTestCase):
    """Snapshots' inputs and the log itself are only looked at in the admin (one ReadOnlyAdmin)."""

    def test_scheme_versions_periods_figures_and_the_log_cannot_be_edited_there(self) -> None:
        from leitai.web.assessments.models import DataValue, Period, SchemeVersion

        request = RequestFactory().get("/admin/")
        request.user = User(is_staff=True, is_superuser=True)
        for model in (SchemeVersion, Period, DataValue, AuditEntry):
            model_admin = admin.site._registry[model]
            self.assertIsInstance(model_admin, ReadOnlyAdmin)
            self.assertFalse(model_admin.has_add_permission(request))
            self.assertFalse(model_admin.has_change_permission(request))
            self.assertFalse(model_admin.has_delete_permission(request))
        # A superuser may still edit what is not read-only, e.g. a unit.
        from leitai.web.assessments.models import Unit

        self.assertTrue(admin.site._registry[Unit].has_change_permission(request))
