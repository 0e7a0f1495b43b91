from __future__ import annotations

from django.urls import path

from leitai.web.analysis import views

app_name = "analysis"

urlpatterns = [
    path("periods/<slug:period>/robustness/", views.robustness, name="robustness"),
    path("periods/<slug:period>/robustness/run/", views.robustness_run, name="robustness_run"),
    path(
        "periods/<slug:period>/robustness/status/",
        views.robustness_status,
        name="robustness_status",
    ),
    path("periods/<slug:period>/diagnostics/", views.diagnostics, name="diagnostics"),
    path("periods/<slug:period>/builds/", views.builds, name="builds"),
    path("periods/<slug:period>/units/<slug:unit>/whatif/", views.whatif, name="whatif"),
    path(
        "periods/<slug:period>/units/<slug:unit>/whatif/recompute/",
        views.whatif_recompute,
        name="whatif_recompute",
    ),
]
