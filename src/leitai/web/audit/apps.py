from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "leitai.web.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from leitai.web.audit.guard import connection_prepare

        connection_created.connect(connection_prepare, dispatch_uid="leitai-audit-guard")
