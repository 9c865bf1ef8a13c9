"""Who may see and enter a 授業クラス's 欠課簿 (別表1 「欠課簿 閲覧・編集」, 「欠課簿 印刷」).

- 閲覧 / 編集: the scope of ``period_absence.book`` 閲覧 / 編集. By the seed's defaults every
  teacher of the school may see and enter every 授業クラス's 欠課 (管理者), so that a colleague
  who takes the lesson for the 教科担当 can record it.
- 印刷: ``period_absence.print`` (学級担当 by default: for a 授業クラス, its 教科担当).

Mirrors ``attendance.permissions`` for 学級: a 授業クラス outside one's 閲覧 scope, or of
another school, is 404; visible but not allowed, 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from manabi.access.functions import Action
from manabi.access.selectors import Reach, acting_school_id
from manabi.accounts.selectors import Acting
from manabi.attendance.permissions import check_access, reach_for
from manabi.classes.models import LessonClass

LESSON_BOOK = "period_absence.book"
LESSON_PRINT = "period_absence.print"


def lesson_reach(
    acting: Acting, *, action: Action = Action.VIEW, fiscal_year: int | None = None
) -> Reach | None:
    """The reach over the 欠課簿 of the school ``acting`` acts for (``None`` when they act for
    no school)."""
    return reach_for(
        acting, book=LESSON_BOOK, printing=LESSON_PRINT, action=action, fiscal_year=fiscal_year
    )


def covers_lesson(reach: Reach | None, lesson: LessonClass) -> bool:
    """Does the reach take in the 授業クラス (pure)? 学年担当 reaches the 授業クラス of its
    grades, 学級担当 the ones it teaches (教科担当)."""
    if reach is None or reach.nothing or reach.standing.school_id != lesson.school_id:
        return False
    if reach.fiscal_year != lesson.fiscal_year:
        return False
    return (
        reach.everything
        or (lesson.grade is not None and lesson.grade in reach.grades)
        or lesson.pk in reach.lesson_class_ids
    )


def require_lesson_reader(acting: Acting, *, fiscal_year: int | None = None) -> Reach:
    """The list of the school's 授業クラス: 404 outside a school, 403 with no 閲覧 scope."""
    reach = lesson_reach(acting, fiscal_year=fiscal_year)
    if reach is None:
        raise Http404
    if reach.nothing:
        raise PermissionDenied
    return reach


def access_lesson(
    acting: Acting, lesson_id: int, *, action: Action = Action.VIEW
) -> tuple[LessonClass, Reach]:
    """The 授業クラス's 欠課簿, if ``acting`` may see it (else 404) and do ``action`` on it
    (else 403). Returns the 授業クラス and the reach of ``action``."""
    school_id = acting_school_id(acting)
    lesson = (
        LessonClass.objects.filter(pk=lesson_id, school_id=school_id, is_provisional=False).first()
        if school_id is not None
        else None
    )
    reach = check_access(
        lesson,
        reach=lambda act, year: lesson_reach(acting, action=act, fiscal_year=year),
        covers=covers_lesson,
        action=action,
    )
    assert lesson is not None
    return lesson, reach


def may_on_lesson(acting: Acting, lesson: LessonClass, action: Action) -> bool:
    """For showing buttons: may ``acting`` do ``action`` on the 授業クラス's 欠課簿?"""
    return covers_lesson(
        lesson_reach(acting, action=action, fiscal_year=lesson.fiscal_year), lesson
    )
