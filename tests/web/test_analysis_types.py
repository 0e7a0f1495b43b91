"""The analysis selectors' rows have the keys their TypedDicts declare (issue 15).

mypy checks the dict literals the selectors write; this checks what they return on the
demo's published 2023Q3, nested rows included, so that a key written outside a literal
(or declared and never written) fails here.
"""

from __future__ import annotations

from leitai.web.analysis.selectors import (
    diagnostics_tables,
    trend_report,
    whatif_outcome,
    whatif_report,
    whatif_reported,
)
from leitai.web.analysis.types import (
    CollinearNames,
    DiagnosticsTables,
    EditedValue,
    FlagChange,
    GoalLabel,
    HeatCell,
    HeatRow,
    IndicatorNotes,
    Standing,
    StarsChange,
    TrendReport,
    TrendRow,
    WhatIfCell,
    WhatIfGroup,
    WhatIfItem,
    WhatIfOutcome,
    WhatIfReport,
)
from leitai.web.assessments.models import Period
from leitai.web.assessments.selectors import period_published_snapshot
from tests.typed_rows import conforms
from tests.web.base import BaseTestCase


class AnalysisRowTypesTests(BaseTestCase):
    def setUp(self) -> None:
        self.period = Period.objects.get(code="2023Q3")
        snapshot = period_published_snapshot(self.period)
        assert snapshot is not None
        self.snapshot = snapshot

    def test_the_what_if_report_has_the_declared_keys(self) -> None:
        report = whatif_report(snapshot=self.snapshot, unit="shibei")
        self.assertTrue(conforms(report, WhatIfReport), sorted(report))
        self.assertTrue(all(conforms(g, GoalLabel) for g in report["goals"]))
        self.assertTrue(report["groups"])
        for group in report["groups"]:
            self.assertTrue(conforms(group, WhatIfGroup), sorted(group))
            for item in group["items"]:
                self.assertTrue(conforms(item, WhatIfItem), sorted(item))
                for cell in item["cells"]:
                    self.assertTrue(conforms(cell, WhatIfCell), sorted(cell))

    def test_the_what_if_outcome_has_the_declared_keys(self) -> None:
        reported = whatif_reported(snapshot=self.snapshot, unit="shibei")
        indicator = next(k for k, v in reported.items() if v)
        outcome = whatif_outcome(
            snapshot=self.snapshot, unit="shibei", values={indicator: "999999", "x": "y"}
        )
        self.assertTrue(conforms(outcome, WhatIfOutcome), sorted(outcome))
        self.assertEqual(len(outcome["edited"]), 1)
        self.assertTrue(conforms(outcome["edited"][0], EditedValue))
        self.assertTrue(conforms(outcome["before"], Standing))
        self.assertTrue(conforms(outcome["after"], Standing))
        self.assertTrue(outcome["stars"] and outcome["flags"])
        self.assertTrue(all(conforms(s, StarsChange) for s in outcome["stars"]))
        self.assertTrue(all(conforms(f, FlagChange) for f in outcome["flags"]))

    def test_the_diagnostics_tables_have_the_declared_keys(self) -> None:
        report = diagnostics_tables(snapshot=self.snapshot)
        self.assertTrue(conforms(report, DiagnosticsTables), sorted(report))
        self.assertTrue(all(conforms(r, IndicatorNotes) for r in report["indicators"]))
        self.assertTrue(report["heat_rows"])
        for row in report["heat_rows"]:
            self.assertTrue(conforms(row, HeatRow))
            self.assertTrue(all(conforms(c, HeatCell) for c in row["cells"]))
        self.assertTrue(all(conforms(p, CollinearNames) for p in report["collinear"]))

    def test_the_trend_report_has_the_declared_keys(self) -> None:
        report = trend_report(user=self.office, upto=self.period)
        self.assertTrue(conforms(report, TrendReport))
        self.assertTrue(report["rows"])
        self.assertTrue(all(conforms(r, TrendRow) for r in report["rows"]))
