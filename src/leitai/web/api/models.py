"""API tokens: one account each, stored as a hash, named, revocable.

The token itself (``lt_<prefix>_<secret>``) is shown once, when it is made; only its
SHA-256 is kept (the secret is 32 random bytes, so a slow hash adds nothing) and its
prefix, so that people can tell their tokens apart.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from leitai.web.accounts.fields import person_field


class ApiToken(models.Model):
    """A named token through which a program acts as ``user``."""

    name = models.CharField(_("name"), max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text=_("The token acts as this account, with its rights and nothing more."),
    )
    period = models.ForeignKey(
        "assessments.Period",
        verbose_name=_("period"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only this period, if one is chosen."),
    )
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = person_field(_("created by"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    revoked_by = person_field(_("revoked by"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def as_audit(self) -> dict[str, object]:
        return {
            "name": self.name,
            "prefix": self.prefix,
            "account": self.user.get_username() if self.user_id else None,
            "period": self.period.code if self.period is not None else None,
            "revoked": self.revoked_at is not None,
        }


class ApiSettings(models.Model):
    """The office's switch for tokens; a single row."""

    self_service = models.BooleanField(
        _("people make their own tokens"),
        default=False,
        help_text=_("Reporters may make and revoke API tokens for their own account."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = person_field(_("updated by"))

    class Meta:
        verbose_name = _("API settings")
        verbose_name_plural = _("API settings")

    def __str__(self) -> str:
        return str(_("API settings"))
