"""The audit log in the admin: read only, like everywhere else."""

from __future__ import annotations

from django.contrib import admin

from leitai.web.audit.admin_audit import AuditedAdmin
from leitai.web.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(AuditedAdmin):
    list_display = ("pk", "at", "actor_name", "action", "period", "unit", "summary")
    list_filter = ("action", "period")
    search_fields = ("note", "summary", "actor_name", "unit")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
