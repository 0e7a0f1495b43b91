from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class SiteSettingsForm(forms.Form):
    public_boards = forms.BooleanField(
        label=_("Public boards"),
        required=False,
        help_text=_("Visitors who are not logged in may read published results."),
    )
