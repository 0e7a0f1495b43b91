"""Robustness runs: a period result's Monte Carlo analysis, kept once computed.

A run belongs to one snapshot and one set of settings (:class:`RunSettings`, named by
the hash of its canonical JSON). Published snapshots never change, so neither does a
finished run of one; a draft's runs go when the draft is replaced.
"""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from leitai.web.accounts.fields import person_field
from leitai.web.analysis.options import RunSettings
from leitai.web.assessments.models import Snapshot
from leitai.web.tasks.models import Job, job_field


class AnalysisRun(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    snapshot = models.ForeignKey(
        Snapshot,
        verbose_name=_("result snapshot"),
        on_delete=models.CASCADE,
        related_name="analysis_runs",
    )
    key = models.CharField(_("settings hash"), max_length=64)
    settings = models.JSONField(_("settings"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default="pending")
    done = models.PositiveIntegerField(_("assessments done"), default=0)
    total = models.PositiveIntegerField(_("assessments to do"), default=0)
    result = models.TextField(_("result (JSON)"), blank=True)
    error = models.TextField(_("error"), blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_by = person_field(_("started by"))
    # The queue's job that computes the run (leitai.web.tasks): who holds it, until when.
    job = job_field()

    class Meta:
        verbose_name = _("robustness run")
        verbose_name_plural = _("robustness runs")
        ordering = ["snapshot", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "key"], name="analysis_run_unique")
        ]

    def __str__(self) -> str:
        s = self.run_settings
        return f"{self.snapshot} · N={s.samples} seed={s.seed} ({self.get_state_display()})"

    @property
    def run_settings(self) -> RunSettings:
        return RunSettings.from_dict(self.settings)

    @property
    def is_done(self) -> bool:
        return self.state == self.State.DONE

    @property
    def _unfinished(self) -> bool:
        return self.state in (self.State.PENDING, self.State.RUNNING)

    @property
    def is_active(self) -> bool:
        """Waiting for a worker, or running on one that is still alive."""
        return self._unfinished and self.job is not None and self.job.is_active

    @property
    def is_stale(self) -> bool:
        """Unfinished, but its worker died (the lease ran out) and no one has taken it yet."""
        return self._unfinished and (self.job is None or self.job.is_dead)

    @property
    def is_failed(self) -> bool:
        """Failed in the engine, or given up after its workers died again and again."""
        return self.state == self.State.FAILED or (
            self._unfinished and self.job is not None and self.job.state == Job.State.FAILED
        )

    @property
    def failure(self) -> str:
        return self.error or (self.job.error if self.job is not None else "")

    @property
    def status(self) -> str:
        """One word for the page's progress indicator."""
        if self.is_done:
            return "done"
        if self.is_failed:
            return "failed"
        if self.is_stale:
            return "stale"
        return self.state

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @cached_property
    def result_dict(self) -> dict[str, Any]:
        return json.loads(self.result) if self.result else {}
