from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArenaConfig(AppConfig):
    name = "leitai.web.arena"
    label = "arena"
    verbose_name = _("Arena")
