from __future__ import annotations

from django.urls import path

from leitai.web.api import views

app_name = "api_tokens"

urlpatterns = [
    path("tokens/", views.tokens, name="list"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="revoke"),
    path("tokens/settings/", views.api_settings, name="settings"),
]
