"""Forms of the pledge capture: a text to read, and a proposal as the office edits it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from leitai.web.assessments.models import Unit
from leitai.web.formfields import form_field
from leitai.web.targets.forms import DateInput, NumberField

# An upload is read in the request, then repaired and searched by a worker (about 2 s
# for the longest): keep it to what a session produces (a speech is a few thousand
# characters).
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
TEXT_MAX_CHARS = 100_000


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("Text"),
        required=False,
        max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Paste the speech, the slides' words or the report."),
    )
    upload = forms.FileField(
        label=_("Or a file"),
        required=False,
        help_text=_("TXT, DOCX, PPTX or PDF."),
        widget=forms.ClearableFileInput(),
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The kinds the reader takes; leitai.text (its patterns take a while to compile)
        # is imported when the form is made, not at the server's start.
        from leitai.text.readers import KINDS

        self.fields["upload"].widget.attrs["accept"] = ",".join(KINDS)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        text, upload = data.get("text"), data.get("upload")
        if not (text and text.strip()) and not upload:
            raise forms.ValidationError(_("Paste a text or choose a file."))
        if upload is not None and upload.size > UPLOAD_MAX_BYTES:
            self.add_error("upload", _("The file is too large (at most 10 MB)."))
        return data


class ProposalForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    name = forms.CharField(label=_("Pledge"), max_length=200)
    value = NumberField(label=_("Target value"))
    unit_of_measure = forms.CharField(label=_("Unit of measure"), max_length=32, required=False)
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())

    def __init__(self, *args: Any, speakers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = form_field(self, "unit", forms.ModelChoiceField)
        unit.queryset = Unit.objects.filter(code__in=speakers).order_by("position")
        unit.to_field_name = "code"
