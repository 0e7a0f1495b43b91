"""Problems as data: a code, where it was found, and its parameters.

The engine and ``io`` never choose the words a person reads. They report a
:class:`Problem` — a stable ``code`` (``"number.decimal_comma"``), a :class:`Where`
(file, YAML path, sheet, cell, row, column header) and the parameters the message
needs — and the edge (the command line, a web page) renders it through the gettext
catalogues of :mod:`leitai.i18n`, in Simplified Chinese first. Nothing reads a
rendered message back.

>>> p = Problem("number.not_a_number", Where(file="data.csv", row=3, column="value"),
...             {"found": "x"})
>>> p.code, p.where.row, p.params["found"]
('number.not_a_number', 3, 'x')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

__all__ = ["Problem", "Where", "number_text"]


def number_text(number: float) -> str:
    """A number for a message as a person writes it: ``3`` not ``3.0``, all its digits.

    >>> number_text(3.0), number_text(1234567.0), number_text(2.5), number_text(-0.1)
    ('3', '1234567', '2.5', '-0.1')
    """
    number = float(number)
    if number.is_integer() and abs(number) < 1e16:
        return str(int(number))
    return repr(number)


@dataclass(frozen=True)
class Where:
    """Where a problem was found; every part is optional.

    Attributes
    ----------
    file : str, optional
        The name of the file the person gave (never an internal temporary path).
    path : str, optional
        A YAML path in a scheme, ``boards[1].indicators[0].params.cap``.
    line, column_number : int, optional
        A position in a text file (1-based), for YAML syntax errors.
    sheet : str, optional
        A workbook's sheet name as the person sees it.
    cell : str, optional
        A cell reference, ``D6``.
    row : int, optional
        The row number as the person's spreadsheet shows it (1-based, header included).
    column : str, optional
        The column's header text as written in the file (``地区生产总值增速``).
    """

    file: str | None = None
    path: str | None = None
    line: int | None = None
    column_number: int | None = None
    sheet: str | None = None
    cell: str | None = None
    row: int | None = None
    column: str | None = None

    def but(self, **changes: Any) -> Where:
        """A copy with some parts replaced (``where.but(file="data.xlsx")``)."""
        return replace(self, **changes)


def _frozen(params: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(params or {}))


@dataclass(frozen=True)
class Problem:
    """One problem found in a person's input.

    Parameters
    ----------
    code : str
        A stable, dotted identifier (``"scheme.unknown_key"``); each code has one
        message in the catalogues of :mod:`leitai.i18n`.
    where : Where
        Where the problem is.
    params : mapping
        The values the message names (``found``, ``expected``, ``limit`` ...); plain
        str/int/float/None/list values only, so that a problem can be stored as JSON.
    """

    code: str
    where: Where = field(default_factory=Where)
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", _frozen(self.params))

    def located(self, **changes: Any) -> Problem:
        """The same problem with its place refined (``located(file="data.csv")``)."""
        return Problem(self.code, self.where.but(**changes), self.params)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: ``{"code", "where": {...non-null parts}, "params"}``."""
        where = {k: v for k, v in vars(self.where).items() if v is not None}
        return {"code": self.code, "where": where, "params": dict(self.params)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Problem:
        return cls(data["code"], Where(**data.get("where", {})), data.get("params", {}))
