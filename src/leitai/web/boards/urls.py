from __future__ import annotations

from django.urls import path

from leitai.web import health
from leitai.web.boards import api_docs, group_views, views, year_views

app_name = "boards"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    # Before the API's own URLs: the documentation in words (Swagger is /api/swagger).
    path("api/docs", api_docs.api_docs, name="api_docs"),
    path("periods/<slug:period>/", views.league, name="league"),
    path("periods/<slug:period>/stars/", views.stars, name="stars"),
    path("periods/<slug:period>/posters/", views.posters, name="posters"),
    path("periods/<slug:period>/city-table/", group_views.city_table, name="city_table"),
    path("periods/<slug:period>/compare/", views.compare, name="compare"),
    path("periods/<slug:period>/book.xlsx", views.book, name="book"),
    path("periods/<slug:period>/cards.pdf", views.report_cards, {"kind": "pdf"}, name="cards_pdf"),
    path("periods/<slug:period>/cards.zip", views.report_cards, {"kind": "zip"}, name="cards_zip"),
    path("periods/<slug:period>/units/<slug:unit>/", views.unit, name="unit"),
    path("periods/<slug:period>/units/<slug:unit>/data/", views.unit_data, name="unit_data"),
    path("periods/<slug:period>/indicators/<slug:indicator>/", views.indicator, name="indicator"),
    path("years/<int:year>/", year_views.year, name="year"),
    path("years/<int:year>/units/<slug:unit>/", year_views.unit_year, name="unit_year"),
]
