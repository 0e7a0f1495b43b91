"""The workflow's records in the admin, read only: they change through the workflow's
pages, which check the rules and write the audit log. The departments and the indicators
they supply are the office's to manage here (every change audited by ``AuditedAdmin``)."""

from __future__ import annotations

from django.contrib import admin

from leitai.web.audit.admin_audit import AuditedAdmin, ReadOnlyAdmin
from leitai.web.workflow.models import (
    Assignment,
    Department,
    Evidence,
    Objection,
    Submission,
    Upload,
)


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = (
        "period",
        "unit",
        "department",
        "state",
        "submitted_at",
        "submitted_by",
        "returned_at",
    )
    list_filter = ("state", "period")


@admin.register(Upload)
class UploadAdmin(ReadOnlyAdmin):
    list_display = ("id", "period", "unit", "filename", "state", "uploaded_at", "uploaded_by")
    list_filter = ("state", "period")
    exclude = ("file",)  # downloaded through the workflow's page, which checks who asks


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ("id", "period", "unit", "key", "state", "raised_at", "answered_at")
    list_filter = ("state", "period")
    exclude = ("attachment",)


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("id", "period", "unit", "key", "name", "size", "added_at", "added_by")
    list_filter = ("period",)
    exclude = ("file",)  # downloaded through the workflow's page, which checks who asks


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ("key", "scheme_version", "period")


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
    inlines = (AssignmentInline,)


@admin.register(Assignment)
class AssignmentAdmin(AuditedAdmin):
    """Which indicator a department supplies, per scheme version or per period; the model's
    ``clean`` refuses an indicator supplied twice, naming where."""

    list_display = ("key", "department", "scheme_version", "period")
    list_filter = ("department", "period", "scheme_version")
    search_fields = ("key",)
