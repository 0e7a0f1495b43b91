"""The web side of reading people's files: limits from settings, words for problems.

:mod:`leitai.io.files` reads within :class:`~leitai.io.files.Limits`; the web takes
them from Django settings (``LEITAI_UPLOAD_MAX_BYTES``, ``LEITAI_UPLOAD_MAX_ROWS`` ...,
one per field of ``Limits``) and renders the problems through Django's gettext.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext

from leitai.engine.errors import LeitaiError
from leitai.i18n import render
from leitai.io.files import FileRefused, Limits, check_attachment

__all__ = ["attachment_problems", "problem_texts", "stored_value_max_chars", "upload_limits"]


def upload_limits() -> Limits:
    """The reading limits, with each ``LEITAI_UPLOAD_*`` setting that is set."""
    return Limits.from_settings(settings)


def problem_texts(error: LeitaiError) -> list[str]:
    """Every problem of ``error`` as a sentence in the request's language."""
    return [render(problem, gettext) for problem in error.problems]


def attachment_problems(name: str, size: int | None) -> list[str]:
    """Why an attachment (evidence, an objection's file) is refused by its name or size."""
    try:
        check_attachment(name, size, limits=upload_limits())
    except FileRefused as refused:
        return problem_texts(refused)
    return []


def stored_value_max_chars() -> int:
    """The longest figure (value or target) the database keeps."""
    from leitai.web.assessments.models import DataValue

    fields = (DataValue._meta.get_field("value"), DataValue._meta.get_field("target"))
    return min(f.max_length for f in fields if f.max_length is not None)
