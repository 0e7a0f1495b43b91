"""Request middleware of the web application."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    """Speak the language chosen with the switch, else Simplified Chinese.

    Django's ``LocaleMiddleware`` would follow the browser's Accept-Language, so an
    English-language browser would never see the Chinese the office works in. Here only
    the language cookie set by ``set_language`` counts.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if code not in self.supported:
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


_SERVER_TIMING = "_leitai_server_timing"


def server_timing_note(request: HttpRequest, metric: str) -> None:
    """Add ``metric`` (``name;desc="..."``) to the answer's ``Server-Timing`` header."""
    notes = getattr(request, _SERVER_TIMING, None)
    if notes is None:
        notes = []
        setattr(request, _SERVER_TIMING, notes)
    notes.append(metric)


class ServerTimingMiddleware:
    """Report the time the application spent on a request in a ``Server-Timing`` header,
    with what the request noted (:func:`server_timing_note`: a page from the store).

    Browsers show it in their developer tools; ``benchmarks/web.py`` reads it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        elapsed = (time.perf_counter() - start) * 1000.0
        notes = getattr(request, _SERVER_TIMING, [])
        response.headers["Server-Timing"] = ", ".join([f"app;dur={elapsed:.2f}", *notes])
        return response


class HeadAsGetMiddleware:
    """Answer ``HEAD`` exactly as ``GET``, without the body (RFC 9110, section 9.3.2).

    The views declare the methods they accept with ``require_GET`` and
    ``require_http_methods(["GET", "POST"])``, which turn ``HEAD`` away with 405 —
    health checks and link checkers included. Rather than remember ``require_safe``
    in every view, the request is handed on as a ``GET`` here and the body dropped on
    the way out; the headers, Content-Length included, stay those of the ``GET``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        request.META["REQUEST_METHOD"] = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = "HEAD"
            request.META["REQUEST_METHOD"] = "HEAD"
        if isinstance(response, StreamingHttpResponse):
            response.close()
            response.streaming_content = []
        elif isinstance(response, HttpResponse):
            response.headers.setdefault("Content-Length", str(len(response.content)))
            response.content = b""
        return response


class ContentSecurityPolicyMiddleware:
    """Send ``settings.LEITAI_CONTENT_SECURITY_POLICY`` with every answer.

    A view that needs another policy sets the header itself; it is then left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = "; ".join(
            " ".join([directive, *sources])
            for directive, sources in settings.LEITAI_CONTENT_SECURITY_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
