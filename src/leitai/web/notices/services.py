"""Issuing a notice (通报): numbered, stored with its DOCX, audited; and its PDF job."""

from __future__ import annotations

import hashlib
import io
from typing import Any

from django.db import transaction
from django.db.models import Max

from leitai.reports.notice import NoticeText, notice_table, write_notice
from leitai.web.assessments import selectors as assessments
from leitai.web.assessments.models import Period
from leitai.web.audit.models import Action
from leitai.web.audit.services import audit_record
from leitai.web.notices.models import Notice
from leitai.web.tasks.artifacts import artifact_store
from leitai.web.tasks.services import JobContext, job_kind

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class NoticeNotIssuable(Exception):
    """The period has no published result to issue a notice on."""


def notice_docx(*, text: NoticeText, snapshot: Any) -> bytes:
    """The DOCX of ``text`` with the snapshot's results table attached."""
    view = assessments.result_view(snapshot)
    tables = []
    if text.attachment:
        tables.append(
            notice_table(view.document, scheme=view.scheme, title=text.attachment, lang=text.lang)
        )
    buffer = io.BytesIO()
    write_notice(text, buffer, tables=tables)
    return buffer.getvalue()


@transaction.atomic
def notice_issue(*, period: Period, text: NoticeText, user: Any = None) -> Notice:
    """Issue ``text`` for the period's published result: the next serial, kept as issued.

    Raises :class:`NoticeNotIssuable` when the period has no published result.
    """
    Period.objects.select_for_update().filter(pk=period.pk).first()  # one serial at a time
    snapshot = assessments.period_published_snapshot(period)
    if snapshot is None:
        raise NoticeNotIssuable(period.code)
    content = notice_docx(text=text, snapshot=snapshot)
    last = Notice.objects.filter(period=period).aggregate(n=Max("serial"))["n"] or 0
    notice = Notice.objects.create(
        period=period,
        snapshot=snapshot,
        serial=last + 1,
        number=text.number,
        title=text.title,
        addressee=text.addressee,
        opening=text.opening,
        body="\n".join(text.body),
        office=text.office,
        date=text.date,
        attachment=text.attachment,
        docx=content,
        docx_sha256=hashlib.sha256(content).hexdigest(),
        issued_by=user,
    )
    audit_record(
        action=Action.NOTICE_ISSUED,
        actor=user,
        obj=notice,
        period=period,
        after={
            "serial": notice.serial,
            "number": notice.number,
            "title": notice.title,
            "date": notice.date.isoformat(),
            "revision": snapshot.revision,
            "docx_sha256": notice.docx_sha256,
        },
    )
    return notice


def notice_pdf_key(notice: Notice) -> str:
    return f"notice-pdf:{notice.pk}:{notice.docx_sha256}"


@job_kind
def notice_pdf_build(ctx: JobContext) -> None:
    """Convert the issued DOCX to PDF with LibreOffice headless (a worker's long work)."""
    from leitai.reports.notice import notice_pdf

    notice = Notice.objects.get(pk=int(ctx.args["notice"]))
    ctx.check()
    content = notice_pdf(bytes(notice.docx))
    with ctx.finishing():
        artifact_store(ctx=ctx, content=content)
