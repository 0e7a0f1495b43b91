"""Issued notices (通报): numbered per period, kept as issued, never changed afterwards."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leitai.web.accounts.fields import person_field
from leitai.web.assessments.models import Period, Snapshot


class NoticeImmutable(Exception):
    """An issued notice is never changed or deleted (issue another one instead)."""


class Notice(models.Model):
    """A notice as issued: its words, the result it was drawn from and the DOCX itself."""

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="notices"
    )
    snapshot = models.ForeignKey(
        Snapshot, verbose_name=_("result"), on_delete=models.PROTECT, related_name="+"
    )
    serial = models.PositiveIntegerField(_("serial number"))
    number = models.CharField(_("document number"), max_length=64, blank=True)
    title = models.CharField(_("title"), max_length=200)
    addressee = models.CharField(_("addressee"), max_length=200, blank=True)
    opening = models.TextField(_("opening paragraph"))
    body = models.TextField(_("body"))
    office = models.CharField(_("issuing office"), max_length=100)
    date = models.DateField(_("date of issue"))
    attachment = models.CharField(_("attachment"), max_length=200, blank=True)
    docx = models.BinaryField(_("document (DOCX)"))
    docx_sha256 = models.CharField(_("document SHA-256"), max_length=64)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now, editable=False)
    issued_by = person_field(_("issued by"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ("period", "serial")
        constraints = [
            models.UniqueConstraint(fields=("period", "serial"), name="notice_serial_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.number or self.serial} {self.title}"

    @property
    def paragraphs(self) -> list[str]:
        return [line for line in self.body.splitlines() if line.strip()]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise NoticeImmutable("an issued notice is not changed: issue another one")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise NoticeImmutable("an issued notice is not deleted")
