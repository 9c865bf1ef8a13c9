"""The records app's cards on the home page (manabi.core.home)."""

from __future__ import annotations

from manabi.accounts.roles import Role
from manabi.core.home import HomeCard, register
from manabi.records import selectors


def register_cards() -> None:
    register(
        HomeCard(
            key="records.review",
            title="研修履歴の確認待ち",
            url_name="records:review_list",
            roles=frozenset({Role.SCHOOL_ADMIN}),
            count=lambda acting: selectors.records_to_review(acting).count(),
            waiting="教職員が入力した{count}件の研修履歴が確認を待っています。",
            empty="確認を待つ研修履歴はありません。",
            order=15,
        ),
        HomeCard(
            key="records.returned",
            title="差し戻された研修履歴",
            url_name="records:my_history",
            roles=frozenset({Role.STAFF, Role.SCHOOL_ADMIN}),
            count=lambda acting: selectors.records_returned_to(acting).count(),
            waiting="{count}件の研修履歴が差し戻されています。理由を見て直してください。",
            empty="差し戻された研修履歴はありません。",
            order=35,
        ),
    )
