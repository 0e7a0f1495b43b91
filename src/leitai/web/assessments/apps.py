from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "leitai.web.assessments"
    label = "assessments"
    verbose_name = _("Assessments")
