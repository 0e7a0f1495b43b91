from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from leitai.web.accounts.models import AnalysisAudience


class SiteSettingsForm(forms.Form):
    public_boards = forms.BooleanField(
        label=_("Public boards"),
        required=False,
        help_text=_("Visitors who are not logged in may read published results."),
    )
    analysis_audience = forms.ChoiceField(
        label=_("Who may see robustness and what-if"),
        choices=AnalysisAudience.choices,
        widget=forms.RadioSelect,
        # Absent: kept as it is (the public boards switch alone may be posted).
        required=False,
        help_text=_(
            "The robustness page (how certain each rank and flag is) and the what-if "
            "calculator of a published result. A reporter sees the what-if of their own "
            "unit only."
        ),
    )
