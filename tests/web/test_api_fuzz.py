"""A property-based fuzzer over the API's OpenAPI schema: no operation answers 500.

schemathesis reads the schema the application serves (``/api/openapi.json``) and
drives the Django application in-process through its WSGI handler, generating
requests from the schema (path and query parameters, JSON bodies) with hypothesis.
Requests that follow the schema and requests that break it
(negative mode) are both sent. Every operation is called anonymously and as a unit reporter's token holder; the
``period`` and ``unit`` of a path are drawn from the demo's codes as well as from
arbitrary text, so that the write operation is reached with real periods (in
collection, published, a draft) and not only answered 404. The examples are bounded
(``MAX_EXAMPLES`` each, three times as many for the write) so that the test stays well under a minute.
"""

from __future__ import annotations

from typing import Any
from unittest import mock
from urllib.parse import quote

import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from leitai.web.api.services import token_create
from leitai.web.api.writes import TokenRateThrottle
from tests.web.base import BaseTestCase

MAX_EXAMPLES = 20  # each operation; the write operation gets three times as many
PERIODS = st.one_of(
    st.just("2023Q4"), st.sampled_from(["2024Q1", "2023Q3", "2022Q4"]), st.text(max_size=12)
)
UNITS = st.sampled_from(["shibei", "licang", "huangdao"]) | st.text(max_size=12)


KEYS = ["gdp_growth", "industry_growth", "signed_projects", "key_project_rate", "nonexistent"]


def own_rows(body: Any) -> None:
    """Half the examples write 市北区's own indicators, so that the values, targets and
    explanations the fuzzer makes up reach the checks instead of stopping at the unit."""
    rows = body.get("rows") if isinstance(body, dict) else None
    if not isinstance(rows, list):
        return
    for number, row in enumerate(rows):
        if isinstance(row, dict):
            row["unit"] = "shibei"
            row["indicator"] = KEYS[number % len(KEYS)]


class OpenApiFuzzTests(BaseTestCase):
    def setUp(self) -> None:
        self.schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
        _token, self.raw = token_create(owner=self.reporter_shibei, name="fuzz", actor=self.office)
        # The per-token rate limit would answer most examples 429 (tested on its own).
        patcher = mock.patch.object(TokenRateThrottle, "allow_request", return_value=True)
        patcher.start()
        self.addCleanup(patcher.stop)

    def operations(self) -> list[Any]:
        found = [result.ok() for result in self.schema.get_all_operations()]
        self.assertEqual(len(found), 5)
        return found

    def cases(self, operation: Any) -> Any:
        """Requests that follow the schema, and requests that break it where it has
        something to break (a body, a parameter)."""
        strategies = [operation.as_strategy(GenerationMode.POSITIVE)]
        if operation.body or operation.path_parameters or operation.query:
            strategies.append(operation.as_strategy(GenerationMode.NEGATIVE))
        return st.one_of(strategies)

    def fuzz(self, headers: dict[str, str]) -> dict[int, int]:
        seen: dict[int, int] = {}
        for operation in self.operations():
            self.fuzz_operation(operation, headers, seen)
        return seen

    def fuzz_operation(self, operation: Any, headers: dict[str, str], seen: dict[int, int]) -> None:
        @settings(
            max_examples=MAX_EXAMPLES * (3 if operation.method.upper() == "POST" else 1),
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=self.cases(operation), period=PERIODS, unit=UNITS, own=st.booleans())
        def run(case: Any, period: str, unit: str, own: bool) -> None:
            if case.path_parameters and "period" in case.path_parameters:
                case.path_parameters["period"] = quote(period or "2023Q4", safe="")
            if case.path_parameters and "unit" in case.path_parameters:
                case.path_parameters["unit"] = quote(unit or "shibei", safe="")
            if own:
                own_rows(case.body)
            response = case.call(headers=headers)
            seen[response.status_code] = seen.get(response.status_code, 0) + 1
            self.assertLess(
                response.status_code,
                500,
                f"{operation.label}: {case.as_curl_command()}\n{response.text[:2000]}",
            )

        run()

    def test_no_operation_answers_500_to_a_token_holder(self) -> None:
        seen = self.fuzz({"Authorization": f"Bearer {self.raw}"})
        # The write operation was reached and answered beyond 401/404: saved or refused.
        self.assertTrue({200, 403, 409, 422} <= set(seen), seen)

    def test_no_operation_answers_500_to_an_anonymous_caller(self) -> None:
        seen = self.fuzz({})
        self.assertIn(401, seen)
        self.assertIn(200, seen)  # the read operations answer anonymous callers
