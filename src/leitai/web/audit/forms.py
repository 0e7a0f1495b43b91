from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from leitai.web.accounts.selectors import person_display
from leitai.web.assessments.models import Period, Unit, period_order
from leitai.web.audit.models import Action
from leitai.web.audit.selectors import audit_actor_names
from leitai.web.formfields import form_field


class AuditFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), required=False)
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.ChoiceField(label=_("Who"), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    text = forms.CharField(label=_("Text"), required=False, max_length=100)

    def __init__(self, *args: Any, viewer: Any = None, **kwargs: Any) -> None:
        self.viewer = viewer
        super().__init__(*args, **kwargs)
        every = [("", _("all"))]
        form_field(self, "period", forms.ChoiceField).choices = every + [
            (p, p)
            for p in Period.objects.order_by(*period_order(newest_first=True)).values_list(
                "code", flat=True
            )
        ]
        form_field(self, "unit", forms.ChoiceField).choices = every + [
            (u.code, u.name) for u in Unit.objects.all()
        ]
        form_field(self, "action", forms.ChoiceField).choices = every + list(Action.choices)
        form_field(self, "actor", forms.ChoiceField).choices = every + [
            (n, person_display(n, viewer=self.viewer)) for n in audit_actor_names()
        ]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}
