"""Tables in and out: data tables, previous results and data-collection templates."""

from __future__ import annotations

from leitai.io.tables import read_previous, read_rows, read_table

__all__ = ["read_previous", "read_rows", "read_table"]
