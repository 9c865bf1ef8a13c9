"""The eligibility survey's card on the home page (manabi.core.home)."""

from __future__ import annotations

from typing import Any

from manabi.accounts.roles import Role
from manabi.core import wareki
from manabi.core.home import HomeCard, register
from manabi.eligibility.selectors import submissions_due


def _due(acting: Any) -> tuple[int, str]:
    count, deadline = submissions_due(acting)
    return count, f"提出期限 {wareki.format_date(deadline)}" if deadline else ""


def register_cards() -> None:
    register(
        HomeCard(
            key="eligibility.school",
            title="該当者調査の提出",
            url_name="eligibility:survey_list",
            roles=frozenset({Role.SCHOOL_ADMIN}),
            count=_due,
            waiting="基本研修の該当者調査がまだ提出されていません({detail})。",
            empty="提出を待つ該当者調査はありません。",
            order=25,
        ),
        HomeCard(
            key="eligibility.board",
            title="該当者調査の未提出校",
            url_name="eligibility:survey_list",
            roles=frozenset({Role.BOARD}),
            count=_due,
            waiting="管轄の{count}校が基本研修の該当者調査を提出していません({detail})。",
            empty="該当者調査を提出していない学校はありません。",
            order=25,
        ),
    )
