"""Who may read, write, print, approve and reopen the 学校日誌 (別表1 ``school_diary.edit``,
manabi's row for the 学校日誌 menu of 別表2; see ``access/data/beppyo1.json``).

The diary is one book per school: 閲覧・編集・印刷 are 管理者 (the whole school) for everyone
it is open to, 事務職員 included; 承認 and ロック are struck through (``=``) for all but
校長・副校長・教頭. The book is always the acting school's: a board officer, a guest or anyone
acting for no school meets 404, and the staff of another school only ever reach their own
school's book. Seen but not allowed is 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from manabi.access.functions import Action
from manabi.access.selectors import Reach, acting_school_reach
from manabi.accounts.selectors import Acting

FUNCTION = "school_diary.edit"


def diary_reach(acting: Acting, action: Action) -> Reach | None:
    """The reach of ``action`` at the school ``acting`` acts for (``None`` outside a school)."""
    return acting_school_reach(acting, FUNCTION, action)


def require(acting: Acting, action: Action = Action.VIEW) -> int:
    """The acting school's id if ``acting`` may do ``action`` on its 学校日誌: 404 outside a
    school or without 閲覧, 403 when the book is seen but ``action`` is not allowed."""
    seen = diary_reach(acting, Action.VIEW)
    if seen is None or not seen.everything:
        raise Http404
    assert seen.standing.school_id is not None
    if action != Action.VIEW:
        done = diary_reach(acting, action)
        if done is None or not done.everything:
            raise PermissionDenied
    return seen.standing.school_id


def may(acting: Acting, action: Action) -> bool:
    """For showing buttons: may ``acting`` do ``action`` on the school's 学校日誌?"""
    reach = diary_reach(acting, action)
    return reach is not None and reach.everything


def may_use_menu(acting: Acting) -> bool:
    return may(acting, Action.VIEW)
