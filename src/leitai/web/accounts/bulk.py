"""Creating many accounts from a spreadsheet: the template, the check, the preview.

The office downloads :func:`accounts_template` (one sheet, one account a row), fills it
in and uploads it. :func:`accounts_bulk_check` reads it through the one bounded reader
(:func:`leitai.io.files.read_sheet`: openpyxl's read-only stream, size, rows and cells
limited, formulas refused) and checks every row; every problem names its sheet, cell and
header. Only a file without a single problem can be confirmed, and then every account
is created or none (:func:`leitai.web.accounts.services.accounts_bulk_create`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from leitai.io.export import append_row
from leitai.io.files import FileRefused, read_sheet
from leitai.web.accounts.models import User
from leitai.web.files import problem_texts, upload_limits

SHEET = "账号"
MAX_ACCOUNTS = 500
MAX_BYTES = 2 * 1024 * 1024
# (field, header as the template writes it): the header is read back in either language.
COLUMNS = (
    ("username", gettext_lazy("Login name")),
    ("real_name", gettext_lazy("Real name")),
    ("role", gettext_lazy("Role")),
    ("unit", gettext_lazy("Unit")),
    ("unit_approver", gettext_lazy("Unit approver")),
    ("phone", gettext_lazy("Phone")),
    ("email", gettext_lazy("E-mail")),
)
REQUIRED = ("username", "real_name", "role")
YES = {"是", "yes", "y", "1", "true", "√"}
NO = {"否", "no", "n", "0", "false", ""}
LIMITS = {"username": 150, "real_name": 60, "phone": 30, "email": 254}


@dataclass
class BulkCheck:
    """The accounts a file would create (``rows``), or why it cannot (``problems``)."""

    filename: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.problems


def accounts_template() -> bytes:
    """The bulk-creation workbook: the header row, an example, and the codes to use."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    append_row(sheet, [str(label) for _key, label in COLUMNS])
    from leitai.web.assessments.models import Unit

    unit = Unit.objects.order_by("position", "code").first()
    example = unit.name if unit else ""
    append_row(sheet, ["zhangsan", "张三", str(User.Role.REPORTER.label), example, "否", "", ""])
    notes = book.create_sheet(str(_("Codes")))
    append_row(notes, [str(_("Role")), str(_("Code"))])
    for value, label in User.Role.choices:
        append_row(notes, [str(label), value])
    append_row(notes, [])
    append_row(notes, [str(_("Unit")), str(_("Code"))])
    for code, name in Unit.objects.order_by("position", "code").values_list("code", "name"):
        append_row(notes, [name, code])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _text(value: Any) -> str:
    """A cell as text: a whole number (a phone typed as a number) without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


class _Checker:
    """Checks the rows of one sheet; each problem located at its cell and header."""

    def __init__(self, filename: str, sheet: str) -> None:
        from leitai.web.assessments.models import Unit

        self.filename, self.sheet = filename, sheet
        self.problems: list[str] = []
        self.roles = {value: value for value in User.Role.values}
        self.roles.update({str(label): value for value, label in User.Role.choices})
        self.units = {}
        for unit in Unit.objects.all():
            self.units[unit.code] = self.units[unit.name] = unit.code
        self.seen: dict[str, str] = {}

    def add(self, cell: str, header: str, message: str) -> None:
        self.problems.append(
            _("%(file)s, sheet %(sheet)s, cell %(cell)s (%(header)s): %(problem)s")
            % {
                "file": self.filename,
                "sheet": self.sheet,
                "cell": cell,
                "header": header,
                "problem": message,
            }
        )

    def header(self, row: list[Any]) -> dict[str, int]:
        from django.utils import translation

        known = {key: key for key, _label in COLUMNS}
        known.update({str(label): key for key, label in COLUMNS})
        with translation.override("en"):
            known.update({str(label): key for key, label in COLUMNS})
        columns: dict[str, int] = {}
        for index, value in enumerate(row):
            text = _text(value)
            if not text:
                continue
            key = known.get(text)
            if key is None:
                self.add(f"{_column_letter(index)}1", text, _("This column is not known."))
            elif key in columns:
                self.add(f"{_column_letter(index)}1", text, _("This column appears twice."))
            else:
                columns[key] = index
        for key, label in COLUMNS:
            if key in REQUIRED and key not in columns:
                self.add("1", str(label), _("This column is missing."))
        return columns

    def row(self, number: int, values: list[Any], columns: dict[str, int]) -> dict[str, Any]:
        cells = {key: _text(values[i]) if i < len(values) else "" for key, i in columns.items()}
        labels = dict(COLUMNS)

        def bad(key: str, message: str) -> None:
            letter = _column_letter(columns[key]) if key in columns else "?"
            self.add(f"{letter}{number}", str(labels[key]), message)

        for key, limit in LIMITS.items():
            if len(cells.get(key, "")) > limit:
                bad(key, _("Longer than %(n)d characters.") % {"n": limit})
                cells[key] = ""
        self._username(number, cells, bad)
        if not cells.get("real_name"):
            bad("real_name", _("A real name is needed."))
        role = self.roles.get(cells.get("role", ""))
        if role is None:
            bad("role", _("Not a role; use one of: %(roles)s.") % {"roles": self._role_names()})
        unit = self._unit(cells, role, bad)
        approver = cells.get("unit_approver", "").lower()
        if approver not in YES | NO:
            bad("unit_approver", _("Write 是 or 否."))
        elif approver in YES and role != User.Role.REPORTER:
            bad("unit_approver", _("Only a unit reporter's account can be the unit's approver."))
        if cells.get("email"):
            try:
                validate_email(cells["email"])
            except ValidationError:
                bad("email", _("Not an e-mail address."))
        return {
            "row": number,
            "username": cells.get("username", ""),
            "real_name": cells.get("real_name", ""),
            "role": role or "",
            "unit": unit,
            "unit_approver": approver in YES,
            "phone": cells.get("phone", ""),
            "email": cells.get("email", ""),
        }

    def _role_names(self) -> str:
        return _(", ").join(str(label) for _value, label in User.Role.choices)

    def _username(self, number: int, cells: dict[str, str], bad: Any) -> None:
        username = cells.get("username", "")
        if not username:
            bad("username", _("A login name is needed."))
            return
        try:
            User.username_validator(username)
        except ValidationError:
            bad("username", _("Letters, digits and @ . + - _ only."))
            return
        if username in self.seen:
            bad("username", _("Also in row %(row)s.") % {"row": self.seen[username]})
        elif User.objects.filter(username__iexact=username).exists():
            bad("username", _("This login name is taken."))
        self.seen[username] = str(number)

    def _unit(self, cells: dict[str, str], role: str | None, bad: Any) -> str | None:
        text = cells.get("unit", "")
        if not text:
            if role == User.Role.REPORTER:
                bad("unit", _("A unit reporter needs a unit."))
            return None
        unit = self.units.get(text)
        if unit is None:
            bad("unit", _("Not a unit: use its name or code."))
        elif role is not None and role != User.Role.REPORTER:
            bad("unit", _("Only a unit reporter belongs to a unit."))
            return None
        return unit


def accounts_bulk_check(data: bytes, *, filename: str) -> BulkCheck:
    """Check an uploaded accounts workbook (or CSV) without changing anything."""
    check = BulkCheck(filename=filename)
    limits = replace(
        upload_limits(), max_bytes=MAX_BYTES, max_rows=MAX_ACCOUNTS + 1, max_columns=30
    )
    try:
        sheet = read_sheet(data, filename=filename, limits=limits, prefer=SHEET)
    except FileRefused as refused:
        check.problems = problem_texts(refused)
        return check
    rows = list(zip(sheet.numbers or range(1, len(sheet.rows) + 1), sheet.rows, strict=False))
    checker = _Checker(filename, sheet.sheet or filename)
    if not rows:
        check.problems = [_("The file has no rows.")]
        return check
    columns = checker.header(rows[0][1])
    if not checker.problems:
        for number, values in rows[1:]:
            if any(_text(v) for v in values):
                check.rows.append(checker.row(number, values, columns))
        if not check.rows:
            checker.problems.append(_("The file lists no account."))
    check.problems = checker.problems
    return check
