from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from leitai.reports.notice import NoticeText

# The body of a notice is a few pages at most.
MAX_BODY = 20_000


class NoticeForm(forms.Form):
    """The words of a notice before issue, prefilled with the draft drawn from the results."""

    number = forms.CharField(label=_("Document number"), max_length=64, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    addressee = forms.CharField(label=_("Addressee"), max_length=200, required=False)
    opening = forms.CharField(
        label=_("Opening paragraph"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label=_("Body"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("One paragraph a line; a line starting with 一、 is a heading."),
    )
    attachment = forms.CharField(label=_("Attached table's title"), max_length=200, required=False)
    office = forms.CharField(label=_("Issuing office"), max_length=100)
    date = forms.DateField(label=_("Date of issue"), widget=forms.DateInput(attrs={"type": "date"}))

    @classmethod
    def initial_of(cls, text: NoticeText) -> dict[str, object]:
        return {
            "number": text.number,
            "title": text.title,
            "addressee": text.addressee,
            "opening": text.opening,
            "body": "\n".join(text.body),
            "attachment": text.attachment,
            "office": text.office,
            "date": text.date.isoformat(),
        }

    def text(self, *, lang: str = "zh") -> NoticeText:
        data = self.cleaned_data
        body = tuple(line.strip() for line in data["body"].splitlines() if line.strip())
        date: dt.date = data["date"]
        return NoticeText(
            number=data["number"].strip(),
            title=data["title"].strip(),
            addressee=data["addressee"].strip(),
            opening=data["opening"].strip(),
            body=body,
            office=data["office"].strip(),
            date=date,
            attachment=data["attachment"].strip(),
            lang=lang,
        )
