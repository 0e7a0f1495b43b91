"""Where to send a person after a form: a ``next`` of this site, never another one."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request: HttpRequest, fallback: str) -> str:
    """The ``next`` field of the POST if it points into this site, else ``fallback``.

    ``//evil.example/``, ``https://evil.example/`` and ``javascript:`` are refused by
    Django's ``url_has_allowed_host_and_scheme``, as the login view does.
    """
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
