"""Targets (目标) and pledges (军令状), and the cumulative actuals units report on them.

The rows here are what people entered; all progress arithmetic (time progress, task
progress, the three-colour status, 双过半, projections) is the engine's
(:mod:`leitai.engine.targets`), reached through :mod:`leitai.web.targets.selectors`.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from leitai.web.accounts.fields import person_field
from leitai.web.assessments.models import Unit, code_validator


class Target(models.Model):
    """A unit's annual target, assigned by the city or pledged at an arena."""

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher (an increase)")
        LOWER = "lower", _("Lower (a reduction)")

    class Source(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned by the city")
        PLEDGED = "pledged", _("Pledged at an arena")

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="targets"
    )
    code = models.CharField(
        _("id"),
        max_length=64,
        validators=[code_validator],
        help_text=_("Unique within the unit; used in tables and addresses."),
    )
    name = models.CharField(_("name"), max_length=200)
    indicator = models.CharField(
        _("indicator"),
        max_length=64,
        blank=True,
        help_text=_("The id of the scheme indicator the target feeds, if any."),
    )
    value = models.FloatField(_("target value"), help_text=_("Due by the deadline, cumulative."))
    unit_of_measure = models.CharField(_("unit of measure"), max_length=32, blank=True)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    start = models.FloatField(
        _("start value"),
        null=True,
        blank=True,
        help_text=_("The value at the start of the year; 0 when empty (required when lower)."),
    )
    deadline = models.DateField(
        _("deadline"), null=True, blank=True, help_text=_("31 December when empty.")
    )
    milestones = models.JSONField(
        _("milestones"),
        default=list,
        blank=True,
        help_text=_('Values due by dates, as [{"date": "2023-06-30", "value": 83}].'),
    )
    source = models.CharField(
        _("source"), max_length=8, choices=Source.choices, default=Source.ASSIGNED
    )
    pledged_on = models.DateField(_("pledged on"), null=True, blank=True)
    session = models.ForeignKey(
        "arena.ArenaSession",
        verbose_name=_("arena session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pledges",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = person_field(_("created by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = person_field(_("updated by"))

    class Meta:
        verbose_name = pgettext_lazy("targets", "target")
        verbose_name_plural = pgettext_lazy("targets", "targets")
        ordering = ["unit__position", "unit__code", "source", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="target_code_unique_in_unit")
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} · {self.name}"

    @property
    def is_pledge(self) -> bool:
        return self.source == self.Source.PLEDGED


def evidence_path(instance: Actual, filename: str) -> str:
    """``evidence/<unit>/<target>/<period>-<random><suffix>``: never the name as uploaded."""
    suffix = PurePosixPath(filename).suffix.lower()[:10]
    target = instance.target
    return (
        f"evidence/{target.unit.code}/{target.code}/"
        f"{instance.period}-{uuid.uuid4().hex[:12]}{suffix}"
    )


class Actual(models.Model):
    """A cumulative value reported for a target: from the start of the year to a period's end.

    ``evidence`` is a file kept in the data directory (``MEDIA_ROOT``), which is never
    served as it is: only :func:`leitai.web.targets.views.evidence` hands it out, after
    checking who asks. ``evidence_name`` is the file's name as given (an imported table
    may name a file that was never uploaded).
    """

    target = models.ForeignKey(
        Target,
        verbose_name=pgettext_lazy("targets", "target"),
        on_delete=models.CASCADE,
        related_name="actuals",
    )
    period = models.CharField(
        pgettext_lazy("reporting", "period"),
        max_length=16,
        help_text=_("2023-05, 2023Q2 or 2023-05-31."),
    )
    period_end = models.DateField(_("period end"))
    value = models.FloatField(_("cumulative value"))
    note = models.TextField(_("note"), blank=True)
    evidence = models.FileField(
        _("evidence file"), upload_to=evidence_path, blank=True, max_length=300
    )
    evidence_name = models.CharField(_("evidence"), max_length=200, blank=True)
    reported_by = person_field(_("reported by"))
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)

    class Meta:
        verbose_name = _("actual")
        verbose_name_plural = _("actuals")
        ordering = ["target", "period_end"]
        constraints = [
            models.UniqueConstraint(fields=["target", "period"], name="actual_period_unique")
        ]

    def __str__(self) -> str:
        return f"{self.target} · {self.period} = {self.value:g}"

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.evidence:
            self.evidence.delete(save=False)
        return super().delete(*args, **kwargs)
