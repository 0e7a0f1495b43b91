from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from leitai.web.arena.models import ArenaSession
from leitai.web.arena.services import SESSION_FIELDS
from leitai.web.assessments.models import Period, Unit
from leitai.web.formfields import form_field
from leitai.web.targets.forms import DateInput, MilestonesField, NumberField
from leitai.web.targets.models import Target


class OrderField(forms.CharField):
    """Unit ids, one per line (or separated by commas or spaces)."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [part for part in re.split(r"[\s,，、;；]+", text) if part]


class SessionForm(forms.ModelForm):
    manual_order = OrderField(
        label=_("Order set by hand"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Unit ids in speaking order, one per line (when the order is set by hand)."),
    )

    class Meta:
        model = ArenaSession
        fields = SESSION_FIELDS
        widgets = {"date": DateInput(), "as_of": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        form_field(self, "period", forms.ModelChoiceField).queryset = Period.objects.order_by(
            "-code"
        )
        if self.instance.pk:
            self.initial["manual_order"] = "\n".join(self.instance.manual_order or [])

    def _post_clean(self) -> None:
        pass  # the service validates and stores


class PledgeForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    name = forms.CharField(label=_("Pledge"), max_length=200)
    value = NumberField(label=_("Target value"))
    unit_of_measure = forms.CharField(label=_("Unit of measure"), max_length=32, required=False)
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Target.Direction.choices, initial="higher", required=False
    )
    start = NumberField(label=_("Start value"), required=False)
    deadline = forms.DateField(
        label=_("Deadline"),
        required=False,
        widget=DateInput(),
        help_text=_("31 December of the session's year when empty."),
    )
    milestones = MilestonesField(
        label=_("Milestones"),
        required=False,
        help_text=_("e.g. 2023-06-30:83 for at least 83 by 30 June"),
    )

    def __init__(self, *args: Any, speakers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = form_field(self, "unit", forms.ModelChoiceField)
        unit.queryset = Unit.objects.filter(code__in=speakers).order_by("position")
        unit.to_field_name = "code"

    def clean_direction(self) -> str:
        return self.cleaned_data.get("direction") or Target.Direction.HIGHER
