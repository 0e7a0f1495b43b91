"""Reading the queue: its state for the health endpoint and the operators."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count
from django.utils import timezone

from leitai.web.tasks.models import Job


def redis_reachable() -> bool:
    """Whether the queue's Redis answers a PING."""
    try:
        import django_rq

        return bool(django_rq.get_connection(settings.LEITAI_TASKS_QUEUE).ping())
    except Exception:
        return False


def queue_status() -> dict[str, Any]:
    """The task queue at a glance, for ``/health`` and the operators.

    Returns ``backend`` (``database``, ``redis`` or ``immediate``), ``queue`` (its name),
    ``reachable`` (whether the jobs' store, and Redis if used, answer), the counts
    ``queued``, ``running``, ``failed`` and ``dead`` (running, but the worker's lease ran
    out: no live worker has them), and ``oldest_queued_seconds`` (how long the oldest
    waiting job has waited; a long wait means no worker runs).
    """
    backend = settings.LEITAI_TASKS_BACKEND
    status: dict[str, Any] = {
        "backend": backend,
        "queue": settings.LEITAI_TASKS_QUEUE,
        "reachable": False,
        "queued": 0,
        "running": 0,
        "failed": 0,
        "dead": 0,
        "oldest_queued_seconds": None,
    }
    now = timezone.now()
    try:
        counts = dict(
            Job.objects.filter(state__in=[Job.State.QUEUED, Job.State.RUNNING, Job.State.FAILED])
            .values_list("state")
            .annotate(n=Count("pk"))
        )
        dead = Job.objects.filter(state=Job.State.RUNNING, lease_until__lt=now).count()
        oldest = (
            Job.objects.filter(state=Job.State.QUEUED)
            .order_by("enqueued_at")
            .values_list("enqueued_at", flat=True)
            .first()
        )
    except DatabaseError:
        return status
    status.update(
        reachable=redis_reachable() if backend == "redis" else True,
        queued=counts.get(Job.State.QUEUED, 0),
        running=counts.get(Job.State.RUNNING, 0) - dead,
        failed=counts.get(Job.State.FAILED, 0),
        dead=dead,
        oldest_queued_seconds=round((now - oldest).total_seconds(), 1) if oldest else None,
    )
    return status
