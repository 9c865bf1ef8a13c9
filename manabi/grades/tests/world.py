"""The grades cast, on top of the school cast (``school_cast``).

At みなみ小学校 (school_a), in the current 年度::

    3年1組 ← homeroom_a2 (学級担任, also of 1年2組)   pupils: 児童 C3-1 … C3-3
    授業クラス 「3年1組 算数」 ← teacher_a (教科担当)   評価項目 of 1学期:
        単元テスト1 (知識・技能, 100点), 単元テスト2 (思考・判断・表現, 50点),
        ふりかえりシート (主体的に学習に取り組む態度, 10点)

At きた中学校 (school_b): 授業クラス 「1年 数学」 ← teacher_b, pupils K1-1 and K1-2, with the
same three 評価項目. Both schools have a 3学期制 成績処理設定 with the shipped 点数合計 rule;
entry is open. No scores are entered: tests enter what they need.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest

from manabi.accounts.selectors import Acting, acting_for
from manabi.classes.models import Duty, DutyKind, LessonClass, SchoolClass
from manabi.grades import services
from manabi.grades.models import EvaluationItem, GradingSetup
from manabi.students.models import Enrolment, Guardian, LessonMembership, Sex, Student
from tests.school_personas import SchoolCast

ITEMS = (
    ("単元テスト1", "knowledge", Decimal("100")),
    ("単元テスト2", "thinking", Decimal("50")),
    ("ふりかえりシート", "attitude", Decimal("10")),
)


@dataclass
class GradesWorld:
    sc: SchoolCast
    setup_a: GradingSetup
    setup_b: GradingSetup
    class_a3: SchoolClass
    lesson_a3: LessonClass
    lesson_b: LessonClass
    items_a3: dict[str, EvaluationItem] = field(default_factory=dict)
    items_b: dict[str, EvaluationItem] = field(default_factory=dict)

    def acting(self, name: str) -> Acting:
        return acting_for(self.sc.account(name))

    def student(self, key: str) -> Student:
        return self.sc.students[key]


def build_grades_world(sc: SchoolCast) -> GradesWorld:
    """Built once per school cast (later calls return the same one, unless a rolled-back
    savepoint took it away, as the authorisation matrix does after each persona)."""
    built: GradesWorld | None = getattr(sc, "_grades_world", None)
    if built is not None and GradingSetup.objects.filter(pk=built.setup_a.pk).exists():
        return built
    cast = sc.cast
    school_a, school_b = cast.orgs["school_a"], cast.orgs["school_b"]
    year = sc.year
    class_a3 = SchoolClass.objects.create(school=school_a, fiscal_year=year, grade=3, name="1")
    sc.classes["a3_1"] = class_a3
    Duty.objects.create(
        school=school_a,
        fiscal_year=year,
        staff=cast.staff["homeroom_a2"],
        kind=DutyKind.HOMEROOM,
        school_class=class_a3,
    )
    lesson_a3 = LessonClass.objects.create(
        school=school_a, fiscal_year=year, subject="算数", name="3年1組 算数", grade=3
    )
    lesson_b = LessonClass.objects.create(
        school=school_b, fiscal_year=year, subject="数学", name="1年 数学", grade=1
    )
    sc.lessons["a3_math"] = lesson_a3
    sc.lessons["b_math"] = lesson_b
    Duty.objects.create(
        school=school_a,
        fiscal_year=year,
        staff=cast.staff["teacher_a"],
        kind=DutyKind.SUBJECT,
        lesson_class=lesson_a3,
    )
    Duty.objects.create(
        school=school_b,
        fiscal_year=year,
        staff=cast.staff["teacher_b"],
        kind=DutyKind.SUBJECT,
        lesson_class=lesson_b,
    )
    for number, (key, family, kana) in enumerate(
        (("C3-1", "坂本", "さかもと"), ("C3-2", "田中", "たなか"), ("C3-3", "中村", "なかむら")),
        start=1,
    ):
        student = Student.objects.create(
            code=f"G{number:06d}",
            family_name=family,
            given_name=key,
            family_kana=kana,
            given_kana="じどう",
            sex=Sex.FEMALE if number % 2 else Sex.MALE,
            birth_date=date(year - 9, 6, number),
            address="みなみ市3-4-5",
        )
        Guardian.objects.create(
            student=student, family_name=family, given_name="保護者", relation="父", order=1
        )
        sc.students[key] = student
        sc.enrolments[key] = Enrolment.objects.create(
            student=student,
            school=school_a,
            fiscal_year=year,
            grade=3,
            school_class=class_a3,
            number=number,
            start_date=date(year, 4, 1),
        )
        LessonMembership.objects.create(lesson_class=lesson_a3, student=student)
    for key in ("K1-1", "K1-2"):
        LessonMembership.objects.create(lesson_class=lesson_b, student=sc.students[key])

    rule = services.shipped_rule_row("standard_point_sum")
    principal_a = acting_for(sc.account("principal_a"))
    setup_a = services.setup_save(
        actor=principal_a, school=school_a, fiscal_year=year, term_system="3", rule=rule
    )
    # No principal at school_b in the cast: the set-up is the system's.
    setup_b = GradingSetup.objects.create(school=school_b, fiscal_year=year, rule=rule)
    for t in services.default_terms(year, "3"):
        setup_b.terms.create(number=t.number, name=t.name, starts_on=t.starts_on, ends_on=t.ends_on)
    world = GradesWorld(
        sc=sc,
        setup_a=setup_a,
        setup_b=setup_b,
        class_a3=class_a3,
        lesson_a3=lesson_a3,
        lesson_b=lesson_b,
    )
    for order, (name, viewpoint, top) in enumerate(ITEMS):
        for lesson, into in ((lesson_a3, world.items_a3), (lesson_b, world.items_b)):
            into[name] = EvaluationItem.objects.create(
                lesson_class=lesson,
                term=1,
                name=name,
                viewpoint=viewpoint,
                max_score=top,
                order=order,
            )
    sc._grades_world = world  # type: ignore[attr-defined]
    return world


@pytest.fixture
def grades_world(school_cast: SchoolCast) -> GradesWorld:
    return build_grades_world(school_cast)
