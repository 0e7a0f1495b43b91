"""Reading accounts and deciding who may read what."""

from __future__ import annotations

from typing import Any

from leitai.web.accounts.models import SiteSettings


def site_settings_get() -> SiteSettings:
    """The site settings row (defaults until the office saves them)."""
    return SiteSettings.objects.filter(pk=1).first() or SiteSettings(pk=1)


def public_boards_enabled() -> bool:
    return SiteSettings.objects.filter(pk=1, public_boards=True).exists()


def user_can_read_published(user: Any) -> bool:
    """Whether ``user`` (possibly anonymous) may read published results.

    Every role may; anyone else (visitors, accounts without a role) only while the
    office has the public boards switched on.
    """
    if getattr(user, "is_authenticated", False) and user.has_role:
        return True
    return public_boards_enabled()


def user_is_office(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_office)


def user_reports_for(user: Any, unit_id: int) -> bool:
    """Whether ``user`` is the reporter bound to the unit with primary key ``unit_id``."""
    return bool(
        getattr(user, "is_authenticated", False) and user.is_reporter and user.unit_id == unit_id
    )
