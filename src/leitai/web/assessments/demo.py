"""The assessments app's part of the demo (Qingdao 2023, illustrative): its periods.

The demo periods up to 2023Q3 are imported, computed and published in time order, with,
beside them, the illustrative grouped variant of 2023Q3 and the 2023 annual period, which
waits for 2023Q4 (the period in collection, opened by :mod:`leitai.web.workflow.demo`).
The whole demo, accounts included, is built by :func:`leitai.web.demo.demo_install`.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from leitai.web.assessments.models import Period
from leitai.web.assessments.services import (
    data_values_import,
    period_compute,
    period_create,
    scheme_version_create,
    snapshot_publish,
)

# (login, unit, name) of the demo's one unit approver (审核人).
DEMO_APPROVER = ("laoshan-shenhe", "laoshan", "崂山区审核人")
# (login, department, name) of the demo's department approver (审核人 of 市住房城乡建设局).
DEMO_DEPARTMENT_APPROVER = ("zhujian-shenhe", "zhujian", "市住房城乡建设局审核人")


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
def assessments_demo_install(*, collecting: str) -> dict[str, Period]:
    """Publish the demo's periods (once) but ``collecting``, which the workflow opens;
    return every demo period stored, by code."""
    from leitai.demo import demo_periods

    periods: dict[str, Period] = {p.code: p for p in Period.objects.all()}
    # Before the quarters: the office's "new period" proposes the latest stored scheme
    # version, which stays the quarterly scheme.
    _demo_extras_install(periods)
    for item in demo_periods():
        if item.period in periods or item.period == collecting:
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
    return periods


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
        period = period_create(
            code=grouped.period,
            name=grouped.name,
            ends_on=grouped.ends_on,
            scheme_version=version,
        )
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
