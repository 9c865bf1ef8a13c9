"""Passkeys as a second factor, as a board officer uses them: set up beside the authenticator
app, then sign in with the passkey instead of the 6-digit code. Chromium's virtual
authenticator (DevTools protocol) stands in for the fingerprint reader."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from playwright.sync_api import expect

from manabi.accounts.models import Passkey, TotpDevice
from manabi.core.models import AuditEvent
from tests.browser.menu import open_from_menu
from tests.personas import PASSWORD, Cast


def _virtual_authenticator(page: Any) -> Any:
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return session


def _password(page: Any, login_id: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("ログインID").fill(login_id)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", name="二段階認証")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_register_a_passkey_then_sign_in_with_it(page: Any, cast: Cast) -> None:
    officer = cast.account("board_officer")
    _virtual_authenticator(page)

    _password(page, officer.login_id)
    expect(page.get_by_role("button", name="パスキーで確認")).to_have_count(0)
    secret = TotpDevice.objects.get(account=officer).secret
    page.get_by_label("認証アプリの6桁のコード").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="確認してログイン").click()
    expect(page.get_by_role("heading", name="ホーム")).to_be_visible()

    open_from_menu(page, "二段階認証")
    page.get_by_label("パスキーの名前").fill("職員室のパソコン")
    page.get_by_role("button", name="パスキーを登録").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "パスキー「職員室のパソコン」を登録しました"
    )
    expect(page.get_by_role("table", name="登録したパスキー")).to_contain_text("職員室のパソコン")
    assert Passkey.objects.filter(account=officer).count() == 1
    page.get_by_role("button", name="ログアウト").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    # Next time: the passkey instead of the code.
    _password(page, officer.login_id)
    page.get_by_role("button", name="パスキーで確認").click()
    expect(page.get_by_role("heading", name="ホーム")).to_be_visible()
    expect(page.get_by_label("ログイン中の利用者")).to_contain_text("教育委員会")
    assert Passkey.objects.get(account=officer).last_used_at is not None
    assert AuditEvent.objects.filter(action="auth.mfa_ok", details__method="passkey").count() == 1
    assert AuditEvent.objects.filter(action="accounts.passkey.add").count() == 1
