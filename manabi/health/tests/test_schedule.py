"""入力時期 and 保存期間 (pure)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from manabi.health.schedule import (
    EntryWindow,
    check_window,
    entry_refusal,
    retention_label,
    retention_until,
)

TODAY = date(2025, 5, 20)


def test_no_setting_is_open() -> None:
    assert entry_refusal(None, TODAY) is None
    assert entry_refusal(EntryWindow(), TODAY) is None


def test_the_window_bounds_are_inclusive() -> None:
    window = EntryWindow(opens_on=date(2025, 5, 20), closes_on=date(2025, 5, 20))
    assert entry_refusal(window, TODAY) is None
    assert entry_refusal(window, TODAY - timedelta(days=1)) == (
        "健康診断の入力は2025年5月20日からです (入力時期設定)。"
    )
    assert entry_refusal(window, TODAY + timedelta(days=1)) == (
        "健康診断の入力は2025年5月20日で終了しました (入力時期設定)。"
    )
    assert entry_refusal(EntryWindow(closed=True), TODAY) == (
        "健康診断の入力は締め切られています (入力時期設定)。"
    )


def test_check_window() -> None:
    assert check_window(EntryWindow(date(2025, 6, 1), date(2025, 5, 1))) == [
        "入力終了日は入力開始日以降にしてください。"
    ]
    assert check_window(EntryWindow(date(2025, 5, 1), date(2025, 5, 1))) == []


def test_retention_is_five_years_from_leaving() -> None:
    assert retention_until(None) is None
    assert retention_until(date(2025, 3, 31)) == date(2030, 3, 31)
    assert retention_until(date(2024, 2, 29)) == date(2029, 2, 28)
    assert (
        retention_label(date(2025, 3, 31)) == "2030年3月31日まで保存 (2025年3月31日の離籍から5年)"
    )
    assert retention_label(None).startswith("在籍中")


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)))
def test_retention_is_about_five_years_later(left: date) -> None:
    until = retention_until(left)
    assert until is not None
    assert until.year == left.year + 5
    assert until.month == left.month
    assert until.day == (28 if (left.month, left.day) == (2, 29) else left.day)
