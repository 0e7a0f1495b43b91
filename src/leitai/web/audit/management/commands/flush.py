"""``flush`` empties the whole database on purpose: it lifts the guard of the audit log
and of published snapshots for that (the test runner calls it between some tests)."""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand

from leitai.web.audit.guard import guard_lifted


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        with guard_lifted(options.get("database", "default")):
            super().handle(**options)
