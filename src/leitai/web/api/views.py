"""The tokens page: the office makes and revokes every account's tokens, and a person
their own while the office allows it. A new token is shown once, on the page that
made it; only its hash is kept."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from leitai.web.access import login_redirect, signed_in_user
from leitai.web.accounts.selectors import user_is_office
from leitai.web.api import services
from leitai.web.api.forms import ApiSettingsForm, TokenForm
from leitai.web.api.selectors import api_settings_get, self_service_allowed, tokens_visible
from leitai.web.errors import ServiceError

CREATED = "leitai_api_token_created"


def _allowed(request: HttpRequest) -> bool | HttpResponse:
    """Whether the person may make tokens (office or self-service); a login page for a
    visitor; 403 for an account without a role."""
    user = request.user
    if not user.is_authenticated:
        return login_redirect(request)
    if not user.has_role:
        raise PermissionDenied
    return user_is_office(user) or self_service_allowed(user)


@never_cache
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    allowed = _allowed(request)
    if isinstance(allowed, HttpResponse):
        return allowed
    office = user_is_office(request.user)
    form = TokenForm(request.POST or None, office=office, user=signed_in_user(request))
    # Shown once, on the page the person is sent to after making it (a reload of that
    # page neither shows it again nor makes another token).
    created = request.session.pop(CREATED, None)
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        if form.is_valid():
            try:
                token, created = services.token_create(
                    owner=form.cleaned_data["owner"],
                    name=form.cleaned_data["name"],
                    period=form.cleaned_data["period"],
                    actor=signed_in_user(request),
                )
            except ServiceError as exc:
                form.add_error(None, " ".join(exc.messages))
            else:
                request.session[CREATED] = created
                messages.success(
                    request,
                    _("Token “%(name)s” made. Copy it now: it is not shown again.")
                    % {"name": token.name},
                )
                return redirect("api_tokens:list")
    return render(
        request,
        "api/tokens.html",
        {
            "title": _("API tokens"),
            "form": form,
            "created": created,
            "tokens": tokens_visible(user=request.user)[:200],
            "allowed": allowed,
            "office": office,
            "settings_form": ApiSettingsForm(
                initial={"self_service": api_settings_get().self_service}
            )
            if office
            else None,
            "docs_url": reverse("boards:api_docs"),
        },
    )


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    allowed = _allowed(request)
    if isinstance(allowed, HttpResponse):
        return allowed
    token = get_object_or_404(tokens_visible(user=request.user), pk=pk)
    try:
        services.token_revoke(token=token, actor=signed_in_user(request))
    except ServiceError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api_tokens:list")


@require_POST
def api_settings(request: HttpRequest) -> HttpResponse:
    if not user_is_office(request.user):
        if not request.user.is_authenticated:
            return redirect_to_login(reverse("api_tokens:list"))
        raise PermissionDenied
    form = ApiSettingsForm(request.POST)
    if form.is_valid():
        services.api_settings_update(
            self_service=form.cleaned_data["self_service"], user=signed_in_user(request)
        )
        messages.success(request, _("Settings saved."))
    return redirect("api_tokens:list")
