from __future__ import annotations

from django.urls import path

from leitai.web.notices import views

app_name = "notices"

urlpatterns = [
    path("periods/<slug:period>/notices/", views.notice_list, name="list"),
    path("periods/<slug:period>/notices/new/", views.notice_new, name="new"),
    path("periods/<slug:period>/notices/<int:serial>/", views.notice_detail, name="detail"),
    path("periods/<slug:period>/notices/<int:serial>.docx", views.notice_docx, name="docx"),
    path("periods/<slug:period>/notices/<int:serial>.pdf", views.notice_pdf, name="pdf"),
]
