from __future__ import annotations

from django.contrib import admin

from leitai.web.arena.models import ArenaSession, JudgeCode, JudgeSheet, Scoring
from leitai.web.audit.admin_audit import AuditedAdmin


@admin.register(ArenaSession)
class ArenaSessionAdmin(AuditedAdmin):
    list_display = ("date", "title", "theme", "period", "order_mode", "minutes_per_speaker")
    list_filter = ("period",)
    search_fields = ("title", "theme", "slug")


@admin.register(Scoring)
class ScoringAdmin(AuditedAdmin):
    list_display = ("session", "open_unit", "closed_at", "frozen_at", "published_at")
    readonly_fields = ("result", "result_sha256", "seal", "frozen_at", "frozen_by")


@admin.register(JudgeCode)
class JudgeCodeAdmin(AuditedAdmin):
    list_display = ("scoring", "number", "group", "claimed_at", "revoked")
    list_filter = ("scoring", "group", "revoked")
    readonly_fields = ("digest", "device", "claimed_at")


@admin.register(JudgeSheet)
class JudgeSheetAdmin(AuditedAdmin):
    list_display = ("code", "unit", "total", "updated_at")
    list_filter = ("unit",)
    readonly_fields = ("code", "unit", "entry", "total", "client_id")
