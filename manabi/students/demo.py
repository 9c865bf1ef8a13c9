"""Demo pupils of みらい県: 25–35 pupils in every 学級 that ``classes/demo.py`` made (three to six
in a 特別支援学級 and six in a class of a 特別支援学校), with ふりがな, 生年月日 fitting their
grade, an address in their municipality and one or two 保護者; the 習熟度別 lesson classes
split each grade in two; and one 転出 in flight: a pupil of みらい市立中央小学校 leaving for
みらい市立東小学校, waiting there to be accepted (the 東小 教頭 of the account list can accept it).

Everything is fictional. Idempotent: a class that has pupils is left as it is.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction

from manabi.accounts.demo import listed_school_staff
from manabi.accounts.models import Account
from manabi.accounts.services import login_id_for_staff
from manabi.classes.models import ClassKind, LessonClass, SchoolClass
from manabi.classes.selectors import current_fiscal_year
from manabi.demo.names import FAMILY_NAMES, person_name
from manabi.demo.registry import DemoAccount, DemoOptions
from manabi.orgs.models import Organisation, SchoolType
from manabi.students import handover
from manabi.students.models import (
    Enrolment,
    EnrolmentStatus,
    Guardian,
    LessonMembership,
    Sex,
    Student,
    Transfer,
    TransferStatus,
)

ORDER = 55
BATCH_SIZE = 2000
# Grade of a pupil in years since starting 小学校 (an upper secondary 1st grade is the 10th).
YEARS_BEFORE = {
    SchoolType.ELEMENTARY: 0,
    SchoolType.COMPULSORY: 0,
    SchoolType.SPECIAL_NEEDS: 0,
    SchoolType.JUNIOR_HIGH: 6,
    SchoolType.SECONDARY: 6,
    SchoolType.HIGH: 9,
}
TRANSFER_FROM = "みらい市立中央小学校"
TRANSFER_TO = "みらい市立東小学校"
STREETS = ("本町", "中央", "栄町", "緑町", "旭町", "若葉", "桜ヶ丘", "新町", "東町", "西町")


def accounts() -> list[DemoAccount]:
    return []


def _class_size(rng: random.Random, school_class: SchoolClass, school_type: str) -> int:
    if school_type == SchoolType.SPECIAL_NEEDS:
        return 6
    if school_class.kind != ClassKind.REGULAR:
        return rng.randint(3, 6)
    return rng.randint(25, 35)


def _birth_date(rng: random.Random, fiscal_year: int, school_year: int) -> date:
    """Born between 2 April and 1 April so as to be in ``school_year`` (1 = 小1) in the 年度."""
    start = date(fiscal_year - 6 - school_year, 4, 2)
    return start + timedelta(days=rng.randrange(365))


def _kana(name: str) -> tuple[str, str]:
    family, given = name.split(" ")
    return family, given


def _pupils_of(
    rng: random.Random,
    school: Organisation,
    school_class: SchoolClass,
    *,
    serial: int,
    size: int,
) -> list[tuple[Student, list[Guardian], int]]:
    """(pupil, guardians, 出席番号) of a class; 出席番号 in 五十音 order of the ふりがな."""
    fiscal_year = school_class.fiscal_year
    school_year = school_class.grade + YEARS_BEFORE.get(SchoolType(school.school_type), 0)
    town = school.name.split("立")[0] if "立" in school.name else "みらい市"
    made: list[tuple[Student, list[Guardian]]] = []
    for _ in range(size):
        female = rng.random() < 0.5
        born = _birth_date(rng, fiscal_year, school_year)
        name = person_name(rng, female=female, birth_year=born.year)
        family, given = _kana(name.name)
        family_kana, given_kana = _kana(name.kana)
        serial += 1
        student = Student(
            code=f"{school.code}{serial:05d}",
            family_name=family,
            given_name=given,
            family_kana=family_kana,
            given_kana=given_kana,
            sex=Sex.FEMALE if female else Sex.MALE,
            birth_date=born,
            postal_code=f"480-{rng.randrange(10000):04d}",
            address=f"{town}{rng.choice(STREETS)}{rng.randint(1, 5)}丁目{rng.randint(1, 30)}番"
            f"{rng.randint(1, 20)}号",
        )
        parents = [_guardian(rng, family, family_kana, born, order=1)]
        if rng.random() < 0.6:
            parents.append(_guardian(rng, family, family_kana, born, order=2))
        made.append((student, parents))
    made.sort(key=lambda pair: (pair[0].family_kana, pair[0].given_kana))
    return [(student, parents, number) for number, (student, parents) in enumerate(made, 1)]


def _guardian(
    rng: random.Random, family: str, family_kana: str, born: date, *, order: int
) -> Guardian:
    mother = (order == 1) == (rng.random() < 0.55)
    parent = person_name(rng, female=mother, birth_year=born.year - rng.randint(26, 42))
    given, given_kana = parent.name.split(" ")[1], parent.kana.split(" ")[1]
    if rng.random() < 0.05:  # a guardian of another family name (祖父母, 再婚 …)
        family, family_kana = rng.choice(FAMILY_NAMES)
    return Guardian(
        family_name=family,
        given_name=given,
        family_kana=family_kana,
        given_kana=given_kana,
        relation="母" if mother else "父",
        phone=f"090-{rng.randrange(10000):04d}-{rng.randrange(10000):04d}" if order == 1 else "",
        order=order,
    )


def _split_lessons(fiscal_year: int, school_ids: set[int]) -> list[LessonMembership]:
    """The grade's pupils, by class and 出席番号, in turn to 習熟度 A and B."""
    lessons: dict[tuple[int, int | None], list[LessonClass]] = defaultdict(list)
    for lesson in LessonClass.objects.filter(fiscal_year=fiscal_year, school_id__in=school_ids):
        lessons[(lesson.school_id, lesson.grade)].append(lesson)
    if not lessons:
        return []
    pupils = (
        Enrolment.objects.filter(fiscal_year=fiscal_year, school_id__in=school_ids)
        .order_by("school_id", "grade", "school_class__order", "school_class_id", "number")
        .values_list("school_id", "grade", "student_id")
    )
    out: list[LessonMembership] = []
    turn: dict[tuple[int, int], int] = defaultdict(int)
    for school_id, grade, student_id in pupils:
        groups = sorted(lessons.get((school_id, grade), []), key=lambda lesson: lesson.name)
        if groups:
            index = turn[(school_id, grade)]
            turn[(school_id, grade)] += 1
            out.append(
                LessonMembership(lesson_class=groups[index % len(groups)], student_id=student_id)
            )
    return out


def _transfer(fiscal_year: int) -> None:
    """One 転出 in flight from 中央小 to 東小 (recorded by 中央小's 校長), unless there is one."""
    origin = Organisation.objects.filter(name=TRANSFER_FROM).first()
    destination = Organisation.objects.filter(name=TRANSFER_TO).first()
    if (
        origin is None
        or destination is None
        or Transfer.objects.filter(from_school=origin).exists()
    ):
        return
    enrolment = (
        Enrolment.objects.filter(
            school=origin, fiscal_year=fiscal_year, grade=4, status=EnrolmentStatus.ENROLLED
        )
        .select_related("student", "school_class")
        .order_by("school_class__order", "number")
        .last()
    )
    principal = next(
        (
            Account.objects.filter(login_id=login_id_for_staff(p.staff_number)).first()
            for p in listed_school_staff()
            if p.school_code == origin.code and p.role_group == "principal"
        ),
        None,
    )
    if enrolment is None or principal is None:
        return
    moved_on = date(fiscal_year, 12, 25)
    package = handover.build_package(enrolment.student, enrolment)
    enrolment.status = EnrolmentStatus.TRANSFERRED_OUT
    enrolment.end_date = moved_on
    enrolment.save(update_fields=["status", "end_date"])
    Transfer.objects.create(
        student=enrolment.student,
        from_enrolment=enrolment,
        from_school=origin,
        to_school=destination,
        moved_on=moved_on,
        reason="保護者の転勤に伴う転居",
        status=TransferStatus.PENDING,
        package=package,
        recorded_by=principal,
    )


def build(options: DemoOptions) -> None:
    fiscal_year = current_fiscal_year()
    classes = list(
        SchoolClass.objects.filter(fiscal_year=fiscal_year)
        .exclude(enrolments__isnull=False)
        .order_by("school_id", "grade", "order", "name")
    )
    schools = Organisation.objects.in_bulk({c.school_id for c in classes})
    taken = set(Student.objects.values_list("code", flat=True))
    serials: dict[int, int] = defaultdict(int)
    with transaction.atomic():
        students: list[Student] = []
        guardians: list[tuple[Student, Guardian]] = []
        enrolments: list[tuple[Student, Enrolment]] = []
        for school_class in classes:
            school = schools[school_class.school_id]
            rng = random.Random(
                f"{school.code}-{fiscal_year}-{school_class.grade}-{school_class.name}"
            )
            made = _pupils_of(
                rng,
                school,
                school_class,
                serial=serials[school.pk],
                size=_class_size(rng, school_class, school.school_type),
            )
            serials[school.pk] += len(made)
            for student, parents, number in made:
                if student.code in taken:
                    continue
                students.append(student)
                guardians += [(student, parent) for parent in parents]
                enrolments.append(
                    (
                        student,
                        Enrolment(
                            school_id=school.pk,
                            fiscal_year=fiscal_year,
                            grade=school_class.grade,
                            school_class=school_class,
                            number=number,
                            start_date=date(fiscal_year, 4, 1),
                        ),
                    )
                )
        Student.objects.bulk_create(students, batch_size=BATCH_SIZE)
        if students and students[0].pk is None:
            ids = dict(
                Student.objects.filter(code__in=[s.code for s in students]).values_list(
                    "code", "pk"
                )
            )
            for student in students:
                student.pk = ids[student.code]
        for student, guardian in guardians:
            guardian.student_id = student.pk
        for student, enrolment in enrolments:
            enrolment.student_id = student.pk
        Guardian.objects.bulk_create([g for _, g in guardians], batch_size=BATCH_SIZE)
        Enrolment.objects.bulk_create([e for _, e in enrolments], batch_size=BATCH_SIZE)
        school_ids = set(schools)
        if (
            school_ids
            and not LessonMembership.objects.filter(
                lesson_class__school_id__in=school_ids, lesson_class__fiscal_year=fiscal_year
            ).exists()
        ):
            LessonMembership.objects.bulk_create(
                _split_lessons(fiscal_year, school_ids), batch_size=BATCH_SIZE
            )
        _transfer(fiscal_year)
