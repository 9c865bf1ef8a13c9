"""Reads of pupils and enrolments, always through a ``Reach`` (別表1 scope) so that every
list is narrowed the same way: a 学級担当 teacher's list holds only their classes' pupils
(homeroom or taught 授業クラス), a 学年担当 their grades', a 管理者 the school's."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from manabi.access.decisions import Target
from manabi.access.selectors import Reach
from manabi.accounts.scopes import ClassRef
from manabi.classes.models import SchoolClass
from manabi.students.models import (
    PRESENT_STATUSES,
    Enrolment,
    LessonMembership,
    Student,
    Transfer,
    TransferStatus,
)


def enrolments_in_reach(
    reach: Reach, *, present_only: bool = False, provisional: bool = False
) -> QuerySet[Enrolment]:
    """Enrolments of the reach's school and 年度 that the reach covers (constant queries)."""
    school_id = reach.standing.school_id
    if reach.nothing or school_id is None:
        return Enrolment.objects.none()
    qs = Enrolment.objects.filter(
        school_id=school_id, fiscal_year=reach.fiscal_year, is_provisional=provisional
    )
    if present_only:
        qs = qs.filter(status__in=PRESENT_STATUSES)
    if not reach.everything:
        taught = LessonMembership.objects.filter(lesson_class_id__in=reach.lesson_class_ids).values(
            "student_id"
        )
        qs = qs.filter(
            Q(grade__in=reach.grades)
            | Q(school_class_id__in=reach.class_ids)
            | Q(student_id__in=taught)
        )
    return qs.select_related("student", "school_class").order_by(
        "grade", "school_class__order", "school_class__name", "number", "student__family_kana"
    )


def enrolment_in_reach(reach: Reach, student_id: int) -> Enrolment | None:
    """The pupil's latest enrolment in the reach, or ``None`` when the reach does not cover
    them (one query)."""
    return (
        enrolments_in_reach(reach)
        .filter(student_id=student_id)
        .order_by("-start_date", "-pk")
        .first()
    )


def class_refs_of(enrolment: Enrolment) -> tuple[ClassRef, ...]:
    """The 学級 and 授業クラス through which the pupil is reached (one query)."""
    refs: list[ClassRef] = []
    if enrolment.school_class_id is not None:
        refs.append(
            ClassRef(
                school_id=enrolment.school_id,
                grade=enrolment.grade,
                class_id=enrolment.school_class_id,
            )
        )
    lessons = LessonMembership.objects.filter(
        student_id=enrolment.student_id,
        lesson_class__school_id=enrolment.school_id,
        lesson_class__fiscal_year=enrolment.fiscal_year,
    ).values_list("lesson_class_id", "lesson_class__grade")
    refs += [
        ClassRef(school_id=enrolment.school_id, grade=grade, class_id=pk, lesson=True)
        for pk, grade in lessons
    ]
    return tuple(refs)


def target_of_enrolment(enrolment: Enrolment) -> Target:
    return Target(
        school_id=enrolment.school_id,
        fiscal_year=enrolment.fiscal_year,
        classes=class_refs_of(enrolment),
        label=enrolment.student.display_name,
    )


def student_detail(student_id: int) -> Student:
    return Student.objects.prefetch_related("guardians").get(pk=student_id)


def enrolment_history(student: Student, *, school_id: int) -> QuerySet[Enrolment]:
    """The pupil's enrolments at one school: a school reads its own period only."""
    return (
        Enrolment.objects.filter(student=student, school_id=school_id, is_provisional=False)
        .select_related("school_class")
        .order_by("-fiscal_year", "-start_date")
    )


@dataclass(frozen=True)
class GradeCount:
    school_id: int
    school_name: str
    grade: int
    pupils: int


def pupil_counts(school_ids: Iterable[int] | QuerySet[Any], fiscal_year: int) -> list[GradeCount]:
    """Pupils present per school and grade: what a board sees (counts, not names)."""
    rows = (
        Enrolment.objects.filter(
            school_id__in=school_ids,
            fiscal_year=fiscal_year,
            is_provisional=False,
            status__in=PRESENT_STATUSES,
        )
        .values("school_id", "school__name", "grade")
        .annotate(pupils=Count("student_id", distinct=True))
        .order_by("school__path", "grade")
    )
    return [GradeCount(r["school_id"], r["school__name"], r["grade"], r["pupils"]) for r in rows]


def class_sizes(enrolments: QuerySet[Enrolment]) -> Counter[int]:
    return Counter(
        e
        for e in enrolments.filter(status__in=PRESENT_STATUSES).values_list(
            "school_class_id", flat=True
        )
        if e is not None
    )


def transfers_incoming(school_id: int) -> QuerySet[Transfer]:
    return (
        Transfer.objects.filter(to_school_id=school_id, status=TransferStatus.PENDING)
        .select_related("student", "from_school")
        .order_by("moved_on", "pk")
    )


def transfers_outgoing(school_id: int) -> QuerySet[Transfer]:
    return (
        Transfer.objects.filter(from_school_id=school_id)
        .select_related("student", "to_school")
        .order_by("-moved_on", "-pk")
    )


def filter_roster(
    enrolments: QuerySet[Enrolment],
    *,
    school_class_id: int | None = None,
    grade: int | None = None,
    q: str = "",
) -> QuerySet[Enrolment]:
    """Narrow a class list by 学級, 学年 and a name or ふりがな (either kana script)."""
    from manabi.core.kana import search_key

    if school_class_id is not None:
        enrolments = enrolments.filter(school_class_id=school_class_id)
    if grade is not None:
        enrolments = enrolments.filter(grade=grade)
    q = q.strip()
    if q:
        hira = search_key(q)
        kata = "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in hira)
        match = (
            Q(student__family_name__contains=q)
            | Q(student__given_name__contains=q)
            | Q(student__common_name__contains=q)
            | Q(student__code=q)
        )
        for key in {hira, kata}:
            match |= Q(student__family_kana__contains=key) | Q(student__given_kana__contains=key)
        enrolments = enrolments.filter(match)
    return enrolments


def transfer_from(enrolment: Enrolment) -> Transfer | None:
    """The (not cancelled) transfer that ended this enrolment, if any."""
    return (
        Transfer.objects.filter(from_enrolment=enrolment)
        .exclude(status=TransferStatus.CANCELLED)
        .select_related("to_school")
        .order_by("-pk")
        .first()
    )


def transfer_destinations(school_id: int) -> QuerySet[Any]:
    """Schools of the deployment a pupil can move to (every active school but one's own)."""
    from manabi.orgs.models import Organisation, OrganisationKind

    return (
        Organisation.objects.filter(kind=OrganisationKind.SCHOOL, is_active=True)
        .exclude(pk=school_id)
        .order_by("path", "name")
    )


def class_pupils(school_class: SchoolClass) -> list[Enrolment]:
    """The 学級's pupils of its 年度 by 出席番号: each pupil's latest placement in the class,
    for pupils whose latest placement at the school that year is this class. A pupil who
    moved to another 学級 is on the new class's pages only (its teacher writes their 所見 and
    the 指導要録 follows them). Two queries."""
    own = list(
        Enrolment.objects.filter(
            school_class=school_class,
            school_id=school_class.school_id,
            fiscal_year=school_class.fiscal_year,
            is_provisional=False,
        )
        .select_related("student")
        .order_by("start_date", "pk")
    )
    latest_here: dict[int, Enrolment] = {e.student_id: e for e in own}
    latest_class: dict[int, int | None] = {}
    for sid, class_id in (
        Enrolment.objects.filter(
            school_id=school_class.school_id,
            fiscal_year=school_class.fiscal_year,
            student_id__in=list(latest_here),
            is_provisional=False,
        )
        .order_by("start_date", "pk")
        .values_list("student_id", "school_class_id")
    ):
        latest_class[sid] = class_id
    return sorted(
        (e for sid, e in latest_here.items() if latest_class.get(sid) == school_class.pk),
        key=lambda e: (e.number or 9999, e.student.family_kana, e.student.given_kana, e.student_id),
    )
