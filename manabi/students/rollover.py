"""年次更新 (year roll-over) of one school: next year's classes and class lists prepared as a
仮年度 (provisional) draft, adjusted, previewed, and put live on 1 April in one transaction.

- **prepare**: for the next 年度, a provisional class for every class of this year moved up a
  grade (the same 組 names), this year's 1st-grade classes again for the new entrants, and a
  provisional enrolment for every present pupil below the top grade in the class of the same
  name one grade up, numbered in ふりがな order. Top-grade pupils are the graduates (卒業).
  Preparing again replaces the draft (nothing live is touched).
- **move**: a pupil to another provisional class / 出席番号 (組編成).
- **apply**: from 1 April of the new 年度: the draft becomes the live year (classes and
  enrolments lose their provisional mark), and the graduates' enrolments of the old year end on
  31 March with the status 卒業. Nothing else of the old year is changed: its classes, class
  lists and duties stay as they were. All or nothing; audited with a report.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from manabi.accounts.selectors import Acting
from manabi.classes.models import SchoolClass
from manabi.classes.services import grade_limit
from manabi.core.audit import audit_record
from manabi.orgs.models import Organisation
from manabi.students.models import PRESENT_STATUSES, Enrolment, EnrolmentStatus
from manabi.students.services import enrolment_place


@dataclass
class RolloverState:
    """Where a school's roll-over from ``from_year`` stands (for the page and the report)."""

    from_year: int
    to_year: int
    live: bool  # the next year already has live classes
    prepared: bool
    classes: list[tuple[SchoolClass, int]] = field(default_factory=list)  # with pupil counts
    unplaced: int = 0
    graduates: int = 0
    staying: int = 0  # present pupils below the top grade this year

    @property
    def apply_from(self) -> date:
        return date(self.to_year, 4, 1)


def _present(school: Organisation, year: int) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(
            school=school,
            fiscal_year=year,
            is_provisional=False,
            status__in=PRESENT_STATUSES,
            end_date__isnull=True,
        ).select_related("student", "school_class")
    )


def rollover_from_year(school: Organisation, today: date) -> int:
    """The year to roll over from: this 年度, or — from 1 April until the new year has gone
    live — the year that has just ended."""
    year = today.year if today.month >= 4 else today.year - 1
    live = SchoolClass.objects.filter(school=school, fiscal_year=year, is_provisional=False)
    return year if live.exists() else year - 1


def rollover_state(school: Organisation, from_year: int) -> RolloverState:
    to_year = from_year + 1
    top = grade_limit(school)
    present = _present(school, from_year)
    state = RolloverState(
        from_year=from_year,
        to_year=to_year,
        live=SchoolClass.objects.filter(
            school=school, fiscal_year=to_year, is_provisional=False
        ).exists(),
        prepared=SchoolClass.objects.filter(
            school=school, fiscal_year=to_year, is_provisional=True
        ).exists(),
        graduates=sum(1 for e in present if e.grade >= top),
        staying=sum(1 for e in present if e.grade < top),
    )
    draft = Enrolment.objects.filter(school=school, fiscal_year=to_year, is_provisional=True)
    sizes: dict[int | None, int] = defaultdict(int)
    for class_id in draft.values_list("school_class_id", flat=True):
        sizes[class_id] += 1
    state.unplaced = sizes.get(None, 0)
    state.classes = [
        (c, sizes.get(c.pk, 0))
        for c in SchoolClass.objects.filter(
            school=school, fiscal_year=to_year, is_provisional=True
        ).order_by("grade", "order", "name")
    ]
    return state


def rollover_prepare(*, actor: Acting, school: Organisation, from_year: int) -> RolloverState:
    """Make (or make again) the draft of the next 年度."""
    to_year = from_year + 1
    top = grade_limit(school)
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=school.pk).first()
        if SchoolClass.objects.filter(
            school=school, fiscal_year=to_year, is_provisional=False
        ).exists():
            raise ValidationError(
                f"{to_year}年度の学級はすでに使われています(年次更新は済んでいます)。"
            )
        Enrolment.objects.filter(school=school, fiscal_year=to_year, is_provisional=True).delete()
        SchoolClass.objects.filter(school=school, fiscal_year=to_year, is_provisional=True).delete()
        current = list(
            SchoolClass.objects.filter(school=school, fiscal_year=from_year, is_provisional=False)
        )
        if not current:
            raise ValidationError(
                f"{from_year}年度の学級がありません。先に学級を登録してください。"
            )
        wanted: dict[tuple[int, str], SchoolClass] = {}
        for c in sorted(current, key=lambda c: (c.grade, c.order, c.name)):
            grades = [c.grade + 1] if c.grade < top else []
            if c.grade == 1:
                grades.append(1)  # the new entrants' classes
            for grade in grades:
                wanted.setdefault(
                    (grade, c.name),
                    SchoolClass(
                        school=school,
                        fiscal_year=to_year,
                        grade=grade,
                        name=c.name,
                        kind=c.kind,
                        order=c.order,
                        is_provisional=True,
                    ),
                )
        made = {(c.grade, c.name): c for c in SchoolClass.objects.bulk_create(wanted.values())}
        staying = [e for e in _present(school, from_year) if e.grade < top]
        staying.sort(
            key=lambda e: (e.grade, e.school_class.name if e.school_class else "", e.student.kana)
        )
        numbers: dict[int, int] = defaultdict(int)
        drafts = []
        for e in staying:
            target = made.get((e.grade + 1, e.school_class.name)) if e.school_class else None
            number = None
            if target is not None:
                numbers[target.pk] += 1
                number = numbers[target.pk]
            drafts.append(
                Enrolment(
                    student=e.student,
                    school=school,
                    fiscal_year=to_year,
                    grade=e.grade + 1,
                    school_class=target,
                    number=number,
                    start_date=date(to_year, 4, 1),
                    status=EnrolmentStatus.ENROLLED,
                    is_provisional=True,
                )
            )
        Enrolment.objects.bulk_create(drafts, batch_size=1000)
        state = rollover_state(school, from_year)
        audit_record(
            actor=actor,
            action="students.rollover.prepare",
            target=school,
            details={
                "from_year": from_year,
                "classes": len(made),
                "pupils": len(drafts),
                "graduates": state.graduates,
            },
        )
    return state


def rollover_place(
    *, actor: Acting, enrolment: Enrolment, school_class: SchoolClass | None, number: int | None
) -> Enrolment:
    """組編成 in the draft: move a provisional enrolment to another provisional class."""
    if not enrolment.is_provisional:
        raise ValidationError("仮年度の在籍ではありません。")
    if school_class is not None and not school_class.is_provisional:
        raise ValidationError({"school_class": "同じ学校の仮年度の学級を選んでください。"})
    return enrolment_place(
        actor=actor,
        enrolment=enrolment,
        school_class=school_class,
        number=number,
        audit_action="students.rollover.place",
    )


@dataclass(frozen=True)
class RolloverReport:
    to_year: int
    classes: int
    pupils: int
    graduates: int


def rollover_apply(
    *, actor: Acting, school: Organisation, from_year: int, today: date
) -> RolloverReport:
    """Put the draft live (from 1 April of the new 年度), in one transaction."""
    to_year = from_year + 1
    if today < date(to_year, 4, 1):
        raise ValidationError(f"年次更新の切り替えは{to_year}年4月1日から行えます。")
    top = grade_limit(school)
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=school.pk).first()
        classes = SchoolClass.objects.filter(
            school=school, fiscal_year=to_year, is_provisional=True
        )
        drafts = Enrolment.objects.filter(school=school, fiscal_year=to_year, is_provisional=True)
        if not classes.exists():
            raise ValidationError(
                f"{to_year}年度の案がありません。先に「進級の案を作る」を行ってください。"
            )
        unplaced = drafts.filter(school_class__isnull=True).count()
        if unplaced:
            raise ValidationError(
                f"学級が決まっていない児童生徒が{unplaced}人います。組編成をしてから切り替えてください。"
            )
        moving = set(drafts.values_list("student_id", flat=True))
        # A pupil who left (転出) after the draft was made must not be enrolled again.
        gone = moving - set(
            Enrolment.objects.filter(
                school=school,
                fiscal_year=from_year,
                is_provisional=False,
                status__in=PRESENT_STATUSES,
                end_date__isnull=True,
            ).values_list("student_id", flat=True)
        )
        if gone:
            drafts.filter(student_id__in=gone).delete()
        n_classes = classes.update(is_provisional=False)
        n_pupils = drafts.update(is_provisional=False)
        graduates = Enrolment.objects.filter(
            school=school,
            fiscal_year=from_year,
            is_provisional=False,
            status__in=PRESENT_STATUSES,
            end_date__isnull=True,
            grade__gte=top,
        ).update(status=EnrolmentStatus.GRADUATED, end_date=date(to_year, 3, 31))
        report = RolloverReport(to_year, n_classes, n_pupils, graduates)
        audit_record(
            actor=actor,
            action="students.rollover.apply",
            target=school,
            details={
                "from_year": from_year,
                "classes": n_classes,
                "pupils": n_pupils,
                "graduates": graduates,
                "left_since_draft": len(gone),
            },
        )
    return report
