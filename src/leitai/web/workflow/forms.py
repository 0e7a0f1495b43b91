from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from leitai.web.assessments.models import Period, SchemeVersion, period_order
from leitai.web.formfields import form_field


class SchemeNewForm(forms.Form):
    file = forms.FileField(
        label=_("Scheme file (YAML)"),
        required=False,
        help_text=_("A .yaml file; or paste the text below."),
    )
    text = forms.CharField(
        label=_("Scheme text (YAML)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false", "class": "code"}),
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=500,
        help_text=_("What this version is, or what changed."),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        upload = data.get("file")
        if upload:
            if upload.size > 1024 * 1024:
                raise forms.ValidationError(_("The scheme file is larger than 1 MB."))
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("The scheme file must be UTF-8 text.")) from None
        if not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Choose a scheme file or paste its text."))
        return data


class SchemeEditForm(forms.Form):
    text = forms.CharField(
        label=_("Scheme text (YAML)"),
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "class": "code"}),
        strip=False,
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=500,
        help_text=_("What changed, and why. Saved as a new version; the old one stays."),
    )


class PeriodOpenForm(forms.Form):
    code = forms.RegexField(
        label=_("Period"),
        regex=r"^[A-Za-z0-9_-]+$",
        max_length=32,
        help_text=_("For example 2024Q1, 2024H1 or 2024."),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        help_text=_("Optional; by default the period's code is shown as 2024年第一季度."),
    )
    ends_on = forms.DateField(
        label=_("Last day assessed"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Periods are listed in time by it. Leave it empty where the code says it "
            "(2024Q1 ends on 2024-03-31, 2024H1 on 2024-06-30, 2024 on 2024-12-31)."
        ),
    )
    scheme_version = forms.ModelChoiceField(
        label=_("Scheme version"), queryset=SchemeVersion.objects.none()
    )
    previous = forms.ModelChoiceField(
        label=_("Previous period"),
        queryset=Period.objects.none(),
        required=False,
        help_text=_(
            "Rank changes (and the climbing flag) are counted against it; it must be "
            "published. By default the latest published period of the same scheme."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        versions = SchemeVersion.objects.select_related("scheme")
        form_field(self, "scheme_version", forms.ModelChoiceField).queryset = versions.order_by(
            "scheme__code", "-number"
        )
        form_field(self, "previous", forms.ModelChoiceField).queryset = Period.objects.order_by(
            *period_order(newest_first=True)
        )

    def clean_previous(self) -> Period | None:
        previous = self.cleaned_data.get("previous")
        if previous is not None and not previous.is_published:
            raise forms.ValidationError(
                _(
                    "%(period)s is not published: choose a published period, whose ranks "
                    "the rank changes can count against."
                )
                % {"period": previous.code}
            )
        return previous

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if Period.objects.filter(code=code).exists():
            raise forms.ValidationError(_("This period exists already."))
        return code


class PeriodEndForm(forms.Form):
    ends_on = forms.DateField(
        label=_("Last day assessed"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class PeriodStepForm(forms.Form):
    step = forms.ChoiceField(
        choices=[("review", "review"), ("collecting", "collecting")], widget=forms.HiddenInput
    )
    acknowledge = forms.BooleanField(required=False)
    reason = forms.CharField(required=False, max_length=500)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Filled-in template (.xlsx) or table (.csv)"))
    unit = forms.CharField(required=False, widget=forms.HiddenInput)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SendBackForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for sending back"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ApprovalForm(forms.Form):
    """The units and the departments whose submissions go through their 审核人 in a period."""

    units = forms.MultipleChoiceField(
        label=_("Units that approve inside before submitting"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    departments = forms.MultipleChoiceField(
        label=_("Departments that approve inside before submitting"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        units: list[tuple[str, str]],
        departments: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "units", forms.MultipleChoiceField).choices = units
        form_field(self, "departments", forms.MultipleChoiceField).choices = departments


class ObjectionForm(forms.Form):
    key = forms.ChoiceField(label=_("Indicator concerned"), required=False)
    text = forms.CharField(
        label=_("What is wrong"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Say which figure or score you think is wrong, and why."),
    )
    attachment = forms.FileField(
        label=_("Attachment"),
        required=False,
        help_text=_("Evidence: a PDF, scan, photo, spreadsheet or document (at most 20 MB)."),
    )

    def __init__(self, *args: Any, keys: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "key", forms.ChoiceField).choices = [
            ("", _("— the result as a whole —")),
            *keys,
        ]


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Answer"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The unit reads this. A rejection must give the reason."),
    )
    value = forms.CharField(
        label=_("Corrected value"),
        required=False,
        max_length=100,
        help_text=_("When accepting: the corrected figure, saved and recomputed at once."),
    )
    target = forms.CharField(label=_("Corrected target"), required=False, max_length=100)


class PublishForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the revision"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    acknowledge = forms.BooleanField(required=False)
    previous_note = forms.CharField(
        label=_("Why the result is published without a previous result"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when rank changes or flags cannot be computed; the notice shows it."),
    )
