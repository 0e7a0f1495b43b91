"""The audit log for the office: filter, read an entry's before and after, export."""

from __future__ import annotations

import io
import json
from typing import Any, TypedDict

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET

from leitai.i18n import render as render_problem
from leitai.io.export import append_row, csv_text
from leitai.web.access import office
from leitai.web.assessments.models import Unit
from leitai.web.audit.forms import AuditFilterForm
from leitai.web.audit.integrity import IntegrityReport, integrity_report
from leitai.web.audit.labels import changes_text, indicator_names, note_label, object_label
from leitai.web.audit.models import Action, AuditEntry
from leitai.web.audit.selectors import KeyChange, audit_entries, changed_keys

EXPORT_FORMATS = ("csv", "xlsx")


def _labels() -> dict[str, str]:
    return {value: str(label) for value, label in Action.choices}


@require_GET
@office
def log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None, viewer=request.user)
    entries = audit_entries(**form.filters())
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    # Each entry with the first three keys it changed and how many more it changed.
    rows: list[tuple[AuditEntry, list[KeyChange], int]] = []
    for item in page:
        changed = [r for r in changed_keys(item.before, item.after) if r["changed"]]
        rows.append((item, changed[:3], max(len(changed) - 3, 0)))
    query = request.GET.copy()
    query.pop("page", None)
    units = dict(Unit.objects.values_list("code", "name"))
    return render(
        request,
        "audit/log.html",
        {
            "section": "audit",
            "tab": "audit",
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "labels": _labels(),
            "units": units,
            "names": indicator_names(),
            **_integrity(),
        },
    )


class Integrity(TypedDict):
    report: IntegrityReport
    findings: list[str]


def _integrity() -> Integrity:
    """The whole record's verification for the log page: the chain against its anchors
    and every published result against its seal, each finding in words."""
    report = integrity_report()
    return {
        "report": report,
        "findings": [render_problem(problem, _) for problem in report.problems],
    }


@require_GET
@office
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(AuditEntry.objects.select_related("actor"), pk=pk)
    return render(
        request,
        "audit/entry.html",
        {
            "section": "audit",
            "tab": "audit",
            "entry": item,
            "label": _labels().get(item.action, item.action),
            "rows": changed_keys(item.before, item.after),
            "units": dict(Unit.objects.values_list("code", "name")),
            "names": indicator_names(),
            "newer": AuditEntry.objects.filter(pk__gt=item.pk).order_by("pk").first(),
            "older": AuditEntry.objects.filter(pk__lt=item.pk).order_by("-pk").first(),
        },
    )


# The exported log's columns: the entry in words for the office and the auditors who
# read it in Excel, with the codes and the exact records the chain's digests cover.
COLUMNS = (
    pgettext_lazy("audit export", "No."),
    pgettext_lazy("audit export", "Time"),
    pgettext_lazy("audit export", "By"),
    pgettext_lazy("audit export", "Action"),
    pgettext_lazy("audit export", "Action code"),
    pgettext_lazy("audit export", "Period"),
    pgettext_lazy("audit export", "Unit"),
    pgettext_lazy("audit export", "Record"),
    pgettext_lazy("audit export", "Note"),
    pgettext_lazy("audit export", "Changes"),
    pgettext_lazy("audit export", "Before (as recorded)"),
    pgettext_lazy("audit export", "After (as recorded)"),
    pgettext_lazy("audit export", "Digest"),
)


def _rows(entries: Any) -> Any:
    labels = _labels()
    names = indicator_names()
    units = dict(Unit.objects.values_list("code", "name"))
    zone = timezone.get_current_timezone()
    for e in entries.iterator(chunk_size=1000):
        record = f"{object_label(e.object_type)} {e.object_id}".strip() if e.object_type else ""
        yield [
            e.pk,
            e.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
            e.actor_name or _("system"),
            labels.get(e.action, e.action),
            e.action,
            e.period,
            units.get(e.unit, e.unit),
            record,
            note_label(e.note),
            changes_text(e.before, e.after, names),
            "" if e.before is None else json.dumps(e.before, ensure_ascii=False, sort_keys=True),
            "" if e.after is None else json.dumps(e.after, ensure_ascii=False, sort_keys=True),
            e.digest,
        ]


@require_GET
@office
def export(request: HttpRequest) -> HttpResponse:
    """The filtered log as CSV (UTF-8 with BOM, for Excel) or XLSX."""
    form = AuditFilterForm(request.GET or None, viewer=request.user)
    entries = audit_entries(**form.filters()).order_by("pk")
    kind = request.GET.get("format", "csv")
    if kind not in EXPORT_FORMATS:
        kind = "csv"
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    header = [str(column) for column in COLUMNS]
    if kind == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("Audit log")[:31])
        append_row(sheet, header)
        for row in _rows(entries):
            append_row(sheet, row)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        text = csv_text(_rows(entries), header=header, bom=True, lineterminator="\r\n")
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="leitai-audit-{stamp}.{kind}"'
    return response
