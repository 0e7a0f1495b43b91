"""The one task that the queue carries: "run job N". The job row holds everything else."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from leitai.web.tasks.services import job_execute


@task(queue_name=settings.LEITAI_TASKS_QUEUE)
def job_run(job_id: int) -> str:
    return job_execute(job_id=job_id)
