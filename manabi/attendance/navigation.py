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
        navigation.NavItem(
            "欠課簿",
            "lessons:index",
            order=405,
            roles=school,
            group="attendance",
            keywords=("欠課", "授業クラス", "単位", "時数"),
        ),
        navigation.NavItem(
            "出欠の集計",
            "attendance_reports:school_summary",
            order=410,
            roles=school,
            group="attendance",
            keywords=("集計", "長期欠席", "欠席日数"),
        ),
        navigation.NavItem(
            "欠席の理由の一覧",
            "attendance:reasons",
            order=420,
            roles=frozenset({Role.BOARD}),
            group="attendance",
            keywords=("欠席", "理由", "病気", "設定"),
        ),
        navigation.NavItem(
            "出欠の集計 (学校別)",
            "attendance_reports:board_summary",
            order=410,
            roles=frozenset({Role.BOARD, Role.SYSTEM_ADMIN}),
            group="attendance",
            keywords=("集計", "長期欠席", "欠席日数", "出席"),
        ),
    )
