"""The 学校日誌's state machine (pure: plain values, no database).

未記入 (no page) → 記入中 (draft) → 提出済 (submitted) → 承認済 (approved, locked). While a
page is 記入中 or 提出済 anyone who may write it may change it; an approved page is the
school's 公簿 and changes only after a manager reopens it (理由 required), which puts it back to
記入中. Each function returns the Japanese refusal, or ``None`` when the step is allowed.
"""

from __future__ import annotations

from datetime import date

from manabi.school_diary.models import DiaryState

UNWRITTEN = "未記入"


def state_label(state: str | None) -> str:
    """未記入 / 記入中 / 提出済 / 承認済."""
    return DiaryState(state).label if state else UNWRITTEN


def edit_refusal(state: str | None) -> str | None:
    if state == DiaryState.APPROVED:
        return (
            "この日の学校日誌は承認済みでロックされているため変更できません。"
            "変更が必要なときは、校長・副校長・教頭に承認の取消を依頼してください。"
        )
    return None


def submit_refusal(state: str | None, day: date, today: date) -> str | None:
    if state is None:
        return "まだ何も記入されていません。記入して保存してから提出してください。"
    if state == DiaryState.SUBMITTED:
        return "この日の学校日誌はすでに提出済みです。"
    if state == DiaryState.APPROVED:
        return "この日の学校日誌は承認済みです。"
    if day > today:
        return "まだ来ていない日の学校日誌は提出できません。当日以降に提出してください。"
    return None


def approve_refusal(state: str | None) -> str | None:
    if state == DiaryState.APPROVED:
        return "この日の学校日誌はすでに承認済みです。"
    if state != DiaryState.SUBMITTED:
        return (
            "提出されていない学校日誌は承認できません。記入した人が提出してから承認してください。"
        )
    return None


def reopen_refusal(state: str | None, reason: str) -> str | None:
    if state != DiaryState.APPROVED:
        return "承認済みの学校日誌だけ、承認を取り消せます。"
    if not reason.strip():
        return "承認を取り消す理由を入力してください。"
    if len(reason.strip()) > 200:
        return "理由は200文字以内で入力してください。"
    return None
