"""Logging in and out, and the office's site settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from leitai.web.access import signed_in_user
from leitai.web.accounts.forms import SiteSettingsForm
from leitai.web.accounts.selectors import site_settings_get, user_is_office
from leitai.web.accounts.services import site_settings_update


@login_required
@require_http_methods(["GET", "POST"])
def site_settings(request: HttpRequest) -> HttpResponse:
    if not user_is_office(request.user):
        raise PermissionDenied
    current = site_settings_get()
    # An unticked box sends nothing: an empty POST is still a submission.
    form = SiteSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "public_boards": current.public_boards,
            "analysis_audience": current.analysis_audience,
        },
    )
    if request.method == "POST" and form.is_valid():
        site_settings_update(
            public_boards=form.cleaned_data["public_boards"],
            analysis_audience=form.cleaned_data["analysis_audience"] or None,
            user=signed_in_user(request),
        )
        messages.success(
            request,
            _("Public boards are on.")
            if form.cleaned_data["public_boards"]
            else _("Public boards are off."),
        )
        return redirect("accounts:settings")
    return render(
        request, "accounts/settings.html", {"form": form, "current": current, "section": "settings"}
    )
