"""The write API's reads: who may manage which tokens, and which tokens a person sees."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from leitai.web.accounts.selectors import user_is_office
from leitai.web.api.models import ApiSettings, ApiToken


def api_settings_get() -> ApiSettings:
    """The office's switch (the defaults until the office has set it)."""
    return ApiSettings.objects.filter(pk=1).first() or ApiSettings(pk=1)


def self_service_allowed(user: Any) -> bool:
    """Whether ``user`` may make and revoke tokens for their own account: an active account
    with a role other than the office's, while the office allows it."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.has_role
        and not user_is_office(user)
        and api_settings_get().self_service
    )


def token_may_manage(*, actor: Any, owner: Any) -> bool:
    """The office manages every account's tokens; a person their own, when allowed."""
    if user_is_office(actor):
        return True
    return getattr(owner, "pk", None) == getattr(actor, "pk", None) and self_service_allowed(actor)


def tokens_visible(*, user: Any) -> QuerySet[ApiToken]:
    """The office sees every token; a person their own tokens; nobody else any."""
    tokens = ApiToken.objects.select_related("user", "user__unit", "period", "revoked_by")
    if user_is_office(user):
        return tokens
    if getattr(user, "is_authenticated", False):
        return tokens.filter(user=user)
    return tokens.none()
