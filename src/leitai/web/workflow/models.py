"""A period's daily work: uploads of figures, submissions, objections.

The figures themselves are :class:`~leitai.web.assessments.models.DataValue` rows;
what is kept here is how they came in and what the units said about the result.
Files (uploaded workbooks, objection attachments) are stored under the data
directory and are only ever served by views that check who is asking.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from leitai.web.accounts.fields import person_field
from leitai.web.assessments.models import Period, SchemeVersion, Unit


def _upload_path(instance: Upload, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"workflow/uploads/{instance.period.code}/{uuid.uuid4().hex}{suffix}"


def _attachment_path(instance: Objection, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"workflow/objections/{instance.period.code}/{uuid.uuid4().hex}{suffix}"


def _evidence_path(instance: Evidence, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"workflow/evidence/{instance.period.code}/{uuid.uuid4().hex}{suffix}"


class UnitStatus(models.TextChoices):
    """Where a unit stands in a period's collection (derived, not stored)."""

    NOT_STARTED = "not_started", _("Not started")
    FILLED = "filled", _("Filled in")
    SUBMITTED = "submitted", _("Submitted")
    # Figures entered or uploaded by the office (or imported): they count as submitted.
    BY_OFFICE = "by_office", _("Entered by the office")
    RETURNED = "returned", _("Returned")
    # Approval inside the unit (issue 11): prepared, waiting for the unit's 审核人, or
    # sent back by them; neither is with the office yet.
    PENDING_APPROVAL = "pending_approval", _("Awaiting the unit's approval")
    SENT_BACK = "sent_back", _("Sent back by the unit's approver")
    # The unit reports no figure in the period: every indicator comes from other periods'
    # published results (an annual scheme, spec section 11) or from departments.
    NOTHING = "nothing", _("Nothing to report")


class PeriodStatus(models.TextChoices):
    """Where a period stands, as every board, card and notice says it (derived)."""

    NEW = "new", _("New: no figures yet")
    PARTLY = "partly", _("Partly filled in")
    SUBMITTED = "submitted", _("All units submitted")
    RETURNED = "returned", _("Returned to a unit")
    NOTHING = "nothing", _("Nothing to collect")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    REVISED = "revised", _("Published, revised")


class Department(models.Model):
    """A municipal department that supplies some indicators for every unit (issue 11):
    统计局 sends GDP, industry and retail for all ten districts at once. Its accounts are
    users in the role ``provider`` (``User.department``)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """An indicator a department supplies for every unit, in every period of a scheme
    version or in one period (a period's own assignment of an indicator wins over its
    scheme version's). An indicator is supplied by one department or by the units."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    key = models.CharField(_("indicator"), max_length=64)
    scheme_version = models.ForeignKey(
        SchemeVersion,
        verbose_name=_("scheme version"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    period = models.ForeignKey(
        Period,
        verbose_name=_("period"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignments",
    )

    class Meta:
        verbose_name = _("indicator supplied by a department")
        verbose_name_plural = _("indicators supplied by departments")
        ordering = ["period", "scheme_version", "department", "key"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scheme_version__isnull=True, period__isnull=False)
                | models.Q(scheme_version__isnull=False, period__isnull=True),
                name="assignment_one_scope",
            ),
            models.UniqueConstraint(
                fields=["scheme_version", "key"], name="assignment_once_per_version"
            ),
            models.UniqueConstraint(fields=["period", "key"], name="assignment_once_per_period"),
        ]

    def __str__(self) -> str:
        scope = self.period.code if self.period is not None else str(self.scheme_version)
        return f"{scope} {self.key} → {self.department}"

    def clean(self) -> None:
        from leitai.web.workflow.selectors import assignment_problems

        assignment_problems(self)


# A period's piece of work of a unit or of a department (a submission, an approval switch,
# an upload): the same three fields, each model with its own reverse name.


def _period_field(related_name: str) -> Any:
    return models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name=related_name
    )


def _unit_field(related_name: str) -> Any:
    return models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


def _department_field(related_name: str) -> Any:
    return models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


def _unit_or_department() -> models.Q:
    """Exactly one of ``unit`` and ``department`` (a row belongs to one party)."""
    return models.Q(unit__isnull=False, department__isnull=True) | models.Q(
        unit__isnull=True, department__isnull=False
    )


class Submission(models.Model):
    """A unit's or a department's submission of its figures for a period (exactly one of
    ``unit`` and ``department``); the office may return it.

    Where the period asks for approval inside (:class:`Approval`), what a reporter or a
    department's provider prepared first waits for the unit's or the department's 审核人
    (``pending_approval``), who approves it (then it is ``submitted``, with the office)
    or sends it back with a reason (``sent_back``).
    """

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        PENDING_APPROVAL = "pending_approval", _("Awaiting approval inside")
        SENT_BACK = "sent_back", _("Sent back by the approver")

    period = _period_field("submissions")
    unit = _unit_field("submissions")
    department = _department_field("submissions")
    state = models.CharField(_("state"), max_length=16, choices=State.choices)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = person_field(_("submitted by"))
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = person_field(_("returned by"))
    return_reason = models.TextField(_("reason for returning"), blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = person_field(_("approved by"))
    sent_back_at = models.DateTimeField(_("sent back at"), null=True, blank=True)
    sent_back_by = person_field(_("sent back by"))
    send_back_reason = models.TextField(_("reason for sending back"), blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["period", "unit", "department"]
        constraints = [
            models.CheckConstraint(
                condition=_unit_or_department(), name="submission_unit_or_department"
            ),
            # NULL is never equal to NULL: a department's rows do not meet on ``unit``.
            models.UniqueConstraint(fields=["period", "unit"], name="submission_unique"),
            models.UniqueConstraint(
                fields=["period", "department"], name="submission_unique_department"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period.code} {self.party_code} ({self.get_state_display()})"

    @property
    def party(self) -> Unit | Department:
        """The unit or the department that submits."""
        party = self.unit if self.unit_id is not None else self.department
        assert party is not None  # the check constraint
        return party

    @property
    def party_code(self) -> str:
        return self.party.code


class Approval(models.Model):
    """In this period, the submission of a unit or a department (exactly one) goes through
    its 审核人 before the office sees it (two-step approval inside). The office switches
    it per period; no row means the preparer submits straight to the office."""

    period = _period_field("approvals")
    unit = _unit_field("approvals")
    department = _department_field("approvals")
    switched_at = models.DateTimeField(_("switched on at"), auto_now_add=True)
    switched_by = person_field(_("switched on by"))

    class Meta:
        verbose_name = _("approval inside")
        verbose_name_plural = _("approvals inside")
        ordering = ["period", "unit", "department"]
        constraints = [
            models.CheckConstraint(
                condition=_unit_or_department(), name="approval_unit_or_department"
            ),
            models.UniqueConstraint(fields=["period", "unit"], name="unit_approval_unique"),
            models.UniqueConstraint(
                fields=["period", "department"], name="approval_unique_department"
            ),
        ]

    def __str__(self) -> str:
        party = self.unit if self.unit is not None else self.department
        return f"{self.period.code} {getattr(party, 'code', '')}"


class Upload(models.Model):
    """A data table uploaded for a period: checked and previewed, then applied or not.

    ``unit`` is the only unit a reporter's upload may touch; ``department`` makes it a
    data provider's, which may touch its department's indicators of every unit; the
    office's uploads have neither and may touch every unit. ``problems`` lists every error at its cell,
    ``changes`` every figure that would change, and ``grid`` the sheet as it was
    uploaded with those marked, for showing the errors in place.
    """

    class State(models.TextChoices):
        CHECKED = "checked", _("Checked, waiting for confirmation")
        REFUSED = "refused", _("Refused")
        APPLIED = "applied", _("Saved")
        DISCARDED = "discarded", _("Discarded")

    period = _period_field("uploads")
    unit = _unit_field("uploads")
    department = _department_field("uploads")
    file = models.FileField(_("file"), upload_to=_upload_path, max_length=255)
    filename = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices)
    problems = models.JSONField(_("problems"), default=list, blank=True)
    changes = models.JSONField(_("changes"), default=list, blank=True)
    grid = models.JSONField(_("sheet"), default=dict, blank=True)
    decided_at = models.DateTimeField(_("saved or discarded at"), null=True, blank=True)
    decided_by = person_field(_("saved or discarded by"))

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.period.code} #{self.pk} {self.filename}"

    @property
    def is_checked(self) -> bool:
        return self.state == self.State.CHECKED

    @property
    def changed_units(self) -> list[str]:
        return sorted({c["unit"] for c in self.changes})


class Objection(models.Model):
    """A unit's objection (异议) to its draft result, and the office's answer."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="objections"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="objections"
    )
    key = models.CharField(
        _("indicator"),
        max_length=64,
        blank=True,
        help_text=_("The indicator or adjustment the objection is about, if one."),
    )
    text = models.TextField(_("objection"))
    attachment = models.FileField(
        _("attachment"), upload_to=_attachment_path, max_length=255, blank=True
    )
    attachment_name = models.CharField(_("attachment name"), max_length=255, blank=True)
    attachment_size = models.PositiveIntegerField(_("attachment size"), null=True, blank=True)
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revision = models.PositiveIntegerField(_("draft revision"))
    result_sha256 = models.CharField(_("draft result SHA-256"), max_length=64)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = person_field(_("answered by"))
    corrections = models.JSONField(_("corrections"), default=list, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["-raised_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.period.code} {self.unit.code} #{self.pk} ({self.get_state_display()})"

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING

    def as_audit(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "key": self.key,
            "text": self.text,
            "attachment": self.attachment_name,
            "revision": self.revision,
            "answer": self.answer,
        }


class Explanation(models.Model):
    """Why a value that set off an alert (a jump against the previous published value) is
    right, written by whoever entered it. It explains ``value`` as written: once the
    value changes, the explanation no longer covers it."""

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="explanations"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="explanations"
    )
    key = models.CharField(_("indicator"), max_length=64)
    value = models.CharField(_("value explained"), max_length=100)
    text = models.TextField(_("explanation"))
    written_at = models.DateTimeField(_("written at"), auto_now=True)
    written_by = person_field(_("written by"))

    class Meta:
        verbose_name = _("explanation")
        verbose_name_plural = _("explanations")
        ordering = ["period", "unit", "key"]
        constraints = [
            models.UniqueConstraint(fields=["period", "unit", "key"], name="explanation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.period.code} {self.unit.code} {self.key}"


class Evidence(models.Model):
    """A supporting document (佐证材料) a unit attaches to one of its figures; the office
    sees it in review. Served only by a view that checks who is asking."""

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="evidence"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="evidence"
    )
    key = models.CharField(_("indicator"), max_length=64)
    file = models.FileField(_("file"), upload_to=_evidence_path, max_length=255)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("file size"), null=True, blank=True)
    added_at = models.DateTimeField(_("attached at"), auto_now_add=True)
    added_by = person_field(_("attached by"))

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["period", "unit", "key", "added_at", "pk"]

    def __str__(self) -> str:
        return f"{self.period.code} {self.unit.code} {self.key} {self.name}"

    def as_audit(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "size": self.size}
