"""The page of a form refused before any view: its CSRF token missing or stale.

Django's own page is English in its structure and speaks of "CSRF cookies"; this one
says in the person's language that nothing was saved and what to do (reload the page,
or let the browser keep this site's cookies). The page of a request Django cannot read
at all (too many fields, a bad host) is ``templates/400.html``, drawn without the request.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: the form was not taken (403)."""
    return render(
        request, "403_csrf.html", {"no_cookie": reason == REASON_NO_CSRF_COOKIE}, status=403
    )
