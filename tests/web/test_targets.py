"""Targets and 双过半 progress in the web application: the board, a unit's targets,
reporting actuals with evidence, the office's edits and imports."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from unittest import skipUnless

import openpyxl
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from leitai.engine.targets import progress
from leitai.io.targets import read_demo
from leitai.web.arena.demo import arena_demo_install
from leitai.web.arena.models import ArenaSession
from leitai.web.assessments.models import Unit
from leitai.web.errors import ServiceError
from leitai.web.targets.models import Actual, Target
from leitai.web.targets.selectors import progress_rows, target_engine, targets_query
from leitai.web.targets.services import (
    actual_report,
    target_create,
    targets_import,
    targets_import_preview,
)
from tests.web.base import BaseTestCase

MID_YEAR = "2023-06-30"


def rows_of(page: str) -> list[tuple[str, str, str]]:
    """(unit, target, status) of every row of the board."""
    return re.findall(
        r'<tr data-unit="([a-z_]+)" data-target="([a-z0-9_-]+)" data-status="([a-z]+)"', page
    )


def snapshot_of_targets() -> list[tuple]:
    return sorted(
        Target.objects.values_list("unit__code", "code", "name", "value", "source", "deadline")
    ) + sorted(Actual.objects.values_list("target__code", "period", "value", "note"))


class DemoTargetsTests(BaseTestCase):
    def test_the_demo_loads_every_target_and_actual_and_the_arena_session_once(self) -> None:
        targets, actuals = read_demo()
        self.assertEqual(Target.objects.count(), len(targets))
        self.assertEqual(Actual.objects.count(), len(actuals))
        session = ArenaSession.objects.get(slug="2023-05-27")
        self.assertEqual((session.period.code, session.theme), ("2023Q1", '奋战"双过半"'))
        self.assertEqual(
            set(session.pledges.values_list("unit__code", flat=True)),
            {"pingdu", "licang", "shinan", "shibei"},
        )
        before = snapshot_of_targets()
        arena_demo_install()
        self.assertEqual(snapshot_of_targets(), before)
        self.assertEqual(ArenaSession.objects.count(), 1)

    def test_the_progress_shown_is_the_engines_for_the_same_target_and_actuals(self) -> None:
        targets, actuals = read_demo()
        day = dt.date(2023, 6, 30)
        expected = {t.key: progress(t, actuals, as_of=day) for t in targets}
        for row in progress_rows(targets_query(), as_of=day):
            engine_row = expected[row.target.unit.code, row.target.code]
            self.assertEqual(row.progress.status, engine_row.status)
            self.assertEqual(row.progress.task_progress, engine_row.task_progress)
            self.assertEqual(row.progress.double_half, engine_row.double_half)


class BoardTests(BaseTestCase):
    def board(self, query: str = "") -> str:
        response = self.client.get(reverse("targets:board") + query)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_the_board_at_mid_year_shows_green_yellow_and_red_targets(self) -> None:
        page = self.board(f"?as_of={MID_YEAR}")
        statuses = {status for _unit, _target, status in rows_of(page)}
        self.assertLessEqual({"green", "yellow", "red"}, statuses)
        self.assertEqual(len(rows_of(page)), Target.objects.count())
        self.assertIn('class="mark" style="left:50.0%"', page)  # time progress on 30 June
        self.assertIn("超序时进度", page)
        self.assertIn("落后序时进度", page)
        self.client.cookies["django_language"] = "en"
        english = self.board(f"?as_of={MID_YEAR}")
        self.assertIn("points ahead of time progress", english)
        self.assertIn("points behind time progress", english)
        self.assertNotIn("序时进度", english)

    def test_the_board_shows_the_pledge_of_pingdu_against_its_milestone(self) -> None:
        page = self.board(f"?as_of={MID_YEAR}&unit=pingdu")
        self.assertEqual(rows_of(page), [("pingdu", "key_projects", "green")])
        self.assertIn("重点项目开工", page)
        self.assertIn("军令状", page)
        self.assertIn("节点：2023-06-30前达到83 ✓", page)

    def test_the_board_filters_by_unit_board_and_status(self) -> None:
        licang = rows_of(self.board(f"?as_of={MID_YEAR}&unit=licang"))
        self.assertEqual({u for u, _t, _s in licang}, {"licang"})
        self.assertEqual(len(licang), 3)
        red = rows_of(self.board(f"?as_of={MID_YEAR}&status=red"))
        self.assertTrue(red)
        self.assertEqual({s for _u, _t, s in red}, {"red"})
        renewal = rows_of(self.board(f"?as_of={MID_YEAR}&board=renewal"))
        self.assertEqual(renewal, [("licang", "urban_renewal", renewal[0][2])])
        projects = {(u, t) for u, t, _s in rows_of(self.board("?board=projects"))}
        self.assertIn(("chengyang", "signed_projects"), projects)
        self.assertNotIn(("licang", "urban_renewal"), projects)
        pledges = {u for u, _t, _s in rows_of(self.board("?source=pledged"))}
        self.assertEqual(pledges, {"pingdu", "licang", "shinan", "shibei"})

    def test_the_status_counts_link_to_the_board_of_that_colour(self) -> None:
        page = self.board(f"?as_of={MID_YEAR}")
        self.assertIn(f"?as_of={MID_YEAR}&amp;status=red", page)

    def test_without_a_date_the_board_judges_old_targets_at_the_end_of_their_year(self) -> None:
        page = self.board()
        self.assertIn("2023-12-31", page)
        self.assertIn('class="mark" style="left:100.0%"', page)

    def test_a_date_that_is_not_one_is_named_and_the_default_used(self) -> None:
        page = self.board("?as_of=30/06/2023")
        self.assertIn("errorlist", page)
        self.assertIn("2023-12-31", page)

    def test_a_units_page_charts_each_targets_history_up_to_the_date(self) -> None:
        response = self.client.get(reverse("targets:unit", args=["pingdu"]) + f"?as_of={MID_YEAR}")
        page = response.content.decode()
        data = re.search(
            r'<script id="history-key_projects" type="application/json">(.*?)</script>', page
        )
        assert data is not None
        history = json.loads(data[1])
        self.assertEqual(history["labels"], [f"2023-{m:02d}" for m in range(1, 7)])
        self.assertTrue(history["milestone_basis"])
        self.assertEqual(history["time"][-1], 50.0)
        self.assertIn('data-chart="trajectory"', page)
        self.assertIn("chartjs/chart.umd.min.js", page)

    def test_visitors_read_the_targets_only_while_the_public_boards_are_on(self) -> None:
        self.public_boards(False)
        response = self.client.get(reverse("targets:board"))
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response["Location"])
        self.login(self.viewer)
        self.assertEqual(self.client.get(reverse("targets:board")).status_code, 200)
        self.login(self.outsider)
        self.assertEqual(self.client.get(reverse("targets:board")).status_code, 403)


class ReportingTests(BaseTestCase):
    # The evidence goes to the class's own media folder (BaseTestCase), removed after it.
    def setUp(self) -> None:
        self.target = Target.objects.get(unit__code="shibei", code="enterprise_contacts")
        # The demo reports every month of 2023; leave the second half to report here.
        self.target.actuals.filter(period_end__gt=dt.date(2023, 6, 30)).delete()
        self.url = reverse("targets:report", args=["shibei", "enterprise_contacts"])

    def test_a_reporter_reports_a_cumulative_value_with_a_note_and_evidence(self) -> None:
        self.login(self.reporter_shibei)
        form = self.client.get(self.url).content.decode()
        self.assertIn('value="2023-07"', form)  # the period after the last one reported
        evidence = SimpleUploadedFile("走访台账.pdf", b"%PDF-1.4 test", "application/pdf")
        response = self.client.post(
            self.url,
            {"period": "2023年7月", "value": "１２", "note": "走访企业12家", "evidence": evidence},
        )
        self.assertEqual(response.status_code, 302)
        actual = self.target.actuals.get(period="2023-07")
        self.assertEqual((actual.value, actual.note), (12.0, "走访企业12家"))
        self.assertEqual(actual.reported_by, self.reporter_shibei)
        self.assertEqual(actual.evidence_name, "走访台账.pdf")
        self.assertTrue(actual.evidence.name.startswith("evidence/shibei/enterprise_contacts/"))
        self.assertNotIn("走访台账", actual.evidence.name)  # stored under a name of our own

    def test_the_evidence_is_served_only_to_the_office_and_the_units_own_reporter(self) -> None:
        actual_report(
            target=self.target,
            period="2023-07",
            value=85,
            evidence=SimpleUploadedFile("a.pdf", b"%PDF-1.4 evidence"),
            user=self.reporter_shibei,
        )
        url = reverse("targets:evidence", args=["shibei", "enterprise_contacts", "2023-07"])
        for user, status in [
            (self.reporter_shibei, 200),
            (self.office, 200),
            (self.reporter_licang, 403),
            (self.viewer, 403),
            (self.outsider, 403),
            (None, 302),
        ]:
            self.login(user)
            response = self.client.get(url)
            self.assertEqual(response.status_code, status, user)
            if status == 200:
                self.assertEqual(b"".join(response.streaming_content), b"%PDF-1.4 evidence")
                self.assertIn("attachment", response["Content-Disposition"])
                self.assertEqual(response["Content-Type"], "application/octet-stream")
                self.assertIn("sandbox", response["Content-Security-Policy"])
        self.assertFalse(
            self.client.get(
                f"/media/{self.target.actuals.get(period='2023-07').evidence.name}"
            ).status_code
            == 200
        )

    def test_a_reporter_cannot_report_for_another_units_target_even_by_crafting_requests(
        self,
    ) -> None:
        licang = Target.objects.get(unit__code="licang", code="urban_renewal")
        before = snapshot_of_targets()
        self.login(self.reporter_shibei)
        url = reverse("targets:report", args=["licang", "urban_renewal"])
        self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(
            self.client.post(url, {"period": "2023-12", "value": "999"}).status_code, 403
        )
        # Fields naming another unit or target in the form are not read at all.
        response = self.client.post(
            self.url,
            {
                "period": "2023-12",
                "value": "130",
                "unit": "licang",
                "target": "urban_renewal",
                "target_id": str(licang.pk),
            },
        )
        self.assertEqual(response.status_code, 302)
        after = snapshot_of_targets()
        changed = set(after) - set(before)
        # Only the reporter's own target got a report; 李沧's targets are as they were.
        self.assertEqual(changed, {("enterprise_contacts", "2023-12", 130.0, "")})
        self.assertEqual(set(before) - set(after), set())
        self.assertEqual(licang.actuals.count(), 12)

    def test_reporting_a_period_again_corrects_it(self) -> None:
        self.login(self.reporter_shibei)
        self.client.post(self.url, {"period": "2023-06", "value": "70", "note": "更正"})
        self.assertEqual(self.target.actuals.filter(period="2023-06").count(), 1)
        self.assertEqual(self.target.actuals.get(period="2023-06").value, 70.0)

    def test_a_report_in_another_frequency_is_refused_naming_the_period(self) -> None:
        self.login(self.reporter_shibei)
        response = self.client.post(self.url, {"period": "2023Q3", "value": "90"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("混用了不同的报送频率", response.content.decode())
        self.assertFalse(self.target.actuals.filter(period="2023Q3").exists())

    def test_a_report_outside_the_targets_year_is_refused(self) -> None:
        self.login(self.reporter_shibei)
        response = self.client.post(self.url, {"period": "2024-01", "value": "130"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("不在目标年度 2023 内", response.content.decode())
        self.assertFalse(self.target.actuals.filter(period="2024-01").exists())

    def test_once_the_year_is_reported_the_form_offers_to_correct_the_last_period(self) -> None:
        self.login(self.reporter_licang)
        url = reverse("targets:report", args=["licang", "urban_renewal"])
        self.assertIn('value="2023-12"', self.client.get(url).content.decode())

    def test_an_evidence_file_of_an_unknown_kind_is_refused(self) -> None:
        self.login(self.reporter_shibei)
        evil = SimpleUploadedFile("page.html", b"<script>alert(1)</script>", "text/html")
        response = self.client.post(
            self.url, {"period": "2023-07", "value": "83", "evidence": evil}
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self.target.actuals.filter(period="2023-07").exists())


class OfficeTargetsTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.office)

    def test_the_office_creates_a_target_checked_by_the_engine(self) -> None:
        url = reverse("targets:create")
        data = {
            "unit": Unit.objects.get(code="jimo").pk,
            "code": "",
            "name": "单位GDP能耗下降",
            "indicator": "",
            "value": "0.5",
            "unit_of_measure": "吨标准煤/万元",
            "direction": "lower",
            "start": "",
            "deadline": "2023-12-31",
            "milestones": "",
            "source": "assigned",
            "pledged_on": "",
        }
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertIn("越小越好的目标需要起始值", response.content.decode())
        response = self.client.post(url, dict(data, start="0.6", milestones="2023-06-30:0.55"))
        self.assertEqual(response.status_code, 302)
        target = Target.objects.get(unit__code="jimo", name="单位GDP能耗下降")
        self.assertEqual(target.code, "t-1")
        self.assertEqual(target.milestones, [{"date": "2023-06-30", "value": 0.55}])
        self.assertEqual(target_engine(target).direction, "lower")

    def test_the_office_edits_a_target_and_its_actuals_stay(self) -> None:
        target = Target.objects.get(unit__code="laoshan", code="fdi")
        url = reverse("targets:edit", args=["laoshan", "fdi"])
        form = self.client.get(url).content.decode()
        self.assertIn("实际使用外资", form)
        response = self.client.post(
            url,
            {
                "code": "fdi",
                "name": "实际使用外资（调整）",
                "indicator": "funds_in_place",
                "value": "12",
                "unit_of_measure": "亿美元",
                "direction": "higher",
                "deadline": "2023-12-31",
                "milestones": "2023-06-30：6",
                "source": "assigned",
            },
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        target.refresh_from_db()
        self.assertEqual(
            (target.name, target.value, target.indicator),
            ("实际使用外资（调整）", 12.0, "funds_in_place"),
        )
        self.assertEqual(target.actuals.count(), 12)

    def test_the_office_deletes_a_target_with_its_actuals(self) -> None:
        response = self.client.post(reverse("targets:delete", args=["jimo", "pm25"]))
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Target.objects.filter(code="pm25").exists())
        self.assertFalse(Actual.objects.filter(target__code="pm25").exists())

    def test_a_second_target_with_the_same_id_in_a_unit_is_refused(self) -> None:
        with self.assertRaises(ServiceError) as caught:
            target_create(unit=Unit.objects.get(code="jimo"), code="pm25", name="x", value=1)
        self.assertEqual(caught.exception.field, "code")


TARGETS_CSV = (
    "unit,id,name,indicator,target,unit_of_measure,direction,start,deadline,milestones,source,pledged_on\n"
    "laixi,new_projects,新开工项目,started_projects,40,个,higher,,2023-12-31,2023-06-30:20,,\n"
    "shinan,office_upgrade,楼宇提升改造,,16,栋,higher,,2023-12-31,,pledged,2023-05-27\n"
)


class ImportTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.office)

    def test_the_preview_says_what_the_import_would_do_and_stores_nothing(self) -> None:
        before = snapshot_of_targets()
        upload = SimpleUploadedFile("targets.csv", TARGETS_CSV.encode())
        response = self.client.post(
            reverse("targets:import"), {"kind": "targets", "file": upload, "preview": "1"}
        )
        page = response.content.decode()
        self.assertEqual(response.status_code, 200)
        self.assertIn("新开工项目", page)
        self.assertIn('name="confirm"', page)
        self.assertEqual(snapshot_of_targets(), before)
        token = re.search(r'name="token" value="([^"]+)"', page)[1]
        response = self.client.post(reverse("targets:import"), {"confirm": "1", "token": token})
        self.assertEqual(response.status_code, 302)
        new = Target.objects.get(unit__code="laixi", code="new_projects")
        self.assertEqual(new.milestones, [{"date": "2023-06-30", "value": 20.0}])
        upgraded = Target.objects.get(unit__code="shinan", code="office_upgrade")
        self.assertEqual(upgraded.value, 16.0)
        self.assertEqual(upgraded.session.slug, "2023-05-27")  # pledged on the session's day

    def test_a_targets_table_with_one_bad_row_changes_nothing(self) -> None:
        before = snapshot_of_targets()
        bad = TARGETS_CSV + "jimo,water,节水,,十五,万吨,higher,,2023-12-31,,,\n"
        upload = SimpleUploadedFile("targets.csv", bad.encode())
        response = self.client.post(reverse("targets:import"), {"kind": "targets", "file": upload})
        page = response.content.decode()
        self.assertIn("targets.csv，第4行，“target”列：应填数字，实际为“十五”", page)
        self.assertNotIn('name="confirm"', page)
        with self.assertRaises(ServiceError):
            targets_import(kind="targets", data=bad.encode(), filename="targets.csv")
        self.assertEqual(snapshot_of_targets(), before)

    def test_an_actuals_table_with_one_bad_row_changes_nothing(self) -> None:
        before = snapshot_of_targets()
        table = (
            "unit,target,period,value,note\n"
            "shibei,enterprise_contacts,2023-12,125,全年完成\n"
            "pingdu,key_projects,2023-13,120,\n"
        )
        preview = targets_import_preview(kind="actuals", data=table.encode(), filename="a.csv")
        [problem] = preview.problems
        self.assertEqual(
            (problem.where.file, problem.where.row, problem.where.column),
            ("a.csv", 3, "period"),
        )
        with self.assertRaises(ServiceError):
            targets_import(kind="actuals", data=table.encode(), filename="a.csv")
        self.assertEqual(snapshot_of_targets(), before)

    def test_actuals_in_another_frequency_than_those_stored_change_nothing(self) -> None:
        before = snapshot_of_targets()
        table = "unit,target,period,value\nshibei,enterprise_contacts,2023Q3,10\nlicang,urban_renewal,2023-12,130\n"
        with self.assertRaises(ServiceError) as caught:
            targets_import(kind="actuals", data=table.encode(), filename="a.csv")
        problem = caught.exception.problems[0]
        self.assertEqual(
            (problem.params["unit"], problem.params["id"]), ("shibei", "enterprise_contacts")
        )
        self.assertEqual(snapshot_of_targets(), before)

    def test_an_xlsx_actuals_table_imports_every_row(self) -> None:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["单位", "目标编号", "期间", "累计完成", "进展情况"])
        sheet.append(["licang", "urban_renewal", "2023-12", 131, "全年推进131个"])
        sheet.append(["jimo", "pm25", "2023年12月", 29.5, ""])
        buffer = io.BytesIO()
        book.save(buffer)
        done = targets_import(
            kind="actuals", data=buffer.getvalue(), filename="完成情况.xlsx", user=self.office
        )
        self.assertEqual((done.created, done.updated), (0, 2))
        actual = Actual.objects.get(target__code="urban_renewal", period="2023-12")
        self.assertEqual(
            (actual.value, actual.note, actual.reported_by), (131.0, "全年推进131个", self.office)
        )
        self.assertEqual(Actual.objects.get(target__code="pm25", period="2023-12").value, 29.5)


@skipUnless(apps.is_installed("leitai.web.audit"), "the audit app is not installed")
class AuditTests(BaseTestCase):
    def test_every_change_of_targets_actuals_sessions_and_pledges_is_in_the_audit_log(
        self,
    ) -> None:
        from leitai.web.arena.services import pledge_create, session_create, session_update
        from leitai.web.audit.models import AuditEntry
        from leitai.web.targets.services import target_delete, target_update

        jimo = Unit.objects.get(code="jimo")
        target = target_create(unit=jimo, name="新增绿地", value=50, user=self.office)
        target_update(target=target, value=60, user=self.office)
        actual_report(target=target, period="2023-06", value=20, user=self.office)
        actual_report(target=target, period="2023-06", value=22, note="更正", user=self.office)
        targets_import(kind="targets", data=TARGETS_CSV.encode(), filename="t.csv")
        session = session_create(
            date=dt.date(2023, 8, 1), period=self.draft_period, user=self.office
        )
        session_update(session=session, theme="决战下半年", user=self.office)
        pledge_create(session=session, unit=jimo, name="新开工项目", value=10, user=self.office)
        target_delete(target=target, user=self.office)
        entries = AuditEntry.objects.order_by("pk")
        self.assertLessEqual(
            {
                "target.created",
                "target.changed",
                "actual.reported",
                "actual.corrected",
                "targets.imported",
                "arena.session_created",
                "arena.session_changed",
                "arena.pledge_recorded",
                "target.deleted",
            },
            set(entries.values_list("action", flat=True)),
        )
        corrected = entries.get(action="actual.corrected")
        self.assertEqual((corrected.before["value"], corrected.after["value"]), (20.0, 22.0))
        self.assertEqual((corrected.unit, corrected.actor), ("jimo", self.office))
        changed = entries.get(action="target.changed")
        self.assertEqual((changed.before, changed.after), ({"value": 50.0}, {"value": 60.0}))
