"""Reading the live scoring (现场评议): the live count, the results and the rule in words.

The hall sees counts and, when the office lets it (``Scoring.show``), the results of
closed units; never a running score of the unit still open, never a judge's sheet.
The judges' individual sheets are read by the office only
(:func:`scoring_sheets_for_office`), each named by its code's number.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, TypedDict

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from leitai.engine.judging import GroupScore, JudgedUnit, JudgingResult, JudgingScheme, judge
from leitai.engine.problems import number_text
from leitai.web.arena.judging_services import result_seal_document, result_text, scheme_of
from leitai.web.arena.models import ArenaSession, JudgeCode, JudgeSheet, Scoring
from leitai.web.assessments.models import Unit
from leitai.web.audit.keys import seal, seals_equal


class ArenaResultAltered(Exception):
    """A frozen arena result no longer matches its hash or seal."""


def scoring_of(session: ArenaSession) -> Scoring | None:
    return Scoring.objects.filter(session=session).select_related("session__period").first()


def _sheets(scoring: Scoring, units: list[str] | None = None) -> list[tuple[str, str, Any]]:
    rows = JudgeSheet.objects.filter(code__scoring=scoring)
    if units is not None:
        rows = rows.filter(unit__in=units)
    return list(rows.values_list("code__group", "unit", "total"))


def scoring_result(scoring: Scoring, units: list[str] | None = None) -> JudgingResult:
    """The result computed from the stored sheets (of ``units`` only, if given)."""
    chosen = list(scoring.units) if units is None else units
    return judge(scheme_of(scoring), chosen, _sheets(scoring, chosen))


def result_check(scoring: Scoring) -> None:
    """Raise :class:`ArenaResultAltered` if the frozen result was changed behind leitai."""
    if scoring.result is None:
        return
    digest = hashlib.sha256(result_text(scoring.result).encode("utf-8")).hexdigest()
    if digest != scoring.result_sha256:
        raise ArenaResultAltered(f"arena result {scoring.pk}: hash")
    if not seals_equal(seal(result_seal_document(scoring)), scoring.seal or ""):
        raise ArenaResultAltered(f"arena result {scoring.pk}: seal")


def result_from_frozen(scoring: Scoring) -> JudgingResult:
    """The frozen result back as a :class:`JudgingResult` (checked first)."""
    result_check(scoring)
    frozen = scoring.result
    if frozen is None:
        raise ValueError(f"arena result {scoring.pk} is not frozen")
    rows = {r["unit"]: r for r in frozen["rows"]}
    groups = list(frozen["groups"])
    units = list(scoring.units)

    def grid(name: str, dtype: Any = float) -> np.ndarray:
        return np.array(
            [
                [np.nan if (v := rows[u]["groups"][g][name]) is None else v for u in units]
                for g in groups
            ],
            dtype=dtype,
        )

    def line(name: str) -> np.ndarray:
        return np.array([np.nan if rows[u][name] is None else rows[u][name] for u in units])

    return JudgingResult(
        units=units,
        groups=groups,
        group_scores=grid("score"),
        sheets=grid("sheets", int),
        abstained=grid("abstained", int),
        dropped=grid("dropped", int),
        fallback=grid("fallback", bool),
        overall=line("overall"),
        rank=line("rank"),
    )


def rule_words(scheme: JudgingScheme) -> str:
    """The rule applied, in the reader's language (shown on the results screen)."""
    groups = pgettext("clause", ", ").join(
        f"{g.name} {number_text(round(g.weight, 4))}" for g in scheme.groups
    )
    total = sum(g.weight for g in scheme.groups)
    if scheme.rule == "trimmed":
        how = ngettext(
            "In each group the highest and the lowest score are dropped and the rest "
            "averaged; a group with %(min)s sheets or fewer for a unit keeps them all.",
            "In each group the %(n)s highest and the %(n)s lowest scores are dropped and "
            "the rest averaged; a group with %(min)s sheets or fewer for a unit keeps them "
            "all.",
            scheme.trim,
        ) % {"n": scheme.trim, "min": 2 * scheme.trim}
    else:
        how = _("In each group the scores are averaged.")
    weights = _(
        "Overall score: the groups' scores weighted %(groups)s (of %(total)s); a group "
        "that gave no score for a unit is left out and the other weights rescaled."
    ) % {"groups": groups, "total": number_text(round(total, 4))}
    return _("%(how)s %(weights)s %(abstentions)s") % {
        "how": how,
        "weights": weights,
        "abstentions": _("Abstentions are not counted."),
    }


class NamedGroupScore(GroupScore):
    """A judge group's score of a unit, with the group's name (for the results table)."""

    name: str


@dataclass
class ResultRow:
    unit: str
    name: str
    rank: int | None
    overall: float | None
    groups: list[NamedGroupScore]


@dataclass
class Results:
    """What the results screen shows."""

    scoring: Scoring
    scheme: JudgingScheme
    rows: list[ResultRow]
    rule: str
    final: bool
    frozen: bool
    pending: list[str]


def results_visible(scoring: Scoring) -> list[str]:
    """The units whose results the hall may see now (in running order)."""
    if scoring.closed_at is not None:
        return list(scoring.units)
    if scoring.show == Scoring.Show.LIVE:
        return [u for u in scoring.units if u in scoring.closed_units]
    return []


def results_build(scoring: Scoring, *, everything: bool = False) -> Results:
    """Each shown unit's score by group and overall, ranked, with the rule in words.

    The frozen result when there is one; otherwise computed from the sheets of the
    units the hall may see (``everything`` for the office: all units).
    """
    scheme = scheme_of(scoring)
    if scoring.result is not None:
        result = result_from_frozen(scoring)
        shown = list(scoring.units)
    else:
        shown = list(scoring.units) if everything else results_visible(scoring)
        result = scoring_result(scoring, shown)
    names = dict(Unit.objects.filter(code__in=shown).values_list("code", "name"))
    group_names = {g.id: g.name for g in scheme.groups}
    data = result.as_dict()
    judged: list[JudgedUnit] = data["rows"]
    rows = [
        ResultRow(
            unit=r["unit"],
            name=names.get(r["unit"], r["unit"]),
            rank=r["rank"],
            overall=r["overall"],
            groups=[{"name": group_names[g], **r["groups"][g]} for g in data["groups"]],
        )
        for r in judged
    ]
    return Results(
        scoring=scoring,
        scheme=scheme,
        rows=rows,
        rule=rule_words(scheme),
        final=scoring.closed_at is not None,
        frozen=scoring.result is not None,
        pending=[u for u in scoring.units if u not in shown],
    )


class LiveState(TypedDict):
    """What the presenter view polls (JSON): the unit on stage ("" for none), how many
    judges have scored it, the units closed and those whose results the hall may see."""

    open: str
    open_name: str
    count: int
    judges: int
    claimed: int
    closed: list[str]
    final: bool
    results: list[str]
    version: str


class OwnSheet(TypedDict):
    """A judge's own sheet for the unit open now (``total`` None: abstained)."""

    unit: str
    client_id: str
    entry: Any
    abstain: bool
    total: float | None


class JudgeState(TypedDict):
    """What a judge's page polls (JSON)."""

    open: str
    open_name: str
    final: bool
    closed: list[str]
    mine: OwnSheet | None
    scored: int
    units: int


def live_state(scoring: Scoring) -> LiveState:
    """The small JSON the presenter view polls: the count for the unit on stage."""
    unit = scoring.open_unit
    count = JudgeSheet.objects.filter(code__scoring=scoring, unit=unit).count() if unit else 0
    judges = JudgeCode.objects.filter(scoring=scoring, revoked=False).count()
    name = Unit.objects.filter(code=unit).values_list("name", flat=True).first() if unit else ""
    shown = results_visible(scoring)
    return {
        "open": unit,
        "open_name": name or unit,
        "count": count,
        "judges": judges,
        "claimed": JudgeCode.objects.filter(scoring=scoring, revoked=False)
        .exclude(device="")
        .count(),
        "closed": list(scoring.closed_units),
        "final": scoring.closed_at is not None,
        "results": shown,
        # Changes whenever there is something new to show (the page reloads the results).
        "version": f"{len(shown)}:{int(scoring.closed_at is not None)}:{int(bool(scoring.result))}",
    }


def judge_state(code: JudgeCode) -> JudgeState:
    """What a judge's page needs: the unit open now and this judge's own sheet for it."""
    scoring = Scoring.objects.select_related("session").get(pk=code.scoring_id)
    unit = scoring.open_unit
    mine = JudgeSheet.objects.filter(code=code, unit=unit).first() if unit else None
    name = Unit.objects.filter(code=unit).values_list("name", flat=True).first() if unit else ""
    done = set(JudgeSheet.objects.filter(code=code).values_list("unit", flat=True))
    return {
        "open": unit,
        "open_name": name or unit,
        "final": scoring.closed_at is not None,
        "closed": list(scoring.closed_units),
        "mine": (
            {
                "unit": mine.unit,
                "client_id": mine.client_id,
                "entry": mine.entry,
                "abstain": mine.total is None,
                "total": mine.total,
            }
            if mine
            else None
        ),
        "scored": len(done),
        "units": len(scoring.units),
    }


@dataclass
class OfficeSheet:
    number: int
    group: str
    totals: list[float | str | None]


def scoring_sheets_for_office(scoring: Scoring) -> list[OfficeSheet]:
    """Every judge's sheets, one line per code (by number), one column per unit."""
    by_code: dict[int, dict[str, float | None]] = {}
    for code_id, unit, total in JudgeSheet.objects.filter(code__scoring=scoring).values_list(
        "code_id", "unit", "total"
    ):
        by_code.setdefault(code_id, {})[unit] = total
    out = []
    for code in scoring.codes.order_by("number"):
        mine = by_code.get(code.pk, {})
        out.append(
            OfficeSheet(
                number=code.number,
                group=code.group,
                totals=[mine.get(u, "") if u in mine else "" for u in scoring.units],
            )
        )
    return out
