"""Single sign-on through the city's CAS server (统一身份认证 over CAS 2 or 3, django-cas-ng).

On when ``LEITAI_CAS_SERVER_URL`` is set (settings.py lists the variables). The login
button sends the browser to the server's ``/login``; the server sends it back with a
ticket, which leitai validates at the server (``/p3/serviceValidate`` for CAS 3,
``/serviceValidate`` for CAS 2). The attributes of the answer decide the account by the
same mapping as OpenID Connect claims (:func:`leitai.web.accounts.sso.identity_terms`):
a role, a reporter's unit, a data provider's department, the 审核人 flag; attributes that
make no account are refused, with the reason in the login record (method ``cas``), and
the person is sent back to the login page.

The CAS user name is the account's subject (kept as ``cas:<name>`` beside OpenID
Connect subjects) and, where free, its login name; the account has no password of its
own and follows the attributes at every login. A single logout request of the server
ends the session it names (django-cas-ng keeps the tickets of logged-in sessions).
"""

from __future__ import annotations

import logging
from typing import Any
from xml.etree.ElementTree import ParseError

import requests
from cas import SingleLogoutMixin
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.utils.http import url_has_allowed_host_and_scheme
from django_cas_ng import views as cas_views
from django_cas_ng.signals import cas_user_logout
from django_cas_ng.utils import get_cas_client

from leitai.web.accounts.sso import (
    ClaimNames,
    Refused,
    account_apply,
    free_username,
    identity_terms,
    refusal_record,
    single_value,
)
from leitai.web.audit.models import Action

log = logging.getLogger("leitai.cas")

SUBJECT_PREFIX = "cas:"
# Set on the request by the backend when the server vouched for the person but leitai
# refuses them (no role, unit or department; a deactivated account): the login page
# says so, where a ticket the server does not vouch for is only "not allowed".
_REFUSED = "leitai_sso_refused"


def cas_enabled() -> bool:
    return bool(getattr(settings, "CAS_SERVER_URL", None))


class TimeoutSession(requests.Session):
    """python-cas asks the server without a time limit: this session has one."""

    def request(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs.setdefault("timeout", settings.LEITAI_CAS_TIMEOUT)
        return super().request(*args, **kwargs)


def _verified(request: HttpRequest | None, ticket: str, service: str) -> tuple[str, dict]:
    """The CAS user name and attributes the server vouches for ("" when it does not)."""
    client = get_cas_client(service_url=service, request=request)
    try:
        username, attributes, _pgtiou = client.verify_ticket(ticket)
    except (requests.RequestException, ParseError, IndexError, AttributeError) as exc:
        log.warning("CAS ticket not validated: %s", exc)
        return "", {}
    return str(username or ""), dict(attributes or {})


class LeitaiCASBackend(ModelBackend):
    """Accounts from the CAS server's answer; nothing while CAS is off."""

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, ticket: str | None = None, service: str | None = None
    ) -> Any:
        from leitai.web.accounts.models import User

        if not (cas_enabled() and ticket and service):
            return None
        username, attributes = _verified(request, ticket, service)
        if not username:
            refusal_record(request, who="", reason="ticket not valid", method="cas")
            return None
        try:
            terms = identity_terms(attributes, ClaimNames.from_settings("CAS", "ATTRIBUTE"))
            user = User.objects.filter(oidc_subject=SUBJECT_PREFIX + username).first()
            if user is not None and not user.is_active:
                raise Refused("inactive")
        except Refused as refused:
            refusal_record(request, who=username, reason=refused.reason, method="cas")
            if request is not None:
                setattr(request, _REFUSED, True)
            return None
        if user is None:
            user = User(username=free_username(username), oidc_subject=SUBJECT_PREFIX + username)
            user.set_unusable_password()
        name = single_value(attributes.get(settings.LEITAI_CAS_NAME_ATTRIBUTE)) or ""
        return account_apply(user, terms, name=name)


class LoginView(cas_views.LoginView):
    """To the CAS server and back: the login record, and refusals to the login page."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not cas_enabled():
            raise Http404
        target = request.GET.get("next")
        if target and not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            raise PermissionDenied
        before = request.user.is_authenticated
        try:
            response = super().get(request)
        except PermissionDenied:
            if getattr(request, _REFUSED, False):
                return HttpResponseRedirect(settings.LOGIN_REDIRECT_URL_FAILURE)
            raise
        if not before and request.user.is_authenticated:
            from leitai.web.accounts.security import login_record

            login_record(Action.ACCOUNT_LOGIN, request, user=request.user, method="cas")
        return response

    def post(self, request: HttpRequest) -> HttpResponse:
        """The server's single logout request (no session of its own, hence no CSRF)."""
        if not cas_enabled():
            raise Http404
        text = request.POST.get("logoutRequest")
        if not text or SingleLogoutMixin.get_saml_slos(text) is None:
            return HttpResponseBadRequest()
        # The logout request is the same in CAS 2 and 3 (SAML's SessionIndex).
        cas_views.clean_sessions(SingleLogoutMixin, request)
        return HttpResponse(status=204)


@receiver(cas_user_logout, dispatch_uid="leitai-cas-single-logout")
def _single_logout(sender: Any, user: Any, session: Any, **kwargs: Any) -> None:
    """A session ended by the server: out of the session count, into the login record."""
    from leitai.web.accounts.models import LoginSession
    from leitai.web.accounts.security import login_record

    if sender != "slo":
        return
    LoginSession.objects.filter(session_key=session.session_key).delete()
    if getattr(user, "is_authenticated", False):
        login_record(
            Action.ACCOUNT_LOGGED_OUT, None, user=user, reason="single logout", method="cas"
        )
