"""The engine's located messages, in the language of the page.

The engine writes its messages in English (``data.xlsx: sheet 数据填报, row 6: cell D6
(column gdp_growth): expected a number, found 'x'``) so that the command line and the
logs read the same everywhere. Here they are taken apart into where and what, and
each part is translated; a message of a shape not known here is shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

_LOCATED = re.compile(
    r"^(?P<source>[^:]+?): "
    r"(?:(?:sheet (?P<sheet>.+?), )?row (?P<row>\d+): )?"
    r"(?:cell (?P<ref>[A-Z]+\d+) \(column (?P<col>[^)]+)\): |column (?P<col2>[\w.\-]+): )?"
    r"(?P<reason>.*)$",
    re.DOTALL,
)
_WHERE = re.compile(r"^(?:(?:.+?: )?sheet (?P<sheet>.+?), )?row (?P<row>\d+)$")


def where_text(sheet: str | None, row: str | int | None) -> str:
    if sheet and row:
        return _("sheet %(sheet)s, row %(row)s") % {"sheet": sheet, "row": row}
    if row:
        return _("row %(row)s") % {"row": row}
    return ""


def _first(text: str) -> str:
    m = _WHERE.match(text.strip())
    return where_text(m["sheet"], m["row"]) if m else text


_REASONS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (
        re.compile(r"^expected a number, found (?P<x>.+)$", re.DOTALL),
        lambda m: _("expected a number, found %(found)s") % {"found": m["x"]},
    ),
    (
        re.compile(r"^expected a finite number, found (?P<x>.+)$", re.DOTALL),
        lambda m: _("expected a finite number, found %(found)s") % {"found": m["x"]},
    ),
    (
        re.compile(r"^expected yes or no \(.*\), found (?P<x>.+)$", re.DOTALL),
        lambda m: _("expected 是 (yes) or 否 (no), found %(found)s") % {"found": m["x"]},
    ),
    (
        re.compile(r"^unknown unit (?P<x>.+) \(expected one of the scheme's unit ids\)$"),
        lambda m: _("unknown unit %(unit)s: use one of the scheme's unit ids") % {"unit": m["x"]},
    ),
    (
        re.compile(r"^unknown indicator or adjustment (?P<x>.+)$"),
        lambda m: (
            _("unknown indicator %(key)s: use the ids of the scheme's indicators") % {"key": m["x"]}
        ),
    ),
    (
        re.compile(r"^duplicated \((?P<u>[^,]+), (?P<k>[^)]+)\): already given at (?P<at>.+)$"),
        lambda m: (
            _("%(unit)s / %(key)s is given twice (first at %(first)s)")
            % {"unit": m["u"], "key": m["k"], "first": _first(m["at"])}
        ),
    ),
    (
        re.compile(
            r"^(?P<x>.+) is not your unit; you may upload only (?P<own>.+)'s rows, "
            r"so the whole upload is refused$"
        ),
        lambda m: (
            _(
                "%(found)s is not your unit: you may upload only the rows of %(own)s, "
                "so the whole upload is refused and nothing is saved"
            )
            % {"found": m["x"], "own": m["own"]}
        ),
    ),
    (
        re.compile(r"^this template was made for scheme (?P<a>.+), not (?P<b>.+)$"),
        lambda m: (
            _("this template was made for scheme %(made)s, not %(wanted)s")
            % {"made": m["a"], "wanted": m["b"]}
        ),
    ),
    (
        re.compile(r"^this template was made for period (?P<a>\S+), not (?P<b>\S+);.*$"),
        lambda m: (
            _(
                "this template was made for period %(made)s, not %(wanted)s: "
                "download the template of %(wanted)s"
            )
            % {"made": m["a"], "wanted": m["b"]}
        ),
    ),
    (re.compile(r"^the table has no figures$"), lambda m: _("the table has no figures")),
    # The scheme's messages (the engine words pydantic's and its own checks alike).
    (re.compile(r"^is not a recognised key here$"), lambda m: _("is not a recognised key here")),
    (re.compile(r"^is required$"), lambda m: _("is required")),
    (
        re.compile(r"^expected one of (?P<x>.+), found (?P<y>.+)$", re.DOTALL),
        lambda m: (
            _("expected one of %(allowed)s, found %(found)s") % {"allowed": m["x"], "found": m["y"]}
        ),
    ),
    (
        re.compile(
            r"^expected (?P<op>greater|less) than (?P<eq>or equal to )?(?P<x>\S+), found (?P<y>.+)$"
        ),
        lambda m: (
            (
                _("expected at least %(limit)s, found %(found)s")
                if m["op"] == "greater" and m["eq"]
                else _("expected more than %(limit)s, found %(found)s")
                if m["op"] == "greater"
                else _("expected at most %(limit)s, found %(found)s")
                if m["eq"]
                else _("expected less than %(limit)s, found %(found)s")
            )
            % {"limit": m["x"], "found": m["y"]}
        ),
    ),
    (
        re.compile(
            r"^expected a valid (?:number|integer)[^,]*(?:, unable to parse [^,]*)?, found (?P<y>.+)$",
            re.DOTALL,
        ),
        lambda m: _("expected a number, found %(found)s") % {"found": m["y"]},
    ),
    (
        re.compile(r"^id (?P<x>.+) is already used at (?P<at>.+)$"),
        lambda m: _("the id %(id)s is already used at %(at)s") % {"id": m["x"], "at": m["at"]},
    ),
    (
        re.compile(r"^a board needs at least one indicator or sub-board$"),
        lambda m: _("a board needs at least one indicator or sub-board"),
    ),
    (
        re.compile(r"^a top-level board needs points.*$"),
        lambda m: _("a top-level board needs points (more than 0)"),
    ),
    (
        re.compile(r"^not valid YAML \((?P<x>.*)\)$", re.DOTALL),
        lambda m: _("not valid YAML (%(detail)s)") % {"detail": m["x"]},
    ),
    (
        re.compile(r"^the table is empty.*$"),
        lambda m: _("the table is empty: it needs a header row"),
    ),
    (
        re.compile(r"^expected a header with unit, indicator and value.*$", re.DOTALL),
        lambda m: _(
            "the first row must be a header: unit, indicator and value (long form), "
            "or unit followed by indicator ids (wide form, as in the template)"
        ),
    ),
    (
        re.compile(r"^not a spreadsheet.*$", re.DOTALL),
        lambda m: _("not a spreadsheet: upload the .xlsx template or a .csv file"),
    ),
    (
        re.compile(r"^the old \.xls format is not read.*$"),
        lambda m: _("the old .xls format is not read: save the workbook as .xlsx"),
    ),
    (
        re.compile(r"^expected a UTF-8 \(or GBK\) text file$"),
        lambda m: _("not a text file: expected a UTF-8 or GBK encoded .csv file"),
    ),
]


def reason_text(reason: str) -> str:
    """The reason part of a message, translated when its shape is known."""
    for pattern, build in _REASONS:
        m = pattern.match(reason)
        if m:
            return build(m)
    return reason


@dataclass(frozen=True)
class Message:
    """A located message taken apart: the cell, its column, where and why."""

    cell: str
    column: str
    column_name: str
    where: str
    reason: str
    original: str

    def __str__(self) -> str:
        parts = [p for p in (self.where, self.cell_text) if p]
        if not parts:
            return self.reason
        location = (
            _("%(first)s, %(second)s") % {"first": parts[0], "second": parts[1]}
            if len(parts) == 2
            else parts[0]
        )
        return _("%(location)s: %(reason)s") % {"location": location, "reason": self.reason}

    @property
    def cell_text(self) -> str:
        if self.cell and self.column:
            return _("cell %(cell)s (column %(column)s)") % {
                "cell": self.cell,
                "column": self.column_label,
            }
        if self.column:
            return _("column %(column)s") % {"column": self.column_label}
        return ""

    @property
    def column_label(self) -> str:
        return f"{self.column} {self.column_name}" if self.column_name else self.column


def humanize(message: str, names: Mapping[str, str] | None = None) -> Message:
    """Take a located engine message apart and translate it.

    ``names`` gives the people's names of column ids (indicators, adjustments).
    """
    names = names or {}
    m = _LOCATED.match(message)
    if not m:
        return Message("", "", "", "", reason_text(message), message)
    column = m["col"] or m["col2"] or ""
    base = column[: -len(".target")] if column.endswith(".target") else column
    name = names.get(base, "")
    if name and column.endswith(".target"):
        name = _("%(name)s (target)") % {"name": name}
    return Message(
        cell=m["ref"] or "",
        column=column,
        column_name=name,
        where=where_text(m["sheet"], m["row"]),
        reason=reason_text(m["reason"]),
        original=message,
    )
