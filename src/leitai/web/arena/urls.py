from __future__ import annotations

from django.urls import path

from leitai.web.arena import judging_views, proposal_views, views

app_name = "arena"

urlpatterns = [
    path("arena/", views.session_list, name="list"),
    path("arena/new/", views.create, name="create"),
    path("arena/<slug:session>/", views.detail, name="detail"),
    path("arena/<slug:session>/edit/", views.edit, name="edit"),
    path("arena/<slug:session>/present/", views.present, name="present"),
    path("arena/<slug:session>/deck.pptx", views.deck, name="deck"),
    path("arena/<slug:session>/pledges/", views.pledge, name="pledge"),
    # The live scoring (现场评议): the office, the judges' phones, the hall
    path("arena/<slug:session>/scoring/", judging_views.scoring, name="scoring"),
    path("arena/<slug:session>/judge/", judging_views.judge, name="judge"),
    path("arena/<slug:session>/judge/state.json", judging_views.judge_state, name="judge_state"),
    path("arena/<slug:session>/judge/sheet.json", judging_views.judge_sheet, name="judge_sheet"),
    path("arena/<slug:session>/live.json", judging_views.live, name="live"),
    path("arena/<slug:session>/results/", judging_views.results, name="results"),
    # Pledges proposed from the texts of the session (leitai.web.arena.proposals)
    path("arena/<slug:session>/texts/", proposal_views.texts, name="texts"),
    path("arena/<slug:session>/texts/<int:pk>/", proposal_views.text, name="text"),
    path(
        "arena/<slug:session>/texts/<int:pk>/<int:proposal>/accept/",
        proposal_views.accept,
        name="proposal_accept",
    ),
    path(
        "arena/<slug:session>/texts/<int:pk>/<int:proposal>/reject/",
        proposal_views.reject,
        name="proposal_reject",
    ),
]
