"""Writing accounts and site settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
) -> User:
    """Create a user in a role; the office may use the Django admin as well.

    ``password=None`` makes an account that cannot log in until a password is set.
    """
    if role == User.Role.REPORTER and unit is None:
        raise ValueError("a reporter needs a unit")
    if role != User.Role.REPORTER and unit is not None:
        raise ValueError("only a reporter is bound to a unit")
    office = role == User.Role.OFFICE
    user = User(
        username=username,
        role=role,
        unit=unit,
        first_name=first_name,
        is_staff=office,
        is_superuser=office,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_set_password(*, user: User, password: str) -> User:
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def site_settings_update(
    *, public_boards: bool, analysis_audience: str | None = None, user: User | None = None
) -> SiteSettings:
    """Switch the public (anonymous) boards on or off and choose who may see the
    robustness and what-if pages (``None`` keeps the current choice); audited."""
    from leitai.web.audit.services import audit_record

    settings_row, _created = SiteSettings.objects.select_for_update().get_or_create(pk=1)
    before = {"public_boards": settings_row.public_boards}
    after = {"public_boards": public_boards}
    if analysis_audience is not None:
        before["analysis_audience"] = settings_row.analysis_audience
        after["analysis_audience"] = analysis_audience
        settings_row.analysis_audience = analysis_audience
    settings_row.public_boards = public_boards
    settings_row.updated_by = user
    settings_row.full_clean()
    settings_row.save()
    changed = [key for key in after if before[key] != after[key]]
    if changed:
        audit_record(
            action="settings.changed",
            actor=user,
            obj=settings_row,
            before={key: before[key] for key in changed},
            after={key: after[key] for key in changed},
        )
    return settings_row
