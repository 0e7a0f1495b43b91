"""leitai's engine: pure computation, no Django and no file formats.

>>> from leitai.engine import load_scheme, assess  # doctest: +SKIP
"""

from __future__ import annotations

from leitai.engine.assess import assess
from leitai.engine.data import PeriodData, Record, parse_flag, parse_number
from leitai.engine.errors import DataError, LeitaiError, SchemeError
from leitai.engine.result import Result
from leitai.engine.scheme import Scheme, load_scheme, parse_scheme

__all__ = [
    "DataError",
    "LeitaiError",
    "PeriodData",
    "Record",
    "Result",
    "Scheme",
    "SchemeError",
    "assess",
    "load_scheme",
    "parse_flag",
    "parse_number",
    "parse_scheme",
]
