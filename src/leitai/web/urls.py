"""The URLs of the web application."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from leitai.web.api.writes import install as install_write_api
from leitai.web.boards.api import api

install_write_api(api)  # the write operations join the read API's schema

admin.site.site_header = _("Leitai administration")
admin.site.site_title = _("Leitai")
admin.site.index_title = _("Assessment office")

urlpatterns = [
    path("", include("leitai.web.boards.urls")),
    path("", include("leitai.web.accounts.urls")),
    path("", include("leitai.web.targets.urls")),
    path("", include("leitai.web.arena.urls")),
    path("", include("leitai.web.analysis.urls")),
    path("", include("leitai.web.workflow.urls")),
    path("", include("leitai.web.audit.urls")),
    path("", include("leitai.web.notices.urls")),
    path("", include("leitai.web.reminders.urls")),
    path("", include("leitai.web.api.urls")),
    # The language switch is on every page, anonymous boards included: with a CSRF token
    # in it, every rendered board would set a cookie and no shared cache could keep it.
    # Switching someone's language from another site changes nothing of theirs but that.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
