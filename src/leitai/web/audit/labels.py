"""The audit log in words: Chinese labels for the fields and states an entry records.

An entry stores what changed as JSON with the code's names (``state``, ``reason``,
``submitted``); people read them through these labels. A figure's key reads as its
indicator's name (from the schemes), a record's type as its model's name.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

FIELDS = {
    "state": gettext_lazy("state"),
    "status": gettext_lazy("status"),
    "reason": gettext_lazy("reason"),
    "key": gettext_lazy("figure"),
    "revision": gettext_lazy("revision"),
    "scheme_version": gettext_lazy("scheme version"),
    "scheme": gettext_lazy("scheme"),
    "version": gettext_lazy("version"),
    "previous": gettext_lazy("previous period"),
    "previous_note": gettext_lazy("why without a previous period"),
    "inputs_sha256": gettext_lazy("fingerprint of the figures"),
    "result_sha256": gettext_lazy("fingerprint of the result"),
    "sha256": gettext_lazy("fingerprint"),
    "code": gettext_lazy("code"),
    "name": gettext_lazy("name"),
    "text": gettext_lazy("text"),
    "attachment": gettext_lazy("attachment"),
    "answer": gettext_lazy("answer"),
    "session": gettext_lazy("arena"),
    "repaired": gettext_lazy("repaired"),
    "lost": gettext_lazy("lost"),
    "proposals": gettext_lazy("proposals"),
    "public_boards": gettext_lazy("public boards"),
    "analysis_audience": gettext_lazy("who may see robustness and what-if"),
    "target": gettext_lazy("target"),
    "evidence": gettext_lazy("evidence"),
    "value": gettext_lazy("value"),
    "note": gettext_lazy("comment"),
    # the keys of the live arena's scoring sheet, the notices and the evidence
    "choices": pgettext_lazy("audit field", "choices"),
    "closed": pgettext_lazy("audit field", "closed"),
    "criteria": pgettext_lazy("audit field", "criteria"),
    "date": pgettext_lazy("audit field", "date"),
    "definition": pgettext_lazy("audit field", "definition"),
    "group": pgettext_lazy("audit field", "group"),
    "groups": pgettext_lazy("audit field", "groups"),
    "high": pgettext_lazy("audit field", "high"),
    "low": pgettext_lazy("audit field", "low"),
    "max": pgettext_lazy("audit field", "max"),
    "kind": pgettext_lazy("audit field", "kind"),
    "live": pgettext_lazy("audit field", "live"),
    "number": pgettext_lazy("audit field", "number"),
    "numbers": pgettext_lazy("audit field", "numbers"),
    "rule": pgettext_lazy("audit field", "rule"),
    "serial": pgettext_lazy("audit field", "serial"),
    "show": pgettext_lazy("audit field", "show"),
    "size": pgettext_lazy("audit field", "size"),
    "title": pgettext_lazy("audit field", "title"),
    "trim": pgettext_lazy("audit field", "trim"),
    "trimmed": pgettext_lazy("audit field", "trimmed"),
    "units": pgettext_lazy("audit field", "units"),
    "weight": pgettext_lazy("audit field", "weight"),
    # the keys of account changes (the office's account pages)
    "username": pgettext_lazy("audit field", "login name"),
    "real_name": pgettext_lazy("audit field", "real name"),
    "phone": pgettext_lazy("audit field", "phone"),
    "email": pgettext_lazy("audit field", "e-mail"),
    "role": pgettext_lazy("audit field", "role"),
    "unit": pgettext_lazy("audit field", "unit"),
    "unit_approver": pgettext_lazy("audit field", "unit approver"),
    "is_active": pgettext_lazy("audit field", "active"),
    "must_change_password": pgettext_lazy("audit field", "new password due"),
    "accounts": pgettext_lazy("audit field", "accounts"),
    # API tokens and writes through them (leitai.web.api)
    "token": pgettext_lazy("audit field", "token"),
    "prefix": gettext_lazy("prefix"),
    "account": gettext_lazy("account"),
    "period": gettext_lazy("period"),
    "revoked": pgettext_lazy("audit field", "revoked"),
    "rows": pgettext_lazy("audit field", "rows"),
    "changed": pgettext_lazy("audit field", "figures changed"),
    "upload": pgettext_lazy("audit field", "upload"),
    "api_self_service": gettext_lazy("people make their own tokens"),
    # the login record (issue 18) and the office's security rules
    "address": pgettext_lazy("audit field", "address"),
    "user_agent": pgettext_lazy("audit field", "browser"),
    "method": pgettext_lazy("audit field", "method"),
    "office_second_factor": gettext_lazy("second factor for the office"),
    "trusted_device_days": gettext_lazy("trusted browser days"),
    "password_min_length": gettext_lazy("minimum password length"),
    "password_min_classes": gettext_lazy("character classes"),
    "password_history": gettext_lazy("earlier passwords refused"),
    "password_max_age_days": gettext_lazy("password expiry days"),
    "idle_timeout_minutes": gettext_lazy("idle timeout minutes"),
    "session_lifetime_hours": gettext_lazy("session lifetime hours"),
    "max_sessions": gettext_lazy("sessions per account"),
}


def _choices() -> dict[str, Any]:
    from leitai.web.accounts.models import AnalysisAudience, User
    from leitai.web.assessments.models import Period, Snapshot
    from leitai.web.workflow.models import Objection, Submission, Upload

    out: dict[str, Any] = {}
    for enum in (
        Period.State,
        Snapshot.State,
        Submission.State,
        Upload.State,
        Objection.State,
        AnalysisAudience,
        User.Role,
    ):
        for value, label in enum.choices:
            out.setdefault(value, label)
    return out


@cache
def _model_names() -> dict[str, Any]:
    return {model.__name__: model._meta.verbose_name for model in apps.get_models()}


NOTES = {
    "import": gettext_lazy("imported from a data table"),
    "form": gettext_lazy("entered in the form"),
    "explanation": gettext_lazy("explanation of a change"),
    "demo": gettext_lazy("demo data"),
}
_UPLOAD = re.compile(r"^upload #(\d+) (.*)$", re.S)
_OBJECTION = re.compile(r"^objection #(\d+)$")


def note_label(note: str) -> str:
    """An entry's note in words when the code wrote it ("import", "upload #3 a.xlsx");
    a person's note (a reason, a comment) as it is."""
    if note in NOTES:
        return str(NOTES[note])
    if found := _UPLOAD.match(note):
        return _("upload #%(n)s %(file)s") % {"n": found[1], "file": found[2]}
    if found := _OBJECTION.match(note):
        return _("objection #%(n)s") % {"n": found[1]}
    return note


def value_text(value: Any) -> str:
    """A value of the audit log as a person reads it: a dash for nothing, "(empty)" for
    empty text, a tick or a cross, mappings and lists as JSON, the rest as it is."""
    if value is None:
        return "—"
    if value == "":
        return _("(empty)")
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def changes_text(before: Any, after: Any, names: dict[str, str] | None = None) -> str:
    """What an entry changed, in words: each changed item with its value before and
    after ("地区生产总值增速：6.1 → 6.3"), for the exported log."""
    from leitai.web.audit.selectors import changed_keys

    parts = []
    for row in changed_keys(before, after):
        if not row["changed"]:
            continue
        change = (
            f"{value_text(value_label(row['before']))} → {value_text(value_label(row['after']))}"
        )
        if row["key"]:
            # Translators: one changed item of an audit entry and its change, as in
            # "地区生产总值增速：6.1 → 6.3".
            change = _("%(item)s: %(change)s") % {
                "item": field_label(row["key"], names),
                "change": change,
            }
        parts.append(change)
    # Translators: the separator between the changed items of an audit entry.
    return _("; ").join(parts)


def field_label(key: str, names: dict[str, str] | None = None) -> str:
    """An entry's key as people read it: a field's label, an indicator's name (with
    ``（目标）`` for its target), else the key itself."""
    if key in FIELDS:
        return str(FIELDS[key])
    names = names or {}
    base, _dot, part = key.partition(".")
    if base in names:
        return names[base] + (str(_("(target)")) if part == "target" else "")
    return key


def value_label(value: Any) -> Any:
    """A recorded state (``submitted``, ``collecting``) in words, and the keys and words of
    a recorded mapping or list (a scoring sheet, say) likewise; other values as they are."""
    if isinstance(value, dict):
        return {field_label(str(k)): value_label(v) for k, v in value.items()}
    if isinstance(value, list):
        return [value_label(v) for v in value]
    if isinstance(value, str):
        label = _choices().get(value)
        if label is not None:
            return str(label)
        if value in _WORDS:
            return str(_WORDS[value])
    return value


# The sheet's own words when they are recorded as values (its kind and rule).
_WORDS = {
    "criteria": pgettext_lazy("audit field", "criteria"),
    "choices": pgettext_lazy("audit field", "choices"),
    "trimmed": pgettext_lazy("audit field", "trimmed"),
    "single": pgettext_lazy("audit value", "single score"),
    "mean": pgettext_lazy("audit value", "mean"),
    "live": pgettext_lazy("audit field", "live"),
    "end": pgettext_lazy("audit value", "at the end"),
    # how a person logged in, and why a login failed or ended (the login record)
    "password": gettext_lazy("password"),
    "password, code next": gettext_lazy("password; the code is asked next"),
    "one-time code": gettext_lazy("one-time code"),
    "recovery code": gettext_lazy("recovery code"),
    "passkey": gettext_lazy("passkey"),
    "sso": gettext_lazy("single sign-on"),
    "cas": gettext_lazy("single sign-on (CAS)"),
    "trusted browser": gettext_lazy("trusted browser"),
    "second factor": pgettext_lazy("audit value", "wrong code"),
    "timeout": pgettext_lazy("audit value", "timed out"),
    "no role": pgettext_lazy("audit value", "no role assigned"),
    "no unit": pgettext_lazy("audit value", "no unit assigned"),
    "no department": pgettext_lazy("audit value", "no department assigned"),
    "no subject": pgettext_lazy("audit value", "no subject in the token"),
    "inactive": pgettext_lazy("audit value", "account deactivated"),
    "ticket not valid": pgettext_lazy("audit value", "ticket not valid"),
}


def object_label(object_type: str) -> str:
    """A recorded object's type (a model's class name) as its model's name."""
    name = _model_names().get(object_type)
    return str(name) if name is not None else object_type


def indicator_names() -> dict[str, str]:
    """Every id's name across the stored scheme versions (the newest name wins)."""
    from leitai.web.assessments.models import SchemeVersion
    from leitai.web.assessments.selectors import scheme_version_parsed
    from leitai.web.workflow.selectors import scheme_names

    names: dict[str, str] = {}
    for version in SchemeVersion.objects.order_by("pk"):
        names.update(scheme_names(scheme_version_parsed(version)))
    return names
