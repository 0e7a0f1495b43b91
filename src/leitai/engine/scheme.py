"""The scheme (考核办法): its model, loading and validation (spec sections 1 and 9).

A scheme is read from YAML into frozen pydantic models once, at the boundary.
Every problem found is reported together, each naming the file, the YAML path
(``boards[1].indicators[0].params.cap``) and what was expected.

Example
-------
>>> scheme = parse_scheme('''
... id: demo
... name: 示例
... version: 1
... units: [{id: a, name: 甲区}, {id: b, name: 乙区}]
... boards:
...   - {id: economy, name: 经济运行, points: 100,
...      indicators: [{id: gdp, name: GDP增速, direction: higher, method: minmax}]}
... ''')
>>> [b.id for b in scheme.all_boards()], [i.id for i in scheme.all_indicators()]
(['economy'], ['gdp'])
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from functools import cached_property
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
)

from leitai.engine.errors import SchemeError
from leitai.engine.expressions import Expression, ExpressionError, parse_expression

__all__ = [
    "Adjustment",
    "Board",
    "Flag",
    "Grade",
    "Indicator",
    "Scheme",
    "load_scheme",
    "parse_scheme",
]

Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+$", min_length=1, max_length=64)]
Number = float | int


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class _Params(_Model):
    """Parameters of a normalisation method; each method has its own class."""


class RankPointsParams(_Params):
    top: float = 100.0
    step: float = 10.0
    floor: float = 0.0


class EfficacyParams(_Params):
    base: float = 60.0
    span: float = 40.0
    best: float | None = None
    worst: float | None = None


class MinmaxParams(_Params):
    best: float | None = None
    worst: float | None = None


class ZscoreParams(_Params):
    center: float = 50.0
    scale: float = 10.0


class TargetParams(_Params):
    cap: float = Field(120.0, gt=0)


class BandsParams(_Params):
    thresholds: list[tuple[float, float]] = Field(min_length=1)
    else_: float = Field(0.0, alias="else")

    model_config = ConfigDict(populate_by_name=True)


class RawParams(_Params):
    min: float | None = None
    max: float | None = None


PARAMS: dict[str, type[_Params]] = {
    "rank_points": RankPointsParams,
    "efficacy": EfficacyParams,
    "minmax": MinmaxParams,
    "zscore": ZscoreParams,
    "target": TargetParams,
    "bands": BandsParams,
    "raw": RawParams,
}

Method = Literal["rank_points", "efficacy", "minmax", "zscore", "target", "bands", "raw"]
Direction = Literal["higher", "lower"]
Missing = Literal["zero", "worst", "exclude"]


class Unit(_Model):
    id: Id
    name: str = Field(min_length=1)
    group: str | None = None


class Series(_Model):
    """A column read from the data like an indicator but never scored (a denominator)."""

    id: Id
    name: str = Field(min_length=1)
    unit: str | None = None


class Indicator(_Model):
    id: Id
    name: str = Field(min_length=1)
    unit: str | None = None
    direction: Direction | None = None
    weight: float = Field(1.0, gt=0)
    method: Method | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    missing: Missing | None = None
    denominator: Id | None = None
    treat: Literal["none", "default"] = "default"
    # Plausibility (spec section 1): never change a score; checked on the data.
    range: tuple[float | None, float | None] | None = None
    integer: bool = False
    change_alert: float | None = Field(None, gt=0)
    # leitai extension: robust z-score beyond which a value is an outlier to explain
    # (see leitai.engine.anomalies).
    outlier_alert: float | None = Field(None, gt=0)

    @field_validator("weight", mode="before")
    @classmethod
    def _weight_is_a_number(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("expected a number > 0")
        return value

    @property
    def options(self) -> _Params:
        """The validated parameters of this indicator's method."""
        return PARAMS[self.method or "efficacy"].model_validate(self.params)


class Board(_Model):
    id: Id
    name: str = Field(min_length=1)
    points: float | None = Field(None, gt=0)
    weight: float | None = Field(None, gt=0)
    indicators: list[Indicator] = Field(default_factory=list)
    boards: list[Board] = Field(default_factory=list)

    def walk(self) -> Iterator[Board]:
        """This board and every board below it, depth-first."""
        yield self
        for child in self.boards:
            yield from child.walk()

    def all_indicators(self) -> Iterator[Indicator]:
        for board in self.walk():
            yield from board.indicators


class Adjustment(_Model):
    id: Id
    name: str = Field(min_length=1)
    kind: Literal["bonus", "deduction", "veto"]
    max_points: float | None = Field(None, ge=0)


class Stars(_Model):
    method: Literal["rank", "bands"] = "rank"
    max: int = 10
    min: int = 1
    thresholds: list[tuple[float, int]] = Field(default_factory=list)


class Flag(_Model):
    id: Id
    name: str = Field(min_length=1)
    when: str


class Grade(_Model):
    name: str = Field(min_length=1)
    when: str


class Defaults(_Model):
    """What fills indicators that omit ``method`` or ``missing`` (spec section 1)."""

    method: Method | None = None
    missing: Missing | None = None


class Impute(_Model):
    method: Literal["mean", "median"] = "mean"
    by: Literal["group", "all"] = "group"


class Treat(_Model):
    method: Literal["winsorise"] = "winsorise"
    skew: float = 2.0
    kurtosis: float = 3.5
    max_points: int = Field(5, ge=0)
    fallback: Literal["log", "none"] = "log"


class Prepare(_Model):
    impute: Impute | None = None
    treat: Treat | None = None


class Scheme(_Model):
    """A validated scheme. Use :func:`load_scheme` or :func:`parse_scheme` to make one."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9_-]+$")]
    name: str = Field(min_length=1)
    version: int = Field(ge=1)
    units: list[Unit] = Field(min_length=1)
    defaults: Defaults = Field(default_factory=Defaults)
    series: list[Series] = Field(default_factory=list)
    boards: list[Board] = Field(min_length=1)
    adjustments: list[Adjustment] = Field(default_factory=list)
    stars: Stars = Field(default_factory=Stars)
    tie_break: list[Id] = Field(default_factory=list)
    flags: list[Flag] = Field(default_factory=list)
    grades: list[Grade] = Field(default_factory=list)
    prepare: Prepare | None = None

    _sha256: str = PrivateAttr(default="")
    _source: str = PrivateAttr(default="<scheme>")
    _text: str = PrivateAttr(default="")
    _expressions: dict[str, Expression] = PrivateAttr(default_factory=dict)

    @field_validator("version", mode="before")
    @classmethod
    def _version_is_an_integer(cls, value: Any) -> Any:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError("expected an integer >= 1")
        return value

    @property
    def sha256(self) -> str:
        """SHA-256 of the scheme file's bytes."""
        return self._sha256

    @property
    def source(self) -> str:
        """Where the scheme was read from (a file name)."""
        return self._source

    @property
    def text(self) -> str:
        """The YAML text the scheme was read from."""
        return self._text

    def all_boards(self) -> list[Board]:
        """Every board at every level, depth-first in scheme order."""
        return [b for top in self.boards for b in top.walk()]

    def all_indicators(self) -> list[Indicator]:
        """Every indicator, depth-first in scheme order."""
        return [i for top in self.boards for i in top.all_indicators()]

    @cached_property
    def unit_ids(self) -> list[str]:
        return [u.id for u in self.units]

    def expression(self, key: str) -> Expression:
        """The parsed ``when`` of flag ``flag:<id>`` or grade ``grade:<index>``."""
        return self._expressions[key]

    def resolved(self, indicator: Indicator) -> tuple[str, str, str]:
        """(method, direction, missing) of an indicator with the scheme's defaults applied."""
        return (
            indicator.method or self.defaults.method or "efficacy",
            indicator.direction or "higher",
            indicator.missing or self.defaults.missing or "zero",
        )


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(top level)"


def _describe(error: Any) -> str:
    kind = error["type"]
    given = error.get("input")
    if kind == "extra_forbidden":
        return "is not a recognised key here"
    if kind == "missing":
        return "is required"
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"expected one of {expected}, found {given!r}"
    message = error["msg"]
    message = re.sub(r"^(Input should be|Value error, )", "expected", message)
    return f"{message}, found {given!r}" if not isinstance(given, dict | list) else message


def _structure_errors(scheme: Scheme) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    seen: dict[str, str] = {}

    def claim(identifier: str, path: str) -> None:
        if identifier in seen:
            errors.append((path, f"id {identifier!r} is already used at {seen[identifier]}"))
        else:
            seen[identifier] = path

    for i, unit in enumerate(scheme.units):
        claim(unit.id, f"units[{i}].id")
    for i, series in enumerate(scheme.series):
        claim(series.id, f"series[{i}].id")
    series_ids = {s.id for s in scheme.series}

    def visit(board: Board, path: str, top: bool) -> None:
        claim(board.id, f"{path}.id")
        if top:
            if board.points is None:
                errors.append((f"{path}.points", "a top-level board needs points (> 0)"))
            if board.weight is not None:
                errors.append((f"{path}.weight", "a top-level board has points, not a weight"))
        elif board.points is not None:
            errors.append((f"{path}.points", "a sub-board has a weight, not points"))
        if not board.indicators and not board.boards:
            errors.append((path, "a board needs at least one indicator or sub-board"))
        for j, indicator in enumerate(board.indicators):
            ipath = f"{path}.indicators[{j}]"
            claim(indicator.id, f"{ipath}.id")
            method = indicator.method or scheme.defaults.method or "efficacy"
            try:
                PARAMS[method].model_validate(indicator.params)
            except ValidationError as exc:
                for err in exc.errors():
                    errors.append((_path((*_split(ipath), "params", *err["loc"])), _describe(err)))
            if indicator.denominator is not None and indicator.denominator not in series_ids:
                errors.append(
                    (
                        f"{ipath}.denominator",
                        f"expected the id of a series, found {indicator.denominator!r}",
                    )
                )
        for j, child in enumerate(board.boards):
            visit(child, f"{path}.boards[{j}]", top=False)

    for i, board in enumerate(scheme.boards):
        visit(board, f"boards[{i}]", top=True)
    for i, adjustment in enumerate(scheme.adjustments):
        claim(adjustment.id, f"adjustments[{i}].id")
        if adjustment.kind != "veto" and adjustment.max_points is None:
            errors.append(
                (f"adjustments[{i}].max_points", f"a {adjustment.kind} needs max_points (>= 0)")
            )
    for i, flag in enumerate(scheme.flags):
        claim(flag.id, f"flags[{i}].id")

    top_ids = {b.id for b in scheme.boards}
    for i, board_id in enumerate(scheme.tie_break):
        if board_id not in top_ids:
            errors.append(
                (f"tie_break[{i}]", f"expected the id of a top-level board, found {board_id!r}")
            )
    stars = scheme.stars
    if stars.min > stars.max:
        errors.append(("stars.min", f"expected min <= max ({stars.max}), found {stars.min}"))
    if stars.method == "bands" and not stars.thresholds:
        errors.append(("stars.thresholds", "stars by bands need a list of [board score, stars]"))

    allowed = {"score", "rank", "prev_rank", "rank_change", "n", "vetoed"}
    for board in scheme.all_boards():
        allowed |= {f"score_{board.id}", f"rank_{board.id}", f"stars_{board.id}"}
    rules: list[tuple[str, str, str]] = [
        (f"flags[{i}].when", f"flag:{f.id}", f.when) for i, f in enumerate(scheme.flags)
    ]
    rules += [(f"grades[{i}].when", f"grade:{i}", g.when) for i, g in enumerate(scheme.grades)]
    for path, key, when in rules:
        try:
            scheme._expressions[key] = parse_expression(when, allowed=allowed)
        except ExpressionError as exc:
            errors.append((path, f"{exc} in {when!r}"))
    return errors


def _split(path: str) -> list[str | int]:
    parts: list[str | int] = []
    for name, index in re.findall(r"([A-Za-z_]+)|\[(\d+)\]", path):
        parts.append(int(index) if index else name)
    return parts


def parse_scheme(text: str, *, source: str = "<scheme>", sha256: str | None = None) -> Scheme:
    """Parse and validate a scheme from YAML text.

    Parameters
    ----------
    text : str
        The YAML document.
    source : str
        A name for the scheme in messages (usually its file name).
    sha256 : str, optional
        The hash of the file's bytes; by default that of ``text`` in UTF-8.

    Raises
    ------
    SchemeError
        Listing every problem, each as ``source: path: what was expected``.
    """
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise SchemeError(
            f"{source}: {where}not valid YAML ({getattr(exc, 'problem', exc)})"
        ) from None
    if not isinstance(raw, dict):
        raise SchemeError(f"{source}: expected a mapping with id, name, version, units and boards")
    try:
        scheme = Scheme.model_validate(raw)
    except ValidationError as exc:
        messages = [f"{source}: {_path(err['loc'])}: {_describe(err)}" for err in exc.errors()]
        raise SchemeError(messages) from None
    problems = _structure_errors(scheme)
    if problems:
        raise SchemeError([f"{source}: {path}: {what}" for path, what in problems])
    scheme._source = source
    scheme._text = text
    scheme._sha256 = sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()
    return scheme


def load_scheme(path: str | os.PathLike[str]) -> Scheme:
    """Load and validate a scheme file.

    Raises
    ------
    SchemeError
        When the file cannot be read or the scheme is invalid; every message names the
        file and the YAML path.
    """
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise SchemeError(f"{name}: cannot read the file ({exc.strerror})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SchemeError(f"{name}: expected UTF-8 text (byte {exc.start} is not)") from None
    return parse_scheme(text, source=name, sha256=hashlib.sha256(data).hexdigest())
