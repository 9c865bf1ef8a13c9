"""Access decisions about pupils. Not visible → 404, visible but not allowed → 403.

- Lists and records are narrowed by the 別表1 scope of 児童生徒名簿 (``roster.students``):
  管理者 the whole school, 学年担当 their grades, 学級担当 their classes (homeroom or taught).
- Creating and changing 学籍 personal data (氏名, 住所, 保護者 …) is for the school's
  システム担当 and its 校長・副校長・教頭 only (seed 001 第21条), within that scope.
- Boards see pupils only as counts (``pupil_counts``); no rule grants them names yet.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from manabi.access.functions import Action
from manabi.access.selectors import Reach, acting_school_id, reach_of
from manabi.accounts.rolegroups import RoleGroup
from manabi.accounts.roles import Role
from manabi.accounts.selectors import Acting
from manabi.classes.models import Duty, LessonClass, SchoolClass
from manabi.classes.selectors import (
    classes_in_reach,
    current_fiscal_year,
    lesson_classes_in_reach,
)
from manabi.orgs.models import Organisation, OrganisationKind
from manabi.students.models import Enrolment, Transfer
from manabi.students.selectors import enrolment_in_reach

ROSTER = "roster.students"
# 生徒情報管理 (seed 001 第21条): システム担当, and the principal who confirms it (第21条3).
RECORD_MANAGERS = frozenset({RoleGroup.PRINCIPAL, RoleGroup.VICE_PRINCIPAL, RoleGroup.SYSTEM_STAFF})
BOARD_ROLES = frozenset({Role.BOARD, Role.SYSTEM_ADMIN})


def roster_reach(
    acting: Acting, *, action: Action = Action.VIEW, fiscal_year: int | None = None
) -> Reach | None:
    """The acting person's reach over the roster of the school they act for, or ``None``
    when they do not act for a school."""
    school_id = acting_school_id(acting)
    if school_id is None:
        return None
    return reach_of(
        acting,
        school_id=school_id,
        fiscal_year=fiscal_year or current_fiscal_year(),
        function=ROSTER,
        action=action,
    )


def can_list_students(acting: Acting) -> bool:
    reach = roster_reach(acting)
    return reach is not None and not reach.nothing


def can_see_counts(acting: Acting) -> bool:
    return acting.role in BOARD_ROLES


def can_manage_records(reach: Reach | None) -> bool:
    """May create and change 学籍 personal data at the reach's school."""
    return reach is not None and reach.standing.role_group in RECORD_MANAGERS and not reach.nothing


def access_student(acting: Acting, student_id: int, *, fiscal_year: int | None = None) -> Enrolment:
    """The pupil's enrolment at the acting school, if the roster scope reaches them."""
    reach = roster_reach(acting, fiscal_year=fiscal_year)
    enrolment = enrolment_in_reach(reach, student_id) if reach is not None else None
    if enrolment is None:
        raise Http404
    return enrolment


def access_student_for_change(acting: Acting, student_id: int) -> Enrolment:
    """A pupil whose 学籍 the actor may change: visible (else 404) and a record manager
    whose 編集 scope reaches them (else 403)."""
    enrolment = access_student(acting, student_id)
    reach = roster_reach(acting, action=Action.EDIT, fiscal_year=enrolment.fiscal_year)
    if not can_manage_records(reach):
        raise PermissionDenied
    assert reach is not None
    if enrolment_in_reach(reach, student_id) is None:
        raise PermissionDenied
    return enrolment


def require_record_manager(acting: Acting) -> Reach:
    """For creating pupils and importing rosters at the acting school."""
    reach = roster_reach(acting, action=Action.EDIT)
    if reach is None:
        raise Http404
    if not can_manage_records(reach) or not reach.everything:
        raise PermissionDenied
    return reach


def roster_output_reach(acting: Acting) -> Reach:
    """For 名簿印刷 and Excel出力: the 別表1 Excel出力 scope of 児童生徒名簿 (the seed has no
    印刷 cell for the roster; a printed class list is an output of it like the Excel file)."""
    reach = roster_reach(acting, action=Action.EXCEL_OUT)
    if reach is None:
        raise Http404
    if reach.nothing:
        raise PermissionDenied
    return reach


def require_roster_reader(acting: Acting) -> Reach:
    """The class list: a school's staff within their 閲覧 scope (404 outside a school)."""
    reach = roster_reach(acting)
    if reach is None:
        raise Http404
    if reach.nothing:
        raise PermissionDenied
    return reach


def may_export_oneroster(acting: Acting) -> bool:
    """Whether ``oneroster_schools`` lets ``acting`` export at all (to show the link)."""
    try:
        oneroster_schools(acting)
    except (PermissionDenied, Http404):
        return False
    return True


def oneroster_schools(acting: Acting, *, school_id: int | None = None) -> QuerySet[Organisation]:
    """The schools whose OneRoster export ``acting`` may take: a system administrator any
    (all of them, or ``school_id``), a school's record manager whose Excel出力 scope is the
    whole school their own. 403 for the signed-in others; 404 for a school out of reach."""
    schools = Organisation.objects.filter(kind=OrganisationKind.SCHOOL)
    if acting.role == Role.SYSTEM_ADMIN:
        if school_id is None:
            return schools
        if not schools.filter(pk=school_id).exists():
            raise Http404
        return schools.filter(pk=school_id)
    own = acting_school_id(acting)
    if own is None:
        raise PermissionDenied
    reach = roster_reach(acting, action=Action.EXCEL_OUT)
    if not can_manage_records(reach) or reach is None or not reach.everything:
        raise PermissionDenied
    if school_id is not None and school_id != own:
        raise Http404
    return schools.filter(pk=own)


def access_transfer(acting: Acting, transfer_id: int) -> Transfer:
    """A transfer of the acting school (sending or receiving): 404 for anyone else, 403 for
    its staff who do not manage 学籍."""
    school_id = acting_school_id(acting)
    transfer = (
        Transfer.objects.select_related("student", "from_school", "to_school", "from_enrolment")
        .filter(pk=transfer_id)
        .filter(Q(from_school_id=school_id) | Q(to_school_id=school_id))
        .first()
        if school_id is not None
        else None
    )
    if transfer is None:
        raise Http404
    require_record_manager(acting)
    return transfer


def access_class(acting: Acting, class_id: int) -> tuple[SchoolClass, Reach]:
    """A 学級 of the acting school that the roster scope reaches (404 otherwise)."""
    reach = require_roster_reader(acting)
    school_class = classes_in_reach(reach).filter(pk=class_id).first()
    if school_class is None:
        # A class of one's own school outside one's scope is still hidden (404).
        raise Http404
    return school_class, reach


def access_lesson_class(acting: Acting, lesson_id: int) -> tuple[LessonClass, Reach]:
    reach = require_roster_reader(acting)
    lesson = lesson_classes_in_reach(reach).filter(pk=lesson_id).first()
    if lesson is None:
        raise Http404
    return lesson, reach


def access_duty_for_change(acting: Acting, duty_id: int) -> Duty:
    """A duty of the acting school's current year, for its record managers."""
    school_id = acting_school_id(acting)
    duty = (
        Duty.objects.select_related("staff", "school_class", "lesson_class")
        .filter(pk=duty_id, school_id=school_id, fiscal_year=current_fiscal_year())
        .first()
        if school_id is not None
        else None
    )
    if duty is None:
        raise Http404
    require_record_manager(acting)
    return duty
