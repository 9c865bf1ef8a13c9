"""The login page, as a person sees it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.personas import PASSWORD, Cast


@pytest.mark.django_db(transaction=True)
def test_login_page_is_japanese(page: Any) -> None:
    page.goto("/accounts/login/")
    expect(page).to_have_title("ログイン | manabi")
    expect(page.get_by_role("heading", name="ログイン")).to_be_visible()
    expect(page.get_by_label("ログインID")).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "ja"


@pytest.mark.django_db(transaction=True)
def test_sign_in_and_out(page: Any, cast: Cast) -> None:
    page.goto("/")
    # Full-width characters typed with a Japanese IME are accepted.
    page.get_by_label("ログインID").fill("４８０００２Ｔ１００００００２")
    page.get_by_label("パスワード").fill("wrong password")
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "ログインIDまたはパスワードが正しくありません"
    )

    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", name="ホーム")).to_be_visible()
    expect(page.get_by_label("ログイン中の利用者")).to_contain_text("南 花子")
    expect(page.get_by_label("ログイン中の利用者")).to_contain_text("教職員・みなみ小学校")

    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_role("heading", name="ログイン")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_skip_link_moves_focus_to_main(page: Any, cast: Cast) -> None:
    page.goto("/accounts/login/")
    # The login page puts the cursor in the login ID field at once.
    expect(page.get_by_label("ログインID")).to_be_focused()
    page.get_by_label("ログインID").fill("480002T10000002")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_label("パスワード").press("Enter")
    expect(page.get_by_role("heading", name="ホーム")).to_be_visible()

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="本文へスキップ")
    expect(skip).to_be_focused()
    skip.press("Enter")
    expect(page.locator("#main")).to_be_focused()
