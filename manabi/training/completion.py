"""Completion (修了) by a programme's rule: pure, over plain values.

- 全日程に出席: every session attended;
- 出席時間が基準以上: the hours of the sessions attended reach the programme's minimum;
- 主催者が個別に判定: no automatic decision.

Late arrival (遅刻) and leaving early (早退) count as attended: the organiser overrides the
result, with a reason, where the time missed matters. When the programme makes its outcome
survey a condition, a participant who meets the rule completes once they have answered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from manabi.training.choices import AttendanceStatus, CompletionRule

ATTENDED = frozenset({AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY})


@dataclass(frozen=True)
class Outcome:
    """``completed``: True (修了), False (未修了) or None (not decided yet: see ``reason``)."""

    completed: bool | None
    reason: str
    attended_sessions: int
    attended_hours: Decimal


def evaluate(
    *,
    rule: str,
    sessions: Sequence[tuple[int, Decimal]],
    attendance: Mapping[int, str],
    min_hours: Decimal | None = None,
    survey_required: bool = False,
    survey_answered: bool = False,
) -> Outcome:
    """``sessions``: (session id, hours) of the programme; ``attendance``: status by session."""
    attended = [(sid, hours) for sid, hours in sessions if attendance.get(sid) in ATTENDED]
    unrecorded = [sid for sid, _ in sessions if sid not in attendance]
    hours = sum((h for _, h in attended), Decimal(0))

    def outcome(completed: bool | None, reason: str) -> Outcome:
        return Outcome(completed, reason, len(attended), hours)

    if rule == CompletionRule.MANUAL:
        return outcome(None, "主催者が個別に判定します。")
    if not sessions:
        return outcome(None, "日程が登録されていません。")
    if rule == CompletionRule.ALL_SESSIONS:
        if len(attended) < len(sessions):
            if len(attended) + len(unrecorded) == len(sessions):
                return outcome(None, f"出欠が未入力の日程が {len(unrecorded)} 件あります。")
            return outcome(False, f"全 {len(sessions)} 日程のうち {len(attended)} 日程の出席です。")
    elif rule == CompletionRule.MIN_HOURS:
        needed = min_hours if min_hours is not None else sum((h for _, h in sessions), Decimal(0))
        if hours < needed:
            if unrecorded:
                return outcome(None, f"出欠が未入力の日程が {len(unrecorded)} 件あります。")
            return outcome(False, f"出席 {hours} 時間(基準 {needed} 時間)です。")
    else:
        raise ValueError(f"unknown completion rule {rule!r}")
    if survey_required and not survey_answered:
        return outcome(None, "修了の条件のアンケートに未回答です。")
    return outcome(True, "修了の条件を満たしています。")
