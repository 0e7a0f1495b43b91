"""Who may open a page (leitai.web.access): where a visitor who must log in first is sent,
and back to where once logged in."""

from __future__ import annotations

import time

from django.urls import reverse

from leitai.web.accounts.security import SEEN_AT
from tests.web.base import PASSWORD, BaseTestCase

COMPUTE = "/workflow/periods/2023Q4/compute/"  # takes a form only (POST)
PERIOD = "/workflow/periods/2023Q4/"  # the page its button is on
SUBMIT = "/workflow/periods/2023Q4/units/shibei/submit/"  # a unit submits its figures (POST)


class LoginRedirectTests(BaseTestCase):
    def test_a_page_opened_comes_back_to_itself(self) -> None:
        response = self.client.get(PERIOD)
        self.assertRedirects(
            response, f"{reverse('accounts:login')}?next={PERIOD}", fetch_redirect_response=False
        )

    def test_a_form_sent_after_the_session_ended_comes_back_to_the_page_it_was_on(self) -> None:
        response = self.client.post(COMPUTE, headers={"referer": f"http://testserver{PERIOD}"})
        login = f"{reverse('accounts:login')}?next={PERIOD}"
        self.assertRedirects(response, login, fetch_redirect_response=False)
        # Logged in, the person lands on the period's page, not on an empty 405.
        self.client.get(login)
        answer = self.client.post(login, {"username": "tianbao-shibei", "password": PASSWORD})
        self.assertEqual(answer["Location"], PERIOD)
        landed = self.client.get(answer["Location"], follow=True)  # a reporter: its unit
        self.assertEqual(landed.status_code, 200, landed.get("Location"))
        # Where the form came from is unknown, or another site: the home page.
        self.client.logout()
        for headers in ({}, {"referer": "https://evil.example/workflow/"}):
            response = self.client.post(COMPUTE, headers=headers)
            self.assertRedirects(
                response, f"{reverse('accounts:login')}?next=/", fetch_redirect_response=False
            )

    def test_a_form_sent_after_the_idle_timeout_comes_back_to_the_page_it_was_on(self) -> None:
        self.login(self.office)
        session = self.client.session
        session[SEEN_AT] = time.time() - 31 * 60
        session.save()
        response = self.client.post(COMPUTE, headers={"referer": f"http://testserver{PERIOD}"})
        self.assertEqual(
            response["Location"],
            f"{reverse('accounts:login')}?next=%2Fworkflow%2Fperiods%2F2023Q4%2F",
        )


class MethodPageTests(BaseTestCase):
    def test_an_address_that_only_takes_a_form_says_so_when_opened(self) -> None:
        self.login(self.reporter_shibei)
        page = self.client.get(SUBMIT, headers={"accept": "text/html"})
        self.assertEqual(page.status_code, 405)
        self.assertIn("POST", page["Allow"])
        self.assertContains(page, "data-method-not-allowed", status_code=405)
        self.assertContains(page, "此地址只用于按钮提交", status_code=405)
        # A program (no HTML asked for) keeps the bare answer.
        bare = self.client.get(SUBMIT)
        self.assertEqual((bare.status_code, bare.content), (405, b""))

    def test_the_api_answers_a_method_it_does_not_take_in_words(self) -> None:
        response = self.client.get("/api/periods/2023Q4/values")
        self.assertEqual(response.status_code, 405)
        self.assertEqual(response["Allow"], "POST")
        self.assertEqual(
            response.json(),
            {"detail": "此地址不接受 GET 请求，只接受 POST。", "problems": []},
        )
