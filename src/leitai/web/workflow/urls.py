from __future__ import annotations

from django.urls import path

from leitai.web.workflow import assignment_views, editor_views, provider_views, views

app_name = "workflow"

urlpatterns = [
    path("workflow/", views.home, name="home"),
    path("workflow/schemes/", views.scheme_list, name="scheme_list"),
    path("workflow/schemes/new/", views.scheme_new, name="scheme_new"),
    path("workflow/schemes/editor/", editor_views.scheme_editor_new, name="scheme_editor_new"),
    path(
        "workflow/schemes/editor/check/",
        editor_views.scheme_editor_check,
        name="scheme_editor_check",
    ),
    path(
        "workflow/schemes/editor/preview/",
        editor_views.scheme_editor_preview,
        name="scheme_editor_preview",
    ),
    path(
        "workflow/schemes/editor/save/", editor_views.scheme_editor_save, name="scheme_editor_save"
    ),
    path(
        "workflow/schemes/<slug:scheme>/v<int:number>/editor/",
        editor_views.scheme_editor,
        name="scheme_editor",
    ),
    path("workflow/schemes/<slug:scheme>/compare/", views.scheme_compare, name="scheme_compare"),
    path(
        "workflow/schemes/<slug:scheme>/v<int:number>/", views.scheme_version, name="scheme_version"
    ),
    path(
        "workflow/schemes/<slug:scheme>/v<int:number>.yaml",
        views.scheme_version_yaml,
        name="scheme_version_yaml",
    ),
    path(
        "workflow/schemes/<slug:scheme>/v<int:number>/edit/", views.scheme_edit, name="scheme_edit"
    ),
    path("workflow/periods/new/", views.period_new, name="period_new"),
    path("workflow/periods/<slug:period>/", views.period, name="period"),
    path("workflow/periods/<slug:period>/step/", views.period_step, name="period_step"),
    path("workflow/periods/<slug:period>/last-day/", views.period_last_day, name="period_last_day"),
    path("workflow/periods/<slug:period>/compute/", views.period_compute, name="period_compute"),
    path("workflow/periods/<slug:period>/publish/", views.period_publish, name="period_publish"),
    path("workflow/periods/<slug:period>/template.xlsx", views.template, name="template"),
    path("workflow/periods/<slug:period>/upload/", views.upload, name="upload"),
    path("workflow/periods/<slug:period>/objections/", views.objection_list, name="objection_list"),
    path("workflow/periods/<slug:period>/units/<slug:unit>/", views.unit, name="unit"),
    path(
        "workflow/periods/<slug:period>/units/<slug:unit>/submit/",
        views.unit_submit,
        name="unit_submit",
    ),
    path(
        "workflow/periods/<slug:period>/units/<slug:unit>/return/",
        views.unit_return,
        name="unit_return",
    ),
    path(
        "workflow/periods/<slug:period>/units/<slug:unit>/approve/",
        views.unit_approve,
        name="unit_approve",
    ),
    path(
        "workflow/periods/<slug:period>/units/<slug:unit>/send-back/",
        views.unit_send_back,
        name="unit_send_back",
    ),
    path("workflow/periods/<slug:period>/approval/", views.period_approval, name="period_approval"),
    path(
        "workflow/periods/<slug:period>/units/<slug:unit>/objections/new/",
        views.objection_new,
        name="objection_new",
    ),
    path("workflow/uploads/<int:pk>/", views.upload_detail, name="upload_detail"),
    path("workflow/uploads/<int:pk>/confirm/", views.upload_confirm, name="upload_confirm"),
    path("workflow/uploads/<int:pk>/discard/", views.upload_discard, name="upload_discard"),
    path("workflow/uploads/<int:pk>/file/", views.upload_file, name="upload_file"),
    path("workflow/objections/<int:pk>/", views.objection, name="objection"),
    path("workflow/objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    path(
        "workflow/periods/<slug:period>/units/<slug:unit>/evidence/",
        views.evidence_add,
        name="evidence_add",
    ),
    path("workflow/evidence/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("workflow/evidence/<int:pk>/remove/", views.evidence_remove, name="evidence_remove"),
    path(
        "workflow/objections/<int:pk>/attachment/",
        views.objection_attachment,
        name="objection_attachment",
    ),
    path("periods/<slug:period>/revisions/", views.revisions, name="revisions"),
    # Data providers (issue 11)
    path(
        "workflow/periods/<slug:period>/provider/",
        provider_views.provider_period,
        name="provider",
    ),
    path(
        "workflow/periods/<slug:period>/provider/submit/",
        provider_views.provider_submit,
        name="provider_submit",
    ),
    path(
        "workflow/periods/<slug:period>/provider/evidence/",
        provider_views.provider_evidence_add,
        name="provider_evidence_add",
    ),
    path(
        "workflow/periods/<slug:period>/departments/<slug:department>/approve/",
        provider_views.provider_approve,
        name="provider_approve",
    ),
    path(
        "workflow/periods/<slug:period>/departments/<slug:department>/send-back/",
        provider_views.provider_send_back,
        name="provider_send_back",
    ),
    path(
        "workflow/periods/<slug:period>/departments/<slug:department>/return/",
        provider_views.provider_return,
        name="provider_return",
    ),
    # Who supplies each indicator (issue 11)
    path(
        "workflow/periods/<slug:period>/assignments/",
        assignment_views.period_assignments,
        name="assignments",
    ),
    path(
        "workflow/schemes/<slug:scheme>/v<int:number>/assignments/",
        assignment_views.version_assignments,
        name="version_assignments",
    ),
]
