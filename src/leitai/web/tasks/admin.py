from __future__ import annotations

from django.contrib import admin

from leitai.web.audit.admin_audit import AuditedAdmin, reregister
from leitai.web.tasks.models import Job


@admin.register(Job)
class JobAdmin(AuditedAdmin):
    list_display = ["id", "kind", "state", "attempts", "done", "total", "worker", "created_at"]
    list_filter = ["state", "kind"]
    readonly_fields = [f.name for f in Job._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False


# The queue library's own admin (its task results) is audited too.
import django_tasks_db.admin  # noqa: E402,F401  (registers its admin first, to replace it)
from django_tasks_db.models import DBTaskResult  # noqa: E402

reregister(DBTaskResult)
