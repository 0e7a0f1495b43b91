from __future__ import annotations

import os
from pathlib import Path

import pytest

# A fixed audit key for every test, so that no test writes a key file into the clone.
os.environ.setdefault("LEITAI_AUDIT_KEY", "leitai-tests-audit-key-not-secret")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
EXAMPLES = DATA / "spec-examples"
ASEM = DATA / "asem"


@pytest.fixture
def examples() -> Path:
    return EXAMPLES
