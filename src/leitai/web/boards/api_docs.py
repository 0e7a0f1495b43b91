"""The API's documentation in the reader's language, from the OpenAPI schema.

django-ninja's Swagger page is English and leads nowhere; this page lists the same
operations (from the one schema, so it cannot drift) in words from the catalogue, with a
link back to the site, to the JSON schema and to the interactive page for developers.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

# The words of the schema, chosen at the edge (the schema itself stays as it is).
SUMMARIES = {
    "Periods with a readable result": gettext_lazy("Periods with a readable result"),
    "League table (综合成绩) of a period": gettext_lazy("League table of a period"),
    "A unit's report card (成绩单) with the engine's explanation": gettext_lazy(
        "A unit's report card with the engine's explanation"
    ),
    # The write API (leitai.web.api.writes).
    "Submit figures of a period (报送数据), or preview them": gettext_lazy(
        "Submit the figures of a period, or preview them"
    ),
    "The account a token acts as (令牌)": gettext_lazy("The account a token acts as"),
}
WHERE = {
    "path": gettext_lazy("in the path"),
    "query": gettext_lazy("in the query"),
    "body": gettext_lazy("in the body, as JSON"),
}
# Answers that mean something else for the write operations than for the read ones.
WRITE_ANSWERS = {
    "200": gettext_lazy("the preview, or what was saved, as JSON"),
    "401": gettext_lazy("no valid API token"),
    "403": gettext_lazy("the token's account may not write these figures, or this period"),
    "404": gettext_lazy("no such period"),
    "409": gettext_lazy("the period or the unit does not take figures now"),
}
ANSWERS = {
    "200": gettext_lazy("the result as JSON"),
    "304": gettext_lazy("not changed since the copy you hold"),
    "401": gettext_lazy("not logged in"),
    "403": gettext_lazy("you may not read this result"),
    "404": gettext_lazy("no such period or unit, or no result you may read"),
    "409": gettext_lazy("the result failed its integrity check (office)"),
    "413": gettext_lazy("the request is too large"),
    "422": gettext_lazy("the figures were refused: each problem at its row and field"),
    "429": gettext_lazy("too many requests with this token: wait a minute"),
    "503": gettext_lazy("the result is being verified"),
}


def _body(op: dict[str, Any]) -> list[dict[str, Any]]:
    """The request body of an operation as one more parameter: its top-level fields."""
    body = op.get("requestBody")
    if not body:
        return []
    return [{"name": "rows", "where": str(WHERE["body"]), "required": body.get("required", False)}]


def _answer(op: dict[str, Any], code: str) -> str:
    """An answer's words: the write operations' own where they differ (the preview only
    for the operation that takes figures)."""
    writes = bool(op.get("security")) and (code != "200" or "requestBody" in op)
    if writes and code in WRITE_ANSWERS:
        return str(WRITE_ANSWERS[code])
    return str(ANSWERS.get(code, ""))


def operations(schema: dict[str, Any], *, prefix: str = "") -> list[dict[str, Any]]:
    """Every operation of the schema, with its words (paths under ``prefix``)."""
    out = []
    for path, methods in schema.get("paths", {}).items():
        path = path if path.startswith(prefix + "/") else prefix + path
        for method, op in methods.items():
            summary = op.get("summary", "")
            out.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": str(SUMMARIES.get(summary, summary)),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": str(WHERE.get(p.get("in", ""), p.get("in", ""))),
                            "required": p.get("required", False),
                        }
                        for p in op.get("parameters", [])
                    ]
                    + _body(op),
                    "answers": [
                        {"code": str(code), "text": _answer(op, str(code))}
                        for code in sorted(op.get("responses", {}))
                    ],
                }
            )
    return out


@require_GET
def api_docs(request: HttpRequest) -> HttpResponse:
    from leitai.web.boards.api import api

    schema_url = reverse("api:openapi-json")
    schema = api.get_openapi_schema()
    return render(
        request,
        "boards/api_docs.html",
        {
            "operations": operations(schema, prefix=schema_url.rsplit("/", 1)[0]),
            "schema_url": schema_url,
            "swagger_url": reverse("api:openapi-view"),
            "title": _("API documentation"),
        },
    )
