from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardsConfig(AppConfig):
    name = "leitai.web.boards"
    label = "boards"
    verbose_name = _("Boards")
