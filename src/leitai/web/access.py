"""Who may open a page, and who is asking: the one access module every app uses.

A rule is a function of the user (the apps' selectors decide, e.g.
:func:`leitai.web.accounts.selectors.user_is_office`); :func:`requires` turns it into a
decorator that sends an anonymous visitor to the login page and answers anyone else the
rule refuses with 403. Finer checks (this unit, this period) stay in the view, before it
reads anything.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect

from leitai.web.accounts.selectors import user_is_office
from leitai.web.redirects import of_this_site

if TYPE_CHECKING:
    from leitai.web.accounts.models import User

View = Callable[..., HttpResponseBase]


def return_path(request: HttpRequest) -> str | None:
    """Where to come back to once logged in (or past the second factor): the page itself
    for a page opened (GET); for a form sent (a button pressed after the session ended)
    the page the form was on (its Referer, if it is of this site), since the form's own
    address only takes the form: opened afterwards it would answer 405 with an empty
    page. None where there is no such page. Nothing of the form is kept."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("referer", "")
    if of_this_site(request, referer):
        page = urlsplit(referer)
        return page.path + (f"?{page.query}" if page.query else "") or "/"
    return None


def login_redirect(request: HttpRequest) -> HttpResponseRedirect:
    """The login page for a visitor who must log in first, then back where they were
    (:func:`return_path`)."""
    return redirect_to_login(return_path(request) or "/")


def requires(rule: Callable[[Any], bool], *, public: bool = False) -> Callable[[View], View]:
    """A decorator letting in the people for whom ``rule(user)`` holds.

    With ``public`` the rule is asked for anonymous visitors too (a page the office may
    open to everyone); where it refuses them, they are sent to log in.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            anonymous = not request.user.is_authenticated
            if (anonymous and not public) or not rule(request.user):
                if anonymous:
                    return login_redirect(request)
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _anyone(user: Any) -> bool:
    return True


def _office_or_reporter(user: Any) -> bool:
    return user_is_office(user) or bool(getattr(user, "is_reporter", False))


def _supplies_figures(user: Any) -> bool:
    return _office_or_reporter(user) or bool(getattr(user, "is_provider", False))


def _is_provider(user: Any) -> bool:
    return bool(getattr(user, "is_provider", False))


logged_in = requires(_anyone)
"""Any logged-in person."""

office = requires(user_is_office)
"""The assessment office (with its second factor, where the rules ask for one)."""

worker = requires(_office_or_reporter)
"""The office and the units' reporters: the collection's pages."""

supplier = requires(_supplies_figures)
"""The office, the units' reporters and the departments' data providers: the pages of
figures each of them supplies (the view narrows it further)."""

provider = requires(_is_provider)
"""The departments' data providers."""


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in account of ``request``, for the services that record who acted.

    Views call it behind a decorator that already sent anonymous visitors to the login
    page; should one get here all the same, the request is refused, never passed on
    as an anonymous actor.
    """
    user = request.user
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        raise PermissionDenied
    return user
