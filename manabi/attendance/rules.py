"""The counting rules of the attendance record (出欠の記録) of 指導要録 様式2.

Pure functions: no Django, no database. Given the lesson days (授業日) of a pupil's class, the
pupil's enrolment periods at this school and the day marks of the attendance book (出席簿), this
module counts, for a month or a year:

- 授業日数: lesson days while enrolled at this school;
- 出席停止・忌引等の日数: days of suspension, mourning and the like (``Category.LEAVE``);
- 出席しなければならない日数 = 授業日数 − 出席停止・忌引等の日数;
- 欠席日数: absences (``Category.ABSENT``), with a breakdown by the reason categories of the
  national survey (児童生徒の問題行動・不登校等生徒指導上の諸課題に関する調査);
- 出席日数 = 出席しなければならない日数 − 欠席日数, which includes the days counted as present
  (出席扱い, ``Category.DEEMED``) that 備考 mentions;
- 遅刻 and 早退, on days the pupil counts as present only.

A lesson day without a mark is a day present. A mark on a day that does not count (not a lesson
day for the class, or outside the pupil's enrolment) is reported in ``Totals.ignored`` so that
the screen can say why it does not show in the numbers. ``RULES_VERSION`` names this set of
rules; a change to what is counted gets a new version.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType

from manabi.attendance.schooldays import fiscal_year_bounds

RULES_VERSION = "2026.1"

# 長期欠席: the national survey counts a pupil absent this many days or more in a year.
LONG_ABSENCE_DAYS = 30


class Category(StrEnum):
    """What a day's mark counts as in the attendance record (出欠の記録)."""

    PRESENT = "present"  # 出席: a mark is stored only for 遅刻, 早退 or a note
    DEEMED = "deemed"  # 出席扱い (別室登校, オンライン学習, 適応指導教室): counts as 出席
    ABSENT = "absent"  # 欠席
    LEAVE = "leave"  # 出席停止・忌引等 (出席停止, 忌引, 公欠 the principal excuses, 非常変災 …)

    @property
    def label(self) -> str:
        """The Japanese name a teacher reads."""
        return _CATEGORY_LABELS[self]


class ReasonCategory(StrEnum):
    """The reason category of an absence in the national survey (問題行動・不登校調査)."""

    ILLNESS = "illness"  # 病気
    ECONOMIC = "economic"  # 経済的理由
    NON_ATTENDANCE = "non_attendance"  # 不登校
    INFECTION_AVOIDANCE = "infection_avoidance"  # 感染回避
    OTHER = "other"  # その他

    @property
    def label(self) -> str:
        """The Japanese name a teacher reads."""
        return _REASON_LABELS[self]


_CATEGORY_LABELS: Mapping[Category, str] = {
    Category.PRESENT: "出席",
    Category.DEEMED: "出席扱い",
    Category.ABSENT: "欠席",
    Category.LEAVE: "出席停止・忌引等",
}

_REASON_LABELS: Mapping[ReasonCategory, str] = {
    ReasonCategory.ILLNESS: "病気",
    ReasonCategory.ECONOMIC: "経済的理由",
    ReasonCategory.NON_ATTENDANCE: "不登校",
    ReasonCategory.INFECTION_AVOIDANCE: "感染回避",
    ReasonCategory.OTHER: "その他",
}


@dataclass(frozen=True)
class DayMark:
    """One pupil's mark for one day in the attendance book (出席簿).

    ``late`` (遅刻) and ``early`` (早退) count only when the day counts as present
    (``PRESENT`` or ``DEEMED``). ``reason`` is read for ``ABSENT`` only; an absence without
    one counts as ``ReasonCategory.OTHER``.
    """

    category: Category
    late: bool = False
    early: bool = False
    reason: ReasonCategory | None = None


# Iterating an enum class is slow; totals are made for every pupil and month.
_REASONS = tuple(ReasonCategory)


def _reasons(counts: Mapping[ReasonCategory, int] | None = None) -> Mapping[ReasonCategory, int]:
    given = counts or {}
    return MappingProxyType({reason: given.get(reason, 0) for reason in _REASONS})


@dataclass(frozen=True)
class Totals:
    """The attendance record (出欠の記録) of one pupil over a month, a year or any window.

    ``absence_by_reason`` always has every ``ReasonCategory`` (0 when none). ``ignored`` lists,
    sorted, the marked days that do not count: not a lesson day for the pupil's class
    (a holiday, a 臨時休業) or outside the pupil's enrolment.
    """

    lesson_days: int  # 授業日数
    leave_days: int  # 出席停止・忌引等の日数
    required_days: int  # 出席しなければならない日数
    absent_days: int  # 欠席日数
    present_days: int  # 出席日数
    late: int  # 遅刻
    early: int  # 早退
    deemed_days: int  # 出席扱い (included in present_days)
    absence_by_reason: Mapping[ReasonCategory, int] = field(default_factory=_reasons)
    ignored: tuple[date, ...] = ()

    def __post_init__(self) -> None:
        # Fill in missing reason keys and freeze the mapping, so equal totals compare equal.
        object.__setattr__(self, "absence_by_reason", _reasons(self.absence_by_reason))
        object.__setattr__(self, "ignored", tuple(sorted(self.ignored)))

    @property
    def long_absence(self) -> bool:
        """長期欠席: absent ``LONG_ABSENCE_DAYS`` (30) days or more."""
        return self.absent_days >= LONG_ABSENCE_DAYS

    def __add__(self, other: Totals) -> Totals:
        if not isinstance(other, Totals):
            return NotImplemented
        return Totals(
            lesson_days=self.lesson_days + other.lesson_days,
            leave_days=self.leave_days + other.leave_days,
            required_days=self.required_days + other.required_days,
            absent_days=self.absent_days + other.absent_days,
            present_days=self.present_days + other.present_days,
            late=self.late + other.late,
            early=self.early + other.early,
            deemed_days=self.deemed_days + other.deemed_days,
            absence_by_reason={
                reason: self.absence_by_reason[reason] + other.absence_by_reason[reason]
                for reason in _REASONS
            },
            ignored=self.ignored + other.ignored,
        )

    @classmethod
    def zero(cls) -> Totals:
        """Nothing counted: the start of a sum."""
        return cls(
            lesson_days=0,
            leave_days=0,
            required_days=0,
            absent_days=0,
            present_days=0,
            late=0,
            early=0,
            deemed_days=0,
        )


def _enrolment_check(enrolled: Sequence[tuple[date, date | None]]) -> None:
    for first, last in enrolled:
        if last is not None and last < first:
            raise ValueError(f"an enrolment period ends ({last}) before it starts ({first})")


def _is_enrolled(day: date, enrolled: Sequence[tuple[date, date | None]]) -> bool:
    return any(first <= day and (last is None or day <= last) for first, last in enrolled)


def _in_window(day: date, start: date | None, end: date | None) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


def count(
    *,
    lesson_days: Collection[date],
    enrolled: Sequence[tuple[date, date | None]],
    marks: Mapping[date, DayMark],
    start: date | None = None,
    end: date | None = None,
) -> Totals:
    """Count one pupil's attendance record (出欠の記録).

    ``lesson_days`` are the 授業日 of the pupil's class with its closures already removed;
    ``enrolled`` the pupil's enrolment periods at this school (``(first, last)``, ``last``
    included, ``None`` while still enrolled; overlapping periods count a day once); ``start`` and
    ``end`` optionally restrict the count to a window (a month), both included.

    A day counts when it is a lesson day, inside an enrolment period and inside the window; a
    counted day without a mark is a day present. Marks outside the window are left out
    altogether; marks inside it on days that do not count go to ``Totals.ignored``. Raises
    ``ValueError`` for an enrolment period that ends before it starts.
    """
    _enrolment_check(enrolled)
    counted = frozenset(
        day for day in lesson_days if _in_window(day, start, end) and _is_enrolled(day, enrolled)
    )
    leave = absent = deemed = late = early = 0
    reasons = dict.fromkeys(ReasonCategory, 0)
    for day in counted:
        mark = marks.get(day)
        if mark is None:
            continue
        if mark.category is Category.LEAVE:
            leave += 1
        elif mark.category is Category.ABSENT:
            absent += 1
            reasons[mark.reason or ReasonCategory.OTHER] += 1
        else:
            # PRESENT or DEEMED: the pupil was at school (or learnt where it counts as school).
            if mark.category is Category.DEEMED:
                deemed += 1
            late += int(mark.late)
            early += int(mark.early)
    ignored = tuple(
        sorted(day for day in marks if _in_window(day, start, end) and day not in counted)
    )
    required = len(counted) - leave
    return Totals(
        lesson_days=len(counted),
        leave_days=leave,
        required_days=required,
        absent_days=absent,
        present_days=required - absent,
        late=late,
        early=early,
        deemed_days=deemed,
        absence_by_reason=reasons,
        ignored=ignored,
    )


def _months(fiscal_year: int) -> Iterable[tuple[int, int]]:
    for offset in range(12):
        month = 4 + offset
        yield (fiscal_year, month) if month <= 12 else (fiscal_year + 1, month - 12)


def _month_bounds(year: int, month: int) -> tuple[date, date]:
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date(year, month, 1), date.fromordinal(following.toordinal() - 1)


def count_by_month(
    *,
    fiscal_year: int,
    lesson_days: Collection[date],
    enrolled: Sequence[tuple[date, date | None]],
    marks: Mapping[date, DayMark],
) -> dict[tuple[int, int], Totals]:
    """The attendance record of each month of a fiscal year (年度), April to March.

    Keys are ``(year, month)``; every one of the twelve months is present, counted as
    ``count`` counts it with the month as its window. Their sum is ``count`` over the year.
    """
    first, last = fiscal_year_bounds(fiscal_year)
    in_year = frozenset(day for day in lesson_days if first <= day <= last)
    return {
        (year, month): count(
            lesson_days=in_year,
            enrolled=enrolled,
            marks=marks,
            start=_month_bounds(year, month)[0],
            end=_month_bounds(year, month)[1],
        )
        for year, month in _months(fiscal_year)
    }


def _md(day: date) -> str:
    return f"{day.month}月{day.day}日"


_IGNORED_SHOWN = 3


def explain(totals: Totals) -> list[str]:
    """How the numbers of ``totals`` come about, in Japanese lines a teacher can read."""
    lines = [
        f"授業日数 {totals.lesson_days}日 − 出席停止・忌引等 {totals.leave_days}日"
        f" = 出席しなければならない日数 {totals.required_days}日",
        f"出席しなければならない日数 {totals.required_days}日 − 欠席 {totals.absent_days}日"
        f" = 出席日数 {totals.present_days}日",
    ]
    if totals.deemed_days:
        lines.append(
            f"出席日数 {totals.present_days}日のうち出席扱い {totals.deemed_days}日"
            "（別室登校・オンライン学習など。備考に記入します）"
        )
    if totals.late or totals.early:
        lines.append(f"遅刻 {totals.late}回・早退 {totals.early}回（出席した日のみ数えます）")
    if totals.absent_days:
        breakdown = "・".join(
            f"{reason.label} {days}日" for reason, days in totals.absence_by_reason.items() if days
        )
        if totals.long_absence:
            lines.append(
                f"長期欠席（欠席{LONG_ABSENCE_DAYS}日以上）に当たります。"
                f"欠席 {totals.absent_days}日の理由別内訳: {breakdown}"
            )
        else:
            lines.append(f"欠席 {totals.absent_days}日の理由別内訳: {breakdown}")
    if totals.ignored:
        shown = "・".join(_md(day) for day in totals.ignored[:_IGNORED_SHOWN])
        if len(totals.ignored) == 1:
            which = f"{shown}の記録"
        elif len(totals.ignored) <= _IGNORED_SHOWN:
            which = f"{shown}の{len(totals.ignored)}日分の記録"
        else:
            which = f"{shown} など{len(totals.ignored)}日分の記録"
        lines.append(f"{which}は授業日でない日（休業日・臨時休業・在籍期間外）のため数えていません")
    return lines
