"""The home page shows what waits for each person (issue #14), as four people sign in in turn.

A teacher applies for a training; the teacher's home shows the application on its way, the
principal's shows it waiting for approval and opens the approval queue from the card; the
board officer's and the organiser's homes say that nothing waits for them. Every count is the
one the lists' selectors give. axe-core finds no serious or critical violation on the home,
the catalogue and the approval queue.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from manabi.accounts.models import TotpDevice
from manabi.accounts.selectors import acting_for
from manabi.core import home
from manabi.training.services import applications as services
from manabi.training.tests.factories import programme
from tests.browser.a11y import assert_accessible
from tests.browser.session import sign_in, sign_out
from tests.personas import Cast

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in(page: Any, cast: Cast, persona: str) -> None:
    account = cast.account(persona)
    device = TotpDevice.objects.filter(account=account).first()
    sign_in(page, account.login_id, totp_secret=device.secret if device else "")


def _card(page: Any, key: str) -> Any:
    return page.locator(f'[data-card="{key}"]')


def _expect_counts(page: Any, cast: Cast, persona: str) -> None:
    """Each card of the persona's role shows what its selector counts."""
    acting = acting_for(cast.account(persona))
    cards = [card for card in home.registered() if acting.role in card.roles]
    assert cards, persona
    for card in cards:
        expect(_card(page, card.key).locator(".home-card__count")).to_have_text(
            str(home.measure(card, acting)[0])
        )


def test_each_home_shows_what_waits_for_that_person(page: Any, cast: Cast) -> None:
    made = programme(cast, title="学級経営の基礎研修")
    services.application_submit(actor=acting_for(cast.account("teacher_a")), programme=made)

    _sign_in(page, cast, "teacher_a")
    _expect_counts(page, cast, "teacher_a")
    expect(_card(page, "training.pending")).to_contain_text("1件の申込が承認の途中です。")
    assert_accessible(page)
    _card(page, "training.pending").get_by_role("link").click()
    expect(page.get_by_role("note")).to_contain_text("「承認待ち」の申込だけを表示しています")
    expect(page.get_by_role("main")).to_contain_text("学級経営の基礎研修")
    sign_out(page)

    _sign_in(page, cast, "principal_a")
    _expect_counts(page, cast, "principal_a")
    approvals = _card(page, "training.approvals")
    expect(approvals).to_contain_text("1件の申込があなたの承認を待っています。")
    assert_accessible(page)
    approvals.get_by_role("link").click()
    expect(page.get_by_role("main")).to_contain_text("学級経営の基礎研修")
    assert_accessible(page)
    page.goto("/trainings/")
    assert_accessible(page)
    sign_out(page)

    _sign_in(page, cast, "board_officer")
    _expect_counts(page, cast, "board_officer")
    expect(_card(page, "training.approvals")).to_contain_text("承認を待つ申込はありません。")
    sign_out(page)

    _sign_in(page, cast, "organizer")
    _expect_counts(page, cast, "organizer")
    expect(_card(page, "training.decisions")).to_contain_text("受講決定を待つ申込はありません。")
    assert_accessible(page)
