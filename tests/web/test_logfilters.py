"""The server's log: a refusal in one line, a server error with its traceback."""

from __future__ import annotations

import logging
import sys

from leitai.web.logfilters import ClientErrorWithoutTraceback
from tests.web.base import BaseTestCase


def _record(status: int) -> logging.LogRecord:
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "x", (), info)
    record.status_code = status
    return record


def test_a_server_error_keeps_its_traceback_and_a_refusal_loses_it() -> None:
    keep = ClientErrorWithoutTraceback()
    error, refusal = _record(500), _record(403)
    assert keep.filter(error) and keep.filter(refusal)
    assert error.exc_info is not None
    assert refusal.exc_info is None
    assert "Traceback" in logging.Formatter().format(error)
    assert logging.Formatter().format(refusal) == "x"


class RefusalLogTests(BaseTestCase):
    def test_a_403_is_one_line_in_the_log(self) -> None:
        self.login(self.viewer)
        with self.assertLogs("django.request", level="WARNING") as logs:
            response = self.client.get("/audit/")
        self.assertEqual(response.status_code, 403)
        [record] = logs.records
        self.assertEqual(record.getMessage(), "Forbidden (Permission denied): /audit/")
        self.assertIsNone(record.exc_info)
        self.assertNotIn("Traceback", logs.output[0])
