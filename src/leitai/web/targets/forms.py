from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from leitai.engine.data import NumberError, parse_number
from leitai.engine.targets import STATUSES, parse_period
from leitai.i18n import render as render_problem
from leitai.io.files import ATTACHMENT_SUFFIXES
from leitai.web.assessments.models import Unit
from leitai.web.errors import ServiceError
from leitai.web.files import upload_limits
from leitai.web.formfields import form_field
from leitai.web.targets.models import Target
from leitai.web.targets.selectors import indicator_boards
from leitai.web.targets.services import TARGET_FIELDS, evidence_check
from leitai.web.targets.types import MilestoneJson

STATUS_LABELS = {
    "green": _("Green: on schedule"),
    "yellow": _("Yellow: slightly behind"),
    "red": _("Red: behind"),
    "unreported": _("Not reported"),
}


class NumberField(forms.CharField):
    """A number as people write it: ``1,234.5``, full-width digits, a trailing ``%``."""

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]
        text = super().to_python(value)
        if text in ("", None):
            return None
        try:
            number = parse_number(text)
        except NumberError as error:  # says why, e.g. a decimal comma
            raise forms.ValidationError(
                render_problem(error.problem, gettext), code="invalid"
            ) from None
        return number


def milestones_text(milestones: list[MilestoneJson] | None) -> str:
    return "; ".join(f"{m['date']}:{m['value']:g}" for m in milestones or [])


class MilestonesField(forms.CharField):
    """``2023-06-30:83; 2023-09-30:100``: dated values, as in the targets table."""

    def to_python(self, value: Any) -> list[MilestoneJson]:  # type: ignore[override]
        text = unicodedata.normalize("NFKC", super().to_python(value) or "").replace("\n", ";")
        out: list[MilestoneJson] = []
        for part in filter(None, (p.strip() for p in text.split(";"))):
            day_text, sep, number_text = part.rpartition(":")
            try:
                kind, day, _label = parse_period(day_text.strip())
                number = parse_number(number_text)
            except ValueError:
                kind, number = None, None
            if not sep or kind != "day" or number is None:
                raise forms.ValidationError(
                    _("Write each milestone as date:value, e.g. 2023-06-30:83 (found %(part)s)."),
                    params={"part": part},
                    code="invalid",
                )
            out.append({"date": day.isoformat(), "value": number})
        return out


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class BoardFilterForm(forms.Form):
    """The board's filters; every field may be left empty."""

    unit = forms.ChoiceField(label=_("Unit"), required=False)
    board = forms.ChoiceField(label=_("Board"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *((s, STATUS_LABELS[s]) for s in STATUSES)],
    )
    source = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=[("", _("All")), *Target.Source.choices],
    )
    as_of = forms.DateField(label=_("As of"), required=False, widget=DateInput())
    margin = forms.FloatField(
        label=_("Yellow margin (points)"), required=False, min_value=0, max_value=100
    )

    def __init__(self, *args: Any, units: list[Unit], boards: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "unit", forms.ChoiceField).choices = [
            ("", _("All units")),
            *((u.code, u.name) for u in units),
        ]
        form_field(self, "board", forms.ChoiceField).choices = [
            ("", _("All boards")),
            *((b.id, b.name) for b in boards),
        ]


def indicator_choices() -> list[tuple[str, str | Promise]]:
    boards = indicator_boards()
    choices = sorted(
        ((ident, f"{ref.name} · {ref.indicator_name}") for ident, ref in boards.items()),
        key=lambda c: c[1],
    )
    return [("", _("None")), *choices]


class TargetForm(forms.ModelForm):
    value = NumberField(label=_("Target value"), help_text=_("Due by the deadline, cumulative."))
    start = NumberField(
        label=_("Start value"),
        required=False,
        help_text=_("The value at the start of the year; 0 when empty (required when lower)."),
    )
    milestones = MilestonesField(
        label=_("Milestones"),
        required=False,
        help_text=_("Values due by dates, e.g. 2023-06-30:83; separate several with ;"),
    )
    indicator = forms.ChoiceField(label=_("Indicator"), required=False)

    class Meta:
        model = Target
        # The unit, and what the services let change but the arena session (set there).
        fields = ["unit", *(name for name in TARGET_FIELDS if name != "session")]
        widgets = {"deadline": DateInput(), "pledged_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        self.fields["code"].help_text = _(
            "Unique within the unit (letters, digits, - and _); made up when empty."
        )
        choices = indicator_choices()
        current = self.instance.indicator if self.instance.pk else ""
        if current and current not in dict(choices):
            choices.append((current, current))
        form_field(self, "indicator", forms.ChoiceField).choices = choices
        if self.instance.pk:
            self.initial["milestones"] = milestones_text(self.instance.milestones)
            self.fields["unit"].disabled = True
        else:
            self.initial.setdefault("deadline", dt.date(dt.date.today().year, 12, 31))

    def _post_clean(self) -> None:
        # The service validates the target with the engine and the model; the form only
        # reads the fields (leaving the instance untouched).
        pass


class ActualForm(forms.Form):
    """What a reporter enters: the period, the cumulative value, a note, evidence."""

    period = forms.CharField(
        label=pgettext_lazy("reporting", "Period"),
        max_length=20,
        help_text=_("A month (2023-06), a quarter (2023Q2) or a day (2023-06-30)."),
    )
    value = NumberField(
        label=_("Cumulative value"), help_text=_("From the start of the year to the period's end.")
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done (进展情况)."),
    )
    evidence = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("Optional: PDF, image, Office or WPS document, or an archive; at most 20 MB."),
    )

    def clean_period(self) -> str:
        try:
            return parse_period(self.cleaned_data["period"])[2]
        except ValueError:
            raise forms.ValidationError(
                _("Write a month (2023-06), a quarter (2023Q2) or a day (2023-06-30)."),
                code="invalid",
            ) from None

    def clean_evidence(self) -> Any:
        upload = self.cleaned_data.get("evidence")
        if upload:
            try:
                evidence_check(upload)
            except ServiceError:
                raise forms.ValidationError(
                    _("Upload a file of one of these kinds, at most %(mb)d MB: %(kinds)s"),
                    params={
                        "mb": upload_limits().max_attachment_bytes // (1024 * 1024),
                        "kinds": " ".join(sorted(ATTACHMENT_SUFFIXES)),
                    },
                    code="invalid",
                ) from None
        return upload


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Table"),
        choices=[("targets", _("Targets")), ("actuals", _("Actuals (cumulative values)"))],
        widget=forms.RadioSelect,
    )
    file = forms.FileField(label=_("File (CSV or XLSX)"))
