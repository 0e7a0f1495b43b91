"""The message of every problem code, as a gettext msgid with named parameters.

Add a code here when you add it to the engine or ``io``, and its Chinese translation
to ``leitai/locale/zh_Hans/LC_MESSAGES/django.po``; a test renders every code in both
languages and fails on a missing or untranslated entry.
"""

from __future__ import annotations

from typing import Any

from leitai.engine.problems import Problem, Where
from leitai.i18n.files import FILE_MESSAGES


def gettext_noop(text: str) -> str:
    """Marks a msgid for extraction (``xgettext --keyword=gettext_noop``)."""
    return text


MESSAGES: dict[str, str] = {
    "text": "%(text)s",  # TRANSITIONAL: an unconverted plain message; must disappear
    # leitai.text: reading the texts of an arena (speeches, slides, reports)
    "text.too_large": gettext_noop("the file has %(size)s bytes; at most %(limit)s are read"),
    "text.too_long": gettext_noop("the text has %(size)s characters; at most %(limit)s are read"),
    "text.unknown_kind": gettext_noop("expected a file of the kinds %(expected)s, found %(found)s"),
    "text.unreadable": gettext_noop("the file cannot be read (%(detail)s)"),
    # -- the record: audit chain, anchors, snapshots, backups (leitai.web.audit.integrity)
    "audit.entry_altered": gettext_noop(
        "audit entry #%(id)s does not match its keyed digest: it was changed, or the chain "
        "was recomputed without the audit key"
    ),
    "audit.link_broken": gettext_noop(
        "audit entry #%(id)s does not follow entry #%(previous)s: an entry between them was "
        "removed or the order was changed"
    ),
    "audit.anchor_missing": gettext_noop(
        "the audit log has no entry #%(id)s, whose digest %(source)s recorded: the log was cut "
        "short or wiped after it"
    ),
    "audit.anchor_differs": gettext_noop(
        "audit entry #%(id)s differs from the digest %(source)s recorded: the log was rewritten"
    ),
    "anchor.invalid": gettext_noop(
        "this recorded chain head is not sealed with the audit key: it was written or changed "
        "outside leitai"
    ),
    "snapshot.result_altered": gettext_noop(
        "the result of %(period)s, revision %(revision)s, differs from the SHA-256 recorded "
        "when it was computed"
    ),
    "snapshot.seal_invalid": gettext_noop(
        "the result of %(period)s, revision %(revision)s, does not match its seal: it was "
        "changed outside leitai"
    ),
    "snapshot.publication_unrecorded": gettext_noop(
        "the published result of %(period)s, revision %(revision)s, has no publication with "
        "its SHA-256 in the audit log"
    ),
    "audit.key_missing": gettext_noop(
        "no audit key: set LEITAI_AUDIT_KEY, or put this installation's key file back"
    ),
    "backup.unreadable": gettext_noop("not a leitai backup archive, or a damaged one"),
    "backup.member_altered": gettext_noop(
        "the archive's member %(member)s does not match the SHA-256 its manifest records"
    ),
    "backup.not_empty": gettext_noop(
        "the database already holds data (%(table)s): restore into an empty, migrated database"
    ),
    "backup.schema_differs": gettext_noop(
        "the archive was made at another database schema (%(app)s: %(archive)s, here "
        "%(here)s): restore it with the leitai version that made it, then upgrade"
    ),
    "backup.key_differs": gettext_noop(
        "the data directory already holds a different %(key)s: the restored record would not "
        "verify; move it away or restore into a new data directory"
    ),
    "backup.file_exists": gettext_noop(
        "the uploaded file %(name)s already exists with other content"
    ),
}
MESSAGES.update(FILE_MESSAGES)


def _value(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return value


def message(problem: Problem, _: Any) -> str:
    template = MESSAGES.get(problem.code)
    if template is None:
        raise KeyError(f"no message for problem code {problem.code!r}")
    params = {k: _value(v) for k, v in problem.params.items()}
    return _(template) % params


def where_parts(where: Where, _: Any) -> str:
    parts: list[str] = []
    if where.file:
        parts.append(where.file)
    if where.path:
        parts.append(_("at %(path)s") % {"path": where.path})
    if where.line is not None:
        parts.append(_("line %(line)s") % {"line": where.line})
    if where.sheet:
        parts.append(_("sheet %(sheet)s") % {"sheet": where.sheet})
    if where.cell:
        if where.column:
            parts.append(
                _("cell %(cell)s (%(column)s)") % {"cell": where.cell, "column": where.column}
            )
        else:
            parts.append(_("cell %(cell)s") % {"cell": where.cell})
    else:
        if where.row is not None:
            parts.append(_("row %(row)s") % {"row": where.row})
        if where.column:
            parts.append(_("column %(column)s") % {"column": where.column})
    return _(", ").join(parts)
