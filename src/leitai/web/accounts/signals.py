"""Session bookkeeping at every login and logout, and the record of failures and lockouts."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from leitai.web.accounts.models import User
from leitai.web.accounts.security import login_record, session_begin, session_end
from leitai.web.audit.models import Action


@receiver(user_logged_in, dispatch_uid="leitai-session-begin")
def _logged_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        session_begin(request, user)


@receiver(user_logged_out, dispatch_uid="leitai-session-end")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None:
        session_end(request)


def _account(username: Any) -> User | None:
    if not isinstance(username, str) or not username:
        return None
    return User.objects.filter(username=username).first()


@receiver(user_login_failed, dispatch_uid="leitai-login-failed")
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any) -> None:
    username = credentials.get("username")
    if not username:
        return  # single sign-on refusals are recorded with their reason (accounts.sso)
    login_record(
        Action.ACCOUNT_LOGIN_FAILED,
        request,
        user=_account(username),
        actor=None,
        summary=str(username)[:150],
        method="password",
    )


@receiver(user_locked_out, dispatch_uid="leitai-locked-out")
def _locked_out(sender: Any, request: Any, username: Any = None, **kwargs: Any) -> None:
    login_record(
        Action.ACCOUNT_LOCKED_OUT,
        request,
        user=_account(username),
        actor=None,
        summary=str(username or "")[:150],
    )
