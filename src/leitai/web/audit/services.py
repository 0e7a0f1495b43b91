"""Writing the audit log. Every service that changes data, a scheme, a period's state,
a submission, an objection or a publication calls :func:`audit_record` in the same
transaction as the change, so that the change and its record stand or fall together."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from leitai.web.audit.models import Action, AuditEntry
from leitai.web.audit.selectors import audit_last_digest, entry_digest

# Any fixed number: the advisory lock that keeps the chain in one line on PostgreSQL.
_CHAIN_LOCK = 0x6C656974


def _plain(value: Any) -> Any:
    """``value`` as it will read back from the JSON column (dates become text)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _code(value: Any) -> str:
    if value is None:
        return ""
    return str(getattr(value, "code", value))


@transaction.atomic
def audit_record(
    *,
    action: Action,
    actor: Any = None,
    obj: Model | None = None,
    period: Any = None,
    unit: Any = None,
    before: Any = None,
    after: Any = None,
    note: str = "",
    summary: str = "",
) -> AuditEntry:
    """Append an entry to the audit log.

    Parameters
    ----------
    action : str
        One of :class:`leitai.web.audit.models.Action` (other apps may add their own,
        named ``<thing>.<what happened>``).
    actor : User or None
        Who did it; None for the system (the demo, a command).
    obj : model instance, optional
        What was changed (its type and primary key are kept).
    period, unit : object with ``code``, or str, optional
        Kept as codes, for filtering.
    before, after : JSON-serialisable
        The state before and after; for figures, only the values that changed.
    note : str
        The reason, comment or answer that came with the change.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    fields: dict[str, Any] = {
        "at": timezone.now(),
        "actor_id": actor_obj.pk if actor_obj else None,
        "actor_name": actor_obj.get_username() if actor_obj else "",
        "action": Action(action).value,  # ValueError for a code the enum does not know
        "period": _code(period),
        "unit": _code(unit),
        "object_type": type(obj).__name__ if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None and obj.pk is not None else "",
        "summary": summary[:300],
        "note": note,
        "before": _plain(before),
        "after": _plain(after),
    }
    previous = audit_last_digest()
    digest = entry_digest(**fields, previous=previous)
    entry = AuditEntry.objects.create(**fields, previous_digest=previous, digest=digest)
    transaction.on_commit(lambda: _note_head(entry))
    return entry


def _note_head(entry: AuditEntry) -> None:
    from leitai.web.audit.integrity import head_note
    from leitai.web.audit.selectors import ChainHead

    # A read-only data directory: the other anchors remain.
    with contextlib.suppress(OSError):
        head_note(ChainHead(entry.pk, entry.digest))
