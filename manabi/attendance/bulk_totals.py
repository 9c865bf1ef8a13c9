"""Year totals (指導要録 「出欠の記録」) of every class of a school at once, for exports and the
board's yearly counts: the numbers of ``selectors.class_year_totals`` for each class, in five
queries per school instead of six per class, and counted faster.

Speed comes from what pupils share. The pupils of a class share their lesson days and most
share their enrolment, so the count of a month without marks is the same for all of them
(``rules.count_by_month`` once per class calendar and enrolment); a pupil's own count
(``rules.count``) runs only for the few months in which they have marks. Every pupil's year is
summed in one step rather than twelve. For the year alone (``by_month=False``), the marked
days are counted by themselves and put in place of plain days of the shared count.
``tests/test_bulk_totals.py`` checks that the numbers
are those of ``class_year_totals``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from django.db.models import Q

from manabi.attendance import rules, schooldays, selectors
from manabi.attendance.choices import (
    CATEGORY,
    REASON_CATEGORY,
    AbsenceReason,
    ClosureKind,
    MarkStatus,
)
from manabi.attendance.models import CalendarDay, Closure, Mark
from manabi.classes.models import SchoolClass
from manabi.students.models import Enrolment

Months = dict[tuple[int, int], rules.Totals]
Period = tuple[date, date | None]
MarkKey = tuple[str, bool, bool, str]


def _closed_days(
    school_class: SchoolClass, closures: Sequence[Closure], start: date, end: date
) -> frozenset[date]:
    """The 臨時休業 days of the class (its own, its grade's, the school's), as
    ``selectors.class_days`` takes them."""
    days: set[date] = set()
    for c in closures:
        if (
            c.kind == ClosureKind.SCHOOL
            or (c.kind == ClosureKind.GRADE and c.grade == school_class.grade)
            or (c.kind == ClosureKind.CLASS and c.school_class_id == school_class.pk)
        ):
            days.update(schooldays.date_range(max(start, c.start), min(end, c.end)))
    return frozenset(days)


def _day_mark(key: MarkKey) -> rules.DayMark:
    status, late, early, reason = key
    return rules.DayMark(
        category=CATEGORY[MarkStatus(status)],
        late=late,
        early=early,
        reason=REASON_CATEGORY[AbsenceReason(reason)] if reason else None,
    )


def _combine(base: rules.Totals, part: rules.Totals) -> rules.Totals:
    """``base``, a count without marks, with the marked days counted as ``part`` (a count over
    those days alone) counts them. Unmarked lesson days only add 授業日 = 出席しなければならない日
    = 出席日, so the marked days leave ``base`` as such and come back as ``part`` says."""
    return rules.Totals(
        lesson_days=base.lesson_days,
        leave_days=part.leave_days,
        required_days=base.required_days - part.leave_days,
        absent_days=part.absent_days,
        present_days=base.present_days - part.lesson_days + part.present_days,
        late=part.late,
        early=part.early,
        deemed_days=part.deemed_days,
        absence_by_reason=part.absence_by_reason,
        ignored=part.ignored,
    )


def _year(months: Months) -> rules.Totals:
    """The sum of the months, as ``Totals.__add__`` makes it, in one step."""
    reasons = dict.fromkeys(rules.ReasonCategory, 0)
    ignored: list[date] = []
    sums = [0] * 8
    for t in months.values():
        sums[0] += t.lesson_days
        sums[1] += t.leave_days
        sums[2] += t.required_days
        sums[3] += t.absent_days
        sums[4] += t.present_days
        sums[5] += t.late
        sums[6] += t.early
        sums[7] += t.deemed_days
        if t.absent_days:
            for reason, n in t.absence_by_reason.items():
                reasons[reason] += n
        ignored.extend(t.ignored)
    return rules.Totals(
        lesson_days=sums[0],
        leave_days=sums[1],
        required_days=sums[2],
        absent_days=sums[3],
        present_days=sums[4],
        late=sums[5],
        early=sums[6],
        deemed_days=sums[7],
        absence_by_reason=reasons,
        ignored=tuple(ignored),
    )


class _Counter:
    """The months of ``rules.count_by_month`` for the pupils of one school and 年度: the
    no-mark count is shared, and ``rules.count`` runs only for the months a pupil has marks
    in, over that month's lesson days."""

    def __init__(self, fiscal_year: int) -> None:
        self.fiscal_year = fiscal_year
        self.bases: dict[tuple[int, tuple[Period, ...]], Months] = {}
        self.split: dict[int, dict[tuple[int, int], list[date]]] = {}
        self.year_bases: dict[tuple[int, tuple[Period, ...]], rules.Totals] = {}
        self.windows = {
            (y, m): selectors.month_bounds(y, m) for y, m in selectors.fiscal_months(fiscal_year)
        }

    def months(
        self,
        lessons: frozenset[date],
        periods: tuple[Period, ...],
        marks: dict[date, rules.DayMark],
    ) -> Months:
        key = (id(lessons), periods)
        base = self.bases.get(key)
        if base is None:
            base = rules.count_by_month(
                fiscal_year=self.fiscal_year, lesson_days=lessons, enrolled=periods, marks={}
            )
            self.bases[key] = base
        if not marks:
            return base
        by_month: dict[tuple[int, int], dict[date, rules.DayMark]] = {}
        for day, mark in marks.items():
            by_month.setdefault((day.year, day.month), {})[day] = mark
        lessons_by_month = self._lessons_by_month(lessons)
        months = dict(base)
        for month, own in by_month.items():
            if month in months:  # a mark outside the 年度 is left out, as count_by_month does
                start, end = self.windows[month]
                months[month] = rules.count(
                    lesson_days=lessons_by_month[month],
                    enrolled=periods,
                    marks=own,
                    start=start,
                    end=end,
                )
        return months

    def year(
        self,
        lessons: frozenset[date],
        periods: tuple[Period, ...],
        marks: dict[date, rules.DayMark],
    ) -> rules.Totals:
        """The year alone: the shared no-mark count of the year, with the pupil's marked days
        counted by ``rules.count`` over those days only (two ``Totals`` a pupil, not 13)."""
        start, end = schooldays.fiscal_year_bounds(self.fiscal_year)
        key = (id(lessons), periods)
        base = self.year_bases.get(key)
        if base is None:
            base = rules.count(
                lesson_days=lessons, enrolled=periods, marks={}, start=start, end=end
            )
            self.year_bases[key] = base
        if not marks:
            return base
        part = rules.count(
            lesson_days=[d for d in marks if d in lessons],
            enrolled=periods,
            marks=marks,
            start=start,
            end=end,
        )
        return _combine(base, part)

    def _lessons_by_month(self, lessons: frozenset[date]) -> dict[tuple[int, int], list[date]]:
        split = self.split.get(id(lessons))
        if split is None:
            split = {month: [] for month in self.windows}
            for day in sorted(lessons):
                if (day.year, day.month) in split:
                    split[(day.year, day.month)].append(day)
            self.split[id(lessons)] = split
        return split


def school_year_totals(
    school_id: int, fiscal_year: int, *, by_month: bool = True, students: bool = True
) -> dict[int, list[selectors.PupilYear]]:
    """Each class's pupils' totals for the 年度, by class id, as
    ``selectors.class_year_totals(school_class)`` gives them (same pupils, same order, same
    numbers). Five queries whatever the size of the school. ``by_month=False`` counts the
    year only (``months`` is empty): the figures of 指導要録 and of the yearly survey, faster.
    ``students=False`` leaves the pupils' names out (each enrolment has its ids, 出席番号 and
    dates only), for counts that need none.

    Callers check access first (``attendance.permissions``): this reads every class of the
    school."""
    start, end = schooldays.fiscal_year_bounds(fiscal_year)
    classes = list(
        SchoolClass.objects.filter(
            school_id=school_id, fiscal_year=fiscal_year, is_provisional=False
        ).order_by("pk")
    )
    overrides = dict(
        CalendarDay.objects.filter(school_id=school_id, date__range=(start, end)).values_list(
            "date", "is_school_day"
        )
    )
    closures = list(Closure.objects.filter(school_id=school_id, start__lte=end, end__gte=start))
    lessons_by_closed: dict[frozenset[date], frozenset[date]] = {}
    lessons_of: dict[int, frozenset[date]] = {}
    for c in classes:
        closed = _closed_days(c, closures, start, end)
        if closed not in lessons_by_closed:
            lessons_by_closed[closed] = schooldays.lesson_days(
                start=start, end=end, overrides=overrides, closed=closed
            )
        lessons_of[c.pk] = lessons_by_closed[closed]

    by_class: dict[int, dict[int, list[Enrolment]]] = {c.pk: {} for c in classes}
    enrolments = (
        Enrolment.objects.filter(
            school_class_id__in=list(by_class), is_provisional=False, start_date__lte=end
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .order_by("number", "student__family_kana", "student__given_kana", "pk")
    )
    enrolments = (
        enrolments.select_related("student")
        if students
        else enrolments.only(
            "pk", "student_id", "school_class_id", "number", "start_date", "end_date"
        )
    )
    for e in enrolments:
        assert e.school_class_id is not None
        by_class[e.school_class_id].setdefault(e.student_id, []).append(e)

    day_marks: dict[MarkKey, rules.DayMark] = {}
    marks_of: dict[int, dict[date, rules.DayMark]] = defaultdict(dict)
    for student_id, day, status, late, early, reason in Mark.objects.filter(
        school_id=school_id, date__range=(start, end)
    ).values_list("student_id", "date", "status", "late", "early", "reason"):
        key = (status, late, early, reason)
        mark = day_marks.get(key)
        if mark is None:
            mark = day_marks[key] = _day_mark(key)
        marks_of[student_id][day] = mark

    counter = _Counter(fiscal_year)
    no_marks: dict[date, rules.DayMark] = {}
    result: dict[int, list[selectors.PupilYear]] = {}
    for c in classes:
        lessons = lessons_of[c.pk]
        rows = []
        for student_id, own in by_class[c.pk].items():
            periods = tuple((e.start_date, e.end_date) for e in own)
            marks = marks_of.get(student_id, no_marks)
            if by_month:
                months = counter.months(lessons, periods, marks)
                totals = _year(months)
            else:
                months, totals = {}, counter.year(lessons, periods, marks)
            rows.append(selectors.PupilYear(enrolment=own[0], totals=totals, months=months))
        result[c.pk] = rows
    return result
