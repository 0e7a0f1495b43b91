"""Logging in with the account rules: the login record, the second factor, the forced
password change, the office's security page and a person's own login record."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from leitai.web.access import signed_in_user
from leitai.web.accounts.forms import (
    CodeForm,
    FactorResetForm,
    SecuritySettingsForm,
    VerifyForm,
)
from leitai.web.accounts.models import LoginSession
from leitai.web.accounts.passkeys import has_passkey, passkeys_of
from leitai.web.accounts.security import login_record, second_factor_required
from leitai.web.accounts.selectors import login_record_for, site_settings_get, user_is_office
from leitai.web.accounts.services import (
    SECURITY_FIELDS,
    second_factor_reset_for,
    site_settings_update,
)
from leitai.web.accounts.twofactor import (
    code_check,
    enrolment_confirm,
    enrolment_device,
    has_second_factor,
    qr_svg,
    recovery_codes_left,
    secret_text,
    totp_device,
    trust_browser,
    verified_login,
)
from leitai.web.audit.labels import value_label
from leitai.web.audit.models import Action


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return str(reverse_lazy("boards:home"))


def _sign_on_label(name: str, default: str) -> str:
    """A single sign-on button's words: the platform's name where the installation gives
    one (``LEITAI_OIDC_LABEL``, ``LEITAI_CAS_LABEL``), else ``default``."""
    return _("Log in with %(platform)s") % {"platform": name} if name else default


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        # Where a second factor is owed, the password is only the first step: the
        # record says so (the code, or a trusted browser, is the next entry).
        method = "password, code next" if second_factor_required(user) else "password"
        login_record(Action.ACCOUNT_LOGIN, self.request, user=user, method=method)
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from leitai.web.accounts.cas import cas_enabled
        from leitai.web.accounts.oidc import oidc_enabled

        context = super().get_context_data(**kwargs)
        context["sso"] = oidc_enabled() and _sign_on_label(
            settings.LEITAI_OIDC_LABEL, _("Log in with the unified identity platform")
        )
        context["cas"] = cas_enabled() and _sign_on_label(
            settings.LEITAI_CAS_LABEL, _("Log in with unified identity authentication (CAS)")
        )
        context["sso_failed"] = self.request.GET.get("sso") == "failed"
        return context


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        form.user.must_change_password = False
        before = self.request.session.session_key
        response = super().form_valid(form)  # a new session key (update_session_auth_hash)
        LoginSession.objects.filter(session_key=before).update(
            session_key=self.request.session.session_key
        )
        login_record(Action.ACCOUNT_PASSWORD_CHANGED, self.request, user=form.user)
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from leitai.web.accounts.security import password_change_due, password_expired

        context = super().get_context_data(**kwargs)
        user = signed_in_user(self.request)
        context["forced"] = password_change_due(user)
        context["expired"] = password_expired(user)
        return context


@login_required
@require_http_methods(["GET", "POST"])
def otp_enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: QR code, secret, a first code; recovery codes once."""
    user = signed_in_user(request)
    if has_second_factor(user) and not request.user.is_verified():  # type: ignore[union-attr]  # django-otp's middleware adds is_verified to request.user
        return redirect(f"{reverse_lazy('accounts:otp_verify')}?next={_next(request)}")
    device = enrolment_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = enrolment_confirm(device=device, token=form.cleaned_data["code"])
        if codes is not None:
            device.refresh_from_db()
            verified_login(request, device)
            login_record(Action.ACCOUNT_FACTOR_ENROLLED, request, user=user)
            response = render(
                request,
                "accounts/otp_codes.html",
                {"codes": codes, "next": _next(request), "section": "security"},
            )
            response["Cache-Control"] = "no-store"
            return response
        form.add_error("code", _("The code is wrong or too old; enter the code shown now."))
    context = {
        "form": form,
        "qr": qr_svg(device.config_url),
        "secret": secret_text(device),
        "next": _next(request),
        "replacing": totp_device(user) is not None,
    }
    response = render(request, "accounts/otp_enrol.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Enter the code of the app (or a recovery code) after the password."""
    user = signed_in_user(request)
    if not has_second_factor(user):
        return redirect(f"{reverse_lazy('accounts:otp_enrol')}?next={_next(request)}")
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = code_check(user, form.cleaned_data["code"])
        if device is not None:
            verified_login(request, device)
            recovery = device.__class__.__name__ == "StaticDevice"
            login_record(
                Action.ACCOUNT_LOGIN,
                request,
                user=user,
                method="recovery code" if recovery else "one-time code",
            )
            response = redirect(_next(request))
            if form.cleaned_data["trust"]:
                trust_browser(response, user)
            if recovery:
                messages.warning(
                    request,
                    _("You used a recovery code; %(n)d are left.")
                    % {"n": recovery_codes_left(user)},
                )
            return response
        login_record(
            Action.ACCOUNT_LOGIN_FAILED, request, user=user, actor=None, reason="second factor"
        )
        form.add_error("code", _("The code is wrong or too old."))
    context = {
        "form": form,
        "next": _next(request),
        "trust_days": site_settings_get().trusted_device_days,
        "passkey": has_passkey(user),
        "app": totp_device(user) is not None,
        "codes": totp_device(user) is not None or recovery_codes_left(user) > 0,
    }
    return render(request, "accounts/otp_verify.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def security_settings(request: HttpRequest) -> HttpResponse:
    """The office's account security rules, and the reset of a lost second factor."""
    if not user_is_office(request.user):
        raise PermissionDenied
    current = site_settings_get()
    rules = SecuritySettingsForm(
        request.POST if request.POST.get("form") == "rules" else None, instance=current
    )
    reset = FactorResetForm(request.POST if request.POST.get("form") == "reset" else None)
    if request.method == "POST" and rules.is_bound and rules.is_valid():
        site_settings_update(
            user=signed_in_user(request), **{k: rules.cleaned_data[k] for k in SECURITY_FIELDS}
        )
        messages.success(request, _("The security settings are saved."))
        return redirect("accounts:security")
    if request.method == "POST" and reset.is_bound and reset.is_valid():
        account = reset.cleaned_data["account"]
        second_factor_reset_for(account=account, user=signed_in_user(request), request=request)
        messages.success(
            request,
            _("The second factor of %(name)s is removed; a new one is set up at the next login.")
            % {"name": account.get_username()},
        )
        return redirect("accounts:security")
    context = {
        "rules": rules,
        "reset": reset,
        "current": current,
        "second_factor_off": not current.office_second_factor,
        "section": "settings",
    }
    return render(request, "accounts/security.html", context)


@login_required
def my_logins(request: HttpRequest) -> HttpResponse:
    """我的登录记录: a person's own recent logins, failures and account changes."""
    user = signed_in_user(request)
    entries = login_record_for(user)
    for entry in entries:
        # The audit log's words for how the person logged in (audit.labels).
        entry.method_label = value_label((entry.after or {}).get("method", ""))
    context = {
        "entries": entries,
        "second_factor": has_second_factor(user),
        "second_factor_required": second_factor_required(user),
        "recovery_left": recovery_codes_left(user),
        "passkeys": len(passkeys_of(user)),
    }
    return render(request, "accounts/my_logins.html", context)
