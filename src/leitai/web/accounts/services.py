"""Writing accounts and site settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from leitai.web.accounts.models import APPROVER_ROLES, SiteSettings, User

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
    from leitai.web.audit.models import Action
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
            action=Action.SETTINGS_CHANGED,
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

    passkeys = second_factor_reset(account)
    login_record(
        Action.ACCOUNT_FACTOR_RESET, request, user=account, actor=user, passkeys_removed=passkeys
    )


# -- the office's account management (issue 11) ------------------------------------------------

ACCOUNT_FIELDS = ("real_name", "phone", "email", "role", "unit", "unit_approver")


def account_state(account: User) -> dict[str, Any]:
    """What the audit log keeps of an account (never a password)."""
    return {
        "username": account.username,
        "real_name": account.real_name,
        "phone": account.phone,
        "email": account.email,
        "role": account.role,
        "unit": account.unit.code if account.unit is not None else None,
        "unit_approver": account.unit_approver,
        "is_active": account.is_active,
    }


def temporary_password() -> str:
    """A first (or reset) password that meets the security rules: 16 characters of upper
    and lower case, digits and symbols, from :mod:`secrets`. Its owner changes it at the
    first login."""
    import secrets
    import string

    from leitai.web.accounts.selectors import site_settings_get

    length = max(16, site_settings_get().password_min_length)
    classes = [string.ascii_uppercase, string.ascii_lowercase, string.digits, "!#%+-=?@"]
    chars = [secrets.choice(c) for c in classes]
    everything = "".join(classes)
    chars += [secrets.choice(everything) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def _office_required(actor: Any) -> None:
    from django.core.exceptions import PermissionDenied

    from leitai.web.accounts.selectors import user_is_office

    if not user_is_office(actor):
        raise PermissionDenied


def _set_role(account: User, role: str) -> None:
    """The office's accounts administer the site (staff and superuser); no one else does."""
    account.role = role
    office = role == User.Role.OFFICE
    account.is_staff = account.is_superuser = office


def _checked_save(account: User) -> None:
    """Validate like a form (every field error named), then save."""
    from django.core.exceptions import ValidationError

    if account.unit_approver and account.role not in APPROVER_ROLES:
        raise ValidationError({"unit_approver": _approver_needs_unit()})
    if (account.role == User.Role.REPORTER) != (account.unit_id is not None):
        raise ValidationError({"unit": _unit_rule()})
    account.full_clean(exclude=["password"])
    account.save()


def _approver_needs_unit() -> str:
    from django.utils.translation import gettext as _

    return _("Only a unit reporter's or a data provider's account can be an approver.")


def _unit_rule() -> str:
    from django.utils.translation import gettext as _

    return _("A unit reporter belongs to exactly one unit; other roles to none.")


@transaction.atomic
def account_create(
    *,
    actor: Any,
    username: str,
    real_name: str,
    role: str,
    unit: Unit | None = None,
    phone: str = "",
    email: str = "",
    unit_approver: bool = False,
    note: str = "",
) -> tuple[User, str]:
    """The office creates an account with a first password, changed at the first login.

    Returns the account and its first password (shown once to the office, never
    stored in clear). Raises :class:`~django.core.exceptions.ValidationError` naming
    the fields that are wrong (a login taken, a reporter without a unit ...). Audited.
    """
    from leitai.web.audit.models import Action
    from leitai.web.audit.services import audit_record

    _office_required(actor)
    password = temporary_password()
    account = User(
        username=username.strip(),
        real_name=real_name.strip(),
        phone=phone.strip(),
        email=email.strip(),
        unit=unit,
        unit_approver=unit_approver,
        must_change_password=True,
    )
    _set_role(account, role)
    account.set_password(password)
    account.validate_unique()
    _checked_save(account)
    audit_record(
        action=Action.ACCOUNT_CREATED,
        actor=actor,
        obj=account,
        unit=account.unit,
        after=account_state(account),
        note=note,
        summary=account.username,
    )
    return account, password


@transaction.atomic
def account_update(*, actor: Any, account: User, **changes: Any) -> User:
    """The office changes an account's name, contact, role, unit or approver flag.

    ``changes`` takes the fields of :data:`ACCOUNT_FIELDS`. The office cannot take
    itself out of the office (nobody would be left to put it back). Audited with what
    changed (nothing recorded when nothing did).
    """
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from leitai.web.audit.models import Action
    from leitai.web.audit.services import audit_record

    _office_required(actor)
    unknown = set(changes) - set(ACCOUNT_FIELDS)
    if unknown:
        raise TypeError(f"not an account field: {', '.join(sorted(unknown))}")
    account = User.objects.select_for_update().get(pk=account.pk)
    if account.pk == actor.pk and changes.get("role", account.role) != account.role:
        raise ValidationError({"role": _("You cannot change your own role.")})
    before = account_state(account)
    for name, value in changes.items():
        if name == "role":
            _set_role(account, value)
        else:
            setattr(account, name, value.strip() if isinstance(value, str) else value)
    _checked_save(account)
    after = account_state(account)
    changed = {k for k in after if after[k] != before[k]}
    if changed:
        audit_record(
            action=Action.ACCOUNT_CHANGED,
            actor=actor,
            obj=account,
            unit=account.unit,
            before={k: before[k] for k in sorted(changed)},
            after={k: after[k] for k in sorted(changed)},
            summary=account.username,
        )
    return account


@transaction.atomic
def account_set_active(*, actor: Any, account: User, active: bool) -> User:
    """The office deactivates an account (it can no longer log in; its sessions end at
    their next request) or reactivates it. Not its own. Audited."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from leitai.web.audit.models import Action
    from leitai.web.audit.services import audit_record

    _office_required(actor)
    if account.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    account = User.objects.select_for_update().get(pk=account.pk)
    if account.is_active == active:
        return account
    account.is_active = active
    account.save(update_fields=["is_active"])
    if not active:
        account.login_sessions.all().delete()
    audit_record(
        action=Action.ACCOUNT_REACTIVATED if active else Action.ACCOUNT_DEACTIVATED,
        actor=actor,
        obj=account,
        unit=account.unit,
        before={"is_active": not active},
        after={"is_active": active},
        summary=account.username,
    )
    return account


@transaction.atomic
def account_password_reset(*, actor: Any, account: User) -> str:
    """The office gives an account a new first password, to be changed at the next login.

    Returns the password (shown once to the office). Audited, without the password.
    """
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from leitai.web.audit.models import Action
    from leitai.web.audit.services import audit_record

    _office_required(actor)
    if account.pk == actor.pk:
        raise ValidationError(_("Change your own password on the password page."))
    account = User.objects.select_for_update().get(pk=account.pk)
    password = temporary_password()
    account.set_password(password)
    account.must_change_password = True
    account.save(update_fields=["password", "password_changed_at", "must_change_password"])
    audit_record(
        action=Action.ACCOUNT_PASSWORD_RESET,
        actor=actor,
        obj=account,
        unit=account.unit,
        after={"must_change_password": True},
        summary=account.username,
    )
    return password


@transaction.atomic
def accounts_bulk_create(
    *, actor: Any, rows: list[dict[str, Any]], filename: str
) -> list[tuple[User, str]]:
    """Create every account of a checked spreadsheet, or none.

    ``rows`` are :func:`leitai.web.accounts.bulk.accounts_bulk_check`'s. Each account is
    created (and audited) by :func:`account_create`; one more entry records the file.
    Anything wrong now (a login taken since the check) undoes them all and raises
    :class:`~django.core.exceptions.ValidationError` naming the row.
    """
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from leitai.web.assessments.models import Unit
    from leitai.web.audit.models import Action
    from leitai.web.audit.services import audit_record

    _office_required(actor)
    units = {u.code: u for u in Unit.objects.all()}
    created = []
    for row in rows:
        try:
            created.append(
                account_create(
                    actor=actor,
                    username=row["username"],
                    real_name=row["real_name"],
                    role=row["role"],
                    unit=units.get(row["unit"]) if row["unit"] else None,
                    phone=row["phone"],
                    email=row["email"],
                    unit_approver=row["unit_approver"],
                    note=f"{filename} #{row['row']}",
                )
            )
        except ValidationError as exc:
            raise ValidationError(
                _("Row %(row)s (%(username)s): %(problem)s")
                % {
                    "row": row["row"],
                    "username": row["username"],
                    "problem": "; ".join(exc.messages),
                }
            ) from None
    audit_record(
        action=Action.ACCOUNTS_IMPORTED,
        actor=actor,
        after={"accounts": [user.username for user, _password in created]},
        note=filename,
        summary=f"{filename}: {len(created)}",
    )
    return created
