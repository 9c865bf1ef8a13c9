"""The school-affairs cast, built on the persona cast (``cast``) with the same accounts.

At みなみ小学校 (school_a), in the current 年度::

    1年1組  ← teacher_a (学級担任)            pupils: 児童 A1-1 … A1-3
    1年2組  ← homeroom_a2 (学級担任)          pupils: 児童 A2-1, A2-2
    2年1組  (no homeroom teacher in the cast) pupils: 児童 B1-1, B1-2
    ひまわり学級 (1年, 特別支援学級)          pupil:  児童 S-1
    授業クラス 「1年 音楽A」 ← subject_a (教科担当): 児童 A1-1 and A2-1
    grade_head_a: 学年主任 of 1年 · nurse_a: 養護教諭 · clerk_a: 事務職員
    system_staff_a: 教諭 designated システム担当 by the principal

At きた中学校 (school_b): 1年1組 ← teacher_b, pupils 生徒 K1-1, K1-2.

principal_a is 校長 (school_admin) at school_a; board_officer the みなみ市 board.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest
from django.test import Client

from manabi.access.models import RoleGroupDesignation
from manabi.accounts.models import Account
from manabi.accounts.rolegroups import RoleGroup
from manabi.accounts.roles import Role
from manabi.classes.models import ClassKind, Duty, DutyKind, LessonClass, SchoolClass
from manabi.classes.selectors import current_fiscal_year
from manabi.people.choices import JobTitle
from manabi.people.tests.factories import AssignmentFactory, StaffFactory
from manabi.students.models import Enrolment, Guardian, LessonMembership, Sex, Student
from tests.personas import SINCE, Cast, _account, _role

SCHOOL_PERSONAS = (
    "principal_a",
    "teacher_a",
    "homeroom_a2",
    "grade_head_a",
    "subject_a",
    "nurse_a",
    "clerk_a",
    "system_staff_a",
    "teacher_b",
    "board_officer",
    "system_admin",
)


@dataclass
class SchoolCast:
    cast: Cast
    year: int
    classes: dict[str, SchoolClass] = field(default_factory=dict)
    lessons: dict[str, LessonClass] = field(default_factory=dict)
    students: dict[str, Student] = field(default_factory=dict)
    enrolments: dict[str, Enrolment] = field(default_factory=dict)

    def account(self, name: str) -> Account:
        return self.cast.account(name)

    def client(self, name: str) -> Client:
        return self.cast.client(name)


def build_school_cast(cast: Cast) -> SchoolCast:
    """The school-affairs cast on top of ``cast``, built once per cast (later calls return the
    same one, so authorisation-matrix entries can each ask for it)."""
    built: SchoolCast | None = getattr(cast, "_school_cast", None)
    if built is not None:
        return built
    built = _build(cast)
    cast._school_cast = built  # type: ignore[attr-defined]
    return built


def _build(cast: Cast) -> SchoolCast:
    year = current_fiscal_year()
    sc = SchoolCast(cast=cast, year=year)
    school_a, school_b = cast.orgs["school_a"], cast.orgs["school_b"]

    def member(key: str, number: str, name: str, kana: str, title: JobTitle) -> Account:
        person = StaffFactory(staff_number=number, name=name, kana=kana, job_title=title)
        AssignmentFactory(staff=person, organisation=school_a, start=SINCE)
        cast.staff[key] = person
        account = _account(f"480002T{number}", name, staff=person)
        _role(account, Role.STAFF, school_a)
        cast.accounts[key] = account
        return account

    member("homeroom_a2", "10000011", "東 一美", "ひがし かずみ", JobTitle.TEACHER)
    member("grade_head_a", "10000012", "西 学", "にし まなぶ", JobTitle.TEACHER)
    member("subject_a", "10000013", "音田 響", "おんだ ひびき", JobTitle.LECTURER)
    member("nurse_a", "10000014", "保健 和子", "ほけん かずこ", JobTitle.NURSE_TEACHER)
    member("clerk_a", "10000015", "事務 正", "じむ ただし", JobTitle.CLERK)
    system_staff = member(
        "system_staff_a", "10000016", "情報 太一", "じょうほう たいち", JobTitle.TEACHER
    )
    RoleGroupDesignation.objects.create(
        school=school_a, account=system_staff, group=RoleGroup.SYSTEM_STAFF
    )

    def klass(key: str, school, grade: int, name: str, kind=ClassKind.REGULAR) -> SchoolClass:  # type: ignore[no-untyped-def]
        sc.classes[key] = SchoolClass.objects.create(
            school=school, fiscal_year=year, grade=grade, name=name, kind=kind
        )
        return sc.classes[key]

    a11 = klass("a1_1", school_a, 1, "1")
    a12 = klass("a1_2", school_a, 1, "2")
    a21 = klass("a2_1", school_a, 2, "1")
    sunflower = klass("a_support", school_a, 1, "ひまわり", ClassKind.SPECIAL_SUPPORT)
    b11 = klass("b1_1", school_b, 1, "1")
    music = LessonClass.objects.create(
        school=school_a, fiscal_year=year, subject="音楽", name="1年 音楽A", grade=1
    )
    sc.lessons["music"] = music

    def duty(who: str, kind: DutyKind, **kw: object) -> None:
        school = kw.pop("school", school_a)
        Duty.objects.create(school=school, fiscal_year=year, staff=cast.staff[who], kind=kind, **kw)

    duty("teacher_a", DutyKind.HOMEROOM, school_class=a11)
    duty("homeroom_a2", DutyKind.HOMEROOM, school_class=a12)
    duty("grade_head_a", DutyKind.GRADE_HEAD, grade=1)
    duty("subject_a", DutyKind.SUBJECT, lesson_class=music)
    duty("teacher_b", DutyKind.HOMEROOM, school_class=b11, school=school_b)

    start = date(year, 4, 1)
    serial = 0

    def pupil(
        key: str, school, school_class: SchoolClass, number: int, family: str, kana: str
    ) -> Student:  # type: ignore[no-untyped-def]
        nonlocal serial
        serial += 1
        student = Student.objects.create(
            code=f"P{serial:06d}",
            family_name=family,
            given_name=key,
            family_kana=kana,
            given_kana="じどう",
            sex=Sex.FEMALE if serial % 2 else Sex.MALE,
            birth_date=date(year - 6 - school_class.grade, 5, serial % 28 + 1),
            address="みなみ市1-2-3",
        )
        Guardian.objects.create(
            student=student, family_name=family, given_name="保護者", relation="母", order=1
        )
        sc.students[key] = student
        sc.enrolments[key] = Enrolment.objects.create(
            student=student,
            school=school,
            fiscal_year=year,
            grade=school_class.grade,
            school_class=school_class,
            number=number,
            start_date=start,
        )
        return student

    pupil("A1-1", school_a, a11, 1, "青木", "あおき")
    pupil("A1-2", school_a, a11, 2, "伊藤", "いとう")
    pupil("A1-3", school_a, a11, 3, "上田", "うえだ")
    pupil("A2-1", school_a, a12, 1, "江藤", "えとう")
    pupil("A2-2", school_a, a12, 2, "小野", "おの")
    pupil("B1-1", school_a, a21, 1, "加藤", "かとう")
    pupil("B1-2", school_a, a21, 2, "木村", "きむら")
    pupil("S-1", school_a, sunflower, 1, "久保", "くぼ")
    pupil("K1-1", school_b, b11, 1, "佐藤", "さとう")
    pupil("K1-2", school_b, b11, 2, "鈴木", "すずき")
    for key in ("A1-1", "A2-1"):
        LessonMembership.objects.create(lesson_class=music, student=sc.students[key])
    return sc


@pytest.fixture
def school_cast(cast: Cast) -> SchoolCast:
    return build_school_cast(cast)
