"""Request middleware of the web application."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
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


class ServerTimingMiddleware:
    """Report the time the application spent on a request in a ``Server-Timing`` header.

    Browsers show it in their developer tools; ``benchmarks/web.py`` reads it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        start = time.perf_counter()
        response = self.get_response(request)
        elapsed = (time.perf_counter() - start) * 1000.0
        response.headers["Server-Timing"] = f"app;dur={elapsed:.2f}"
        return response
