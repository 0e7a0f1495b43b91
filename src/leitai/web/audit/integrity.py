"""Verifying the record: the audit chain, its anchors and every stored result.

:func:`integrity_report` walks the audit log and recomputes every entry's keyed
digest, then checks the log against its anchors — the chain heads written into
every published snapshot, into every backup and into the anchors file of the data
directory — and every snapshot against its seal. It finds:

- an entry edited in the middle, or the chain recomputed without the key
  (``audit.entry_altered``), an entry removed or moved (``audit.link_broken``);
- the log cut short or wiped (``TRUNCATE``) after an anchor was taken — the data
  directory keeps the newest head the installation wrote (``audit_head.json``), so
  on a server a cut tail is found even between publications and backups
  (``audit.anchor_missing``), or rewritten up to it (``audit.anchor_differs``);
- a result whose numbers or seal no longer fit (``snapshot.result_altered``,
  ``snapshot.seal_invalid``), or whose scheme text is not the one it was computed with
  (``snapshot.scheme_altered``), or which is filed under a period other than the one it
  was computed for (``snapshot.period_altered``: a period's code changed), and a
  published result whose publication is not in the log with the same SHA-256
  (``snapshot.publication_unrecorded``).

Entries added after the newest anchor and then removed cannot be told from entries
never written; every committed entry (on a server), publication and backup moves an
anchor forward.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from leitai.engine.problems import Problem, Where
from leitai.web.audit.keys import AUDIT_KEY_ENV, audit_key_path, seal, seals_equal
from leitai.web.audit.models import Action, AuditEntry
from leitai.web.audit.selectors import GENESIS, ChainHead, audit_head, entry_expected_digest

ANCHORS_FILE = "audit_anchors.jsonl"
HEAD_FILE = "audit_head.json"
# How many of the newest entries a starting process tries its key on: the installation's
# key verifies all of them, and a few altered ones (the business of `leitai verify`) do
# not make a key wrong.
KEY_PROBE = 20


@dataclass(frozen=True)
class Anchor:
    """A chain head recorded outside the log: by a publication, a backup, a restore."""

    id: int
    digest: str
    source: str
    where: Where = field(default_factory=Where)


@dataclass(frozen=True)
class SnapshotState:
    pk: int
    period: str
    revision: int
    published_at: Any
    problem: str | None  # None, "result", "seal", "scheme" or "period"


@dataclass
class IntegrityReport:
    entries: int = 0
    head: ChainHead | None = None
    anchors: int = 0
    snapshots: list[SnapshotState] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems

    @property
    def chain_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.code.startswith("audit.")]


# -- anchors kept in the data directory --------------------------------------------------


def anchors_path() -> Path:
    return Path(settings.DATA_DIR) / ANCHORS_FILE


def _anchor_text(record: dict[str, Any]) -> str:
    body = {k: record[k] for k in ("id", "digest", "at", "source")}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def anchor_write(head: ChainHead, *, source: str) -> None:
    """Append a chain head to the data directory's anchors file (sealed with the key)."""
    record = {
        "id": head.id,
        "digest": head.digest,
        "at": timezone.now().isoformat(),
        "source": source,
    }
    record["seal"] = seal(_anchor_text(record))
    path = anchors_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def head_path() -> Path:
    return Path(settings.DATA_DIR) / HEAD_FILE


def head_note(head: ChainHead) -> None:
    """Keep the newest chain head this installation wrote in the data directory.

    Called after every committed audit entry, so that cutting the log's tail is found
    even between publications and backups. Only where the data directory exists (a
    server's), never creating it; a head older than the one kept is ignored.
    """
    path = head_path()
    if not path.parent.is_dir():
        return
    try:
        current = json.loads(path.read_text(encoding="utf-8"))
        if int(current.get("id", 0)) >= head.id:
            return
    except (OSError, ValueError, TypeError, AttributeError):
        pass
    record = {"id": head.id, "digest": head.digest, "at": timezone.now().isoformat(), "source": ""}
    record["seal"] = seal(_anchor_text(record))
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.write_text(json.dumps(record), encoding="utf-8")
    partial.replace(path)


def _head_anchor(problems: list[Problem]) -> list[Anchor]:
    path = head_path()
    if not path.exists():
        return []
    where = Where(file=str(path))
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        valid = seals_equal(str(record.get("seal", "")), seal(_anchor_text(record)))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        valid = False
    if not valid:
        problems.append(Problem("anchor.invalid", where))
        return []
    return [Anchor(int(record["id"]), str(record["digest"]), path.name, where)]


def _file_anchors(problems: list[Problem]) -> list[Anchor]:
    path = anchors_path()
    if not path.exists():
        return []
    anchors = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        where = Where(file=str(path), line=number)
        try:
            record = json.loads(line)
            valid = seals_equal(str(record.get("seal", "")), seal(_anchor_text(record)))
        except (ValueError, KeyError, TypeError, AttributeError):
            valid = False
        if not valid:
            problems.append(Problem("anchor.invalid", where))
            continue
        anchors.append(Anchor(int(record["id"]), str(record["digest"]), record["source"], where))
    return anchors


def _snapshot_anchors(snapshots: list[Any]) -> list[Anchor]:
    return [
        Anchor(
            s.chain_head_id,
            s.chain_head_digest,
            f"{s.period.code} r{s.revision}",
            Where(path=f"{s.period.code}/r{s.revision}"),
        )
        for s in snapshots
        if s.is_published and s.chain_head_id is not None and s.chain_head_digest
    ]


# -- the walk -----------------------------------------------------------------------------


def _walk_chain(report: IntegrityReport, wanted: dict[int, list[Anchor]]) -> dict[int, str]:
    """Recompute every digest; return the stored digests of the anchored entries."""
    previous, previous_id = GENESIS, 0
    found: dict[int, str] = {}
    for entry in AuditEntry.objects.order_by("pk").iterator(chunk_size=500):
        where = Where(path=f"audit #{entry.pk}")
        if entry.previous_digest != previous:
            report.problems.append(
                Problem("audit.link_broken", where, {"id": entry.pk, "previous": previous_id})
            )
        elif not seals_equal(entry.digest, entry_expected_digest(entry, previous)):
            report.problems.append(Problem("audit.entry_altered", where, {"id": entry.pk}))
        if entry.pk in wanted:
            found[entry.pk] = entry.digest
        previous, previous_id = entry.digest, entry.pk
        report.entries += 1
    return found


def _check_anchors(report: IntegrityReport, anchors: list[Anchor]) -> None:
    wanted: dict[int, list[Anchor]] = {}
    for anchor in anchors:
        if anchor.id > 0:
            wanted.setdefault(anchor.id, []).append(anchor)
    found = _walk_chain(report, wanted)
    for entry_id, group in sorted(wanted.items()):
        for anchor in group:
            params = {"id": entry_id, "source": anchor.source}
            if entry_id not in found:
                report.problems.append(Problem("audit.anchor_missing", anchor.where, params))
            elif not seals_equal(found[entry_id], anchor.digest):
                report.problems.append(Problem("audit.anchor_differs", anchor.where, params))


def _publications() -> dict[str, set[str]]:
    """The result SHA-256 of every publication the log records, by snapshot id."""
    out: dict[str, set[str]] = {}
    rows = AuditEntry.objects.filter(
        action__in=[Action.SNAPSHOT_PUBLISHED, Action.SNAPSHOT_REVISED]
    ).values_list("object_id", "after")
    for object_id, after in rows:
        if isinstance(after, dict) and after.get("result_sha256"):
            out.setdefault(object_id, set()).add(after["result_sha256"])
    return out


def _document(snapshot: Any) -> Any:
    """A result's sealed document (None where it is not JSON)."""
    try:
        return json.loads(snapshot.result)
    except ValueError:
        return None


def _check_snapshots(report: IntegrityReport, snapshots: list[Any]) -> None:
    from leitai.web.assessments.integrity import period_elsewhere, snapshot_problem

    publications = _publications()
    for snapshot in snapshots:
        where = Where(path=f"{snapshot.period.code}/r{snapshot.revision}")
        params = {"period": snapshot.period.code, "revision": snapshot.revision}
        problem = snapshot_problem(snapshot)
        if problem == "result":
            report.problems.append(Problem("snapshot.result_altered", where, params))
        elif problem == "seal":
            report.problems.append(Problem("snapshot.seal_invalid", where, params))
        elif problem == "scheme":
            report.problems.append(Problem("snapshot.scheme_altered", where, params))
        elif (named := period_elsewhere(snapshot, _document(snapshot))) is not None:
            problem = "period"
            report.problems.append(
                Problem("snapshot.period_altered", where, dict(params, computed_for=named))
            )
        if snapshot.is_published and snapshot.result_sha256 not in publications.get(
            str(snapshot.pk), set()
        ):
            report.problems.append(Problem("snapshot.publication_unrecorded", where, params))
        if snapshot.is_published:
            report.snapshots.append(
                SnapshotState(
                    snapshot.pk,
                    snapshot.period.code,
                    snapshot.revision,
                    snapshot.published_at,
                    problem,
                )
            )


def integrity_report(*, extra_anchors: list[Anchor] | None = None) -> IntegrityReport:
    """Verify the audit chain, its anchors and every snapshot; see the module's text."""
    from leitai.web.assessments.models import Snapshot, period_order

    report = IntegrityReport()
    snapshots = list(
        Snapshot.objects.select_related("period").order_by(*period_order("period__"), "revision")
    )
    anchors = _snapshot_anchors(snapshots) + _file_anchors(report.problems)
    anchors += _head_anchor(report.problems)
    anchors += extra_anchors or []
    report.anchors = len(anchors)
    _check_anchors(report, anchors)
    _check_snapshots(report, snapshots)
    report.head = audit_head()
    return report


def audit_key_fits() -> bool:
    """Whether this process's audit key is the installation's: the log is empty, or one
    of its :data:`KEY_PROBE` newest entries verifies under the key."""
    entries = list(AuditEntry.objects.order_by("-pk")[:KEY_PROBE])
    return not entries or any(
        seals_equal(entry.digest, entry_expected_digest(entry, entry.previous_digest))
        for entry in entries
    )


def audit_key_problem() -> str | None:
    """Why a server or worker must not start with its audit key, in the active language;
    None where the key fits.

    A process with another key (a second host given no ``LEITAI_AUDIT_KEY`` makes a key
    file of its own) would read every published result as altered and chain entries
    onto the log that no other process can verify."""
    if audit_key_fits():
        return None
    from_env = bool(os.environ.get(AUDIT_KEY_ENV, "").strip())
    return gettext(
        "The audit key of this process (%(where)s) is not this installation's: none of "
        "the newest entries of the audit log verifies under it. Give every server and "
        "worker the same key in %(variable)s (docs/operations.md); not started."
    ) % {"where": AUDIT_KEY_ENV if from_env else str(audit_key_path()), "variable": AUDIT_KEY_ENV}
