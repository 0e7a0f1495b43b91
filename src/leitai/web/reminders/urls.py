from __future__ import annotations

from django.urls import path

from leitai.web.reminders import views

app_name = "reminders"

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_read, name="read_all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="read"),
    path("reminders/robots/", views.webhook_list, name="webhooks"),
    path("reminders/robots/new/", views.webhook_edit, name="webhook_new"),
    path("reminders/robots/<int:pk>/", views.webhook_edit, name="webhook_edit"),
    path("reminders/robots/<int:pk>/delete/", views.webhook_delete, name="webhook_delete"),
    path("reminders/periods/<slug:period>/", views.period_reminders, name="period"),
    path("reminders/periods/<slug:period>/send/", views.period_send, name="send"),
]
