"""Reads of the attendance book: a class's month (pupils × days with their marks and the
guardians' notices), lesson days, totals through ``rules``, and the day's roll calls.

Every read of pupils goes through a class the caller has fetched with
``attendance.permissions.access_book``; costs are constant in the number of pupils and days.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from manabi.attendance import rules, schooldays
from manabi.attendance.choices import (
    CATEGORY,
    REASON_CATEGORY,
    SYMBOL,
    AbsenceReason,
    ClosureKind,
    MarkStatus,
    MonthState,
    NoticeStatus,
)
from manabi.attendance.models import (
    AbsenceNotice,
    AbsenceReasonOption,
    CalendarDay,
    Closure,
    Mark,
    MonthLock,
    RollCall,
    Unlock,
)
from manabi.classes.models import SchoolClass
from manabi.orgs.models import Organisation
from manabi.students.models import Enrolment


@dataclass(frozen=True)
class ReasonOption:
    """A 欠席の理由 a school offers: its name, and the shipped reason it counts as."""

    label: str
    reason: AbsenceReason


SHIPPED_REASONS = tuple(ReasonOption(r.label, r) for r in AbsenceReason)


def reason_options(school_id: int | None) -> tuple[ReasonOption, ...]:
    """The 欠席の理由 of the school's nearest board that has set its own list (active ones, in
    its order); the shipped list otherwise. Two queries."""
    path = (
        Organisation.objects.filter(pk=school_id).values_list("path", flat=True).first()
        if school_id is not None
        else None
    )
    ids = [int(part) for part in (path or "").strip("/").split("/") if part]
    by_board: dict[int, list[ReasonOption]] = defaultdict(list)
    for option in AbsenceReasonOption.objects.filter(board_id__in=ids, active=True):
        by_board[option.board_id].append(ReasonOption(option.label, AbsenceReason(option.reason)))
    for org_id in reversed(ids):  # the nearest board first
        if by_board.get(org_id):
            return tuple(by_board[org_id])
    return SHIPPED_REASONS


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def fiscal_months(fiscal_year: int) -> list[tuple[int, int]]:
    """(year, month) of the 年度's twelve months, April first."""
    return [(fiscal_year if m >= 4 else fiscal_year + 1, m) for m in (*range(4, 13), 1, 2, 3)]


@dataclass(frozen=True)
class Day:
    """A day of a class's month: whether it is a 授業日 for the class, and why not."""

    date: date
    lesson: bool
    label: str = ""
    closure: str = ""

    @property
    def weekday(self) -> str:
        return "月火水木金土日"[self.date.weekday()]


def overrides_of(school_id: int, start: date, end: date) -> dict[date, CalendarDay]:
    return {
        d.date: d for d in CalendarDay.objects.filter(school_id=school_id, date__range=(start, end))
    }


def closures_for(school_class: SchoolClass, start: date, end: date) -> QuerySet[Closure]:
    """The 臨時休業 that take in the class (its own, its grade's, the school's)."""
    return Closure.objects.filter(
        school_id=school_class.school_id, start__lte=end, end__gte=start
    ).filter(
        Q(kind=ClosureKind.SCHOOL)
        | Q(kind=ClosureKind.GRADE, grade=school_class.grade)
        | Q(kind=ClosureKind.CLASS, school_class_id=school_class.pk)
    )


def class_days(school_class: SchoolClass, start: date, end: date) -> list[Day]:
    """The days from ``start`` to ``end`` as the class has them (two queries)."""
    overrides = overrides_of(school_class.school_id, start, end)
    closed: dict[date, str] = {}
    for closure in closures_for(school_class, start, end):
        for d in schooldays.date_range(max(start, closure.start), min(end, closure.end)):
            closed.setdefault(d, closure.get_kind_display())
    lessons = schooldays.lesson_days(
        start=start,
        end=end,
        overrides={d: o.is_school_day for d, o in overrides.items()},
        closed=closed.keys(),
    )
    days = []
    for d in schooldays.date_range(start, end):
        override = overrides.get(d)
        label = override.note if override is not None else ""
        days.append(Day(date=d, lesson=d in lessons, label=label, closure=closed.get(d, "")))
    return days


def enrolments_of_class(
    school_class: SchoolClass, start: date, end: date, *, student_id: int | None = None
) -> list[Enrolment]:
    """The pupils placed in the class at some point between ``start`` and ``end``, in 出席番号
    order (a pupil who left mid-month stays on that month's page); or only ``student_id``."""
    qs = Enrolment.objects.filter(
        school_class_id=school_class.pk,
        is_provisional=False,
        start_date__lte=end,
    )
    if student_id is not None:
        qs = qs.filter(student_id=student_id)
    return list(
        qs.filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .select_related("student")
        .order_by("number", "student__family_kana", "student__given_kana", "pk")
    )


def marks_between(
    school_id: int, student_ids: Iterable[int], start: date, end: date
) -> dict[tuple[int, date], Mark]:
    return {
        (m.student_id, m.date): m
        for m in Mark.objects.filter(
            school_id=school_id, student_id__in=list(student_ids), date__range=(start, end)
        )
    }


def pending_notices(
    school_id: int, student_ids: Iterable[int], start: date, end: date
) -> dict[tuple[int, date], AbsenceNotice]:
    """Guardians' notices not yet handled, by pupil and date (the latest one wins)."""
    found: dict[tuple[int, date], AbsenceNotice] = {}
    for notice in (
        AbsenceNotice.objects.filter(
            school_id=school_id,
            student_id__in=list(student_ids),
            date__range=(start, end),
            status=NoticeStatus.RECEIVED,
        )
        .select_related("guardian")
        .order_by("received_at", "pk")
    ):
        found[(notice.student_id, notice.date)] = notice
    return found


def month_lock(school_class: SchoolClass, year: int, month: int) -> MonthLock | None:
    return MonthLock.objects.filter(school_class_id=school_class.pk, year=year, month=month).first()


def month_state(school_class: SchoolClass, year: int, month: int) -> MonthState:
    lock = month_lock(school_class, year, month)
    return MonthState(lock.state) if lock is not None else MonthState.OPEN


def day_mark(mark: Mark | None) -> rules.DayMark | None:
    if mark is None:
        return None
    return rules.DayMark(
        category=CATEGORY[MarkStatus(mark.status)],
        late=mark.late,
        early=mark.early,
        reason=REASON_CATEGORY[AbsenceReason(mark.reason)] if mark.reason else None,
    )


def enrolled_periods(enrolments: Sequence[Enrolment]) -> list[tuple[date, date | None]]:
    return [(e.start_date, e.end_date) for e in enrolments]


@dataclass
class Cell:
    date: date
    lesson: bool
    enrolled: bool
    mark: Mark | None = None
    notice: AbsenceNotice | None = None

    @property
    def symbol(self) -> str:
        if self.mark is None:
            return ""
        text = SYMBOL[MarkStatus(self.mark.status)]
        if self.mark.late:
            text += "遅"
        if self.mark.early:
            text += "早"
        return text or ("備" if self.mark.note else "")

    @property
    def title(self) -> str:
        """What the cell means, in words (for the tooltip and screen readers)."""
        if not self.enrolled:
            return "在籍期間外"
        if not self.lesson:
            return "授業日ではありません"
        parts = []
        if self.mark is None:
            parts.append("出席")
        else:
            parts.append(self.mark.get_status_display())
            if self.mark.reason:
                parts.append(self.mark.reason_label or self.mark.get_reason_display())
            if self.mark.deemed_kind:
                parts.append(self.mark.get_deemed_kind_display())
            if self.mark.late:
                parts.append(
                    "遅刻" + (f" {self.mark.arrived_at:%H:%M}" if self.mark.arrived_at else "")
                )
            if self.mark.early:
                parts.append("早退" + (f" {self.mark.left_at:%H:%M}" if self.mark.left_at else ""))
            if self.mark.detail:
                parts.append(self.mark.detail)
            if self.mark.note:
                parts.append(self.mark.note)
        if self.notice is not None:
            parts.append(f"保護者から{self.notice.get_kind_display()}の連絡あり")
        return "・".join(parts)


@dataclass
class Row:
    enrolment: Enrolment
    cells: list[Cell]
    totals: rules.Totals
    periods: list[tuple[date, date | None]] = field(default_factory=list)


@dataclass
class MonthGrid:
    school_class: SchoolClass
    year: int
    month: int
    days: list[Day]
    rows: list[Row]
    lock: MonthLock | None
    unlocks: list[Unlock]
    notices: list[AbsenceNotice]

    @property
    def state(self) -> MonthState:
        return MonthState(self.lock.state) if self.lock is not None else MonthState.OPEN

    @property
    def open(self) -> bool:
        return self.state == MonthState.OPEN

    @property
    def lesson_days(self) -> int:
        return sum(1 for d in self.days if d.lesson)


def month_grid(
    school_class: SchoolClass, year: int, month: int, *, student_id: int | None = None
) -> MonthGrid:
    """A class's month: pupils × days, with marks, guardians' notices and each pupil's month
    totals (or one pupil's row, to redraw it). Eight queries whatever the class size."""
    start, end = month_bounds(year, month)
    days = class_days(school_class, start, end)
    lesson_set = frozenset(d.date for d in days if d.lesson)
    enrolments = enrolments_of_class(school_class, start, end, student_id=student_id)
    by_student: dict[int, list[Enrolment]] = defaultdict(list)
    for e in enrolments:
        by_student[e.student_id].append(e)
    ids = list(by_student)
    marks = marks_between(school_class.school_id, ids, start, end)
    notices = pending_notices(school_class.school_id, ids, start, end)
    rows = []
    for pupil_id, own in by_student.items():
        periods = enrolled_periods(own)
        cells = []
        for day in days:
            enrolled = any(s <= day.date and (e is None or day.date <= e) for s, e in periods)
            cells.append(
                Cell(
                    date=day.date,
                    lesson=day.lesson,
                    enrolled=enrolled,
                    mark=marks.get((pupil_id, day.date)),
                    notice=notices.get((pupil_id, day.date)),
                )
            )
        own_marks = {
            cell.date: dm
            for cell in cells
            if cell.mark is not None and (dm := day_mark(cell.mark)) is not None
        }
        totals = rules.count(lesson_days=lesson_set, enrolled=periods, marks=own_marks)
        rows.append(Row(enrolment=own[0], cells=cells, totals=totals, periods=periods))
    lock = month_lock(school_class, year, month)
    unlocks = list(
        Unlock.objects.filter(
            school_class_id=school_class.pk, year=year, month=month
        ).select_related("unlocked_by")
    )
    return MonthGrid(
        school_class=school_class,
        year=year,
        month=month,
        days=days,
        rows=rows,
        lock=lock,
        unlocks=unlocks,
        notices=sorted(notices.values(), key=lambda n: (n.date, n.received_at)),
    )


def is_lesson_day(school_class: SchoolClass, day: date) -> bool:
    return any(d.lesson for d in class_days(school_class, day, day))


@dataclass(frozen=True)
class PupilYear:
    enrolment: Enrolment
    totals: rules.Totals
    months: dict[tuple[int, int], rules.Totals]


def class_year_totals(school_class: SchoolClass) -> list[PupilYear]:
    """Each pupil's totals for the class's 年度, by month and for the year (as 指導要録 様式2
    counts them): six queries."""
    start, end = schooldays.fiscal_year_bounds(school_class.fiscal_year)
    days = class_days(school_class, start, end)
    lesson_set = frozenset(d.date for d in days if d.lesson)
    enrolments = enrolments_of_class(school_class, start, end)
    by_student: dict[int, list[Enrolment]] = defaultdict(list)
    for e in enrolments:
        by_student[e.student_id].append(e)
    marks = marks_between(school_class.school_id, by_student, start, end)
    per_student: dict[int, dict[date, rules.DayMark]] = defaultdict(dict)
    for (sid, d), m in marks.items():
        dm = day_mark(m)
        if dm is not None:
            per_student[sid][d] = dm
    result = []
    for sid, own in by_student.items():
        months = rules.count_by_month(
            fiscal_year=school_class.fiscal_year,
            lesson_days=lesson_set,
            enrolled=enrolled_periods(own),
            marks=per_student[sid],
        )
        total = rules.Totals.zero()
        for t in months.values():
            total = total + t
        result.append(PupilYear(enrolment=own[0], totals=total, months=months))
    return result


@dataclass(frozen=True)
class RollCallRow:
    school_class: SchoolClass
    lesson: bool
    taken: RollCall | None
    absent: int
    notices: int


def roll_calls_on(classes: Sequence[SchoolClass], day: date) -> list[RollCallRow]:
    """For the office and the principal: which classes have taken the day's attendance
    (「未確認」), with the day's absences and unhandled notices. Constant queries."""
    if not classes:
        return []
    school_id = classes[0].school_id
    taken = {
        r.school_class_id: r
        for r in RollCall.objects.filter(
            school_class_id__in=[c.pk for c in classes], date=day
        ).select_related("taken_by")
    }
    placed = dict(
        Enrolment.objects.filter(
            school_class_id__in=[c.pk for c in classes], is_provisional=False, start_date__lte=day
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .values_list("student_id", "school_class_id")
    )
    absent: dict[int, int] = defaultdict(int)
    for sid in (
        Mark.objects.filter(school_id=school_id, date=day, student_id__in=list(placed))
        .exclude(status=MarkStatus.PRESENT)
        .values_list("student_id", flat=True)
    ):
        absent[placed[sid]] += 1
    notices: dict[int, int] = defaultdict(int)
    for sid in AbsenceNotice.objects.filter(
        school_id=school_id, date=day, status=NoticeStatus.RECEIVED, student_id__in=list(placed)
    ).values_list("student_id", flat=True):
        notices[placed[sid]] += 1
    overrides = overrides_of(school_id, day, day)
    closures = list(Closure.objects.filter(school_id=school_id, start__lte=day, end__gte=day))
    rows = []
    for c in classes:
        closed = any(
            x.kind == ClosureKind.SCHOOL
            or (x.kind == ClosureKind.GRADE and x.grade == c.grade)
            or (x.kind == ClosureKind.CLASS and x.school_class_id == c.pk)
            for x in closures
        )
        lesson = bool(
            schooldays.lesson_days(
                start=day,
                end=day,
                overrides={d: o.is_school_day for d, o in overrides.items()},
                closed=[day] if closed else [],
            )
        )
        rows.append(
            RollCallRow(
                school_class=c,
                lesson=lesson,
                taken=taken.get(c.pk),
                absent=absent[c.pk],
                notices=notices[c.pk],
            )
        )
    return rows


# The version of ``content_digest``'s payload. 2: the marks carry ``reason_label`` (the board's
# own name of the reason), so that changing only that name changes the hash. Months locked
# before keep the hash version 1 gave them; nothing re-computes a stored hash to compare it,
# so a lock's ``content_sha256`` is a record of what was locked, not something to verify with
# the current version.
DIGEST_VERSION = 2


def content_digest(school_class: SchoolClass, year: int, month: int) -> str:
    """SHA-256 of a class's month as it stands: the days and every mark of its pupils, with
    every field a teacher enters (version ``DIGEST_VERSION``)."""
    import hashlib
    import json

    grid = month_grid(school_class, year, month)
    payload = {
        "version": DIGEST_VERSION,
        "class": school_class.pk,
        "month": f"{year:04d}-{month:02d}",
        "days": [[d.date.isoformat(), d.lesson] for d in grid.days],
        "marks": sorted(
            [
                row.enrolment.student_id,
                c.date.isoformat(),
                c.mark.status,
                c.mark.reason,
                c.mark.reason_label,
                c.mark.deemed_kind,
                c.mark.detail,
                c.mark.late,
                c.mark.early,
                c.mark.arrived_at.isoformat() if c.mark.arrived_at else "",
                c.mark.left_at.isoformat() if c.mark.left_at else "",
                c.mark.note,
            ]
            for row in grid.rows
            for c in row.cells
            if c.mark is not None
        ),
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _own_class_ids(acting: Any, fiscal_year: int) -> QuerySet[Any]:
    """The 学級 the acting person is 学級担任・副担任 of in the 年度 (a subquery)."""
    from manabi.classes.models import CLASS_DUTIES, Duty

    staff_id = acting.account.staff_id if acting.account is not None else None
    return Duty.objects.filter(
        staff_id=staff_id or 0,
        school_id=acting.organisation.pk,
        fiscal_year=fiscal_year,
        kind__in=CLASS_DUTIES,
    ).values("school_class_id")


def classes_unchecked(acting: Any, day: date, *, own_only: bool) -> QuerySet[SchoolClass]:
    """Classes whose attendance for ``day`` is not yet taken, on a 授業日 of theirs: the acting
    person's own (``own_only``) or the school's. One query (the calendar and closures are
    subqueries)."""
    if acting.organisation is None or acting.organisation.kind != "school":
        return SchoolClass.objects.none()
    fiscal_year = schooldays.fiscal_year_of(day)
    qs = SchoolClass.objects.filter(
        school_id=acting.organisation.pk, fiscal_year=fiscal_year, is_provisional=False
    )
    if own_only:
        qs = qs.filter(pk__in=_own_class_ids(acting, fiscal_year))
    override = CalendarDay.objects.filter(school_id=OuterRef("school_id"), date=day)
    if day.weekday() < 5:
        qs = qs.exclude(Exists(override.filter(is_school_day=False)))
    else:
        qs = qs.filter(Exists(override.filter(is_school_day=True)))
    closed = Closure.objects.filter(
        school_id=OuterRef("school_id"), start__lte=day, end__gte=day
    ).filter(
        Q(kind=ClosureKind.SCHOOL)
        | Q(kind=ClosureKind.GRADE, grade=OuterRef("grade"))
        | Q(kind=ClosureKind.CLASS, school_class_id=OuterRef("pk"))
    )
    taken = RollCall.objects.filter(school_class_id=OuterRef("pk"), date=day)
    return qs.exclude(Exists(closed)).exclude(Exists(taken)).order_by("grade", "order", "name")


def notices_waiting(acting: Any) -> QuerySet[AbsenceNotice]:
    """Guardians' notices not yet handled for the pupils of the acting person's own classes
    (one query)."""
    if acting.organisation is None or acting.organisation.kind != "school":
        return AbsenceNotice.objects.none()
    fiscal_year = schooldays.fiscal_year_of(timezone.localdate())
    pupils = Enrolment.objects.filter(
        school_class_id__in=_own_class_ids(acting, fiscal_year), is_provisional=False
    ).values("student_id")
    return AbsenceNotice.objects.filter(
        school_id=acting.organisation.pk, status=NoticeStatus.RECEIVED, student_id__in=pupils
    )


def months_awaiting_lock(acting: Any) -> QuerySet[MonthLock]:
    """Months the school's 学級担当 have closed and nobody has locked yet (one query)."""
    if acting.organisation is None or acting.organisation.kind != "school":
        return MonthLock.objects.none()
    return MonthLock.objects.filter(
        school_class__school_id=acting.organisation.pk, state=MonthState.CLOSED
    ).select_related("school_class")
