from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "leitai.web.reminders"
    label = "reminders"
    verbose_name = _("Deadlines and reminders")
    default_auto_field = "django.db.models.BigAutoField"
