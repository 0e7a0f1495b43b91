"""What the permission matrix is made of: roles, expectations and requests.

Each area of the application keeps its entries in ``tests/web/matrix_<area>.py`` as
``ENTRIES: dict[str, list[Request]]``; ``test_permissions`` gathers them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# ``provider``: a data provider of 市住房城乡建设局, which supplies five indicators of every
# unit in 2023Q4 (issue 11) and nothing in the other periods; ``approver_zhujian``: another
# provider of the same department with the approver flag, its 审核人.
ROLES = (
    "anonymous",
    "outsider",
    "viewer",
    "reporter_shibei",
    "reporter_licang",
    "provider",
    "approver_zhujian",
    "office",
)

Expect = int | tuple[int, int]


def roles(**expected: Expect) -> dict[str, Expect]:
    """Expectations for every role; ``rest`` gives the one for roles not named."""
    rest = expected.pop("rest", None)
    # A department's 审核人 is one of its data providers: it is answered as they are,
    # unless an entry says otherwise (the approval pages).
    expected.setdefault("approver_zhujian", expected.get("provider", rest))  # type: ignore[arg-type]
    out = {role: expected.get(role, rest) for role in ROLES}
    missing = [role for role, value in out.items() if value is None]
    assert not missing, f"no expectation for {missing}"
    return out  # type: ignore[return-value]


# Published results: every role; visitors and role-less accounts only with public boards on.
PUBLISHED = roles(anonymous=(200, 302), outsider=(200, 403), rest=200)
# A draft result: the office only; nobody else learns that it exists.
DRAFT = roles(office=200, rest=404)
LOGGED_IN = roles(anonymous=302, rest=200)
OFFICE_ONLY = roles(anonymous=302, office=200, rest=403)


@dataclass
class Request:
    method: str
    kwargs: dict[str, str] = field(default_factory=dict)
    expect: dict[str, Expect] = field(default_factory=dict)
    data: dict[str, Any] | None = None
    query: str = ""


def period_pages(name: str) -> list[Request]:
    return [
        Request("get", {"period": "2023Q1"}, PUBLISHED),
        Request("get", {"period": "2024Q1"}, DRAFT),
        Request("get", {"period": "1999Q1"}, roles(rest=404)),
        Request("post", {"period": "2023Q1"}, roles(rest=405)),
    ]


def admin_pages(model: Any) -> tuple[dict[str, str], Any]:
    """The admin's pages of ``model`` by action: its list and its add page and, for its
    first row (returned beside them; None where it has none), its change, history and
    delete pages."""
    from django.urls import reverse

    prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    pages = {action: reverse(f"{prefix}_{action}") for action in ("changelist", "add")}
    first = model._default_manager.order_by("pk").first()
    if first is not None:
        for action in ("change", "history", "delete"):
            pages[action] = reverse(f"{prefix}_{action}", args=[first.pk])
    return pages, first
