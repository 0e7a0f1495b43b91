"""Permission matrix entries of the pledge capture (texts of an arena session): office only."""

from __future__ import annotations

from tests.web.matrix import OFFICE_ONLY, Request, roles
from tests.web.matrix_workflow import Ref


def demo_text() -> int:
    from leitai.web.arena.models import PledgeText

    return PledgeText.objects.order_by("pk").values_list("pk", flat=True).first()


def open_proposal() -> int:
    from leitai.web.arena.models import PledgeProposal

    return (
        PledgeProposal.objects.filter(status="proposed")
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


SESSION = {"session": "2023-05-27"}
TEXT = {**SESSION, "pk": Ref(demo_text)}
PROPOSAL = {**TEXT, "proposal": Ref(open_proposal)}
OFFICE_POST = roles(anonymous=302, office=302, rest=403)

ENTRIES = {
    "arena:texts": [
        Request("get", SESSION, OFFICE_ONLY),
        Request("post", SESSION, OFFICE_ONLY, data={"text": ""}),
        Request("get", {"session": "1999-01-01"}, roles(anonymous=302, office=404, rest=403)),
    ],
    "arena:text": [
        Request("get", TEXT, OFFICE_ONLY),
        Request("post", TEXT, roles(rest=405)),
        Request("get", {**SESSION, "pk": "999999"}, roles(anonymous=302, office=404, rest=403)),
    ],
    "arena:proposal_accept": [
        Request("get", PROPOSAL, roles(rest=405)),
        # An empty form: the office is shown its errors; nobody else reaches the form.
        Request("post", PROPOSAL, roles(anonymous=302, office=400, rest=403), data={}),
    ],
    "arena:proposal_reject": [
        Request("get", PROPOSAL, roles(rest=405)),
        Request("post", PROPOSAL, OFFICE_POST),
    ],
}

__all__ = ["ENTRIES"]
