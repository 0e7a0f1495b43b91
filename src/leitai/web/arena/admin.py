from __future__ import annotations

from django.contrib import admin

from leitai.web.arena.models import ArenaSession


@admin.register(ArenaSession)
class ArenaSessionAdmin(admin.ModelAdmin):
    list_display = ("date", "title", "theme", "period", "order_mode", "minutes_per_speaker")
    list_filter = ("period",)
    search_fields = ("title", "theme", "slug")
