"""Writes of classes and duties. Every one is audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from manabi.accounts.selectors import Acting
from manabi.classes.models import ClassKind, Duty, DutyKind, LessonClass, SchoolClass
from manabi.core.audit import audit_record
from manabi.orgs.models import Organisation
from manabi.people.models import Staff

MAX_GRADE = {
    "kindergarten": 3,
    "certified_childcare": 3,
    "elementary": 6,
    "junior_high": 3,
    "compulsory": 9,
    "high": 4,
    "secondary": 6,
}


def grade_limit(school: Organisation) -> int:
    """The highest 学年 of the school's type (12 where the type does not say)."""
    return MAX_GRADE.get(school.school_type, 12)


def _check_grade(school: Organisation, grade: int) -> None:
    top = grade_limit(school)
    if not 1 <= grade <= top:
        raise ValidationError({"grade": f"学年は1から{top}の間で入力してください。"})


def school_class_create(
    *,
    actor: Acting | None,
    school: Organisation,
    fiscal_year: int,
    grade: int,
    name: str,
    kind: ClassKind | str = ClassKind.REGULAR,
    order: int = 0,
    provisional: bool = False,
) -> SchoolClass:
    _check_grade(school, grade)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "組を入力してください。"})
    try:
        with transaction.atomic():
            school_class = SchoolClass.objects.create(
                school=school,
                fiscal_year=fiscal_year,
                grade=grade,
                name=name,
                kind=ClassKind(kind),
                order=order,
                is_provisional=provisional,
            )
            audit_record(
                actor=actor,
                action="classes.class.create",
                target=school_class,
                details={"fiscal_year": fiscal_year, "grade": grade, "name": name},
            )
    except IntegrityError:
        raise ValidationError({"name": f"{grade}年{name}組はすでにあります。"}) from None
    return school_class


def lesson_class_create(
    *,
    actor: Acting | None,
    school: Organisation,
    fiscal_year: int,
    subject: str,
    name: str,
    grade: int | None = None,
    elective: bool = False,
    provisional: bool = False,
) -> LessonClass:
    if grade is not None:
        _check_grade(school, grade)
    if not subject.strip() or not name.strip():
        raise ValidationError("教科と授業クラス名を入力してください。")
    try:
        with transaction.atomic():
            lesson = LessonClass.objects.create(
                school=school,
                fiscal_year=fiscal_year,
                subject=subject.strip(),
                name=name.strip(),
                grade=grade,
                is_elective=elective,
                is_provisional=provisional,
            )
            audit_record(
                actor=actor,
                action="classes.lesson_class.create",
                target=lesson,
                details={"fiscal_year": fiscal_year, "subject": subject, "name": name},
            )
    except IntegrityError:
        raise ValidationError({"name": f"授業クラス「{name}」はすでにあります。"}) from None
    return lesson


def duty_assign(
    *,
    actor: Acting | None,
    staff: Staff,
    kind: DutyKind | str,
    school_class: SchoolClass | None = None,
    lesson_class: LessonClass | None = None,
    school: Organisation | None = None,
    fiscal_year: int | None = None,
    grade: int | None = None,
) -> Duty:
    """Assign ``staff`` to a class (担任・副担任), a grade (学年主任・学年所属) or a 授業クラス
    (教科担当). Assigning again what is already assigned returns the existing row."""
    kind = DutyKind(kind)
    if school_class is not None:
        school, fiscal_year = school_class.school, school_class.fiscal_year
    elif lesson_class is not None:
        school, fiscal_year = lesson_class.school, lesson_class.fiscal_year
    if school is None or fiscal_year is None:
        raise ValidationError("担当する学級・学年・授業クラスを指定してください。")
    fields = {
        "school": school,
        "fiscal_year": fiscal_year,
        "staff": staff,
        "kind": kind,
        "grade": grade if kind in (DutyKind.GRADE_HEAD, DutyKind.GRADE_MEMBER) else None,
        "school_class": school_class,
        "lesson_class": lesson_class,
    }
    if kind in (DutyKind.GRADE_HEAD, DutyKind.GRADE_MEMBER):
        if grade is None:
            raise ValidationError({"grade": "学年を指定してください。"})
        _check_grade(school, grade)
        fields["school_class"] = fields["lesson_class"] = None
    elif kind == DutyKind.SUBJECT:
        if lesson_class is None:
            raise ValidationError({"lesson_class": "授業クラスを指定してください。"})
        fields["school_class"] = None
    elif school_class is None:
        raise ValidationError({"school_class": "学級を指定してください。"})
    else:
        fields["lesson_class"] = None
    with transaction.atomic():
        lookup = {k: v for k, v in fields.items() if v is not None}
        existing = Duty.objects.filter(**lookup).first()
        if existing is not None:
            return existing
        try:
            with transaction.atomic():
                duty = Duty.objects.create(**fields)
        except IntegrityError:
            raise ValidationError("同じ担当がすでに登録されています。") from None
        audit_record(
            actor=actor,
            action="classes.duty.assign",
            target=duty,
            subject=staff,
            details={"kind": kind.value, "fiscal_year": fiscal_year, "grade": grade},
        )
    return duty


def duty_remove(*, actor: Acting | None, duty: Duty) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="classes.duty.remove",
            target=duty,
            subject=duty.staff,
            details={"kind": duty.kind, "fiscal_year": duty.fiscal_year},
        )
        duty.delete()
