"""Permission matrix entries of the analysis pages: robustness, what-if, diagnostics.

- robustness and its status: whoever may read the period's result (the boards' rule);
- re-running with other settings and diagnostics: the office only;
- what-if: the office for any unit; a unit's reporter for their own unit on a
  published result only (not on a draft); nobody else, however the URL is made.
"""

from __future__ import annotations

from tests.web.matrix import DRAFT, OFFICE_ONLY, PUBLISHED, Request, roles

RUN = {
    "samples": "200",
    "seed": "7",
    "weights": "25",
    "methods": ["minmax", "zscore"],
    "missing": ["zero"],
    "leave_one_out": "on",
}
OFFICE_POSTS = roles(anonymous=302, office=302, rest=403)
SHIBEI = roles(anonymous=302, reporter_shibei=200, office=200, rest=403)
LICANG = roles(anonymous=302, reporter_licang=200, office=200, rest=403)
DRAFT_WHATIF = roles(anonymous=302, office=200, rest=403)
EDIT = {"value-gdp_growth": "9.9", "apply": "industry_growth=12"}

ENTRIES: dict[str, list[Request]] = {
    "analysis:robustness": [
        Request("get", {"period": "2023Q1"}, PUBLISHED),
        Request("get", {"period": "2024Q1"}, DRAFT),
        Request("get", {"period": "1999Q1"}, roles(rest=404)),
        Request(
            "get",
            {"period": "2023Q1"},
            roles(anonymous=(404, 302), outsider=(404, 403), rest=404),
            query="run=999999",
        ),
        Request("post", {"period": "2023Q1"}, roles(rest=405)),
    ],
    "analysis:robustness_status": [
        Request("get", {"period": "2023Q1"}, PUBLISHED),
        Request("get", {"period": "2024Q1"}, DRAFT),
        Request("get", {"period": "1999Q1"}, roles(rest=404)),
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
