"""Who is asking: the account behind a request that a login decorator let through."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

if TYPE_CHECKING:
    from leitai.web.accounts.models import User


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
