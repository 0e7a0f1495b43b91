"""Small schemes written inline for engine tests."""

from __future__ import annotations

import textwrap
from typing import Any

from leitai.engine import PeriodData, Result, Scheme, assess, parse_scheme


def one_board_scheme(indicator: str, *, units: int = 4, extra: str = "") -> Scheme:
    """A scheme with units u0..u{n-1} and one board holding the given indicator YAML."""
    unit_list = ", ".join(f"{{id: u{i}, name: 单位{i}}}" for i in range(units))
    text = textwrap.dedent(
        f"""\
        id: t
        name: 测试
        version: 1
        units: [{unit_list}]
        boards:
          - id: b
            name: 板块
            points: 100
            indicators:
              - {indicator}
        """
    )
    return parse_scheme(text + textwrap.dedent(extra))


def run(scheme: Scheme, values: dict[str, dict[str, Any]], **kwargs: Any) -> Result:
    targets = kwargs.pop("targets", None)
    return assess(scheme, PeriodData.from_mapping(scheme, values, targets=targets), **kwargs)


def scores(result: Result, column: int = 0) -> list[float | None]:
    return [None if v != v else round(float(v), 9) for v in result.scores[:, column]]
