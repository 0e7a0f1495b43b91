"""Reading the audit log: filtering, and verifying that nothing was altered."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, TypedDict

from django.db.models import Q, QuerySet

from leitai.web.audit.keys import seal, seals_equal
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
    """The HMAC-SHA256, under the audit key, of an entry's content and the digest of the
    entry before it. Without the key nobody can make a rewritten entry fit the chain."""
    document = {
        "at": canonical_time(at),
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
    return seal(text)


def canonical_time(at: dt.datetime) -> str:
    """A moment as it enters a digest: UTC, always to the microsecond.

    SQLite and PostgreSQL both keep microseconds, so the text is the same after a
    backup and restore between them (``isoformat`` would drop ``.000000``)."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def audit_last_digest() -> str:
    last = AuditEntry.objects.order_by("-pk").values_list("digest", flat=True).first()
    return last or GENESIS


class ChainHeadDict(TypedDict):
    """:meth:`ChainHead.to_dict`, as a backup's manifest holds it."""

    id: int
    digest: str


@dataclass(frozen=True)
class ChainHead:
    """The last entry of the log when it was read: its id and digest (0 and the
    genesis digest for an empty log)."""

    id: int
    digest: str

    def to_dict(self) -> ChainHeadDict:
        return {"id": self.id, "digest": self.digest}


def audit_head() -> ChainHead:
    last = AuditEntry.objects.order_by("-pk").values_list("pk", "digest").first()
    return ChainHead(*last) if last else ChainHead(0, GENESIS)


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


def entry_expected_digest(entry: AuditEntry, previous: str) -> str:
    return entry_digest(
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


def audit_verify() -> ChainCheck:
    """Recompute every entry's digest in order; report the first one that does not match."""
    previous = GENESIS
    count = 0
    for entry in AuditEntry.objects.order_by("pk").iterator(chunk_size=500):
        expected = entry_expected_digest(entry, previous)
        if entry.previous_digest != previous or not seals_equal(entry.digest, expected):
            return ChainCheck(count=count, broken_at=entry.pk)
        previous = entry.digest
        count += 1
    return ChainCheck(count=count, broken_at=None)


class KeyChange(TypedDict):
    """A key of an entry's states, before and after (``key`` "" when a state is not a dict)."""

    key: str
    before: Any
    after: Any
    changed: bool


def changed_keys(before: Any, after: Any) -> list[KeyChange]:
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
