"""Permission matrix entries of the analysis pages: robustness, what-if, diagnostics,
two results compared.

- robustness and its status: the office only by default (the office's setting may open
  them to leaders and units or to the public; ``test_analysis_pages`` covers those);
- re-running with other settings, diagnostics and two results compared: the office only;
- what-if: the office for any unit; by default nobody else (once the office opens the
  analysis pages, a unit's reporter for their own unit on a published result only).
"""

from __future__ import annotations

from tests.web.matrix import OFFICE_ONLY, Request, roles

RUN = {
    "samples": "200",
    "seed": "7",
    "weights": "25",
    "methods": ["minmax", "zscore"],
    "missing": ["zero"],
    "leave_one_out": "on",
}
OFFICE_POSTS = roles(anonymous=302, office=302, rest=403)
# The analysis pages are the office's by default (issue 14).
SHIBEI = OFFICE_ONLY
LICANG = OFFICE_ONLY
NOT_FOUND = roles(anonymous=302, office=404, rest=403)
DRAFT_WHATIF = roles(anonymous=302, office=200, rest=403)
EDIT = {"value-gdp_growth": "9.9", "apply": "industry_growth=12"}

ENTRIES: dict[str, list[Request]] = {
    "analysis:robustness": [
        Request("get", {"period": "2023Q1"}, OFFICE_ONLY),
        Request("get", {"period": "2024Q1"}, OFFICE_ONLY),
        Request("get", {"period": "1999Q1"}, NOT_FOUND),
        Request("get", {"period": "2023Q1"}, NOT_FOUND, query="run=999999"),
        Request("post", {"period": "2023Q1"}, roles(rest=405)),
    ],
    "analysis:robustness_status": [
        Request("get", {"period": "2023Q1"}, OFFICE_ONLY),
        Request("get", {"period": "2024Q1"}, OFFICE_ONLY),
        Request("get", {"period": "1999Q1"}, NOT_FOUND),
        Request("post", {"period": "2023Q1"}, roles(rest=405)),
    ],
    "analysis:robustness_run": [
        Request("get", {"period": "2023Q1"}, roles(rest=405)),
        Request("post", {"period": "2023Q1"}, OFFICE_POSTS, data=RUN),
        Request("post", {"period": "2024Q1"}, OFFICE_POSTS, data=RUN),
        Request("post", {"period": "1999Q1"}, roles(anonymous=302, office=404, rest=403), data=RUN),
    ],
    "analysis:diagnostics": [
        Request("get", {"period": "2023Q1"}, OFFICE_ONLY),
        Request("get", {"period": "2024Q1"}, OFFICE_ONLY),
        Request("get", {"period": "1999Q1"}, roles(anonymous=302, office=404, rest=403)),
        Request("post", {"period": "2023Q1"}, roles(rest=405)),
    ],
    "analysis:builds": [
        Request("get", {"period": "2023Q3"}, OFFICE_ONLY),
        Request("get", {"period": "2024Q1"}, OFFICE_ONLY),
        Request("get", {"period": "1999Q1"}, roles(anonymous=302, office=404, rest=403)),
        Request(
            "get",
            {"period": "2023Q3"},
            roles(anonymous=302, office=404, rest=403),
            query="a=999999",
        ),
        Request("post", {"period": "2023Q3"}, roles(rest=405)),
    ],
    "analysis:whatif": [
        Request("get", {"period": "2023Q1", "unit": "shibei"}, SHIBEI),
        Request("get", {"period": "2023Q1", "unit": "licang"}, LICANG),
        Request("get", {"period": "2024Q1", "unit": "shibei"}, DRAFT_WHATIF),
        Request("get", {"period": "2024Q1", "unit": "licang"}, DRAFT_WHATIF),
        Request("post", {"period": "2023Q1", "unit": "shibei"}, SHIBEI, data=EDIT),
        Request("post", {"period": "2023Q1", "unit": "licang"}, LICANG, data=EDIT),
        Request("post", {"period": "2024Q1", "unit": "shibei"}, DRAFT_WHATIF, data=EDIT),
        Request(
            "get",
            {"period": "1999Q1", "unit": "shibei"},
            roles(anonymous=302, reporter_shibei=404, office=404, rest=403),
        ),
        Request("get", {"period": "2023Q1", "unit": "nowhere"}, roles(anonymous=302, rest=404)),
        Request("put", {"period": "2023Q1", "unit": "shibei"}, roles(rest=405)),
    ],
    "analysis:whatif_recompute": [
        Request("get", {"period": "2023Q1", "unit": "shibei"}, roles(rest=405)),
        Request("post", {"period": "2023Q1", "unit": "shibei"}, SHIBEI, data=EDIT),
        Request("post", {"period": "2023Q1", "unit": "licang"}, LICANG, data=EDIT),
        Request("post", {"period": "2024Q1", "unit": "shibei"}, DRAFT_WHATIF, data=EDIT),
        Request("post", {"period": "2024Q1", "unit": "licang"}, DRAFT_WHATIF, data=EDIT),
    ],
}
