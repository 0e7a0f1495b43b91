"""The office's raw view of targets and actuals (the pages are the usual way in)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext

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

    def formfield_for_dbfield(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "milestones" and field is not None:
            # The format is code, shown as code: its keys are not words to translate.
            field.help_text = format_html(
                "{} <code>{}</code>",
                gettext("Values due by dates, written as:"),
                '[{"date": "2023-06-30", "value": 83}]',
            )
        return field


@admin.register(Actual)
class ActualAdmin(AuditedAdmin):
    list_display = ("target", "period", "value", "reported_by", "reported_at")
    list_filter = ("target__unit",)
    search_fields = ("target__code", "target__name", "note")
    readonly_fields = ("period_end", "evidence", "reported_by", "reported_at")
