"""The live scoring with a real server: ``kill -9`` in the middle of scoring loses no
sheet the server acknowledged, and the judges' pages carry on after the restart.

The judges here talk HTTP as their phones do (the session cookie, the CSRF header, a
JSON body with the sheet's id); a sheet whose answer was lost is sent again with the
same id, as the page does from localStorage.
"""

from __future__ import annotations

import json
import os
import re
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.deploy.harness import (
    Browser,
    Process,
    clean_env,
    demo_copy,
    start_server,
    wait_for,
)

pytestmark = [
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="run once, in the SQLite run",
    ),
]

SLUG = "2023-05-27"


class Judge:
    def __init__(self, base: str, code: str) -> None:
        self.browser = Browser(base)
        self.code = code
        self.client_id = os.urandom(16).hex()

    def claim(self) -> None:
        self.browser.get(f"/arena/{SLUG}/judge/")
        status, _location, body = self.browser.post(f"/arena/{SLUG}/judge/", {"code": self.code})
        assert status == 302, (status, body[:400])

    def state(self) -> dict:
        status, _, body = self.browser.get(f"/arena/{SLUG}/judge/state.json")
        assert status == 200, (status, body[:300])
        return json.loads(body)

    def send(self, unit: str, total: int) -> int:
        """POST the sheet; the HTTP status, or 0 when no answer came."""
        entry = {"c1": 30, "c2": 30, "c3": total - 60}  # totals 61 to 100
        body = json.dumps({"unit": unit, "entry": entry, "client_id": self.client_id}).encode()
        request = urllib.request.Request(
            self.browser.base + f"/arena/{SLUG}/judge/sheet.json",
            data=body,
            headers={
                "Content-Type": "application/json",
                "X-CSRFToken": self.browser.csrf(),
                "Referer": self.browser.base + f"/arena/{SLUG}/judge/",
            },
        )
        try:
            with self.browser.opener.open(request, timeout=10) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)
        except OSError:
            return 0


def _codes(server: Process) -> list[str]:
    """The judge codes ``leitai serve --demo`` printed (in Chinese, its default: 31号 代表 …)."""
    return re.findall(r"\d+号\s+\S+\s+([A-Z0-9]{4}(?:-[A-Z0-9]{4}){3})", server.output())


def _score_and_kill(server: Process, judges: list[Judge], unit: str) -> tuple[dict, dict]:
    """The judges send their sheets in parallel; the server is killed with SIGKILL while
    they do. Returns each judge's last acknowledged total and last total sent."""
    # Each judge keeps changing their sheet (the same sheet id); the last total the
    # server acknowledged is what must be stored.
    acknowledged: dict[int, int] = {}
    sent: dict[int, int] = {}
    unanswered: list[int] = []  # judges whose sheet got no answer (the kill)

    def score(k: int) -> None:
        total = 60
        while total < 100:
            total += 1
            sent[k] = total
            status = judges[k].send(unit, total)
            if status == 200:
                acknowledged[k] = total
            elif status == 0:
                unanswered.append(k)
                return

    threads = [threading.Thread(target=score, args=(k,)) for k in range(len(judges))]
    for thread in threads:
        thread.start()
    wait_for("some sheets to be acknowledged", lambda: sum(acknowledged.values()) > 5 * 62)
    server.kill9()
    # the judges were still scoring when the server died: none had sent its last
    # sheet, and the sheets after the kill found no server
    assert all(total < 100 for total in sent.values()), sent
    for thread in threads:
        thread.join(30)
    assert acknowledged, "no sheet was acknowledged before the kill"
    assert sorted(unanswered) == list(range(len(judges))), (unanswered, sent)
    print("at the kill: sent", sent, "acknowledged", acknowledged)
    return acknowledged, sent


def test_kill_9_of_the_server_in_the_middle_of_scoring_loses_no_acknowledged_sheet(
    tmp_path: Path, demo_template: Path
) -> None:
    data = demo_copy(demo_template, tmp_path / "data")
    env = clean_env()
    server, base = start_server("first", data, env=env, demo=True, worker=False)
    try:
        codes = wait_for("the demo's judge codes", lambda: _codes(server))
        assert len(codes) == 5
        judges = [Judge(base, code) for code in codes]
        for judge in judges:
            judge.claim()
        unit = judges[0].state()["open"]
        assert unit
        acknowledged, sent = _score_and_kill(server, judges, unit)
    finally:
        server.stop()

    again, base2 = start_server("second", data, env=env, demo=True, worker=False)
    try:
        for k, judge in enumerate(judges):
            judge.browser.base = base2  # the same cookies: the judge session survives
            state = judge.state()
            assert state["open"] == unit
            mine = state["mine"]
            if k in acknowledged:
                assert mine is not None, f"judge {k}: acknowledged sheet lost"
                # the stored total is the last acknowledged one, or a later one the
                # server stored but whose answer the kill cut off
                assert acknowledged[k] <= mine["total"] <= sent[k], (k, acknowledged[k], mine)
                assert mine["client_id"] == judge.client_id
            # the phone re-sends what it kept: stored once, on the same sheet
            assert judge.send(unit, sent[k]) == 200
            assert judge.state()["mine"]["total"] == sent[k]
    finally:
        again.stop()
