"""A job: one piece of long work, claimed by exactly one worker at a time.

The claim is a conditional UPDATE (``state = queued`` → ``running`` with the worker's id
and a lease), as healthchecks' ``sendalerts`` claims its flips: an UPDATE that changed no
row means someone else has the job. A running worker renews its lease; a job whose lease
ran out lost its worker (killed, machine gone) and any live worker queues it again.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=64)
    args = models.JSONField(_("arguments"), default=dict)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.QUEUED, db_index=True
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    worker = models.CharField(_("worker"), max_length=64, blank=True)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(_("queue message id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    enqueued_at = models.DateTimeField(_("enqueued at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "lease_until"], name="job_state_lease")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"

    @property
    def is_dead(self) -> bool:
        """Running, but its worker has not renewed the lease in time."""
        return (
            self.state == self.State.RUNNING
            and self.lease_until is not None
            and self.lease_until < timezone.now()
        )

    @property
    def is_active(self) -> bool:
        return self.state == self.State.QUEUED or (
            self.state == self.State.RUNNING and not self.is_dead
        )


def job_field() -> models.ForeignKey:  # type: ignore[type-arg]
    """The queue's job that builds a row (a file, a run, a text's reading): optional, kept
    when the job is deleted, not followed back from the job (``related_name="+"``)."""
    return models.ForeignKey(
        Job,
        verbose_name=_("background job"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )


class Artifact(models.Model):
    """A file built by a job once and then served as it is (a result book, a deck).

    ``key`` names what the file is built from (say the snapshot, its result's hash and
    the language), so an artifact never goes stale: other inputs make another key.
    The content lives in the database, where every web process on every host finds it.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=120)
    content = models.BinaryField(_("content"), null=True, blank=True)
    job = job_field()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)

    class Meta:
        verbose_name = _("built file")
        verbose_name_plural = _("built files")

    def __str__(self) -> str:
        return self.key

    @property
    def is_ready(self) -> bool:
        return self.built_at is not None

    @property
    def is_failed(self) -> bool:
        return not self.is_ready and self.job is not None and self.job.state == Job.State.FAILED

    @property
    def is_dead(self) -> bool:
        return not self.is_ready and (self.job is None or self.job.is_dead)
