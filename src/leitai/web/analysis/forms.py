"""The office's settings of a robustness run."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from leitai.engine.sensitivity import ALTERNATIVE_METHODS, DEFAULT_METHODS, DEFAULT_MISSING
from leitai.i18n.schemes import METHOD_NAMES
from leitai.web.analysis.options import MAX_SAMPLES, RunSettings

# Method names from the one table of them (leitai.i18n.schemes).
METHOD_LABELS = {code: _(METHOD_NAMES[code]) for code in ALTERNATIVE_METHODS}
MISSING_LABELS = {
    "zero": _("missing scores 0"),
    "worst": _("missing scores as the worst"),
    "exclude": _("missing is left out"),
}


class RunSettingsForm(forms.Form):
    samples = forms.IntegerField(
        label=_("Samples"),
        min_value=10,
        max_value=MAX_SAMPLES,
        initial=1000,
        help_text=format_lazy(_("Monte Carlo samples (at most {max})."), max=f"{MAX_SAMPLES:,}"),
    )
    seed = forms.IntegerField(
        label=_("Seed"),
        min_value=0,
        max_value=2**32 - 1,
        initial=0,
        help_text=_("The same seed gives the same numbers."),
    )
    weights = forms.IntegerField(
        label=_("Weight share (%)"),
        min_value=0,
        max_value=90,
        initial=25,
        help_text=_("Every weight and board's points move by up to this share."),
    )
    methods = forms.MultipleChoiceField(
        label=_("Alternative normalisation methods"),
        choices=[(m, METHOD_LABELS[m]) for m in ALTERNATIVE_METHODS],
        initial=list(DEFAULT_METHODS),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    missing = forms.MultipleChoiceField(
        label=_("Alternative missing-value policies"),
        choices=[(m, MISSING_LABELS[m]) for m in DEFAULT_MISSING],
        initial=list(DEFAULT_MISSING),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    leave_one_out = forms.BooleanField(
        label=_("Leave out one indicator at a time"), required=False, initial=True
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # A box ticked before its label reads as a sentence, without a colon.
        self.fields["leave_one_out"].label_suffix = ""

    @classmethod
    def initial_from(cls, run_settings: RunSettings) -> dict[str, object]:
        return {
            "samples": run_settings.samples,
            "seed": run_settings.seed,
            "weights": round(run_settings.weights * 100),
            "methods": list(run_settings.methods),
            "missing": list(run_settings.missing),
            "leave_one_out": run_settings.leave_one_out,
        }

    def run_settings(self) -> RunSettings:
        data = self.cleaned_data
        return RunSettings(
            samples=data["samples"],
            seed=data["seed"],
            weights=data["weights"] / 100.0,
            methods=tuple(data["methods"]),
            missing=tuple(data["missing"]),
            leave_one_out=data["leave_one_out"],
        )
