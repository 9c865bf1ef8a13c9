"""Writes of the 欠課簿: a pupil's lesson mark (欠課・遅刻・早退), the planned 授業時数 of a
授業クラス, and a board's 単位認定 rule. Every one runs in a transaction and is audited.

Callers fetch the 授業クラス with ``attendance.lesson_permissions`` first; the services check
the data (the pupil takes the 授業クラス, the date is in its 年度, the 時限 is 1〜8) and raise
``ValidationError`` with a Japanese message naming what is wrong. A refused write changes
nothing.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from manabi.accounts.models import Account
from manabi.accounts.selectors import Acting, signed_in_account
from manabi.attendance import lesson_rules, schooldays
from manabi.attendance.choices import NOTE_MAX
from manabi.attendance.lesson_models import (
    PLANNED_MAX,
    CreditThreshold,
    LessonAbsence,
    LessonHours,
    PeriodMarkKind,
)
from manabi.classes.models import LessonClass
from manabi.core.audit import audit_record
from manabi.orgs.models import Organisation, OrganisationKind
from manabi.students.models import LessonMembership, Student

BOARD_KINDS = frozenset({OrganisationKind.PREFECTURE_BOARD, OrganisationKind.MUNICIPAL_BOARD})


_who = signed_in_account


def _label(day: date) -> str:
    return f"{day.month}月{day.day}日"


def check_period(period: int) -> None:
    if not (lesson_rules.PERIOD_MIN <= period <= lesson_rules.PERIOD_MAX):
        raise ValidationError(
            {
                "period": f"時限は{lesson_rules.PERIOD_MIN}〜{lesson_rules.PERIOD_MAX}の数字で"
                "指定してください。"
            }
        )


def _require_in_year(lesson: LessonClass, day: date) -> None:
    if schooldays.fiscal_year_of(day) != lesson.fiscal_year:
        raise ValidationError(
            {
                "date": f"{_label(day)}は{lesson.name}の{lesson.fiscal_year}年度の日付ではありません。"
            }
        )


def _member(lesson: LessonClass, student_id: int) -> Student:
    membership = (
        LessonMembership.objects.filter(lesson_class_id=lesson.pk, student_id=student_id)
        .select_related("student")
        .first()
    )
    if membership is None:
        raise ValidationError({"student": f"この児童生徒は{lesson.name}の履修者ではありません。"})
    return membership.student


def _state(mark: LessonAbsence | None) -> str:
    return mark.get_kind_display() if mark is not None else "出席"


def period_mark_set(
    *,
    actor: Acting,
    lesson: LessonClass,
    student_id: int,
    day: date,
    period: int,
    kind: PeriodMarkKind | None,
    note: str = "",
) -> LessonAbsence | None:
    """Set a pupil's lesson (date, 時限) to 欠課, 遅刻 or 早退, or clear it (``kind=None``:
    the pupil attended). Returns the mark, or ``None`` when the lesson is plain attendance."""
    check_period(period)
    _require_in_year(lesson, day)
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": f"備考は{NOTE_MAX}文字以内で入力してください。"})
    if kind is None and note:
        raise ValidationError({"note": "備考は欠課・遅刻・早退のときに入力します。"})
    account = _who(actor)
    with transaction.atomic():
        student = _member(lesson, student_id)
        before = (
            LessonAbsence.objects.select_for_update()
            .filter(lesson_class=lesson, student_id=student_id, date=day, period=period)
            .first()
        )
        old = _state(before)
        if kind is None:
            if before is None:
                return None
            before.delete()
            mark = None
        else:
            if before is not None and before.kind == kind and before.note == note:
                return before
            mark, _ = LessonAbsence.objects.update_or_create(
                lesson_class=lesson,
                student_id=student_id,
                date=day,
                period=period,
                defaults={"kind": kind, "note": note, "updated_by": account},
            )
        audit_record(
            actor=actor,
            action="attendance.lesson_mark.set",
            target=lesson,
            subject=student,
            details={
                "date": day.isoformat(),
                "period": period,
                "from": old,
                "to": _state(mark),
            },
        )
    return mark


def lesson_hours_set(*, actor: Acting, lesson: LessonClass, planned: int) -> LessonHours:
    """Record the planned annual 授業時数 of the 授業クラス (the base of the threshold)."""
    if not (1 <= planned <= PLANNED_MAX):
        raise ValidationError(
            {"planned": f"年間授業時数は1〜{PLANNED_MAX}の時間数で入力してください。"}
        )
    account = _who(actor)
    with transaction.atomic():
        before = LessonHours.objects.select_for_update().filter(lesson_class=lesson).first()
        old = before.planned if before is not None else None
        hours, _ = LessonHours.objects.update_or_create(
            lesson_class=lesson, defaults={"planned": planned, "updated_by": account}
        )
        audit_record(
            actor=actor,
            action="attendance.lesson_hours.set",
            target=lesson,
            details={"from": old, "to": planned},
        )
    return hours


def credit_threshold_set(
    *,
    actor: Acting | Account | None,
    board: Organisation,
    numerator: int,
    denominator: int,
    warning_percent: int,
    late_per_absence: int | None,
) -> CreditThreshold:
    """Set a board's 単位認定 rule for 欠課 (``actor`` None: the system, from the console)."""
    if board.kind not in BOARD_KINDS:
        raise ValidationError({"board": f"{board.name}は教育委員会ではありません。"})
    try:
        policy = lesson_rules.Policy(
            ratio=lesson_rules.Ratio(numerator, denominator),
            warning_percent=warning_percent,
            late_per_absence=late_per_absence,
        )
    except ValueError as exc:
        raise ValidationError(str(exc)) from None
    account = actor.account if isinstance(actor, Acting) else actor
    with transaction.atomic():
        before = CreditThreshold.objects.select_for_update().filter(board=board).first()
        old = str(before) if before is not None else "初期値 (1/3, 警告 80%)"
        threshold, _ = CreditThreshold.objects.update_or_create(
            board=board,
            defaults={
                "numerator": policy.ratio.numerator,
                "denominator": policy.ratio.denominator,
                "warning_percent": policy.warning_percent,
                "late_per_absence": policy.late_per_absence,
                "updated_by": account,
            },
        )
        audit_record(
            actor=actor,
            action="attendance.credit_threshold.set",
            target=board,
            details={
                "from": old,
                "to": str(threshold),
                "late_per_absence": policy.late_per_absence,
            },
        )
    return threshold
