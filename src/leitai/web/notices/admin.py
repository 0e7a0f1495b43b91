from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from leitai.web.audit.admin_audit import AuditedAdmin
from leitai.web.notices.models import Notice


@admin.register(Notice)
class NoticeAdmin(AuditedAdmin):
    """Issued notices, to read: they are issued from the period's page and never changed."""

    list_display = ("period", "serial", "number", "title", "date", "issued_at", "issued_by")
    list_filter = ("period",)
    search_fields = ("number", "title")
    exclude = ("docx",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
