"""Second factors through django-otp: a TOTP app (enrolled with a QR code drawn here, no
outside service), passkeys and security keys (leitai.web.accounts.passkeys) and ten
one-time recovery codes; a browser the person trusts skips the second step for the days
the office allows."""

from __future__ import annotations

import io

from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from leitai.web.accounts.models import User
from leitai.web.accounts.passkeys import has_passkey, passkeys_remove_all
from leitai.web.accounts.selectors import site_settings_get

RECOVERY_CODES = 10
TRUSTED_COOKIE = "leitai_trusted"
_TRUSTED_SALT = "leitai.accounts.trusted-browser"


def totp_device(user: User) -> TOTPDevice | None:
    """The confirmed authenticator app of ``user``, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_second_factor(user: User) -> bool:
    """Whether ``user`` has an app or a passkey (recovery codes alone are no factor)."""
    return totp_device(user) is not None or has_passkey(user)


def any_device(user: User) -> Device | None:
    """A confirmed factor of ``user`` (the app first, else a passkey) to mark a session
    verified that a trusted browser opened."""
    from leitai.web.accounts.passkeys import passkeys_of

    return totp_device(user) or next(iter(passkeys_of(user)), None)


def enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed device an enrolment shows (the same one until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="app", confirmed=False)


def qr_svg(uri: str) -> str:
    """An inline SVG QR code of ``uri`` (drawn here: nothing leaves the network)."""
    import segno

    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=5, xmldecl=False, svgns=True)
    return out.getvalue().decode("utf-8")


def secret_text(device: TOTPDevice) -> str:
    """The device's key in base32, grouped by four, to type into an app by hand."""
    import base64

    key = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def enrolment_confirm(*, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm ``device`` with a first code; return new recovery codes, or None if wrong.

    Other devices of the person (an earlier app, earlier codes) are removed.
    """
    if not device.verify_token(token.strip().replace(" ", "")):
        return None
    user = device.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    # Whoever sets a factor up is asked for it from now on (the office's reset only
    # removes the app: a new one is set up at the next login).
    if not user.second_factor_required:
        user.second_factor_required = True
        user.save(update_fields=["second_factor_required"])
    return recovery_codes_renew(user)


def recovery_codes_renew(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def code_check(user: User, token: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts ``token`` (an app's code or a recovery code, used once)."""
    token = token.strip().replace(" ", "").lower()
    if not token:
        return None
    with transaction.atomic():
        for model in (TOTPDevice, StaticDevice):
            for device in model.objects.select_for_update().filter(user=user, confirmed=True):
                if device.verify_is_allowed()[0] and device.verify_token(token):
                    return device
    return None


@transaction.atomic
def second_factor_reset(user: User) -> list[str]:
    """Remove every device of ``user`` (app, recovery codes, passkeys) and revoke the
    browsers they trusted; the names of the passkeys removed."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    passkeys = passkeys_remove_all(user)
    User.objects.filter(pk=user.pk).update(trusted_epoch=user.trusted_epoch + 1)
    user.trusted_epoch += 1
    return passkeys


def verified_login(request: HttpRequest, device: Device) -> None:
    otp_login(request, device)


def trust_browser(response: HttpResponse, user: User) -> None:
    days = site_settings_get().trusted_device_days
    if not days:
        return
    value = signing.dumps({"u": user.pk, "e": user.trusted_epoch}, salt=_TRUSTED_SALT)
    response.set_cookie(
        TRUSTED_COOKIE,
        value,
        max_age=days * 86400,
        httponly=True,
        samesite="Lax",
        secure=request_secure_cookies(),
    )


def request_secure_cookies() -> bool:
    from django.conf import settings

    return bool(settings.SESSION_COOKIE_SECURE)


def trusted_browser(request: HttpRequest, user: User) -> bool:
    """Whether this browser was trusted by ``user`` within the office's period."""
    days = site_settings_get().trusted_device_days
    value = request.COOKIES.get(TRUSTED_COOKIE)
    if not days or not value:
        return False
    try:
        data = signing.loads(value, salt=_TRUSTED_SALT, max_age=days * 86400)
    except signing.BadSignature:
        return False
    return data.get("u") == user.pk and data.get("e") == user.trusted_epoch
