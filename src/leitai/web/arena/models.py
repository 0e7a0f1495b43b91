"""Arena sessions (书记擂台): when, on which period's results, in which order."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from leitai.web.accounts.fields import person_field
from leitai.web.assessments.models import Period
from leitai.web.tasks.models import job_field

DEFAULT_TITLE = "书记擂台"


class ArenaSession(models.Model):
    """One arena: the units come on stage in the order of a period's published result.

    Each speaker gets three screens generated from the data (晒成绩, 查不足, 谈举措) and
    ``minutes_per_speaker`` on the clock. Pledges made on stage become targets that
    point back here (``pledges``).
    """

    class Order(models.TextChoices):
        RANK = "rank", _("By rank, best first")
        REVERSE = "reverse", _("By rank, worst first")
        MANUAL = "manual", _("Set by hand")

    slug = models.SlugField(
        _("address"), max_length=64, unique=True, help_text=_("The session's date by default.")
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=100, default=DEFAULT_TITLE)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    period = models.ForeignKey(
        Period,
        verbose_name=_("period"),
        on_delete=models.PROTECT,
        related_name="arena_sessions",
        help_text=_("Its published result sets the order and fills the screens."),
    )
    order_mode = models.CharField(
        _("order"), max_length=8, choices=Order.choices, default=Order.RANK
    )
    manual_order = models.JSONField(
        _("order set by hand"),
        default=list,
        blank=True,
        help_text=_("Unit ids in the order they speak (when the order is set by hand)."),
    )
    minutes_per_speaker = models.PositiveSmallIntegerField(
        _("minutes per speaker"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    as_of = models.DateField(
        _("progress as of"),
        null=True,
        blank=True,
        help_text=_("Target progress is shown as of this date; the session's date when empty."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = person_field(_("created by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("arena session")
        verbose_name_plural = _("arena sessions")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.title}"

    @property
    def progress_date(self):  # type: ignore[no-untyped-def]
        return self.as_of or self.date


class PledgeText(models.Model):
    """A text of the session (a speech, the slides, a report) given to find pledges in.

    ``original`` is kept as received, ``repaired`` is what :func:`leitai.text.repair`
    made of it; the spans of the proposals point into ``repaired``. A text given in the
    web app is read by a worker of the task queue (``job``); until that job is done,
    ``repaired`` is empty and there are no proposals.
    """

    session = models.ForeignKey(
        ArenaSession,
        verbose_name=_("arena session"),
        on_delete=models.CASCADE,
        related_name="texts",
    )
    name = models.CharField(_("name"), max_length=200)
    original = models.TextField(_("original text"))
    repaired = models.TextField(_("repaired text"), blank=True, default="")
    changed = models.JSONField(_("repair steps applied"), default=list, blank=True)
    lost = models.JSONField(_("unrecoverable spans"), default=list, blank=True)
    job = job_field()
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = person_field(_("created by"))

    class Meta:
        verbose_name = _("arena text")
        verbose_name_plural = _("arena texts")
        ordering = ["session", "pk"]

    def __str__(self) -> str:
        return f"{self.session} · {self.name}"

    @property
    def is_read(self) -> bool:
        """Its proposals are there (a text from before the queue has no job)."""
        return self.job is None or self.job.state == self.job.State.DONE

    @property
    def is_failed(self) -> bool:
        return self.job is not None and self.job.state == self.job.State.FAILED


class PledgeProposal(models.Model):
    """A pledge found in a text, waiting for the office to accept or reject it.

    An accepted proposal points to the target it became; the sentence and the span
    are the target's evidence.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    text = models.ForeignKey(
        PledgeText, verbose_name=_("text"), on_delete=models.CASCADE, related_name="proposals"
    )
    unit = models.ForeignKey(
        "assessments.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    value = models.FloatField(_("target value"))
    unit_of_measure = models.CharField(_("unit of measure"), max_length=32, blank=True)
    deadline = models.DateField(_("deadline"))
    bound = models.CharField(_("bound"), max_length=16, default="exact")
    rate = models.FloatField(_("monthly rate"), null=True, blank=True)
    confidence = models.FloatField(_("confidence"))
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    sentence = models.TextField(_("sentence"))
    sentence_start = models.PositiveIntegerField(_("sentence start"))
    start = models.PositiveIntegerField(_("figure start"))
    end = models.PositiveIntegerField(_("figure end"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PROPOSED
    )
    target = models.OneToOneField(
        "targets.Target",
        verbose_name=_("target"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposal",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = person_field(_("decided by"))

    class Meta:
        verbose_name = _("proposed pledge")
        verbose_name_plural = _("proposed pledges")
        ordering = ["text", "start", "pk"]

    def __str__(self) -> str:
        return f"{self.name} {self.value:g}{self.unit_of_measure}"


class Scoring(models.Model):
    """The live scoring (现场评议) of a session: the sheet, the unit on stage, the result.

    ``definition`` is a :class:`leitai.engine.judging.JudgingScheme` as JSON. One unit
    at a time is open for scoring (``open_unit``); a closed unit's sheets no longer
    change (``closed_units``). Once the office closes the scoring (``closed_at``) the
    result can be frozen: ``result`` with its SHA-256 and seal (HMAC under the audit
    key, as a snapshot's), checked whenever it is read
    (:func:`leitai.web.arena.scoring.result_check`).
    """

    class Show(models.TextChoices):
        LIVE = "live", _("Live, after each unit")
        END = "end", _("Only at the end")

    session = models.OneToOneField(
        ArenaSession,
        verbose_name=_("arena session"),
        on_delete=models.CASCADE,
        related_name="scoring",
    )
    definition = models.JSONField(_("scoring sheet"))
    units = models.JSONField(_("units scored"), default=list)
    show = models.CharField(_("show results"), max_length=8, choices=Show.choices, default=Show.END)
    open_unit = models.CharField(_("unit open for scoring"), max_length=64, blank=True)
    closed_units = models.JSONField(_("units closed"), default=list, blank=True)
    closed_at = models.DateTimeField(_("scoring closed at"), null=True, blank=True)
    result = models.JSONField(_("frozen result"), null=True, blank=True)
    result_sha256 = models.CharField(_("result SHA-256"), max_length=64, blank=True)
    seal = models.CharField(_("seal"), max_length=64, blank=True)
    frozen_at = models.DateTimeField(_("frozen at"), null=True, blank=True)
    frozen_by = person_field(_("frozen by"))
    published_at = models.DateTimeField(_("ranking published at"), null=True, blank=True)
    applied_to = models.CharField(_("applied to"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("live scoring")
        verbose_name_plural = _("live scorings")

    def __str__(self) -> str:
        return str(self.session)


class JudgeCode(models.Model):
    """A single-use judge code: only its SHA-256 is kept; the first device that gives
    it holds it (``device`` is the SHA-256 of a token kept in that device's session)."""

    scoring = models.ForeignKey(
        Scoring, verbose_name=_("live scoring"), on_delete=models.CASCADE, related_name="codes"
    )
    number = models.PositiveIntegerField(_("number"))
    group = models.CharField(_("judges' group"), max_length=32)
    digest = models.CharField(_("code SHA-256"), max_length=64, unique=True)
    device = models.CharField(_("device"), max_length=64, blank=True)
    claimed_at = models.DateTimeField(_("first used at"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("judge code")
        verbose_name_plural = _("judge codes")
        ordering = ["scoring", "number"]
        constraints = [
            models.UniqueConstraint(fields=["scoring", "number"], name="arena_judge_code_number")
        ]

    def __str__(self) -> str:
        return f"{self.scoring} · #{self.number}"


class JudgeSheet(models.Model):
    """One judge's sheet for one unit; ``total`` is None for an abstention.

    ``client_id`` is the id the judge's page gave the sheet: sending it again (after a
    lost connection) changes nothing or updates the same sheet, never makes a second.
    """

    code = models.ForeignKey(
        JudgeCode, verbose_name=_("judge code"), on_delete=models.PROTECT, related_name="sheets"
    )
    unit = models.CharField(_("unit"), max_length=64)
    entry = models.JSONField(_("entry"), null=True, blank=True)
    total = models.FloatField(_("total"), null=True, blank=True)
    client_id = models.CharField(_("sheet id"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("judge's sheet")
        verbose_name_plural = _("judges' sheets")
        ordering = ["code", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["code", "unit"], name="arena_one_sheet_per_unit")
        ]

    def __str__(self) -> str:
        return f"#{self.code.number} · {self.unit}"
