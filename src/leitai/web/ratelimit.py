"""Limits on how often something may be done (judges' wrong codes and sheets, an API
token's requests), counted in Django's cache.

The cache is each process's memory, or Redis for every process with ``REDIS_URL``. A
Redis that is down must not fail the request it counts (a judge's sheet during the
arena, a department's upload through the API), nor lift the limit: while the shared
cache cannot be reached, :data:`counts` keeps the counts in this process's own memory
(logged), so each limit still holds, per process, until Redis is back.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache

log = logging.getLogger(__name__)


class _Counts(BaseCache):
    """Django's cache for counting: ``get``, ``set``, ``add`` and ``incr`` as the cache's
    own, answered from this process's memory while the cache cannot be reached."""

    def __init__(self) -> None:
        super().__init__({})
        self.local = LocMemCache("leitai-ratelimit", {"OPTIONS": {"MAX_ENTRIES": 10_000}})

    def _call(self, name: str, *args: Any) -> Any:
        try:
            return getattr(cache, name)(*args)
        except ValueError:  # ``incr`` of a key that is not there: the cache's own answer
            raise
        except Exception:  # the shared cache is down: count here meanwhile
            log.warning("the cache could not count (%s): counted in this process", name)
            return getattr(self.local, name)(*args)

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._call("get", key, default)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> None:
        self._call("set", key, value, timeout)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None
    ) -> bool:
        return bool(self._call("add", key, value, timeout))

    def incr(self, key: Any, delta: int = 1, version: Any = None) -> int:
        return int(self._call("incr", key, delta))


counts = _Counts()


def limited(key: str, limit: tuple[int, int]) -> bool:
    """Count one hit on ``key``; True once the hits within the window pass the limit
    (``limit`` is the hits allowed and the window in seconds, from the first hit)."""
    allowed, window = limit
    counts.add(key, 0, window)
    try:
        hits = counts.incr(key)
    except ValueError:  # the window ended between add and incr
        counts.set(key, 1, window)
        hits = 1
    return hits > allowed


def over(key: str, limit: tuple[int, int]) -> bool:
    """Whether ``key`` has had its hits allowed within the window already (not counted)."""
    return int(counts.get(key) or 0) >= limit[0]
