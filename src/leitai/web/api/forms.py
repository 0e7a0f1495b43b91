from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from leitai.web.accounts.models import User
from leitai.web.assessments.models import Period, period_order
from leitai.web.formfields import form_field


def _owner_label(user: Any) -> str:
    """An account to choose as a token's owner: its name, login, role and unit."""
    details = [user.get_username(), str(user.get_role_display())]
    if user.unit_id:
        details.append(user.unit.name)
    return _("%(name)s (%(more)s)") % {
        "name": user.display_name,
        "more": pgettext("clause", ", ").join(details),
    }


class TokenForm(forms.Form):
    """A new token: its name, whose it is (the office chooses), and an optional period."""

    name = forms.CharField(
        label=_("name"),
        max_length=100,
        help_text=_("Which system uses it, e.g. 统计局数据接口."),
    )
    owner = forms.ModelChoiceField(
        label=_("account"),
        queryset=User.objects.none(),
        help_text=_("The token acts as this account, with its rights and nothing more."),
    )
    period = forms.ModelChoiceField(
        label=_("period"),
        queryset=Period.objects.order_by(*period_order(newest_first=True)),
        required=False,
        empty_label=_("every period"),
        help_text=_("Only this period, if one is chosen."),
    )

    def __init__(self, *args, office: bool, user: User, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        owners = User.objects.filter(is_active=True).exclude(role="").order_by("username")
        if not office:
            owners = owners.filter(pk=user.pk)
            self.fields["owner"].initial = user.pk
        owner = form_field(self, "owner", forms.ModelChoiceField)
        owner.queryset = owners
        owner.label_from_instance = _owner_label  # type: ignore[method-assign,assignment]


class ApiSettingsForm(forms.Form):
    self_service = forms.BooleanField(
        label=_("people make their own tokens"),
        required=False,
        help_text=_("Reporters may make and revoke API tokens for their own account."),
    )
