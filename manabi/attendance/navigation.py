"""The attendance book's menu entries (group 出席簿) and home cards."""

from __future__ import annotations


def register() -> None:
    from manabi.accounts.roles import Role
    from manabi.core import navigation

    school = frozenset({Role.STAFF, Role.SCHOOL_ADMIN})
    navigation.register(
        navigation.NavItem(
            "出席簿",
            "attendance:index",
            order=400,
            roles=school,
            group="attendance",
            keywords=("出席", "欠席", "遅刻", "早退", "出欠"),
        ),
    )
