"""The office's raw view of the data. Snapshots, scheme versions, periods and figures
are read-only here: they change only through the workflow's pages, which check the
rules and record every change in the audit log, never by editing a row."""

from __future__ import annotations

from django.contrib import admin

from leitai.web.assessments.models import DataValue, Period, Scheme, SchemeVersion, Snapshot, Unit
from leitai.web.audit.admin_audit import AuditedAdmin, ReadOnlyAdmin


@admin.register(Scheme)
class SchemeAdmin(AuditedAdmin):
    list_display = ("code", "name", "created_at")
    search_fields = ("code", "name")


@admin.register(SchemeVersion)
class SchemeVersionAdmin(ReadOnlyAdmin):
    list_display = ("scheme", "number", "name", "comment", "created_at", "created_by")
    list_filter = ("scheme",)


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ("code", "name", "position")
    search_fields = ("code", "name")


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin):
    list_display = (
        "code",
        "name",
        "ends_on",
        "scheme_version",
        "previous",
        "state",
        "published_at",
    )
    list_filter = ("state", "scheme_version__scheme")


@admin.register(DataValue)
class DataValueAdmin(ReadOnlyAdmin):
    list_display = ("period", "unit", "key", "value", "target", "updated_at", "updated_by")
    list_filter = ("period", "unit")
    search_fields = ("key", "unit__code", "unit__name")


@admin.register(Snapshot)
class SnapshotAdmin(AuditedAdmin):
    list_display = ("period", "revision", "state", "scheme_version", "created_at", "published_at")
    list_filter = ("state", "period")

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return obj is not None and not obj.is_published
