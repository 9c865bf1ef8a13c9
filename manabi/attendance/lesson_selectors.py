"""Reads of the 欠課簿: the pupils of a 授業クラス, their marks for one lesson (date, 時限), the
month's lessons that have marks, each pupil's 欠課時数 against the board's rule, and the list of
授業クラス with their warnings. Each read is a fixed number of queries, whatever the size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Count

from manabi.attendance import lesson_rules
from manabi.attendance.lesson_models import (
    PERIOD_SYMBOL,
    CreditThreshold,
    LessonAbsence,
    LessonHours,
    PeriodMarkKind,
)
from manabi.attendance.selectors import month_bounds
from manabi.classes.models import LessonClass
from manabi.orgs.models import Organisation
from manabi.students.models import Enrolment, LessonMembership, Student


@dataclass(frozen=True)
class Member:
    """A pupil who takes the 授業クラス, with their 学級 and 出席番号 this 年度."""

    student: Student
    class_label: str
    number: int | None


def lesson_members(lesson: LessonClass) -> list[Member]:
    """The 授業クラス's pupils, by 学級 and 出席番号 (two queries)."""
    students = [
        m.student
        for m in LessonMembership.objects.filter(lesson_class=lesson).select_related("student")
    ]
    placements: dict[int, Enrolment] = {}
    for placed in (
        Enrolment.objects.filter(
            student_id__in=[s.pk for s in students],
            school_id=lesson.school_id,
            fiscal_year=lesson.fiscal_year,
            is_provisional=False,
        )
        .select_related("school_class")
        .order_by("student_id", "start_date")
    ):
        placements[placed.student_id] = placed  # the latest enrolment wins
    members = []
    for student in students:
        enrolment = placements.get(student.pk)
        label = ""
        if enrolment is not None:
            label = (
                enrolment.school_class.label if enrolment.school_class else f"{enrolment.grade}年"
            )
        members.append(
            Member(
                student=student,
                class_label=label,
                number=enrolment.number if enrolment is not None else None,
            )
        )
    members.sort(
        key=lambda m: (m.class_label or "~", m.number or 999, m.student.family_kana, m.student.pk)
    )
    return members


def policy_for_school(school_id: int) -> lesson_rules.Policy:
    """The 単位認定 rule of the school's nearest board that set one, else 1/3 and 80 %
    (two queries)."""
    path = Organisation.objects.filter(pk=school_id).values_list("path", flat=True).first()
    if not path:
        return lesson_rules.DEFAULT_POLICY
    ids = [int(part) for part in path.strip("/").split("/") if part]
    found = {t.board_id: t for t in CreditThreshold.objects.filter(board_id__in=ids)}
    for org_id in reversed(ids):  # nearest first
        if org_id in found:
            return found[org_id].policy
    return lesson_rules.DEFAULT_POLICY


def planned_hours(lesson: LessonClass) -> int | None:
    return LessonHours.objects.filter(lesson_class=lesson).values_list("planned", flat=True).first()


@dataclass(frozen=True)
class PeriodRow:
    """A pupil in one lesson: their mark, or ``None`` (attended)."""

    member: Member
    mark: LessonAbsence | None

    @property
    def state(self) -> str:
        return self.mark.get_kind_display() if self.mark is not None else "出席"


def period_rows(
    lesson: LessonClass, members: Sequence[Member], day: date, period: int
) -> list[PeriodRow]:
    """The pupils of one lesson (date, 時限) with their marks (one query)."""
    marks = {
        m.student_id: m
        for m in LessonAbsence.objects.filter(lesson_class=lesson, date=day, period=period)
    }
    return [PeriodRow(member=m, mark=marks.get(m.student.pk)) for m in members]


@dataclass(frozen=True)
class Lesson:
    """A lesson of the month's grid (date, 時限)."""

    date: date
    period: int


@dataclass(frozen=True)
class GridRow:
    member: Member
    cells: tuple[str, ...]  # the symbol of each lesson of the grid ("" attended)


@dataclass(frozen=True)
class LessonGrid:
    year: int
    month: int
    lessons: tuple[Lesson, ...]
    rows: tuple[GridRow, ...]


def lesson_month_grid(
    lesson: LessonClass,
    members: Sequence[Member],
    year: int,
    month: int,
    *,
    also: Lesson | None = None,
) -> LessonGrid:
    """Pupils × the month's lessons that have a mark (and ``also``, the lesson being entered);
    one query. Lessons nobody missed are not stored, so they do not show."""
    start, end = month_bounds(year, month)
    marks = list(
        LessonAbsence.objects.filter(
            lesson_class=lesson, date__gte=start, date__lte=end
        ).values_list("student_id", "date", "period", "kind")
    )
    seen = {Lesson(d, p) for _, d, p, _ in marks}
    if also is not None and start <= also.date <= end:
        seen.add(also)
    lessons = tuple(sorted(seen, key=lambda x: (x.date, x.period)))
    index = {x: i for i, x in enumerate(lessons)}
    by_pupil: dict[int, list[str]] = {}
    for student_id, day, period, kind in marks:
        cells = by_pupil.setdefault(student_id, [""] * len(lessons))
        cells[index[Lesson(day, period)]] = PERIOD_SYMBOL[PeriodMarkKind(kind)]
    rows = tuple(
        GridRow(member=m, cells=tuple(by_pupil.get(m.student.pk, [""] * len(lessons))))
        for m in members
    )
    return LessonGrid(year=year, month=month, lessons=lessons, rows=rows)


def _tallies(lesson_ids: Iterable[int]) -> dict[int, dict[int, lesson_rules.Tally]]:
    """Each pupil's counts by kind in each 授業クラス (one query)."""
    counts: dict[int, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for lesson_id, student_id, kind, n in (
        LessonAbsence.objects.filter(lesson_class_id__in=list(lesson_ids))
        .values("lesson_class_id", "student_id", "kind")
        .annotate(n=Count("pk"))
        .values_list("lesson_class_id", "student_id", "kind", "n")
        .order_by()
    ):
        counts[lesson_id][student_id][kind] = n
    return {
        lesson_id: {
            student_id: lesson_rules.Tally(
                absences=by_kind.get(lesson_rules.ABSENT, 0),
                lates=by_kind.get(lesson_rules.LATE, 0),
                earlies=by_kind.get(lesson_rules.EARLY, 0),
            )
            for student_id, by_kind in pupils.items()
        }
        for lesson_id, pupils in counts.items()
    }


@dataclass(frozen=True)
class SummaryRow:
    """A pupil's year so far in the 授業クラス."""

    member: Member
    assessment: lesson_rules.Assessment

    @property
    def explanation(self) -> str:
        return lesson_rules.explain(self.assessment)


def lesson_summary(
    lesson: LessonClass,
    members: Sequence[Member],
    planned: int | None,
    policy: lesson_rules.Policy,
) -> list[SummaryRow]:
    """Each pupil's 欠課時数, 遅刻, 早退, threshold and status (one query)."""
    tallies = _tallies([lesson.pk]).get(lesson.pk, {})
    return [
        SummaryRow(
            member=m,
            assessment=lesson_rules.assess(
                tallies.get(m.student.pk, lesson_rules.Tally()), planned, policy
            ),
        )
        for m in members
    ]


@dataclass(frozen=True)
class LessonLine:
    """A 授業クラス in the list: its pupils, planned hours, 欠課 and how many pupils are near
    or over the threshold."""

    lesson: LessonClass
    pupils: int
    planned: int | None
    threshold: int | None
    absences: int
    warnings: int
    over: int
    own: bool


def lesson_lines(
    lessons: Sequence[LessonClass], policy: lesson_rules.Policy, *, own: Iterable[int] = ()
) -> list[LessonLine]:
    """The list of 授業クラス with their 欠課 summary (three queries for any number)."""
    ids = [lesson.pk for lesson in lessons]
    members: dict[int, set[int]] = defaultdict(set)
    for lesson_id, student_id in LessonMembership.objects.filter(
        lesson_class_id__in=ids
    ).values_list("lesson_class_id", "student_id"):
        members[lesson_id].add(student_id)
    planned = dict(
        LessonHours.objects.filter(lesson_class_id__in=ids).values_list(
            "lesson_class_id", "planned"
        )
    )
    tallies = _tallies(ids)
    mine = set(own)
    lines = []
    for lesson in lessons:
        hours = planned.get(lesson.pk)
        pupils = members.get(lesson.pk, set())
        results = [
            lesson_rules.assess(t, hours, policy)
            for student_id, t in tallies.get(lesson.pk, {}).items()
            if student_id in pupils
        ]
        lines.append(
            LessonLine(
                lesson=lesson,
                pupils=len(pupils),
                planned=hours,
                threshold=lesson_rules.threshold_hours(hours, policy.ratio)
                if hours is not None
                else None,
                absences=sum(r.counts.absences for r in results),
                warnings=sum(1 for r in results if r.status == lesson_rules.Status.WARNING),
                over=sum(1 for r in results if r.status == lesson_rules.Status.OVER),
                own=lesson.pk in mine,
            )
        )
    return lines
