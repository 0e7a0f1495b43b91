"""Two factors in the system Chromium: set up an authenticator app from the enrolment
page (its QR code and key), log out, log in with the password and a code; the office's
security page. Screenshots: ``screenshots/security-*.png`` (not committed)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pyotp

from tests.web.browser import MARKS, log_in, screenshot

pytestmark = MARKS

# A demo reporter; its enrolment asks it for codes from now on, so no other test logs in
# with it on the shared demo server (``demo_server``; test_browser_passkeys has its own).
ACCOUNT = "jimo"


def test_enrol_totp_log_out_and_log_in_with_a_code(browser, demo_server: tuple[str, Path]) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    base, _ = demo_server
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, base, ACCOUNT)
    page.wait_for_url(re.compile(r"/$"))

    page.get_by_role("link", name="我的登录记录").click()
    expect(page.get_by_role("heading", name="我的登录记录")).to_be_visible()
    page.get_by_role("link", name="绑定新的验证器").click()
    expect(page.get_by_role("heading", name="绑定双因素认证")).to_be_visible()
    expect(page.locator("figure.qr svg")).to_be_visible()
    screenshot(page, "security-enrolment")
    secret = page.locator("#otp-secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    page.get_by_label("验证码").fill(totp.now())
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_role("heading", name="恢复码")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    screenshot(page, "security-recovery-codes")
    page.get_by_role("link", name="继续").click()

    page.get_by_role("button", name="退出").click()
    log_in(page, base, ACCOUNT)
    # The password alone leads to the code; a code of the next time step is accepted
    # (one step of tolerance), the one of this step was used by the enrolment.
    expect(page.get_by_role("heading", name="双因素认证")).to_be_visible()
    screenshot(page, "security-verify")
    page.get_by_label("验证码").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="验证").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto(base + "/accounts/logins/")
    expect(page.locator("tbody")).to_contain_text("动态验证码")
    screenshot(page, "security-my-logins")
    context.close()


def test_the_office_reads_the_security_settings(browser, demo_server: tuple[str, Path]) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    base, _ = demo_server
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, base, "office")
    page.wait_for_url(re.compile(r"/$"))
    page.goto(base + "/office/security/")
    expect(page.get_by_role("heading", name="账户安全")).to_be_visible()
    # The demo leaves the office's second factor off, and says so.
    expect(page.get_by_role("alert")).to_contain_text("等保")
    expect(page.get_by_label("空闲超时分钟数")).to_have_value("30")
    # Beside each value, the 等保-style default.
    expect(page.locator(".security-rules .helptext.default")).to_have_count(9)
    expect(page.locator(".security-rules")).to_contain_text("默认值（参照等保 2.0）：30")
    screenshot(page, "security-settings")
    context.close()
