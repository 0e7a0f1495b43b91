"""Single sign-on through the city's identity platform (OpenID Connect, mozilla-django-oidc).

On when ``LEITAI_OIDC_ISSUER`` is set (settings.py lists the variables). The endpoints
come from the issuer's discovery document unless set one by one. The ID token is
checked (signature against the issuer's JWKS, issuer, audience, expiry, nonce); its
claims (and the user-info endpoint's, where there is one) decide the account through
the one mapping of both protocols (:func:`leitai.web.accounts.sso.identity_terms`):
``LEITAI_OIDC_ROLE_CLAIM`` through ``LEITAI_OIDC_ROLE_MAP`` to a role,
``LEITAI_OIDC_UNIT_CLAIM`` to a reporter's unit, ``LEITAI_OIDC_DEPARTMENT_CLAIM`` to a
data provider's department, ``LEITAI_OIDC_APPROVER_CLAIM`` to the 审核人 flag; a claim
that makes no account is refused, with its reason in the login record.

The account is found by its subject (``sub``), else created (without a password of
its own), and its role, unit and department follow the provider at every login.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from mozilla_django_oidc import views as oidc_views
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from leitai.web.accounts import sso
from leitai.web.audit.models import Action

log = logging.getLogger("leitai.oidc")

_DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}


def oidc_enabled() -> bool:
    return bool(getattr(settings, "LEITAI_OIDC_ISSUER", ""))


@functools.lru_cache(maxsize=4)
def discovery(issuer: str) -> dict[str, Any]:
    """The provider's discovery document (read once per process and issuer)."""
    response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10)
    response.raise_for_status()
    document = response.json()
    if document.get("issuer", "").rstrip("/") != issuer:
        raise ImproperlyConfigured(f"the discovery document of {issuer} names another issuer")
    return document


def oidc_setting(attr: str, *args: Any) -> Any:
    """A mozilla-django-oidc setting; endpoints not set come from discovery."""
    if attr in _DISCOVERED and not getattr(settings, attr, None) and oidc_enabled():
        value = discovery(settings.LEITAI_OIDC_ISSUER).get(_DISCOVERED[attr])
        # A provider without a user-info endpoint: the ID token's claims are all.
        if value or args or attr == "OIDC_OP_USER_ENDPOINT":
            return value or (args[0] if args else None)
    return import_from_settings(attr, *args)


class LeitaiOIDCBackend(OIDCAuthenticationBackend):
    """Accounts from the identity platform's claims; nothing while SSO is off."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.enabled = oidc_enabled()
        if self.enabled:
            super().__init__(*args, **kwargs)
        else:
            self.UserModel = get_user_model()

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return oidc_setting(attr, *args)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if not self.enabled:
            return None
        return super().authenticate(request, **kwargs)

    def _verify_jws(self, payload: Any, key: Any) -> dict[str, Any]:
        """The signature, and also the issuer, the audience and the expiry."""
        alg = jwt.get_unverified_header(payload).get("alg")
        if alg != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("unexpected signing algorithm")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[alg],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.LEITAI_OIDC_ISSUER,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> dict:
        claims = dict(payload)
        if self.get_settings("OIDC_OP_USER_ENDPOINT", None):
            info = super().get_userinfo(access_token, id_token, payload)
            if info.get("sub") not in (None, payload.get("sub")):
                raise SuspiciousOperation("user info of another subject")
            claims.update(info)
        return claims

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        try:
            if not claims.get("sub"):
                raise sso.Refused("no subject")
            sso.identity_terms(claims, sso.ClaimNames.from_settings("OIDC", "CLAIM"))
            if self.filter_users_by_claims(claims).filter(is_active=False).exists():
                raise sso.Refused("inactive")
        except sso.Refused as refused:
            name = str(claims.get(settings.LEITAI_OIDC_USERNAME_CLAIM) or claims.get("sub") or "")
            request = getattr(self, "request", None)
            sso.refusal_record(request, who=name, reason=refused.reason, method="sso")
            return False
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return self.UserModel.objects.filter(oidc_subject=str(claims["sub"]))

    def create_user(self, claims: dict[str, Any]) -> Any:
        base = str(claims.get(settings.LEITAI_OIDC_USERNAME_CLAIM) or f"sso-{claims['sub']}")
        user = self.UserModel(username=sso.free_username(base), oidc_subject=str(claims["sub"]))
        user.set_unusable_password()
        return self.update_user(user, claims)

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        """Role, unit, department and approver flag follow the claims at every login."""
        terms = sso.identity_terms(claims, sso.ClaimNames.from_settings("OIDC", "CLAIM"))
        return sso.account_apply(user, terms, name=str(claims.get("name") or ""))


class AuthenticationRequestView(oidc_views.OIDCAuthenticationRequestView):
    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return oidc_setting(attr, *args)


class AuthenticationCallbackView(oidc_views.OIDCAuthenticationCallbackView):
    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return oidc_setting(attr, *args)

    def login_success(self) -> HttpResponse:
        from leitai.web.accounts.security import login_record

        response = super().login_success()
        login_record(Action.ACCOUNT_LOGIN, self.request, user=self.user, method="sso")
        return response


def request_view(request: HttpRequest) -> HttpResponse:
    if not oidc_enabled():
        raise Http404
    return AuthenticationRequestView.as_view()(request)


def callback_view(request: HttpRequest) -> HttpResponse:
    if not oidc_enabled():
        raise Http404
    return AuthenticationCallbackView.as_view()(request)
