from __future__ import annotations

from django.contrib import admin
from django.db import models

from leitai.web.audit.admin_audit import AuditedAdmin
from leitai.web.reminders.models import Delivery, Notification, PeriodDeadlines, Webhook


@admin.register(PeriodDeadlines)
class PeriodDeadlinesAdmin(AuditedAdmin):
    list_display = [
        "period",
        "collection_deadline",
        "review_until",
        "publication_planned",
        "active",
    ]


@admin.register(Webhook)
class WebhookAdmin(AuditedAdmin):
    list_display = ["name", "platform", "format", "active"]
    exclude = ["secret"]  # set on the product's page; never shown back
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Notification)
class NotificationAdmin(AuditedAdmin):
    list_display = ["user", "title", "created_at", "read_at"]
    list_filter = ["read_at"]


@admin.register(Delivery)
class DeliveryAdmin(AuditedAdmin):
    list_display = ["period", "point", "recipient", "channel", "state", "attempts", "sent_at"]
    list_filter = ["state", "channel"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False
