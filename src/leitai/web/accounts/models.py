"""Accounts: who may see and do what, and the office's site settings."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from leitai.web.accounts.fields import person_field


class User(AbstractUser):
    """A person using leitai, in one of three roles (or none)."""

    class Role(models.TextChoices):
        OFFICE = "office", _("Assessment office")
        REPORTER = "reporter", _("Unit reporter")
        VIEWER = "viewer", _("Viewer")

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, blank=True)
    unit = models.ForeignKey(
        "assessments.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reporters",
        help_text=_("The one unit a reporter reports for."),
    )
    real_name = models.CharField(_("real name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # AbstractUser has ``email`` already; its label comes from the one catalogue.

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role="reporter", unit__isnull=False) | ~models.Q(role="reporter")
                )
                & (models.Q(role="reporter") | models.Q(unit__isnull=True)),
                name="reporter_has_exactly_one_unit",
            )
        ]

    @property
    def is_office(self) -> bool:
        return self.is_active and (self.role == self.Role.OFFICE or self.is_superuser)

    @property
    def is_reporter(self) -> bool:
        return self.is_active and self.role == self.Role.REPORTER and self.unit_id is not None

    @property
    def has_role(self) -> bool:
        return self.is_active and (bool(self.role) or self.is_superuser)

    @property
    def display_name(self) -> str:
        """The person's name as people read it: the real name, else the login."""
        return self.real_name or self.get_full_name() or self.username


class AnalysisAudience(models.TextChoices):
    """Who may open the robustness and what-if pages of a published result."""

    OFFICE = "office", _("The assessment office only")
    ROLES = "roles", _("Leaders and units (everyone with an account role)")
    PUBLIC = "public", _("Everyone who may read the published results")


class SiteSettings(models.Model):
    """The office's switches; a single row."""

    public_boards = models.BooleanField(
        _("public boards"),
        default=False,
        help_text=_("Visitors who are not logged in may read published results."),
    )
    analysis_audience = models.CharField(
        _("who may see robustness and what-if"),
        max_length=16,
        choices=AnalysisAudience.choices,
        default=AnalysisAudience.OFFICE,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = person_field(_("updated by"))

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self) -> str:
        return str(_("Site settings"))
