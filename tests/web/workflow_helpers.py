"""Helpers of the workflow tests: workbooks to upload, and fingerprints of stored rows."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping
from typing import Any

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model

from leitai.io import write_template
from leitai.web.assessments.models import DataValue, Period, Snapshot
from leitai.web.assessments.selectors import scheme_version_parsed


def template(
    period: Period, units: list[str] | None = None, *, filled: bool = True
) -> openpyxl.Workbook:
    """The period's data-collection workbook, as the template page gives it."""
    values: dict[str, dict[str, Any]] = {}
    if filled:
        for value in DataValue.objects.filter(period=period).select_related("unit"):
            row = values.setdefault(value.unit.code, {})
            row[value.key] = value.value
            if value.target:
                row[f"{value.key}.target"] = value.target
    buffer = io.BytesIO()
    write_template(
        scheme_version_parsed(period.scheme_version),
        buffer,
        units=units,
        values=values,
        period=period.code,
    )
    buffer.seek(0)
    return openpyxl.load_workbook(buffer)


def cell_of(book: openpyxl.Workbook, unit: str, key: str) -> str:
    """The coordinate (e.g. ``C5``) of ``unit``'s ``key`` in a template."""
    sheet = book["数据填报"]
    column = next(c.column_letter for c in sheet[1] if c.value == key)
    row = next(r for r in range(5, sheet.max_row + 1) if sheet[f"A{r}"].value == unit)
    return f"{column}{row}"


def edited(book: openpyxl.Workbook, edits: Mapping[tuple[str, str], Any]) -> openpyxl.Workbook:
    for (unit, key), value in edits.items():
        book["数据填报"][cell_of(book, unit, key)] = value
    return book


def xlsx(book: openpyxl.Workbook, name: str = "填报.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def csv_file(text: str, name: str = "data.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def row_fingerprint(obj: Model) -> str:
    """SHA-256 of a row exactly as the database stores it (every column)."""
    row = type(obj).objects.filter(pk=obj.pk).values().get()
    text = json.dumps(row, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def figures(period: Period) -> dict[tuple[str, str], tuple[str, str]]:
    return {
        (v.unit.code, v.key): (v.value, v.target)
        for v in DataValue.objects.filter(period=period).select_related("unit")
    }


def published_fingerprints() -> dict[int, str]:
    return {s.pk: row_fingerprint(s) for s in Snapshot.objects.published()}
