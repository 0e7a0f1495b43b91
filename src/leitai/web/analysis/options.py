"""The settings of a robustness run, as one value that names its cached result."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, TypedDict

from leitai.engine.sensitivity import ALTERNATIVE_METHODS, DEFAULT_METHODS, DEFAULT_MISSING

# A run with more samples is still possible from the command line (``leitai analyse``);
# on the web the office's form stops here so that one click cannot occupy the server.
MAX_SAMPLES = 20_000


class RunSettingsDict(TypedDict):
    """:meth:`RunSettings.to_dict`, as ``AnalysisRun.settings`` stores it."""

    samples: int
    seed: int
    weights: float
    methods: list[str]
    missing: list[str]
    leave_one_out: bool


class AnalyseOptions(TypedDict):
    """:meth:`RunSettings.engine_kwargs`: keywords of :func:`leitai.engine.sensitivity.analyse`."""

    samples: int
    seed: int
    weights: float
    methods: tuple[str, ...] | None
    missing: tuple[str, ...] | None
    leave_one_out: bool


@dataclass(frozen=True)
class RunSettings:
    """What :func:`leitai.engine.sensitivity.analyse` is asked to vary, and how often.

    The defaults are the engine's: 1,000 samples, seed 0, weights ±25 %, every
    alternative normalisation method and missing-value policy, and leaving out one
    indicator at a time.
    """

    samples: int = 1000
    seed: int = 0
    weights: float = 0.25
    methods: tuple[str, ...] = field(default=DEFAULT_METHODS)
    missing: tuple[str, ...] = field(default=DEFAULT_MISSING)
    leave_one_out: bool = True

    def __post_init__(self) -> None:
        # One order for the same choice, so that equal settings share one cached run.
        object.__setattr__(
            self, "methods", tuple(m for m in ALTERNATIVE_METHODS if m in self.methods)
        )
        object.__setattr__(self, "missing", tuple(m for m in DEFAULT_MISSING if m in self.missing))
        object.__setattr__(self, "weights", round(float(self.weights), 4))

    def to_dict(self) -> RunSettingsDict:
        return {
            "samples": self.samples,
            "seed": self.seed,
            "weights": self.weights,
            "methods": list(self.methods),
            "missing": list(self.missing),
            "leave_one_out": self.leave_one_out,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunSettings:
        return cls(
            samples=int(data["samples"]),
            seed=int(data["seed"]),
            weights=float(data["weights"]),
            methods=tuple(data.get("methods") or ()),
            missing=tuple(data.get("missing") or ()),
            leave_one_out=bool(data["leave_one_out"]),
        )

    @property
    def key(self) -> str:
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def is_default(self) -> bool:
        return self == RunSettings()

    def engine_kwargs(self) -> AnalyseOptions:
        return {
            "samples": self.samples,
            "seed": self.seed,
            "weights": self.weights,
            "methods": self.methods or None,
            "missing": self.missing or None,
            "leave_one_out": self.leave_one_out,
        }

    def evaluations(self, groups: int = 4) -> int:
        """Assessments the run makes with ``groups`` varying inputs (Saltelli: N (k + 2))."""
        return self.samples * (groups + 2)
