"""Reads behind the outputs of the attendance book (出席簿): the printed and Excel month of a
class, a class's 年度 per pupil (指導要録 様式2 「出欠の記録」), and the summaries per class,
grade and school, and for a board across its schools (counts only, never names).

A class's month and year come from ``selectors.month_grid`` and ``selectors.class_year_totals``.
The summaries are built from bulk reads — the classes, the enrolments, the calendar, the
臨時休業 and the marks of the whole 年度, one query each whatever the number of pupils or
schools — and counted with the pure rules, month by month as ``rules.count_by_month`` counts
(each month over its own lesson days, which gives the same totals without walking the year
twelve times). A pupil with no mark in the year adds nothing but a head: every number a
summary shows (欠席, 出席停止・忌引等, 遅刻, 早退, 長期欠席) is zero for them, so only pupils with
marks are counted day by day. A 1,000-pupil school's year takes six queries and well under a
second.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from django.db.models import Q, QuerySet

from manabi.attendance import rules, schooldays, selectors
from manabi.attendance.choices import (
    CATEGORY,
    REASON_CATEGORY,
    SYMBOL,
    AbsenceReason,
    ClosureKind,
    MarkStatus,
    MonthState,
)
from manabi.attendance.models import CalendarDay, Closure, Mark, MonthLock
from manabi.attendance.rules import ReasonCategory, Totals
from manabi.classes.models import Duty, DutyKind, SchoolClass
from manabi.core import wareki
from manabi.orgs.models import Organisation
from manabi.students.models import Enrolment

Month = tuple[int, int]
# A month of the 年度, or ``None`` for the whole 年度.
Period = Month | None

# The columns of 「出欠の記録」 in the order of 指導要録 様式2.
TOTALS_HEADER = (
    "授業日数",
    "出席停止・忌引等の日数",
    "出席しなければならない日数",
    "欠席日数",
    "出席日数",
    "遅刻",
    "早退",
)
REASON_LABELS = tuple(reason.label for reason in ReasonCategory)


def totals_cells(totals: Totals) -> list[int]:
    """The numbers of ``totals`` in the order of ``TOTALS_HEADER``."""
    return [
        totals.lesson_days,
        totals.leave_days,
        totals.required_days,
        totals.absent_days,
        totals.present_days,
        totals.late,
        totals.early,
    ]


def reason_cells(by_reason: Mapping[ReasonCategory, int]) -> list[int]:
    """Days by reason category, in the order of ``REASON_LABELS``."""
    return [by_reason.get(reason, 0) for reason in ReasonCategory]


def month_label(year: int, month: int) -> str:
    """和暦 of a month, in the era of its first day: 令和8年12月 (平成31年4月, 令和元年5月)."""
    w = wareki.to_wareki(date(year, month, 1))
    return f"{w.era_name}{'元' if w.year == 1 else w.year}年{month}月"


def period_window(period: Period, fiscal_year: int) -> tuple[date, date]:
    if period is None:
        return schooldays.fiscal_year_bounds(fiscal_year)
    return selectors.month_bounds(*period)


def default_month(fiscal_year: int, today: date) -> Month:
    """The month a class's book opens on: this month within the 年度, else its first month
    (April)."""
    if schooldays.fiscal_year_of(today) == fiscal_year:
        return today.year, today.month
    return fiscal_year, 4


# ---------------------------------------------------------------------------
# A class's month: the printed 出席簿 and its Excel
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetDay:
    """A column of the printed month."""

    day: int
    weekday: str
    lesson: bool
    label: str  # why it is not a 授業日 (休業日, 学級閉鎖, a holiday's name), shown on the column
    weekend: bool


@dataclass(frozen=True)
class SheetCell:
    """A pupil's day on the printed month: the marks' symbols ("" for a day present)."""

    text: str
    lesson: bool
    enrolled: bool


@dataclass(frozen=True)
class SheetRow:
    number: int | None
    name: str
    cells: list[SheetCell]  # one per day of the month
    totals: Totals

    @property
    def totals_cells(self) -> list[int]:
        return totals_cells(self.totals)


@dataclass(frozen=True)
class MonthSheet:
    """A class's month of the 出席簿 as schools print it."""

    school_class: SchoolClass
    school_name: str
    year: int
    month: int
    days: list[SheetDay]
    rows: list[SheetRow]
    class_lesson_days: int
    homeroom: list[str]
    state: MonthState
    locked_at: datetime | None
    closed_at: datetime | None
    digest: str  # the first 16 hex characters of the locked content's SHA-256, or ""
    absent_by_day: list[int]  # pupils absent (欠席) on each day

    @property
    def title(self) -> str:
        return month_label(self.year, self.month)

    @property
    def locked(self) -> bool:
        return self.state == MonthState.LOCKED

    @property
    def totals(self) -> Totals:
        total = Totals.zero()
        for row in self.rows:
            total = total + row.totals
        return total

    @property
    def totals_cells(self) -> list[int]:
        return totals_cells(self.totals)

    @property
    def footer(self) -> list[tuple[SheetDay, int]]:
        return list(zip(self.days, self.absent_by_day, strict=True))


# The symbols a printed month explains in its legend.
LEGEND: tuple[tuple[str, str], ...] = (
    *(
        (SYMBOL[status], status.label)
        for status in MarkStatus
        if status != MarkStatus.PRESENT and SYMBOL[status]
    ),
    ("遅", "遅刻"),
    ("早", "早退"),
    ("備", "出席 (備考あり)"),
)


def day_label(day: selectors.Day) -> str:
    """Why a day is not a 授業日, in the words schools write on the column."""
    if day.lesson:
        return ""
    if day.closure:
        return day.closure
    if day.label:
        return day.label
    return "" if day.date.weekday() >= 5 else "休業日"


def homeroom_teachers(school_class: SchoolClass) -> list[str]:
    """The names of the class's 学級担任 (one query)."""
    return list(
        Duty.objects.filter(school_class_id=school_class.pk, kind=DutyKind.HOMEROOM)
        .order_by("staff__kana", "pk")
        .values_list("staff__name", flat=True)
    )


def month_sheet(school_class: SchoolClass, year: int, month: int) -> MonthSheet:
    """A class's month for printing and Excel: the grid of ``selectors.month_grid`` as plain
    values (nine queries whatever the class size)."""
    grid = selectors.month_grid(school_class, year, month)
    days = [
        SheetDay(
            day=d.date.day,
            weekday=d.weekday,
            lesson=d.lesson,
            label=day_label(d),
            weekend=d.date.weekday() >= 5,
        )
        for d in grid.days
    ]
    rows = [
        SheetRow(
            number=row.enrolment.number,
            name=row.enrolment.student.display_name,
            cells=[
                SheetCell(
                    text=c.symbol if c.lesson and c.enrolled else "",
                    lesson=c.lesson,
                    enrolled=c.enrolled,
                )
                for c in row.cells
            ],
            totals=row.totals,
        )
        for row in grid.rows
    ]
    absent_by_day = [
        sum(
            1
            for row in grid.rows
            if (c := row.cells[i]).enrolled
            and c.lesson
            and c.mark is not None
            and c.mark.status == MarkStatus.ABSENT
        )
        for i in range(len(grid.days))
    ]
    lock = grid.lock
    school = Organisation.objects.filter(pk=school_class.school_id).values_list("name", flat=True)
    return MonthSheet(
        school_class=school_class,
        school_name=school.first() or "",
        year=year,
        month=month,
        days=days,
        rows=rows,
        class_lesson_days=grid.lesson_days,
        homeroom=homeroom_teachers(school_class),
        state=grid.state,
        locked_at=lock.locked_at if lock is not None else None,
        closed_at=lock.closed_at if lock is not None else None,
        digest=(lock.content_sha256[:16] if lock is not None and lock.content_sha256 else ""),
        absent_by_day=absent_by_day,
    )


def month_sheet_header(sheet: MonthSheet) -> list[str]:
    return [
        "出席番号",
        "氏名",
        *(f"{d.day}({d.weekday})" for d in sheet.days),
        *TOTALS_HEADER,
    ]


def month_sheet_rows(sheet: MonthSheet) -> Iterable[list[object]]:
    """The rows of the month's Excel: a first row naming the days that are not 授業日, then one
    row per pupil (a cell outside the pupil's enrolment reads 「－」)."""
    yield [
        "",
        "（授業日でない日）",
        *(("" if d.lesson else (d.label or "休")) for d in sheet.days),
        sheet.class_lesson_days,
        *([""] * (len(TOTALS_HEADER) - 1)),
    ]
    for row in sheet.rows:
        yield [
            row.number,
            row.name,
            *((cell.text if cell.enrolled else "－") for cell in row.cells),
            *totals_cells(row.totals),
        ]


# ---------------------------------------------------------------------------
# A class's 年度 per pupil (指導要録 様式2 出欠の記録)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PupilYearLine:
    number: int | None
    name: str
    totals: Totals
    months: list[tuple[Month, Totals]]
    explain: list[str]

    @property
    def long_absence(self) -> bool:
        return self.totals.long_absence

    @property
    def reasons(self) -> list[tuple[str, int]]:
        return [(r.label, d) for r, d in self.totals.absence_by_reason.items() if d]

    @property
    def cells(self) -> list[int]:
        return totals_cells(self.totals)

    @property
    def month_cells(self) -> list[tuple[str, list[int]]]:
        return [(f"{m}月", totals_cells(t)) for (_, m), t in self.months]


@dataclass(frozen=True)
class ClassMonthLine:
    month: Month
    label: str
    lesson_days: int  # 授業日数 of the class (not of each pupil)
    totals: Totals  # the sum over the pupils
    state: MonthState

    @property
    def long_label(self) -> str:
        return month_label(*self.month)


@dataclass(frozen=True)
class ClassYear:
    school_class: SchoolClass
    pupils: list[PupilYearLine]
    months: list[ClassMonthLine]

    @property
    def long_absent(self) -> int:
        return sum(1 for p in self.pupils if p.long_absence)


def class_year(school_class: SchoolClass) -> ClassYear:
    """The class's 年度: each pupil's 出欠の記録 by month and for the year, with how it is
    counted (``rules.explain``), and the class's months (ten queries)."""
    pupils = [
        PupilYearLine(
            number=p.enrolment.number,
            name=p.enrolment.student.display_name,
            totals=p.totals,
            months=[(m, p.months[m]) for m in selectors.fiscal_months(school_class.fiscal_year)],
            explain=rules.explain(p.totals),
        )
        for p in selectors.class_year_totals(school_class)
    ]
    start, end = schooldays.fiscal_year_bounds(school_class.fiscal_year)
    lessons: dict[Month, int] = defaultdict(int)
    for day in selectors.class_days(school_class, start, end):
        if day.lesson:
            lessons[(day.date.year, day.date.month)] += 1
    states = {
        (lock.year, lock.month): MonthState(lock.state)
        for lock in MonthLock.objects.filter(school_class_id=school_class.pk)
    }
    months = []
    for index, m in enumerate(selectors.fiscal_months(school_class.fiscal_year)):
        total = Totals.zero()
        for p in pupils:
            total = total + p.months[index][1]
        months.append(
            ClassMonthLine(
                month=m,
                label=f"{m[1]}月",
                lesson_days=lessons[m],
                totals=total,
                state=states.get(m, MonthState.OPEN),
            )
        )
    return ClassYear(school_class=school_class, pupils=pupils, months=months)


CLASS_YEAR_HEADER = (
    "出席番号",
    "氏名",
    "月",
    *TOTALS_HEADER,
    "出席扱い",
    *(f"欠席理由 {label}" for label in REASON_LABELS),
    "長期欠席",
)


def class_year_rows(year: ClassYear) -> Iterable[list[object]]:
    """One row per pupil and month, then the pupil's 年間 row."""
    for p in year.pupils:
        for (_, m), t in p.months:
            yield [p.number, p.name, f"{m}月", *_year_cells(t), ""]
        yield [
            p.number,
            p.name,
            "年間",
            *_year_cells(p.totals),
            "長期欠席" if p.long_absence else "",
        ]


def _year_cells(t: Totals) -> list[int]:
    return [*totals_cells(t), t.deemed_days, *reason_cells(t.absence_by_reason)]


# ---------------------------------------------------------------------------
# Summaries of a school and of a board's schools (bulk)
# ---------------------------------------------------------------------------


def _reasons_zero() -> dict[ReasonCategory, int]:
    return dict.fromkeys(ReasonCategory, 0)


@dataclass(frozen=True)
class Figures:
    """What a summary shows of a group of pupils over a period (counts only).

    ``pupils`` are the pupils on the group's books on some day of the period (a pupil who moved
    out is counted where they were). ``long_absent`` are the pupils absent 30 days or more from
    the start of the 年度 to the end of the period (for a month: so far), and
    ``long_absence_by_reason`` their absences by reason category over the same days.
    """

    pupils: int = 0
    absent_days: int = 0
    leave_days: int = 0
    late: int = 0
    early: int = 0
    long_absent: int = 0
    long_absence_by_reason: Mapping[ReasonCategory, int] = field(default_factory=_reasons_zero)

    @property
    def reason_cells(self) -> list[int]:
        return reason_cells(self.long_absence_by_reason)

    @property
    def reasons(self) -> list[tuple[str, int]]:
        """(label, days) of the long-absent pupils' absences, every reason category."""
        return [(r.label, self.long_absence_by_reason.get(r, 0)) for r in ReasonCategory]


@dataclass(frozen=True)
class _Placement:
    """One pupil in one class of a school for the 年度, with their counts there (empty
    ``cumulative`` when they have no mark: every count is zero)."""

    school_id: int
    class_id: int
    grade: int
    student_id: int
    periods: tuple[tuple[date, date | None], ...]
    months: Mapping[Month, Totals]
    cumulative: Mapping[Month, Totals]

    def enrolled_between(self, start: date, end: date) -> bool:
        return any(s <= end and (e is None or e >= start) for s, e in self.periods)


def _figures(placements: Sequence[_Placement], period: Period, fiscal_year: int) -> Figures:
    start, end = period_window(period, fiscal_year)
    last: Month = period if period is not None else (fiscal_year + 1, 3)
    present = [p for p in placements if p.enrolled_between(start, end)]
    absent = leave = late = early = 0
    so_far: dict[int, list[Totals]] = defaultdict(list)
    for p in present:
        if not p.months:
            continue
        t = p.cumulative[last] if period is None else p.months[period]
        absent += t.absent_days
        leave += t.leave_days
        late += t.late
        early += t.early
        so_far[p.student_id].append(p.cumulative[last])
    long_absent = 0
    by_reason = _reasons_zero()
    for parts in so_far.values():
        if sum(t.absent_days for t in parts) >= rules.LONG_ABSENCE_DAYS:
            long_absent += 1
            for t in parts:
                for reason, days in t.absence_by_reason.items():
                    by_reason[reason] += days
    return Figures(
        pupils=len({p.student_id for p in present}),
        absent_days=absent,
        leave_days=leave,
        late=late,
        early=early,
        long_absent=long_absent,
        long_absence_by_reason=by_reason,
    )


@cache
def _day_mark(status: str, reason: str, late: bool, early: bool) -> rules.DayMark:
    """As ``selectors.day_mark``, from the values of a mark (a few dozen distinct ones)."""
    return rules.DayMark(
        category=CATEGORY[MarkStatus(status)],
        late=late,
        early=early,
        reason=REASON_CATEGORY[AbsenceReason(reason)] if reason else None,
    )


def _covers(closure: Closure, school_class: SchoolClass) -> bool:
    return (
        closure.kind == ClosureKind.SCHOOL
        or (closure.kind == ClosureKind.GRADE and closure.grade == school_class.grade)
        or (closure.kind == ClosureKind.CLASS and closure.school_class_id == school_class.pk)
    )


@dataclass
class _Year:
    """The bulk reads of one 年度 of some schools, counted."""

    fiscal_year: int
    classes: list[SchoolClass]
    lesson_days: dict[int, frozenset[date]]  # by class
    placements: list[_Placement]


def _read_year(schools: QuerySet[Any] | Sequence[int], fiscal_year: int) -> _Year:
    """Five queries: classes, enrolments, calendar, 臨時休業 and marks of the schools' 年度."""
    start, end = schooldays.fiscal_year_bounds(fiscal_year)
    classes_qs = SchoolClass.objects.filter(
        school_id__in=schools, fiscal_year=fiscal_year, is_provisional=False
    )
    classes = list(classes_qs.order_by("school_id", "grade", "order", "name"))
    by_id = {c.pk: c for c in classes}

    overrides: dict[int, dict[date, bool]] = defaultdict(dict)
    for school_id, day, lesson in CalendarDay.objects.filter(
        school_id__in=schools, date__range=(start, end)
    ).values_list("school_id", "date", "is_school_day"):
        overrides[school_id][day] = lesson
    closures: dict[int, list[Closure]] = defaultdict(list)
    for closure in Closure.objects.filter(school_id__in=schools, start__lte=end, end__gte=start):
        closures[closure.school_id].append(closure)
    base = {
        school_id: schooldays.lesson_days(
            start=start, end=end, overrides=overrides.get(school_id, {})
        )
        for school_id in {c.school_id for c in classes}
    }
    lesson_days: dict[int, frozenset[date]] = {}
    for c in classes:
        closed: set[date] = set()
        for closure in closures.get(c.school_id, []):
            if _covers(closure, c):
                closed.update(
                    schooldays.date_range(max(start, closure.start), min(end, closure.end))
                )
        lesson_days[c.pk] = base[c.school_id] - closed

    periods: dict[tuple[int, int], list[tuple[date, date | None]]] = defaultdict(list)
    for class_id, student_id, first, last in (
        Enrolment.objects.filter(school_class__in=classes_qs, is_provisional=False)
        .filter(start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .values_list("school_class_id", "student_id", "start_date", "end_date")
        .order_by("school_class_id", "student_id", "start_date")
    ):
        periods[(class_id, student_id)].append((first, last))

    marks: dict[tuple[int, int], dict[date, rules.DayMark]] = defaultdict(dict)
    for school_id, student_id, day, status, reason, late, early in (
        Mark.objects.filter(school_id__in=schools, date__range=(start, end))
        .values_list("school_id", "student_id", "date", "status", "reason", "late", "early")
        .iterator(chunk_size=5000)
    ):
        marks[(school_id, student_id)][day] = _day_mark(status, reason, late, early)

    months = selectors.fiscal_months(fiscal_year)
    # Each class's lesson days month by month: counting a month over its own days is what
    # ``rules.count_by_month`` does over the year's, without walking the year twelve times.
    lessons_by_month: dict[int, dict[Month, frozenset[date]]] = {}
    for class_id, days in lesson_days.items():
        split: dict[Month, set[date]] = {m: set() for m in months}
        for d in days:
            split[(d.year, d.month)].add(d)
        lessons_by_month[class_id] = {m: frozenset(ds) for m, ds in split.items()}
    placements = []
    for (class_id, student_id), own in periods.items():
        c = by_id[class_id]
        own_marks = marks.get((c.school_id, student_id))
        by_month: dict[Month, Totals] = {}
        cumulative: dict[Month, Totals] = {}
        if own_marks:
            by_month = {
                m: rules.count(
                    lesson_days=lessons_by_month[class_id][m],
                    enrolled=own,
                    marks=own_marks,
                    start=selectors.month_bounds(*m)[0],
                    end=selectors.month_bounds(*m)[1],
                )
                for m in months
            }
            running = Totals.zero()
            for m in months:
                running = running + by_month[m]
                cumulative[m] = running
        placements.append(
            _Placement(
                school_id=c.school_id,
                class_id=class_id,
                grade=c.grade,
                student_id=student_id,
                periods=tuple(own),
                months=by_month,
                cumulative=cumulative,
            )
        )
    return _Year(
        fiscal_year=fiscal_year, classes=classes, lesson_days=lesson_days, placements=placements
    )


@dataclass(frozen=True)
class SummaryRow:
    """A line of a school's summary: a class, a grade's subtotal or the school."""

    level: str  # "class", "grade" or "school"
    label: str
    lesson_days: int | None  # 授業日数 of a class; a grade or school has none of its own
    figures: Figures


@dataclass(frozen=True)
class SchoolMonthLine:
    month: Month
    label: str
    figures: Figures
    locked: int  # classes whose month is locked
    classes: int

    @property
    def key(self) -> str:
        return f"{self.month[0]:04d}-{self.month[1]:02d}"


@dataclass
class SchoolSummary:
    """A school's 年度 in numbers: per class, grade and the school, per month and the year."""

    school_id: int
    fiscal_year: int
    classes: list[SchoolClass]
    _year: _Year
    _locks: dict[Month, int]

    def rows(self, period: Period = None) -> list[SummaryRow]:
        """The classes grade by grade, each grade's subtotal, then the school."""
        start, end = period_window(period, self.fiscal_year)
        placements = self._year.placements
        by_class: dict[int, list[_Placement]] = defaultdict(list)
        by_grade: dict[int, list[_Placement]] = defaultdict(list)
        for p in placements:
            by_class[p.class_id].append(p)
            by_grade[p.grade].append(p)
        result: list[SummaryRow] = []
        grades = sorted({c.grade for c in self.classes})
        for grade in grades:
            for c in (c for c in self.classes if c.grade == grade):
                days = sum(1 for d in self._year.lesson_days[c.pk] if start <= d <= end)
                result.append(
                    SummaryRow(
                        "class",
                        c.label,
                        days,
                        _figures(by_class[c.pk], period, self.fiscal_year),
                    )
                )
            result.append(
                SummaryRow(
                    "grade",
                    f"{grade}年 計",
                    None,
                    _figures(by_grade[grade], period, self.fiscal_year),
                )
            )
        result.append(SummaryRow("school", "学校全体", None, self.school(period)))
        return result

    def school(self, period: Period = None) -> Figures:
        return _figures(self._year.placements, period, self.fiscal_year)

    def months(self) -> list[SchoolMonthLine]:
        """The school as a whole, month by month."""
        return [
            SchoolMonthLine(
                month=m,
                label=f"{m[1]}月",
                figures=self.school(m),
                locked=self._locks.get(m, 0),
                classes=len(self.classes),
            )
            for m in selectors.fiscal_months(self.fiscal_year)
        ]


def school_summary(school_id: int, fiscal_year: int) -> SchoolSummary:
    """A school's summary (six queries, whatever the number of pupils)."""
    year = _read_year([school_id], fiscal_year)
    locks: dict[Month, int] = defaultdict(int)
    for y, m in MonthLock.objects.filter(
        school_class__in=[c.pk for c in year.classes], state=MonthState.LOCKED
    ).values_list("year", "month"):
        locks[(y, m)] += 1
    return SchoolSummary(
        school_id=school_id,
        fiscal_year=fiscal_year,
        classes=year.classes,
        _year=year,
        _locks=dict(locks),
    )


@dataclass(frozen=True)
class SchoolCounts:
    """A school as a board sees it: counts, never names."""

    school_id: int
    name: str
    figures: Figures


def _sum(figures: Sequence[Figures]) -> Figures:
    by_reason = _reasons_zero()
    for f in figures:
        for reason, days in f.long_absence_by_reason.items():
            by_reason[reason] += days
    return Figures(
        pupils=sum(f.pupils for f in figures),
        absent_days=sum(f.absent_days for f in figures),
        leave_days=sum(f.leave_days for f in figures),
        late=sum(f.late for f in figures),
        early=sum(f.early for f in figures),
        long_absent=sum(f.long_absent for f in figures),
        long_absence_by_reason=by_reason,
    )


@dataclass(frozen=True)
class BoardCounts:
    schools: list[SchoolCounts]
    total: Figures


def board_counts(
    schools: QuerySet[Organisation], fiscal_year: int, period: Period = None
) -> BoardCounts:
    """Each school of ``schools`` for the period, as counts (seven queries whatever the number
    of schools and pupils). A pupil who moved between two of the schools counts at each."""
    listed = list(schools.order_by("path").values_list("pk", "name"))
    year = _read_year(schools.values("pk"), fiscal_year)
    by_school: dict[int, list[_Placement]] = defaultdict(list)
    for p in year.placements:
        by_school[p.school_id].append(p)
    rows = [
        SchoolCounts(school_id=pk, name=name, figures=_figures(by_school[pk], period, fiscal_year))
        for pk, name in listed
    ]
    return BoardCounts(schools=rows, total=_sum([r.figures for r in rows]))
