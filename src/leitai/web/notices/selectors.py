"""Reading notices: who may read them, the draft of a new one, the next 文号."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone

from leitai.reports.notice import NoticeText, notice_text
from leitai.web.accounts.selectors import user_can_read_published, user_is_office
from leitai.web.assessments import selectors as assessments
from leitai.web.assessments.models import Period, Snapshot
from leitai.web.notices.models import Notice

# 青考办〔2023〕5号: the office's prefix, the year, the number within the year.
_NUMBER = re.compile(r"^(?P<prefix>.*〔)(?P<year>\d{4})(?P<mid>〕)(?P<n>\d+)(?P<suffix>号)$")
DEFAULT_PREFIX = "青考办"


def notices_readable(user: Any) -> bool:
    """Issued notices are public documents: whoever may read published results."""
    return user_is_office(user) or user_can_read_published(user)


def notices_of(period: Period) -> list[Notice]:
    return list(Notice.objects.filter(period=period).defer("docx").order_by("serial"))


def notice_get(*, period: Period, serial: int) -> Notice | None:
    return Notice.objects.filter(period=period, serial=serial).first()


def next_number(*, year: int) -> str:
    """The 文号 after the last one issued in ``year`` (青考办〔2023〕6号 after …5号)."""
    best: tuple[int, str] | None = None
    for number in Notice.objects.exclude(number="").values_list("number", flat=True):
        m = _NUMBER.match(number)
        if m and int(m["year"]) == year and (best is None or int(m["n"]) > best[0]):
            best = (int(m["n"]), m["prefix"])
    n, prefix = best if best else (0, f"{DEFAULT_PREFIX}〔")
    return f"{prefix}{year}〕{n + 1}号"


def notice_progresses(as_of: dt.date) -> list[Any]:
    """Every target's progress at ``as_of`` (for the units with red targets), or none."""
    from leitai.engine.targets import progress_all
    from leitai.web.targets.selectors import all_engine_inputs

    targets, actuals = all_engine_inputs()
    return progress_all(targets, actuals, as_of=as_of) if targets else []


def notice_draft(
    *, period: Period, snapshot: Snapshot, today: dt.date | None = None, lang: str = "zh"
) -> NoticeText:
    """The words the office starts from: drawn from the published result and the targets."""
    from leitai.web.targets.selectors import default_as_of

    today = today or timezone.localdate()
    view = assessments.result_view(snapshot)
    return notice_text(
        view.document,
        scheme=view.scheme,
        progresses=notice_progresses(min(today, default_as_of(today))),
        number=next_number(year=today.year),
        date=today,
        period_label=assessments.period_label(period),
        lang=lang,
    )
