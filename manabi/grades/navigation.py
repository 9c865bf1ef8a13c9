"""The grades menu entries (group 成績 of the 児童生徒 menu)."""

from __future__ import annotations


def register() -> None:
    from manabi.accounts.roles import Role
    from manabi.core import navigation

    school = frozenset({Role.STAFF, Role.SCHOOL_ADMIN})
    navigation.register(
        navigation.NavItem(
            "成績 (素点・観点・評定・所見)",
            "grades:index",
            order=500,
            roles=school,
            group="grades",
            keywords=("成績", "素点", "観点", "評定", "所見", "行動の記録"),
        ),
        navigation.NavItem(
            "通知表",
            "report_cards:index",
            order=510,
            roles=school,
            group="grades",
            keywords=("通知表", "あゆみ", "印刷", "一括"),
        ),
        navigation.NavItem(
            "指導要録",
            "cumulative:index",
            order=520,
            roles=school,
            group="grades",
            keywords=("指導要録", "要録", "承認", "確定", "写し"),
        ),
        navigation.NavItem(
            "調査書",
            "transcripts:index",
            order=530,
            roles=school,
            group="grades",
            keywords=("調査書", "内申", "高校入試", "入学者選抜"),
        ),
    )
