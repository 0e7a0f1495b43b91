"""The permission matrix of the data providers' pages (issue 11; gathered by test_permissions).

市住房城乡建设局 supplies five indicators of every unit in 2023Q4, not submitted yet (the
demo's story): its provider sees its page, and a field for an indicator it does not
supply (市北区's GDP, a unit's own) is refused whole (403); it has nothing to supply in 2023Q3 or
2024Q1 (404). Nobody else has a provider's page; only the office returns a department's
submission (市统计局's, sent here without a reason, so nothing changes).
"""

from __future__ import annotations

from tests.web.matrix import Request, roles
from tests.web.matrix_workflow import GET_ONLY

PROVIDER_ONLY = roles(anonymous=302, provider=200, rest=403)
Q4 = {"period": "2023Q4"}

ENTRIES: dict[str, list[Request]] = {
    "workflow:provider": [
        Request("get", Q4, PROVIDER_ONLY),
        Request("get", {"period": "2023Q3"}, roles(anonymous=302, provider=404, rest=403)),
        Request("get", {"period": "2024Q1"}, roles(anonymous=302, provider=404, rest=403)),
        # A crafted field of another supplier's indicator: refused, nothing saved.
        Request(
            "post",
            Q4,
            roles(anonymous=302, rest=403),
            data={"v:shibei:gdp_growth": "9.9"},
        ),
    ],
    "workflow:provider_submit": [
        Request("get", Q4, GET_ONLY),
        Request("post", Q4, roles(anonymous=302, provider=302, rest=403)),
        Request("post", {"period": "2024Q1"}, roles(anonymous=302, provider=404, rest=403)),
    ],
    "workflow:provider_evidence_add": [
        Request("get", Q4, GET_ONLY),
        # No file: back to the page with the reason.
        Request(
            "post",
            Q4,
            roles(anonymous=302, provider=302, rest=403),
            data={"unit": "shibei", "key": "gdp_growth"},
        ),
        Request(
            "post",
            {"period": "2023Q3"},
            roles(anonymous=302, provider=404, rest=403),
            data={"unit": "shibei", "key": "gdp_growth"},
        ),
    ],
    "workflow:provider_return": [
        Request("get", {"period": "2023Q4", "department": "tongji"}, GET_ONLY),
        Request(
            "post",
            {"period": "2023Q4", "department": "tongji"},
            roles(anonymous=302, office=302, rest=403),
        ),
    ],
}
