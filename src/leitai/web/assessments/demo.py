"""Install the bundled demo (Qingdao 2023, illustrative) into the database.

The demo periods up to 2023Q3 are imported, computed and published in time order
(with, beside them, the illustrative grouped variant of 2023Q3 and the 2023 annual
period, which waits for 2023Q4);
2023Q4 is opened in collection, half way through its quarter's work (see
:mod:`leitai.web.workflow.demo`). The public boards are switched on, and the demo
accounts are created (or their passwords reset): an office admin, one reporter per
unit and a viewer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from leitai.web.accounts.models import User
from leitai.web.accounts.services import site_settings_update, user_create
from leitai.web.assessments.models import Period, Unit
from leitai.web.assessments.services import (
    data_values_import,
    period_compute,
    period_create,
    scheme_version_create,
    snapshot_publish,
)

DEMO_PASSWORD = "leitai-demo"
# (login, unit, name) of the demo's one unit approver (审核人).
DEMO_APPROVER = ("laoshan-shenhe", "laoshan", "崂山区审核人")


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
        if self.approver:
            return f"审核人 unit approver · {self.unit}"
        if self.role == User.Role.PROVIDER:
            return f"数据提供方 provider · {self.unit}"
        return f"填报员 reporter · {self.unit}"


def demo_result_dates(code: str) -> tuple[datetime, datetime]:
    """When a demo quarter's result was computed and published: the 18th and 20th of the
    month after the quarter, at 10:00 in the site's time zone (2023Q1 → 2023-04-20)."""
    year, quarter = int(code[:4]), int(code[-1])
    month = quarter * 3 + 1
    if month > 12:
        year, month = year + 1, 1
    zone = timezone.get_current_timezone()
    return (
        datetime(year, month, 18, 10, 0, tzinfo=zone),
        datetime(year, month, 20, 10, 0, tzinfo=zone),
    )


@transaction.atomic
def demo_install(*, accounts: bool = True, password: str = DEMO_PASSWORD) -> list[DemoAccount]:
    """Load the demo (once) and return its accounts. Safe to call on every start."""
    from leitai.demo import demo_periods
    from leitai.web.workflow.demo import COLLECTING, workflow_demo_install

    periods: dict[str, Period] = {p.code: p for p in Period.objects.all()}
    collecting = None
    # Before the quarters: the office's "new period" proposes the latest stored scheme
    # version, which stays the quarterly scheme.
    _demo_extras_install(periods)
    for item in demo_periods():
        if item.period in periods:
            continue
        if item.period == COLLECTING:
            collecting = item  # opened in collection below, once the accounts exist
            continue
        version = scheme_version_create(
            content=item.scheme_path.read_bytes(),
            source=item.scheme_path.name,
            comment="示例",
        )
        period = period_create(
            code=item.period,
            scheme_version=version,
            previous=periods.get(item.previous) if item.previous else None,
        )
        data_values_import(period=period, source=item.data_path, filename=item.data_path.name)
        # Dated as the office would have published them: in the weeks after the quarter.
        computed, published = demo_result_dates(item.period)
        snapshot_publish(snapshot=period_compute(period=period, at=computed), at=published)
        periods[item.period] = period
    _demo_annual_publish(periods)
    site_settings_update(public_boards=True)
    from leitai.web.arena.demo import arena_demo_install  # targets, actuals, 2023-05-27 arena

    arena_demo_install()
    from leitai.web.notices.demo import notice_demo_install  # the 2023Q1 通报

    notice_demo_install()
    out = demo_accounts_ensure(password=password) if accounts else []
    if collecting is not None:
        workflow_demo_install(item=collecting, previous=periods.get(collecting.previous or ""))
    from leitai.web.reminders.demo import reminders_demo_install  # 2023Q4's deadline

    reminders_demo_install()
    return out


# The grouped variant is compared with no previous period: the previous results were
# ranked all together, so there is no rank within a group to climb from (spec section 10).
GROUPED_NOTE = "分类考核示意期：各单位在本组内排名，不与上期比较名次升降。"


def _demo_extras_install(periods: dict[str, Period]) -> None:
    """The 2023 annual assessment and the grouped variant of 2023Q3 (illustrative).

    The annual period is opened; it is computed and published only when every quarter it
    draws from is published. In the demo 2023Q4 is still collecting, so the annual
    period shows that it waits for 2023Q4 (its computation is refused, naming it).
    """
    from leitai.demo import demo_annual, demo_grouped
    from leitai.web.assessments.services import period_city_table_set

    grouped = demo_grouped()
    if grouped.period not in periods and grouped.data_path is not None:
        version = scheme_version_create(
            content=grouped.scheme_path.read_bytes(),
            source=grouped.scheme_path.name,
            comment="示例",
        )
        period = period_create(code=grouped.period, name=grouped.name, scheme_version=version)
        data_values_import(period=period, source=grouped.data_path, filename=grouped.data_path.name)
        snapshot_publish(snapshot=period_compute(period=period), previous_note=GROUPED_NOTE)
        period_city_table_set(period=period, on=True)  # the city-wide table beside the groups
        periods[grouped.period] = period
    annual = demo_annual()
    if annual.period not in periods:
        version = scheme_version_create(
            content=annual.scheme_path.read_bytes(),
            source=annual.scheme_path.name,
            comment="示例",
        )
        period = period_create(code=annual.period, name=annual.name, scheme_version=version)
        periods[annual.period] = period


def _demo_annual_publish(periods: dict[str, Period]) -> None:
    """Compute and publish the annual period once every quarter it needs is published."""
    from leitai.demo import demo_annual
    from leitai.web.assessments.services import period_sources

    period = periods.get(demo_annual().period)
    if period is None or period.snapshots.exists():
        return
    if all(s is not None for s in period_sources(period).values()):
        snapshot_publish(snapshot=period_compute(period=period))


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
    # One hash for every demo account (their password is the same and printed anyway):
    # an Argon2 hash costs about 0.2 s of CPU, and the demo has some fifteen accounts.
    hashed = make_password(password)
    out = []
    for username, role, unit, name in wanted:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                username=username, password=None, role=role, unit=unit, first_name=name
            )
        _demo_password_set(user, password, hashed)
        approver = username == DEMO_APPROVER[0]
        if approver and not user.unit_approver:
            user.unit_approver = True
            user.save(update_fields=["unit_approver"])
        out.append(DemoAccount(username, password, role, unit.name if unit else None, approver))
    from leitai.web.workflow.demo import demo_departments  # issue 11: data providers

    for code, department in demo_departments().items():
        user = User.objects.filter(username=code).first()
        if user is None:
            user = user_create(
                username=code,
                password=None,
                role=User.Role.PROVIDER,
                department=department,
                first_name=f"{department.name}数据员",
            )
        _demo_password_set(user, password, hashed)
        out.append(DemoAccount(code, password, User.Role.PROVIDER, department.name))
    # The demo is walked from the README with a password only (like the passwords above,
    # at every start): the office's second factor is off, and the security page warns.
    site_settings_update(office_second_factor=False)
    return out
