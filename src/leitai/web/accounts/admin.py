from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from leitai.web.accounts.models import SiteSettings, User
from leitai.web.accounts.selectors import user_is_office
from leitai.web.audit.admin_audit import AuditedAdmin, reregister


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = (
        "username",
        "real_name",
        "role",
        "unit",
        "department",
        "phone",
        "email",
        "is_active",
        "last_login",
    )
    list_filter = ("role", "is_active", "unit", "department")
    search_fields = ("username", "real_name", "phone", "email")
    # Django's own fields, without its groups and per-user permissions: a person's rights
    # come from their role (leitai.web.access), never from Django's permissions.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        (_("Role"), {"fields": ("role", "unit", "unit_approver", "department")}),
        (
            _("Account security"),
            {
                "fields": (
                    "second_factor_required",
                    "must_change_password",
                    "password_changed_at",
                    "oidc_subject",
                )
            },
        ),
        (_("Contact"), {"fields": ("real_name", "phone")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role"), {"fields": ("role", "unit", "unit_approver", "department")}),
        (_("Account security"), {"fields": ("second_factor_required",)}),
        (_("Contact"), {"fields": ("real_name", "phone", "email")}),
    )
    readonly_fields = ("password_changed_at", "oidc_subject")

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        # An account the office creates, or whose password the office sets, asks its
        # owner for a new password at the first login.
        if not change and obj.has_usable_password():
            obj.must_change_password = True
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):  # type: ignore[no-untyped-def]
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            account = User.objects.get(pk=id)
            if account.pk != request.user.pk:
                User.objects.filter(pk=account.pk).update(must_change_password=True)
        return response


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


# The admins of libraries are audited too: the login lockouts (deleting an access attempt
# unlocks an account).
import axes.admin  # noqa: E402,F401  (registers axes' admins first, to replace them)
from axes.models import AccessAttempt, AccessFailureLog, AccessLog  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django_otp.plugins.otp_static import admin as _otp_static_admin  # noqa: E402,F401
from django_otp.plugins.otp_static.models import StaticDevice  # noqa: E402
from django_otp.plugins.otp_totp import admin as _otp_totp_admin  # noqa: E402,F401
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

for _model in (AccessAttempt, AccessLog, AccessFailureLog):
    reregister(_model)


# axes names its rows in English ("Access Log for kaoheban @ 2026-...", in the admin's
# titles and its screen readers' labels): names people read instead.
def _login_row_name(row) -> str:  # type: ignore[no-untyped-def]
    return _("%(who)s at %(time)s") % {
        "who": row.username or _("unknown account"),
        "time": localtime(row.attempt_time).strftime("%Y-%m-%d %H:%M:%S"),
    }


for _model in (AccessAttempt, AccessLog, AccessFailureLog):
    _model.__str__ = _login_row_name  # type: ignore[method-assign,assignment]

# Not in the admin at all: an authenticator's secret key and QR code and the recovery codes
# (django-otp's admins show them, and would let the office sign in as anyone), and Django's
# groups, which grant nothing in leitai. A second factor is reset on the person's account
# page (services.second_factor_reset_for, audited).
for _model in (TOTPDevice, StaticDevice, Group):
    admin.site.unregister(_model)

_staff = admin.site.has_permission


def _office_with_factor(request):  # type: ignore[no-untyped-def]
    """The admin is the office's, and only once its second factor is entered
    (:func:`leitai.web.accounts.selectors.user_is_office`)."""
    return _staff(request) and user_is_office(request.user)


admin.site.has_permission = _office_with_factor  # type: ignore[method-assign]


def _ours(name: str):  # type: ignore[no-untyped-def]
    """An admin page that leads to leitai's own page ``name``, with the same query."""

    def view(request, extra_context=None):  # type: ignore[no-untyped-def]
        from django.http import HttpResponseRedirect
        from django.urls import reverse

        query = request.META.get("QUERY_STRING", "")
        return HttpResponseRedirect(reverse(name) + (f"?{query}" if query else ""))

    return view


# The admin has no login and no password change of its own: they would log people in
# and change passwords past the login record and the password rules' bookkeeping.
admin.site.login = _ours("accounts:login")  # type: ignore[method-assign]
admin.site.password_change = _ours("accounts:password_change")  # type: ignore[method-assign]
# axes names its admin section after its label ("Axes"): a name people read instead.
from django.apps import apps  # noqa: E402

apps.get_app_config("axes").verbose_name = _("Login protection")
