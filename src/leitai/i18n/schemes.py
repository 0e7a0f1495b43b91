"""Schemes in words: method names, rules and version comparisons, chosen through gettext.

One table of method names (:data:`METHOD_NAMES`) serves the scheme editor, the
comparison of versions and every page that names a scoring method. Rules (``rank <= 2``)
are put in words (综合成绩名次前 2 名) and the engine's
:class:`~leitai.engine.compare.SchemeEdit` become sentences
(「经济运行」分值 40 → 35).

>>> from leitai.i18n import translator
>>> method_name("rank_points", translator("zh"))
'名次计分'
>>> rule_words("rank_change >= 2", {}, translator("zh"))
'名次较上期上升 2 位及以上'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leitai.engine.compare import SchemeEdit
from leitai.engine.expressions import ExpressionError, parse_expression
from leitai.engine.problems import number_text
from leitai.i18n import Translate
from leitai.i18n.problems import gettext_noop

__all__ = [
    "AGGREGATION_NAMES",
    "DIRECTION_NAMES",
    "FALLBACK_NAMES",
    "METHOD_HELP",
    "METHOD_NAMES",
    "MISSING_NAMES",
    "PARAM_NAMES",
    "aggregation_words",
    "change_sentences",
    "edit_sentence",
    "method_name",
    "rule_words",
    "treatment_words",
    "version_label",
]

METHOD_NAMES: dict[str, str] = {
    "efficacy": gettext_noop("efficacy coefficient"),
    "rank_points": gettext_noop("rank points"),
    "minmax": gettext_noop("min-max"),
    "zscore": gettext_noop("standardised z-score"),
    "target": gettext_noop("target completion rate"),
    "bands": gettext_noop("score bands"),
    "raw": gettext_noop("score given directly"),
    "prank": gettext_noop("percentile rank"),
    "borda": gettext_noop("Borda count"),
    "fracmax": gettext_noop("fraction of the best"),
    "dist2ref": gettext_noop("distance to a reference unit"),
}

METHOD_HELP: dict[str, str] = {
    "efficacy": gettext_noop(
        "The best unit scores base + span, the worst scores base, the others in proportion "
        "to their value; with a best and a worst value the scale is fixed."
    ),
    "rank_points": gettext_noop(
        "The first scores the top points; each place lower scores step less, never below the floor."
    ),
    "minmax": gettext_noop(
        "The best unit scores 100, the worst 0, the others in proportion to their value."
    ),
    "zscore": gettext_noop(
        "The average unit scores the centre; each standard deviation above it adds the scale."
    ),
    "target": gettext_noop(
        "The value as a percentage of the unit's target, capped; the data bring the targets."
    ),
    "bands": gettext_noop(
        "Each band gives its points to the values that reach it; values below every band "
        "score the rest."
    ),
    "raw": gettext_noop(
        "The value is the score itself, optionally kept between a lowest and a highest."
    ),
    "prank": gettext_noop(
        "The share of the other units a unit does better than, times 100: the best scores "
        "100, the worst 0."
    ),
    "borda": gettext_noop("One point for each unit a unit does better than."),
    "fracmax": gettext_noop("The value as a percentage of the best value."),
    "dist2ref": gettext_noop(
        "The reference unit scores 100 and the worst unit 0, the others in proportion to "
        "their value; units better than the reference score above 100 unless capped."
    ),
}

PARAM_NAMES: dict[str, str] = {
    "top": gettext_noop("points of the first"),
    "step": gettext_noop("points less per place"),
    "floor": gettext_noop("lowest points"),
    "base": gettext_noop("base points"),
    "span": gettext_noop("points spread"),
    "best": gettext_noop("value scoring full points"),
    "worst": gettext_noop("value scoring the base"),
    "center": gettext_noop("points of the average"),
    "scale": gettext_noop("points per standard deviation"),
    "cap": gettext_noop("highest score"),
    "thresholds": gettext_noop("bands (value, points)"),
    "else": gettext_noop("points below every band"),
    "min": gettext_noop("lowest score"),
    "max": gettext_noop("highest score"),
    "truncate": gettext_noop("keep scores within the fixed scale"),
    "reference": gettext_noop("reference unit"),
    "capped": gettext_noop("no score above the reference's"),
}

DIRECTION_NAMES: dict[str, str] = {
    "higher": gettext_noop("higher is better"),
    "lower": gettext_noop("lower is better"),
}

MISSING_NAMES: dict[str, str] = {
    "zero": gettext_noop("a missing value scores 0"),
    "worst": gettext_noop("a missing value scores as the worst"),
    "exclude": gettext_noop("a missing value is left out"),
}

ADJUSTMENT_NAMES: dict[str, str] = {
    "bonus": gettext_noop("bonus"),
    "deduction": gettext_noop("deduction"),
    "veto": gettext_noop("veto"),
}

STAR_METHODS: dict[str, str] = {
    "rank": gettext_noop("by board rank"),
    "bands": gettext_noop("by board score bands"),
}

_FIELDS: dict[tuple[str, str], str] = {
    ("board", "points"): gettext_noop("points of the board"),
    ("board", "weight"): gettext_noop("weight"),
    ("indicator", "unit"): gettext_noop("unit of measure"),
    ("indicator", "direction"): gettext_noop("direction of the indicator"),
    ("indicator", "weight"): gettext_noop("weight"),
    ("indicator", "method"): gettext_noop("scoring method"),
    ("indicator", "missing"): gettext_noop("missing values"),
    ("indicator", "denominator"): gettext_noop("denominator"),
    ("indicator", "treat"): gettext_noop("treatment of outliers"),
    ("board", "aggregation"): gettext_noop("aggregation of the board"),
    ("indicator", "range"): gettext_noop("plausible range"),
    ("indicator", "integer"): gettext_noop("whole numbers only"),
    ("indicator", "change_alert"): gettext_noop("change alert (%)"),
    ("indicator", "outlier_alert"): gettext_noop("outlier alert"),
    ("indicator", "definition"): gettext_noop("definition (口径)"),
    ("indicator", "source"): gettext_noop("data source"),
    ("indicator", "department"): gettext_noop("responsible department"),
    ("indicator", "contact"): gettext_noop("contact (name, telephone)"),
    ("unit", "group"): gettext_noop("group"),
    ("unit", "aliases"): gettext_noop("other names"),
    ("series", "unit"): gettext_noop("unit of measure"),
    ("adjustment", "kind"): gettext_noop("kind"),
    ("adjustment", "max_points"): gettext_noop("most points"),
    ("flag", "when"): gettext_noop("rule"),
    ("grade", "when"): gettext_noop("rule"),
    ("stars", "method"): gettext_noop("stars are given"),
    ("stars", "max"): gettext_noop("most stars"),
    ("stars", "min"): gettext_noop("fewest stars"),
    ("stars", "thresholds"): gettext_noop("star bands (score, stars)"),
    ("defaults", "method"): gettext_noop("default scoring method"),
    ("defaults", "missing"): gettext_noop("default for missing values"),
}

_ADDED: dict[str, str] = {
    "unit": gettext_noop("new unit “%(name)s”"),
    "series": gettext_noop("new data series “%(name)s”"),
    "board": gettext_noop("new board “%(name)s”"),
    "indicator": gettext_noop("new indicator “%(name)s”"),
    "adjustment": gettext_noop("new adjustment “%(name)s”"),
    "flag": gettext_noop("new flag “%(name)s”"),
    "grade": gettext_noop("new grade “%(name)s”"),
}
_ADDED_IN: dict[str, str] = {
    "board": gettext_noop("new sub-board “%(name)s” in “%(parent)s”"),
    "indicator": gettext_noop("new indicator “%(name)s” in “%(parent)s”"),
}
_REMOVED: dict[str, str] = {
    "unit": gettext_noop("unit “%(name)s” removed"),
    "series": gettext_noop("data series “%(name)s” removed"),
    "board": gettext_noop("board “%(name)s” removed"),
    "indicator": gettext_noop("indicator “%(name)s” removed"),
    "adjustment": gettext_noop("adjustment “%(name)s” removed"),
    "flag": gettext_noop("flag “%(name)s” removed"),
    "grade": gettext_noop("grade “%(name)s” removed"),
}
_RENAMED: dict[str, str] = {
    "unit": gettext_noop("unit “%(before)s” renamed “%(after)s”"),
    "series": gettext_noop("data series “%(before)s” renamed “%(after)s”"),
    "board": gettext_noop("board “%(before)s” renamed “%(after)s”"),
    "indicator": gettext_noop("indicator “%(before)s” renamed “%(after)s”"),
    "adjustment": gettext_noop("adjustment “%(before)s” renamed “%(after)s”"),
    "flag": gettext_noop("flag “%(before)s” renamed “%(after)s”"),
    "scheme": gettext_noop("scheme “%(before)s” renamed “%(after)s”"),
}
_MOVED: dict[str, str] = {
    "board": gettext_noop("board “%(name)s” moved from “%(before)s” to “%(after)s”"),
    "indicator": gettext_noop("indicator “%(name)s” moved from “%(before)s” to “%(after)s”"),
}


AGGREGATION_NAMES: dict[str, str] = {
    "mean": gettext_noop("weighted arithmetic mean"),
    "geometric": gettext_noop("weighted geometric mean"),
    "harmonic": gettext_noop("weighted harmonic mean"),
    "generalised": gettext_noop("generalised mean"),
    "copeland": gettext_noop("Copeland outranking"),
}

FALLBACK_NAMES: dict[str, str] = {
    "log": gettext_noop("log transform"),
    "log_plus": gettext_noop("log transform following the skew"),
    "log_orig": gettext_noop("log transform of x - min + 1"),
    "log_gii": gettext_noop("GII log transform"),
    "boxcox": gettext_noop("Box-Cox transform"),
    "none": gettext_noop("winsorising only"),
}


def aggregation_words(value: Mapping[str, Any], _: Translate) -> str:
    """A board's aggregation for people: 加权几何平均, 广义平均（p = 2）, ...

    >>> from leitai.i18n import translator
    >>> aggregation_words({"method": "generalised", "p": 2.0, "min_data": 0.5}, translator("zh"))
    '广义平均（p = 2），数据不足 0.5 的单位不计分'
    """
    method = str(value.get("method") or "mean")
    words = _(AGGREGATION_NAMES[method]) if method in AGGREGATION_NAMES else method
    if value.get("p") is not None:
        words = _("%(name)s (p = %(p)s)") % {"name": words, "p": number_text(value["p"])}
    if value.get("min_data") is not None:
        words = _("%(name)s, no score for a unit with less than %(share)s of its data") % {
            "name": words,
            "share": number_text(value["min_data"]),
        }
    return words


def treatment_words(value: Mapping[str, Any], _: Translate) -> str:
    """An indicator's own outlier treatment for people (its fallback and what it changes)."""
    fallback = value.get("fallback")
    words = _(FALLBACK_NAMES[fallback]) if fallback in FALLBACK_NAMES else _("winsorising")
    if value.get("lambda") is not None:
        words = _("%(name)s (λ = %(lam)s)") % {"name": words, "lam": number_text(value["lambda"])}
    return _("its own: %(what)s") % {"what": words}


def method_name(code: str | None, _: Translate) -> str:
    """A scoring method's name for people (功效系数法); an unknown code is shown as it is."""
    if code is None:
        return _("the scheme's default")
    return _(METHOD_NAMES[code]) if code in METHOD_NAMES else code


def version_label(name: str, number: int, _: Translate) -> str:
    """A scheme version for people: its name and 第 N 版."""
    return _("%(name)s, version %(number)s") % {"name": name, "number": number}


# -- rules in words -------------------------------------------------------------------------

_OPS = {
    "<": gettext_noop("below"),
    "<=": gettext_noop("at most"),
    ">": gettext_noop("above"),
    ">=": gettext_noop("not below"),
    "==": gettext_noop("equal to"),
    "!=": gettext_noop("not equal to"),
}
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def _variable(name: str, boards: Mapping[str, str], _: Translate) -> str:
    plain = {
        "score": gettext_noop("composite score"),
        "rank": gettext_noop("rank"),
        "prev_rank": gettext_noop("previous rank"),
        "rank_change": gettext_noop("places climbed since the previous period"),
        "n": gettext_noop("number of units"),
        "vetoed": gettext_noop("is vetoed"),
    }
    if name in plain:
        return _(plain[name])
    for prefix, msgid in (
        ("score_", gettext_noop("“%(board)s” score")),
        ("rank_", gettext_noop("“%(board)s” rank")),
        ("stars_", gettext_noop("“%(board)s” stars")),
    ):
        if name.startswith(prefix):
            board = name[len(prefix) :]
            return _(msgid) % {"board": boards.get(board, board)}
    return name


def _board(board: str, boards: Mapping[str, str], _: Translate) -> str:
    return _("“%(board)s”") % {"board": boards.get(board, board)}


def _number(node: tuple[Any, ...]) -> float | None:
    if node[0] == "const":
        return float(node[1])
    if node[0] == "neg" and node[1][0] == "const":
        return -float(node[1][1])
    return None


def _quota(node: tuple[Any, ...]) -> float | None:
    """The share p of ``ceil(n * p)``, or None."""
    if node[0] == "call" and node[1] == "ceil" and len(node) == 3:
        inner = node[2]
        if inner[0] == "arith" and inner[1] == "*":
            left, right = inner[2], inner[3]
            if left == ("var", "n") and _number(right) is not None:
                return _number(right)
            if right == ("var", "n") and _number(left) is not None:
                return _number(left)
    return None


def _comparison_words(
    op: str, name: str, value: float, boards: Mapping[str, str], _: Translate
) -> str | None:
    """The usual shapes of a rule, in the words an office would use, or None."""
    v = number_text(value)
    if name == "rank" or (name.startswith("rank_") and name != "rank_change"):
        subject = _("composite score") if name == "rank" else _board(name[5:], boards, _)
        if op in ("<=", "<"):
            n = value if op == "<=" else value - 1
            return _("%(subject)s ranks in the first %(n)s") % {
                "subject": subject,
                "n": number_text(n),
            }
        if op == "==":
            return _("%(subject)s ranks number %(n)s") % {"subject": subject, "n": v}
    if name == "rank_change":
        if op == ">=" and value > 0:
            return _("climbs %(n)s or more places since the previous period") % {"n": v}
        if op == ">" and value >= 0:
            return _("climbs more than %(n)s places since the previous period") % {"n": v}
        if op == "<=" and value < 0:
            return _("falls %(n)s or more places since the previous period") % {
                "n": number_text(-value)
            }
    if name.startswith("stars_") and op == ">=":
        board = _board(name[len("stars_") :], boards, _)
        return _("%(board)s %(n)s stars or more") % {"board": board, "n": v}
    if name == "score" or name.startswith("score_"):
        subject = _variable(name, boards, _)
        if op == ">=":
            return _("%(subject)s %(n)s points or more") % {"subject": subject, "n": v}
        if op == "<":
            return _("%(subject)s below %(n)s points") % {"subject": subject, "n": v}
    return None


def _words(node: tuple[Any, ...], boards: Mapping[str, str], _: Translate) -> str:
    kind = node[0]
    if kind == "const":
        if node[1] == 1.0:
            return _("every unit")
        return number_text(node[1])
    if kind == "var":
        return _variable(node[1], boards, _)
    if kind == "not":
        if node[1] == ("var", "vetoed"):
            return _("not vetoed")
        return _("not (%(rule)s)") % {"rule": _words(node[1], boards, _)}
    if kind in ("and", "or"):
        joint = _("%(a)s and %(b)s") if kind == "and" else _("%(a)s, or %(b)s")
        return joint % {"a": _words(node[1], boards, _), "b": _words(node[2], boards, _)}
    if kind == "cmp":
        return _cmp_words(node, boards, _)
    if kind == "neg":
        return "-" + _words(node[1], boards, _)
    if kind == "arith":
        symbol = {"*": "×", "/": "÷"}.get(node[1], node[1])
        return f"{_words(node[2], boards, _)} {symbol} {_words(node[3], boards, _)}"
    if kind == "call":
        args = _(", ").join(_words(arg, boards, _) for arg in node[2:])
        return f"{node[1]}({args})"
    return str(node)


def _cmp_words(node: tuple[Any, ...], boards: Mapping[str, str], _: Translate) -> str:
    op, left, right = node[1], node[2], node[3]
    if left[0] != "var" and right[0] == "var":
        op, left, right = _FLIP[op], right, left
    if left == ("var", "rank") and op == "<=" and (share := _quota(right)) is not None:
        return _("composite score ranks in the first %(share)s%% (rounded up)") % {
            "share": number_text(round(share * 100, 6))
        }
    value = _number(right)
    if left[0] == "var" and value is not None:
        said = _comparison_words(op, left[1], value, boards, _)
        if said is not None:
            return said
    return _("%(left)s %(op)s %(right)s") % {
        "left": _words(left, boards, _),
        "op": _(_OPS[op]),
        "right": _words(right, boards, _),
    }


def rule_words(when: str, boards: Mapping[str, str], _: Translate) -> str:
    """A flag's or grade's rule in words; ``boards`` maps board ids to names.

    A rule that does not parse is returned as it is (the scheme's problems say why).
    """
    try:
        tree = parse_expression(when).tree
    except ExpressionError:
        return when
    return _words(tree, boards, _)


# -- comparisons in words -----------------------------------------------------------------------


def _value(field: str | None, value: Any, boards: Mapping[str, str], _: Translate) -> str:
    key = (field or "").rsplit(".", 1)[-1]
    if value is None:
        return _("none")
    if key == "method" and isinstance(value, str):
        return _(STAR_METHODS[value]) if value in STAR_METHODS else method_name(value, _)
    if key == "direction" and value in DIRECTION_NAMES:
        return _(DIRECTION_NAMES[value])
    if key == "missing" and value in MISSING_NAMES:
        return _(MISSING_NAMES[value])
    if key == "kind" and value in ADJUSTMENT_NAMES:
        return _(ADJUSTMENT_NAMES[value])
    if key == "when" and isinstance(value, str):
        return rule_words(value, boards, _)
    if key == "aggregation" and isinstance(value, Mapping):
        return aggregation_words(value, _)
    if key == "treat" and isinstance(value, Mapping):
        return treatment_words(value, _)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        return number_text(value)
    if isinstance(value, list | tuple):
        if key == "range" and len(value) == 2:
            low, high = (_value(None, v, boards, _) for v in value)
            return _("%(low)s to %(high)s") % {"low": low, "high": high}
        return _(", ").join(_value(key, v, boards, _) for v in value) or _("none")
    if key == "tie_break":
        return boards.get(str(value), str(value))
    return str(value)


def _field_name(item: str, field: str | None, _: Translate) -> str:
    if field and field.startswith("params."):
        key = field[len("params.") :]
        return _("parameter “%(name)s”") % {"name": _(PARAM_NAMES.get(key, key))}
    msgid = _FIELDS.get((item, field or ""))
    return _(msgid) if msgid else str(field)


def _added_or_removed(edit: SchemeEdit, boards: Mapping[str, str], _: Translate) -> str:
    if edit.kind == "removed":
        return _(_REMOVED[edit.item]) % {"name": edit.name}
    if edit.parent and edit.item in _ADDED_IN:
        return _(_ADDED_IN[edit.item]) % {
            "name": edit.name,
            "parent": boards.get(edit.parent, edit.parent),
        }
    return _(_ADDED[edit.item]) % {"name": edit.name}


def edit_sentence(edit: SchemeEdit, boards: Mapping[str, str], _: Translate) -> str:
    """One change between versions as a sentence; ``boards`` maps board ids to names
    (of both versions)."""
    if edit.kind in ("added", "removed"):
        return _added_or_removed(edit, boards, _)
    if edit.kind == "renamed":
        return _(_RENAMED[edit.item]) % {"before": edit.before, "after": edit.after}
    if edit.kind == "moved":
        top = _("the top level")
        return _(_MOVED[edit.item]) % {
            "name": edit.name,
            "before": boards.get(edit.before, top) if edit.before else top,
            "after": boards.get(edit.after, top) if edit.after else top,
        }
    if edit.item == "tie_break":
        return _("boards compared on a tie: %(before)s → %(after)s") % {
            "before": _value("tie_break", edit.before, boards, _),
            "after": _value("tie_break", edit.after, boards, _),
        }
    if edit.item == "prepare":
        return _("the preparation of the data (imputation, outliers) changed")
    values = {
        "field": _field_name(edit.item, edit.field, _),
        "before": _value(edit.field, edit.before, boards, _),
        "after": _value(edit.field, edit.after, boards, _),
    }
    if edit.item in ("stars", "defaults"):
        return _("%(field)s %(before)s → %(after)s") % values
    return _("“%(name)s” %(field)s %(before)s → %(after)s") % {"name": edit.name, **values}


def change_sentences(edits: list[SchemeEdit], boards: Mapping[str, str], _: Translate) -> list[str]:
    """The changes between versions as sentences, the indicators of a new board said with
    the board (新增板块「…」，含指标「…」、「…」) rather than one sentence each."""
    new_boards = {
        key
        for key, name in boards.items()
        if any(e.item == "board" and e.kind == "added" and e.name == name for e in edits)
    }
    folded: dict[str, list[str]] = {}
    for edit in edits:
        if edit.item == "indicator" and edit.kind == "added" and edit.parent in new_boards:
            folded.setdefault(boards[edit.parent], []).append(edit.name)
    sentences = []
    for edit in edits:
        if edit.item == "indicator" and edit.kind == "added" and edit.parent in new_boards:
            continue
        sentence = edit_sentence(edit, boards, _)
        names = folded.get(edit.name) if edit.item == "board" and edit.kind == "added" else None
        if names:
            sentence = _("%(board)s, with the indicators %(names)s") % {
                "board": sentence,
                "names": _(", ").join(_("“%(board)s”") % {"board": n} for n in names),
            }
        sentences.append(sentence)
    return sentences
