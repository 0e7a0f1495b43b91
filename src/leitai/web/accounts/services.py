"""Writing accounts and site settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from leitai.web.accounts.models import SiteSettings, User

if TYPE_CHECKING:
    from leitai.web.assessments.models import Unit


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: str,
    unit: Unit | None = None,
    first_name: str = "",
    must_change_password: bool = False,
    department: Any = None,
) -> User:
    """Create a user in a role; the office may use the Django admin as well.

    ``password=None`` makes an account that cannot log in until a password is set.
    ``must_change_password``: an account the office creates for someone else, whose
    first login asks for a new password.
    """
    if role == User.Role.REPORTER and unit is None:
        raise ValueError("a reporter needs a unit")
    if role != User.Role.REPORTER and unit is not None:
        raise ValueError("only a reporter is bound to a unit")
    if (role == User.Role.PROVIDER) != (department is not None):
        raise ValueError("a data provider, and only a provider, belongs to a department")
    office = role == User.Role.OFFICE
    user = User(
        username=username,
        role=role,
        unit=unit,
        department=department,
        first_name=first_name,
        is_staff=office,
        is_superuser=office,
        must_change_password=must_change_password,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_set_password(*, user: User, password: str) -> User:
    user.set_password(password)
    user.save(update_fields=["password", "password_changed_at"])
    return user


SECURITY_FIELDS = (
    "office_second_factor",
    "trusted_device_days",
    "password_min_length",
    "password_min_classes",
    "password_history",
    "password_max_age_days",
    "idle_timeout_minutes",
    "session_lifetime_hours",
    "max_sessions",
)


@transaction.atomic
def site_settings_update(
    *,
    public_boards: bool | None = None,
    analysis_audience: str | None = None,
    user: User | None = None,
    **security: Any,
) -> SiteSettings:
    """Change the office's switches: the public boards, who may see the robustness and
    what-if pages, and the account security rules (``None`` keeps a switch as it is).

    ``security`` takes the fields of :data:`SECURITY_FIELDS`; the values are checked
    against the fields' bounds. One audit entry names what changed (nothing when
    nothing did).
    """
    from leitai.web.audit.services import audit_record

    unknown = set(security) - set(SECURITY_FIELDS)
    if unknown:
        raise TypeError(f"not a site setting: {', '.join(sorted(unknown))}")
    wanted = dict(security)
    if public_boards is not None:
        wanted["public_boards"] = public_boards
    if analysis_audience is not None:
        wanted["analysis_audience"] = analysis_audience
    settings_row, _created = SiteSettings.objects.select_for_update().get_or_create(pk=1)
    before = {
        k: getattr(settings_row, k) for k, v in wanted.items() if getattr(settings_row, k) != v
    }
    for name, value in wanted.items():
        setattr(settings_row, name, value)
    settings_row.full_clean(exclude=["updated_by"])
    settings_row.updated_by = user
    settings_row.save()
    if before:
        audit_record(
            action="settings.changed",
            actor=user,
            obj=settings_row,
            before=before,
            after={k: wanted[k] for k in before},
        )
    return settings_row


@transaction.atomic
def second_factor_reset_for(*, account: User, user: User, request: Any = None) -> None:
    """The office removes the second factor of ``account`` (a lost phone); audited.

    The person sets a new one up at the next login.
    """
    from leitai.web.accounts.security import login_record
    from leitai.web.accounts.twofactor import second_factor_reset
    from leitai.web.audit.models import Action

    second_factor_reset(account)
    login_record(Action.ACCOUNT_FACTOR_RESET, request, user=account, actor=user)
