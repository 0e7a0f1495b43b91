"""The pages of requests refused before their view does anything.

- A form whose CSRF token is missing or stale: Django's own page is English in its
  structure and speaks of "CSRF cookies"; this one says in the person's language that
  nothing was saved and what to do (reload the page, or let the browser keep this
  site's cookies).
- An address opened that only takes a form (a button's, bookmarked or typed): Django
  answers 405 with an empty body, a blank page; :class:`MethodPageMiddleware` puts
  words on it.

The page of a request Django cannot read at all (too many fields, a bad host) is
``templates/400.html``, drawn without the request.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: the form was not taken (403)."""
    return render(
        request, "403_csrf.html", {"no_cookie": reason == REASON_NO_CSRF_COOKIE}, status=403
    )


class MethodPageMiddleware:
    """A 405 without a body, to a person's browser, becomes a page that says the address
    is a button's and leads back (the ``Allow`` header is kept)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not response.streaming
            and not response.content
            and "text/html" in request.headers.get("accept", "")
        ):
            page = render(request, "405.html", status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response
