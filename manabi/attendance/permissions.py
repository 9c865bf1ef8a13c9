"""Who may see, enter, close, lock and unlock a class's 出席簿 (別表1 「出席簿 閲覧・編集」).

- 閲覧 / 編集: the scope of ``attendance.book`` 閲覧 / 編集. By the seed's defaults every
  teacher of the school may see and enter every class's book (管理者), so that 教科担任 and
  the office can take it when the homeroom teacher is away.
- 締め (close a month): the ロック scope (学級担当 by default: one's own classes).
- ロック and ロック解除: the ロック scope over the whole school (管理者: 校長・副校長・教頭 by
  default, or whoever the school grants it to).
- 印刷: ``attendance.print``; Excel出力: ``attendance.book`` Excel出力.

A class outside one's 閲覧 scope, or of another school, is 404; visible but not allowed, 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from manabi.access.functions import Action
from manabi.access.selectors import Reach, acting_school_id, reach_of
from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting
from manabi.classes.models import SchoolClass
from manabi.classes.selectors import current_fiscal_year

BOOK = "attendance.book"
PRINT = "attendance.print"
BOARD_ROLES = frozenset({Role.BOARD, Role.SYSTEM_ADMIN})


def book_reach(
    acting: Acting, *, action: Action = Action.VIEW, fiscal_year: int | None = None
) -> Reach | None:
    """The reach over the attendance books of the school ``acting`` acts for (``None`` when
    they act for no school)."""
    school_id = acting_school_id(acting)
    if school_id is None:
        return None
    return reach_of(
        acting,
        school_id=school_id,
        fiscal_year=fiscal_year or current_fiscal_year(),
        function=PRINT if action == Action.PRINT else BOOK,
        action=action,
    )


def covers(reach: Reach | None, school_class: SchoolClass) -> bool:
    """Does the reach take in the class (pure)?"""
    if reach is None or reach.nothing or reach.standing.school_id != school_class.school_id:
        return False
    if reach.fiscal_year != school_class.fiscal_year:
        return False
    return (
        reach.everything or school_class.grade in reach.grades or school_class.pk in reach.class_ids
    )


def require_book_reader(acting: Acting, *, fiscal_year: int | None = None) -> Reach:
    """Lists of the school's books (the day's roll calls, the classes): 404 outside a school,
    403 for staff with no 閲覧 scope."""
    reach = book_reach(acting, fiscal_year=fiscal_year)
    if reach is None:
        raise Http404
    if reach.nothing:
        raise PermissionDenied
    return reach


def access_book(
    acting: Acting, class_id: int, *, action: Action = Action.VIEW
) -> tuple[SchoolClass, Reach]:
    """The class's book, if ``acting`` may see it (else 404) and do ``action`` on it (else
    403). Returns the class and the reach of ``action``."""
    school_id = acting_school_id(acting)
    school_class = (
        SchoolClass.objects.filter(pk=class_id, school_id=school_id, is_provisional=False).first()
        if school_id is not None
        else None
    )
    if school_class is None:
        raise Http404
    view = book_reach(acting, fiscal_year=school_class.fiscal_year)
    if not covers(view, school_class):
        raise Http404
    assert view is not None
    if action == Action.VIEW:
        return school_class, view
    reach = book_reach(acting, action=action, fiscal_year=school_class.fiscal_year)
    if not covers(reach, school_class):
        raise PermissionDenied
    assert reach is not None
    return school_class, reach


def may(acting: Acting, school_class: SchoolClass, action: Action) -> bool:
    """For showing buttons: may ``acting`` do ``action`` on the class's book?"""
    return covers(
        book_reach(acting, action=action, fiscal_year=school_class.fiscal_year), school_class
    )


def may_lock(reach: Reach | None) -> bool:
    """ロック and its 解除 need the ロック scope over the whole school."""
    return reach is not None and reach.everything


def access_book_for_lock(acting: Acting, class_id: int) -> tuple[SchoolClass, Reach]:
    school_class, reach = access_book(acting, class_id, action=Action.LOCK)
    if not may_lock(reach):
        raise PermissionDenied
    return school_class, reach


def can_see_counts(acting: Acting) -> bool:
    """Boards see attendance across their schools as counts only."""
    return acting.role in BOARD_ROLES
