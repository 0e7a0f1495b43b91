"""The office's account pages (账号管理): list, create, change, deactivate, reset a
password or a second factor, and create many from a spreadsheet. Thin: every write is
a service of :mod:`leitai.web.accounts.services`, which checks the office again and
records itself in the audit log."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from leitai.web.access import office, signed_in_user
from leitai.web.accounts import services
from leitai.web.accounts.bulk import MAX_BYTES, accounts_bulk_check, accounts_template
from leitai.web.accounts.forms import AccountFilterForm, AccountForm, AccountsUploadForm
from leitai.web.accounts.models import User
from leitai.web.accounts.selectors import accounts_for_office, login_record_for
from leitai.web.accounts.twofactor import has_second_factor

BULK_SESSION_KEY = "accounts_bulk"


def _page(request: HttpRequest, template: str, **context: Any) -> HttpResponse:
    return render(request, f"accounts/{template}", {"section": "accounts", **context})


def _form_errors(form: Any, error: ValidationError) -> None:
    """A service's refusal shown at the form's fields (or above them)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@require_GET
@office
def account_list(request: HttpRequest) -> HttpResponse:
    form = AccountFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    accounts = accounts_for_office(**{k: v or "" for k, v in filters.items()})
    page = Paginator(accounts, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return _page(request, "account_list.html", form=form, page=page, query=query.urlencode())


@require_http_methods(["GET", "POST"])
@office
def account_new(request: HttpRequest) -> HttpResponse:
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account, password = services.account_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return _password_page(request, account, password, created=True)
    return _page(request, "account_form.html", form=form, account=None)


def _password_page(
    request: HttpRequest, account: User, password: str, *, created: bool = False
) -> HttpResponse:
    """The first password, shown to the office this once (never stored in clear)."""
    response = _page(
        request, "account_password.html", account=account, password=password, created=created
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@office
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User.objects.select_related("unit"), pk=pk)
    initial = {
        "real_name": account.real_name,
        "role": account.role,
        "unit": account.unit,
        "unit_approver": account.unit_approver,
        "phone": account.phone,
        "email": account.email,
    }
    form = AccountForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_update(actor=request.user, account=account, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The account is saved."))
            return redirect("accounts:account_detail", account.pk)
    return _page(
        request,
        "account_form.html",
        form=form,
        account=account,
        second_factor=has_second_factor(account),
        logins=login_record_for(account, limit=10),
    )


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_POST
@office
def account_active(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.account_set_active(actor=request.user, account=account, active=active)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("The account is active again.") if active else _("The account is deactivated."),
        )
    return redirect("accounts:account_detail", account.pk)


@require_POST
@office
def account_password(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    try:
        password = services.account_password_reset(actor=request.user, account=account)
    except ValidationError as error:
        _refused(request, error)
        return redirect("accounts:account_detail", account.pk)
    return _password_page(request, account, password)


@require_POST
@office
def account_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    services.second_factor_reset_for(account=account, user=signed_in_user(request), request=request)
    messages.success(
        request,
        _("The second factor of %(name)s is removed; a new one is set up at the next login.")
        % {"name": account.get_username()},
    )
    return redirect("accounts:account_detail", account.pk)


@require_GET
@office
def accounts_template_download(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        accounts_template(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="leitai-accounts.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
@office
def accounts_import(request: HttpRequest) -> HttpResponse:
    """Upload the filled-in template: a preview of every account, or every problem at its
    cell. Nothing is created until the office confirms a preview without problems."""
    form = AccountsUploadForm(request.POST or None, request.FILES or None)
    check = None
    token = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            form.add_error(
                "file", _("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // 1024 // 1024}
            )
        else:
            check = accounts_bulk_check(
                b"".join(upload.chunks()), filename=(upload.name or "accounts")[:200]
            )
        if check is not None and check.ok:
            token = uuid.uuid4().hex
            request.session[BULK_SESSION_KEY] = {
                "token": token,
                "rows": check.rows,
                "filename": check.filename,
            }
    return _page(request, "accounts_import.html", form=form, check=check, token=token)


@require_POST
@office
def accounts_import_confirm(request: HttpRequest) -> HttpResponse:
    stored = request.session.get(BULK_SESSION_KEY) or {}
    if not stored or stored.get("token") != request.POST.get("token"):
        messages.error(request, _("This preview is no longer valid: upload the file again."))
        return redirect("accounts:accounts_import")
    try:
        created = services.accounts_bulk_create(
            actor=request.user, rows=stored["rows"], filename=stored["filename"]
        )
    except ValidationError as error:
        _refused(request, error)
        return redirect("accounts:accounts_import")
    finally:
        request.session.pop(BULK_SESSION_KEY, None)
    response = _page(request, "accounts_created.html", created=created)
    response["Cache-Control"] = "no-store"
    return response
