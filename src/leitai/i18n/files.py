"""The messages of the problems found while opening and reading a person's file.

Kept apart from :data:`leitai.i18n.problems.MESSAGES` (which takes them in) so that
the reading limits of :mod:`leitai.io.files` have their words in one place.
"""

from __future__ import annotations

FILE_MESSAGES: dict[str, str] = {
    "file.too_large": "The file is larger than the %(limit_mb)s MB limit.",
    "file.empty": "The file is empty.",
    "file.unreadable": "The file cannot be read.",
    "file.name_too_long": (
        "The file name is %(found)s characters long; at most %(limit)s are allowed."
    ),
    "file.binary": (
        "This is not a text table (it contains NUL bytes); upload the .xlsx template "
        "or a .csv table."
    ),
    "file.encoding": "The text is neither UTF-8, UTF-16 nor GBK; save it as a UTF-8 CSV file.",
    "file.csv_malformed": (
        "The CSV text cannot be read here (an unbalanced quote or a stray line break)."
    ),
    "file.cell_too_long": "A cell is longer than the limit of %(limit)s characters.",
    "file.not_finite": (
        "The cell holds a number that is not finite (NaN or infinity); write the figure "
        "or leave the cell empty."
    ),
    "file.too_many_rows": "The table has more rows than the limit of %(limit)s.",
    "file.too_many_columns": "The table has more columns than the limit of %(limit)s.",
    "file.too_many_cells": "The table has more cells than the limit of %(limit)s.",
    "file.not_xlsx": (
        "The file is not a readable .xlsx workbook (damaged, truncated or of another format)."
    ),
    "file.zip_members": "The workbook holds more parts than the limit of %(limit)s.",
    "file.unzipped_too_large": (
        "Uncompressed, the workbook is larger than the %(limit_mb)s MB limit."
    ),
    "file.zip_ratio": (
        "The workbook is compressed more than %(limit)s times over, as no real table is; "
        "it is refused."
    ),
    "file.zip_path": "The workbook holds a part with an unsafe path name.",
    "file.encrypted": "The workbook is encrypted; save it without a password.",
    "file.external_link": (
        "The workbook links to other workbooks; paste the values and save it without links."
    ),
    "file.dtd": "The workbook contains a DTD or an entity declaration; it is refused.",
    "file.xml_encoding": "A part of the workbook is not UTF-8 XML.",
    "file.no_sheet": "The workbook has no visible sheet of this name.",
    "file.no_visible_sheet": "The workbook has no visible sheet.",
    "file.bad_header_rows": (
        "header_rows in the _leitai sheet must be a whole number from 1 to 50, found %(found)s."
    ),
    "file.bad_cell": "A cell of this row cannot be read (for example a number written as NaN).",
    "file.formula": (
        "The cell holds a formula; paste the values (Paste Special, Values) and upload again."
    ),
    "file.old_xls": "The old .xls format is not read; save the workbook as .xlsx.",
    "file.wrong_type": (
        "This type of file is not read; upload the .xlsx template or a .csv table."
    ),
    "file.value_too_long": ("The value has %(found)s characters; at most %(limit)s can be stored."),
}
