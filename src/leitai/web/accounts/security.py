"""The account security rules of the office's site settings, applied to a person.

- a second factor: for the office while ``office_second_factor`` is on, and for any
  account the office marks (``User.second_factor_required``);
- the password: changed at the first login of an account the office created, and
  again when older than ``password_max_age_days``;
- the session: ended after ``idle_timeout_minutes`` without a request and after
  ``session_lifetime_hours`` in any case; at most ``max_sessions`` per account (the
  oldest ends);
- the login record: logins, failures, lockouts, factor and password changes in the
  audit log with the address and the browser.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils import timezone
from django.utils.module_loading import import_string

from leitai.web.accounts.models import LoginSession, SiteSettings, User

if TYPE_CHECKING:
    from leitai.web.audit.models import Action
from leitai.web.accounts.selectors import site_settings_get
from leitai.web.audit.models import Action
from leitai.web.clientip import client_ip

LOGIN_AT = "leitai_login_at"
SEEN_AT = "leitai_seen_at"
# The idle clock is written to the session at most this often (seconds), not on every
# request.
SEEN_RESOLUTION = 30

LOGIN_ACTIONS = (
    Action.ACCOUNT_LOGIN,
    Action.ACCOUNT_LOGIN_FAILED,
    Action.ACCOUNT_LOCKED_OUT,
    Action.ACCOUNT_LOGGED_OUT,
    Action.ACCOUNT_FACTOR_ENROLLED,
    Action.ACCOUNT_FACTOR_RESET,
    Action.ACCOUNT_FACTOR_REMOVED,
    Action.ACCOUNT_PASSWORD_CHANGED,
)


def second_factor_required(user: User, rules: SiteSettings | None = None) -> bool:
    """Whether ``user`` must log in with a second factor."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.second_factor_required:
        return True
    rules = rules or site_settings_get()
    return rules.office_second_factor and user.is_office


def password_expired(user: User, rules: SiteSettings | None = None) -> bool:
    rules = rules or site_settings_get()
    if not rules.password_max_age_days or user.password_changed_at is None:
        return False
    return timezone.now() - user.password_changed_at > timedelta(days=rules.password_max_age_days)


def password_change_due(user: User, rules: SiteSettings | None = None) -> bool:
    """Whether ``user`` must change the password before anything else.

    Single sign-on accounts have no password of their own and are never asked.
    """
    if not user.has_usable_password():
        return False
    return user.must_change_password or password_expired(user, rules)


def session_ended(session: SessionBase, rules: SiteSettings, now: float) -> bool:
    """Whether the idle timeout or the session lifetime has passed; else note activity."""
    login_at = session.get(LOGIN_AT)
    seen_at = session.get(SEEN_AT, login_at)
    if login_at is not None and now - login_at > rules.session_lifetime_hours * 3600:
        return True
    if seen_at is not None and now - seen_at > rules.idle_timeout_minutes * 60:
        return True
    if seen_at is None or now - seen_at >= SEEN_RESOLUTION:
        session[SEEN_AT] = now
    return False


def request_facts(request: HttpRequest | None) -> dict[str, str]:
    """The address and the browser of a request, for the login record."""
    if request is None or not getattr(request, "META", None):
        return {"address": "", "user_agent": ""}
    try:
        address = client_ip(request)
    except Exception:
        address = request.META.get("REMOTE_ADDR", "")
    return {
        "address": address or "",
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }


def session_begin(request: HttpRequest, user: User) -> None:
    """Start the clocks of a new login; end the oldest sessions beyond the limit."""
    session = request.session
    now = time.time()
    session[LOGIN_AT] = now
    session[SEEN_AT] = now
    if session.session_key is None:
        session.save()
    facts = request_facts(request)
    LoginSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={"user": user, "created_at": timezone.now(), **facts},
    )
    limit = site_settings_get().max_sessions
    extra = list(LoginSession.objects.filter(user=user).order_by("-created_at", "-pk")[limit:])
    if extra:
        store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
        for old in extra:
            store(session_key=old.session_key).delete()
        LoginSession.objects.filter(pk__in=[old.pk for old in extra]).delete()


def session_end(request: HttpRequest) -> None:
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        LoginSession.objects.filter(session_key=key).delete()


def login_record(
    action: Action,
    request: HttpRequest | None,
    *,
    user: User | None = None,
    actor: Any = "self",
    summary: str = "",
    **more: Any,
) -> None:
    """Write one entry of the login record (the audit log) with address and browser.

    ``user`` is the account concerned; ``actor`` who acted (``"self"``: the person
    themselves; None for a failure, which anyone may cause).
    """
    from leitai.web.audit.services import audit_record

    facts = request_facts(request)
    audit_record(
        action=action,
        actor=user if actor == "self" else actor,
        obj=user,
        before=None,
        after={**facts, **more},
        summary=summary or (user.get_username() if user is not None else ""),
    )
