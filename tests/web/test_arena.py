"""The arena (书记擂台) in the web application: sessions, the three screens per speaker,
the presenter view, the PPTX deck and the pledges made on stage."""

from __future__ import annotations

import datetime as dt
import io
import re

from django.urls import reverse
from pptx import Presentation

from leitai.web.arena.models import ArenaSession
from leitai.web.arena.selectors import arena_build
from leitai.web.arena.services import pledge_create, session_create
from leitai.web.assessments.models import Period, Unit
from leitai.web.errors import ServiceError
from leitai.web.targets.models import Target
from tests.web.base import BaseTestCase

P14 = "{http://schemas.microsoft.com/office/powerpoint/2010/main}"
Q1_ORDER = [
    "huangdao",
    "jiaozhou",
    "chengyang",
    "jimo",
    "laoshan",
    "shibei",
    "licang",
    "shinan",
    "laixi",
    "pingdu",
]


def screens(page: str) -> list[tuple[str, str]]:
    """(unit, kind) of every speaker screen of the presenter view, in order."""
    return re.findall(
        r'<section class="screen" data-speaker="\d+" data-unit="([a-z_]+)" data-kind="([a-z]+)"',
        page,
    )


PPTX_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


class ArenaScreensTests(BaseTestCase):
    def setUp(self) -> None:
        self.session = ArenaSession.objects.get(slug="2023-05-27")

    def test_the_demo_session_sends_the_units_on_stage_in_the_order_of_the_2023Q1_result(
        self,
    ) -> None:
        arena = arena_build(self.session)
        assert arena is not None
        self.assertEqual([s.code for s in arena.speakers], Q1_ORDER)
        page = self.client.get(reverse("arena:detail", args=["2023-05-27"])).content.decode()
        self.assertEqual(re.findall(r'<tr data-unit="([a-z_]+)">', page), Q1_ORDER)
        self.assertIn("奋战“双过半”", page)

    def test_the_order_may_be_reversed_or_set_by_hand(self) -> None:
        self.session.order_mode = ArenaSession.Order.REVERSE
        arena = arena_build(self.session)
        self.assertEqual([s.code for s in arena.speakers], Q1_ORDER[::-1])
        self.session.order_mode = ArenaSession.Order.MANUAL
        self.session.manual_order = ["pingdu", "licang", "shinan", "shibei"]
        arena = arena_build(self.session)
        self.assertEqual([s.code for s in arena.speakers], ["pingdu", "licang", "shinan", "shibei"])

    def test_each_speaker_has_three_screens_made_from_the_data(self) -> None:
        page = self.client.get(reverse("arena:present", args=["2023-05-27"])).content.decode()
        expected = [(u, k) for u in Q1_ORDER for k in ("results", "shortfalls", "measures")]
        self.assertEqual(screens(page), expected)
        arena = arena_build(self.session)
        huangdao = arena.speakers[0]
        self.assertEqual((huangdao.row["rank"], huangdao.row["flags"]), (1, ["vanguard"]))
        self.assertEqual(len(huangdao.strongest), 3)
        self.assertEqual([c.rank for c in huangdao.strongest], [1, 1, 1])
        self.assertIn("真抓实干、勇当排头", page)
        self.assertIn(huangdao.strongest[0].name, page)

    def test_the_shortfalls_screen_shows_the_weakest_indicators_stars_lost_and_red_targets(
        self,
    ) -> None:
        arena = arena_build(self.session)
        pingdu = arena.speakers[-1]
        self.assertEqual(len(pingdu.weakest), 3)
        self.assertTrue(all(c.rank >= 8 for c in pingdu.weakest))
        self.assertEqual(
            {(b.id, b.before, b.stars) for b in pingdu.lost},
            {("economy", 5, 1), ("projects", 7, 2), ("renewal", 2, 1)},
        )
        self.assertEqual(arena.speakers[0].lost, [])  # 黄岛 kept every star
        # Targets in red as of the session's date, by the engine.
        for speaker in arena.speakers:
            for row in speaker.red:
                self.assertIn(row.progress.status, ("red", "unreported"))
                self.assertEqual(row.target.unit.code, speaker.code)
        self.assertTrue(any(s.red for s in arena.speakers))

    def test_the_measures_screen_lists_the_pledges_first_with_their_numbers(self) -> None:
        arena = arena_build(self.session)
        licang = next(s for s in arena.speakers if s.code == "licang")
        self.assertEqual(
            [r.target.code for r in licang.targets],
            ["projects_100yi", "projects_30yi", "urban_renewal"],
        )
        page = self.client.get(reverse("arena:present", args=["2023-05-27"])).content.decode()
        measures = page.split('data-unit="pingdu" data-kind="measures"')[1]
        self.assertIn("重点项目开工", measures)
        self.assertIn("115", measures)

    def test_the_presenter_view_has_a_countdown_and_loads_nothing_from_the_network(self) -> None:
        page = self.client.get(reverse("arena:present", args=["2023-05-27"])).content.decode()
        self.assertIn('id="countdown"', page)
        self.assertIn('data-seconds="360"', page)  # six minutes per speaker
        self.assertEqual(re.findall(r'(?:src|href)="(https?:)?//', page), [])
        self.assertIn("leitai/arena/presenter.js", page)
        rehearsal = self.client.get(
            reverse("arena:present", args=["2023-05-27"]) + "?minutes=0.5"
        ).content.decode()
        self.assertIn('data-seconds="30"', rehearsal)

    def test_a_kept_deck_is_not_served_once_a_target_changed(self) -> None:
        from leitai.web.targets.models import Target

        url = reverse("arena:deck", args=["2023-05-27"])
        self.client.post(url)
        self.assertEqual(self.client.get(url)["Content-Type"].split(";")[0], PPTX_TYPE)
        target = Target.objects.order_by("pk").first()
        Target.objects.filter(pk=target.pk).update(value=target.value + 1)
        self.assertContains(self.client.get(url), "data-artifact-build")

    def test_the_deck_is_the_pptx_of_the_same_session_in_the_same_order(self) -> None:
        url = reverse("arena:deck", args=["2023-05-27"])
        # Built on the queue once, on a POST; reading before offers to build it.
        self.assertContains(self.client.get(url), "data-artifact-build")
        self.assertRedirects(self.client.post(url), url + "?wait=1", fetch_redirect_response=False)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response["Content-Type"],
            PPTX_TYPE,
        )
        deck = Presentation(io.BytesIO(response.content))
        texts = [
            " ".join(
                shape.text_frame.text for shape in slide.shapes if shape.has_text_frame
            ).strip()
            for slide in deck.slides
        ]
        self.assertIn("奋战“双过半”", texts[0])
        names = dict(Unit.objects.values_list("code", "name"))
        shown = [t for t in texts if t.startswith("晒成绩")]
        self.assertEqual(len(shown), 10)
        for text, code in zip(shown, Q1_ORDER, strict=True):
            self.assertIn(names[code], text)
        sections = deck.part._element.findall(f".//{P14}section")
        self.assertEqual([s.get("name") for s in sections][1:2], [f"第1位 {names['huangdao']}"])
        cells = [
            cell.text
            for slide in deck.slides
            for shape in slide.shapes
            if shape.has_table
            for row in shape.table.rows
            for cell in row.cells
        ]
        self.assertTrue(any("重点项目开工" in c for c in cells))


class PledgeTests(BaseTestCase):
    def setUp(self) -> None:
        self.session = ArenaSession.objects.get(slug="2023-05-27")
        self.login(self.office)

    def test_a_pledge_entered_at_the_session_becomes_a_target_of_the_speakers_unit(self) -> None:
        response = self.client.post(
            reverse("arena:pledge", args=["2023-05-27"]),
            {
                "unit": "laixi",
                "name": "新开工亿元以上项目",
                "value": "30",
                "unit_of_measure": "个",
                "direction": "higher",
                "milestones": "2023-06-30:15",
            },
        )
        self.assertEqual(response.status_code, 302)
        target = Target.objects.get(unit__code="laixi", name="新开工亿元以上项目")
        self.assertEqual(target.source, Target.Source.PLEDGED)
        self.assertEqual(target.pledged_on, dt.date(2023, 5, 27))
        self.assertEqual(target.session, self.session)
        self.assertEqual(target.deadline, dt.date(2023, 12, 31))
        self.assertEqual(target.code, "pledge-1")
        # From now on it is on the targets board and on the speaker's 谈举措 screen.
        board = self.client.get(reverse("targets:board") + "?unit=laixi").content.decode()
        self.assertIn("新开工亿元以上项目", board)
        laixi = next(s for s in arena_build(self.session).speakers if s.code == "laixi")
        self.assertEqual(laixi.targets[0].target, target)
        self.assertEqual(laixi.pledges, [target])

    def test_a_pledge_that_the_engine_refuses_is_named_on_the_form(self) -> None:
        response = self.client.post(
            reverse("arena:pledge", args=["2023-05-27"]),
            {"unit": "jimo", "name": "PM2.5下降", "value": "28", "direction": "lower"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Target.objects.filter(name="PM2.5下降").exists())

    def test_a_pledge_for_a_unit_not_assessed_in_the_period_is_refused(self) -> None:
        stranger = Unit.objects.create(code="qingdao_port", name="青岛港")
        with self.assertRaises(ServiceError):
            pledge_create(session=self.session, unit=stranger, name="x", value=1)


class SessionOfficeTests(BaseTestCase):
    def test_the_office_creates_a_session_at_its_date_and_edits_it(self) -> None:
        self.login(self.office)
        q3 = Period.objects.get(code="2023Q3")
        response = self.client.post(
            reverse("arena:create"),
            {
                "date": "2023-11-10",
                "title": "书记擂台",
                "theme": "决战四季度",
                "period": q3.pk,
                "order_mode": "manual",
                "manual_order": "pingdu\nnowhere",
                "minutes_per_speaker": "5",
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("nowhere", response.content.decode())
        response = self.client.post(
            reverse("arena:create"),
            {
                "date": "2023-11-10",
                "title": "书记擂台",
                "theme": "决战四季度",
                "period": q3.pk,
                "order_mode": "manual",
                "manual_order": "pingdu, laixi 、shinan",
                "minutes_per_speaker": "5",
            },
        )
        self.assertEqual(response.status_code, 302)
        session = ArenaSession.objects.get(slug="2023-11-10")
        self.assertEqual(session.manual_order, ["pingdu", "laixi", "shinan"])
        page = self.client.get(reverse("arena:present", args=["2023-11-10"])).content.decode()
        self.assertEqual([u for u, _k in screens(page)][::3], ["pingdu", "laixi", "shinan"])
        self.assertIn('data-seconds="300"', page)
        response = self.client.post(
            reverse("arena:edit", args=["2023-11-10"]),
            {
                "date": "2023-11-10",
                "title": "书记擂台",
                "theme": "决战四季度",
                "period": q3.pk,
                "order_mode": "reverse",
                "manual_order": "",
                "minutes_per_speaker": "6",
            },
        )
        self.assertEqual(response.status_code, 302)
        session.refresh_from_db()
        self.assertEqual((session.order_mode, session.manual_order), ("reverse", []))

    def test_a_second_session_on_the_same_day_gets_its_own_address(self) -> None:
        q1 = Period.objects.get(code="2023Q1")
        session = session_create(date=dt.date(2023, 5, 27), period=q1)
        self.assertEqual(session.slug, "2023-05-27-2")

    def test_a_session_on_an_unpublished_period_is_hidden_from_all_but_the_office(self) -> None:
        session = session_create(date=dt.date(2024, 5, 20), period=self.draft_period)
        for user in (None, self.viewer, self.reporter_shibei):
            self.login(user)
            self.assertEqual(
                self.client.get(reverse("arena:detail", args=[session.slug])).status_code, 404
            )
            listing = self.client.get(reverse("arena:list")).content.decode()
            self.assertNotIn(session.slug, listing)
        self.login(self.office)
        page = self.client.get(reverse("arena:detail", args=[session.slug])).content.decode()
        self.assertIn("notice draft", page)
        response = self.client.get(reverse("arena:present", args=[session.slug]))
        self.assertEqual(response.status_code, 302)
