"""The accounts app's cards on the home page (manabi.core.home)."""

from __future__ import annotations

from typing import Any

from manabi.accounts.roles import Role
from manabi.accounts.selectors import onboarding_pending_count
from manabi.core.home import HomeCard, register


def _pending(acting: Any) -> tuple[int, str]:
    people, organisations = onboarding_pending_count(acting)
    return people, f"所属 {organisations}か所"


def register_cards() -> None:
    register(
        HomeCard(
            key="accounts.onboarding",
            title="初回ログイン未完了",
            url_name="accounts:progress",
            roles=frozenset({Role.SYSTEM_ADMIN, Role.BOARD, Role.SCHOOL_ADMIN}),
            count=_pending,
            waiting="{count}人の教職員が初回ログインを終えていません({detail})。",
            empty="初回ログインを終えていない教職員はいません。",
            order=60,
        ),
    )
