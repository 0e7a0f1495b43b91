"""What an identity from the city's platform is in leitai: one mapping for both protocols.

OpenID Connect claims (:mod:`leitai.web.accounts.oidc`) and CAS attributes
(:mod:`leitai.web.accounts.cas`) go through :func:`identity_terms`, each protocol with
its own names (:class:`ClaimNames`, from the settings):

- the role claim (a value or a list of values) maps through the role map
  (``value=role,...``) to office, reporter, viewer or provider; no mapped value: refused;
- a reporter's unit claim names the unit by its code; no such unit: refused;
- a data provider's department claim names the department (``workflow.Department``) by
  its code; no such department: refused;
- the approver claim (true, 1, yes, 是) makes a reporter or a provider the 审核人 of
  the unit or the department; it means nothing for the other roles.

A unit or a department claim with several values names none (refused). The account
found by its subject, else created without a password of its own, follows these terms
at every login (:func:`account_apply`); a refusal is in the login record with its
reason (:func:`refusal_record`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings

from leitai.web.audit.models import Action

if TYPE_CHECKING:
    from collections.abc import Mapping

    from django.http import HttpRequest

    from leitai.web.accounts.models import User
    from leitai.web.assessments.models import Unit
    from leitai.web.workflow.models import Department

_TRUE = frozenset({"true", "1", "yes", "y", "是"})


@dataclass(frozen=True)
class ClaimNames:
    """Which claims (attributes) of a protocol carry what, and how roles map."""

    role: str
    role_map: str
    unit: str
    department: str
    approver: str

    @classmethod
    def from_settings(cls, protocol: str, noun: str) -> ClaimNames:
        """The names a protocol's settings give: ``LEITAI_<PROTOCOL>_ROLE_<NOUN>`` and the
        like for the unit, department and approver, and ``LEITAI_<PROTOCOL>_ROLE_MAP``."""
        prefix = f"LEITAI_{protocol}_"
        return cls(
            role_map=getattr(settings, f"{prefix}ROLE_MAP"),
            **{
                name: getattr(settings, f"{prefix}{name.upper()}_{noun}")
                for name in ("role", "unit", "department", "approver")
            },
        )


@dataclass(frozen=True)
class Terms:
    """The role, unit, department and approver flag an identity gives an account."""

    role: str
    unit: Unit | None = None
    department: Department | None = None
    approver: bool = False


class Refused(Exception):
    """The identity gives no account in leitai; ``reason`` goes into the login record."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def role_map(text: str) -> dict[str, str]:
    """``"value=role,..."`` as a dictionary (values and roles stripped)."""
    pairs = (item.split("=", 1) for item in text.split(",") if "=" in item)
    return {value.strip(): role.strip() for value, role in pairs}


def _values(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(item) for item in value if item is not None]
    return [str(value)]


def single_value(value: Any) -> str | None:
    """The one non-empty value of a claim, or None (absent, empty or several)."""
    values = {item.strip() for item in _values(value) if item.strip()}
    return values.pop() if len(values) == 1 else None


def claimed_role(claims: Mapping[str, Any], names: ClaimNames) -> str | None:
    """The leitai role the claims map to (the first mapped value), or None."""
    from leitai.web.accounts.models import User

    mapping = role_map(names.role_map)
    for value in _values(claims.get(names.role)):
        role = mapping.get(value.strip())
        if role in User.Role.values:
            return role
    return None


def identity_terms(claims: Mapping[str, Any], names: ClaimNames) -> Terms:
    """What the claims make of an account; :class:`Refused` when they make none."""
    from leitai.web.accounts.models import APPROVER_ROLES, User
    from leitai.web.assessments.models import Unit
    from leitai.web.workflow.models import Department

    role = claimed_role(claims, names)
    if role is None:
        raise Refused("no role")
    unit = department = None
    if role == User.Role.REPORTER:
        code = single_value(claims.get(names.unit))
        unit = Unit.objects.filter(code=code).first() if code else None
        if unit is None:
            raise Refused("no unit")
    elif role == User.Role.PROVIDER:
        code = single_value(claims.get(names.department))
        department = Department.objects.filter(code=code).first() if code else None
        if department is None:
            raise Refused("no department")
    flag = single_value(claims.get(names.approver)) if names.approver else None
    approver = role in APPROVER_ROLES and flag is not None and flag.lower() in _TRUE
    return Terms(role=role, unit=unit, department=department, approver=approver)


def free_username(base: str) -> str:
    """``base`` (cut to 140 characters), or with ``-2``, ``-3``... when it is taken."""
    from leitai.web.accounts.models import User

    base = base[:140]
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def account_apply(user: User, terms: Terms, *, name: str = "") -> User:
    """Give ``user`` the role, unit, department and approver flag of ``terms``; save."""
    user.role = terms.role
    user.unit = terms.unit
    user.department = terms.department
    user.unit_approver = terms.approver
    office = terms.role == "office"
    user.is_staff = office
    user.is_superuser = office
    if name:
        user.first_name = name[:150]
    user.full_clean(exclude=["password"])
    user.save()
    return user


def refusal_record(request: HttpRequest | None, *, who: str, reason: str, method: str) -> None:
    """A refused single sign-on in the login record, with its reason."""
    from leitai.web.accounts.security import login_record

    login_record(
        Action.ACCOUNT_LOGIN_FAILED,
        request,
        user=None,
        actor=None,
        summary=who[:150],
        method=method,
        reason=reason,
    )
