"""The audit key: the secret that seals the audit chain and the published snapshots.

It is kept outside the database, so that someone who can write to the database but
not read the key cannot rewrite the log or a published result and make the seals
fit again. It comes from the environment (``LEITAI_AUDIT_KEY``), else from the file
``audit_key`` in the data directory, created once (mode 0600) like the secret key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from django.conf import settings

AUDIT_KEY_ENV = "LEITAI_AUDIT_KEY"
AUDIT_KEY_FILE = "audit_key"

_cache: dict[Path, bytes] = {}


def audit_key_path() -> Path:
    return Path(settings.DATA_DIR) / AUDIT_KEY_FILE


def _read_or_create(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: read theirs
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(secrets.token_urlsafe(48) + "\n")
    return path.read_text(encoding="utf-8").strip().encode("utf-8")


def audit_key() -> bytes:
    """The key, from the environment or the data directory's key file (made once)."""
    value = os.environ.get(AUDIT_KEY_ENV, "").strip()
    if value:
        return value.encode("utf-8")
    path = audit_key_path()
    key = _cache.get(path)
    if key is None:
        key = _read_or_create(path)
        if not key:
            raise RuntimeError(f"{path} is empty")
        _cache[path] = key
    return key


def seal(text: str) -> str:
    """HMAC-SHA256 of ``text`` (UTF-8) under the audit key, as hex."""
    return hmac.new(audit_key(), text.encode("utf-8"), hashlib.sha256).hexdigest()


def seals_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))
