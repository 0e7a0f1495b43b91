"""Tables in and out: data tables, previous results and data-collection templates.

The names are imported when first used (PEP 562), so that importing one module of the
package (``leitai.io.export`` for a CSV) does not load the readers and openpyxl.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_MODULES = {
    "read_previous": "leitai.io.tables",
    "read_result": "leitai.io.tables",
    "read_rows": "leitai.io.tables",
    "read_table": "leitai.io.tables",
    "template_columns": "leitai.io.template",
    "write_template": "leitai.io.template",
}


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module 'leitai.io' has no attribute {name!r}")
    value = getattr(importlib.import_module(_MODULES[name]), name)
    globals()[name] = value
    return value
