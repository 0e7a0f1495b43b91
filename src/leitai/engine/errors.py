"""Errors raised at the engine's boundary.

Every error carries the list of :class:`~leitai.engine.problems.Problem` found, so
that the edge can name each cell or YAML path at fault in the reader's language;
several problems are reported together.
"""

from __future__ import annotations

from collections.abc import Iterable

from leitai.engine.problems import Problem, Where


class LeitaiError(Exception):
    """Base class of every input error leitai reports to a person.

    Parameters
    ----------
    problems : Problem or iterable of Problem
        Every problem found.
    """

    def __init__(self, problems: Problem | Iterable[Problem] | str | list[str]) -> None:
        if isinstance(problems, Problem | str):
            problems = [problems]
        # TRANSITIONAL: plain strings are wrapped as code "text" until every raiser
        # reports a Problem; tests/i18n check that no "text" problem remains.
        self.problems: list[Problem] = [
            p if isinstance(p, Problem) else Problem("text", Where(), {"text": p}) for p in problems
        ]
        super().__init__("\n".join(self.errors))

    @property
    def errors(self) -> list[str]:
        """A plain, untranslated form of each problem, for logs and debugging only."""
        return [_plain(p) for p in self.problems]


def _plain(problem: Problem) -> str:
    if problem.code == "text":
        return str(problem.params["text"])
    where = ", ".join(f"{k}={v}" for k, v in vars(problem.where).items() if v is not None)
    params = ", ".join(f"{k}={v!r}" for k, v in problem.params.items())
    return f"{where}: {problem.code} ({params})" if where else f"{problem.code} ({params})"


class SchemeError(LeitaiError):
    """A scheme (考核办法) file that cannot be used as it is."""


class DataError(LeitaiError):
    """A data table, previous result or value that cannot be used as it is."""
