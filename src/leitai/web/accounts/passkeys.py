"""Passkeys and security keys (WebAuthn) as a second factor beside the app, through
django-otp-webauthn (its credentials are django-otp devices, so ``user.is_verified()`` and
the account rules' gate treat them like the app).

A passkey is only ever the second step after the password (the package's passwordless
login is off). The relying party is the host the browser asked for, which Django has
already checked against ``ALLOWED_HOSTS``, unless ``LEITAI_WEBAUTHN_RP_ID`` and
``LEITAI_WEBAUTHN_ORIGINS`` name them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential

from leitai.web.accounts.models import User

NAME_MAX = 64  # django-otp's Device.name
SESSION_NAME = "leitai_passkey_name"
# The recovery codes of a first factor, shown once by the passkeys page.
SESSION_CODES = "leitai_passkey_codes"


def rp_id(request: HttpRequest) -> str:
    """The relying party ID: the configured domain, else the host of this request."""
    configured = getattr(settings, "LEITAI_WEBAUTHN_RP_ID", "")
    if configured:
        return str(configured)
    host = request.get_host()
    if host.startswith("["):  # an IPv6 literal cannot be a relying party anyway
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0]


class PasskeyHelper(WebAuthnHelper):
    """The package's ceremonies with leitai's origin and the name the person chose."""

    def get_allowed_origins(self) -> list[str]:
        configured = list(super().get_allowed_origins() or [])
        return configured or [f"{self.request.scheme}://{self.request.get_host()}"]

    def create_credential(self, user: Any, *args: Any, **kwargs: Any) -> WebAuthnCredential:
        device = super().create_credential(user, *args, **kwargs)
        device.name = self.request.session.get(SESSION_NAME) or "passkey"
        return device


def clean_name(name: str) -> str:
    """A passkey's name as stored: one line, trimmed, at most ``NAME_MAX`` characters."""
    return " ".join(str(name or "").split())[:NAME_MAX]


def passkeys_of(user: User) -> list[WebAuthnCredential]:
    """The confirmed passkeys of ``user``, oldest first."""
    return list(
        WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")
    )


def has_passkey(user: User) -> bool:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def passkey_added(*, device: WebAuthnCredential, request: HttpRequest | None) -> list[str]:
    """Record a newly registered passkey (audited); from now on the person is asked for a
    second factor at every login, as after setting up the app.

    A person who had no recovery codes (the passkey is the first factor) gets ten, as
    with the app; they are returned to be shown once.
    """
    from django_otp.plugins.otp_static.models import StaticDevice

    from leitai.web.accounts.security import login_record
    from leitai.web.accounts.twofactor import recovery_codes_renew
    from leitai.web.audit.models import Action

    user = device.user
    codes = [] if StaticDevice.objects.filter(user=user).exists() else recovery_codes_renew(user)
    if not user.second_factor_required:
        user.second_factor_required = True
        user.save(update_fields=["second_factor_required"])
    login_record(
        Action.ACCOUNT_FACTOR_ENROLLED, request, user=user, factor="passkey", name=device.name
    )
    return codes


class LastFactor(Exception):
    """The passkey is the last second factor of an account that must have one."""


@transaction.atomic
def passkey_remove(*, user: User, pk: int, request: HttpRequest | None) -> str | None:
    """Remove one of ``user``'s own passkeys (audited); its name, or None if not theirs.

    The last factor of an account that must log in with one is not removed
    (:class:`LastFactor`): the person sets up another first, or the office resets it.
    A session that this passkey verified stays verified by another factor of the person.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp import login as otp_login

    from leitai.web.accounts.security import login_record, second_factor_required
    from leitai.web.accounts.twofactor import any_device
    from leitai.web.audit.models import Action

    device = WebAuthnCredential.objects.select_for_update().filter(user=user, pk=pk).first()
    if device is None:
        return None
    name = device.name
    verified_by_it = request is not None and (
        request.session.get(DEVICE_ID_SESSION_KEY) == device.persistent_id
    )
    device.delete()
    other = any_device(user)
    if other is None and second_factor_required(user):
        raise LastFactor(name)
    if verified_by_it and other is not None:
        otp_login(request, other)
    login_record(Action.ACCOUNT_FACTOR_REMOVED, request, user=user, factor="passkey", name=name)
    return name


def passkeys_remove_all(user: User) -> list[str]:
    """Remove every passkey of ``user`` (the office's reset); the names removed."""
    devices = WebAuthnCredential.objects.filter(user=user)
    names = [d.name for d in devices.order_by("pk")]
    devices.delete()
    return names
