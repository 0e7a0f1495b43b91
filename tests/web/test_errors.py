"""``web/errors.py``: a refusal (a service's or a model's) lands on the form where it belongs."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from leitai.web.errors import ServiceError, error_to_form, form_write


class NameForm(forms.Form):
    name = forms.CharField()
    value = forms.IntegerField(required=False)


def bound() -> NameForm:
    form = NameForm({"name": "x", "value": "3"})
    assert form.is_valid()
    return form


class ErrorToFormTests(SimpleTestCase):
    def test_a_model_validation_error_goes_under_its_field_or_above_the_form(self) -> None:
        form = bound()
        error_to_form(form, ValidationError({"name": ["taken"], "slug": ["too long"]}))
        self.assertEqual(form.errors["name"], ["taken"])
        # The form has no ``slug`` field: the message stands above the form.
        self.assertEqual(form.non_field_errors(), ["too long"])
        self.assertNotIn("value", form.errors)

    def test_a_validation_error_without_fields_stands_above_the_form(self) -> None:
        form = bound()
        error_to_form(form, ValidationError("not now"))
        self.assertEqual(form.non_field_errors(), ["not now"])

    def test_a_service_error_under_its_field(self) -> None:
        form = bound()
        error_to_form(form, ServiceError("too big", field="value"))
        self.assertEqual(form.errors["value"], ["too big"])


class FormWriteTests(SimpleTestCase):
    def test_what_the_write_returns(self) -> None:
        form = bound()
        self.assertEqual(form_write(form, lambda: 42), 42)
        self.assertTrue(form.is_valid())

    def test_none_and_the_refusal_on_the_form(self) -> None:
        def refuse_service() -> int:
            raise ServiceError("refused", field="name")

        def refuse_model() -> int:
            raise ValidationError({"value": ["out of range"]})

        form = bound()
        self.assertIsNone(form_write(form, refuse_service))
        self.assertIsNone(form_write(form, refuse_model))
        self.assertEqual(form.errors["name"], ["refused"])
        self.assertEqual(form.errors["value"], ["out of range"])

    def test_other_errors_are_not_swallowed(self) -> None:
        def broken() -> int:
            raise KeyError("bug")

        with self.assertRaises(KeyError):
            form_write(bound(), broken)
