"""Where to send a person after a form or a login: a page of this site, never another one."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def of_this_site(request: HttpRequest, url: str) -> bool:
    """Whether ``url`` leads into this site: ``//evil.example/``, ``https://evil.example/``
    and ``javascript:`` do not (Django's ``url_has_allowed_host_and_scheme``, as the
    login view checks its ``next``)."""
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def next_url(request: HttpRequest, fallback: str) -> str:
    """The ``next`` field of the POST if it points into this site, else ``fallback``."""
    target = request.POST.get("next", "")
    return target if of_this_site(request, target) else fallback
