"""Passkeys and security keys: a person's own list (add with a name, remove), and the
package's four WebAuthn endpoints with leitai's rules around them: a name given before
the registration, the login record and the audit log after each ceremony.

The endpoints are reached by ``leitai/accounts/passkeys.js``. Registration is refused by
the package to a person who has a factor but has not used it in this session; the
second-step endpoints need a person logged in with the password (no passwordless login).
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from leitai.web.access import signed_in_user
from leitai.web.accounts.passkeys import (
    SESSION_CODES,
    SESSION_NAME,
    LastFactor,
    clean_name,
    passkey_added,
    passkey_remove,
    passkeys_of,
)
from leitai.web.accounts.security import login_record
from leitai.web.accounts.twofactor import has_second_factor, trust_browser
from leitai.web.audit.models import Action


def _unverified_with_factor(request: HttpRequest) -> bool:
    user = signed_in_user(request)
    return has_second_factor(user) and not request.user.is_verified()  # type: ignore[union-attr]  # django-otp's middleware adds is_verified


@require_GET
@login_required
def passkeys(request: HttpRequest) -> HttpResponse:
    """通行密钥: the person's own passkeys and security keys; add one with a name."""
    if _unverified_with_factor(request):
        return redirect(f"{reverse('accounts:otp_verify')}?next={request.path}")
    context = {
        "passkeys": passkeys_of(signed_in_user(request)),
        # Shown once: the recovery codes that came with a first passkey.
        "codes": request.session.pop(SESSION_CODES, None),
        "section": "security",
    }
    response = render(request, "accounts/passkeys.html", context)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@login_required
def passkey_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove one of the person's own passkeys (another's is not found); audited."""
    if _unverified_with_factor(request):
        return redirect("accounts:otp_verify")
    try:
        name = passkey_remove(user=signed_in_user(request), pk=pk, request=request)
    except LastFactor:
        messages.error(
            request,
            _(
                "This is your last second factor: set up an app or another passkey "
                "before you remove it."
            ),
        )
        return redirect("accounts:passkeys")
    if name is None:
        messages.error(request, _("That passkey was not found."))
    else:
        messages.success(request, _("The passkey “%(name)s” is removed.") % {"name": name})
    return redirect("accounts:passkeys")


def _refusal(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


class PasskeyRegisterBegin(BeginCredentialRegistrationView):
    """Start registering: the name the person typed is kept for the completion."""

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        name = clean_name(self.request.data.get("name", ""))  # type: ignore[attr-defined]  # set by the package's dispatch
        if not name:
            return _refusal(_("Give the passkey a name."))
        self.request.session[SESSION_NAME] = name
        return super().post(*args, **kwargs)


class PasskeyRegisterComplete(CompleteCredentialRegistrationView):
    """Verify the new credential (the package), then record it (leitai)."""

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(*args, **kwargs)
        self.request.session.pop(SESSION_NAME, None)
        if response.status_code == 200:
            pk = json.loads(response.content)["id"]
            device = WebAuthnCredential.objects.get(pk=pk, user=self.request.user)
            codes = passkey_added(device=device, request=self.request)
            if codes:
                self.request.session[SESSION_CODES] = codes
            messages.success(
                self.request, _("The passkey “%(name)s” is added.") % {"name": device.name}
            )
        return response

    def handle_exception(self, exc: Exception) -> HttpResponse:
        self.request.session.pop(SESSION_NAME, None)
        return super().handle_exception(exc)


class PasskeyVerifyBegin(BeginCredentialAuthenticationView):
    """Start the second step with one of the person's passkeys (after the password)."""


class PasskeyVerifyComplete(CompleteCredentialAuthenticationView):
    """Check the signature (the package); record the login or the failure (leitai)."""

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(*args, **kwargs)
        user = self.request.user
        login_record(Action.ACCOUNT_LOGIN, self.request, user=user, method="passkey")
        if self.request.GET.get("trust") == "1":
            trust_browser(response, user)  # type: ignore[arg-type]  # a logged-in person here
        return response

    def handle_exception(self, exc: Exception) -> HttpResponse:
        user = self.request.user
        if user.is_authenticated:
            login_record(
                Action.ACCOUNT_LOGIN_FAILED,
                self.request,
                user=user,  # type: ignore[arg-type]  # authenticated
                actor=None,
                reason="second factor",
            )
        return super().handle_exception(exc)
