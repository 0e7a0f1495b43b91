"""Model fields the apps share."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


def person_field(verbose_name: Any, *, on_delete: Any = models.SET_NULL) -> models.ForeignKey:
    """Who did something: an optional user, not followed back from the user (``related_name="+"``).

    ``on_delete=models.PROTECT`` where the record must keep naming the person (published
    results, the audit log).
    """
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name="+",
    )
