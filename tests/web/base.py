"""The one test case every web test builds on: the demo, a draft period and named users.

- ``office``: the assessment office (考核办);
- ``reporter_shibei`` and ``reporter_licang``: the reporters of 市北区 and 李沧区
  (市北区's is also its 审核人, the unit approver);
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

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import Client, TestCase, override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from leitai.demo import demo_periods
from leitai.web.accounts.models import User
from leitai.web.accounts.services import site_settings_update, user_create
from leitai.web.assessments.models import Period, Snapshot, Unit
from leitai.web.assessments.services import data_values_import, period_compute, period_create
from leitai.web.demo import demo_install

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


def demo_build() -> None:
    """What every web test starts from: the demo, the named users and the draft 2024Q1."""
    demo_install(accounts=False)
    office = user_create(username="kaoheban", password=PASSWORD, role=User.Role.OFFICE)
    # The office logs in with a second factor, as the production settings ask.
    second_factor_device(office)
    for code in ("shibei", "licang"):
        user_create(
            username=f"tianbao-{code}",
            password=PASSWORD,
            role=User.Role.REPORTER,
            unit=Unit.objects.get(code=code),
        )
    # 市北区's reporter is also its 审核人 (unit approver): approval inside the unit is off
    # unless a test switches it on, so it acts as a plain reporter elsewhere.
    User.objects.filter(username="tianbao-shibei").update(unit_approver=True)
    user_create(username="lingdao", password=PASSWORD, role=User.Role.VIEWER)
    # A data provider of 市住房城乡建设局, which supplies five indicators of every unit in
    # 2023Q4 and has not submitted them yet (issue 11).
    from leitai.web.workflow.models import Department

    user_create(
        username="shuju-zhujian",
        password=PASSWORD,
        role=User.Role.PROVIDER,
        department=Department.objects.get(code="zhujian"),
    )
    user_create(username="waibu", password=PASSWORD, role="")
    last = demo_periods()[-1]
    q4 = Period.objects.get(code=last.period)
    draft_period = period_create(code="2024Q1", scheme_version=q4.scheme_version, previous=q4)
    data_values_import(period=draft_period, source=last.data_path)
    period_compute(period=draft_period, user=User.objects.get(username="kaoheban"))


class _Built(Exception):
    """Raised to roll the template's build back once its rows are read."""


class DemoTemplate:
    """:func:`demo_build` once per test process, kept as table contents and files.

    The build runs in a transaction that is read table by table and rolled back; each
    test class then writes every table the demo fills inside the class's own
    transaction, in milliseconds instead of seconds, and copies the demo's files into
    the class's media folder. A table the migrations fill (content types, permissions)
    is emptied and written whole, so a class also starts right after a
    ``TransactionTestCase`` has emptied the database and the migrations refilled it.
    SQLite keeps the rows; PostgreSQL keeps each table as ``COPY`` text (exact for
    every type) and moves its sequences past the restored ids.
    """

    _built: DemoTemplate | None = None

    def __init__(self, tables: dict[str, tuple[Any, bool]], media: Path):
        self.tables = tables  # table -> (its contents, whether to empty it first)
        self.media = media

    @classmethod
    def get(cls) -> DemoTemplate:
        if cls._built is None:
            cls._built = cls._build()
        return cls._built

    @staticmethod
    def _contents(cursor: Any) -> dict[str, Any]:
        contents: dict[str, Any] = {}
        for table in connection.introspection.table_names(cursor):
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f'COPY "{table}" TO STDOUT') as copy:
                    contents[table] = b"".join(bytes(block) for block in copy)
            else:
                cursor.execute(f'SELECT * FROM "{table}"')
                columns = ", ".join(f'"{d[0]}"' for d in cursor.description)
                marks = ", ".join("?" * len(cursor.description))
                insert = f'INSERT INTO "{table}" ({columns}) VALUES ({marks})'
                contents[table] = (insert, cursor.fetchall())
        return contents

    @staticmethod
    def _empty(contents: Any) -> bool:
        return not contents if isinstance(contents, bytes) else not contents[1]

    @classmethod
    def _build(cls) -> DemoTemplate:
        media = Path(tempfile.mkdtemp(prefix="leitai-test-demo-media-"))
        atexit.register(shutil.rmtree, media, True)
        with override_settings(MEDIA_ROOT=str(media)):
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    before = cls._contents(cursor)
                    demo_build()
                    after = cls._contents(cursor)
                    raise _Built
            except _Built:
                pass
        tables = {}
        for table, contents in after.items():
            had_rows = table in before and not cls._empty(before[table])
            if had_rows or not cls._empty(contents):
                tables[table] = (contents, had_rows)
        return cls(tables, media)

    def restore(self, *, media: Path) -> None:
        """Write the demo into the open transaction and its files into ``media``."""
        with connection.cursor() as cursor:
            for table, (contents, empty_first) in self.tables.items():
                if empty_first:
                    cursor.execute(f'DELETE FROM "{table}"')
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f'COPY "{table}" FROM STDIN') as copy:
                        copy.write(contents)
                else:
                    cursor.cursor.executemany(*contents)
            if connection.vendor == "postgresql":
                for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
                    cursor.execute(sql)
        shutil.copytree(self.media, media, dirs_exist_ok=True)


class BaseTestCase(TestCase):
    client_class = VerifiedClient
    office: User
    reporter_shibei: User
    reporter_licang: User
    viewer: User
    provider: User
    outsider: User
    draft_period: Period
    draft: Snapshot

    @classmethod
    def setUpClass(cls) -> None:
        cls._media = tempfile.TemporaryDirectory(prefix="leitai-test-media-")
        cls._media_settings = override_settings(MEDIA_ROOT=cls._media.name)
        cls._media_settings.enable()
        # Built (once per test process) before the class's transaction opens.
        cls._template = DemoTemplate.get()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        cls._media_settings.disable()
        cls._media.cleanup()

    @classmethod
    def setUpTestData(cls) -> None:
        cls._template.restore(media=Path(cls._media.name))
        cls.office = User.objects.get(username="kaoheban")
        cls.reporter_shibei = User.objects.get(username="tianbao-shibei")
        cls.reporter_licang = User.objects.get(username="tianbao-licang")
        cls.viewer = User.objects.get(username="lingdao")
        cls.provider = User.objects.get(username="shuju-zhujian")
        cls.outsider = User.objects.get(username="waibu")
        cls.draft_period = Period.objects.get(code="2024Q1")
        cls.draft = cls.draft_period.snapshots.get()

    def setUp(self) -> None:
        super().setUp()
        # Each test starts without the pages an earlier one left in the page store.
        cache.clear()

    def public_boards(self, on: bool) -> None:
        site_settings_update(public_boards=on, user=self.office)

    def login(self, user: User | None) -> None:
        """Act as ``user`` (None: an anonymous visitor)."""
        self.client.logout()
        if user is not None:
            self.client.force_login(user)
