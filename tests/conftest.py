from __future__ import annotations

import os
from pathlib import Path

import pytest

# A fixed audit key for every test, so that no test writes a key file into the clone.
os.environ.setdefault("LEITAI_AUDIT_KEY", "leitai-tests-audit-key-not-secret")


def _tasks_run_in_the_request() -> None:
    """In-process tests run a job inside the request that queues it (django-tasks'
    immediate backend); the tests of the queue start real servers and workers instead.

    pytest-django has configured Django before this file is read, so the setting is
    changed in place (and django-tasks told, as ``override_settings`` would).
    """
    from django.conf import settings
    from django.core.signals import setting_changed

    if os.environ.get("LEITAI_TASKS_BACKEND"):
        return
    tasks = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": [settings.LEITAI_TASKS_QUEUE],
        }
    }
    settings.LEITAI_TASKS_BACKEND = "immediate"
    settings.TASKS = tasks
    setting_changed.send(sender=type(settings), setting="TASKS", value=tasks, enter=True)


_tasks_run_in_the_request()

# The production hashers, as settings.py lists them (Argon2 first); the tests of the
# hashing itself use these (tests/web/test_accounts.py).
PRODUCTION_PASSWORD_HASHERS: list[str] = []


def _fast_password_hashing() -> None:
    """Passwords hashed with MD5 in tests: an Argon2 hash costs about 0.2 s of CPU, and every
    test process creates and checks a few dozen passwords (the demo's accounts, logins
    through the form, imported accounts). Argon2 stays listed, so its hashes still verify.
    """
    from django.conf import settings
    from django.core.signals import setting_changed

    from leitai.web import settings as production

    PRODUCTION_PASSWORD_HASHERS[:] = production.PASSWORD_HASHERS
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher", *production.PASSWORD_HASHERS]
    settings.PASSWORD_HASHERS = hashers
    setting_changed.send(
        sender=type(settings), setting="PASSWORD_HASHERS", value=hashers, enter=True
    )


_fast_password_hashing()

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
EXAMPLES = DATA / "spec-examples"
ASEM = DATA / "asem"


@pytest.fixture
def examples() -> Path:
    return EXAMPLES


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh demo's data directory, built once for the whole run (the xdist workers
    share it: they share the parent of their temporary folders); never served itself,
    only copied (:func:`tests.deploy.harness.demo_copy`): by the web tests' servers
    and the backup tests' installations."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    from tests.deploy.harness import demo_template as build

    return build(root)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The long PostgreSQL runs first (a subprocess each, on all cores), so that the other
    workers run the rest beside them instead of waiting for them at the end. Runs after
    pytest-django's own ordering (TestCase before TransactionTestCase), which it keeps."""
    items.sort(key=lambda item: item.get_closest_marker("postgres") is None)
