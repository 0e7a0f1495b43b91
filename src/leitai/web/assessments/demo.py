"""Install the bundled demo (Qingdao 2023, illustrative) into the database.

The demo periods up to 2023Q3 are imported, computed and published in time order;
2023Q4 is opened in collection, half way through its quarter's work (see
:mod:`leitai.web.workflow.demo`). The public boards are switched on, and the demo
accounts are created (or their passwords reset): an office admin, one reporter per
unit and a viewer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from leitai.web.accounts.models import User
from leitai.web.accounts.services import site_settings_update, user_create, user_set_password
from leitai.web.assessments.models import Period, Unit
from leitai.web.assessments.services import (
    data_values_import,
    period_compute,
    period_create,
    scheme_version_create,
    snapshot_publish,
)

DEMO_PASSWORD = "leitai-demo"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    unit: str | None

    @property
    def description(self) -> str:
        if self.role == User.Role.OFFICE:
            return "考核办 office admin"
        if self.role == User.Role.VIEWER:
            return "查看 viewer"
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
    for item in demo_periods():
        if item.period in periods:
            continue
        if item.period == COLLECTING:
            collecting = item  # opened in collection below, once the accounts exist
            continue
        version = scheme_version_create(
            content=item.scheme_path.read_bytes(),
            source=item.scheme_path.name,
            comment="demo",
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
    site_settings_update(public_boards=True)
    from leitai.web.arena.demo import arena_demo_install  # targets, actuals, 2023-05-27 arena

    arena_demo_install()
    out = demo_accounts_ensure(password=password) if accounts else []
    if collecting is not None:
        workflow_demo_install(item=collecting, previous=periods.get(collecting.previous or ""))
    return out


def demo_accounts_ensure(*, password: str = DEMO_PASSWORD) -> list[DemoAccount]:
    wanted: list[tuple[str, str, Unit | None, str]] = [("office", User.Role.OFFICE, None, "考核办")]
    for unit in Unit.objects.order_by("position", "code"):
        wanted.append((unit.code, User.Role.REPORTER, unit, f"{unit.name}填报员"))
    wanted.append(("viewer", User.Role.VIEWER, None, "查看"))
    out = []
    for username, role, unit, name in wanted:
        user = User.objects.filter(username=username).first()
        if user is None:
            user_create(username=username, password=password, role=role, unit=unit, first_name=name)
        else:
            user_set_password(user=user, password=password)
        out.append(DemoAccount(username, password, role, unit.name if unit else None))
    return out
