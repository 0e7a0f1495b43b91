"""Tables in and out: data tables, previous results and data-collection templates."""

from __future__ import annotations

from leitai.io.tables import read_previous, read_result, read_rows, read_table
from leitai.io.template import template_columns, write_template

__all__ = [
    "read_previous",
    "read_result",
    "read_rows",
    "read_table",
    "template_columns",
    "write_template",
]
