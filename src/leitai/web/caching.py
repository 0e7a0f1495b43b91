"""HTTP caching of published results: ETag, Last-Modified, Cache-Control and 304.

A published snapshot never changes (a correction is a new revision), so a page or an
API answer drawn from one can be validated cheaply, before anything is rendered, by
Django's ``condition`` machinery. The validator is a digest of everything the answer
depends on besides the template:

- the snapshot shown (id, revision, stored result and input hashes);
- the state of every result (count, newest id and newest publication), since period
  switchers, histories and comparisons list the other periods;
- the units (names, order) and the periods (names, states, last days, which period
  each follows, scheme versions, the city-wide table switch): switchers order periods
  by their last day and histories follow the periods' line;
- the public-boards switch;
- who is asking (their account and role, or anonymous), their language, their CSRF
  cookie (pages carry a form token tied to it) and the query string;
- the version of leitai (templates change with it).

``Last-Modified`` is the time of the newest audit entry: every change to what a page
shows is audited, so nothing shown changed after it (a client that sends only
``If-Modified-Since`` revalidates after any change, the price of a date that is never
late).

Drafts, pages with a pending message and answers that are not visible get no
validator and are rendered every time. Anonymous readers of public boards get
``Cache-Control: public`` (a shared proxy cache may keep the answer, keyed by the
``Vary: Cookie`` every answer carries) unless the answer sets a cookie: a visitor's
boards carry no form token (the language switch, their only form, needs none), so
their pages, their 304s and the API are public; everyone else gets ``private``.
``max-age`` is ``LEITAI_CACHE_MAX_AGE`` (default 0: always revalidate, answered by 304).

What is kept in Django's cache (each process's memory, or Redis shared by every
process and host where ``REDIS_URL`` is set) is sealed (:func:`sealed_set`, an HMAC
under the audit key over the key and the value) and used only when its seal holds
(:func:`sealed_get`): an entry altered in the cache, or copied there under another
key, is not used.

The page store keeps a visitor's published answer, rendered once, under its
validator for ``LEITAI_PAGE_STORE_SECONDS`` (default 600; 0 turns it off): when the
whole city opens the boards at once, each page is drawn once per change. A stored
answer is served only after two checks: its own seal (over its status, headers, body
and the snapshots it read), so that a page altered in the cache is drawn again
instead; and the check of every snapshot the page read when it was drawn, so that a
result altered in the database is refused exactly as when the page is drawn (a 503,
never the stored numbers). Answers that set a cookie, use a form token or carry a
message are never stored, nor answers to a query string (anyone can vary one without
end to fill the store; the site's own pages are a bounded set); a signed-in reader's
never are. A cache that cannot be reached (Redis down) only means that every page is
drawn.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import condition

from leitai import __version__
from leitai.web.accounts.selectors import public_boards_enabled
from leitai.web.assessments import selectors
from leitai.web.assessments.integrity import snapshot_check, snapshots_checked
from leitai.web.assessments.models import Period, Snapshot, Unit
from leitai.web.assessments.selectors import NotVisible
from leitai.web.audit.keys import seal, seals_equal
from leitai.web.audit.models import AuditEntry
from leitai.web.middleware import server_timing_note

log = logging.getLogger("leitai.caching")

_ATTRIBUTE = "_leitai_validators"


@dataclass(frozen=True)
class Validators:
    etag: str
    last_modified: datetime | None
    public: bool
    # The page store's key: the validator's inputs but the form-token cookie, which a
    # stored page never depends on (one that used a token is never stored) and which
    # a visitor could vary without end to fill the store with copies.
    store: str


def _published_snapshot(request: HttpRequest, kwargs: dict[str, Any]) -> Snapshot | None:
    period = Period.objects.filter(code=str(kwargs.get("period", ""))[:64]).first()
    if period is None:
        return None
    unit = None
    if "unit" in kwargs:
        unit = Unit.objects.filter(code=str(kwargs["unit"])[:64]).first()
        if unit is None:
            return None
    try:
        snapshot = selectors.snapshot_visible(period=period, user=request.user, unit=unit)
    except NotVisible:
        return None
    return snapshot if snapshot.is_published else None


def _world() -> tuple[list[Any], datetime | None]:
    """What every published answer may mention besides its own snapshot."""
    results = Snapshot.objects.aggregate(
        n=Count("pk"), newest=Max("pk"), published=Max("published_at")
    )
    units = list(Unit.objects.order_by("pk").values_list("code", "name", "position"))
    periods = list(
        Period.objects.order_by("pk").values_list(
            "code", "name", "state", "ends_on", "previous_id", "scheme_version_id", "city_table"
        )
    )
    public = public_boards_enabled()
    changed = AuditEntry.objects.aggregate(at=Max("at"))["at"]
    return [results, units, periods, public], changed


def _who(request: HttpRequest) -> list[Any]:
    user = request.user
    if not getattr(user, "is_authenticated", False):
        return ["anonymous"]
    return [user.pk, user.get_username(), getattr(user, "role", ""), getattr(user, "unit_id", "")]


def _digest(key: list[Any]) -> str:
    return hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:32]


def validators(request: HttpRequest, **kwargs: Any) -> Validators | None:
    """The validators of the published answer to ``request``, or ``None`` (computed once)."""
    if hasattr(request, _ATTRIBUTE):
        return getattr(request, _ATTRIBUTE)
    found = None
    if len(messages.get_messages(request)) == 0:
        snapshot = _published_snapshot(request, kwargs)
        if snapshot is not None:
            world, changed = _world()
            page = [
                __version__,
                snapshot.pk,
                snapshot.revision,
                snapshot.result_sha256,
                snapshot.inputs_sha256,
                world,
                _who(request),
                get_language(),
                request.get_full_path(),
            ]
            token = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
            anonymous = not getattr(request.user, "is_authenticated", False)
            found = Validators(
                etag=f'"{_digest([*page, token])}"',
                last_modified=max(filter(None, [changed, snapshot.published_at]), default=None),
                public=anonymous,
                store=f"leitai:page:1:{_digest(page)}",
            )
    setattr(request, _ATTRIBUTE, found)
    return found


def _etag(request: HttpRequest, *args: Any, **kwargs: Any) -> str | None:
    found = validators(request, **kwargs)
    return found.etag if found else None


def _last_modified(request: HttpRequest, *args: Any, **kwargs: Any) -> datetime | None:
    found = validators(request, **kwargs)
    return found.last_modified if found else None


def _cache_headers(request: HttpRequest, response: HttpResponse, found: Validators) -> None:
    max_age = settings.LEITAI_CACHE_MAX_AGE
    # An answer that sets a cookie is nobody else's (a page with a form token renews
    # the CSRF cookie each time it is rendered).
    sets_cookie = bool(response.cookies) or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    if found.public and not sets_cookie:
        patch_cache_control(response, public=True, max_age=max_age, must_revalidate=True)
    else:
        patch_cache_control(response, private=True, max_age=max_age, must_revalidate=True)


# -- the shared cache, sealed ------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A numpy number as the Python number it is (JSON knows no other)."""
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not kept in the cache")


def _entry_seal(key: str, text: str) -> str:
    # The key is sealed too: an entry copied under another key (another page, another
    # unit's figures) fails.
    return seal(f"{key}\n{text}")


def sealed_set(key: str, value: Any, seconds: int) -> None:
    """Keep ``value`` (JSON: numbers, text, lists and dicts) in Django's cache under
    ``key`` for ``seconds``, sealed with the audit key. What is kept is a saving: a
    cache that cannot be written is logged and nothing else happens."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=_plain)
    try:
        cache.set(key, {"text": text, "seal": _entry_seal(key, text)}, seconds)
    except Exception:  # a cache that is down (Redis) never fails the answer
        log.warning("the cache could not keep %s", key, exc_info=True)


def sealed_get(key: str) -> Any | None:
    """The value :func:`sealed_set` kept under ``key``; None where there is none, the
    cache cannot be read (logged) or the entry fails its seal (logged as an error: it
    was changed in the cache, or copied there from another key)."""
    try:
        entry = cache.get(key)
    except Exception:  # a cache that is down (Redis) never fails the answer
        log.warning("the cache could not be read", exc_info=True)
        return None
    if entry is None:
        return None
    try:
        text, mark = entry["text"], entry["seal"]
        intact = isinstance(text, str) and seals_equal(str(mark), _entry_seal(key, text))
    except (KeyError, TypeError):
        intact = False
    if not intact:
        log.error("the cache entry %s does not match its seal: not used", key)
        return None
    return json.loads(text)


# -- the page store ----------------------------------------------------------------------


def _store(key: str, response: HttpResponse, snapshots: set[int]) -> None:
    try:
        content = response.content.decode(response.charset)
    except (UnicodeDecodeError, LookupError):
        return  # not text: drawn each time
    page = {
        "status": response.status_code,
        "headers": [list(item) for item in response.items()],
        "snapshots": sorted(snapshots),
        "content": content,
    }
    sealed_set(key, page, settings.LEITAI_PAGE_STORE_SECONDS)


def _stored(key: str) -> HttpResponse | None:
    """The answer kept under ``key``, checked (:func:`sealed_get`); None where there is
    none. A result it read that fails its check raises ``SnapshotAltered``."""
    page = sealed_get(key)
    if page is None:
        return None
    try:
        ids = [int(pk) for pk in page["snapshots"]]
        response = HttpResponse(page["content"], status=page["status"])
        for name, value in page["headers"]:
            response[name] = value
    except (KeyError, TypeError, ValueError):
        return None
    snapshots = list(Snapshot.objects.filter(pk__in=ids).select_related("scheme_version"))
    if len(snapshots) != len(ids):
        return None
    for snapshot in snapshots:
        snapshot_check(snapshot)
    return response


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether ``response`` is the same for every visitor who asks as ``request`` did,
    and its address one of the site's own: an answer to a query string (which anyone
    can vary without end to fill the store) is drawn each time."""
    session = getattr(request, "session", None)
    return (
        not request.META.get("QUERY_STRING")
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not getattr(session, "modified", False)
        and len(messages.get_messages(request)) == 0
    )


def _stored_or_drawn(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A visitor's answer from the page store, or drawn by ``view`` and stored."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        found = validators(request, **kwargs)
        if (
            found is None
            or not found.public
            or request.method != "GET"
            or not settings.LEITAI_PAGE_STORE_SECONDS
        ):
            return view(request, *args, **kwargs)
        key = found.store
        stored = _stored(key)
        if stored is not None:
            server_timing_note(request, 'page;desc="stored"')
            return stored
        with snapshots_checked() as read:
            response = view(request, *args, **kwargs)
        if _storable(request, response):
            _store(key, response, read)
        return response

    return wrapper


def published_condition(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Validate answers drawn from a published snapshot; 304 when the client has it; a
    visitor's answer from the page store.

    The view's URL gives ``period`` (and ``unit`` for a unit's answers).
    """
    conditional = condition(etag_func=_etag, last_modified_func=_last_modified)(
        _stored_or_drawn(view)
    )

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = conditional(request, *args, **kwargs)
        found = getattr(request, _ATTRIBUTE, None)
        if found is not None and response.status_code in (200, 304):
            _cache_headers(request, response, found)
        return response

    return wrapper
