"""A form's own copy of one of its fields, with the field's type, to change it in ``__init__``.

Django copies the declared fields into ``form.fields`` (a plain ``dict[str, Field]``), so
setting ``choices`` or ``queryset`` there is not checked by mypy. :func:`form_field`
narrows the copy to the class the form declares, and fails loudly when it is not one.
"""

from __future__ import annotations

from typing import TypeVar

from django import forms

F = TypeVar("F", bound=forms.Field)


def form_field(form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """The field ``name`` of ``form``, checked to be a ``kind``.

    >>> class Pick(forms.Form):
    ...     colour = forms.ChoiceField()
    >>> form = Pick()
    >>> form_field(form, "colour", forms.ChoiceField).choices = [("red", "Red")]
    >>> form.fields["colour"].choices
    [('red', 'Red')]
    """
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not {kind}")
    return field
