from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
EXAMPLES = DATA / "spec-examples"
ASEM = DATA / "asem"


@pytest.fixture
def examples() -> Path:
    return EXAMPLES
