"""Notices (通报): the list of a period's issued notices, issuing one, its DOCX and PDF.

Every view finds the period and checks who is asking through :func:`_readable` or
:func:`_office`; issued notices are public documents (whoever may read published
results), issuing is the office's.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from leitai.web.access import login_redirect
from leitai.web.accounts.selectors import user_is_office
from leitai.web.assessments import selectors as assessments
from leitai.web.assessments.models import Period
from leitai.web.notices import selectors, services
from leitai.web.notices.forms import NoticeForm
from leitai.web.notices.models import Notice


def _deny(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_redirect(request)
    raise PermissionDenied


def _period(code: str) -> Period:
    return get_object_or_404(Period.objects.select_related("scheme_version__scheme"), code=code)


def _notice(request: HttpRequest, period: str, serial: int) -> Notice | HttpResponse:
    """The issued notice for a reader, or the answer to someone who may not read it."""
    obj = _period(period)
    if not selectors.notices_readable(request.user):
        return _deny(request)
    notice = selectors.notice_get(period=obj, serial=serial)
    if notice is None:
        raise Http404
    return notice


def _lang() -> str:
    return "zh" if (get_language() or "").startswith("zh") else "en"


@require_GET
def notice_list(request: HttpRequest, period: str) -> HttpResponse:
    obj = _period(period)
    published = assessments.period_has_published(obj)
    if not published and not user_is_office(request.user):
        raise Http404  # nobody but the office learns that an unpublished period exists
    if not selectors.notices_readable(request.user):
        return _deny(request)
    return render(
        request,
        "notices/list.html",
        {
            "period": obj,
            "period_label": assessments.period_label(obj),
            "notices": selectors.notices_of(obj),
            "can_issue": user_is_office(request.user) and published,
            "published": published,
        },
    )


@require_http_methods(["GET", "POST"])
def notice_new(request: HttpRequest, period: str) -> HttpResponse:
    """The office edits the drafted words and issues the notice."""
    if not user_is_office(request.user):
        return _deny(request)
    obj = _period(period)
    snapshot = assessments.period_published_snapshot(obj)
    if snapshot is None:
        messages.error(
            request, _("A notice is issued on a published result; this period has none.")
        )
        return redirect("notices:list", obj.code)
    if request.method == "POST":
        form = NoticeForm(request.POST)
        if form.is_valid():
            notice = services.notice_issue(
                period=obj, text=form.text(lang=_lang()), user=request.user
            )
            messages.success(
                request, _("Notice %(number)s issued.") % {"number": notice.number or notice.serial}
            )
            return redirect("notices:detail", obj.code, notice.serial)
    else:
        draft = selectors.notice_draft(period=obj, snapshot=snapshot, lang=_lang())
        form = NoticeForm(initial=NoticeForm.initial_of(draft))
    return render(
        request,
        "notices/new.html",
        {
            "period": obj,
            "period_label": assessments.period_label(obj),
            "form": form,
            "snapshot": snapshot,
        },
    )


@require_GET
def notice_detail(request: HttpRequest, period: str, serial: int) -> HttpResponse:
    from leitai.reports.notice import libreoffice

    notice = _notice(request, period, serial)
    if isinstance(notice, HttpResponse):
        return notice
    return render(
        request,
        "notices/detail.html",
        {
            "period": notice.period,
            "period_label": assessments.period_label(notice.period),
            "notice": notice,
            "has_libreoffice": libreoffice() is not None,
        },
    )


@require_GET
def notice_docx(request: HttpRequest, period: str, serial: int) -> HttpResponse:
    notice = _notice(request, period, serial)
    if isinstance(notice, HttpResponse):
        return notice
    response = HttpResponse(bytes(notice.docx), content_type=services.DOCX)
    response["Content-Disposition"] = f'attachment; filename="leitai-notice-{period}-{serial}.docx"'
    return response


@require_http_methods(["GET", "POST"])
def notice_pdf(request: HttpRequest, period: str, serial: int) -> HttpResponse:
    """The PDF, converted by LibreOffice on the queue; said plainly where it is not installed."""
    from leitai.reports.notice import libreoffice
    from leitai.web.tasks.artifacts import artifact_request, artifact_view

    notice = _notice(request, period, serial)
    if isinstance(notice, HttpResponse):
        return notice
    back = reverse("notices:detail", args=[period, serial])
    if libreoffice() is None:
        return render(
            request,
            "notices/no_pdf.html",
            {
                "notice": notice,
                "back": back,
                "period_label": assessments.period_label(notice.period),
            },
        )
    key = services.notice_pdf_key(notice)
    return artifact_view(
        request,
        key=key,
        title=f"{notice.title} · PDF",
        back=back,
        build=lambda: artifact_request(
            key=key,
            filename=f"leitai-notice-{period}-{serial}.pdf",
            content_type=services.PDF,
            handler=services.notice_pdf_build,
            args={"notice": notice.pk},
        ),
    )
