"""Reading the audit log: filtering, and verifying that nothing was altered."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from leitai.web.audit.models import AuditEntry

GENESIS = "0" * 64


def entry_digest(
    *,
    at: dt.datetime,
    actor_id: int | None,
    actor_name: str,
    action: str,
    period: str,
    unit: str,
    object_type: str,
    object_id: str,
    summary: str,
    note: str,
    before: Any,
    after: Any,
    previous: str,
) -> str:
    """The SHA-256 of an entry's content and the digest of the entry before it."""
    document = {
        "at": at.astimezone(dt.UTC).isoformat(),
        "actor": actor_id,
        "actor_name": actor_name,
        "action": action,
        "period": period,
        "unit": unit,
        "object_type": object_type,
        "object_id": object_id,
        "summary": summary,
        "note": note,
        "before": before,
        "after": after,
        "previous": previous,
    }
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def audit_last_digest() -> str:
    last = AuditEntry.objects.order_by("-pk").values_list("digest", flat=True).first()
    return last or GENESIS


def audit_entries(
    *,
    period: str = "",
    unit: str = "",
    action: str = "",
    actor: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
    text: str = "",
) -> QuerySet[AuditEntry]:
    """Entries matching every filter given, newest first."""
    entries = AuditEntry.objects.select_related("actor").order_by("-pk")
    if period:
        entries = entries.filter(period=period)
    if unit:
        entries = entries.filter(unit=unit)
    if action:
        entries = entries.filter(Q(action=action) | Q(action__startswith=f"{action}."))
    if actor:
        entries = entries.filter(actor_name=actor)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    if text:
        entries = entries.filter(Q(note__icontains=text) | Q(summary__icontains=text))
    return entries


def audit_actor_names() -> list[str]:
    return sorted(
        n
        for n in AuditEntry.objects.order_by().values_list("actor_name", flat=True).distinct()
        if n
    )


@dataclass(frozen=True)
class ChainCheck:
    """The result of walking the log: how many entries, and the first that does not fit."""

    count: int
    broken_at: int | None

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def audit_verify() -> ChainCheck:
    """Recompute every entry's digest in order; report the first one that does not match."""
    previous = GENESIS
    count = 0
    for entry in AuditEntry.objects.order_by("pk").iterator(chunk_size=500):
        expected = entry_digest(
            at=entry.at,
            actor_id=entry.actor_id,
            actor_name=entry.actor_name,
            action=entry.action,
            period=entry.period,
            unit=entry.unit,
            object_type=entry.object_type,
            object_id=entry.object_id,
            summary=entry.summary,
            note=entry.note,
            before=entry.before,
            after=entry.after,
            previous=previous,
        )
        if entry.previous_digest != previous or entry.digest != expected:
            return ChainCheck(count=count, broken_at=entry.pk)
        previous = entry.digest
        count += 1
    return ChainCheck(count=count, broken_at=None)


def changed_keys(before: Any, after: Any) -> list[dict[str, Any]]:
    """``before`` and ``after`` side by side, key by key (for showing an entry)."""
    if not isinstance(before, dict) and not isinstance(after, dict):
        return [{"key": "", "before": before, "after": after, "changed": before != after}]
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    keys = list(before) + [k for k in after if k not in before]
    return [
        {
            "key": key,
            "before": before.get(key),
            "after": after.get(key),
            "changed": before.get(key) != after.get(key),
        }
        for key in keys
    ]
