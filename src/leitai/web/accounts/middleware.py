"""The account rules on every request of a logged-in person (leitai.web.accounts.security).

In order: a session past the idle timeout or its lifetime ends (back to the login page);
a person who owes a second factor is sent to enter it (or to set one up), and until then
is no office (:func:`leitai.web.accounts.selectors.user_is_office` reads
``user.second_factor_missing``); a person whose password is due is sent to change it.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from leitai.web.access import return_path
from leitai.web.accounts.security import (
    login_record,
    password_change_due,
    second_factor_required,
    session_end,
    session_ended,
)
from leitai.web.accounts.selectors import site_settings_get
from leitai.web.accounts.twofactor import (
    any_device,
    has_second_factor,
    trusted_browser,
    verified_login,
)
from leitai.web.audit.models import Action

# Pages a person may reach while owing a second factor or a new password.
_OPEN_NAMES = (
    "accounts:login",
    "accounts:logout",
    "accounts:password_change",
    "accounts:password_change_done",
    "accounts:otp_verify",
    "accounts:otp_enrol",
    "accounts:passkeys",
    "accounts:passkey_register_begin",
    "accounts:passkey_register_complete",
    "accounts:passkey_verify_begin",
    "accounts:passkey_verify_complete",
    "set_language",
)
_OPEN_PREFIXES = ("/static/", "/healthz")


@functools.cache
def _open_paths() -> tuple[str, ...]:
    return tuple(reverse(name) for name in _OPEN_NAMES)


def _redirect(name: str, request: HttpRequest) -> HttpResponse:
    back = return_path(request)
    query = urlencode({"next": back}) if back else ""
    return HttpResponseRedirect(reverse(name) + (f"?{query}" if query else ""))


class AccountRulesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        answer = self.check(request, user)
        return answer if answer is not None else self.get_response(request)

    def check(self, request: HttpRequest, user) -> HttpResponse | None:  # type: ignore[no-untyped-def]
        rules = site_settings_get()
        if session_ended(request.session, rules, time.time()):
            login_record(Action.ACCOUNT_LOGGED_OUT, request, user=user, reason="timeout")
            session_end(request)
            logout(request)
            messages.info(request, _("You were logged out after a time without activity."))
            return _redirect("accounts:login", request)
        open_path = request.path in _open_paths() or request.path.startswith(_OPEN_PREFIXES)
        if second_factor_required(user, rules) and not user.is_verified():
            device_known = has_second_factor(user)
            if device_known and trusted_browser(request, user):
                verified_login(request, any_device(user))
                login_record(Action.ACCOUNT_LOGIN, request, user=user, method="trusted browser")
            else:
                user.second_factor_missing = True
                if not open_path:
                    return _redirect(
                        "accounts:otp_verify" if device_known else "accounts:otp_enrol", request
                    )
                return None
        if password_change_due(user, rules) and not open_path:
            messages.warning(request, _("Please choose a new password before you go on."))
            return _redirect("accounts:password_change", request)
        return None
