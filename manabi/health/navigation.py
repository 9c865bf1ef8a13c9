"""The health menu entry (group 保健 of the 児童生徒 menu)."""

from __future__ import annotations


def register() -> None:
    from manabi.accounts.roles import Role
    from manabi.core import navigation

    school = frozenset({Role.STAFF, Role.SCHOOL_ADMIN})
    navigation.register(
        navigation.NavItem(
            "健康診断",
            "health:index",
            order=600,
            roles=school,
            group="health",
            keywords=("健康診断", "保健", "身長", "体重", "視力", "聴力", "肥満度", "歯科", "養護"),
        ),
    )
