"""The one test case every web test builds on: the demo, a draft period and named users.

- ``office``: the assessment office (考核办);
- ``reporter_shibei`` and ``reporter_licang``: the reporters of 市北区 and 李沧区;
- ``viewer``: reads published results;
- ``outsider``: logged in, but without any role.

The demo's periods 2022Q4 to 2023Q3 are published; 2023Q4 is in collection (seven
units submitted, 平度市 returned, 市北区 and 莱西市 not submitted, a draft result and
城阳区's objection waiting; see ``leitai.web.workflow.demo``); ``2024Q1`` has a draft
result only. The public boards are on, as the demo leaves them; tests that need them
off call ``self.public_boards(False)``. Uploaded files go to a temporary folder of
each test class, never to the data directory.
"""

from __future__ import annotations

import tempfile
from typing import Any

from django.test import Client, TestCase, override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from leitai.demo import demo_periods
from leitai.web.accounts.models import User
from leitai.web.accounts.services import site_settings_update, user_create
from leitai.web.assessments.demo import demo_install
from leitai.web.assessments.models import Period, Snapshot, Unit
from leitai.web.assessments.services import data_values_import, period_compute, period_create

# Meets the password rules of the security settings (length, three character classes).
PASSWORD = "Correct horse battery staple 7"


def second_factor_device(user: Any) -> TOTPDevice:
    """The confirmed authenticator app of ``user`` (set up as the person would)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="app", confirmed=True)


class VerifiedClient(Client):
    """A test client whose ``force_login`` logs in as the person would: with the password
    and, where the security rules ask for it (the office), a code of the person's app.

    The rules stay on; the session is marked verified by the person's confirmed device,
    exactly as :func:`django_otp.login` does after a right code. Tests of the second
    factor itself log in through the forms (tests/web/test_security_accounts.py).
    """

    def force_login(self, user: Any, backend: str | None = None) -> None:
        from leitai.web.accounts.security import second_factor_required

        super().force_login(user, backend)
        if second_factor_required(user):
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = second_factor_device(user).persistent_id
            session.save()


class BaseTestCase(TestCase):
    client_class = VerifiedClient
    office: User
    reporter_shibei: User
    reporter_licang: User
    viewer: User
    outsider: User
    draft_period: Period
    draft: Snapshot

    @classmethod
    def setUpClass(cls) -> None:
        cls._media = tempfile.TemporaryDirectory(prefix="leitai-test-media-")
        cls._media_settings = override_settings(MEDIA_ROOT=cls._media.name)
        cls._media_settings.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls._media_settings.disable()
        cls._media.cleanup()

    @classmethod
    def setUpTestData(cls) -> None:
        demo_install(accounts=False)
        cls.office = user_create(username="kaoheban", password=PASSWORD, role=User.Role.OFFICE)
        # The office logs in with a second factor, as the production settings ask.
        second_factor_device(cls.office)
        cls.reporter_shibei = user_create(
            username="tianbao-shibei",
            password=PASSWORD,
            role=User.Role.REPORTER,
            unit=Unit.objects.get(code="shibei"),
        )
        cls.reporter_licang = user_create(
            username="tianbao-licang",
            password=PASSWORD,
            role=User.Role.REPORTER,
            unit=Unit.objects.get(code="licang"),
        )
        cls.viewer = user_create(username="lingdao", password=PASSWORD, role=User.Role.VIEWER)
        # A data provider of 市住房城乡建设局, which supplies five indicators of every unit in
        # 2023Q4 and has not submitted them yet (issue 11).
        from leitai.web.workflow.models import Department

        cls.provider = user_create(
            username="shuju-zhujian",
            password=PASSWORD,
            role=User.Role.PROVIDER,
            department=Department.objects.get(code="zhujian"),
        )
        cls.outsider = user_create(username="waibu", password=PASSWORD, role="")
        last = demo_periods()[-1]
        q4 = Period.objects.get(code=last.period)
        cls.draft_period = period_create(
            code="2024Q1", scheme_version=q4.scheme_version, previous=q4
        )
        data_values_import(period=cls.draft_period, source=last.data_path)
        cls.draft = period_compute(period=cls.draft_period, user=cls.office)

    def public_boards(self, on: bool) -> None:
        site_settings_update(public_boards=on, user=self.office)

    def login(self, user: User | None) -> None:
        """Act as ``user`` (None: an anonymous visitor)."""
        self.client.logout()
        if user is not None:
            self.client.force_login(user)
