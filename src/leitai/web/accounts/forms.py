from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from leitai.web.accounts.models import AnalysisAudience, SiteSettings, User


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


class SecuritySettingsForm(forms.ModelForm):
    """The account security rules of the site settings (bounds from the model fields)."""

    class Meta:
        model = SiteSettings
        fields = (
            "office_second_factor",
            "trusted_device_days",
            "password_min_length",
            "password_min_classes",
            "password_history",
            "password_max_age_days",
            "idle_timeout_minutes",
            "session_lifetime_hours",
            "max_sessions",
        )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class VerifyForm(CodeForm):
    trust = forms.BooleanField(label=_("Trust this browser"), required=False)


class FactorResetForm(forms.Form):
    account = forms.ModelChoiceField(label=_("Account"), queryset=None)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        with_factor = TOTPDevice.objects.values("user_id")
        self.fields["account"].queryset = User.objects.filter(pk__in=with_factor).order_by(
            "username"
        )
