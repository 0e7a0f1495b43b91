from __future__ import annotations

from django.contrib import admin

from leitai.web.analysis.models import AnalysisRun
from leitai.web.audit.admin_audit import AuditedAdmin


@admin.register(AnalysisRun)
class AnalysisRunAdmin(AuditedAdmin):
    """Runs are computed, never typed in: the office may look at them and delete them."""

    list_display = ("snapshot", "state", "done", "total", "seconds", "created_at", "created_by")
    list_filter = ("state",)
    readonly_fields = [f.name for f in AnalysisRun._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
