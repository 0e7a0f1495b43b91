"""The live arena scoring (现场评议) in the web application: the office's controls, the
judges' codes and sheets, the hall's count and results, freezing and applying."""

from __future__ import annotations

import json

from django.core.cache import cache
from django.test import Client

from leitai.web.arena.judging_selectors import (
    ArenaResultAltered,
    live_state,
    result_check,
    results_build,
)
from leitai.web.arena.judging_services import (
    code_digest,
    codes_issue,
    result_apply,
    result_freeze,
    scoring_close,
    unit_close,
    unit_open,
)
from leitai.web.arena.models import ArenaSession, JudgeCode, JudgeSheet, Scoring
from leitai.web.arena.services import session_create
from leitai.web.assessments.models import DataValue, Period
from leitai.web.audit.models import AuditEntry
from leitai.web.errors import ServiceError
from leitai.web.ratelimit import counts
from tests.web.base import BaseTestCase
from tests.web.test_ratelimit import cache_down


class JudgingTests(BaseTestCase):
    def setUp(self) -> None:
        cache.clear()  # the limits on wrong codes and sheets are counted in the cache
        self.session = ArenaSession.objects.get(slug="2023-05-27")
        self.scoring = Scoring.objects.get(session=self.session)
        self.judge_url = f"/arena/{self.session.slug}/judge/"
        self.sheet_url = f"/arena/{self.session.slug}/judge/sheet.json"

    def tearDown(self) -> None:
        cache.clear()  # leave no counted wrong code to the next tests

    def judge_client(self, code: str) -> Client:
        client = Client()
        response = client.post(self.judge_url, {"code": code})
        self.assertEqual(response.status_code, 302, response.content[:500])
        return client

    def new_code(self, group: str = "g3") -> str:
        return codes_issue(scoring=self.scoring, group=group, count=1)[0].code

    def send(self, client: Client, unit: str, entry, client_id: str = "a" * 32, **kw):  # type: ignore[no-untyped-def]
        body = {"unit": unit, "entry": entry, "client_id": client_id, **kw}
        return client.post(self.sheet_url, json.dumps(body), content_type="application/json")

    def test_demo_has_30_judges_two_closed_units_and_one_open(self) -> None:
        self.assertEqual(self.scoring.codes.count(), 30)
        self.assertEqual(JudgeSheet.objects.filter(code__scoring=self.scoring).count(), 60)
        self.assertEqual(len(self.scoring.closed_units), 2)
        self.assertEqual(self.scoring.open_unit, self.scoring.units[2])
        rows = results_build(self.scoring).rows
        self.assertEqual(
            [r.unit for r in rows if r.rank],
            sorted(self.scoring.closed_units, key=lambda u: [r.unit for r in rows].index(u)),
        )
        self.assertTrue(all(g["sheets"] == 10 for r in rows for g in r.groups))

    def test_a_judge_scores_the_open_unit_and_may_change_it_until_closed(self) -> None:
        code = self.new_code()
        stored = JudgeCode.objects.get(digest=code_digest(code))
        self.assertNotIn(code, stored.digest)
        client = self.judge_client(code.lower()[:4] + "-" + code[4:])
        page = client.get(self.judge_url)
        self.assertContains(page, 'id="sheet"')
        unit = self.scoring.open_unit
        state = client.get(f"/arena/{self.session.slug}/judge/state.json").json()
        self.assertEqual((state["open"], state["mine"]), (unit, None))
        entry = {"c1": 25, "c2": 24, "c3": 33}
        before = live_state(self.scoring)["count"]
        response = self.send(client, unit, entry)
        self.assertEqual(
            response.json(), {"ok": True, "unit": unit, "total": 82.0, "changed": True}
        )
        # the same sheet sent again (a lost answer): nothing changes, no second sheet
        self.assertFalse(self.send(client, unit, entry).json()["changed"])
        self.assertEqual(live_state(self.scoring)["count"], before + 1)
        # a change of mind with the same sheet id
        self.assertEqual(self.send(client, unit, {**entry, "c3": 40}).json()["total"], 89.0)
        # a second sheet (another id) for the same unit is refused
        response = self.send(client, unit, entry, client_id="b" * 32)
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["codes"], ["arena.sheet_exists"])
        # a score outside the scale is refused, naming the criterion's range
        response = self.send(client, unit, {**entry, "c1": 31})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["codes"], ["judging.criterion_out_of_scale"])
        # named by the criterion's name, not its id; the range as written (30, not 30.0)
        self.assertEqual(
            response.json()["errors"],
            ["晒成绩 真实充分：31 超出评分范围：请填写 0 至 30 之间的数"],
        )
        # another unit than the one on stage is refused
        response = self.send(client, self.scoring.units[3], entry, client_id="c" * 32)
        self.assertEqual(response.json()["codes"], ["arena.unit_not_open"])
        # closing the unit freezes it
        unit_close(scoring=self.scoring, unit=unit, user=self.office)
        response = self.send(client, unit, {**entry, "c3": 10})
        self.assertEqual(response.json()["codes"], ["arena.unit_not_open"])
        sheet = JudgeSheet.objects.get(code=stored, unit=unit)
        self.assertEqual(sheet.total, 89.0)
        # every write is audited; the judge is named by the code, not by a person
        entries = AuditEntry.objects.filter(action="arena.sheet_scored", object_id=str(sheet.pk))
        self.assertEqual(entries.count(), 2)
        self.assertTrue(all(e.actor_id is None for e in entries))
        self.assertEqual(entries.last().after["number"], stored.number)
        self.assertTrue(
            AuditEntry.objects.filter(action="arena.unit_closed", actor=self.office).exists()
        )

    def test_abstention(self) -> None:
        client = self.judge_client(self.new_code())
        response = self.send(client, self.scoring.open_unit, None, abstain=True)
        self.assertEqual(response.json()["total"], None)
        result = results_build(self.scoring, everything=True)
        row = next(r for r in result.rows if r.unit == self.scoring.open_unit)
        self.assertEqual(row.groups[2]["abstained"], 1)
        self.assertEqual(row.groups[2]["sheets"], 0)

    def test_reused_forged_and_foreign_codes_are_refused(self) -> None:
        code = self.new_code()
        self.judge_client(code)
        # the same code on another device
        other = Client()
        response = other.post(self.judge_url, {"code": code})
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "已被", status_code=403)
        # a forged code, and one of the demo's held codes guessed right but not held
        for forged in ("ABCD-EFGH-JKMN-PQRS", "x", code[:-1]):
            self.assertEqual(Client().post(self.judge_url, {"code": forged}).status_code, 403)
        # without a judge session, no sheet
        response = self.send(Client(), self.scoring.open_unit, 50)
        self.assertEqual(response.status_code, 403)

    def test_a_judge_cannot_score_another_session(self) -> None:
        other = session_create(
            date=self.session.date.replace(day=28), period=self.session.period, slug="other"
        )
        from leitai.web.arena.judging_services import scoring_define

        scoring_define(
            session=other,
            definition={"groups": [{"id": "g1", "name": "市领导", "weight": 1}]},
        )
        client = self.judge_client(self.new_code())
        response = client.post(
            "/arena/other/judge/sheet.json",
            json.dumps({"unit": "shinan", "entry": 50, "client_id": "z" * 32}),
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 403)
        self.assertContains(client.get("/arena/other/judge/"), "code-form")

    def test_wrong_codes_are_limited_per_address(self) -> None:
        client = Client()
        statuses = [
            client.post(self.judge_url, {"code": f"WRONG{n:011d}"}).status_code for n in range(22)
        ]
        self.assertEqual(statuses[:20], [403] * 20)
        self.assertEqual(statuses[-1], 429)

    def test_with_the_cache_down_judges_still_score_and_wrong_codes_are_still_limited(
        self,
    ) -> None:
        counts.local.clear()
        with cache_down():
            client = self.judge_client(self.new_code())
            response = self.send(client, self.scoring.open_unit, {"c1": 1, "c2": 1, "c3": 1})
            self.assertEqual(response.status_code, 200, response.content)
            guesser = Client()
            statuses = [
                guesser.post(self.judge_url, {"code": f"WRONG{n:011d}"}).status_code
                for n in range(22)
            ]
        counts.local.clear()
        self.assertEqual(statuses[:20], [403] * 20)
        self.assertEqual(statuses[-1], 429)

    def test_sheets_need_the_csrf_token(self) -> None:
        code = self.new_code()
        client = Client(enforce_csrf_checks=True)
        page = client.get(self.judge_url)
        token = page.cookies["csrftoken"].value
        response = client.post(self.judge_url, {"code": code, "csrfmiddlewaretoken": token})
        self.assertEqual(response.status_code, 302)
        body = json.dumps(
            {
                "unit": self.scoring.open_unit,
                "entry": {"c1": 1, "c2": 1, "c3": 1},
                "client_id": "q" * 32,
            }
        )
        response = client.post(self.sheet_url, body, content_type="application/json")
        self.assertEqual(response.status_code, 403)
        token = client.cookies["csrftoken"].value
        response = client.post(
            self.sheet_url, body, content_type="application/json", HTTP_X_CSRFTOKEN=token
        )
        self.assertEqual(response.status_code, 200)

    def test_office_pages_and_slips(self) -> None:
        self.client.force_login(self.office)
        page = self.client.get(f"/arena/{self.session.slug}/scoring/")
        self.assertContains(page, 'id="sheets"')
        response = self.client.post(
            f"/arena/{self.session.slug}/scoring/", {"action": "issue", "group": "g1", "count": 3}
        )
        self.assertContains(
            response, '<svg width="148" height="148" class="segno"', count=3
        )  # one QR per slip
        self.assertEqual(response["Cache-Control"], "no-store")
        self.assertEqual(self.scoring.codes.count(), 33)
        for reader in (self.viewer, self.outsider):
            self.client.force_login(reader)
            self.assertEqual(
                self.client.get(f"/arena/{self.session.slug}/scoring/").status_code, 403
            )

    def test_the_hall_sees_counts_and_closed_units_only(self) -> None:
        self.client.force_login(self.viewer)
        state = self.client.get(f"/arena/{self.session.slug}/live.json").json()
        self.assertEqual(state["open"], self.scoring.open_unit)
        self.assertEqual(state["results"], self.scoring.closed_units)
        page = self.client.get(f"/arena/{self.session.slug}/results/")
        self.assertContains(page, "去掉")  # the rule in words
        for unit in self.scoring.closed_units:
            self.assertContains(page, f'data-unit="{unit}"')
        self.assertNotContains(page, f'data-unit="{self.scoring.open_unit}"')
        self.assertContains(self.client.get(f"/arena/{self.session.slug}/present/"), "live-count")
        # only at the end: nothing before the session's scoring is closed (the office
        # may switch at any time, also once judges have scored)
        self.client.force_login(self.office)
        response = self.client.post(
            f"/arena/{self.session.slug}/scoring/", {"action": "show", "show": "end"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(AuditEntry.objects.filter(after={"show": "end"}).exists())
        self.client.force_login(self.viewer)
        self.assertEqual(
            self.client.get(f"/arena/{self.session.slug}/live.json").json()["results"], []
        )

    def test_freeze_publish_and_apply_to_a_period(self) -> None:
        with self.assertRaises(ServiceError):
            result_freeze(scoring=self.scoring, user=self.office)
        scoring_close(scoring=self.scoring, user=self.office)
        with self.assertRaises(ServiceError):
            unit_open(scoring=self.scoring, unit=self.scoring.units[-1], user=self.office)
        scoring = result_freeze(scoring=self.scoring, user=self.office)
        result_check(scoring)
        ranked = [r for r in scoring.result["rows"] if r["rank"] is not None]
        self.assertEqual(len(ranked), 2)
        period = Period.objects.get(code="2024Q1")
        points = result_apply(
            scoring=scoring, period=period, adjustment="satisfaction", by="rank", user=self.office
        )
        self.assertEqual(sorted(points.values()), [0.0, 2.0])
        stored = dict(
            DataValue.objects.filter(
                period=period, key="satisfaction", unit__code__in=points
            ).values_list("unit__code", "value")
        )
        self.assertEqual({u: float(v) for u, v in stored.items()}, points)
        self.assertTrue(AuditEntry.objects.filter(action="arena.result_applied").exists())
        self.assertTrue(
            AuditEntry.objects.filter(
                action="data.changed", period="2024Q1", note__startswith="arena"
            ).exists()
        )
        # a published period is refused
        with self.assertRaises(ServiceError):
            result_apply(
                scoring=scoring,
                period=Period.objects.get(code="2023Q1"),
                adjustment="satisfaction",
                user=self.office,
            )
        # the frozen result edited behind leitai is detected
        Scoring.objects.filter(pk=scoring.pk).update(
            result={**scoring.result, "rows": scoring.result["rows"][::-1]}
        )
        with self.assertRaises(ArenaResultAltered):
            result_check(Scoring.objects.get(pk=scoring.pk))

    def test_the_office_defines_a_sheet_through_the_form_until_a_judge_has_scored(self) -> None:
        other = session_create(
            date=self.session.date.replace(day=29), period=self.session.period, slug="later"
        )
        self.client.force_login(self.office)
        form = {
            "action": "define",
            "kind": "choices",
            "choices": "好 95\n较好 85\n一般 75\n差 60",
            "groups": "市领导 40\n部门 30\n代表 30",
            "rule": "trimmed",
            "trim": "2",
            "show": "end",
        }
        response = self.client.post("/arena/later/scoring/", form)
        self.assertEqual(response.status_code, 302)
        scoring = Scoring.objects.get(session=other)
        self.assertEqual(scoring.definition["kind"], "choices")
        self.assertEqual([c["points"] for c in scoring.definition["choices"]], [95, 85, 75, 60])
        self.assertEqual(scoring.definition["trim"], 2)
        self.assertEqual(len(scoring.units), 10)
        self.assertTrue(
            AuditEntry.objects.filter(action="arena.scoring_defined", actor=self.office).exists()
        )
        # a line without a number is refused with the form's message
        response = self.client.post("/arena/later/scoring/", {**form, "groups": "市领导"})
        self.assertContains(response, "每行须有名称、空格和数字")
        # once a judge has scored, the sheet is fixed
        unit_open(scoring=scoring, unit=scoring.units[0], user=self.office)
        code = codes_issue(scoring=scoring, group="g1", count=1)[0].code
        client = Client()
        client.post("/arena/later/judge/", {"code": code})
        response = client.post(
            "/arena/later/judge/sheet.json",
            json.dumps({"unit": scoring.units[0], "entry": "较好", "client_id": "k" * 32}),
            content_type="application/json",
        )
        self.assertEqual(response.json()["total"], 85.0)
        self.assertTrue(AuditEntry.objects.filter(action="arena.code_claimed", actor=None).exists())
        response = self.client.post("/arena/later/scoring/", form, follow=True)
        self.assertContains(response, "已有评委评分，评分表不能再修改")
