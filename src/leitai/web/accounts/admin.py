from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from leitai.web.accounts.models import SiteSettings, User
from leitai.web.audit.admin_audit import AuditedAdmin, reregister


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = (
        "username",
        "real_name",
        "role",
        "unit",
        "phone",
        "email",
        "is_active",
        "last_login",
    )
    list_filter = ("role", "is_active", "unit")
    search_fields = ("username", "real_name", "phone", "email")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Role"), {"fields": ("role", "unit")}),
        (_("Contact"), {"fields": ("real_name", "phone")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role"), {"fields": ("role", "unit")}),
        (_("Contact"), {"fields": ("real_name", "phone", "email")}),
    )


@admin.register(SiteSettings)
class SiteSettingsAdmin(AuditedAdmin):
    list_display = ("__str__", "public_boards", "updated_at", "updated_by")
    readonly_fields = ("updated_at", "updated_by")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj.pk = 1
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


# The admins of Django and of libraries are audited too: groups, and the login lockouts
# (deleting an access attempt unlocks an account).
import axes.admin  # noqa: E402,F401  (registers axes' admins first, to replace them)
from axes.models import AccessAttempt, AccessFailureLog, AccessLog  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402

for _model in (Group, AccessAttempt, AccessLog, AccessFailureLog):
    reregister(_model)

# axes names its admin section after its label ("Axes"): a name people read instead.
from django.apps import apps  # noqa: E402

apps.get_app_config("axes").verbose_name = _("Login protection")
