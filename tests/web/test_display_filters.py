"""The filters that print numbers and people (issue 14)."""

from __future__ import annotations

from django.test import SimpleTestCase

from leitai.web.boards.templatetags.leitai import score, signed
from tests.web.base import BaseTestCase


class NumberFilterTests(SimpleTestCase):
    def test_a_tiny_negative_never_prints_as_minus_zero(self) -> None:
        self.assertEqual(score(-0.0001, 3), "0.000")
        self.assertEqual(score(-0.0, 2), "0.00")
        self.assertEqual(score(-0.004, 2), "0.00")
        self.assertEqual(score(-0.006, 2), "-0.01")
        self.assertEqual(signed(-0.0001, 2), "0.00")
        self.assertEqual(signed(0.5, 1), "+0.5")


class PersonTests(BaseTestCase):
    def test_people_read_by_name_with_the_login_for_the_office(self) -> None:
        from leitai.web.accounts.selectors import person_display

        self.reporter_shibei.real_name = "张伟"
        self.reporter_shibei.save()
        self.assertEqual(person_display(self.reporter_shibei, viewer=self.viewer), "张伟")
        self.assertEqual(
            person_display(self.reporter_shibei, viewer=self.office), "张伟（tianbao-shibei）"
        )
        # The audit log keeps logins: read by name too.
        self.assertEqual(
            person_display("tianbao-shibei", viewer=self.office), "张伟（tianbao-shibei）"
        )
        self.assertEqual(person_display("", viewer=self.office), "")
        self.login(self.office)
        page = self.client.get("/audit/")
        self.assertEqual(page.status_code, 200)
