from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "leitai.web.analysis"
    label = "analysis"
    verbose_name = _("Analysis")
