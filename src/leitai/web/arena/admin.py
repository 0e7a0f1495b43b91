from __future__ import annotations

from django.contrib import admin

from leitai.web.arena.models import ArenaSession
from leitai.web.audit.admin_audit import AuditedAdmin


@admin.register(ArenaSession)
class ArenaSessionAdmin(AuditedAdmin):
    list_display = ("date", "title", "theme", "period", "order_mode", "minutes_per_speaker")
    list_filter = ("period",)
    search_fields = ("title", "theme", "slug")
