"""Whether a stored result is still the one computed and published.

Every snapshot carries a seal: the HMAC-SHA256, under the audit key kept outside the
database (:mod:`leitai.web.audit.keys`), of everything it says — the exact bytes of
its result, explanations and inputs, its state, who published it and when, and the
head of the audit chain at its publication. The seal is made whenever the application
saves the row and checked whenever a result is read (:func:`snapshot_check`), so
that numbers edited in the database behind the application's back (even with
``result_sha256`` recomputed) are never served as official. The seal covers the SHA-256
of the scheme the result was computed with, and the check reads the stored scheme text
against it too: the names, boards, flags and grades a result is shown with come from
that text, and two indicators' names swapped in it would put each one's numbers under
the other's name.

The reproducibility check (a result recomputed from the stored inputs gives the same
numbers) compares :func:`result_fingerprint`\\ s: the result with every number
rounded to the precision the scoring contract promises (1e-6), so that a numpy or
BLAS upgrade that changes a last bit gives the same fingerprint.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from leitai.web.audit.keys import seal, seals_equal

# The scoring specification's contract: two correct implementations agree to 1e-6.
FINGERPRINT_DECIMALS = 6


class SnapshotAltered(Exception):
    """A stored result no longer matches its seal: it was changed outside leitai."""

    def __init__(self, snapshot: Any, reason: str) -> None:
        super().__init__(f"snapshot {snapshot.pk} ({reason})")
        self.snapshot = snapshot
        self.reason = reason


class NotReproducible(Exception):
    """A result recomputed from its stored inputs differs from the stored result."""

    def __init__(self, snapshot: Any, differences: list[str]) -> None:
        super().__init__(f"snapshot {snapshot.pk}: {', '.join(differences[:5])}")
        self.snapshot = snapshot
        self.differences = differences


def _sha256(text: str | None) -> str:
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()


def _time(value: Any) -> str | None:
    if value is None:
        return None
    from leitai.web.audit.selectors import canonical_time

    return canonical_time(value)


def snapshot_seal_document(snapshot: Any) -> str:
    """The text the seal is taken over (every field that says what the result is)."""
    document = {
        "period": snapshot.period_id,
        "revision": snapshot.revision,
        "state": snapshot.state,
        "scheme_version": snapshot.scheme_version_id,
        "scheme_sha256": snapshot.scheme_sha256,
        "inputs": _sha256(snapshot.inputs),
        "inputs_sha256": snapshot.inputs_sha256,
        "previous_ranks": snapshot.previous_ranks,
        "result": _sha256(snapshot.result),
        "result_sha256": snapshot.result_sha256,
        "explanations": _sha256(snapshot.explanations),
        "reason": snapshot.reason,
        # The office's words for publishing without a previous result are part of it.
        "previous_note": getattr(snapshot, "previous_note", ""),
        "created_at": _time(snapshot.created_at),
        "created_by": snapshot.created_by_id,
        "published_at": _time(snapshot.published_at),
        "published_by": snapshot.published_by_id,
        "chain_head_id": snapshot.chain_head_id,
        "chain_head_digest": snapshot.chain_head_digest,
    }
    # The results an annual snapshot drew from; absent from every other snapshot's
    # document, so that the seals made before this field existed still hold.
    sources = getattr(snapshot, "sources", None)
    if sources:
        document["sources"] = sources
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def snapshot_seal(snapshot: Any) -> str:
    return seal(snapshot_seal_document(snapshot))


_SEALED_TEXTS = ("result", "inputs", "explanations")


def _load_sealed_texts(snapshot: Any) -> None:
    """Read the sealed texts a list query deferred in one query, not one query each
    (a page listing every period's result checks each of them)."""
    deferred = getattr(snapshot, "get_deferred_fields", None)
    if deferred is None or snapshot.pk is None:
        return
    missing = [name for name in _SEALED_TEXTS if name in deferred()]
    if len(missing) > 1:
        snapshot.refresh_from_db(fields=missing)


_BOM = "\ufeff"


def scheme_text_matches(text: str, sha256: str) -> bool:
    """Whether a stored scheme text is the file whose bytes had ``sha256``: it is stored
    decoded as UTF-8 with a byte order mark dropped, so the file may have begun with one."""
    return sha256 in (_sha256(text), _sha256(_BOM + text))


def snapshot_problem(snapshot: Any) -> str | None:
    """What is wrong with a stored snapshot, or None when it is as sealed.

    ``"result"``: the result is not the one its ``result_sha256`` names;
    ``"seal"``: something the seal covers was changed (or the seal itself);
    ``"scheme"``: the stored text of its scheme version is not the scheme the sealed
    ``scheme_sha256`` names.
    """
    _load_sealed_texts(snapshot)
    if _sha256(snapshot.result) != snapshot.result_sha256:
        return "result"
    if not snapshot.seal or not seals_equal(snapshot.seal, snapshot_seal(snapshot)):
        return "seal"
    if not scheme_text_matches(_scheme_text(snapshot), snapshot.scheme_sha256):
        return "scheme"
    return None


# The scheme texts read in the current request (see request_reads): a page that shows
# ten results of one scheme reads its text once, and checks each result against it.
_texts: ContextVar[dict[int, str] | None] = ContextVar("leitai_scheme_texts", default=None)


@contextmanager
def request_reads() -> Iterator[None]:
    """One request's reads: a scheme version's text (which never changes) is read from
    the database once in it, however many results of that version the request checks."""
    token = _texts.set({})
    try:
        yield
    finally:
        _texts.reset(token)


def _scheme_text(snapshot: Any) -> str:
    """The stored text of the snapshot's scheme version: the version read with it, the
    text read earlier in this request, else the text alone (one small query)."""
    if (
        "scheme_version" in snapshot._state.fields_cache
        and not snapshot.scheme_version.get_deferred_fields()
    ):
        return str(snapshot.scheme_version.text)
    texts = _texts.get()
    if texts is not None and snapshot.scheme_version_id in texts:
        return texts[snapshot.scheme_version_id]
    from leitai.web.assessments.models import SchemeVersion

    rows = (
        SchemeVersion.objects.filter(pk=snapshot.scheme_version_id).order_by().values_list("text")
    )
    text = next((text for (text,) in rows), "")
    if texts is not None:
        texts[snapshot.scheme_version_id] = text
    return text


# The ids of the snapshots checked while an answer is drawn (see snapshots_checked).
_checked: ContextVar[set[int] | None] = ContextVar("leitai_snapshots_checked", default=None)


@contextmanager
def snapshots_checked() -> Iterator[set[int]]:
    """The ids of the snapshots whose seal is checked inside the block: what an answer
    kept to be served again read, so that each is checked again whenever it is."""
    found: set[int] = set()
    token = _checked.set(found)
    try:
        yield found
    finally:
        _checked.reset(token)


def period_elsewhere(snapshot: Any, document: Any) -> str | None:
    """The period a result's sealed document names, where it is not the period the
    result is filed under (whose code the seal does not cover: it was changed outside
    leitai); None where they agree."""
    named = document.get("period") if isinstance(document, dict) else None
    return None if named == snapshot.period.code else str(named or "")


def snapshot_check(snapshot: Any) -> None:
    """Raise :class:`SnapshotAltered` unless the snapshot is exactly as sealed."""
    checked = _checked.get()
    if checked is not None and snapshot.pk is not None:
        checked.add(snapshot.pk)
    reason = snapshot_problem(snapshot)
    if reason is not None:
        raise SnapshotAltered(snapshot, reason)


def _rounded(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return repr(value)
        rounded = round(value, FINGERPRINT_DECIMALS)
        return 0.0 if rounded == 0 else rounded  # no "-0.0"
    if isinstance(value, int):
        return float(value) if abs(value) < 2**53 else value
    if isinstance(value, dict):
        return {str(k): _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def result_canonical(document: Any) -> Any:
    """A result with every number rounded to 6 decimals (ints and floats alike)."""
    return _rounded(document)


def result_fingerprint(document: Any) -> str:
    """The SHA-256 of a result's canonical form (see :func:`result_canonical`)."""
    if isinstance(document, str):
        document = json.loads(document)
    text = json.dumps(
        result_canonical(document), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def result_differences(stored: Any, recomputed: Any, path: str = "") -> list[str]:
    """Where two results differ beyond the contract's precision (JSON paths)."""
    a, b = result_canonical(stored), result_canonical(recomputed)
    out: list[str] = []

    def walk(x: Any, y: Any, where: str) -> None:
        if len(out) >= 1000:
            return
        if isinstance(x, dict) and isinstance(y, dict):
            for key in sorted(set(x) | set(y)):
                walk(x.get(key), y.get(key), f"{where}.{key}" if where else key)
        elif isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
            for i, (p, q) in enumerate(zip(x, y, strict=True)):
                walk(p, q, f"{where}[{i}]")
        elif x != y:
            out.append(where or "$")

    walk(a, b, path)
    # The composite and ranks first, then boards, then indicators.
    return sorted(out, key=lambda p: (p.count(".") + p.count("["), p))[:20]


def snapshot_reproduces(snapshot: Any, recomputed: Any) -> None:
    """Raise :class:`NotReproducible` unless ``recomputed`` (an engine result, or its
    JSON) gives the stored result's fingerprint."""
    text = recomputed if isinstance(recomputed, str) else recomputed.to_json()
    stored, again = json.loads(snapshot.result), json.loads(text)
    if result_fingerprint(stored) != result_fingerprint(again):
        raise NotReproducible(snapshot, result_differences(stored, again))
