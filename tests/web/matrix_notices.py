"""Permission matrix entries of the notices (通报) and of the batch of report cards.

The POSTs that would build a file (a notice's PDF through LibreOffice, the report cards
through Chromium) are asked only where they are refused: building is tested in
tests/web/test_notices.py and tests/web/test_report_cards.py.
"""

from __future__ import annotations

from tests.web.matrix import DRAFT, OFFICE_ONLY, PUBLISHED, Request, roles

MISSING = roles(rest=404)
# A notice that does not exist, asked by someone who may read notices or not.
NO_NOTICE = roles(anonymous=(404, 302), outsider=(404, 403), rest=404)
Q1 = {"period": "2023Q1", "serial": "1"}
Q1_NONE = {"period": "2023Q1", "serial": "99"}


def _cards() -> list[Request]:
    return [
        Request("get", {"period": "2023Q1"}, PUBLISHED),
        Request("get", {"period": "2024Q1"}, DRAFT),
        Request("get", {"period": "1999Q1"}, MISSING),
        Request("post", {"period": "1999Q1"}, MISSING),
    ]


def _notice_file() -> list[Request]:
    return [Request("get", Q1, PUBLISHED), Request("get", Q1_NONE, NO_NOTICE)]


ENTRIES = {
    "boards:cards_pdf": _cards(),
    "boards:cards_zip": _cards(),
    "notices:list": [
        Request("get", {"period": "2023Q1"}, PUBLISHED),
        Request("get", {"period": "2024Q1"}, DRAFT),
        Request("get", {"period": "1999Q1"}, MISSING),
        Request("post", {"period": "2023Q1"}, roles(rest=405)),
    ],
    "notices:new": [
        Request("get", {"period": "2023Q1"}, OFFICE_ONLY),
        # An empty form: the office gets it back with its errors; nothing is issued.
        Request("post", {"period": "2023Q1"}, OFFICE_ONLY, data={}),
        Request("get", {"period": "2024Q1"}, roles(anonymous=302, office=302, rest=403)),
        Request("get", {"period": "1999Q1"}, roles(anonymous=302, office=404, rest=403)),
    ],
    "notices:detail": [*_notice_file(), Request("post", Q1, roles(rest=405))],
    "notices:docx": _notice_file(),
    "notices:pdf": [*_notice_file(), Request("post", Q1_NONE, NO_NOTICE)],
}
