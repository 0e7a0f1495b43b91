"""The whole bundled demo (Qingdao 2023, illustrative), installed into the database.

This module stands above the apps: it calls each app's own demo installer in the order
the story needs, and no app's installer calls another's.

1. ``assessments``: the demo periods up to 2023Q3 imported, computed and published in
   time order, beside them the grouped variant of 2023Q3 and the 2023 annual period
   (which waits for 2023Q4) (:mod:`leitai.web.assessments.demo`); the public boards on.
2. ``arena``: targets, actuals and the 2023-05-27 arena (:mod:`leitai.web.arena.demo`).
3. ``notices``: the 2023Q1 通报 (:mod:`leitai.web.notices.demo`).
4. The accounts, created or their passwords reset: an office admin, one reporter per
   unit, 崂山区's 审核人, a viewer and the departments' data providers.
5. ``workflow``: 2023Q4 opened in collection, half way through its quarter's work
   (:mod:`leitai.web.workflow.demo`; it needs the accounts).
6. ``reminders``: 2023Q4's deadlines (:mod:`leitai.web.reminders.demo`).

Each step adds only what is missing, so :func:`demo_install` is safe on every start
(``leitai serve --demo``) and builds what every web test starts from.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.db import transaction
from django.utils import timezone

from leitai.web.accounts.models import User
from leitai.web.accounts.services import site_settings_update, user_create
from leitai.web.arena.demo import arena_demo_install
from leitai.web.assessments.demo import (
    DEMO_APPROVER,
    DEMO_DEPARTMENT_APPROVER,
    assessments_demo_install,
)
from leitai.web.assessments.models import Unit
from leitai.web.notices.demo import notice_demo_install
from leitai.web.reminders.demo import reminders_demo_install
from leitai.web.workflow.demo import COLLECTING, demo_departments, workflow_demo_install

DEMO_PASSWORD = "leitai-demo"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    unit: str | None
    approver: bool = False

    @property
    def description(self) -> str:
        if self.role == User.Role.OFFICE:
            return "考核办 office admin"
        if self.role == User.Role.VIEWER:
            return "查看 viewer"
        if self.approver and self.role == User.Role.PROVIDER:
            return f"审核人 department approver · {self.unit}"
        if self.approver:
            return f"审核人 unit approver · {self.unit}"
        if self.role == User.Role.PROVIDER:
            return f"数据提供方 provider · {self.unit}"
        return f"填报员 reporter · {self.unit}"


@transaction.atomic
def demo_install(*, accounts: bool = True, password: str = DEMO_PASSWORD) -> list[DemoAccount]:
    """Load the demo (once) and return its accounts. Safe to call on every start."""
    from leitai.demo import demo_periods

    periods = assessments_demo_install(collecting=COLLECTING)
    site_settings_update(public_boards=True)
    arena_demo_install()
    notice_demo_install()
    out = demo_accounts_ensure(password=password) if accounts else []
    for item in demo_periods():
        if item.period == COLLECTING:  # does nothing once the period exists
            workflow_demo_install(item=item, previous=periods.get(item.previous or ""))
    reminders_demo_install()
    return out


class _DemoPassword:
    """The demo password: one hash for every account that needs it (an Argon2 hash costs
    about 0.2 s of CPU, and the demo has some twenty accounts), and whether an account
    already has it, checked once per stored hash (after the first start they all share
    one)."""

    def __init__(self, password: str) -> None:
        self.password = password
        self._hash = ""
        self._holds: dict[str, bool] = {}

    def hash(self) -> str:
        if not self._hash:
            self._hash = make_password(self.password)
        return self._hash

    def held_by(self, user: User) -> bool:
        """Whether ``user``'s password is this one, in a hash that needs no update."""
        encoded = user.password or ""
        if encoded not in self._holds:
            try:
                current = not identify_hasher(encoded).must_update(encoded)
            except ValueError:  # an unusable password, or no hash at all
                current = False
            self._holds[encoded] = current and check_password(self.password, encoded)
        return self._holds[encoded]


def _demo_password_set(user: User, password: str, hashed: str) -> None:
    """What :func:`~leitai.web.accounts.services.user_set_password` does, with the hash of
    ``password`` already made."""
    user.password = hashed
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "password_changed_at"])
    # As saving after set_password does: the password history keeps the hash.
    password_validation.password_changed(password, user)


def demo_accounts_ensure(*, password: str = DEMO_PASSWORD) -> list[DemoAccount]:
    wanted: list[tuple[str, str, Unit | None, str]] = [("office", User.Role.OFFICE, None, "考核办")]
    for member in Unit.objects.order_by("position", "code"):
        wanted.append((member.code, User.Role.REPORTER, member, f"{member.name}填报员"))
    wanted.append(("viewer", User.Role.VIEWER, None, "查看"))
    # 崂山区 approves inside before submitting (two-step approval in 2023Q4): its 审核人.
    approver_unit = Unit.objects.filter(code=DEMO_APPROVER[1]).first()
    if approver_unit is not None:
        wanted.append((DEMO_APPROVER[0], User.Role.REPORTER, approver_unit, DEMO_APPROVER[2]))
    # One hash for every demo account (their password is the same and printed anyway).
    # An account that has the password already (a restart) keeps its hash: setting it
    # again would only add the same password to its history at every start.
    demo_password = _DemoPassword(password)
    kept: list[int] = []

    def ensure(user: User) -> None:
        if demo_password.held_by(user):
            kept.append(user.pk)
        else:
            _demo_password_set(user, password, demo_password.hash())

    out = []
    for username, role, unit, name in wanted:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                username=username, password=None, role=role, unit=unit, first_name=name
            )
        ensure(user)
        approver = username == DEMO_APPROVER[0]
        if approver and not user.unit_approver:
            user.unit_approver = True
            user.save(update_fields=["unit_approver"])
        out.append(DemoAccount(username, password, role, unit.name if unit else None, approver))
    # issue 11: data providers, and 住建局's 审核人 (approval inside the department in 2023Q4).
    departments = demo_departments()
    providers = [
        (code, department, f"{department.name}数据员", False)
        for code, department in departments.items()
    ]
    login, code, name = DEMO_DEPARTMENT_APPROVER
    if code in departments:
        providers.append((login, departments[code], name, True))
    for username, department, name, approver in providers:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                username=username,
                password=None,
                role=User.Role.PROVIDER,
                department=department,
                first_name=name,
            )
        ensure(user)
        if approver and not user.unit_approver:
            user.unit_approver = True
            user.save(update_fields=["unit_approver"])
        out.append(DemoAccount(username, password, User.Role.PROVIDER, department.name, approver))
    # As a reset would: the password's age counts from this start.
    User.objects.filter(pk__in=kept).update(password_changed_at=timezone.now())
    # The demo is walked from the README with a password only (like the passwords above,
    # at every start): the office's second factor is off, and the security page warns.
    site_settings_update(office_second_factor=False)
    return out
