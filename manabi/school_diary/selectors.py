"""Reads of the 学校日誌: a day's page with its rows, a month's states, the school's staff on a
day (for 教職員の出張・休暇) and the day's attendance summary per 学年 from the attendance book
(出席簿: ``attendance.Mark``). Constant queries whatever the size of the school."""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from manabi.attendance.choices import CATEGORY, MarkStatus
from manabi.attendance.models import Mark
from manabi.attendance.rules import Category
from manabi.attendance.schooldays import national_holidays
from manabi.people.models import Assignment, Staff, current_assignment_q
from manabi.school_diary import rules
from manabi.school_diary.models import DiaryDay
from manabi.students.models import Enrolment

WEEKDAYS = "月火水木金土日"
# The attendance columns of the page, in the order of the printed 学校日誌.
ATTENDANCE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("enrolled", "在籍"),
    ("absent", "欠席"),
    ("leave", "出席停止・忌引等"),
    ("late", "遅刻"),
    ("early", "早退"),
)


def day_of(school_id: int, day: date) -> DiaryDay | None:
    """The day's page with its rows (``None`` when nothing was written: 未記入)."""
    return (
        DiaryDay.objects.filter(school_id=school_id, date=day)
        .select_related("submitted_by", "approved_by", "updated_by")
        .prefetch_related("visitors", "staff_absences__staff", "reopenings__reopened_by")
        .first()
    )


def staff_on(school_id: int, day: date) -> QuerySet[Staff]:
    """The staff assigned to the school on ``day`` (本務 and 兼務), by ふりがな."""
    here = Assignment.objects.filter(
        current_assignment_q(day), staff=OuterRef("pk"), organisation_id=school_id
    )
    return Staff.objects.filter(Exists(here)).order_by("kana", "staff_number")


@dataclass
class GradeLine:
    label: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(key, 0) for key, _ in ATTENDANCE_COLUMNS]

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "counts": dict(self.counts)}


def _zero() -> dict[str, int]:
    return dict.fromkeys((key for key, _ in ATTENDANCE_COLUMNS), 0)


def attendance_summary(school_id: int, day: date) -> list[GradeLine]:
    """在籍・欠席・出席停止・忌引等・遅刻・早退 per 学年 on ``day`` and a 計 line, from the pupils
    placed at the school that day and their marks in the attendance book (two queries)."""
    placed = dict(
        Enrolment.objects.filter(school_id=school_id, is_provisional=False, start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .values_list("student_id", "grade")
    )
    by_grade: dict[int, dict[str, int]] = defaultdict(_zero)
    for grade in placed.values():
        by_grade[grade]["enrolled"] += 1
    marks = Mark.objects.filter(
        school_id=school_id, date=day, student_id__in=list(placed)
    ).values_list("student_id", "status", "late", "early")
    for student_id, status, late, early in marks:
        counts = by_grade[placed[student_id]]
        category = CATEGORY.get(MarkStatus(status))
        if category == Category.ABSENT:
            counts["absent"] += 1
        elif category == Category.LEAVE:
            counts["leave"] += 1
        counts["late"] += int(late)
        counts["early"] += int(early)
    lines = [GradeLine(f"{g}年", by_grade[g]) for g in sorted(by_grade)]
    total = _zero()
    for line in lines:
        for key in total:
            total[key] += line.counts[key]
    return [*lines, GradeLine("計", total)]


def summary_of(page: DiaryDay | None, school_id: int, day: date) -> list[GradeLine]:
    """The summary an approved page keeps (as it stood when approved), else the live one."""
    if page is not None and page.attendance_snapshot:
        return [GradeLine(r["label"], dict(r["counts"])) for r in page.attendance_snapshot]
    return attendance_summary(school_id, day)


@dataclass(frozen=True)
class CalendarDay:
    day: date
    state: str
    holiday: str

    @property
    def label(self) -> str:
        return rules.state_label(self.state or None)

    @property
    def weekday(self) -> str:
        return WEEKDAYS[self.day.weekday()]

    @property
    def weekend(self) -> bool:
        return self.day.weekday() >= 5


def holidays_of(year: int) -> dict[date, str]:
    try:
        return national_holidays(year)
    except ValueError:
        return {}


def month_days(school_id: int, year: int, month: int) -> list[CalendarDay]:
    """Every day of the month with its state ("" for 未記入) and 祝日 name (one query)."""
    last = calendar.monthrange(year, month)[1]
    start, end = date(year, month, 1), date(year, month, last)
    states = dict(
        DiaryDay.objects.filter(school_id=school_id, date__range=(start, end)).values_list(
            "date", "state"
        )
    )
    holidays = holidays_of(year)
    return [
        CalendarDay(d, states.get(d, ""), holidays.get(d, ""))
        for d in (date(year, month, n) for n in range(1, last + 1))
    ]


def month_weeks(days: list[CalendarDay]) -> list[list[CalendarDay | None]]:
    """The month as weeks from 月曜 to 日曜 (``None`` outside the month; pure)."""
    weeks: list[list[CalendarDay | None]] = []
    week: list[CalendarDay | None] = [None] * days[0].day.weekday()
    for d in days:
        week.append(d)
        if len(week) == 7:
            weeks.append(week)
            week = []
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    return weeks


def pages_of_month(school_id: int, year: int, month: int) -> list[DiaryDay]:
    """The written pages of a month, with their rows, for the month's print."""
    last = calendar.monthrange(year, month)[1]
    return list(
        DiaryDay.objects.filter(
            school_id=school_id, date__range=(date(year, month, 1), date(year, month, last))
        )
        .select_related("submitted_by", "approved_by")
        .prefetch_related("visitors", "staff_absences__staff")
        .order_by("date")
    )
