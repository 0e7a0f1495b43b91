"""Values every page needs: the person's role and the public boards switch."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from leitai.web.accounts.selectors import public_boards_enabled, user_is_office


def leitai(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "is_office": user_is_office(user),
        "public_boards": public_boards_enabled,  # evaluated only where a template asks
    }
