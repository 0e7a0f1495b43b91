"""``/healthz``: is this process able to serve? For load balancers and monitors.

Answers ``GET`` and ``HEAD`` (see ``HeadAsGetMiddleware``) to anyone, with 200 when
the database answers and 503 otherwise, and a small JSON body that says what was
checked. The task queue is reported (not judged) when the queue app is installed.
"""

from __future__ import annotations

import importlib
import time
from typing import Any

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


def database_status() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure of the database means "not healthy"
        return {"ok": False, "vendor": connection.vendor, "error": type(exc).__name__}
    elapsed = (time.perf_counter() - started) * 1000.0
    return {"ok": True, "vendor": connection.vendor, "ms": round(elapsed, 2)}


def queue_status() -> dict[str, Any] | None:
    """The task queue's own report, or ``None`` where there is no queue app."""
    try:
        selectors = importlib.import_module("leitai.web.tasks.selectors")
    except ImportError:
        return None
    try:
        status = selectors.queue_status()
    except Exception as exc:  # a queue that cannot say how it is, is not healthy
        return {"ok": False, "error": type(exc).__name__}
    return status if isinstance(status, dict) else {"ok": bool(status)}


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, Any] = {"database": database_status()}
    queue = queue_status()
    if queue is not None:
        checks["queue"] = queue
    # Only the database decides: a load balancer must not take every web process out
    # of service because the workers are behind; the queue's state is for monitors.
    healthy = checks["database"]["ok"]
    return JsonResponse(
        {"status": "ok" if healthy else "failing", **checks}, status=200 if healthy else 503
    )
