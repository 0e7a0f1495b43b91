"""A passkey in the system Chromium with its virtual authenticator (the DevTools
protocol's WebAuthn domain: a CTAP2 platform authenticator that verifies the person):
add one with a name from the passkeys page, log out, log in with the password and the
passkey. Screenshots: ``screenshots/passkeys-*.png`` (not committed)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.web.browser import MARKS, log_in, screenshot

pytestmark = MARKS

# A demo reporter with which no other test logs in on the shared demo server
# (``demo_server``): its passkey asks it for a second factor from now on.
ACCOUNT = "jiaozhou"


def test_add_a_passkey_log_out_and_log_in_with_it(browser, demo_server: tuple[str, Path]) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    # A relying party is a domain: the demo's 127.0.0.1 is opened as localhost.
    base = demo_server[0].replace("127.0.0.1", "localhost")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )["authenticatorId"]

    log_in(page, base, ACCOUNT)
    page.wait_for_url(re.compile(r"/$"))
    page.get_by_role("link", name="我的登录记录").click()
    page.get_by_role("link", name=re.compile("通行密钥和安全密钥")).click()
    expect(page.get_by_role("heading", name="通行密钥和安全密钥", exact=True)).to_be_visible()
    expect(page.locator(".passkey-list tbody")).to_contain_text("尚未添加通行密钥")
    page.get_by_label("名称").fill("办公室电脑")
    page.get_by_role("button", name="添加通行密钥").click()
    expect(page.locator(".messages")).to_contain_text("通行密钥“办公室电脑”已添加")
    expect(page.locator(".passkey-list tbody tr")).to_have_count(1)
    expect(page.locator(".passkey-list tbody")).to_contain_text("办公室电脑")
    # The first factor comes with ten recovery codes, shown this once.
    expect(page.locator(".passkey-codes .recovery-codes li")).to_have_count(10)
    screenshot(page, "passkeys-list")
    page.reload()
    expect(page.locator(".passkey-codes")).to_have_count(0)
    # The browser's authenticator holds the new credential.
    held = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(held["credentials"]) == 1

    page.get_by_role("button", name="退出").click()
    log_in(page, base, ACCOUNT)
    # The password alone leads to the second step; the passkey passes it.
    expect(page.get_by_role("heading", name="双因素认证")).to_be_visible()
    expect(page.get_by_label("验证码")).to_be_visible()  # a recovery code would do too
    screenshot(page, "passkeys-verify")
    page.get_by_role("button", name="使用通行密钥").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto(base + "/accounts/logins/")
    expect(page.locator("tbody tr").first).to_contain_text("登录成功 · 通行密钥")
    expect(page.locator("tbody")).to_contain_text("绑定双因素认证")
    screenshot(page, "passkeys-my-logins")
    held = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert held["credentials"][0]["signCount"] >= 1

    # Removing asks first; the only factor of an account that needs one stays.
    page.goto(base + "/accounts/passkeys/")
    questions: list[str] = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="删除").click()
    expect(page.locator(".messages")).to_contain_text("这是您仅有的双因素认证方式")
    assert questions == ["删除通行密钥“办公室电脑”？"]
    expect(page.locator(".passkey-list tbody tr")).to_have_count(1)
    context.close()
