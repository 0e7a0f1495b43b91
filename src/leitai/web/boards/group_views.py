"""The office's choices about a grouped period's boards (分类考核)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods

from leitai.web.access import login_redirect
from leitai.web.accounts.selectors import user_is_office
from leitai.web.assessments.models import Period
from leitai.web.assessments.services import period_city_table_set


@require_http_methods(["POST"])
def city_table(request: HttpRequest, period: str) -> HttpResponse:
    """The office shows or hides the city-wide table beside the groups (audited)."""
    if not request.user.is_authenticated:
        return login_redirect(request)
    if not user_is_office(request.user):
        raise PermissionDenied
    period_obj = get_object_or_404(Period, code=period)
    period_city_table_set(period=period_obj, on=request.POST.get("on") == "1", user=request.user)
    return redirect("boards:league", period_obj.code)
