"""Reads of classes: the classes of a school year, narrowed by what the actor reaches."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from manabi.access.selectors import Reach
from manabi.classes.models import LessonClass, SchoolClass
from manabi.core import wareki


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
