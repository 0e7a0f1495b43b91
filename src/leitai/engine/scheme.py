"""The scheme (考核办法): its model, loading and validation (spec sections 1, 9, 10, 11).

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
import math
import os
import re
from collections.abc import Iterator
from functools import cached_property
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    ValidationError,
    field_validator,
    model_validator,
)

from leitai.engine.errors import SchemeError
from leitai.engine.expressions import Expression, ExpressionError, parse_expression
from leitai.engine.problems import Problem, Where, number_text

__all__ = [
    "Adjustment",
    "Aggregation",
    "Board",
    "Flag",
    "FromValue",
    "Grade",
    "Group",
    "Indicator",
    "Scheme",
    "Weighting",
    "load_scheme",
    "parse_scheme",
]

Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+$", min_length=1, max_length=64)]
Number = float | int
# Bounds of an indicator's descriptive texts (口径 and the three short notes).
DEFINITION_MAX = 1000
NOTE_MAX = 200


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, allow_inf_nan=False)


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
    # With best or worst given, scores are kept within [base, base + span] (COINr's
    # goalposts with trunc2posts); false scores beyond them (n_goalposts, n_scaled).
    truncate: bool = True


class MinmaxParams(_Params):
    best: float | None = None
    worst: float | None = None
    truncate: bool = True


class NoParams(_Params):
    """A method without parameters (prank, borda, fracmax)."""


class Dist2RefParams(_Params):
    reference: Id
    capped: bool = False


class ZscoreParams(_Params):
    center: float = 50.0
    scale: float = 10.0


class TargetParams(_Params):
    cap: float = Field(120.0, gt=0)


class BandsParams(_Params):
    thresholds: list[tuple[float, float]] = Field(min_length=1)
    else_: float = Field(0.0, alias="else")

    model_config = ConfigDict(populate_by_name=True, allow_inf_nan=False)


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
    "prank": NoParams,
    "borda": NoParams,
    "fracmax": NoParams,
    "dist2ref": Dist2RefParams,
}

Method = Literal[
    "rank_points",
    "efficacy",
    "minmax",
    "zscore",
    "target",
    "bands",
    "raw",
    "prank",
    "borda",
    "fracmax",
    "dist2ref",
]
Direction = Literal["higher", "lower"]
Missing = Literal["zero", "worst", "exclude"]


Fallback = Literal["log", "log_plus", "log_orig", "log_gii", "boxcox", "none"]


class Treat(_Model):
    """Outlier treatment (spec section 9; docs/methods.md, section C)."""

    method: Literal["winsorise"] = "winsorise"
    skew: float = 2.0
    kurtosis: float = 3.5
    max_points: int = Field(5, ge=0)
    fallback: Fallback = "log"
    # Box-Cox's exponent (fallback: boxcox only).
    lambda_: float | None = Field(None, alias="lambda")

    model_config = ConfigDict(populate_by_name=True)


class TreatOptions(_Model):
    """An indicator's own treatment: the scheme's (or the defaults) with these changes."""

    skew: float | None = None
    kurtosis: float | None = None
    max_points: int | None = Field(None, ge=0)
    fallback: Fallback | None = None
    lambda_: float | None = Field(None, alias="lambda")

    model_config = ConfigDict(populate_by_name=True)


def _treat_kind(value: Any) -> str:
    return "treat-options" if isinstance(value, dict | TreatOptions) else "treat-name"


# ``treat: none`` or a mapping: the mapping alone is checked when one is given, so a
# problem is reported at its own key (``treat.fallback``).
TreatChoice = Annotated[
    Annotated[Literal["none", "default"], Tag("treat-name")]
    | Annotated[TreatOptions, Tag("treat-options")],
    Discriminator(_treat_kind),
]


class Unit(_Model):
    id: Id
    name: str = Field(min_length=1)
    group: str | None = None
    # Other names the unit goes by in speeches and reports (西海岸新区 for 黄岛区).
    aliases: tuple[str, ...] = ()


class Group(_Model):
    """A group of units ranked apart from the others (分类考核, spec section 10)."""

    id: Id
    name: str = Field(min_length=1)


class FromValue(_Model):
    """Where an indicator takes its value from another period's result (spec section 11).

    ``value`` is ``score``, ``rank``, ``stars``, a board id or ``stars_<board id>``, read
    by unit id from the result of ``period``.
    """

    period: str = Field(min_length=1, max_length=64)
    value: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+$", min_length=1, max_length=70)]

    @field_validator("period", mode="before")
    @classmethod
    def _period_is_text(cls, value: Any) -> Any:
        # ``period: 2023`` is a year written as a number.
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value


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
    # "none" opts out of the scheme's treatment; a mapping gives the indicator its own.
    treat: TreatChoice = "default"
    # Plausibility (spec section 1): never change a score; checked on the data.
    range: tuple[float | None, float | None] | None = None
    integer: bool = False
    change_alert: float | None = Field(None, gt=0)
    # leitai extension: robust z-score beyond which a value is an outlier to explain
    # (see leitai.engine.anomalies).
    outlier_alert: float | None = Field(None, gt=0)
    # Spec section 11: the value comes from another period's result, not the data table.
    from_: FromValue | None = Field(None, alias="from")
    # What the figure means (口径), where it comes from, who answers for it and whom
    # to ask; shown to reporters and reviewers, never used in scoring.
    definition: str | None = Field(None, min_length=1, max_length=DEFINITION_MAX)
    source: str | None = Field(None, min_length=1, max_length=NOTE_MAX)
    department: str | None = Field(None, min_length=1, max_length=NOTE_MAX)
    contact: str | None = Field(None, min_length=1, max_length=NOTE_MAX)

    model_config = ConfigDict(populate_by_name=True)

    @property
    def notes(self) -> dict[str, str]:
        """The indicator's 口径, 数据来源, 责任部门 and 联系人 that are given, by field name."""
        fields = ("definition", "source", "department", "contact")
        return {f: getattr(self, f) for f in fields if getattr(self, f)}

    @field_validator("weight", mode="before")
    @classmethod
    def _weight_is_a_number(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("scheme.not_a_number")
        return value

    @property
    def options(self) -> _Params:
        """The validated parameters of this indicator's method."""
        return PARAMS[self.method or "efficacy"].model_validate(self.params)


class Aggregation(_Model):
    """How a board combines its children's scores (docs/methods.md, "Aggregation").

    ``aggregation: geometric`` is short for ``aggregation: {method: geometric}``.
    """

    method: Literal["mean", "geometric", "harmonic", "generalised", "copeland"] = "mean"
    # The power of the generalised mean (required there, not 0, nowhere else).
    p: float | None = None
    # COINr's dat_thresh: a unit with a smaller share of its children present has no
    # score for the board.
    min_data: float | None = Field(None, ge=0, le=1)

    @property
    def plain(self) -> bool:
        """Whether this is the arithmetic mean of spec section 3, with no threshold."""
        return self.method == "mean" and self.min_data is None


class Board(_Model):
    id: Id
    name: str = Field(min_length=1)
    points: float | None = Field(None, gt=0)
    weight: float | None = Field(None, gt=0)
    aggregation: Aggregation = Field(default_factory=Aggregation)
    indicators: list[Indicator] = Field(default_factory=list)
    boards: list[Board] = Field(default_factory=list)

    @field_validator("aggregation", mode="before")
    @classmethod
    def _aggregation_by_name(cls, value: Any) -> Any:
        return {"method": value} if isinstance(value, str) else value

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
    # group: the unit's group's values of the indicator; all: every unit's; row: the
    # unit's own values of the indicator's siblings, rescaled (docs/methods.md, D).
    # panel: the unit's value of the previous period (COINr's impute_panel), else missing.
    by: Literal["group", "all", "row", "panel"] = "group"


class Screen(_Model):
    """Screening units by data availability (COINr's Screen; docs/methods.md, F)."""

    min_data: float = Field(2 / 3, ge=0, le=1)
    nonzero: float = Field(0.05, ge=0, le=1)
    by: Literal["missing", "zeros", "missing_or_zeros"] = "missing"


class Prepare(_Model):
    screen: Screen | None = None
    impute: Impute | None = None
    treat: Treat | None = None


class Weighting(_Model):
    """How ``leitai weights`` derives indicator weights from a period's data
    (docs/methods.md, section E). An assessment never reads it: it reads the weights
    written on the indicators.

    ``weights: pca`` is short for ``weights: {method: pca}``.
    """

    method: Literal["pca", "optimise"]
    # optimise only (COINr's get_opt_weights): target shares of the correlations with
    # the composite, "equal" or one importance per indicator.
    target: Literal["equal"] | dict[str, float] = "equal"
    objective: Literal["balance", "infomax"] = "balance"
    correlation: Literal["pearson", "spearman"] = "pearson"
    tolerance: float = Field(0.1, gt=0, le=1)
    max_iterations: int = Field(500, ge=1, le=100_000)

    @model_validator(mode="before")
    @classmethod
    def _by_name(cls, value: Any) -> Any:
        return {"method": value} if isinstance(value, str) else value


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
    groups: tuple[Group, ...] = ()
    ranking: Literal["all", "group"] = "all"
    weights: Weighting | None = None

    _sha256: str = PrivateAttr(default="")
    _source: str = PrivateAttr(default="<scheme>")
    _text: str = PrivateAttr(default="")
    _expressions: dict[str, Expression] = PrivateAttr(default_factory=dict)

    @field_validator("version", mode="before")
    @classmethod
    def _version_is_an_integer(cls, value: Any) -> Any:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError("scheme.not_an_integer")
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

    @property
    def from_periods(self) -> tuple[str, ...]:
        """The periods whose results the scheme's ``from:`` indicators need, in order of
        appearance (spec section 11)."""
        periods = (i.from_.period for i in self.all_indicators() if i.from_ is not None)
        return tuple(dict.fromkeys(periods))

    def group_name(self, group: str | None) -> str | None:
        """The display name of a group id (the id itself where ``groups`` does not list it)."""
        if group is None:
            return None
        return next((g.name for g in self.groups if g.id == group), group)

    @cached_property
    def indicator_paths(self) -> dict[str, str]:
        """The YAML path of every indicator (``boards[1].boards[0].indicators[2]``) by id."""
        return {
            indicator.id: f"{path}.indicators[{j}]"
            for path, board in _board_paths(self)
            for j, indicator in enumerate(board.indicators)
        }

    def problem_at(self, path: str, code: str, **params: Any) -> Problem:
        """A problem located in this scheme's file at a YAML path, with its line."""
        problem = Problem(code, Where(file=self.source, path=path), params)
        return _with_lines([problem], self.text)[0] if self.text else problem

    def expression(self, key: str) -> Expression:
        """The parsed ``when`` of flag ``flag:<id>`` or grade ``grade:<index>``."""
        return self._expressions[key]

    def treatment(self, indicator: Indicator) -> Treat | None:
        """The outlier treatment of an indicator: the scheme's, changed by its own."""
        own = indicator.treat
        if own == "none":
            return None
        base = self.prepare.treat if self.prepare is not None else None
        if not isinstance(own, TreatOptions):
            return base
        changes = {k: v for k, v in own.model_dump().items() if k in own.model_fields_set}
        return (base or Treat()).model_copy(update=changes)

    def resolved(self, indicator: Indicator) -> tuple[str, str, str]:
        """(method, direction, missing) of an indicator with the scheme's defaults applied."""
        return (
            indicator.method or self.defaults.method or "efficacy",
            indicator.direction or "higher",
            indicator.missing or self.defaults.missing or "zero",
        )


MAX_DEPTH = 40
"""The deepest nesting of mappings and lists read from a scheme's YAML."""
MAX_LENGTH = 2_000_000
"""The longest scheme text read, in characters."""


def _path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _found(value: Any) -> str | None:
    if isinstance(value, dict | list | tuple) or value is None:
        return None
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


_PYDANTIC_CODES = {
    "extra_forbidden": "scheme.unknown_key",
    "missing": "scheme.required",
    "literal_error": "scheme.not_one_of",
    "greater_than": "scheme.not_greater_than",
    "greater_than_equal": "scheme.not_at_least",
    "less_than": "scheme.not_less_than",
    "less_than_equal": "scheme.not_at_most",
    "finite_number": "scheme.not_finite",
    "float_parsing": "scheme.not_a_number",
    "float_type": "scheme.not_a_number",
    "int_parsing": "scheme.not_an_integer",
    "int_type": "scheme.not_an_integer",
    "int_from_float": "scheme.not_an_integer",
    "string_type": "scheme.not_text",
    "string_pattern_mismatch": "scheme.bad_id",
    "string_too_short": "scheme.empty_text",
    "string_too_long": "scheme.text_too_long",
    "too_short": "scheme.too_few_items",
    "too_long": "scheme.too_many_items",
    "bool_type": "scheme.not_yes_no",
    "bool_parsing": "scheme.not_yes_no",
    "dict_type": "scheme.not_a_mapping",
    "model_type": "scheme.not_a_mapping",
    "model_attributes_type": "scheme.not_a_mapping",
    "list_type": "scheme.not_a_list",
    "tuple_type": "scheme.not_a_list",
}


def _plain_value(value: Any) -> Any:
    if isinstance(value, float):
        return number_text(value)
    return value if isinstance(value, int | str) else str(value)


def _pydantic_problem(error: Any, source: str, prefix: tuple[Any, ...] = ()) -> Problem:
    """A pydantic error as a Problem: its YAML path, its type and context as params."""
    kind = error["type"]
    ctx = {k: _plain_value(v) for k, v in (error.get("ctx") or {}).items()}
    params: dict[str, Any] = {"type": kind, **ctx}
    if kind == "value_error":
        # Our own validators raise ValueError("scheme.<code>") with the code as message.
        code = str(error.get("ctx", {}).get("error", "")) or "scheme.invalid"
        params = {"type": kind}
    else:
        code = _PYDANTIC_CODES.get(kind, "scheme.invalid")
    if kind == "literal_error":
        params["expected"] = str(ctx.get("expected", "")).replace("'", "")
    found = _found(error.get("input"))
    params["found"] = found if found is not None else ""
    loc = tuple(part for part in (*prefix, *error["loc"]) if part not in _UNION_TAGS)
    return Problem(code, Where(file=source, path=_path(loc) or None), params)


# pydantic names the member of a union it tried (``float``, ``int``) in the location.
_UNION_TAGS = frozenset(
    {
        "float",
        "int",
        "str",
        "bool",
        "none",
        "function-after[_weight_is_a_number(), float]",
        "treat-name",
        "treat-options",
    }
)


class _StructureCheck:
    """The checks of a scheme's structure that pydantic cannot make: ids used twice,
    points where they belong, references that resolve, rules that parse. Problems come
    in the scheme's order."""

    def __init__(self, scheme: Scheme, source: str) -> None:
        self.scheme = scheme
        self.source = source
        self.errors: list[Problem] = []
        self.seen: dict[str, str] = {}
        self.series_ids = {s.id for s in scheme.series}

    def report(self, path: str, code: str, **params: Any) -> None:
        self.errors.append(Problem(code, Where(file=self.source, path=path), params))

    def claim(self, identifier: str, path: str) -> None:
        if identifier in self.seen:
            self.report(path, "scheme.duplicate_id", id=identifier, first=self.seen[identifier])
        else:
            self.seen[identifier] = path

    def board(self, board: Board, path: str, top: bool) -> None:
        self.claim(board.id, f"{path}.id")
        if top:
            if board.points is None:
                self.report(f"{path}.points", "scheme.top_board_needs_points")
            if board.weight is not None:
                self.report(f"{path}.weight", "scheme.top_board_has_weight")
        elif board.points is not None:
            self.report(f"{path}.points", "scheme.sub_board_has_points")
        if not board.indicators and not board.boards:
            self.report(path, "scheme.empty_board")
        for at, code in _aggregation_errors(board.aggregation):
            self.report(f"{path}.aggregation{at}", code)
        for j, indicator in enumerate(board.indicators):
            self.indicator(indicator, f"{path}.indicators[{j}]")
        for j, child in enumerate(board.boards):
            self.board(child, f"{path}.boards[{j}]", top=False)

    def indicator(self, indicator: Indicator, ipath: str) -> None:
        scheme = self.scheme
        self.claim(indicator.id, f"{ipath}.id")
        self.params(indicator, ipath)
        treatment = scheme.treatment(indicator)
        if isinstance(indicator.treat, TreatOptions) and _lambda_misplaced(treatment):
            self.report(f"{ipath}.treat", "scheme.lambda_only_boxcox")
        if indicator.denominator is not None and indicator.denominator not in self.series_ids:
            self.report(
                f"{ipath}.denominator", "scheme.unknown_series", found=indicator.denominator
            )
        if indicator.range is not None:
            low, high = indicator.range
            if low is not None and high is not None and low > high:
                self.report(
                    f"{ipath}.range",
                    "scheme.range_reversed",
                    min=number_text(low),
                    max=number_text(high),
                )

    def params(self, indicator: Indicator, ipath: str) -> None:
        """The method's parameters, and the reference unit they may name."""
        method = indicator.method or self.scheme.defaults.method or "efficacy"
        try:
            options = PARAMS[method].model_validate(indicator.params)
        except ValidationError as exc:
            for err in exc.errors():
                self.errors.append(_pydantic_problem(err, self.source, (*_split(ipath), "params")))
            return
        reference = getattr(options, "reference", None)
        if reference is not None and reference not in self.scheme.unit_ids:
            self.report(
                f"{ipath}.params.reference", "scheme.unknown_reference_unit", found=reference
            )

    def ids(self) -> None:
        """Units, series, boards (with their indicators), adjustments and flags."""
        scheme = self.scheme
        for i, unit in enumerate(scheme.units):
            self.claim(unit.id, f"units[{i}].id")
        for i, series in enumerate(scheme.series):
            self.claim(series.id, f"series[{i}].id")
        for i, board in enumerate(scheme.boards):
            self.board(board, f"boards[{i}]", top=True)
        for i, adjustment in enumerate(scheme.adjustments):
            self.claim(adjustment.id, f"adjustments[{i}].id")
            if adjustment.kind != "veto" and adjustment.max_points is None:
                self.report(f"adjustments[{i}].max_points", "scheme.adjustment_needs_max_points")
        for i, flag in enumerate(scheme.flags):
            self.claim(flag.id, f"flags[{i}].id")

    def ranking(self) -> None:
        """Tie-break boards, stars, the preparation's treatment."""
        scheme = self.scheme
        top_ids = {b.id for b in scheme.boards}
        for i, board_id in enumerate(scheme.tie_break):
            if board_id not in top_ids:
                self.report(f"tie_break[{i}]", "scheme.unknown_tie_break_board", found=board_id)
        stars = scheme.stars
        if stars.min > stars.max:
            self.report("stars.min", "scheme.stars_min_above_max", min=stars.min, max=stars.max)
        if stars.method == "bands" and not stars.thresholds:
            self.report("stars.thresholds", "scheme.stars_need_thresholds")
        if scheme.prepare is not None and _lambda_misplaced(scheme.prepare.treat):
            self.report("prepare.treat", "scheme.lambda_only_boxcox")

    def rules(self) -> None:
        """Board ids that shadow rule variables; the flags' and grades' rules, parsed."""
        scheme = self.scheme
        # The rule variables are defined once, with the pipeline that evaluates them (which
        # imports this module: hence the import here).
        from leitai.engine.pipeline import rule_variables, variable_collisions

        ids = ((f"{path}.id", board.id) for path, board in _board_paths(scheme))
        for path, board_id, name in variable_collisions(ids):
            self.report(path, "scheme.board_id_is_a_variable", id=board_id, variable=name)
        allowed = rule_variables(board.id for board in scheme.all_boards())
        rules: list[tuple[str, str, str]] = [
            (f"flags[{i}].when", f"flag:{f.id}", f.when) for i, f in enumerate(scheme.flags)
        ]
        rules += [(f"grades[{i}].when", f"grade:{i}", g.when) for i, g in enumerate(scheme.grades)]
        for path, key, when in rules:
            try:
                scheme._expressions[key] = parse_expression(when, allowed=allowed)
            except ExpressionError as exc:
                self.errors.append(
                    Problem(exc.code, Where(file=self.source, path=path), exc.params)
                )


def _structure_errors(scheme: Scheme, source: str) -> list[Problem]:
    check = _StructureCheck(scheme, source)
    check.ids()
    check.ranking()
    check.errors += _group_errors(scheme, source)
    check.rules()
    return check.errors


def _lambda_misplaced(treat: Treat | None) -> bool:
    """Whether a treatment gives Box-Cox's lambda without Box-Cox, or Box-Cox without it."""
    if treat is None:
        return False
    return (treat.lambda_ is None) == (treat.fallback == "boxcox")


def _aggregation_errors(aggregation: Aggregation) -> list[tuple[str, str]]:
    """(path below ``aggregation``, code) of each rule the board's aggregation breaks."""
    if aggregation.method != "generalised":
        return [(".p", "scheme.power_only_generalised")] if aggregation.p is not None else []
    if aggregation.p is None:
        return [("", "scheme.generalised_needs_power")]
    return [(".p", "scheme.generalised_power_zero")] if aggregation.p == 0 else []


def _weighting_errors(scheme: Scheme) -> list[tuple[str, str, str]]:
    """(YAML path, code, found) of each rule ``weights:`` breaks: a target names the
    scheme's indicators only, each with a share above 0, and only ``optimise`` takes one."""
    how = scheme.weights
    if how is None or how.target == "equal":
        return []
    if how.method != "optimise":
        return [("weights.target", "scheme.target_only_optimise", how.method)]
    ids = {i.id for i in scheme.all_indicators()}
    out = [
        (f"weights.target.{key}", "scheme.target_unknown_indicator", key)
        for key in how.target
        if key not in ids
    ]
    out += [
        (f"weights.target.{key}", "scheme.target_not_positive", number_text(value))
        for key, value in how.target.items()
        if key in ids and not value > 0
    ]
    missing = sorted(ids - set(how.target), key=[i.id for i in scheme.all_indicators()].index)
    if missing:
        out.append(("weights.target", "scheme.target_missing_indicators", ", ".join(missing)))
    return out


def _board_paths(scheme: Scheme) -> list[tuple[str, Board]]:
    """(YAML path, board) of every board at every level, depth-first."""
    out: list[tuple[str, Board]] = []

    def visit(board: Board, path: str) -> None:
        out.append((path, board))
        for j, child in enumerate(board.boards):
            visit(child, f"{path}.boards[{j}]")

    for i, board in enumerate(scheme.boards):
        visit(board, f"boards[{i}]")
    return out


def _group_errors(scheme: Scheme, source: str) -> list[Problem]:
    """Spec section 10: listed groups unique; with ``ranking: group`` every unit in one."""
    errors: list[Problem] = []

    def report(path: str, code: str, **params: Any) -> None:
        errors.append(Problem(code, Where(file=source, path=path), params))

    listed: dict[str, str] = {}
    for i, group in enumerate(scheme.groups):
        if group.id in listed:
            report(f"groups[{i}].id", "scheme.duplicate_group", id=group.id, first=listed[group.id])
        else:
            listed[group.id] = f"groups[{i}].id"
    grouped = scheme.ranking == "group"
    if grouped and not scheme.groups:
        report("ranking", "scheme.ranking_needs_groups")
    for i, unit in enumerate(scheme.units):
        if unit.group is None:
            if grouped:
                report(f"units[{i}]", "scheme.unit_needs_group", unit=unit.id)
        elif scheme.groups and unit.group not in listed:
            report(
                f"units[{i}].group",
                "scheme.unknown_group",
                found=unit.group,
                expected=", ".join(listed),
            )
    return errors


def _split(path: str) -> list[str | int]:
    parts: list[str | int] = []
    for name, index in re.findall(r"([A-Za-z_]+)|\[(\d+)\]", path):
        parts.append(int(index) if index else name)
    return parts


def _unique(problems: list[Problem]) -> list[Problem]:
    """Problems without repeats of the same code at the same path."""
    seen: set[tuple[str, str | None]] = set()
    out = []
    for problem in problems:
        key = (problem.code, problem.where.path)
        if key not in seen:
            seen.add(key)
            out.append(problem)
    return out


def _flow_depth(text: str) -> tuple[int, int] | None:
    """Where ``[`` and ``{`` first nest deeper than :data:`MAX_DEPTH`, in one linear pass.

    PyYAML looks ahead up to 1024 characters inside flow collections, slowly; this pass
    refuses ``[[[[...`` at once. Quoted text and comments are skipped; a bracket it
    cannot tell apart is left to the parser's own events (the check after it).
    """
    depth, quote, comment, line, column, previous = 0, "", False, 1, 0, "\n"
    for char in text:
        column += 1
        if char == "\n":
            line, column, comment = line + 1, 0, False
        elif comment:
            pass
        elif quote:
            if char == quote:
                quote = ""
        elif char in "'\"" and previous in " \t\n[{,:":
            quote = char
        elif char == "#" and previous in " \t\n":
            comment = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line, column
        elif char in "]}":
            depth = max(depth - 1, 0)
        previous = char
    return None


FAST_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(text: str, source: str) -> Any:
    """The YAML tree, depth-checked; libyaml's loader where installed (3 times faster).

    A document libyaml refuses is read again by PyYAML's own loader, whose marks and
    wording the located problems (``scheme.yaml_syntax``, ``scheme.too_deep``) have
    always given.
    """
    if FAST_LOADER is not yaml.SafeLoader:
        try:
            _check_depth(text, source, FAST_LOADER)
            return yaml.load(text, Loader=FAST_LOADER)  # CSafeLoader: a safe loader
        except (yaml.YAMLError, SchemeError):
            pass
    _check_depth(text, source)
    return yaml.safe_load(text)


def _check_depth(text: str, source: str, loader: Any = yaml.SafeLoader) -> None:
    """Refuse YAML nested deeper than :data:`MAX_DEPTH` before it is built (no recursion)."""
    at = _flow_depth(text)
    if at is not None:
        raise SchemeError(
            Problem(
                "scheme.too_deep",
                Where(file=source, line=at[0], column_number=at[1]),
                {"limit": MAX_DEPTH},
            )
        )
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
                raise SchemeError(
                    Problem(
                        "scheme.too_deep",
                        Where(file=source, line=line, column_number=column),
                        {"limit": MAX_DEPTH},
                    )
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _non_finite(raw: Any, source: str) -> list[Problem]:
    """Every ``.inf`` or ``.nan`` in the YAML tree, at its path (the tree is depth-bounded)."""
    problems: list[Problem] = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(raw, ())]
    while stack:
        node, loc = stack.pop()
        if isinstance(node, dict):
            stack += [(v, (*loc, k)) for k, v in reversed(list(node.items()))]
        elif isinstance(node, list):
            stack += [(v, (*loc, i)) for i, v in reversed(list(enumerate(node)))]
        elif isinstance(node, float) and not math.isfinite(node):
            problems.append(
                Problem(
                    "scheme.not_finite", Where(file=source, path=_path(loc)), {"found": str(node)}
                )
            )
    return problems


def _with_lines(problems: list[Problem], text: str) -> list[Problem]:
    """Each problem with the line of its YAML path, where the path can be followed."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return problems
    out = []
    for problem in problems:
        node, line = root, None
        for part in _split(problem.where.path) if problem.where.path else []:
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                pair = next(((k, v) for k, v in node.value if k.value == part), None)
                if pair is None:
                    break
                line, node = pair[0].start_mark.line + 1, pair[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if part >= len(node.value):
                    break
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                break
        if line is not None and problem.where.line is None:
            problem = problem.located(line=line)
        out.append(problem)
    return out


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
        Listing every problem, each a :class:`~leitai.engine.problems.Problem` whose
        ``where`` names the file, the YAML path (``boards[1].indicators[0].params.cap``)
        and its line. Numbers must be finite; nesting deeper than :data:`MAX_DEPTH`
        and text longer than :data:`MAX_LENGTH` are refused.
    """
    if len(text) > MAX_LENGTH:
        raise SchemeError(
            Problem(
                "scheme.too_long", Where(file=source), {"limit": MAX_LENGTH, "found": len(text)}
            )
        )
    try:
        raw = _load_yaml(text, source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = Where(file=source)
        if mark is not None:
            where = where.but(line=mark.line + 1, column_number=mark.column + 1)
        raise SchemeError(
            Problem("scheme.yaml_syntax", where, {"detail": str(getattr(exc, "problem", "") or "")})
        ) from None
    if not isinstance(raw, dict):
        raise SchemeError(Problem("scheme.not_a_scheme", Where(file=source), {}))
    problems = _non_finite(raw, source)
    try:
        scheme = Scheme.model_validate(raw)
    except ValidationError as exc:
        problems += [_pydantic_problem(err, source) for err in exc.errors()]
    if problems:
        raise SchemeError(_with_lines(_unique(problems), text)) from None
    problems = _structure_errors(scheme, source)
    problems += [
        Problem(code, Where(file=source, path=path), {"found": found})
        for path, code, found in _weighting_errors(scheme)
    ]
    if problems:
        raise SchemeError(_with_lines(problems, text))
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
        raise SchemeError(
            Problem("file.cannot_read", Where(file=name), {"reason": exc.strerror or ""})
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SchemeError(
            Problem("scheme.not_utf8", Where(file=name), {"byte": exc.start})
        ) from None
    return parse_scheme(text, source=name, sha256=hashlib.sha256(data).hexdigest())
