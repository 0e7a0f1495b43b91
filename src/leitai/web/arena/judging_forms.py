"""The office's forms for the live scoring: the sheet, the codes, applying the result."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from leitai.web.arena.models import Scoring
from leitai.web.formfields import form_field


def _lines(text: str) -> list[tuple[str, str]]:
    """``name number`` lines (the number last, after a space or a tab)."""
    out = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        name, _sep, number = line.rpartition(" ")
        if not name:
            name, number = line, ""
        out.append((name.strip(), number.strip()))
    return out


class ScoringForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Sheet"),
        choices=[
            ("criteria", _("Criteria with their points")),
            ("single", _("One score")),
            ("choices", _("Choices with their points")),
        ],
    )
    criteria = forms.CharField(
        label=_("Criteria"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: the criterion, a space, its points (晒成绩 真实充分 30)."),
    )
    low = forms.FloatField(label=_("Lowest score"), initial=1, required=False)
    high = forms.FloatField(label=_("Highest score"), initial=100, required=False)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: the choice, a space, its points (好 95)."),
    )
    groups = forms.CharField(
        label=_("Judges' groups"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: the group, a space, its weight (市领导 40)."),
    )
    rule = forms.ChoiceField(
        label=_("Rule"),
        choices=[("mean", _("Mean")), ("trimmed", _("Trimmed mean"))],
    )
    trim = forms.IntegerField(
        label=_("Dropped at each end"),
        min_value=0,
        max_value=10,
        initial=1,
        required=False,
        help_text=_("With the trimmed mean: how many highest and lowest scores per group."),
    )
    show = forms.ChoiceField(label=_("Show results"), choices=Scoring.Show.choices)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        try:
            data["definition"] = self._definition(data)
        except ValueError:
            raise forms.ValidationError(
                _("Each line needs a name, a space and a number.")
            ) from None
        return data

    @staticmethod
    def _definition(data: dict[str, Any]) -> dict[str, Any]:
        kind = data.get("kind") or "single"
        out: dict[str, Any] = {
            "kind": kind,
            "groups": [
                {"id": f"g{k}", "name": name, "weight": float(w)}
                for k, (name, w) in enumerate(_lines(data.get("groups", "")), start=1)
            ],
            "rule": data.get("rule") or "mean",
            "trim": int(data.get("trim") or 0) if data.get("rule") == "trimmed" else 0,
        }
        if kind == "criteria":
            out["criteria"] = [
                {"id": f"c{k}", "name": name, "max": float(m)}
                for k, (name, m) in enumerate(_lines(data.get("criteria", "")), start=1)
            ]
        elif kind == "choices":
            out["choices"] = [
                {"label": name, "points": float(p)} for name, p in _lines(data.get("choices", ""))
            ]
        else:
            out["low"] = data.get("low") if data.get("low") is not None else 1.0
            out["high"] = data.get("high") if data.get("high") is not None else 100.0
        return out

    @staticmethod
    def initial_from(scoring: Scoring | None) -> dict[str, Any]:
        if scoring is None:
            return {
                "kind": "criteria",
                "criteria": "晒成绩 真实充分 30\n查不足 精准深刻 30\n谈举措 务实可行 40",
                "choices": "好 95\n较好 85\n一般 75\n差 60",
                "groups": "市领导 40\n部门 30\n代表 30",
                "rule": "trimmed",
                "trim": 1,
                "low": 1,
                "high": 100,
                "show": Scoring.Show.LIVE,
            }
        d = scoring.definition

        def fmt(x: float) -> str:
            return f"{x:g}"

        return {
            "kind": d.get("kind"),
            "criteria": "\n".join(f"{c['name']} {fmt(c['max'])}" for c in d.get("criteria", [])),
            "choices": "\n".join(f"{c['label']} {fmt(c['points'])}" for c in d.get("choices", [])),
            "groups": "\n".join(f"{g['name']} {fmt(g['weight'])}" for g in d.get("groups", [])),
            "rule": d.get("rule"),
            "trim": d.get("trim") or 1,
            "low": d.get("low", 1),
            "high": d.get("high", 100),
            "show": scoring.show,
        }


class CodesForm(forms.Form):
    group = forms.ChoiceField(label=_("Judges' group"))
    count = forms.IntegerField(label=_("How many codes"), min_value=1, max_value=300, initial=10)

    def __init__(self, *args: Any, groups: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "group", forms.ChoiceField).choices = groups


class ApplyForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"))
    adjustment = forms.CharField(
        label=_("Bonus adjustment (id)"),
        max_length=64,
        help_text=_("A bonus adjustment of the period's scheme, with its maximum points."),
    )
    by = forms.ChoiceField(
        label=_("Points"),
        choices=[
            ("rank", _("By rank: the first gets the maximum, the last none")),
            ("score", _("By score: the maximum times the score over full marks")),
        ],
    )

    def __init__(self, *args: Any, periods: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "period", forms.ChoiceField).choices = periods
