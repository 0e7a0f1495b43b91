"""The Redis worker (:func:`leitai.web.tasks.worker.redis_worker_class`) stops at once:
its listener for rq's commands does not hold a stop for the length of its read."""

from __future__ import annotations

import threading
import time
import uuid

import pytest

from leitai.web.tasks.worker import COMMANDS_READ_EVERY, redis_worker_class
from tests.deploy.harness import REDIS_URL, reachable


@pytest.fixture
def worker():  # type: ignore[no-untyped-def]
    if not reachable("127.0.0.1", 6379):
        pytest.skip("no Redis at 127.0.0.1:6379")
    import redis
    from rq import Queue

    connection = redis.Redis.from_url(REDIS_URL)
    queue = Queue(f"leitai-test-{uuid.uuid4().hex[:10]}", connection=connection)
    worker = redis_worker_class()([queue], connection=connection)
    worker.subscribe()
    yield worker
    worker.pubsub_thread.stop(timeout=5)
    worker.pubsub.close()
    worker.register_death()


def test_a_stop_after_the_unsubscribes_answer_ends_within_a_read(worker) -> None:
    """What had kept ``leitai serve`` waiting 30 s for its worker, made certain: the
    listener reads the answer to the unsubscribe and starts its next read before the
    stop comes (rq 3's order: unsubscribe, then stop, which waits for the listener)."""
    worker.pubsub.unsubscribe()
    time.sleep(0.5)  # the answer is read; the listener is in its next read
    stopped = threading.Event()
    started = time.monotonic()

    def stop() -> None:
        worker.pubsub_thread.stop()
        stopped.set()

    threading.Thread(target=stop, daemon=True).start()
    # rq's own listener read for 60 s: its stop took a minute.
    assert stopped.wait(timeout=10), "the listener held the stop"
    assert time.monotonic() - started < COMMANDS_READ_EVERY + 2
    assert not worker.pubsub_thread.is_alive()
