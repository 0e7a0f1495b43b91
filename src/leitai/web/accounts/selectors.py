"""Reading accounts and deciding who may read what."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from leitai.web.accounts.models import AnalysisAudience, SiteSettings, User


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
    """Whether ``user`` acts as the office: the one place office access is decided.

    An office account that still owes its second factor in this request (marked by
    :class:`leitai.web.accounts.middleware.AccountRulesMiddleware`) is not the office
    yet: no office page, action or admin until the code is entered.
    """
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_office
        and not getattr(user, "second_factor_missing", False)
    )


def user_reports_for(user: Any, unit_id: int) -> bool:
    """Whether ``user`` is the reporter bound to the unit with primary key ``unit_id``."""
    return bool(
        getattr(user, "is_authenticated", False) and user.is_reporter and user.unit_id == unit_id
    )


def user_approves_for(user: Any, unit_id: int) -> bool:
    """Whether ``user`` is a 审核人 (unit approver) of the unit with primary key ``unit_id``."""
    return bool(user_reports_for(user, unit_id) and user.unit_approver)


def user_approves_for_department(user: Any, department_id: int) -> bool:
    """Whether ``user`` is a 审核人 (approver) of the department with primary key
    ``department_id``: one of its data providers, with the approver flag."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_department_approver
        and user.department_id == department_id
    )


def login_record_for(user: Any, limit: int = 50) -> list[Any]:
    """The recent entries of the login record about ``user`` (newest first)."""
    from django.db.models import Q

    from leitai.web.accounts.security import LOGIN_ACTIONS
    from leitai.web.audit.models import AuditEntry

    # The failures on the account name it as their object (nobody is their actor).
    mine = Q(actor_id=user.pk) | Q(object_type="User", object_id=str(user.pk))
    return list(
        AuditEntry.objects.filter(mine, action__in=LOGIN_ACTIONS).order_by("-at", "-pk")[:limit]
    )


def person_display(person: Any, *, viewer: Any = None) -> str:
    """A person as people read them: the real name (姓名), with the login in brackets
    when the office is reading (the office manages accounts by login).

    ``person`` is a user or a stored login (the audit log keeps logins); empty for none.
    """
    if not person:
        return ""
    if isinstance(person, str):
        login = person
        found = User.objects.filter(username=login).only("real_name", "first_name", "last_name")
        user = found.first()
        name = user.display_name if user is not None else login
    else:
        login, name = person.get_username(), person.display_name
    if name != login and user_is_office(viewer):
        return _("%(name)s (%(more)s)") % {"name": name, "more": login}
    return name


def analysis_visible_to(user: Any) -> bool:
    """Whether ``user`` may open the robustness and what-if pages of a published result,
    by the office's setting (office only unless the office opened them)."""
    if user_is_office(user):
        return True
    audience = site_settings_get().analysis_audience
    if audience == AnalysisAudience.PUBLIC:
        return user_can_read_published(user)
    if audience == AnalysisAudience.ROLES:
        return bool(getattr(user, "is_authenticated", False) and user.has_role)
    return False


def accounts_for_office(*, text: str = "", role: str = "", unit: str = "", active: str = "") -> Any:
    """The accounts the office manages, filtered (a login, name, phone or e-mail
    containing ``text``; a role; a unit's code; ``active`` "1" or "0"), by unit and name."""
    from django.db.models import Q

    accounts = User.objects.select_related("unit").order_by(
        "-is_active", "role", "unit__position", "unit__code", "username"
    )
    if text:
        accounts = accounts.filter(
            Q(username__icontains=text)
            | Q(real_name__icontains=text)
            | Q(phone__icontains=text)
            | Q(email__icontains=text)
        )
    if role == "approver":
        accounts = accounts.filter(unit_approver=True)
    elif role:
        accounts = accounts.filter(role=role)
    if unit:
        accounts = accounts.filter(unit__code=unit)
    if active in ("0", "1"):
        accounts = accounts.filter(is_active=active == "1")
    return accounts
