"""API tokens in the admin: the office makes one (shown once, in a message) and revokes
tokens with an action; both go through the services, which write the audit log."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from leitai.web.api import services
from leitai.web.api.models import ApiSettings, ApiToken
from leitai.web.audit.admin_audit import AuditedAdmin
from leitai.web.errors import ServiceError


class TokenAddForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ("name", "user", "period")


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    list_display = ("name", "prefix", "user", "period", "created_at", "last_used_at", "revoked_at")
    list_filter = ("period",)
    search_fields = ("name", "prefix", "user__username")
    readonly_fields = (
        "prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    )
    actions = ["revoke"]

    def get_form(self, request, obj=None, **kwargs):  # type: ignore[no-untyped-def]
        if obj is None:
            kwargs["form"] = TokenAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is None:
            return ("name", "user", "period")
        return ("name", "user", "period", *self.readonly_fields)

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # a token is revoked, never edited

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # revoked tokens stay listed

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        try:
            token, raw = services.token_create(
                owner=obj.user, name=obj.name, period=obj.period, actor=request.user
            )
        except ServiceError as exc:
            raise forms.ValidationError(" ".join(exc.messages)) from None
        obj.pk = token.pk
        obj.prefix = token.prefix
        messages.warning(
            request,
            _("Copy the token now: it is not shown again.") + f" {raw}",
        )

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        pass  # the service recorded the token in the audit log

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):  # type: ignore[no-untyped-def]
        done = 0
        for token in queryset.filter(revoked_at__isnull=True):
            services.token_revoke(token=token, actor=request.user)
            done += 1
        self.message_user(request, _("%(n)d tokens revoked.") % {"n": done})


@admin.register(ApiSettings)
class ApiSettingsAdmin(AuditedAdmin):
    list_display = ("__str__", "self_service", "updated_at", "updated_by")
    fields = ("self_service",)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return not ApiSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
