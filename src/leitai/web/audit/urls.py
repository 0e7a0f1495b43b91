from __future__ import annotations

from django.urls import path

from leitai.web.audit import views

app_name = "audit"

urlpatterns = [
    path("audit/", views.log, name="log"),
    path("audit/export/", views.export, name="export"),
    path("audit/<int:pk>/", views.entry, name="entry"),
]
