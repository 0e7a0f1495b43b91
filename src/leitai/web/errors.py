"""The one error every web service raises, and the one place it becomes words on a page.

A service refuses a write by raising :class:`ServiceError`; a view hands it to
:func:`error_to_form` (or lets :func:`form_write` do it), :func:`error_to_messages` or
:func:`error_to_json`. Nothing else
turns a refusal into what a person reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.contrib import messages as django_messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext

from leitai.engine.problems import Problem
from leitai.i18n import render as render_problem

T = TypeVar("T")


class ServiceError(Exception):
    """A write that cannot be made as asked.

    Parameters
    ----------
    messages
        Sentences already in the reader's language.
    code
        Which rule refused it (``"forbidden"``, ``"scheme"``, ...), for the view to choose
        a status; empty where one message says it all.
    field
        The form field at fault, where there is one.
    fields
        Messages per form field, where several fields are at fault.
    problems
        The engine's :class:`~leitai.engine.problems.Problem` objects (and a service's own),
        worded in the reader's language when they are shown.
    """

    def __init__(
        self,
        messages: Iterable[str] | str = (),
        *,
        code: str = "",
        field: str | None = None,
        fields: Mapping[str, str] | None = None,
        problems: Problem | Iterable[Problem] = (),
    ) -> None:
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        self.code = code
        self.field = field
        self.fields = dict(fields or {})
        super().__init__("\n".join([*self.messages, *(p.code for p in self.problems)]))

    @property
    def errors(self) -> list[str]:
        """Every message in the active language (problems worded with gettext)."""
        return [*self.messages, *(render_problem(p, gettext) for p in self.problems)]


def error_to_form(form: Any, error: ServiceError | ValidationError) -> None:
    """Put ``error`` on ``form``: under its field where the form has it, else above it.

    A model's :class:`~django.core.exceptions.ValidationError` (``full_clean`` in a
    service) is placed the same way, field by field.
    """
    if isinstance(error, ValidationError):
        if not hasattr(error, "error_dict"):
            form.add_error(None, error)
            return
        for name, problems in error.message_dict.items():
            for problem in problems:
                form.add_error(name if name in form.fields else None, problem)
        return
    for name, message in error.fields.items():
        form.add_error(name if name in form.fields else None, message)
    field = error.field if error.field in form.fields else None
    for message in error.errors:
        form.add_error(field, message)


def form_write(form: Any, write: Callable[[], T]) -> T | None:
    """What ``write()`` returns, or None with its refusal put on ``form``
    (:func:`error_to_form`)."""
    try:
        return write()
    except (ServiceError, ValidationError) as error:
        error_to_form(form, error)
        return None


def error_to_messages(request: HttpRequest, error: ServiceError) -> None:
    """Show ``error`` at the top of the next page."""
    for message in [*error.fields.values(), *error.errors]:
        django_messages.error(request, message)


def error_to_json(error: ServiceError, status: int = 400) -> JsonResponse:
    """``error`` for a page's script: the messages and the problems' codes."""
    codes = [p.code for p in error.problems]
    return JsonResponse({"ok": False, "errors": error.errors, "codes": codes}, status=status)
