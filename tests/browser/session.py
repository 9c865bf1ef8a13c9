"""Signing in and out as a person does it, for the browser tests."""

from __future__ import annotations

import re
from typing import Any

import pyotp
from playwright.sync_api import expect

from tests.personas import PASSWORD


def sign_in(page: Any, login_id: str, password: str = PASSWORD, *, totp_secret: str = "") -> None:
    """Sign in on the login page (with the authenticator code when ``totp_secret`` is given)
    and wait for the home page."""
    page.goto("/accounts/login/")
    page.get_by_label("ログインID").fill(login_id)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    if totp_secret:
        expect(page.get_by_role("heading", name="二段階認証")).to_be_visible()
        page.get_by_label("認証アプリの6桁のコード").fill(pyotp.TOTP(totp_secret).now())
        page.get_by_role("button", name="確認してログイン").click()
    expect(page.get_by_role("heading", name="ホーム")).to_be_visible()


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="ログアウト").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
