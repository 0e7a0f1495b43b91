from __future__ import annotations

from django.urls import path

from leitai.web.targets import views

app_name = "targets"

urlpatterns = [
    path("targets/", views.board, name="board"),
    path("targets/new/", views.create, name="create"),
    path("targets/import/", views.import_table, name="import"),
    path("targets/units/<slug:unit>/", views.unit, name="unit"),
    path("targets/units/<slug:unit>/<slug:target>/report/", views.report, name="report"),
    path("targets/units/<slug:unit>/<slug:target>/edit/", views.edit, name="edit"),
    path("targets/units/<slug:unit>/<slug:target>/delete/", views.delete, name="delete"),
    path(
        "targets/units/<slug:unit>/<slug:target>/actuals/<slug:period>/evidence/",
        views.evidence,
        name="evidence",
    ),
]
