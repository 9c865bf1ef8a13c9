"""The dialogue app's card on the home page (manabi.core.home)."""

from __future__ import annotations

from manabi.accounts.roles import Role
from manabi.core.home import HomeCard, register
from manabi.dialogue.selectors import staff_without_dialogue


def register_cards() -> None:
    register(
        HomeCard(
            key="dialogue.due",
            title="今年度の対話がまだの教職員",
            url_name="dialogue:dialogue_list",
            roles=frozenset({Role.SCHOOL_ADMIN}),
            count=lambda acting: staff_without_dialogue(acting).count(),
            waiting="{count}人の教職員と、今年度の対話の記録がまだありません。",
            empty="今年度、すべての教職員と対話を記録しました。",
            order=70,
            urgent=False,
        ),
    )
