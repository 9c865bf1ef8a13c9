"""Demo classes of みらい県: 学級 of the current 年度 at every school of the standard plan, a few
特別支援学級, 授業クラス (習熟度別の数学) at the lower and upper secondary schools, and the duties
(学級担任, 学年主任, 学年所属, 教科担当) that the scoped permissions of 別表1 read.

The number of classes follows each school's 学級数 in the organisation plan. Kindergartens
and こども園 get none (school affairs starts at 小学校). A 特別支援学校 gets its 小学部 only
(学部 are not modelled yet), in classes of six. The listed accounts of
``accounts/demo.py`` get the duties their note names: the 3年1組 担任 and the 3学年主任 at
みらい市立中央小学校, and a 教科担当 at みらい市立中央中学校 with no class of their own.

Idempotent: a school that has classes for the 年度 is left as it is.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction

from manabi.accounts.demo import listed_school_staff
from manabi.classes.models import ClassKind, Duty, DutyKind, LessonClass, SchoolClass
from manabi.classes.selectors import current_fiscal_year
from manabi.demo.registry import STANDARD, DemoAccount, DemoOptions
from manabi.orgs.demo import OrgSpec, organisation_plan
from manabi.orgs.models import Organisation, SchoolType
from manabi.people.choices import EmploymentType, JobTitle
from manabi.people.models import Assignment

ORDER = 50
BATCH_SIZE = 2000

# How many grades a school type has, and how big its lesson groups are.
GRADES = {
    SchoolType.ELEMENTARY: 6,
    SchoolType.JUNIOR_HIGH: 3,
    SchoolType.COMPULSORY: 9,
    SchoolType.HIGH: 3,
    SchoolType.SECONDARY: 6,
    SchoolType.SPECIAL_NEEDS: 6,
}
# Schools whose grades get 習熟度別 lesson classes of 数学 (A and B).
LESSON_SCHOOLS = frozenset({SchoolType.JUNIOR_HIGH, SchoolType.HIGH, SchoolType.SECONDARY})
SPECIAL_SUPPORT = (("ひまわり", 2), ("あおぞら", 4))  # (name, grade) of 特別支援学級
CLASS_TEACHERS = frozenset(
    {JobTitle.TEACHER, JobTitle.ADVISING_TEACHER, JobTitle.LECTURER, JobTitle.SENIOR_TEACHER}
)


@dataclass(frozen=True)
class ClassPlan:
    grade: int
    name: str
    kind: ClassKind
    order: int


def class_plan(spec: OrgSpec) -> list[ClassPlan]:
    """The 学級 of a school: its 学級数 spread over its grades (lower grades first get the
    remainder), with one or two 特別支援学級 at larger 小・中学校."""
    grades = GRADES.get(SchoolType(spec.school_type)) if spec.school_type else None
    if grades is None or spec.classes <= 0:
        return []
    special: list[tuple[str, int]] = []
    if spec.school_type in (SchoolType.ELEMENTARY, SchoolType.JUNIOR_HIGH) and spec.classes >= 12:
        special = list(SPECIAL_SUPPORT[: 2 if spec.classes >= 24 else 1])
        special = [(name, min(grade, grades)) for name, grade in special]
    regular = max(grades, spec.classes - len(special))
    if spec.school_type == SchoolType.SPECIAL_NEEDS:
        regular = max(grades, spec.classes // 3)  # 小学部 only
    out: list[ClassPlan] = []
    for grade in range(1, grades + 1):
        count = regular // grades + (1 if grade <= regular % grades else 0)
        out += [ClassPlan(grade, str(n), ClassKind.REGULAR, n) for n in range(1, max(count, 1) + 1)]
    out += [ClassPlan(grade, name, ClassKind.SPECIAL_SUPPORT, 90) for name, grade in special]
    return sorted(out, key=lambda c: (c.grade, c.order))


def accounts() -> list[DemoAccount]:
    return []


def _teachers(school_id: int) -> list[tuple[int, str, str, str]]:
    """(staff id, staff number, job title, employment) of the school's teaching staff."""
    rows = (
        Assignment.objects.filter(
            organisation_id=school_id,
            end__isnull=True,
            staff__job_title__in=CLASS_TEACHERS,
            staff__retired_on__isnull=True,
        )
        .order_by("staff__staff_number")
        .values_list(
            "staff_id", "staff__staff_number", "staff__job_title", "staff__employment_type"
        )
    )
    return [
        row
        for row in rows
        if row[2] != JobTitle.LECTURER or row[3] == EmploymentType.TEMPORARY  # 常勤講師
    ]


def _duties(
    school_id: int,
    fiscal_year: int,
    classes: list[SchoolClass],
    lessons: list[LessonClass],
    listed: dict[str, str],
) -> list[Duty]:
    """担任 for every class, 学年主任 and 学年所属 per grade, 教科担当 per lesson class.
    ``listed``: staff number → duty of the listed accounts of this school."""
    teachers = _teachers(school_id)
    by_number = {number: staff_id for staff_id, number, _, _ in teachers}
    homeroom_only = [c for c in classes if c.kind == ClassKind.REGULAR] + [
        c for c in classes if c.kind != ClassKind.REGULAR
    ]
    free = [
        staff_id
        for staff_id, number, title, _ in teachers
        if number not in listed and title != JobTitle.SENIOR_TEACHER
    ]
    duties: list[Duty] = []
    homeroom: dict[int, int] = {}  # class id → staff id

    def add(staff_id: int, kind: DutyKind, **target: object) -> None:
        duties.append(
            Duty(
                school_id=school_id,
                fiscal_year=fiscal_year,
                staff_id=staff_id,
                kind=kind,
                **target,
            )
        )

    # The listed accounts first: the 3年1組 担任 and the 3学年主任 (担任 of 3年2組).
    third = [c for c in homeroom_only if c.grade == 3 and c.kind == ClassKind.REGULAR]
    for number, duty in listed.items():
        staff_id = by_number.get(number)
        if staff_id is None:
            continue
        if duty == "homeroom" and third:
            homeroom[third[0].pk] = staff_id
        elif duty == "grade_head" and len(third) > 1:
            homeroom[third[1].pk] = staff_id
            add(staff_id, DutyKind.GRADE_HEAD, grade=3)
    for school_class in homeroom_only:
        if school_class.pk not in homeroom and free:
            homeroom[school_class.pk] = free.pop(0)
    for school_class in classes:
        if school_class.pk in homeroom:
            add(homeroom[school_class.pk], DutyKind.HOMEROOM, school_class=school_class)
    grades = sorted({c.grade for c in classes})
    heads = {d.grade for d in duties if d.kind == DutyKind.GRADE_HEAD}
    for grade in grades:
        if grade in heads:
            continue
        first = next((c for c in classes if c.grade == grade and c.pk in homeroom), None)
        if first is not None:
            add(homeroom[first.pk], DutyKind.GRADE_HEAD, grade=grade)
    # Teachers without a class belong to a grade (学年所属), in turn.
    for index, staff_id in enumerate(free):
        add(staff_id, DutyKind.GRADE_MEMBER, grade=grades[index % len(grades)])
    # 教科担当: the listed subject teacher takes the first lesson class; then in turn.
    subject = [by_number[n] for n, d in listed.items() if d == "subject" and n in by_number]
    pool = subject + free + list(homeroom.values())
    for index, lesson in enumerate(lessons if pool else []):
        add(pool[index % len(pool)], DutyKind.SUBJECT, lesson_class=lesson)
    return duties


def build(options: DemoOptions) -> None:
    """Classes, lesson classes and duties of the current 年度 for the standard plan's
    schools (every size: the large plan only adds schools for the staff benchmarks)."""
    fiscal_year = current_fiscal_year()
    specs = [spec for spec in organisation_plan(STANDARD) if spec.is_school]
    schools = dict(
        Organisation.objects.filter(code__in=[s.code for s in specs]).values_list("code", "pk")
    )
    done = set(
        SchoolClass.objects.filter(fiscal_year=fiscal_year).values_list("school_id", flat=True)
    )
    listed: dict[str, dict[str, str]] = defaultdict(dict)
    for person in listed_school_staff():
        if person.duty:
            listed[person.school_code][person.staff_number] = person.duty
    with transaction.atomic():
        for spec in specs:
            school_id = schools.get(spec.code)
            plan = class_plan(spec)
            if school_id is None or school_id in done or not plan:
                continue
            classes = SchoolClass.objects.bulk_create(
                [
                    SchoolClass(
                        school_id=school_id,
                        fiscal_year=fiscal_year,
                        grade=c.grade,
                        name=c.name,
                        kind=c.kind,
                        order=c.order,
                    )
                    for c in plan
                ]
            )
            if any(c.pk is None for c in classes):  # a backend without RETURNING
                classes = list(
                    SchoolClass.objects.filter(school_id=school_id, fiscal_year=fiscal_year)
                )
            lessons: list[LessonClass] = []
            if spec.school_type in LESSON_SCHOOLS:
                lessons = LessonClass.objects.bulk_create(
                    [
                        LessonClass(
                            school_id=school_id,
                            fiscal_year=fiscal_year,
                            subject="数学",
                            name=f"{grade}年 数学 習熟度{group}",
                            grade=grade,
                        )
                        for grade in sorted({c.grade for c in plan})
                        for group in "AB"
                    ]
                )
                if any(lesson.pk is None for lesson in lessons):
                    lessons = list(
                        LessonClass.objects.filter(school_id=school_id, fiscal_year=fiscal_year)
                    )
            Duty.objects.bulk_create(
                _duties(school_id, fiscal_year, classes, lessons, listed.get(spec.code, {})),
                batch_size=BATCH_SIZE,
            )
