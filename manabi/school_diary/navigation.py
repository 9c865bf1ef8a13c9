"""The 学校日誌 menu entry (group 連絡・予定: the school's day, its events and visitors)."""

from __future__ import annotations


def register() -> None:
    from manabi.accounts.roles import Role
    from manabi.core import navigation

    navigation.register(
        navigation.NavItem(
            "学校日誌",
            "school_diary:index",
            order=300,
            roles=frozenset({Role.STAFF, Role.SCHOOL_ADMIN}),
            group="notices",
            keywords=("学校日誌", "日誌", "来校者", "出張", "行事", "天気", "承認"),
        ),
    )
