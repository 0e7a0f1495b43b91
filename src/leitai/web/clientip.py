"""The client's address, as far as the trusted reverse proxies vouch for it.

Behind ``N`` proxies (``LEITAI_TRUSTED_PROXIES``) the peer address is the last proxy
and each proxy appends the address it received from to ``X-Forwarded-For``. Only the
last ``N`` entries are written by proxies we trust; anything to their left was sent by
the client and may be forged. So the client is the ``N``-th entry from the right of
``X-Forwarded-For`` followed by the peer address, and nothing further left is read.
With ``N = 0`` the header is ignored.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    address = address.strip()
    if address.startswith("[") and "]" in address:  # "[::1]:port"
        address = address[1 : address.index("]")]
    elif address.count(":") == 1:  # "1.2.3.4:port"
        address = address.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The address of the client of ``request`` (used for login throttling)."""
    peer = request.META.get("REMOTE_ADDR", "") or ""
    trusted = int(getattr(settings, "LEITAI_TRUSTED_PROXIES", 0))
    if trusted <= 0:
        return peer
    forwarded = [
        part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    chain = [*forwarded, peer]
    # The entry the outermost trusted proxy received the request from.
    index = max(0, len(chain) - 1 - trusted)
    return _valid(chain[index]) or peer
