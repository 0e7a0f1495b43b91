from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from leitai.web.reminders.channels import robot_url_problem
from leitai.web.reminders.models import PeriodDeadlines, Webhook
from leitai.web.reminders.services import DEADLINE_FIELDS


class DeadlinesForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = PeriodDeadlines
        fields = DEADLINE_FIELDS
        widgets = {
            "collection_deadline": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "review_until": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "publication_planned": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean_days_before(self) -> str:
        text = self.cleaned_data["days_before"].replace("，", ",")
        parts = [p.strip() for p in text.split(",") if p.strip()]
        if any(not p.isdigit() or int(p) > 60 for p in parts):
            raise forms.ValidationError(_("Whole days from 0 to 60, separated by commas."))
        return ",".join(parts)

    def clean_send_hour(self) -> int:
        hour = self.cleaned_data["send_hour"]
        if hour > 23:
            raise forms.ValidationError(_("An hour from 0 to 23."))
        return int(hour)


class WebhookForm(forms.ModelForm):  # type: ignore[type-arg]
    url = forms.URLField(label=_("webhook address"), max_length=500, assume_scheme="https")
    secret = forms.CharField(
        label=_("signing secret"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave blank to keep the stored secret. It is never shown again."),
    )

    class Meta:
        model = Webhook
        fields = ["name", "platform", "url", "format", "active"]

    def clean_url(self) -> str:
        url = str(self.cleaned_data["url"])
        problem = robot_url_problem(url)
        if problem is not None:
            raise forms.ValidationError(problem)
        return url


class DepartmentDeadlinesForm(forms.Form):
    """One optional deadline per department supplying indicators in the period."""

    prefix = "dept"

    def __init__(self, *args: Any, rows: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in rows:
            department = row["department"]
            self.fields[department.code] = forms.DateTimeField(
                label=department.name,
                required=False,
                initial=row["own"],
                widget=forms.DateTimeInput(
                    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
                ),
                help_text=_("Blank: the period's collection deadline."),
            )

    def deadlines(self) -> dict[str, Any]:
        return {code: self.cleaned_data.get(code) for code in self.fields}
