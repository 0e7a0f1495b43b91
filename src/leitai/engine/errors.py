"""Errors raised at the engine's boundary.

Every error carries a list of located messages so that a person can find the
cell or the YAML path at fault; several problems are reported together.
"""

from __future__ import annotations


class LeitaiError(Exception):
    """Base class of every input error leitai reports to a person.

    Parameters
    ----------
    errors : list of str
        Located messages, one per problem found.
    """

    def __init__(self, errors: list[str] | str) -> None:
        self.errors: list[str] = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("\n".join(self.errors))


class SchemeError(LeitaiError):
    """A scheme (考核办法) file that cannot be used as it is."""


class DataError(LeitaiError):
    """A data table, previous result or value that cannot be used as it is."""
