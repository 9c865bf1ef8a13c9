"""Writes of 学籍: pupils, guardians and enrolments. Every one is audited.

Callers fetch what they act on through ``students.permissions`` first; the services check
the data (ふりがな, dates, 出席番号 …) and raise ``ValidationError`` with Japanese messages
naming the field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from manabi.accounts.selectors import Acting
from manabi.classes.models import LessonClass, SchoolClass
from manabi.core.audit import audit_record
from manabi.orgs.models import Organisation
from manabi.students.models import (
    PRESENT_STATUSES,
    Enrolment,
    EnrolmentStatus,
    Guardian,
    LessonMembership,
    Sex,
    Student,
)


@dataclass(frozen=True)
class StudentData:
    """学籍 personal data as entered or imported."""

    family_name: str
    given_name: str
    family_kana: str
    given_kana: str
    sex: str
    birth_date: date
    common_name: str = ""
    alphabet_name: str = ""
    postal_code: str = ""
    address: str = ""
    prior_history: str = ""


@dataclass(frozen=True)
class GuardianData:
    family_name: str
    given_name: str
    relation: str
    family_kana: str = ""
    given_kana: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


def _clean(instance: Student | Guardian, *, exclude: Sequence[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None


def _check_student(data: StudentData, *, today: date | None = None) -> None:
    if data.sex not in Sex.values:
        raise ValidationError({"sex": "性別は「男」又は「女」を選んでください。"})
    if today is not None and data.birth_date >= today:
        raise ValidationError({"birth_date": "生年月日が今日以降になっています。"})


def student_create(
    *,
    actor: Acting | None,
    code: str,
    data: StudentData,
    guardians: Sequence[GuardianData] = (),
) -> Student:
    from django.utils import timezone

    _check_student(data, today=timezone.localdate())
    student = Student(code=code.strip(), **{f.name: getattr(data, f.name) for f in fields(data)})
    _clean(student)
    try:
        with transaction.atomic():
            student.save()
            _replace_guardians(student, guardians)
            audit_record(
                actor=actor,
                action="students.student.create",
                target=student,
                subject=student,
                details={"code": student.code},
            )
    except IntegrityError:
        raise ValidationError({"code": f"児童生徒コード {code} はすでに使われています。"}) from None
    return student


def student_update(
    *,
    actor: Acting | None,
    student: Student,
    data: StudentData,
    guardians: Sequence[GuardianData] | None = None,
) -> list[str]:
    """Change 学籍 personal data; returns the names of the fields that changed (none: no
    write, no audit event)."""
    from django.utils import timezone

    _check_student(data, today=timezone.localdate())
    changed = [f.name for f in fields(data) if getattr(student, f.name) != getattr(data, f.name)]
    guardians_changed = guardians is not None and _guardian_rows(student) != [
        _guardian_tuple(g) for g in guardians
    ]
    if not changed and not guardians_changed:
        return []
    for name in changed:
        setattr(student, name, getattr(data, name))
    _clean(student)
    with transaction.atomic():
        student.save()
        if guardians_changed:
            assert guardians is not None
            _replace_guardians(student, guardians)
            changed.append("guardians")
        audit_record(
            actor=actor,
            action="students.student.update",
            target=student,
            subject=student,
            details={"fields": changed},
        )
    return changed


def _guardian_tuple(g: GuardianData | Guardian) -> tuple[str, ...]:
    return tuple(str(getattr(g, f.name)) for f in fields(GuardianData))


def _guardian_rows(student: Student) -> list[tuple[str, ...]]:
    return [_guardian_tuple(g) for g in student.guardians.order_by("order", "pk")]


def _replace_guardians(student: Student, guardians: Sequence[GuardianData]) -> None:
    student.guardians.all().delete()
    rows = []
    for order, g in enumerate(guardians, start=1):
        guardian = Guardian(
            student=student, order=order, **{f.name: getattr(g, f.name) for f in fields(g)}
        )
        try:
            guardian.full_clean(exclude=["student"], validate_unique=False)
        except ValidationError as error:
            raise ValidationError(
                {f"guardians.{order}.{k}": v for k, v in error.message_dict.items()}
            ) from None
        rows.append(guardian)
    Guardian.objects.bulk_create(rows)


def enrolment_create(
    *,
    actor: Acting | None,
    student: Student,
    school: Organisation,
    fiscal_year: int,
    grade: int,
    start_date: date,
    school_class: SchoolClass | None = None,
    number: int | None = None,
    status: EnrolmentStatus | str = EnrolmentStatus.ENROLLED,
    provisional: bool = False,
) -> Enrolment:
    """Enrol a pupil at a school for a 年度 (入学, 転入, 進級). A pupil is present at one
    school at a time."""
    status = EnrolmentStatus(status)
    if school_class is not None and (
        school_class.school_id != school.pk
        or school_class.fiscal_year != fiscal_year
        or school_class.grade != grade
    ):
        raise ValidationError({"school_class": "学級の学校・年度・学年が在籍と合いません。"})
    with transaction.atomic():
        # Lock the pupil so two enrolments cannot be made at once.
        Student.objects.select_for_update().filter(pk=student.pk).first()
        others = Enrolment.objects.filter(
            student=student,
            fiscal_year=fiscal_year,
            is_provisional=provisional,
            status__in=PRESENT_STATUSES,
            end_date__isnull=True,
        )
        if others.exists():
            raise ValidationError(
                "この児童生徒はすでに在籍しています。転出の処理をしてから在籍を登録してください。"
            )
        if number is not None and school_class is not None:
            _check_number_free(school_class, number)
        try:
            with transaction.atomic():
                enrolment = Enrolment.objects.create(
                    student=student,
                    school=school,
                    fiscal_year=fiscal_year,
                    grade=grade,
                    school_class=school_class,
                    number=number,
                    start_date=start_date,
                    status=status,
                    is_provisional=provisional,
                )
        except IntegrityError:
            raise ValidationError("同じ日付の在籍がすでにあります。") from None
        audit_record(
            actor=actor,
            action="students.enrolment.create",
            target=enrolment,
            subject=student,
            details={"fiscal_year": fiscal_year, "grade": grade, "status": status.value},
        )
    return enrolment


def _check_number_free(
    school_class: SchoolClass, number: int, *, exclude: int | None = None
) -> None:
    taken = Enrolment.objects.filter(
        school_class=school_class, number=number, status__in=PRESENT_STATUSES
    )
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError(
            {"number": f"{school_class.label}の出席番号 {number} はすでに使われています。"}
        )


def enrolment_place(
    *,
    actor: Acting | None,
    enrolment: Enrolment,
    school_class: SchoolClass | None,
    number: int | None,
    audit_action: str = "students.enrolment.place",
) -> Enrolment:
    """Put a pupil in a 学級 with a 出席番号 (組編成・出席番号の変更). A live enrolment goes to
    a live class, a draft one (年次更新) to a draft class."""
    if school_class is not None and (
        school_class.school_id != enrolment.school_id
        or school_class.fiscal_year != enrolment.fiscal_year
        or school_class.is_provisional != enrolment.is_provisional
    ):
        raise ValidationError({"school_class": "別の学校・年度の学級は選べません。"})
    with transaction.atomic():
        if school_class is not None and number is not None:
            _check_number_free(school_class, number, exclude=enrolment.pk)
        before = (enrolment.school_class_id, enrolment.number)
        enrolment.school_class = school_class
        enrolment.number = number
        if school_class is not None:
            enrolment.grade = school_class.grade
        enrolment.save(update_fields=["school_class", "number", "grade"])
        audit_record(
            actor=actor,
            action=audit_action,
            target=enrolment,
            subject=enrolment.student,
            details={"before": list(before), "after": [enrolment.school_class_id, number]},
        )
    return enrolment


def student_admit(
    *,
    actor: Acting | None,
    code: str,
    data: StudentData,
    guardians: Sequence[GuardianData],
    school: Organisation,
    fiscal_year: int,
    school_class: SchoolClass,
    start_date: date,
    number: int | None = None,
    transferred_in: bool = False,
) -> Enrolment:
    """入学・転入: a new pupil and their first enrolment, in one transaction (all or nothing)."""
    with transaction.atomic():
        student = student_create(actor=actor, code=code, data=data, guardians=guardians)
        return enrolment_create(
            actor=actor,
            student=student,
            school=school,
            fiscal_year=fiscal_year,
            grade=school_class.grade,
            start_date=start_date,
            school_class=school_class,
            number=number,
            status=EnrolmentStatus.TRANSFERRED_IN if transferred_in else EnrolmentStatus.ENROLLED,
        )


def lesson_members_set(
    *, actor: Acting | None, lesson_class: LessonClass, student_ids: Sequence[int]
) -> tuple[int, int]:
    """The pupils taking a 授業クラス, as a whole list (履修者の登録). Only pupils present at
    the lesson class's school in its 年度 may take it. Returns (added, removed)."""
    wanted = set(student_ids)
    present = set(
        Enrolment.objects.filter(
            school_id=lesson_class.school_id,
            fiscal_year=lesson_class.fiscal_year,
            is_provisional=lesson_class.is_provisional,
            status__in=PRESENT_STATUSES,
            student_id__in=wanted,
        ).values_list("student_id", flat=True)
    )
    if wanted - present:
        raise ValidationError(
            {"students": "この学校・年度に在籍していない児童生徒は履修者にできません。"}
        )
    with transaction.atomic():
        current = set(
            LessonMembership.objects.filter(lesson_class=lesson_class).values_list(
                "student_id", flat=True
            )
        )
        added, removed = wanted - current, current - wanted
        if not added and not removed:
            return 0, 0
        LessonMembership.objects.filter(lesson_class=lesson_class, student_id__in=removed).delete()
        LessonMembership.objects.bulk_create(
            [LessonMembership(lesson_class=lesson_class, student_id=pk) for pk in sorted(added)]
        )
        audit_record(
            actor=actor,
            action="students.lesson_members.set",
            target=lesson_class,
            details={"added": sorted(added), "removed": sorted(removed)},
        )
    return len(added), len(removed)
