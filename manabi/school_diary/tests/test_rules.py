from __future__ import annotations

from datetime import date

from manabi.school_diary import rules
from manabi.school_diary.models import DiaryState

DAY = date(2026, 6, 10)


def test_state_labels() -> None:
    assert [rules.state_label(s) for s in (None, "", *DiaryState)] == [
        "未記入",
        "未記入",
        "記入中",
        "提出済",
        "承認済",
    ]


def test_only_an_approved_day_is_locked() -> None:
    assert rules.edit_refusal(None) is None
    assert rules.edit_refusal(DiaryState.DRAFT) is None
    assert rules.edit_refusal(DiaryState.SUBMITTED) is None
    assert "ロック" in (rules.edit_refusal(DiaryState.APPROVED) or "")


def test_submit_needs_a_written_past_draft() -> None:
    assert rules.submit_refusal(DiaryState.DRAFT, DAY, DAY) is None
    assert "まだ何も記入" in (rules.submit_refusal(None, DAY, DAY) or "")
    assert "すでに提出済み" in (rules.submit_refusal(DiaryState.SUBMITTED, DAY, DAY) or "")
    assert "承認済み" in (rules.submit_refusal(DiaryState.APPROVED, DAY, DAY) or "")
    assert "まだ来ていない日" in (
        rules.submit_refusal(DiaryState.DRAFT, DAY, date(2026, 6, 9)) or ""
    )


def test_approve_needs_a_submitted_day() -> None:
    assert rules.approve_refusal(DiaryState.SUBMITTED) is None
    assert rules.approve_refusal(None)
    assert rules.approve_refusal(DiaryState.DRAFT)
    assert "すでに承認済み" in (rules.approve_refusal(DiaryState.APPROVED) or "")


def test_reopen_needs_an_approved_day_and_a_reason() -> None:
    assert rules.reopen_refusal(DiaryState.APPROVED, "記入漏れ") is None
    assert "理由" in (rules.reopen_refusal(DiaryState.APPROVED, "  ") or "")
    assert "200文字" in (rules.reopen_refusal(DiaryState.APPROVED, "あ" * 201) or "")
    assert rules.reopen_refusal(DiaryState.SUBMITTED, "記入漏れ")
