"""Long work outside the web processes: durable jobs run by ``leitai worker``.

A :class:`~leitai.web.tasks.models.Job` row is the job's truth (who holds it, until when,
how far it got); Django's Tasks framework (the ``django-tasks`` backport, with its
database or RQ backend) only carries "job N is waiting" to a worker. See docs/tasks.md.
"""
