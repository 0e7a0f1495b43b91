"""The live scoring in the system Chromium: twelve judges on phones, all open at once,
score three units while the presenter view's count rises; refused codes, sheets and
scores; closing a unit freezes it; the results screen at 1920×1080. Screenshots:
``screenshots/judging-*.png``.

Two of the phones are Chromium pages (390 px, each its own browser context): they
carry what the phone's page itself does (the code from the QR code's address, the code
typed in, the refused score marked, the sheet kept offline and sent later, a reload that
keeps what was sent and typed, the sheet's end when the unit closes). The other ten
judges' phones speak to the server as judge.js does (its own session; the code claimed
through the form; the unit on stage asked for; the sheet sent as JSON with the CSRF
token): the server, the count in the hall and the refusals see twelve judges as before,
without ten Chromium contexts (each took about 1.2 s of CPU to open, besides its
polling; twelve were 14 of the test's 24 s of Chromium CPU).

The phones' and the presenter view's pages poll the server on a timer (judge.js every
3 s, live.js every 2 s); their clocks are Playwright's, running as usual, and the test
moves one on (_poll_now) where it waits for a poll rather than wait for the next tick.

The module runs its own ``leitai serve --demo`` (the scoring changes the demo session).
"""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.harness import Browser, clean_env, demo_copy, start_server
from tests.web.browser import MARKS, log_in
from tests.web.browser import screenshot as shot

pytestmark = MARKS

SLUG = "2023-05-27"
PHONE = {"width": 390, "height": 844}
JUDGES = 12
# The judges whose phones are Chromium pages (the others speak HTTP: _Phone).
IN_BROWSER = 2


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Iterator[str]:
    data = demo_copy(demo_template, tmp_path_factory.mktemp("judging") / "data")
    process, base = start_server("judging", data, env=clean_env(), demo=True, worker=False)
    try:
        yield base
    finally:
        process.stop()


class _Phone:
    """A judge's phone that speaks to the server as judge.js does, without a browser."""

    def __init__(self, base: str, code: str) -> None:
        self.client = Browser(base)
        self.path = f"/arena/{SLUG}/judge/"
        status, _, body = self.client.get(self.path)
        assert status == 200 and b'id="code-form"' in body, status
        status, location, _ = self.client.post(self.path, {"code": code})
        assert (status, location) == (302, self.path), (status, location)
        status, _, body = self.client.get(self.path)
        assert status == 200 and b'id="sheet"' in body, status

    def state(self) -> dict[str, Any]:
        status, _, body = self.client.get(self.path + "state.json")
        assert status == 200, status
        return dict(json.loads(body))

    def wait_for(self, unit: str) -> None:
        """What the phone's poll does until the unit on stage is ``unit`` (its #entry)."""
        deadline = time.monotonic() + 15
        while (state := self.state())["open"] != unit:
            assert time.monotonic() < deadline, state
            time.sleep(0.2)

    def send(self, unit: str, client_id: str, entry: dict[str, Any]) -> tuple[int, Any]:
        request = urllib.request.Request(
            self.client.base + self.path + "sheet.json",
            data=json.dumps({"unit": unit, "client_id": client_id, "entry": entry}).encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": self.client.csrf()},
        )
        try:
            with self.client.opener.open(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as refused:
            return refused.code, json.loads(refused.read())


def _poll_now(page) -> None:  # type: ignore[no-untyped-def]
    """Have the page poll now: its clock jumps past its poll interval (the poll timer fires)."""
    page.clock.fast_forward(3000)


def _count(presenter) -> int:  # type: ignore[no-untyped-def]
    text = presenter.locator("#live-count .n").text_content() or "0"
    return int(text)


def _reload_keeps_what_was_sent_and_what_was_typed(page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    sent = page.locator("input[name=c1]").input_value()
    page.reload()
    expect(page.locator("input[name=c1]")).to_have_value(sent)
    expect(page.locator("#status")).to_contain_text("已提交")
    # a change typed but not submitted survives a reload too, and says it is not sent
    page.locator("input[name=c1]").fill("7")
    page.reload()
    expect(page.locator("input[name=c1]")).to_have_value("7")
    expect(page.locator("#status")).to_contain_text("已在本机修改，尚未提交")
    page.locator("input[name=c1]").fill(sent)
    page.locator("#send").click()
    expect(page.locator("#status")).to_contain_text("已提交")


def test_twelve_judges_score_three_units_while_the_hall_sees_the_count_rise(
    browser,
    server: str,  # type: ignore[no-untyped-def]
) -> None:
    from playwright.sync_api import expect

    base = server
    office = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(office, base, "office")
    office.goto(f"{base}/arena/{SLUG}/scoring/")
    office.locator("select[name=group]").select_option("g2")
    office.locator("input[name=count]").fill(str(JUDGES))
    office.get_by_role("button", name="发放评委码并打印评分卡").click()
    slips = office.locator(".slip")
    expect(slips).to_have_count(JUDGES)
    expect(slips.first.locator("svg")).to_be_visible()
    shot(office, "judging-00-slips")
    codes = [c.strip() for c in office.locator(".slip .code").all_text_contents()]
    assert all(re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", c) for c in codes), codes

    # The hall: the presenter view on a projector.
    hall = browser.new_context(viewport={"width": 1920, "height": 1080})
    presenter = hall.new_page()
    presenter.clock.install()
    log_in(presenter, base, "viewer")
    presenter.goto(f"{base}/arena/{SLUG}/present/")
    badge = presenter.locator("#live-count")
    expect(badge).to_be_visible()

    # Twelve phones, all open at once; each opens the address on its slip (QR).
    phones: list[Any] = []
    for code in codes[: IN_BROWSER - 1]:  # the last one types its code (below)
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        page = context.new_page()
        page.clock.install()
        page.goto(f"{base}/arena/{SLUG}/judge/#{code}")
        phones.append(page)
    judges: dict[int, _Phone] = {k: _Phone(base, codes[k]) for k in range(IN_BROWSER, JUDGES)}
    for page in phones:
        expect(page.locator("#sheet")).to_be_visible()

    # A reused code (another phone) and a forged code are refused; then that phone's
    # judge types the code on its own slip.
    intruder = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    intruder.clock.install()
    intruder.goto(f"{base}/arena/{SLUG}/judge/#{codes[0]}")
    expect(intruder.locator(".error")).to_contain_text("已被另一台设备使用")
    intruder.goto(f"{base}/arena/{SLUG}/judge/")
    intruder.locator("#code").fill("ABCD-EFGH-JKMN-PQRS")
    intruder.get_by_role("button", name="开始评分").click()
    expect(intruder.locator(".error")).to_contain_text("评委码无效")
    intruder.locator("#code").fill(codes[IN_BROWSER - 1])
    intruder.get_by_role("button", name="开始评分").click()
    expect(intruder.locator("#sheet")).to_be_visible()
    phones.append(intruder)
    assert len(phones) == IN_BROWSER

    rows = office.locator("tbody tr[data-unit]")
    office.goto(f"{base}/arena/{SLUG}/scoring/")
    units = [u for u in rows.evaluate_all("rs => rs.map(r => r.dataset.unit)")]
    open_now = office.locator("tbody tr[data-unit]", has=office.locator("b")).first
    first_unit = open_now.get_attribute("data-unit")
    scored_units = [first_unit, *[u for u in units if u != first_unit][2:4]]
    counts_seen: list[int] = []
    for round_, unit in enumerate(scored_units):
        if round_ > 0:
            office.goto(f"{base}/arena/{SLUG}/scoring/")
            office.locator(f'tr[data-unit="{unit}"]').get_by_role("button", name="开始评分").click()
            expect(
                office.locator(f'tr[data-unit="{unit}"]').get_by_role(
                    "button", name="结束该单位评分"
                )
            ).to_be_visible()
            for page in phones:
                _poll_now(page)
        start = None
        sent: dict[int, str] = {}  # the sheets' ids of the phones without a browser
        for k in range(JUDGES):
            values = [str(20 + (k + round_) % 9), str(18 + k % 11), str(25 + (3 * k) % 15)]
            if k >= IN_BROWSER:
                # a phone without a browser: the unit on stage, then the sheet, stored
                judge = judges[k]
                judge.wait_for(unit)
                client_id = sent[k] = f"{k:02d}{round_}".ljust(32, "0")
                entry = dict(zip(["c1", "c2", "c3"], values, strict=True))
                status, body = judge.send(unit, client_id, entry)
                assert status == 200 and body["ok"] and body["unit"] == unit, (status, body)
                mine = judge.state()["mine"]
                assert (mine["unit"], mine["client_id"]) == (unit, client_id), mine
            else:
                page = phones[k]
                expect(page.locator("#entry")).to_be_visible(timeout=15000)
                for field, value in zip(["c1", "c2", "c3"], values, strict=True):
                    page.locator(f"input[name={field}]").fill(value)
                if k == 0 and round_ == 0:
                    # a score outside the scale is refused, and said so on the phone
                    page.locator("input[name=c1]").fill("31")
                    page.locator("#send").click()
                    expect(page.locator("#status")).to_contain_text(
                        "晒成绩 真实充分：31 超出评分范围：请填写 0 至 30 之间的数"
                    )
                    expect(page.locator(".criterion.bad input")).to_have_attribute("name", "c1")
                    page.locator("input[name=c1]").fill(values[0])
                if k == 1 and round_ == 0:
                    # the hall's Wi-Fi drops: the sheet is kept on the phone and sent later
                    page.context.set_offline(True)
                    page.locator("#send").click()
                    expect(page.locator("#status")).to_contain_text("已保存在本机")
                    page.context.set_offline(False)
                else:
                    page.locator("#send").click()
                expect(page.locator("#status")).to_contain_text("已提交", timeout=15000)
            if start is None:
                expect(badge.locator(".who")).not_to_be_empty()
                start = _count(presenter)
            if k % 4 == 3:
                _poll_now(presenter)
                expect(badge.locator(".n")).to_have_text(str(k + 1), timeout=15000)
                counts_seen.append(_count(presenter))
        if round_ == 0:
            shot(phones[0], "judging-01-phone", full_page=False)
            _reload_keeps_what_was_sent_and_what_was_typed(phones[0])
        # a second sheet for the same unit from the same judge is refused (another id)
        refused = phones[1].evaluate(
            """async ([url, unit]) => {
                const csrf = document.querySelector('input[name=csrfmiddlewaretoken]').value;
                const r = await fetch(url, {method: 'POST', headers: {'Content-Type':
                  'application/json', 'X-CSRFToken': csrf}, body: JSON.stringify({unit,
                  client_id: 'f'.repeat(32), entry: {c1: 1, c2: 1, c3: 1}})});
                return r.status; }""",
            [f"/arena/{SLUG}/judge/sheet.json", unit],
        )
        assert refused == 409
        # closing the unit freezes it: the phones show it and a late change is refused
        # (from a phone's page and from a phone without a browser)
        office.goto(f"{base}/arena/{SLUG}/scoring/")
        office.locator(f'tr[data-unit="{unit}"]').get_by_role(
            "button", name="结束该单位评分"
        ).click()
        expect(office.locator(f'tr[data-unit="{unit}"]')).to_contain_text("已结束")
        late = phones[0].evaluate(
            """async ([url, unit]) => {
                const csrf = document.querySelector('input[name=csrfmiddlewaretoken]').value;
                const r = await fetch(url, {method: 'POST', headers: {'Content-Type':
                  'application/json', 'X-CSRFToken': csrf}, body: JSON.stringify({unit,
                  client_id: 'e'.repeat(32), entry: {c1: 1, c2: 1, c3: 1}})});
                return (await r.json()).codes; }""",
            [f"/arena/{SLUG}/judge/sheet.json", unit],
        )
        assert late == ["arena.unit_not_open"]
        status, body = judges[3].send(unit, sent[3], {"c1": 1, "c2": 1, "c3": 1})
        assert (status, body["codes"]) == (400, ["arena.unit_not_open"]), (status, body)
        _poll_now(phones[0])
        _poll_now(presenter)
        expect(phones[0].locator("#waiting")).to_be_visible(timeout=15000)
        # the hall's results show the closed unit (shown live in the demo)
        expect(presenter.locator("#results")).to_be_visible(timeout=15000)
        expect(presenter.locator(f'#results tr[data-unit="{unit}"]')).to_be_visible()
        presenter.keyboard.press("j")  # back to the speaker's screens
        expect(presenter.locator("#results")).to_be_hidden()

    # The count rose while the judges scored: 4, 8, 12 in each round.
    assert counts_seen == [4, 8, 12] * 3, counts_seen

    # The results screen, at 1920×1080 (the hall's screen, after the presenter view):
    # every closed unit by group and overall, ranked.
    screen = presenter
    screen.goto(f"{base}/arena/{SLUG}/results/")
    table = screen.locator(".results-table tbody tr")
    expect(table).to_have_count(2 + 3)
    expect(screen.locator(".results-rule")).to_contain_text("去掉 1 个最高分和 1 个最低分")
    ranks = [int(r) for r in screen.locator(".results-table td.rank").all_text_contents()]
    assert ranks == sorted(ranks)
    shot(screen, "judging-02-results", full_page=False)
    hall.close()
