"""Schemes, units, periods, data values and result snapshots.

A period is assessed on one scheme version; its figures are data values, one per
unit and indicator (or adjustment); computing it stores a snapshot: the engine's
result together with the exact inputs it was computed from. Published snapshots are
frozen: a correction is a new revision, and both stay.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from functools import cached_property
from typing import Any

from django.core.validators import RegexValidator
from django.db import models
from django.db.models.lookups import Regex
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from leitai.web.accounts.fields import person_field

code_validator = RegexValidator(
    r"^[A-Za-z0-9_-]+$", _("Use letters, digits, hyphens and underscores only.")
)

# Period codes whose time they say: 2024Q1, 2024H1, 2024 (as their labels read them).
PERIOD_QUARTER = re.compile(r"^(\d{4})[Qq]([1-4])$")
PERIOD_HALF = re.compile(r"^(\d{4})[Hh]([12])$")
PERIOD_YEAR = re.compile(r"^(\d{4})$")


def period_end(code: str) -> dt.date | None:
    """The last day a period of ``code`` assesses, where the code says it (a quarter, a
    half or a year); None for any other code (a variant, a custom name).

    >>> period_end("2024Q1"), period_end("2024H2"), period_end("2024")
    (datetime.date(2024, 3, 31), datetime.date(2024, 12, 31), datetime.date(2024, 12, 31))
    >>> period_end("2023-Q3-grouped") is None
    True
    """
    if m := PERIOD_QUARTER.match(code):
        month = 3 * int(m[2])
    elif m := PERIOD_HALF.match(code):
        month = 6 * int(m[2])
    elif m := PERIOD_YEAR.match(code):
        month = 12
    else:
        return None
    year = int(m[1])
    if year < dt.MINYEAR:  # "0000" says no day
        return None
    return dt.date(year, month, calendar.monthrange(year, month)[1])


# Months a period assesses, where its code says it: of the periods that end on one day,
# the quarter comes first, then the half-year, then the year that sums them up.
_SPANS = ((PERIOD_QUARTER, 3), (PERIOD_HALF, 6), (PERIOD_YEAR, 12))


def period_span(code: str) -> int:
    """The months a period of ``code`` assesses where the code says it, else 0.

    >>> period_span("2024Q4"), period_span("2024H2"), period_span("2024")
    (3, 6, 12)
    >>> period_span("2023-Q3-grouped")
    0
    """
    return next((months for pattern, months in _SPANS if pattern.match(code)), 0)


def period_sort_key(period: Period) -> tuple[bool, dt.date, int, str]:
    """:func:`period_order` (oldest first) for periods in hand."""
    return (
        period.ends_on is not None,
        period.ends_on or dt.date.min,
        period_span(period.code),
        period.code,
    )


def period_order(prefix: str = "", *, newest_first: bool = False) -> list[Any]:
    """The order of periods in time, for ``order_by`` (``prefix`` "period__" orders rows
    by their period): by the last day they assess, then, of periods that end on one day,
    the shorter first (2023Q4, 2023H2, then the year 2023; a code that does not say its
    length comes before them), then by code. Periods whose end is not known (a code that
    does not say it, stored before periods had an end) come first, as the oldest."""
    end, code = models.F(f"{prefix}ends_on"), f"{prefix}code"
    span = models.Case(
        *(
            models.When(Regex(models.F(code), pattern.pattern), then=models.Value(months))
            for pattern, months in _SPANS
        ),
        default=models.Value(0),
        output_field=models.IntegerField(),
    )
    if newest_first:
        return [end.desc(nulls_last=True), span.desc(), f"-{code}"]
    return [end.asc(nulls_first=True), span.asc(), code]


class Scheme(models.Model):
    """A line of scheme versions sharing the scheme id of the YAML file."""

    code = models.CharField(_("id"), max_length=64, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scheme")
        verbose_name_plural = _("schemes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class SchemeVersion(models.Model):
    """One version of a scheme (考核办法), kept as the YAML text it was read from."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=300)
    text = models.TextField(_("YAML text"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = person_field(_("created by"))

    class Meta:
        verbose_name = _("scheme version")
        verbose_name_plural = _("scheme versions")
        ordering = ["scheme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="scheme_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scheme.code} v{self.number}"


class Unit(models.Model):
    """An assessed unit (被考核单位), known by the id schemes give it."""

    code = models.CharField(_("id"), max_length=64, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("display order"), default=0)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class Period(models.Model):
    """An assessment period such as 2023Q1, on one scheme version."""

    class State(models.TextChoices):
        COLLECTING = "collecting", _("Collecting data")
        REVIEW = "review", _("Under review")
        PUBLISHED = "published", _("Published")

    code = models.CharField(_("period"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100, blank=True)
    scheme_version = models.ForeignKey(
        SchemeVersion,
        verbose_name=_("scheme version"),
        on_delete=models.PROTECT,
        related_name="periods",
    )
    ends_on = models.DateField(
        _("last day assessed"),
        null=True,
        blank=True,
        help_text=_(
            "The last day of the time the period assesses (2024-03-31 for 2024Q1); "
            "periods are listed in time by it."
        ),
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous period"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="following",
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.COLLECTING
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Where the scheme ranks within groups (分类考核): whether the boards also show the
    # city-wide table of all units. The office's choice, recorded in the audit log.
    city_table = models.BooleanField(_("city-wide table beside the groups"), default=False)

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = period_order()

    def __str__(self) -> str:
        return self.code

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


class DataValue(models.Model):
    """One figure of one unit in one period, as the person wrote it.

    ``key`` is an indicator, adjustment or series id of the period's scheme. The text
    is kept as written (``1,234.5``, ``5.2%``, ``是``); the engine parses it.
    """

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="values"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="values"
    )
    key = models.CharField(_("indicator"), max_length=64)
    value = models.CharField(_("value"), max_length=100, blank=True)
    target = models.CharField(_("target"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = person_field(_("updated by"))

    class Meta:
        verbose_name = _("data value")
        verbose_name_plural = _("data values")
        ordering = ["period", "unit", "key"]
        constraints = [
            models.UniqueConstraint(fields=["period", "unit", "key"], name="data_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.period.code} {self.unit.code} {self.key} = {self.value}"


class SnapshotFrozen(Exception):
    """A published snapshot was about to be changed or deleted."""


class SnapshotQuerySet(models.QuerySet):
    def published(self) -> SnapshotQuerySet:
        return self.filter(state=Snapshot.State.PUBLISHED)

    def update(self, **kwargs: Any) -> int:
        if self.filter(state=Snapshot.State.PUBLISHED).exists():
            raise SnapshotFrozen("a published snapshot cannot be changed")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.filter(state=Snapshot.State.PUBLISHED).exists():
            raise SnapshotFrozen("a published snapshot cannot be deleted")
        return super().delete()


class Snapshot(models.Model):
    """A computed result of a period, with everything it was computed from.

    ``inputs`` is the long-form CSV table given to the engine, ``previous_ranks`` the
    previous period's ranks, ``result`` the engine's JSON (spec section 8) as it wrote
    it, and ``explanations`` the engine's explanation of every unit. Once published a
    snapshot is frozen; a correction is a new snapshot with the next revision number.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="snapshots"
    )
    revision = models.PositiveIntegerField(_("revision"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    scheme_version = models.ForeignKey(
        SchemeVersion,
        verbose_name=_("scheme version"),
        on_delete=models.PROTECT,
        related_name="snapshots",
    )
    scheme_sha256 = models.CharField(_("scheme SHA-256"), max_length=64)
    inputs = models.TextField(_("input table"))
    previous_ranks = models.JSONField(_("previous ranks"), null=True, blank=True)
    # The published results of other periods an annual scheme drew values from (spec
    # section 11): ``[{"period", "snapshot", "revision", "result_sha256"}]``; sealed.
    sources = models.JSONField(_("results drawn from"), null=True, blank=True)
    inputs_sha256 = models.CharField(_("inputs SHA-256"), max_length=64)
    result = models.TextField(_("result (JSON)"))
    result_sha256 = models.CharField(_("result SHA-256"), max_length=64)
    explanations = models.TextField(_("explanations (JSON)"))
    reason = models.TextField(_("reason for the revision"), blank=True)
    # The office's words for publishing without the previous result some rules need;
    # the published notice carries them and the boards show them as a note.
    previous_note = models.TextField(_("note on the missing previous result"), blank=True)
    # A default, not auto_now_add: the seal is made before the row is inserted.
    created_at = models.DateTimeField(_("computed at"), default=timezone.now, editable=False)
    # PROTECT, not SET_NULL: deleting an account must not rewrite a frozen snapshot's row.
    created_by = person_field(_("computed by"), on_delete=models.PROTECT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = person_field(_("published by"), on_delete=models.PROTECT)
    # The audit chain's head when the snapshot was published: were the log cut short
    # or wiped later, this entry would be missing (see leitai.web.audit.integrity).
    chain_head_id = models.PositiveBigIntegerField(
        _("audit chain head (id)"), null=True, blank=True
    )
    chain_head_digest = models.CharField(_("audit chain head (digest)"), max_length=64, blank=True)
    # HMAC of everything above under the audit key (leitai.web.assessments.integrity).
    seal = models.CharField(_("seal"), max_length=64, blank=True)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("result snapshot")
        verbose_name_plural = _("result snapshots")
        ordering = ["period", "revision"]
        constraints = [
            models.UniqueConstraint(fields=["period", "revision"], name="snapshot_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.period.code} r{self.revision} ({self.get_state_display()})"

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    def save(self, *args: Any, **kwargs: Any) -> None:
        if (
            self.pk is not None
            and Snapshot.objects.filter(pk=self.pk, state=self.State.PUBLISHED).exists()
        ):
            raise SnapshotFrozen("a published snapshot cannot be changed")
        from leitai.web.assessments.integrity import snapshot_seal

        self.seal = snapshot_seal(self)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "seal" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "seal"]
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if (
            self.pk is not None
            and Snapshot.objects.filter(pk=self.pk, state=self.State.PUBLISHED).exists()
        ):
            raise SnapshotFrozen("a published snapshot cannot be deleted")
        return super().delete(*args, **kwargs)

    @cached_property
    def result_dict(self) -> dict[str, Any]:
        """The result, once checked against the seal (``SnapshotAltered`` otherwise)."""
        from leitai.web.assessments.integrity import snapshot_check

        snapshot_check(self)
        return json.loads(self.result)

    @cached_property
    def explanation_dict(self) -> dict[str, Any]:
        from leitai.web.assessments.integrity import snapshot_check

        snapshot_check(self)
        return json.loads(self.explanations)
