"""Bring a COINr index over: its iData and iMeta tables to a leitai scheme and data table.

COINr (the EU JRC's R package for composite indicators) describes an index with two
tables. ``iMeta`` has a row per indicator (``Level`` 1, ``Direction`` 1 or -1,
``Weight``, ``Denominator``, ``Parent``) and per aggregate (levels 2 and up), plus
rows of ``Type`` Group and Denominator naming columns of ``iData``; ``iData`` has a row
per unit (``uCode``, ``uName``, group columns, denominators and indicator values).

The scheme written here reproduces COINr's documented example build
(``build_example_coin()``): denominate, impute each missing value with the mean of the
unit's group, treat outliers with COINr's defaults (spec section 9), normalise by
min-max to 0-100 with the indicators' directions, and aggregate by weighted arithmetic
mean up the tree. The top aggregate becomes the one top-level board, with 100 points,
so that the composite equals COINr's index score.

Examples
--------
>>> from pathlib import Path
>>> asem = Path("tests/data/asem")
>>> scheme_path, data_path = convert_coinr(
...     asem / "ASEM_iData.csv", asem / "ASEM_iMeta.csv", "out")  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from leitai.engine.errors import DataError
from leitai.engine.problems import Problem, Where, number_text
from leitai.io.files import read_sheet

__all__ = [
    "CoinrTables",
    "coinr_aggregation",
    "coinr_normalisation",
    "coinr_treatment",
    "convert_coinr",
    "read_coinr",
    "scheme_document",
]

# COINr's aggregation functions (f_ag) and leitai's board aggregation method for each.
_F_AG = {
    "a_amean": "mean",
    "a_gmean": "geometric",
    "a_hmean": "harmonic",
    "a_genmean": "generalised",
    "a_copeland": "copeland",
}

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_EXAMPLE_GROUP = "EurAsia_group"  # the group COINr's build_example_coin() imputes by


@dataclass
class _Node:
    code: str
    name: str
    level: int
    weight: float
    parent: str | None
    direction: int = 1
    unit: str | None = None
    denominator: str | None = None
    children: list[str] = field(default_factory=list)


@dataclass
class CoinrTables:
    """COINr's two tables, read and checked.

    Attributes
    ----------
    nodes : dict of code to node
        Indicators (level 1) and aggregates, in iMeta's order.
    groups : list of str
        Group columns of iData (iMeta rows of Type Group).
    denominators : dict of code to (name, unit)
        Denominator columns of iData.
    units : list of dict
        ``{"code", "name", "groups": {column: label}, "values": {code: float or None}}``.
    """

    nodes: dict[str, _Node]
    groups: list[str]
    denominators: dict[str, tuple[str, str | None]]
    units: list[dict[str, Any]]


def _read_csv(path: str | os.PathLike[str]) -> tuple[list[str], list[dict[str, str]]]:
    name = os.fspath(path)
    raw = read_sheet(path, filename=name, csv_only=True)
    if not raw.rows:
        return [], []
    header = [str(h) for h in raw.rows[0]]
    rows = [
        {h: (row[k] if k < len(row) else "") for k, h in enumerate(header)}
        for row in raw.rows[1:]
        if any(cell != "" for cell in row)
    ]
    return header, rows


def _p(
    what: str, file: str, row: int | None = None, column: str | None = None, /, **params: Any
) -> Problem:
    return Problem(what, Where(file=file, row=row, column=column), params)


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    text = text.strip()
    if text == "" or text.upper() in ("NA", "NAN"):
        return None
    return float(text)


def read_coinr(
    idata_path: str | os.PathLike[str], imeta_path: str | os.PathLike[str], *, time: Any = None
) -> CoinrTables:
    """Read and check COINr's iData and iMeta tables.

    Parameters
    ----------
    idata_path, imeta_path : path
        The two tables as CSV (UTF-8), as written by R's ``write.csv``.
    time : optional
        With a panel (several values of iData's ``Time``), the time point to take.

    Raises
    ------
    DataError
        Naming the file, row and column of every problem found.
    """
    meta_name, data_name = os.fspath(imeta_path), os.fspath(idata_path)
    nodes, groups, denominators = _read_meta(imeta_path, meta_name)
    units = _read_units(idata_path, data_name, nodes, groups, denominators, time)
    return CoinrTables(nodes=nodes, groups=groups, denominators=denominators, units=units)


_Denominators = dict[str, tuple[str, str | None]]


def _read_meta(
    path: str | os.PathLike[str], name: str
) -> tuple[dict[str, _Node], list[str], _Denominators]:
    """iMeta's indicators and aggregates (as a tree), groups and denominators."""
    columns, rows = _read_csv(path)
    errors = [
        _p("coinr.missing_column", name, 1, needed)
        for needed in ("iCode", "Level", "Type", "Parent")
        if needed not in columns
    ]
    if errors:
        raise DataError(errors)
    nodes: dict[str, _Node] = {}
    groups: list[str] = []
    denominators: _Denominators = {}
    for r, row in enumerate(rows, start=2):
        code = (row.get("iCode") or "").strip()
        kind = (row.get("Type") or "").strip()
        if not code:
            errors.append(_p("coinr.no_code", name, r, "iCode"))
        elif not _ID.match(code):
            errors.append(_p("coinr.bad_code", name, r, "iCode", found=code))
        elif kind == "Group":
            groups.append(code)
        elif kind == "Denominator":
            denominators[code] = (
                (row.get("iName") or code).strip(),
                (row.get("Unit") or "").strip() or None,
            )
        elif kind in ("Indicator", "Aggregate"):
            node = _meta_node(row, r, code, kind, name, errors)
            if node is not None:
                nodes[code] = node
    errors += _tree_errors(nodes, denominators, name)
    if errors:
        raise DataError(errors)
    return nodes, groups, denominators


def _meta_node(
    row: dict[str, str], r: int, code: str, kind: str, name: str, errors: list[Problem]
) -> _Node | None:
    """An indicator's or aggregate's row of iMeta as a node (None, with its problems
    added to ``errors``, where a number is wrong)."""
    numbers: dict[str, float | None] = {}
    for column in ("Level", "Weight", "Direction"):
        try:
            numbers[column] = _number(row.get(column) or ("" if column != "Level" else None))
            if column == "Level" and numbers[column] is None:
                raise ValueError(column)
        except ValueError:
            found = str(row.get(column) or "")[:40]
            errors.append(_p("number.not_a_number", name, r, column, found=found))
    if len(numbers) < 3 or numbers["Level"] is None:
        return None
    weight, direction = numbers["Weight"], numbers["Direction"]
    if kind == "Indicator" and direction not in (1.0, -1.0):
        errors.append(_p("coinr.direction", name, r, "Direction", found=str(row.get("Direction"))))
        return None
    return _Node(
        code=code,
        name=(row.get("iName") or code).strip(),
        level=int(numbers["Level"]),
        weight=1.0 if weight is None else weight,
        parent=(row.get("Parent") or "").strip() or None,
        direction=int(direction or 1),
        unit=(row.get("Unit") or "").strip() or None,
        denominator=(row.get("Denominator") or "").strip() or None,
    )


def _tree_errors(nodes: dict[str, _Node], denominators: _Denominators, name: str) -> list[Problem]:
    """Links each node to its parent (and a denominator named only by an indicator into
    ``denominators``); the problems of the tree: unknown parents, weights of 0 or
    below, aggregates without children, indicators without a parent."""
    errors = []
    for code, node in nodes.items():
        if node.parent is not None and node.parent not in nodes:
            errors.append(
                _p("coinr.unknown_parent", name, None, "Parent", code=code, found=node.parent)
            )
        elif node.parent is not None:
            nodes[node.parent].children.append(code)
        if node.level == 1 and node.denominator and node.denominator not in denominators:
            denominators[node.denominator] = (node.denominator, None)
        if node.weight <= 0:
            found = number_text(node.weight)
            errors.append(_p("coinr.weight", name, None, "Weight", code=code, found=found))
    for code, node in nodes.items():
        if node.level > 1 and not node.children:
            errors.append(_p("coinr.childless", name, code=code))
        if node.level == 1 and node.parent is None:
            errors.append(_p("coinr.orphan", name, None, "Parent", code=code))
    return errors


def _read_units(
    path: str | os.PathLike[str],
    name: str,
    nodes: dict[str, _Node],
    groups: list[str],
    denominators: _Denominators,
    time: Any,
) -> list[dict[str, Any]]:
    """iData's units (of the time point ``time`` in a panel), checked."""
    columns, rows = _read_csv(path)
    if "uCode" not in columns:
        raise DataError(_p("coinr.missing_column", name, 1, "uCode"))
    indicator_codes = [c for c, n in nodes.items() if n.level == 1]
    errors = [
        _p("coinr.missing_column", name, 1, code)
        for code in [*indicator_codes, *denominators, *groups]
        if code not in columns
    ]
    if errors:
        raise DataError(errors)
    times = {(row.get("Time") or "").strip() for row in rows} if "Time" in columns else {""}
    if len(times) > 1 and time is None:
        raise DataError(_p("coinr.panel", name, None, "Time", found=sorted(times)))
    units: list[dict[str, Any]] = []
    seen: set[str] = set()
    for r, row in enumerate(rows, start=2):
        if time is not None and _number(row.get("Time")) != float(time):
            continue
        code = (row.get("uCode") or "").strip()
        if not _ID.match(code):
            errors.append(_p("coinr.bad_code", name, r, "uCode", found=code))
        elif code in seen:
            errors.append(_p("coinr.twice", name, r, "uCode", found=code))
        else:
            seen.add(code)
            values = _unit_values(row, r, [*indicator_codes, *denominators], name, errors)
            units.append(
                {
                    "code": code,
                    "name": (row.get("uName") or code).strip(),
                    "groups": {g: (row.get(g) or "").strip() or None for g in groups},
                    "values": values,
                }
            )
    if not units:
        errors.append(_p("coinr.no_units", name, time="" if time is None else str(time)))
    if errors:
        raise DataError(errors)
    return units


def _unit_values(
    row: dict[str, str], r: int, columns: list[str], name: str, errors: list[Problem]
) -> dict[str, float | None]:
    """A unit's values of ``columns``; a cell that is not a number adds a problem."""
    values: dict[str, float | None] = {}
    for column in columns:
        try:
            values[column] = _number(row.get(column))
        except ValueError:
            found = str(row.get(column))[:40]
            errors.append(_p("number.not_a_number", name, r, column, found=found))
    return values


def _choose_group(tables: CoinrTables, group: str | None) -> str | None:
    if group == "auto":
        if len(tables.groups) == 1:
            return tables.groups[0]
        return _EXAMPLE_GROUP if _EXAMPLE_GROUP in tables.groups else None
    if group is not None and group not in tables.groups:
        raise DataError(
            Problem("coinr.unknown_group", Where(), {"found": group, "expected": tables.groups})
        )
    return group


def _scheme_id(text: str) -> str:
    slug = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-")
    return f"coinr-{slug or 'index'}"[:64]


def coinr_aggregation(
    f_ag: str = "a_amean", f_ag_para: dict[str, Any] | None = None, dat_thresh: float | None = None
) -> dict[str, Any]:
    """A board's ``aggregation`` for COINr's ``Aggregate(f_ag, f_ag_para, dat_thresh)``.

    >>> coinr_aggregation("a_genmean", {"p": 2}, 0.5)
    {'method': 'generalised', 'p': 2.0, 'min_data': 0.5}

    Raises
    ------
    DataError
        For an aggregation function leitai does not have (``coinr.unknown_aggregation``).
    """
    if f_ag not in _F_AG:
        raise DataError(
            Problem(
                "coinr.unknown_aggregation",
                Where(),
                {"found": f_ag, "expected": ", ".join(_F_AG)},
            )
        )
    out: dict[str, Any] = {"method": _F_AG[f_ag]}
    if f_ag == "a_genmean":
        out["p"] = float((f_ag_para or {}).get("p", 1.0))
    if dat_thresh is not None:
        out["min_data"] = float(dat_thresh)
    return out


# COINr's Treat f2 and leitai's treatment fallback for each.
_F2 = {
    "log_CT": "log",
    "log_CT_plus": "log_plus",
    "log_CT_orig": "log_orig",
    "log_GII": "log_gii",
    "boxcox": "boxcox",
}


def _unknown(kind: str, found: str, known: Any) -> DataError:
    return DataError(
        Problem(f"coinr.unknown_{kind}", Where(), {"found": found, "expected": ", ".join(known)})
    )


def coinr_normalisation(
    f_n: str = "n_minmax", f_n_para: dict[str, Any] | None = None, units: Any = ()
) -> dict[str, Any]:
    """An indicator's ``method`` and ``params`` for COINr's ``Normalise(f_n, f_n_para)``.

    ``units`` are the unit ids in COINr's row order (``n_dist2ref``'s ``iref`` is a
    row number). docs/methods.md, section B, gives the correspondence.

    >>> coinr_normalisation("n_goalposts", {"gposts": [10, 90, 100], "trunc2posts": False})
    {'method': 'efficacy', 'params': {'base': 0.0, 'span': 100.0, 'worst': 10.0, 'best': 90.0, 'truncate': False}}

    Raises
    ------
    DataError
        ``coinr.unknown_normalisation`` for a function leitai has no counterpart of
        (``n_zscore``: leitai's z-score divides by n, COINr's sd by n - 1).
    """
    para = dict(f_n_para or {})
    simple = {"n_prank": "prank", "n_borda": "borda", "n_fracmax": "fracmax"}
    if f_n in simple:
        return {"method": simple[f_n]}
    if f_n == "n_minmax":
        low, high = (float(v) for v in para.get("l_u", (0, 100)))
        if (low, high) == (0.0, 100.0):
            return {"method": "minmax"}
        return {"method": "efficacy", "params": {"base": low, "span": high - low}}
    if f_n == "n_dist2ref":
        reference = list(units)[int(para["iref"]) - 1]
        return {
            "method": "dist2ref",
            "params": {"reference": reference, "capped": bool(para.get("cap_max", False))},
        }
    if f_n in ("n_goalposts", "n_scaled"):
        if f_n == "n_goalposts":
            worst, best, scale = (float(v) for v in para["gposts"])
            truncate = bool(para.get("trunc2posts", True))
        else:
            worst, best = (float(v) for v in para.get("npara", (0, 100)))
            scale, truncate = float(para.get("scale_factor", 100)), False
        params = {"base": 0.0, "span": scale, "worst": worst, "best": best}
        return {"method": "efficacy", "params": {**params, "truncate": truncate}}
    known = [*simple, "n_minmax", "n_dist2ref", "n_goalposts", "n_scaled"]
    raise _unknown("normalisation", f_n, known)


def coinr_treatment(
    f2: str | None = "log_CT",
    f2_para: dict[str, Any] | None = None,
    *,
    winmax: int = 5,
    skew_thresh: float = 2.0,
    kurt_thresh: float = 3.5,
) -> dict[str, Any]:
    """``prepare.treat`` for COINr's ``Treat`` (winsorise, then ``f2``).

    >>> coinr_treatment("boxcox", {"lambda": 0.5})["fallback"]
    'boxcox'

    Raises
    ------
    DataError
        ``coinr.unknown_treatment`` for an ``f2`` leitai has no counterpart of.
    """
    out: dict[str, Any] = {
        "method": "winsorise",
        "skew": skew_thresh,
        "kurtosis": kurt_thresh,
        "max_points": winmax,
    }
    if f2 is None:
        return {**out, "fallback": "none"}
    if f2 not in _F2:
        raise _unknown("treatment", f2, _F2)
    out["fallback"] = _F2[f2]
    if f2 == "boxcox":
        out["lambda"] = float((f2_para or {})["lambda"])
    return out


def scheme_document(
    tables: CoinrTables,
    *,
    group: str | None = "auto",
    impute: str | None = "mean",
    treat: bool = True,
    aggregation: dict[str, Any] | None = None,
    normalisation: dict[str, Any] | None = None,
    treatment: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The leitai scheme, as a mapping ready for YAML, for COINr's tables.

    Parameters
    ----------
    tables : CoinrTables
    group : str, 'auto' or None
        The Group column to impute by. ``'auto'``: the only one, else COINr's example
        choice ``EurAsia_group`` when present, else impute over all units.
    impute : {'mean', 'median'} or None
        Imputation of missing values; None to leave them missing (they are then left
        out of their pillar's mean, as COINr's aggregation with ``na.rm`` does).
    treat : bool
        COINr's default outlier treatment (winsorisation, log fallback).
    aggregation : dict, optional
        Every board's aggregation (:func:`coinr_aggregation`); by default the weighted
        arithmetic mean.
    normalisation : dict, optional
        Every indicator's ``method`` and ``params`` (:func:`coinr_normalisation`); by
        default min-max to 0-100.
    treatment : dict, optional
        The ``prepare.treat`` written when ``treat`` is true (:func:`coinr_treatment`);
        by default COINr's.
    """
    chosen = _choose_group(tables, group)
    tops = [n for n in tables.nodes.values() if n.level > 1 and n.parent is None]
    total = sum(n.weight for n in tops)
    document: dict[str, Any] = {
        "id": _scheme_id(tops[0].code if len(tops) == 1 else "index"),
        "name": tops[0].name if len(tops) == 1 else "COINr index",
        "version": 1,
        "units": _scheme_units(tables, chosen),
        "defaults": {"method": "minmax", "missing": "exclude"},
    }
    series = _scheme_series(tables)
    if series:
        document["series"] = series
    shape = _Shape(tables.nodes, aggregation, normalisation)
    document["boards"] = [shape.board(n, 100.0 * n.weight / total) for n in tops]
    prepare: dict[str, Any] = {}
    if impute:
        prepare["impute"] = {"method": impute, "by": "group" if chosen else "all"}
    if treat:
        prepare["treat"] = dict(treatment) if treatment else dict(_COINR_TREATMENT)
    if prepare:
        document["prepare"] = prepare
    return document


# COINr's default outlier treatment, as a scheme's ``prepare.treat``.
_COINR_TREATMENT = {
    "method": "winsorise",
    "skew": 2,
    "kurtosis": 3.5,
    "max_points": 5,
    "fallback": "log",
}


@dataclass(frozen=True)
class _Shape:
    """Boards and indicators of the scheme, from COINr's tree of nodes."""

    nodes: dict[str, _Node]
    aggregation: dict[str, Any] | None
    normalisation: dict[str, Any] | None

    def indicator(self, node: _Node) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": node.code,
            "name": node.name,
            "direction": "higher" if node.direction > 0 else "lower",
        }
        if node.unit:
            out["unit"] = node.unit
        if node.weight != 1.0:
            out["weight"] = node.weight
        if node.denominator:
            out["denominator"] = node.denominator
        if self.normalisation and self.normalisation.get("method") != "minmax":
            wanted = ("method", "params")
            out.update({k: v for k, v in self.normalisation.items() if k in wanted})
        return out

    def board(self, node: _Node, points: float | None) -> dict[str, Any]:
        out: dict[str, Any] = {"id": node.code, "name": node.name}
        if points is not None:
            out["points"] = points
        else:
            out["weight"] = node.weight
        if self.aggregation and self.aggregation != {"method": "mean"}:
            out["aggregation"] = dict(self.aggregation)
        kids = [self.nodes[c] for c in node.children]
        leaves = [self.indicator(k) for k in kids if k.level == 1]
        subs = [self.board(k, None) for k in kids if k.level > 1]
        if leaves:
            out["indicators"] = leaves
        if subs:
            out["boards"] = subs
        return out


def _scheme_units(tables: CoinrTables, chosen: str | None) -> list[dict[str, Any]]:
    units = []
    for unit in tables.units:
        entry: dict[str, Any] = {"id": unit["code"], "name": unit["name"]}
        label = unit["groups"].get(chosen) if chosen else None
        if label:
            entry["group"] = label
        units.append(entry)
    return units


def _scheme_series(tables: CoinrTables) -> list[dict[str, str]]:
    """The denominators the indicators use, as the scheme's ``series``."""
    nodes = tables.nodes.values()
    used = {n.denominator for n in nodes if n.level == 1 and n.denominator}
    series: list[dict[str, str]] = []
    for code, (series_name, series_unit) in tables.denominators.items():
        if code in used:
            entry = {"id": code, "name": series_name}
            if series_unit:
                entry["unit"] = series_unit
            series.append(entry)
    return series


def header_comment(source: str, document: dict[str, Any]) -> str:
    """The comment at the top of a converted scheme: its source and the build it gives."""
    prepare = document.get("prepare", {})
    impute = prepare.get("impute")
    if impute is None:
        imputed = "no imputation (--no-impute): a missing value stays missing"
    elif impute["by"] == "group":
        imputed = f"impute by group {impute['method']}"
    else:
        imputed = f"impute by the {impute['method']} of all units"
    treat = prepare.get("treat")
    if treat is None:
        treated = "no outlier treatment (--no-treat)"
    elif treat.get("fallback", "log") == "log" and treat.get("max_points", 5) == 5:
        treated = "COINr's default outlier treatment"
    else:
        treated = f"outlier treatment {_flat(treat)}"
    boards = document.get("boards") or [{}]
    aggregation = boards[0].get("aggregation")
    aggregated = f"aggregation {_flat(aggregation)}" if aggregation else "weighted arithmetic means"
    method = document.get("defaults", {}).get("method", "minmax")
    first = next(iter(_indicators(boards)), {})
    normalised = (
        f"normalisation {_flat({k: first[k] for k in ('method', 'params') if k in first})}"
        if "method" in first
        else f"{method} 0-100 with directions"
    )
    return (
        f"# Converted from {source} by leitai.\n"
        f"# Build: denominate, {imputed}, {treated},\n"
        f"# {normalised}, {aggregated} up the tree.\n"
    )


def _flat(value: Any) -> str:
    """A mapping on one line, as YAML's flow style writes it."""
    return yaml.safe_dump(value, default_flow_style=True, width=10_000).strip()


def _indicators(boards: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for board in boards:
        yield from board.get("indicators", [])
        yield from _indicators(board.get("boards", []))


def _cell(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return repr(float(value))


def convert_coinr(
    idata_path: str | os.PathLike[str],
    imeta_path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    group: str | None = "auto",
    impute: str | None = "mean",
    treat: bool = True,
    time: Any = None,
    **methods: Any,
) -> tuple[Path, Path]:
    """Write ``scheme.yaml`` and ``data.csv`` in ``out_dir`` from COINr's iData and iMeta.

    Parameters
    ----------
    idata_path, imeta_path : path
        COINr's tables as CSV.
    out_dir : path
        Created if needed.
    group, impute, treat
        See :func:`scheme_document`; the defaults give COINr's example build.
    time : optional
        The time point to take from a panel.
    **methods
        ``aggregation``, ``normalisation``, ``treatment`` for :func:`scheme_document`
        (from :func:`coinr_aggregation`, :func:`coinr_normalisation`,
        :func:`coinr_treatment`).

    Returns
    -------
    scheme_path, data_path : Path
        The data table is in wide form: ``unit``, ``name``, then a column per
        indicator and per denominator series.

    Raises
    ------
    DataError
        When the tables cannot be read or do not describe an index.
    """
    tables = read_coinr(idata_path, imeta_path, time=time)
    document = scheme_document(tables, group=group, impute=impute, treat=treat, **methods)
    header = header_comment(
        f"COINr tables {Path(idata_path).name} and {Path(imeta_path).name}", document
    )
    return write_converted(tables, document, header, out_dir)


def write_converted(
    tables: CoinrTables, document: dict[str, Any], header: str, out_dir: str | os.PathLike[str]
) -> tuple[Path, Path]:
    """Write ``scheme.yaml`` (``header`` then the document) and ``data.csv`` (wide form:
    ``unit``, ``name``, a column per indicator and per denominator series) in ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    scheme_path = out / "scheme.yaml"
    data_path = out / "data.csv"
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    scheme_path.write_text(header + text, encoding="utf-8")
    indicators = [c for c, n in tables.nodes.items() if n.level == 1]
    series = [s["id"] for s in document.get("series", [])]
    with open(data_path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["unit", "name", *indicators, *series])
        for unit in tables.units:
            writer.writerow(
                [unit["code"], unit["name"]]
                + [_cell(unit["values"][c]) for c in [*indicators, *series]]
            )
    return scheme_path, data_path
