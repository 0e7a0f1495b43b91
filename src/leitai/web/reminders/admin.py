from __future__ import annotations

from django.contrib import admin

from leitai.web.audit.admin_audit import AuditedAdmin
from leitai.web.reminders.forms import WebhookForm
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
    """The product's robot form: the address checked against ``LEITAI_ROBOT_HOSTS``, the
    secret write-only (never shown back; blank keeps it; the log says only "changed")."""

    form = WebhookForm
    list_display = ["name", "platform", "format", "active"]
    fields = ["name", "platform", "url", "secret", "format", "active"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        # The form wrote its blank secret field onto ``obj``: blank keeps the stored one.
        if form.cleaned_data.get("secret"):
            obj.secret = form.cleaned_data["secret"]
        else:
            stored = Webhook.objects.filter(pk=obj.pk).first() if change else None
            obj.secret = stored.secret if stored is not None else ""
        super().save_model(request, obj, form, change)


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
