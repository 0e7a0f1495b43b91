"""The database's own guard over the records that must never change.

Triggers on SQLite and PostgreSQL refuse to change or delete audit entries and
published snapshots (see the migrations). They ask ``leitai_guarded()`` first, which
is true except inside :func:`guard_lifted`, used only by ``flush`` (emptying the
whole database on purpose, as the test runner does between some tests) and by the
migrations that re-seal stored rows. On SQLite the function exists only on the
application's connections, so any other program is refused outright; on PostgreSQL
it reads the session setting ``leitai.guard``.

The triggers stop mistakes and casual edits; someone who can drop a trigger can get
past them, and that is what the keyed seals are for (``leitai verify``).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from django.db import connections

_state = threading.local()

SQLITE_FUNCTION = "leitai_guarded"
POSTGRESQL_FUNCTION = """CREATE OR REPLACE FUNCTION leitai_guarded() RETURNS boolean AS $$
    SELECT coalesce(current_setting('leitai.guard', true), '') <> 'off' $$
    LANGUAGE sql STABLE;"""


def _guarded() -> int:
    return 0 if getattr(_state, "lifted", 0) else 1


def connection_prepare(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Give every new SQLite connection of the application the guard's function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 0, _guarded)


@contextlib.contextmanager
def guard_lifted(using: str = "default") -> Iterator[None]:
    """Let the triggers through on this thread's connection for the block."""
    connection = connections[using]
    _state.lifted = getattr(_state, "lifted", 0) + 1
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET leitai.guard = 'off'")
        yield
    finally:
        _state.lifted -= 1
        if connection.vendor == "postgresql" and not _state.lifted:
            with contextlib.suppress(Exception), connection.cursor() as cursor:
                cursor.execute("RESET leitai.guard")
