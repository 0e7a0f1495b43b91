"""Errors raised at the engine's boundary.

Every error carries the list of :class:`~leitai.engine.problems.Problem` found, so
that the edge can name each cell or YAML path at fault in the reader's language;
several problems are reported together.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from leitai.engine.problems import Problem, Where


class LeitaiError(Exception):
    """Base class of every input error leitai reports to a person.

    Parameters
    ----------
    problems : Problem or iterable of Problem
        Every problem found.
    """

    def __init__(self, problems: Problem | Iterable[Problem]) -> None:
        if isinstance(problems, Problem):
            problems = [problems]
        if isinstance(problems, str | bytes):
            raise TypeError("LeitaiError takes Problem objects, not text")
        self.problems: list[Problem] = list(problems)
        for problem in self.problems:
            if not isinstance(problem, Problem):
                raise TypeError(
                    f"LeitaiError takes Problem objects, found {type(problem).__name__}"
                )
        super().__init__("\n".join(self.errors))

    @property
    def errors(self) -> list[str]:
        """A plain, untranslated form of each problem, for logs and debugging only."""
        return [_plain(p) for p in self.problems]


def _plain(problem: Problem) -> str:
    where = ", ".join(f"{k}={v}" for k, v in vars(problem.where).items() if v is not None)
    params = ", ".join(f"{k}={v!r}" for k, v in problem.params.items())
    return f"{where}: {problem.code} ({params})" if where else f"{problem.code} ({params})"


class InvalidValue(ValueError):
    """One value that cannot be read; ``problem`` says why, its place is added by the caller.

    A ``ValueError``, so that readers of single values keep their usual contract.
    """

    def __init__(self, code: str, **params: Any) -> None:
        self.problem = Problem(code, Where(), params)
        super().__init__(f"{code} {params}")


class SchemeError(LeitaiError):
    """A scheme (考核办法) file that cannot be used as it is."""


class DataError(LeitaiError):
    """A data table, previous result or value that cannot be used as it is."""
