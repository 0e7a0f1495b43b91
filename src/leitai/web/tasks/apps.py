from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TasksConfig(AppConfig):
    default = True  # the app's own configuration; the one below is django-tasks-db's
    name = "leitai.web.tasks"
    label = "leitai_tasks"
    verbose_name = _("Background jobs")
    default_auto_field = "django.db.models.BigAutoField"


class QueueDatabaseConfig(TasksAppConfig):
    """django-tasks-db (the queue kept in the database) named in the reader's language:
    the library names its app in plain English text, which no catalogue can translate."""

    # The library declares a str; Django reads any lazy text here.
    verbose_name = _("Task queue (database)")  # type: ignore[assignment]
