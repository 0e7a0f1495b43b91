"""The pages of requests refused before their view does anything.

- A form whose CSRF token is missing or stale: Django's own page is English in its
  structure and speaks of "CSRF cookies"; this one says in the person's language that
  nothing was saved and what to do (reload the page, or let the browser keep this
  site's cookies).
- An address opened that only takes a form (a button's, bookmarked or typed): Django
  answers 405 with an empty body, a blank page, and the API in English;
  :class:`MethodPageMiddleware` puts words on both.

The page of a request Django cannot read at all (too many fields, a bad host) is
``templates/400.html``, drawn without the request.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.utils.translation import gettext as _


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: the form was not taken (403)."""
    return render(
        request, "403_csrf.html", {"no_cookie": reason == REASON_NO_CSRF_COOKIE}, status=403
    )


class MethodPageMiddleware:
    """A 405 in words (the ``Allow`` header kept): Django's, without a body, becomes a
    page that says the address is a button's, for a person's browser; django-ninja's
    English "Method not allowed" becomes the API's JSON answer in the reader's language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.streaming:
            return response
        allowed = response.get("Allow", "")
        answer: HttpResponse | None = None
        match = getattr(request, "resolver_match", None)
        if match is not None and match.app_name == "ninja":  # the API: its answers are JSON
            detail = _("This address does not take %(method)s; it takes %(allowed)s.") % {
                "method": request.method,
                "allowed": allowed,
            }
            answer = JsonResponse({"detail": detail, "problems": []}, status=405)
        elif not response.content and "text/html" in request.headers.get("accept", ""):
            answer = render(request, "405.html", status=405)
        if answer is None:
            return response
        answer["Allow"] = allowed
        return answer
