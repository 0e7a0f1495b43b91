"""The scheme editor's pages and its JSON answers (the office only).

The page edits a scheme in a form; on every change it asks :func:`editor_check` for the
engine's problems (each placed at its field) and the rules in words, on request
:func:`editor_preview` for the league table on the current period's figures, and
:func:`editor_save` saves the same YAML as the text box, as a new audited version.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from leitai.engine import DataError, SchemeError
from leitai.engine import Scheme as EngineScheme
from leitai.engine.scheme import PARAMS
from leitai.i18n import render as render_problem
from leitai.i18n.problems import gettext_noop
from leitai.i18n.schemes import (
    ADJUSTMENT_NAMES,
    DIRECTION_NAMES,
    METHOD_HELP,
    METHOD_NAMES,
    MISSING_NAMES,
    PARAM_NAMES,
    STAR_METHODS,
    rule_words,
    version_label,
)
from leitai.web.access import office, signed_in_user
from leitai.web.assessments.models import Period, SchemeVersion, period_order
from leitai.web.assessments.selectors import period_label, scheme_version_parsed
from leitai.web.errors import ServiceError
from leitai.web.workflow import services
from leitai.web.workflow.editor import (
    EditorInputError,
    blank_model,
    model_scheme,
    model_yaml,
    preview_rows,
    problem_field,
    read_request,
    scheme_model,
)
from leitai.web.workflow.views import _base, _version

# The method's parameters, in the order the form shows them.
METHOD_PARAMS: dict[str, list[str]] = {
    "efficacy": ["base", "span", "best", "worst"],
    "rank_points": ["top", "step", "floor"],
    "minmax": ["best", "worst"],
    "zscore": ["center", "scale"],
    "target": ["cap"],
    "bands": ["thresholds", "else"],
    "raw": ["min", "max"],
    "prank": [],
    "borda": [],
    "fracmax": [],
    # The form has number fields only: dist2ref's reference (a unit id), capped and
    # minmax/efficacy's truncate (yes/no) are written in the YAML.
    "dist2ref": [],
}

# Words the form's script shows (labels and choices), translated here once.
_LABELS = {
    "scheme": gettext_noop("scheme"),
    "id": gettext_noop("id"),
    "name": gettext_noop("name"),
    "units": gettext_noop("units"),
    "group": gettext_noop("group"),
    "boards": gettext_noop("boards"),
    "board": gettext_noop("board"),
    "points": gettext_noop("points of the board"),
    "weight": gettext_noop("weight"),
    "indicator": gettext_noop("indicator"),
    "unit_of_measure": gettext_noop("unit of measure"),
    "direction": gettext_noop("direction of the indicator"),
    "method": gettext_noop("scoring method"),
    "missing": gettext_noop("missing values"),
    "default": gettext_noop("the scheme's default"),
    "range": gettext_noop("plausible range"),
    "range_low": gettext_noop("lowest"),
    "range_high": gettext_noop("highest"),
    "integer": gettext_noop("whole numbers only"),
    "definition": gettext_noop("definition (口径)"),
    "source": gettext_noop("data source"),
    "department": gettext_noop("responsible department"),
    "contact": gettext_noop("contact (name, telephone)"),
    "add_unit": gettext_noop("Add a unit"),
    "add_board": gettext_noop("Add a board"),
    "add_sub_board": gettext_noop("Add a sub-board"),
    "add_indicator": gettext_noop("Add an indicator"),
    "add_adjustment": gettext_noop("Add an adjustment"),
    "add_flag": gettext_noop("Add a flag"),
    "add_grade": gettext_noop("Add a grade"),
    "add_band": gettext_noop("Add a band"),
    "add_condition": gettext_noop("Add a condition"),
    "remove": gettext_noop("Remove"),
    "adjustments": gettext_noop("adjustments"),
    "kind": gettext_noop("kind"),
    "max_points": gettext_noop("most points"),
    "stars": gettext_noop("stars"),
    "stars_method": gettext_noop("stars are given"),
    "stars_max": gettext_noop("most stars"),
    "stars_min": gettext_noop("fewest stars"),
    "stars_thresholds": gettext_noop("star bands (score, stars)"),
    "tie_break": gettext_noop("boards compared on a tie"),
    "flags": gettext_noop("flags"),
    "grades": gettext_noop("grades"),
    "rule": gettext_noop("rule"),
    "rule_builder": gettext_noop("Build the rule"),
    "expression": gettext_noop("the rule as an expression (may be typed)"),
    "and": gettext_noop("and"),
    "or": gettext_noop("or"),
    "every_unit": gettext_noop("every unit (the remaining grade)"),
    "v_rank": gettext_noop("composite rank"),
    "v_rank_change": gettext_noop("places climbed since the previous period"),
    "v_score": gettext_noop("composite score"),
    "v_board_rank": gettext_noop("rank in “%(board)s”"),
    "v_board_score": gettext_noop("score in “%(board)s”"),
    "v_board_stars": gettext_noop("stars in “%(board)s”"),
    "defaults": gettext_noop("defaults"),
    "value": gettext_noop("value"),
    "points_of_band": gettext_noop("points"),
    "score": gettext_noop("score"),
    "problems": gettext_noop("problems found"),
    "no_problems": gettext_noop("The engine finds no problem."),
    "checking": gettext_noop("Checking…"),
    "rank": gettext_noop("rank"),
    "grade": gettext_noop("grade"),
    "unit": gettext_noop("unit"),
    "composite": gettext_noop("composite score"),
}


def _param_defaults() -> dict[str, dict[str, Any]]:
    """Each method's parameters that have a default, with it (shown as placeholders)."""
    out: dict[str, dict[str, Any]] = {}
    for method, params in PARAMS.items():
        out[method] = {
            field.alias or name: field.default
            for name, field in params.model_fields.items()
            if not field.is_required() and field.default is not None
        }
    return out


def _choices(table: dict[str, str]) -> list[list[str]]:
    return [[code, _(msgid)] for code, msgid in table.items()]


def _words() -> dict[str, Any]:
    """Everything the script writes on the page, in the language of the request."""
    return {
        "labels": {key: _(msgid) for key, msgid in _LABELS.items()},
        "methods": _choices(METHOD_NAMES),
        "method_help": {code: _(msgid) for code, msgid in METHOD_HELP.items()},
        "method_params": METHOD_PARAMS,
        "param_defaults": _param_defaults(),
        "params": {code: _(msgid) for code, msgid in PARAM_NAMES.items()},
        "directions": _choices(DIRECTION_NAMES),
        "missing": _choices(MISSING_NAMES),
        "kinds": _choices(ADJUSTMENT_NAMES),
        "star_methods": _choices(STAR_METHODS),
    }


def _current_period() -> Period | None:
    """The period the preview computes: the latest one that has figures."""
    return (
        Period.objects.filter(values__isnull=False)
        .select_related("scheme_version__scheme", "previous")
        .order_by(*period_order(newest_first=True))
        .first()
    )


def _page(
    request: HttpRequest, model: dict[str, Any], version: SchemeVersion | None
) -> HttpResponse:
    period = _current_period()
    context = {
        "model": model,
        "words": _words(),
        "version": version,
        "version_label": version_label(version.name, version.number, _) if version else "",
        "preview_period": period_label(period) if period else "",
        "urls": {
            "check": reverse("workflow:scheme_editor_check"),
            "preview": reverse("workflow:scheme_editor_preview"),
            "save": reverse("workflow:scheme_editor_save"),
        },
    }
    return render(request, "workflow/scheme_editor.html", _base(request, "schemes", **context))


@require_GET
@office
def scheme_editor_new(request: HttpRequest) -> HttpResponse:
    """A new scheme in the form, starting from the units of the latest stored scheme."""
    latest = SchemeVersion.objects.order_by("-created_at", "-pk").first()
    units: list[dict[str, Any]] = []
    if latest is not None:
        units = scheme_model(scheme_version_parsed(latest))["units"]
    return _page(request, blank_model(units), None)


@require_GET
@office
def scheme_editor(request: HttpRequest, scheme: str, number: int) -> HttpResponse:
    version = _version(scheme, number)
    return _page(request, scheme_model(scheme_version_parsed(version)), version)


def _problems(exc: SchemeError | DataError, fields: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "path": problem.where.path or "",
            "field": problem_field(problem.where.path, fields),
            "message": render_problem(problem, _, with_where=False),
        }
        for problem in exc.problems
    ]


def _board_names(model: dict[str, Any]) -> dict[str, str]:
    names: dict[str, str] = {}
    stack = list(model.get("boards") or [])
    while stack:
        board = stack.pop()
        if isinstance(board, dict):
            names[str(board.get("id", ""))] = str(board.get("name") or board.get("id", ""))
            stack += list(board.get("boards") or [])
    return names


def _rules(model: dict[str, Any]) -> dict[str, str]:
    """Every flag's and grade's rule in words, by the path of its field."""
    boards = _board_names(model)
    out = {}
    for part in ("flags", "grades"):
        for i, item in enumerate(model.get(part) or []):
            if isinstance(item, dict) and isinstance(item.get("when"), str):
                out[f"{part}[{i}].when"] = rule_words(item["when"], boards, _)
    return out


def _bad_request() -> JsonResponse:
    return JsonResponse(
        {"ok": False, "error": _("The editor sent something it should not.")}, status=400
    )


def _read(request: HttpRequest) -> tuple[dict[str, Any], EngineScheme | None, list[dict[str, Any]]]:
    """The request's model, its scheme (None when it has problems) and the problems."""
    data = read_request(request.body)
    fields = [f for f in data.get("fields") or [] if isinstance(f, str)]
    try:
        return data, model_scheme(data["model"]), []
    except SchemeError as exc:
        return data, None, _problems(exc, fields)


@require_POST
@office
def scheme_editor_check(request: HttpRequest) -> JsonResponse:
    """The engine's problems of the edited scheme, each at its field; the rules in words."""
    try:
        data, scheme, problems = _read(request)
    except EditorInputError:
        return _bad_request()
    return JsonResponse(
        {
            "ok": scheme is not None,
            "problems": problems,
            "rules": _rules(data["model"]),
            "yaml": model_yaml(data["model"]),
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_POST
@office
def scheme_editor_preview(request: HttpRequest) -> JsonResponse:
    """The league table the edited scheme gives on the current period, not saved."""
    try:
        _data, scheme, problems = _read(request)
    except EditorInputError:
        return _bad_request()
    period = _current_period()
    if scheme is None or period is None:
        return JsonResponse(
            {"ok": False, "problems": problems}, json_dumps_params={"ensure_ascii": False}
        )
    try:
        rows = preview_rows(scheme, period)
    except DataError as exc:
        return JsonResponse(
            {"ok": False, "problems": _problems(exc, [])}, json_dumps_params={"ensure_ascii": False}
        )
    return JsonResponse(
        {
            "ok": True,
            "period": period_label(period),
            "boards": [board.name for board in scheme.boards],
            "flags": [flag.name for flag in scheme.flags],
            "rows": rows,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_POST
@office
def scheme_editor_save(request: HttpRequest) -> JsonResponse:
    """Save the edited scheme as a new version (audited, as the text box does)."""
    try:
        data, _scheme, problems = _read(request)
    except EditorInputError:
        return _bad_request()
    if problems:
        return JsonResponse(
            {"ok": False, "problems": problems}, json_dumps_params={"ensure_ascii": False}
        )
    comment = str(data.get("comment") or "")
    try:
        version = services.scheme_change_save(
            text=model_yaml(data["model"]),
            comment=comment,
            user=signed_in_user(request),
            source="editor.yaml",
        )
    except ServiceError as exc:
        return JsonResponse(
            {"ok": False, "problems": [], "errors": list(exc.messages)},
            json_dumps_params={"ensure_ascii": False},
        )
    messages.success(
        request,
        _("Saved as version %(number)s of %(scheme)s.")
        % {"number": version.number, "scheme": version.scheme.name},
    )
    return JsonResponse(
        {
            "ok": True,
            "url": reverse("workflow:scheme_version", args=[version.scheme.code, version.number]),
        },
        json_dumps_params={"ensure_ascii": False},
    )
