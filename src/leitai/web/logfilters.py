"""Filters of the server's log (settings.LOGGING).

Django logs every 4xx answer on ``django.request`` as a warning, and a refusal raised as
``PermissionDenied`` (every 403 of leitai's access checks) with the whole traceback of
that exception. A refusal is an answer, not a fault of the server: the one line
("Forbidden (Permission denied): /path") says what happened, and the traceback only buries
the 5xx errors, which keep theirs.
"""

from __future__ import annotations

import logging


class ClientErrorWithoutTraceback(logging.Filter):
    """Keep a 4xx answer's record, without its traceback; leave every other record alone."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
