"""Who may set up, enter, compute, print, approve and lock grades (別表1 成績処理・成績入力・成績出力).

- 成績処理設定 and 入力制限設定 (terms, input periods, the 評定算出ルール):
  ``grades_entry.input_restrictions`` over the whole school (校長・副校長・教頭 by default).
- Per 授業クラス (scope 学級担当 = the 授業クラス one teaches):
  評価項目 ``grading.items``; 素点 ``grading.raw_scores`` (閲覧・編集・Excel入力・Excel出力);
  観点の算出 ``grading.viewpoints``; 評定の算出 ``grading.ratings``; entering or correcting a 観点
  or 評定 by hand ``grades_entry.required_lesson`` (``grades_entry.elective`` for 選択教科).
- Per 学級 (scope 学級担当 = one's homeroom): 所見, 道徳, 総合的な学習の時間, 外国語活動,
  特別活動 and 行動の記録 by their ``grades_entry.*`` function; 通知表 印刷
  ``grades_output.report_card``; 指導要録 印刷 ``grades_output.cumulative_record``.
- 通知表の様式: the 通知表 印刷 scope over the whole school.
- 指導要録 承認・確定・ロック解除: 学校教育法施行規則 第24条 makes the 指導要録 the principal's
  record, so only the 校長グループ of the school may approve, lock and unlock it — a 別表1 cell
  cannot give that away.

As everywhere: a class outside one's 閲覧 scope, or of another school, is 404; seen but not
allowed, 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from manabi.access.functions import Action
from manabi.access.selectors import Reach, acting_school_id, acting_school_reach
from manabi.accounts.rolegroups import RoleGroup
from manabi.accounts.selectors import Acting
from manabi.attendance.lesson_permissions import covers_lesson
from manabi.attendance.permissions import check_access, covers
from manabi.classes.models import LessonClass, SchoolClass

SETUP = "grades_entry.input_restrictions"
ITEMS = "grading.items"
SCORES = "grading.raw_scores"
VIEWPOINTS = "grading.viewpoints"
RATINGS = "grading.ratings"
ENTRY_REQUIRED = "grades_entry.required_lesson"
ENTRY_ELECTIVE = "grades_entry.elective"
REPORT_CARD = "grades_output.report_card"
CUMULATIVE = "grades_output.cumulative_record"
TRANSCRIPT_ENTRY = "grades_entry.report"
TRANSCRIPT_OUTPUT = "grades_output.report"

LESSON_FUNCTIONS = frozenset({ITEMS, SCORES, VIEWPOINTS, RATINGS, ENTRY_REQUIRED})
CLASS_FUNCTIONS = frozenset(
    {
        "grades_entry.remarks",
        "grades_entry.moral",
        "grades_entry.integrated_study",
        "grades_entry.foreign_language",
        "grades_entry.special_activities",
        "grades_entry.behaviour",
        REPORT_CARD,
        CUMULATIVE,
        "grades_entry.report",
        "grades_output.report",
    }
)
# Functions whose only action is 印刷: seeing the output is printing it.
PRINT_ONLY = frozenset({REPORT_CARD, CUMULATIVE})


def grades_reach(
    acting: Acting, function: str, action: Action, *, fiscal_year: int | None = None
) -> Reach | None:
    """The reach of ``action`` on ``function`` at the school ``acting`` acts for (``None``
    outside a school)."""
    return acting_school_reach(acting, function, action, fiscal_year=fiscal_year)


def _view_action(function: str) -> Action:
    return Action.PRINT if function in PRINT_ONLY else Action.VIEW


def entry_function(lesson: LessonClass) -> str:
    """The 成績入力 function for entering a 観点 or 評定 of the 授業クラス by hand."""
    return ENTRY_ELECTIVE if lesson.is_elective else ENTRY_REQUIRED


def access_lesson(
    acting: Acting, lesson_id: int, function: str, *, action: Action = Action.VIEW
) -> tuple[LessonClass, Reach]:
    """The 授業クラス, if ``acting`` may see its ``function`` (else 404) and do ``action`` on it
    (else 403)."""
    assert function in LESSON_FUNCTIONS or function == ENTRY_ELECTIVE, function
    school_id = acting_school_id(acting)
    lesson = (
        LessonClass.objects.filter(pk=lesson_id, school_id=school_id, is_provisional=False).first()
        if school_id is not None
        else None
    )
    if lesson is not None and function == ENTRY_REQUIRED:
        function = entry_function(lesson)
    reach = check_access(
        lesson,
        reach=lambda act, year: grades_reach(acting, function, act, fiscal_year=year),
        covers=covers_lesson,
        action=action,
    )
    assert lesson is not None
    return lesson, reach


def may_on_lesson(acting: Acting, lesson: LessonClass, function: str, action: Action) -> bool:
    """For showing buttons: may ``acting`` do ``action`` of ``function`` on the 授業クラス?"""
    if function == ENTRY_REQUIRED:
        function = entry_function(lesson)
    return covers_lesson(
        grades_reach(acting, function, action, fiscal_year=lesson.fiscal_year), lesson
    )


def access_class(
    acting: Acting, class_id: int, function: str, *, action: Action | None = None
) -> tuple[SchoolClass, Reach]:
    """The 学級, if ``acting`` may see its ``function`` (else 404) and do ``action`` on it (else
    403). For the outputs (印刷 only) seeing is printing."""
    assert function in CLASS_FUNCTIONS, function
    action = action or _view_action(function)
    view = _view_action(function)
    school_id = acting_school_id(acting)
    school_class = (
        SchoolClass.objects.filter(pk=class_id, school_id=school_id, is_provisional=False).first()
        if school_id is not None
        else None
    )

    def reach(act: Action, year: int) -> Reach | None:
        return grades_reach(acting, function, view if act == Action.VIEW else act, fiscal_year=year)

    done = check_access(school_class, reach=reach, covers=covers, action=action)
    assert school_class is not None
    return school_class, done


def may_on_class(acting: Acting, school_class: SchoolClass, function: str, action: Action) -> bool:
    return covers(
        grades_reach(acting, function, action, fiscal_year=school_class.fiscal_year), school_class
    )


def require_lister(acting: Acting, function: str, *, fiscal_year: int | None = None) -> Reach:
    """Lists (the 授業クラス or 学級 one may work on): 404 outside a school, 403 with no scope."""
    reach = grades_reach(acting, function, _view_action(function), fiscal_year=fiscal_year)
    if reach is None:
        raise Http404
    if reach.nothing:
        raise PermissionDenied
    return reach


def require_setup(acting: Acting, *, action: Action, fiscal_year: int | None = None) -> Reach:
    """成績処理設定・入力制限設定 of the school: the whole-school scope of 入力制限設定."""
    reach = grades_reach(acting, SETUP, action, fiscal_year=fiscal_year)
    if reach is None:
        raise Http404
    if not reach.everything:
        raise PermissionDenied
    return reach


def may_setup(acting: Acting, *, fiscal_year: int | None = None) -> bool:
    reach = grades_reach(acting, SETUP, Action.EDIT, fiscal_year=fiscal_year)
    return reach is not None and reach.everything


def require_layout_editor(acting: Acting, *, fiscal_year: int | None = None) -> Reach:
    """通知表の様式: whoever may print every class's 通知表."""
    reach = grades_reach(acting, REPORT_CARD, Action.PRINT, fiscal_year=fiscal_year)
    if reach is None:
        raise Http404
    if not reach.everything:
        raise PermissionDenied
    return reach


def may_edit_layout(acting: Acting, *, fiscal_year: int | None = None) -> bool:
    reach = grades_reach(acting, REPORT_CARD, Action.PRINT, fiscal_year=fiscal_year)
    return reach is not None and reach.everything


def is_principal(reach: Reach | None) -> bool:
    """指導要録 承認・確定・ロック解除 (施行規則 第24条: the principal's record)."""
    return (
        reach is not None and reach.standing.role_group == RoleGroup.PRINCIPAL and reach.everything
    )


def require_principal(acting: Acting, class_id: int) -> tuple[SchoolClass, Reach]:
    """The 学級 whose 指導要録 the principal approves, locks or unlocks (404 unseen, 403 for
    anyone but the 校長グループ)."""
    school_class, reach = access_class(acting, class_id, CUMULATIVE)
    if not is_principal(reach):
        raise PermissionDenied
    return school_class, reach


def access_transcript_class(
    acting: Acting, class_id: int, *, action: Action = Action.VIEW
) -> tuple[SchoolClass, Reach]:
    """The 学級 whose 調査書 ``acting`` may see (成績入力 調査書 閲覧; else 404) and, for
    ``Action.PRINT``, print (成績出力 調査書 印刷; else 403)."""
    assert action in (Action.VIEW, Action.PRINT), action
    school_id = acting_school_id(acting)
    school_class = (
        SchoolClass.objects.filter(pk=class_id, school_id=school_id, is_provisional=False).first()
        if school_id is not None
        else None
    )

    def reach(act: Action, year: int) -> Reach | None:
        function = TRANSCRIPT_ENTRY if act == Action.VIEW else TRANSCRIPT_OUTPUT
        return grades_reach(acting, function, act, fiscal_year=year)

    done = check_access(school_class, reach=reach, covers=covers, action=action)
    assert school_class is not None
    return school_class, done


def may_print_transcript(acting: Acting, school_class: SchoolClass) -> bool:
    return may_on_class(acting, school_class, TRANSCRIPT_OUTPUT, Action.PRINT)
