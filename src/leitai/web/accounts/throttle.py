"""Login throttling: one limit per account, another per address (for django-axes).

django-axes counts failures for every lockout parameter (``username`` and
``ip_address``, see settings) and locks when the largest count reaches one limit.
An account should lock after a few failures from anywhere (guessing from many
addresses), an address only after more (one office behind one address, several
people mistyping), so :func:`failure_limit` counts both itself and answers axes with
a limit that the current count already meets exactly when one of the two is reached.
"""

from __future__ import annotations

import sys
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

NEVER = sys.maxsize


def _failures(**match: Any) -> int:
    return AccessAttempt.objects.filter(**match).aggregate(n=Sum("failures_since_start"))["n"] or 0


def failures(request: HttpRequest, credentials: dict[str, Any] | None) -> tuple[int, int]:
    """Recent failures on the account named in ``credentials`` and from the address."""
    since = get_cool_off_threshold(request)
    username = get_client_username(request, credentials)
    address = getattr(request, "axes_ip_address", None)
    by_account = _failures(username=username, attempt_time__gte=since) if username else 0
    by_address = _failures(ip_address=address, attempt_time__gte=since) if address else 0
    return by_account, by_address


def failure_limit(request: HttpRequest, credentials: dict[str, Any] | None) -> int:
    """``AXES_FAILURE_LIMIT``: 1 when the account or the address is locked, else never."""
    by_account, by_address = failures(request, credentials)
    if (
        by_account >= settings.LEITAI_LOGIN_ACCOUNT_LIMIT
        or by_address >= settings.LEITAI_LOGIN_ADDRESS_LIMIT
    ):
        return 1
    return NEVER
