"""A result that fails its integrity check becomes a clear page, never a 500; each
request is one scope of reads (a scheme's text read once however many results use it).

The office reads what is wrong (409); everyone else reads that the result is
unavailable while it is being verified (503). The altered numbers are never shown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from leitai.web.accounts.selectors import user_is_office
from leitai.web.assessments.integrity import NotReproducible, SnapshotAltered, request_reads

log = logging.getLogger("leitai.integrity")


def integrity_response(request: HttpRequest, exc: Exception) -> HttpResponse:
    snapshot = exc.snapshot  # type: ignore[attr-defined]
    office = user_is_office(request.user)
    log.error("integrity check failed: %s", exc)
    context = {
        "office": office,
        "snapshot": snapshot,
        "period": snapshot.period,
        "altered": isinstance(exc, SnapshotAltered),
        "reason": getattr(exc, "reason", ""),
        "differences": getattr(exc, "differences", []),
    }
    response = render(request, "audit/integrity.html", context, status=409 if office else 503)
    if not office:
        response["Retry-After"] = "3600"
    response["Cache-Control"] = "no-store"
    return response


class IntegrityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_reads():
            return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, SnapshotAltered | NotReproducible):
            return integrity_response(request, exception)
        return None
