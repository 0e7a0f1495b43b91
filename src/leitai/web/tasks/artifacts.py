"""Files built on the queue and served once built: request, build, read.

A view asks with :func:`artifact_request` (a POST: building is work), shows
:func:`artifact_page` while the job runs, and serves the file when
:func:`artifact_ready` finds it. The job's handler writes the bytes with
:func:`artifact_store` inside its ``ctx.finishing()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from leitai.web.tasks.models import Artifact, Job
from leitai.web.tasks.services import JobContext, job_enqueue, job_requeue, job_submit


def artifact_ready(*, key: str) -> Artifact | None:
    """The built file under ``key`` (with its content), or None while there is none."""
    return Artifact.objects.filter(key=key, built_at__isnull=False).first()


def artifact_state(*, key: str) -> Artifact | None:
    """The artifact under ``key`` without its content, built or not."""
    return Artifact.objects.defer("content").select_related("job").filter(key=key).first()


def artifact_request(
    *,
    key: str,
    filename: str,
    content_type: str,
    handler: Callable[[JobContext], None],
    args: dict[str, Any],
) -> Artifact:
    """Queue the build of ``key`` unless it is built or being built; restart a failed one.

    Idempotent: of any number of racing requests one creates (or restarts) the job.
    """
    with transaction.atomic():
        artifact, created = Artifact.objects.get_or_create(
            key=key, defaults={"filename": filename, "content_type": content_type}
        )
        if created:
            job = job_submit(handler=handler, args=dict(args, artifact=artifact.pk))
            Artifact.objects.filter(pk=artifact.pk).update(job=job)
            return artifact_state(key=key) or artifact
    current = artifact_state(key=key)
    if current is None or current.is_ready or current.job is None:
        return current or artifact
    if current.is_failed or current.is_dead:
        with transaction.atomic():
            if job_requeue(job=current.job):
                job_enqueue(job=current.job)
    return artifact_state(key=key) or current


def artifact_store(*, ctx: JobContext, content: bytes) -> None:
    """Write the built bytes (call inside ``ctx.finishing()``)."""
    Artifact.objects.filter(pk=int(ctx.args["artifact"])).update(
        content=content, built_at=timezone.now()
    )


def artifact_response(artifact: Artifact) -> HttpResponse:
    response = HttpResponse(bytes(artifact.content or b""), content_type=artifact.content_type)
    response["Content-Disposition"] = f'attachment; filename="{artifact.filename}"'
    return response


def artifact_view(
    request: HttpRequest, *, key: str, title: str, back: str, build: Callable[[], Artifact]
) -> HttpResponse:
    """Serve the file under ``key``; before it is built, a page that builds it on a POST.

    GET never builds (building is work): it serves the file, or the page with the
    button, or the build's progress (the page reloads itself, without JavaScript, and
    starts the download once when the file is ready). POST (CSRF) calls ``build``.
    """
    if request.method == "POST":
        build()
        return redirect(f"{request.path}?wait=1")
    waiting = request.GET.get("wait") == "1"
    if not waiting:
        artifact = artifact_ready(key=key)
        if artifact is not None:
            return artifact_response(artifact)
    artifact = artifact_state(key=key)
    job = artifact.job if artifact is not None else None
    return render(
        request,
        "tasks/artifact.html",
        {
            "artifact": artifact,
            "job": job,
            "ready": artifact is not None and artifact.is_ready,
            "building": artifact is not None
            and not artifact.is_ready
            and job is not None
            and job.is_active,
            "queued": job is not None and job.state == Job.State.QUEUED,
            "failed": artifact is not None and (artifact.is_failed or artifact.is_dead),
            "title": title,
            "back": back,
            "download": request.path,
        },
    )
