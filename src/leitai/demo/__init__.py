"""The bundled demo: an illustrative Qingdao 2023 scheme and synthetic quarterly data.

The schemes (``scheme-2023-v1.yaml`` for 2022Q4 to 2023Q2, ``scheme-2023-v2.yaml``
for 2023Q3 and 2023Q4) are modelled on the published description of Qingdao's 2023
quarterly "摘星夺旗" assessment, not its official text, and the data in ``data/`` are
synthetic. They reproduce the published outcomes of 2023Q1 and 2023Q3 (see README.md).

Example
-------
>>> from leitai.demo import assess_demo
>>> results = assess_demo("2023Q1")
>>> list(results)
['2022Q4', '2023Q1']
>>> [row["unit"] for row in results["2023Q1"].league_table()[:2]]
['huangdao', 'jiaozhou']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from leitai.engine import Result

__all__ = [
    "DemoExtra",
    "DemoPeriod",
    "assess_demo",
    "demo_annual",
    "demo_dir",
    "demo_grouped",
    "demo_periods",
]

# (period, scheme file): the rules changed in the third quarter of 2023 (version 2 adds
# the board 优化营商环境), so the periods name their scheme rather than sharing one.
_PERIODS: tuple[tuple[str, str], ...] = (
    ("2022Q4", "scheme-2023-v1.yaml"),
    ("2023Q1", "scheme-2023-v1.yaml"),
    ("2023Q2", "scheme-2023-v1.yaml"),
    ("2023Q3", "scheme-2023-v2.yaml"),
    ("2023Q4", "scheme-2023-v2.yaml"),
)


@dataclass(frozen=True)
class DemoPeriod:
    """One demo period: its label, scheme file, data file and the period before it."""

    period: str
    scheme_path: Path
    data_path: Path
    previous: str | None


def demo_dir() -> Path:
    """The folder holding the demo's schemes and ``data/`` (inside the installed package)."""
    # files() of a regular package installed by pip is a directory on disk; str() keeps
    # this working whatever Traversable the loader returns for such a package.
    return Path(str(resources.files(__name__)))


def demo_periods() -> list[DemoPeriod]:
    """The demo periods in time order, each naming the period before it (None for the first).

    Examples
    --------
    >>> [(p.period, p.scheme_path.name, p.previous) for p in demo_periods()][:2]
    [('2022Q4', 'scheme-2023-v1.yaml', None), ('2023Q1', 'scheme-2023-v1.yaml', '2022Q4')]
    """
    root = demo_dir()
    periods = []
    previous: str | None = None
    for period, scheme in _PERIODS:
        periods.append(
            DemoPeriod(
                period=period,
                scheme_path=root / scheme,
                data_path=root / "data" / f"{period}.csv",
                previous=previous,
            )
        )
        previous = period
    return periods


def assess_demo(period: str | None = None) -> dict[str, Result]:
    """Assess every demo period up to ``period``, each against the one before it.

    Parameters
    ----------
    period : str, optional
        The last period to assess, e.g. ``"2023Q1"``; by default all of them.

    Returns
    -------
    dict of str to Result
        The results in time order, keyed by period; each period's ``rank_change``
        is taken from the result of the period before it.

    Raises
    ------
    LeitaiError
        When ``period`` is not a demo period (the message lists the ones there are).

    Examples
    --------
    >>> result = assess_demo("2023Q3")["2023Q3"]
    >>> row = next(r for r in result.league_table() if r["unit"] == "shibei")
    >>> row["rank_change"] >= 2, row["flags"]
    (True, ['climber'])
    """
    from leitai.engine import LeitaiError, assess, load_scheme
    from leitai.engine.problems import Problem, Where
    from leitai.io import read_table

    periods = demo_periods()
    labels = [p.period for p in periods]
    if period is not None:
        if period not in labels:
            raise LeitaiError(
                Problem("cli.unknown_period", Where(), {"period": str(period), "periods": labels})
            )
        periods = periods[: labels.index(period) + 1]
    schemes = {}
    results: dict[str, Result] = {}
    for item in periods:
        if item.scheme_path not in schemes:
            schemes[item.scheme_path] = load_scheme(item.scheme_path)
        scheme = schemes[item.scheme_path]
        previous = results[item.previous] if item.previous is not None else None
        data = read_table(item.data_path, scheme)
        results[item.period] = assess(scheme, data, previous=previous, period=item.period)
    return results


@dataclass(frozen=True)
class DemoExtra:
    """A demo period beside the quarters: the 2023 annual assessment or the grouped variant.

    ``data_path`` is None where every value comes from other periods (the annual
    scheme); ``name`` is the period's name for people; ``ends_on`` the last day it
    assesses, where its code does not say it.
    """

    period: str
    name: str
    scheme_path: Path
    data_path: Path | None
    ends_on: dt.date | None = None


def demo_annual() -> DemoExtra:
    """The 2023 annual assessment (illustrative): its scheme takes every value from the
    published results of 2023Q1 to 2023Q4 (spec section 11), so it has no data table.

    Examples
    --------
    >>> from leitai.engine import load_scheme
    >>> load_scheme(demo_annual().scheme_path).from_periods
    ('2023Q1', '2023Q2', '2023Q3', '2023Q4')
    """
    return DemoExtra("2023", "2023年度考核（示意）", demo_dir() / "scheme-2023-annual.yaml", None)


def demo_grouped() -> DemoExtra:
    """2023Q3 under an illustrative grouped variant of version 2 (市内区 / 县级市, spec
    section 10): the same data, each unit ranked within its group.

    Examples
    --------
    >>> from leitai.engine import load_scheme
    >>> [g.name for g in load_scheme(demo_grouped().scheme_path).groups]
    ['市内区', '县级市']
    """
    root = demo_dir()
    return DemoExtra(
        "2023-Q3-grouped",
        "2023年第三季度（分类考核示意）",
        root / "scheme-2023-v2-grouped.yaml",
        root / "data" / "2023Q3.csv",
        dt.date(2023, 9, 30),
    )
