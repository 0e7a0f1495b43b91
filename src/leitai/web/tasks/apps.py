from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "leitai.web.tasks"
    label = "leitai_tasks"
    verbose_name = _("Background jobs")
    default_auto_field = "django.db.models.BigAutoField"
