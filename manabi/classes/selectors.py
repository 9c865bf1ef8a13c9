"""Reads of classes: the classes of a school year, narrowed by what the actor reaches."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils import timezone

from manabi.classes.models import Duty, LessonClass, SchoolClass
from manabi.core import wareki
from manabi.people.models import Staff

if TYPE_CHECKING:  # access (above classes) narrows with these reads; types only here
    from manabi.access.selectors import Reach


def current_fiscal_year() -> int:
    return wareki.fiscal_year(timezone.localdate())


def classes_in_reach(reach: Reach, *, provisional: bool = False) -> QuerySet[SchoolClass]:
    """The 学級 of the reach's school and 年度 that the reach covers."""
    if reach.nothing or reach.standing.school_id is None:
        return SchoolClass.objects.none()
    qs = SchoolClass.objects.filter(
        school_id=reach.standing.school_id,
        fiscal_year=reach.fiscal_year,
        is_provisional=provisional,
    )
    if not reach.everything:
        qs = qs.filter(Q(grade__in=reach.grades) | Q(pk__in=reach.class_ids))
    return qs.order_by("grade", "order", "name")


def lesson_classes_in_reach(reach: Reach) -> QuerySet[LessonClass]:
    if reach.nothing or reach.standing.school_id is None:
        return LessonClass.objects.none()
    qs = LessonClass.objects.filter(
        school_id=reach.standing.school_id, fiscal_year=reach.fiscal_year, is_provisional=False
    )
    if not reach.everything:
        qs = qs.filter(Q(grade__in=reach.grades) | Q(pk__in=reach.lesson_class_ids))
    return qs.order_by("grade", "subject", "name")


def school_staff(school_id: int) -> QuerySet[Staff]:
    """Staff currently assigned to the school (the people who can hold its duties)."""
    from manabi.people.selectors import current_assignments

    here = current_assignments().filter(organisation_id=school_id).values("staff_id")
    return Staff.objects.filter(pk__in=here).order_by("kana", "pk")


def duties_by_class(
    school_id: int, fiscal_year: int
) -> tuple[dict[int, list[Duty]], dict[int, list[Duty]], dict[int, list[Duty]]]:
    """Every duty of the school year, by 学級, by 学年 and by 授業クラス (one query)."""
    by_class: dict[int, list[Duty]] = {}
    by_grade: dict[int, list[Duty]] = {}
    by_lesson: dict[int, list[Duty]] = {}
    for duty in (
        Duty.objects.filter(school_id=school_id, fiscal_year=fiscal_year)
        .select_related("staff")
        .order_by("kind", "staff__kana")
    ):
        if duty.school_class_id is not None:
            by_class.setdefault(duty.school_class_id, []).append(duty)
        elif duty.lesson_class_id is not None:
            by_lesson.setdefault(duty.lesson_class_id, []).append(duty)
        elif duty.grade is not None:
            by_grade.setdefault(duty.grade, []).append(duty)
    return by_class, by_grade, by_lesson
