"""The attendance book's cards on the home page (manabi.core.home)."""

from __future__ import annotations

from django.utils import timezone

from manabi.accounts.roles import Role
from manabi.attendance import selectors
from manabi.core.home import HomeCard, register

SCHOOL = frozenset({Role.STAFF, Role.SCHOOL_ADMIN})


def register_cards() -> None:
    register(
        HomeCard(
            key="attendance.own_unchecked",
            title="今日の出欠確認",
            url_name="attendance:index",
            roles=frozenset({Role.STAFF}),
            count=lambda acting: selectors.classes_unchecked(
                acting, timezone.localdate(), own_only=True
            ).count(),
            waiting="担任する{count}学級の今日の出欠が、まだ確定されていません。",
            empty="今日の出欠確認を待つ担任学級はありません。",
            order=5,
        ),
        HomeCard(
            key="attendance.notices",
            title="保護者からの欠席連絡",
            url_name="attendance:index",
            roles=SCHOOL,
            count=lambda acting: selectors.notices_waiting(acting).count(),
            waiting="担任する学級の児童生徒について、{count}件の連絡が未処理です。",
            empty="未処理の欠席連絡はありません。",
            order=6,
        ),
        HomeCard(
            key="attendance.school_unchecked",
            title="出欠が未確認の学級",
            url_name="attendance:index",
            roles=frozenset({Role.SCHOOL_ADMIN}),
            count=lambda acting: selectors.classes_unchecked(
                acting, timezone.localdate(), own_only=False
            ).count(),
            waiting="今日の出欠がまだ確定されていない学級が{count}あります。",
            empty="今日の出欠はすべての学級で確定しています。",
            order=7,
        ),
        HomeCard(
            key="attendance.lock",
            title="ロック待ちの出席簿",
            url_name="attendance:index",
            roles=frozenset({Role.SCHOOL_ADMIN}),
            count=lambda acting: selectors.months_awaiting_lock(acting).count(),
            waiting="学級担当が締めた{count}か月分の出席簿が、ロックを待っています。",
            empty="ロックを待つ出席簿はありません。",
            order=8,
        ),
    )
