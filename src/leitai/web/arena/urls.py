from __future__ import annotations

from django.urls import path

from leitai.web.arena import views

app_name = "arena"

urlpatterns = [
    path("arena/", views.session_list, name="list"),
    path("arena/new/", views.create, name="create"),
    path("arena/<slug:session>/", views.detail, name="detail"),
    path("arena/<slug:session>/edit/", views.edit, name="edit"),
    path("arena/<slug:session>/present/", views.present, name="present"),
    path("arena/<slug:session>/deck.pptx", views.deck, name="deck"),
    path("arena/<slug:session>/pledges/", views.pledge, name="pledge"),
]
