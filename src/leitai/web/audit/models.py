"""The audit log: who changed what, when, with the state before and after.

The log is append-only. Entries are written only by :func:`audit_record`; the model
refuses to change or delete a stored entry (saving, ``update()``, ``delete()``), the
database refuses ``UPDATE``, ``DELETE`` (and on PostgreSQL ``TRUNCATE``) by trigger
(:mod:`leitai.web.audit.guard`), and every entry carries the HMAC-SHA256, under a key
kept outside the database (:mod:`leitai.web.audit.keys`), of its content chained to
the entry before it, so that an entry edited or removed behind the application's back
shows up when the chain is verified (:mod:`leitai.web.audit.integrity`). The head of
the chain is copied into every published snapshot and every backup, so that a log cut
short or wiped is found too.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditLogAppendOnly(Exception):
    """A stored audit entry was about to be changed or deleted."""


class Action(models.TextChoices):
    SCHEME_VERSION_CREATED = "scheme.version_created", _("Scheme version saved")
    PERIOD_OPENED = "period.opened", _("Period opened")
    PERIOD_STATE_CHANGED = "period.state_changed", _("Period state changed")
    DATA_CHANGED = "data.changed", _("Figures changed")
    SUBMISSION_SUBMITTED = "submission.submitted", _("Figures submitted")
    SUBMISSION_RETURNED = "submission.returned", _("Submission returned")
    SUBMISSION_APPROVED = "submission.approved", _("Submission approved in the unit")
    SUBMISSION_SENT_BACK = "submission.sent_back", _("Submission sent back in the unit")
    APPROVAL_CHANGED = "approval.changed", _("Approval inside units set")
    OBJECTION_RAISED = "objection.raised", _("Objection raised")
    OBJECTION_ANSWERED = "objection.answered", _("Objection answered")
    SNAPSHOT_COMPUTED = "snapshot.computed", _("Draft result computed")
    SNAPSHOT_PUBLISHED = "snapshot.published", _("Result published")
    SNAPSHOT_REVISED = "snapshot.revised", _("Revision published")
    TARGET_CREATED = "target.created", _("Target created")
    TARGET_CHANGED = "target.changed", _("Target changed")
    TARGET_DELETED = "target.deleted", _("Target deleted")
    ACTUAL_REPORTED = "actual.reported", _("Progress reported")
    ACTUAL_CORRECTED = "actual.corrected", _("Progress corrected")
    TARGETS_IMPORTED = "targets.imported", _("Targets imported")
    ACTUALS_IMPORTED = "actuals.imported", _("Progress imported")
    ARENA_SESSION_CREATED = "arena.session_created", _("Arena session created")
    ARENA_SESSION_CHANGED = "arena.session_changed", _("Arena session changed")
    ARENA_PLEDGE_RECORDED = "arena.pledge_recorded", _("Pledge recorded")
    ARENA_PLEDGES_PROPOSED = "arena.pledges_proposed", _("Pledges proposed from a text")
    ARENA_PROPOSAL_ACCEPTED = "arena.proposal_accepted", _("Proposed pledge accepted")
    ARENA_PROPOSAL_REJECTED = "arena.proposal_rejected", _("Proposed pledge rejected")
    ARENA_SCORING_DEFINED = "arena.scoring_defined", _("Scoring sheet defined")
    ARENA_CODES_ISSUED = "arena.codes_issued", _("Judge codes issued")
    ARENA_CODE_CLAIMED = "arena.code_claimed", _("Judge code used")
    ARENA_SHEET_SCORED = "arena.sheet_scored", _("Judge's sheet scored")
    ARENA_UNIT_OPENED = "arena.unit_opened", _("Unit opened for scoring")
    ARENA_UNIT_CLOSED = "arena.unit_closed", _("Unit closed for scoring")
    ARENA_SCORING_CLOSED = "arena.scoring_closed", _("Session scoring closed")
    ARENA_RESULT_FROZEN = "arena.result_frozen", _("Arena result frozen")
    ARENA_RESULT_PUBLISHED = "arena.result_published", _("Arena ranking published")
    ARENA_RESULT_APPLIED = "arena.result_applied", _("Arena result applied to a period")
    SETTINGS_CHANGED = "settings.changed", _("Site settings changed")
    EVIDENCE_ADDED = "evidence.added", _("Evidence attached")
    EVIDENCE_REMOVED = "evidence.removed", _("Evidence removed")
    NOTICE_ISSUED = "notice.issued", _("Notice issued")
    REMINDER_SCHEDULE_CHANGED = "reminder.schedule_changed", _("Deadlines and reminders set")
    REMINDER_ROBOT_ADDED = "reminder.robot_added", _("Group robot added")
    REMINDER_ROBOT_CHANGED = "reminder.robot_changed", _("Group robot changed")
    REMINDER_ROBOT_DELETED = "reminder.robot_deleted", _("Group robot removed")
    REMINDER_REQUESTED = "reminder.requested", _("Reminder sent by hand")
    REMINDER_SENT = "reminder.sent", _("Reminder sent")
    REMINDER_FAILED = "reminder.failed", _("Reminder could not be sent")
    ASSIGNMENT_CHANGED = "assignment.changed", _("Supplier of an indicator changed")
    ADMIN_ADDED = "admin.added", _("Added in the admin")
    ADMIN_CHANGED = "admin.changed", _("Changed in the admin")
    ADMIN_DELETED = "admin.deleted", _("Deleted in the admin")
    ACCOUNT_LOGIN = "account.login", _("Logged in")
    ACCOUNT_LOGIN_FAILED = "account.login_failed", _("Login failed")
    ACCOUNT_LOCKED_OUT = "account.locked_out", _("Account locked")
    ACCOUNT_LOGGED_OUT = "account.logged_out", _("Session ended")
    ACCOUNT_FACTOR_ENROLLED = "account.factor_enrolled", _("Second factor set up")
    ACCOUNT_FACTOR_RESET = "account.factor_reset", _("Second factor reset")
    ACCOUNT_FACTOR_REMOVED = "account.factor_removed", _("Second factor removed")
    ACCOUNT_PASSWORD_CHANGED = "account.password_changed", _("Password changed")
    ACCOUNT_CREATED = "account.created", _("Account created")
    ACCOUNT_CHANGED = "account.changed", _("Account changed")
    ACCOUNT_DEACTIVATED = "account.deactivated", _("Account deactivated")
    ACCOUNT_REACTIVATED = "account.reactivated", _("Account reactivated")
    ACCOUNT_PASSWORD_RESET = "account.password_reset", _("Password reset by the office")
    ACCOUNTS_IMPORTED = "account.imported", _("Accounts created from a spreadsheet")
    API_TOKEN_CREATED = "api.token_created", _("API token created")
    API_TOKEN_REVOKED = "api.token_revoked", _("API token revoked")
    API_WRITE = "api.write", _("Figures written through the API")
    API_WRITE_REFUSED = "api.write_refused", _("Write through the API refused")


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AuditLogAppendOnly("the audit log is append-only")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AuditLogAppendOnly("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogAppendOnly("the audit log is append-only")


class AuditEntry(models.Model):
    """One recorded change. ``before`` and ``after`` hold what changed, as JSON."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        # The log must keep naming the person: an account that acted cannot be deleted.
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    # The code of an :class:`Action`; its label comes from the enum, not the column, so that
    # a new action needs no migration (audit_record refuses a code the enum does not know).
    action = models.CharField(_("action"), max_length=64, db_index=True)
    period = models.CharField(_("period"), max_length=32, blank=True, db_index=True)
    unit = models.CharField(_("unit"), max_length=64, blank=True, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    note = models.TextField(_("reason or comment"), blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    previous_digest = models.CharField(_("digest of the previous entry"), max_length=64)
    digest = models.CharField(_("digest"), max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-pk"]
        indexes = [models.Index(fields=["period", "unit"], name="audit_period_unit")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.at:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.action}"

    def get_action_display(self) -> str:
        """The action in the reader's language (its code where the enum no longer has it)."""
        try:
            return str(Action(self.action).label)
        except ValueError:
            return self.action

    get_action_display.short_description = _("action")  # type: ignore[attr-defined]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditLogAppendOnly("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogAppendOnly("the audit log is append-only")
