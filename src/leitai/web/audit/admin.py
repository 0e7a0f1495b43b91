"""The audit log in the admin: read only, like everywhere else."""

from __future__ import annotations

from contextvars import ContextVar

from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from leitai.web.audit.admin_audit import ReadOnlyAdmin
from leitai.web.audit.labels import changes_text, indicator_names
from leitai.web.audit.models import Action, AuditEntry

# The indicators' names while the audit list is drawn (AuditEntryAdmin.changelist_view).
_names: ContextVar[dict[str, str] | None] = ContextVar("leitai_audit_admin_names", default=None)


class ActionFilter(admin.SimpleListFilter):
    """Filter by action, named in the reader's language (the column holds codes)."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return Action.choices

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("id", "at", "actor_name", "get_action_display", "period", "unit", "changes")
    list_filter = (ActionFilter, "period")
    search_fields = ("note", "summary", "actor_name", "unit")

    def changelist_view(self, request, extra_context=None):  # type: ignore[no-untyped-def]
        """The list, drawn here with the indicators' names read once (not once a row)."""
        token = _names.set(indicator_names())
        try:
            response = super().changelist_view(request, extra_context)
            if hasattr(response, "render"):
                response.render()
            return response
        finally:
            _names.reset(token)

    @admin.display(description=_("changes"))
    def changes(self, entry: AuditEntry) -> str:
        """What the entry changed in words, as the audit log's page and export say it
        (the ``summary`` column is the code's shorthand, still searched)."""
        names = _names.get()
        text = changes_text(
            entry.before, entry.after, indicator_names() if names is None else names
        )
        return Truncator(text).chars(120) if text else "—"
