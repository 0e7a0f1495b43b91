"""The batch of report cards: every unit's card, in ranking order, printed by a worker.

The cards are the report card pages themselves (``boards:unit``, rendered by its view),
printed with headless Chromium (:mod:`leitai.reports.cards`) into one PDF (a bookmark per
unit) or a ZIP of one PDF per unit. A published result's cards are rendered as any
reader of published results sees them (never with the office's draft periods in the
history); a draft's, for the office only, as the office sees them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from leitai.web.accounts.models import User
from leitai.web.assessments import selectors
from leitai.web.assessments.models import Snapshot
from leitai.web.tasks.artifacts import artifact_store
from leitai.web.tasks.services import JobContext, job_kind

PDF = "application/pdf"
ZIP = "application/zip"
KINDS = {"pdf": PDF, "zip": ZIP}


def cards_key(*, snapshot: Snapshot, lang: str, kind: str) -> str:
    """What the batch is built from: the snapshot, its result (by hash), language and kind."""
    return f"cards-{kind}:{snapshot.pk}:{snapshot.result_sha256}:{lang}"


def static_asset(path: str) -> bytes | None:
    """The bytes of a static file asked for by a printed page, or None (refused)."""
    prefix = settings.STATIC_URL
    if not path.startswith(prefix):
        return None
    name = path[len(prefix) :]
    found = finders.find(name)
    if not found and settings.STATIC_ROOT:
        root = Path(settings.STATIC_ROOT).resolve()
        candidate = (root / name).resolve()
        found = str(candidate) if candidate.is_relative_to(root) and candidate.is_file() else None
    return Path(found).read_bytes() if isinstance(found, str) else None


def _reader(snapshot: Snapshot, user_pk: Any) -> Any:
    if snapshot.is_published:
        # Not saved: a reader of published results and nothing more.
        return User(username="leitai-print", role=User.Role.VIEWER, is_active=True)
    return User.objects.get(pk=int(user_pk))


def card_pages(*, snapshot: Snapshot, lang: str, user: Any) -> list[Any]:
    """Every unit's report card page as HTML, in ranking order (vetoed units last)."""
    from leitai.reports.cards import PrintPage
    from leitai.web.boards.views import unit as unit_view

    period = snapshot.period
    view = selectors.result_view(snapshot)
    rows = sorted(view.rows, key=lambda r: (r.get("rank") is None, r.get("rank") or 0))
    factory = RequestFactory()
    pages = []
    with translation.override("zh-hans" if lang == "zh" else "en"):
        for row in rows:
            path = reverse("boards:unit", args=[period.code, row["unit"]])
            request = factory.get(path)
            request.user = user
            response = unit_view(request, period=period.code, unit=row["unit"])
            if response.status_code != 200:
                raise RuntimeError(f"the card of {row['unit']} answered {response.status_code}")
            title = f"{row.get('rank') or '—'}. {row.get('name') or row['unit']}"
            pages.append(PrintPage(path=path, title=title, html=response.content.decode()))
    return pages


@job_kind
def report_cards_build(ctx: JobContext) -> None:
    """Print every unit's card and bind them (``kind`` pdf) or zip them (``kind`` zip)."""
    from leitai.reports.cards import bind_pdfs, print_pages, zip_files

    snapshot = Snapshot.objects.select_related("period", "scheme_version").get(
        pk=int(ctx.args["snapshot"])
    )
    current = selectors.period_published_snapshot(snapshot.period)
    if snapshot.is_published and (current is None or current.pk != snapshot.pk):
        raise RuntimeError("the period's published result changed since the cards were asked for")
    pages = card_pages(
        snapshot=snapshot, lang=str(ctx.args["lang"]), user=_reader(snapshot, ctx.args.get("user"))
    )
    ctx.progress(0, len(pages), force=True)
    # No database work while Chromium runs: Playwright's loop would make Django refuse it.
    pdfs = print_pages(pages, assets=static_asset)
    ctx.progress(len(pages), len(pages), force=True)
    if ctx.args["kind"] == "pdf":
        content = bind_pdfs(pdfs, [p.title for p in pages])
    else:
        names = [
            f"{k:02d}-{p.path.rstrip('/').rsplit('/', 1)[-1]}.pdf" for k, p in enumerate(pages, 1)
        ]
        content = zip_files(zip(names, pdfs, strict=True))
    with ctx.finishing():
        artifact_store(ctx=ctx, content=content)
