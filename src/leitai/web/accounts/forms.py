from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from leitai.web.accounts.models import APPROVER_ROLES, AnalysisAudience, SiteSettings, User
from leitai.web.accounts.services import SECURITY_FIELDS
from leitai.web.formfields import form_field


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
    """The account security rules of the site settings (bounds from the model fields).

    Each field carries ``default_text``: its default, the value 等保 2.0 assessments
    usually expect, shown beside the value in force.
    """

    class Meta:
        model = SiteSettings
        fields = SECURITY_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            model_field = SiteSettings._meta.get_field(name)
            assert isinstance(model_field, models.Field)
            default = model_field.default
            if isinstance(default, bool):
                default = (
                    pgettext_lazy("setting", "on") if default else pgettext_lazy("setting", "off")
                )
            field.default_text = _("Default, after 等保 2.0: %(value)s") % {"value": default}  # type: ignore[attr-defined]


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
    account: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("Account"), queryset=None)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # An app or a passkey (an account with passkeys only is reset here too).
        with_app = TOTPDevice.objects.values("user_id")
        with_passkey = WebAuthnCredential.objects.values("user_id")
        self.fields["account"].queryset = User.objects.filter(
            Q(pk__in=with_app) | Q(pk__in=with_passkey)
        ).order_by("username")


class AccountFilterForm(forms.Form):
    text = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Role"), required=False)
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    active = forms.ChoiceField(
        label=_("Active"),
        required=False,
        choices=[("", _("All")), ("1", _("Active")), ("0", _("Deactivated"))],
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        from leitai.web.assessments.models import Unit

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            ("", _("All")),
            *User.Role.choices,
            ("approver", _("Unit approver")),
        ]
        self.fields["unit"].choices = [("", _("All"))] + [
            (u.code, u.name) for u in Unit.objects.order_by("position", "code")
        ]


class AccountForm(forms.Form):
    """An account as the office sets it: name, contact, role, unit and the approver flag.

    The login is given once, at creation; the service checks the rest again."""

    username = forms.CharField(
        label=_("Login name"),
        max_length=150,
        validators=[User.username_validator],
        help_text=_("Letters, digits and @ . + - _ only."),
    )
    real_name = forms.CharField(label=_("Real name"), max_length=60)
    role = forms.ChoiceField(label=_("Role"), choices=User.Role.choices)
    unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Unit"), queryset=None, required=False
    )
    unit_approver = forms.BooleanField(
        label=_("Unit approver"),
        required=False,
        help_text=_(
            "Approves the figures of the account's unit or department before they go to "
            "the assessment office."
        ),
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):  # type: ignore[no-untyped-def]
        from leitai.web.assessments.models import Unit

        super().__init__(*args, **kwargs)
        form_field(self, "role", forms.ChoiceField).choices = User.Role.choices
        form_field(self, "unit", forms.ModelChoiceField).queryset = Unit.objects.order_by(
            "position", "code"
        )
        if editing:
            del self.fields["username"]  # the login stays: the audit log names it

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        reporter = data.get("role") == User.Role.REPORTER
        if reporter and not data.get("unit"):
            self.add_error("unit", _("A unit reporter needs a unit."))
        if not reporter and data.get("unit"):
            self.add_error("unit", _("Only a unit reporter belongs to a unit."))
        if data.get("unit_approver") and data.get("role") not in APPROVER_ROLES:
            self.add_error(
                "unit_approver",
                _("Only a unit reporter's or a data provider's account can be an approver."),
            )
        return data


class AccountsUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Filled-in accounts template (.xlsx)"),
        help_text=_("At most 500 accounts; every account is created, or none."),
    )
