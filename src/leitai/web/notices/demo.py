"""The demo's notice (通报) on the 2023Q1 results, issued once on install.

:func:`notice_demo_install` is called by
:func:`leitai.web.demo.demo_install`, after the demo's targets (the notice
names the units with red targets as of its date).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from leitai.web.assessments import selectors as assessments
from leitai.web.assessments.models import Period
from leitai.web.notices.models import Notice
from leitai.web.notices.selectors import notice_draft
from leitai.web.notices.services import notice_issue

DEMO_PERIOD = "2023Q1"
DEMO_NUMBER = "青考办〔2023〕5号"
DEMO_DATE = dt.date(2023, 5, 20)


def notice_demo_install() -> Notice | None:
    """Issue the 2023Q1 notice (青考办〔2023〕5号) unless the period has one already."""
    period = Period.objects.filter(code=DEMO_PERIOD).first()
    if period is None or Notice.objects.filter(period=period).exists():
        return None
    snapshot = assessments.period_published_snapshot(period)
    if snapshot is None:
        return None
    draft = notice_draft(period=period, snapshot=snapshot, today=DEMO_DATE)
    return notice_issue(period=period, text=dataclasses.replace(draft, number=DEMO_NUMBER))
