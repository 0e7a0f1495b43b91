"""Limits counted in Django's cache, and in the process's memory while the cache is down."""

from __future__ import annotations

from typing import Any
from unittest import mock

from django.core.cache import cache
from django.test import SimpleTestCase

from leitai.web.ratelimit import counts, limited, over

DOWN = ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def cache_down() -> Any:
    """Django's cache answering every count as a Redis that is down does."""
    patches = {name: mock.Mock(side_effect=DOWN) for name in ("get", "set", "add", "incr")}
    return mock.patch.multiple(cache, **patches)


class LimitTests(SimpleTestCase):
    def setUp(self) -> None:
        cache.clear()
        counts.local.clear()

    def test_hits_past_the_limit_are_refused_within_the_window(self) -> None:
        answers = [limited("k", (3, 60)) for _ in range(5)]
        self.assertEqual(answers, [False, False, False, True, True])
        self.assertTrue(over("k", (3, 60)))
        self.assertFalse(over("other", (3, 60)))

    def test_the_window_ends(self) -> None:
        limited("k", (1, 60))
        cache.delete("k")  # as the cache does when the window's seconds have passed
        self.assertFalse(limited("k", (1, 60)))

    def test_a_cache_that_is_down_neither_fails_the_count_nor_lifts_the_limit(self) -> None:
        with cache_down(), self.assertLogs("leitai.web.ratelimit", "WARNING"):
            answers = [limited("k", (3, 60)) for _ in range(5)]
            self.assertTrue(over("k", (3, 60)))
        self.assertEqual(answers, [False, False, False, True, True])
        # Counted in this process meanwhile, not in the cache.
        self.assertIsNone(cache.get("k"))
        self.assertEqual(counts.local.get("k"), 5)
