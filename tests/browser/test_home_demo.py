"""The homes of the demo prefecture (issue #14): a teacher, a principal, a board officer and an
organiser sign in in turn to `make demo`'s data; each home shows, card by card, the count the
lists' selectors give, and a card with something waiting opens its list."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from manabi.accounts.models import Account, normalize_login_id
from manabi.accounts.selectors import acting_for
from manabi.core import home
from tests.browser.a11y import assert_accessible
from tests.browser.session import sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_TOTP = "MANABIDEMOTOTPSECRETKEY234567ABC"
PEOPLE = [
    ("480002T04000797", "demo-kyouin-2026", False),  # 教諭 宮本 雅人
    ("480002T91000794", "demo-kouchou-2026", False),  # 校長 村田 陽子
    ("480002B00002", "demo-kyoui-2026", True),  # みらい市教育委員会 水野 千夏
    ("480002O00001", "demo-kenshu-2026", False),  # 研修主催者 小池 弘樹
]


def test_the_demo_homes_show_what_waits_for_each_person(page: Any) -> None:
    call_command("demo", "--no-serve", stdout=StringIO())
    opened = 0
    for login_id, password, totp in PEOPLE:
        sign_in(page, login_id, password, totp_secret=DEMO_TOTP if totp else "")
        acting = acting_for(Account.objects.get(login_id=normalize_login_id(login_id)))
        cards = [card for card in home.registered() if acting.role in card.roles]
        assert cards, login_id
        waiting = []
        for card in cards:
            count, _ = home.measure(card, acting)
            shown = page.locator(f'[data-card="{card.key}"]')
            expect(shown.locator(".home-card__count")).to_have_text(str(count))
            expect(shown.locator(".home-card__text")).to_have_text(
                card.empty if count == 0 else re.compile(rf"{count}")
            )
            if count and card.urgent:
                waiting.append(card)
        if waiting:
            card = waiting[0]
            page.locator(f'[data-card="{card.key}"]').get_by_role("link").click()
            expect(page).to_have_url(re.compile(re.escape(card.url.split("?")[0])))
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            opened += 1
            page.goto("/")
        assert_accessible(page)
        sign_out(page)
    assert opened >= 2, "the demo should leave something waiting for at least two of them"
