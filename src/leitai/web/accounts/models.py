"""Accounts: who may see and do what, and the office's site settings."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leitai.web.accounts.fields import person_field


class User(AbstractUser):
    """A person using leitai, in one of three roles (or none)."""

    class Role(models.TextChoices):
        OFFICE = "office", _("Assessment office")
        REPORTER = "reporter", _("Unit reporter")
        VIEWER = "viewer", _("Viewer")
        # Issue 11: an account of a municipal department that supplies some indicators
        # for every unit (see leitai.web.workflow.models.Department).
        PROVIDER = "provider", _("Data provider")

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
    # Account security (issue 18): when the password was last set, whether it must be
    # changed at the next login, whether the office asks this account for a second
    # factor (the office always needs one while the site settings say so), the subject
    # of a single sign-on account, and a counter that revokes trusted browsers.
    department = models.ForeignKey(
        "workflow.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text=_("The department a data provider supplies figures for."),
    )
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("The password must be changed at the next login."),
    )
    second_factor_required = models.BooleanField(
        _("second factor required"),
        default=False,
        help_text=_("This account must log in with a second factor too."),
    )
    oidc_subject = models.CharField(
        _("single sign-on subject"), max_length=255, null=True, blank=True, unique=True
    )
    trusted_epoch = models.PositiveIntegerField(default=0, editable=False)
    real_name = models.CharField(_("real name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # A 审核人 (issue 11): another account of the unit (a reporter) or of the department
    # (a data provider) that approves or sends back what the others prepared, in periods
    # where the office asks for it. A flag beside the role, so that an approver may also
    # prepare (never approve their own) figures. The name stays from when only units had one.
    unit_approver = models.BooleanField(
        _("unit approver"),
        default=False,
        help_text=_(
            "Approves the figures of the account's unit or department before they go to "
            "the assessment office."
        ),
    )
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
            ),
            models.CheckConstraint(
                condition=models.Q(unit_approver=False)
                | models.Q(unit__isnull=False)
                | models.Q(department__isnull=False),
                name="approver_has_a_unit_or_department",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="provider") | models.Q(department__isnull=False),
                name="provider_has_a_department",
            ),
        ]

    @property
    def is_office(self) -> bool:
        return self.is_active and (self.role == self.Role.OFFICE or self.is_superuser)

    @property
    def is_reporter(self) -> bool:
        return self.is_active and self.role == self.Role.REPORTER and self.unit_id is not None

    @property
    def is_unit_approver(self) -> bool:
        return self.is_reporter and self.unit_approver

    @property
    def is_department_approver(self) -> bool:
        return self.is_provider and self.unit_approver

    @property
    def is_provider(self) -> bool:
        return self.is_active and self.role == self.Role.PROVIDER and self.department_id is not None

    @property
    def has_role(self) -> bool:
        return self.is_active and (bool(self.role) or self.is_superuser)

    @property
    def display_name(self) -> str:
        """The person's name as people read it: the real name, else the login."""
        return self.real_name or self.get_full_name() or self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


# A 审核人 approves inside a unit (a reporter) or inside a department (a data provider).
APPROVER_ROLES = (User.Role.REPORTER, User.Role.PROVIDER)


class AnalysisAudience(models.TextChoices):
    """Who may open the robustness and what-if pages of a published result."""

    OFFICE = "office", _("The assessment office only")
    ROLES = "roles", _("Leaders and units (everyone with an account role)")
    PUBLIC = "public", _("Everyone who may read the published results")


class PasswordHistory(models.Model):
    """An earlier password hash of an account (never the password): reuse is refused."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="password_history"
    )
    password = models.CharField(_("password"), max_length=128)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("earlier password")
        verbose_name_plural = _("earlier passwords")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d}"


class LoginSession(models.Model):
    """A logged-in session of an account: the concurrent-session limit counts these."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="login_sessions"
    )
    session_key = models.CharField(_("session"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("logged in at"), default=timezone.now)
    address = models.CharField(_("address"), max_length=64, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("login session")
        verbose_name_plural = _("login sessions")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class SiteSettings(models.Model):
    """The office's switches; a single row."""

    public_boards = models.BooleanField(
        _("public boards"),
        default=False,
        help_text=_("Visitors who are not logged in may read published results."),
    )
    # Account security rules (等保 2.0 level 3 defaults), shown and edited on the
    # office's security page (leitai.web.accounts.security).
    office_second_factor = models.BooleanField(
        _("second factor for the office"),
        default=True,
        help_text=_("Office accounts log in with a one-time code as well as the password."),
    )
    trusted_device_days = models.PositiveSmallIntegerField(
        _("trusted browser days"),
        default=0,
        validators=[MaxValueValidator(30)],
        help_text=_("Days a browser may skip the one-time code after a login (0: never)."),
    )
    password_min_length = models.PositiveSmallIntegerField(
        _("minimum password length"),
        default=8,
        validators=[MinValueValidator(8), MaxValueValidator(64)],
    )
    password_min_classes = models.PositiveSmallIntegerField(
        _("character classes"),
        default=3,
        validators=[MinValueValidator(3), MaxValueValidator(4)],
        help_text=_("Of upper case, lower case, digits and symbols."),
    )
    password_history = models.PositiveSmallIntegerField(
        _("earlier passwords refused"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    password_max_age_days = models.PositiveSmallIntegerField(
        _("password expiry days"),
        default=90,
        validators=[MaxValueValidator(365)],
        help_text=_("A password older than this must be changed (0: never)."),
    )
    idle_timeout_minutes = models.PositiveSmallIntegerField(
        _("idle timeout minutes"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(120)],
    )
    session_lifetime_hours = models.PositiveSmallIntegerField(
        _("session lifetime hours"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )
    max_sessions = models.PositiveSmallIntegerField(
        _("sessions per account"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("Logging in once more ends the oldest session."),
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
