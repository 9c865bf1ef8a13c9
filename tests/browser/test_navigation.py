"""The header's grouped menus and the menu search, as a principal uses them (issue #14).

The principal opens the 研修履歴 menu, closes it with Escape, opens it again and picks
研修履歴の確認, which the header then marks as the current place; types 「履歴」 in the menu
search and picks an entry from the results; on a phone the header fits the screen.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from manabi.core.navigation import MAX_TOP_LEVEL
from tests.browser.session import sign_in
from tests.personas import Cast

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_principal_finds_pages_by_menu_group_and_by_search(page: Any, cast: Cast) -> None:
    sign_in(page, cast.account("principal_a").login_id)
    nav = page.get_by_role("navigation", name="メインメニュー")
    top = nav.locator(".site-nav__top > li")
    assert 1 < top.count() <= MAX_TOP_LEVEL
    expect(nav.get_by_role("link", name="研修履歴の確認")).to_have_count(0)  # closed

    menu = nav.locator("summary", has_text="研修履歴")
    menu.click()
    expect(nav.get_by_role("link", name="研修履歴の確認")).to_be_visible()
    page.keyboard.press("Escape")
    expect(nav.get_by_role("link", name="研修履歴の確認")).to_have_count(0)
    expect(menu).to_be_focused()
    # Opening another menu closes the first.
    menu.click()
    nav.locator("summary", has_text="ユーザ管理").click()
    expect(nav.get_by_role("link", name="研修履歴の確認")).to_have_count(0)
    expect(nav.get_by_role("link", name="アカウント")).to_be_visible()

    menu.click()
    nav.get_by_role("link", name="研修履歴の確認").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("確認")
    current = nav.locator(".site-nav__group.is-current > details > summary")
    expect(current).to_contain_text("研修履歴")
    expect(current).to_contain_text("現在の場所")

    search = page.get_by_role("search", name="メニューの検索").first
    search.get_by_label("メニューを検索").fill("履歴")
    search.get_by_label("メニューを検索").press("Enter")
    expect(page.get_by_role("heading", name="メニューの検索")).to_be_visible()
    results = page.locator(".menu-results")
    expect(results.get_by_role("link", name="自分の研修履歴")).to_be_visible()
    expect(results.get_by_role("link", name="研修履歴の一覧")).to_be_visible()
    results.get_by_role("link", name="自分の研修履歴").click()
    expect(page).to_have_url(re.compile(r"/history/staff/\d+/"))

    # One match opens the page directly.
    search = page.get_by_role("search", name="メニューの検索").first
    search.get_by_label("メニューを検索").fill("二段階")
    search.get_by_label("メニューを検索").press("Enter")
    expect(page).to_have_url(re.compile(r"/accounts/mfa/"))


def test_the_header_fits_a_phone(page: Any, cast: Cast) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, cast.account("principal_a").login_id)
    nav = page.get_by_role("navigation", name="メインメニュー")
    nav.locator("summary", has_text="研修").first.click()
    expect(nav.get_by_role("link", name="研修を探す")).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a phone"
    box = nav.get_by_role("link", name="研修を探す").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
