"""Who may see, enter and print the 児童生徒健康診断票 (別表1 健康診断, manabi's rows for the
健康診断 menu of 別表2; see ``access/data/beppyo1.json``).

- ``health.exam`` (閲覧・入力): 閲覧, 編集, Excel入力, Excel出力. 管理者 for 校長・副校長・教頭
  and, by its own default, the 養護教諭グループ (the nurse examines and enters the whole school);
  everyone else reads their own class (学級担当) and enters nothing. 事務職員グループ: nothing
  (別表2 gives it no 健康診断 menu).
- ``health.exam_print`` (児童生徒健康診断票・お知らせ): 印刷, with the same reach.
- ``health.entry_periods`` (入力時期設定(学校)): the whole-school scope of 閲覧 / 編集 (管理職 and
  the nurse).

As everywhere: a class or pupil outside one's 閲覧 scope, or of another school, is 404; seen but
not allowed, 403. Every view of a pupil's record is audited by the view.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from manabi.access.functions import Action
from manabi.access.selectors import Reach, acting_school_id, acting_school_reach
from manabi.accounts.selectors import Acting
from manabi.attendance.permissions import check_access, covers
from manabi.classes.models import SchoolClass
from manabi.classes.selectors import current_fiscal_year
from manabi.students.models import Enrolment

EXAM = "health.exam"
PRINT = "health.exam_print"
ENTRY_PERIODS = "health.entry_periods"

CLASS_FUNCTIONS = frozenset({EXAM, PRINT})
# Functions whose only action is 印刷: seeing the output is printing it.
PRINT_ONLY = frozenset({PRINT})


def health_reach(
    acting: Acting, function: str, action: Action, *, fiscal_year: int | None = None
) -> Reach | None:
    """The reach of ``action`` on ``function`` at the school ``acting`` acts for (``None``
    outside a school)."""
    return acting_school_reach(acting, function, action, fiscal_year=fiscal_year)


def _view_action(function: str) -> Action:
    return Action.PRINT if function in PRINT_ONLY else Action.VIEW


def access_class(
    acting: Acting, class_id: int, function: str = EXAM, *, action: Action | None = None
) -> tuple[SchoolClass, Reach]:
    """The 学級, if ``acting`` may see its ``function`` (else 404) and do ``action`` on it (else
    403)."""
    assert function in CLASS_FUNCTIONS, function
    view = _view_action(function)
    action = action or view
    school_id = acting_school_id(acting)
    school_class = (
        SchoolClass.objects.filter(pk=class_id, school_id=school_id, is_provisional=False).first()
        if school_id is not None
        else None
    )

    def reach(act: Action, year: int) -> Reach | None:
        return health_reach(acting, function, view if act == Action.VIEW else act, fiscal_year=year)

    done = check_access(school_class, reach=reach, covers=covers, action=action)
    assert school_class is not None
    return school_class, done


def covers_enrolment(reach: Reach | None, enrolment: Enrolment) -> bool:
    """Does the reach take in the pupil's placement (pure)?"""
    if reach is None or reach.nothing or reach.standing.school_id != enrolment.school_id:
        return False
    if reach.fiscal_year != enrolment.fiscal_year:
        return False
    return (
        reach.everything
        or enrolment.grade in reach.grades
        or (enrolment.school_class_id is not None and enrolment.school_class_id in reach.class_ids)
    )


def _current_enrolment(school_id: int | None, student_id: int, year: int) -> Enrolment | None:
    """The pupil's latest placement at the school in the 年度 (where they are now)."""
    if school_id is None:
        return None
    return (
        Enrolment.objects.filter(
            student_id=student_id, school_id=school_id, fiscal_year=year, is_provisional=False
        )
        .select_related("student", "school_class")
        .order_by("-start_date", "-pk")
        .first()
    )


def access_exam_pupil(
    acting: Acting, student_id: int, function: str = EXAM, *, action: Action | None = None
) -> tuple[Enrolment, Reach]:
    """The pupil's placement of this 年度 at the acting school, if ``acting`` may see their
    健康診断票 (else 404: a teacher of another class sees nothing) and do ``action`` (else 403)."""
    assert function in CLASS_FUNCTIONS, function
    view = _view_action(function)
    action = action or view
    school_id = acting_school_id(acting)
    year = current_fiscal_year()
    enrolment = _current_enrolment(school_id, student_id, year)
    if enrolment is None:
        raise Http404
    seen = health_reach(acting, function, view, fiscal_year=year)
    if not covers_enrolment(seen, enrolment):
        raise Http404
    if action == view:
        assert seen is not None
        return enrolment, seen
    done = health_reach(acting, function, action, fiscal_year=year)
    if not covers_enrolment(done, enrolment):
        raise PermissionDenied
    assert done is not None
    return enrolment, done


def may_on_class(acting: Acting, school_class: SchoolClass, function: str, action: Action) -> bool:
    """For showing buttons: may ``acting`` do ``action`` of ``function`` on the 学級?"""
    return covers(
        health_reach(acting, function, action, fiscal_year=school_class.fiscal_year), school_class
    )


def may_on_pupil(acting: Acting, enrolment: Enrolment, function: str, action: Action) -> bool:
    return covers_enrolment(
        health_reach(acting, function, action, fiscal_year=enrolment.fiscal_year), enrolment
    )


def require_lister(acting: Acting, *, fiscal_year: int | None = None) -> Reach:
    """The list of 学級 (健康診断): 404 outside a school, 403 with no 閲覧 scope."""
    reach = health_reach(acting, EXAM, Action.VIEW, fiscal_year=fiscal_year)
    if reach is None:
        raise Http404
    if reach.nothing:
        raise PermissionDenied
    return reach


def require_entry_periods(
    acting: Acting, *, action: Action, fiscal_year: int | None = None
) -> Reach:
    """入力時期設定(学校): the whole-school scope (404 outside a school, else 403)."""
    reach = health_reach(acting, ENTRY_PERIODS, action, fiscal_year=fiscal_year)
    if reach is None:
        raise Http404
    if not reach.everything:
        raise PermissionDenied
    return reach


def may_set_entry_periods(acting: Acting, *, fiscal_year: int | None = None) -> bool:
    reach = health_reach(acting, ENTRY_PERIODS, Action.EDIT, fiscal_year=fiscal_year)
    return reach is not None and reach.everything
