"""The office's raw view of targets and actuals (the pages are the usual way in)."""

from __future__ import annotations

from django.contrib import admin

from leitai.web.audit.admin_audit import AuditedAdmin
from leitai.web.targets.models import Actual, Target


class ActualInline(admin.TabularInline):
    model = Actual
    extra = 0
    fields = ("period", "period_end", "value", "note", "evidence_name", "reported_by")
    readonly_fields = ("period_end", "reported_by")


@admin.register(Target)
class TargetAdmin(AuditedAdmin):
    list_display = ("unit", "code", "name", "value", "unit_of_measure", "source", "pledged_on")
    list_filter = ("source", "unit")
    search_fields = ("code", "name", "unit__code", "unit__name")
    inlines = [ActualInline]
    readonly_fields = ("created_at", "created_by", "updated_at", "updated_by")


@admin.register(Actual)
class ActualAdmin(AuditedAdmin):
    list_display = ("target", "period", "value", "reported_by", "reported_at")
    list_filter = ("target__unit",)
    search_fields = ("target__code", "target__name", "note")
    readonly_fields = ("period_end", "evidence", "reported_by", "reported_at")
