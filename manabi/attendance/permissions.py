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

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404

from manabi.access.functions import Action
from manabi.access.selectors import Reach, acting_school_id, reach_of
from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting
from manabi.classes.models import LessonClass, SchoolClass
from manabi.classes.selectors import current_fiscal_year
from manabi.orgs.models import Organisation

BOOK = "attendance.book"
PRINT = "attendance.print"
BOARD_ROLES = frozenset({Role.BOARD, Role.SYSTEM_ADMIN})
# A book's class: a 学級 (出席簿) or a 授業クラス (欠課簿).
Book = TypeVar("Book", SchoolClass, LessonClass)


def reach_for(
    acting: Acting,
    *,
    book: str,
    printing: str,
    action: Action = Action.VIEW,
    fiscal_year: int | None = None,
) -> Reach | None:
    """The reach of ``action`` over a book (``book``, or ``printing`` for 印刷) at the school
    ``acting`` acts for; ``None`` when they act for no school."""
    school_id = acting_school_id(acting)
    if school_id is None:
        return None
    return reach_of(
        acting,
        school_id=school_id,
        fiscal_year=fiscal_year or current_fiscal_year(),
        function=printing if action == Action.PRINT else book,
        action=action,
    )


def book_reach(
    acting: Acting, *, action: Action = Action.VIEW, fiscal_year: int | None = None
) -> Reach | None:
    """The reach over the attendance books of the school ``acting`` acts for."""
    return reach_for(acting, book=BOOK, printing=PRINT, action=action, fiscal_year=fiscal_year)


def check_access(
    target: Book | None,
    *,
    reach: Callable[[Action, int], Reach | None],
    covers: Callable[[Reach | None, Book], bool],
    action: Action,
) -> Reach:
    """The one shape of every book's access: not found or out of the 閲覧 reach → 404; seen
    but ``action`` not reached → 403. Returns the reach of ``action``."""
    if target is None:
        raise Http404
    view = reach(Action.VIEW, target.fiscal_year)
    if not covers(view, target):
        raise Http404
    if action == Action.VIEW:
        assert view is not None
        return view
    done = reach(action, target.fiscal_year)
    if not covers(done, target):
        raise PermissionDenied
    assert done is not None
    return done


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
    reach = check_access(
        school_class,
        reach=lambda act, year: book_reach(acting, action=act, fiscal_year=year),
        covers=covers,
        action=action,
    )
    assert school_class is not None
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


BOARD_KINDS = frozenset({"prefecture_board", "municipal_board"})


def require_reason_editor(acting: Acting) -> Organisation:
    """A board's own list of 欠席の理由: its officers, acting for the board (403 for others)."""
    org = acting.organisation
    if acting.role != Role.BOARD or org is None or org.kind not in BOARD_KINDS:
        raise PermissionDenied
    return org
