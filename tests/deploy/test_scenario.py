"""The deployment scenario (two applications, one worker, PostgreSQL and Redis) holds."""

from __future__ import annotations

import pytest

from tests.deploy import scenario

pytestmark = pytest.mark.postgres


def test_two_applications_and_a_worker_publish_and_analyse_through_http() -> None:
    code = scenario.main([])
    if code == scenario.SKIP:
        pytest.skip("PostgreSQL or Redis is not reachable on 127.0.0.1")
    assert code == 0
