"""Deadlines of a period, the office's reminder schedule, robot webhooks, in-app
notifications, and one row per reminder sent (or to send) on one channel.

A :class:`Delivery` is unique per (period, schedule point, recipient, channel): the row
is inserted before anything is sent, so two workers planning the same point insert it
once, and sending claims it with a conditional UPDATE (``pending`` → ``sending``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodDeadlines(models.Model):
    """A period's collection deadline, review window, planned publication and schedule."""

    period = models.OneToOneField(
        "assessments.Period",
        verbose_name=_("period"),
        on_delete=models.CASCADE,
        related_name="deadlines",
    )
    collection_deadline = models.DateTimeField(_("collection deadline"), null=True, blank=True)
    review_until = models.DateTimeField(
        _("objections accepted until"),
        null=True,
        blank=True,
        help_text=_("The end of the review window in which units may object."),
    )
    publication_planned = models.DateField(_("planned publication"), null=True, blank=True)
    days_before = models.CharField(
        _("remind days before the deadline"),
        max_length=50,
        blank=True,
        default="3,1",
        help_text=_("Whole days, separated by commas, e.g. 3,1."),
    )
    overdue_daily = models.BooleanField(_("every morning once overdue"), default=True)
    send_hour = models.PositiveSmallIntegerField(_("hour of sending"), default=9)
    digest = models.BooleanField(_("daily digest to the office"), default=True)
    active = models.BooleanField(_("reminders on"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("deadlines and reminders")
        verbose_name_plural = _("deadlines and reminders")

    def __str__(self) -> str:
        return str(self.period_id)

    @property
    def day_list(self) -> list[int]:
        days = {
            int(d) for d in self.days_before.replace("，", ",").split(",") if d.strip().isdigit()
        }
        return sorted(days, reverse=True)


class Webhook(models.Model):
    """A group robot (企业微信, 钉钉, 飞书) that receives the reminders of every period."""

    class Platform(models.TextChoices):
        WECOM = "wecom", _("WeCom (企业微信)")
        DINGTALK = "dingtalk", _("DingTalk (钉钉)")
        FEISHU = "feishu", _("Feishu (飞书)")

    class Format(models.TextChoices):
        TEXT = "text", _("Plain text")
        MARKDOWN = "markdown", _("Markdown or rich text")

    name = models.CharField(_("name"), max_length=100)
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    url = models.URLField(_("webhook address"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    format = models.CharField(
        _("message format"), max_length=16, choices=Format.choices, default=Format.MARKDOWN
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """A message in a person's in-app list (the bell)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    period = models.ForeignKey(
        "assessments.Period",
        verbose_name=_("period"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title


class Delivery(models.Model):
    """One reminder to one recipient on one channel at one schedule point."""

    class Channel(models.TextChoices):
        APP = "app", _("In the app")
        EMAIL = "email", _("E-mail")
        WEBHOOK = "webhook", _("Group robot")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to send")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed to send")

    period = models.ForeignKey(
        "assessments.Period",
        verbose_name=_("period"),
        on_delete=models.CASCADE,
        related_name="reminder_deliveries",
    )
    point = models.CharField(_("schedule point"), max_length=40)
    recipient = models.CharField(_("recipient"), max_length=64)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    webhook = models.ForeignKey(
        Webhook,
        verbose_name=_("group robot"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    message = models.JSONField(_("message"), default=dict)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=80, blank=True)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "point", "recipient", "channel"], name="reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period_id} {self.point} {self.recipient} {self.channel}"


class DepartmentDeadline(models.Model):
    """A department's own collection deadline in a period (统计局 by the 10th, the units
    by the 15th): its provider accounts are reminded against it, on the period's schedule
    (days before, every morning once overdue); a department without one follows the
    period's deadline."""

    period = models.ForeignKey(
        "assessments.Period",
        verbose_name=_("period"),
        on_delete=models.CASCADE,
        related_name="department_deadlines",
    )
    department = models.ForeignKey(
        "workflow.Department",
        verbose_name=_("department"),
        on_delete=models.CASCADE,
        related_name="deadlines",
    )
    collection_deadline = models.DateTimeField(_("collection deadline"))

    class Meta:
        verbose_name = _("department deadline")
        verbose_name_plural = _("department deadlines")
        ordering = ["period", "collection_deadline", "department"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "department"], name="department_deadline_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period_id} {self.department_id}"
