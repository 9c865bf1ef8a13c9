"""The 別表1 decision on a table of cases over the school-affairs cast.

Each row: (persona, function, action, target) → allowed. Targets are classes of the cast
(``a1_1`` …), its 授業クラス (``music``) or pupils (``pupil:A1-1``, reached through their
学級 and 授業クラス). See ``tests/school_personas.py`` for who teaches what.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from manabi.access.decisions import Target, can
from manabi.access.functions import Action, functions
from manabi.access.models import FunctionPermission
from manabi.accounts.models import RoleAssignment
from manabi.accounts.roles import Role
from manabi.accounts.scopes import ClassRef, Scope
from manabi.accounts.selectors import acting_for
from manabi.students.selectors import target_of_enrolment
from tests.school_personas import SchoolCast

CASES: list[tuple[str, str, str, str, bool]] = [
    # 児童生徒名簿: 管理者 for 校長・副校長・教頭, 学級担当 for everyone else.
    ("principal_a", "roster.students", "view", "a1_1", True),
    ("principal_a", "roster.students", "view", "a2_1", True),
    ("principal_a", "roster.students", "view", "music", True),
    ("principal_a", "roster.students", "edit", "a_support", True),
    ("principal_a", "roster.students", "view", "b1_1", False),  # another school
    ("teacher_a", "roster.students", "view", "a1_1", True),
    ("teacher_a", "roster.students", "view", "a1_2", False),
    ("teacher_a", "roster.students", "view", "a2_1", False),
    ("teacher_a", "roster.students", "view", "music", False),
    ("teacher_a", "roster.students", "excel_out", "a1_1", True),
    ("teacher_a", "roster.students", "print", "a1_1", False),  # no such action
    ("homeroom_a2", "roster.students", "view", "a1_2", True),
    ("homeroom_a2", "roster.students", "view", "a1_1", False),
    # 学年担当 is not 学級担当: a 学年主任 has no class of their own under a 学級担当 scope.
    ("grade_head_a", "roster.students", "view", "a1_1", False),
    ("subject_a", "roster.students", "view", "music", True),
    ("subject_a", "roster.students", "view", "a1_1", False),
    ("subject_a", "roster.students", "view", "pupil:A1-1", True),  # takes 音楽A
    ("subject_a", "roster.students", "view", "pupil:A1-2", False),
    ("teacher_a", "roster.students", "view", "pupil:A1-2", True),
    ("teacher_a", "roster.students", "view", "pupil:A2-1", False),
    ("nurse_a", "roster.students", "view", "a1_1", False),
    ("clerk_a", "roster.students", "view", "a1_1", False),
    ("system_staff_a", "roster.students", "view", "a2_1", True),  # 第21条 default
    ("system_staff_a", "roster.students", "edit", "pupil:K1-1", False),
    ("teacher_b", "roster.students", "view", "b1_1", True),
    ("teacher_b", "roster.students", "view", "a1_1", False),
    ("board_officer", "roster.students", "view", "a1_1", False),
    ("system_admin", "roster.students", "view", "a1_1", False),
    # 出席簿: everyone reads and edits the school's books; ロック and Excel only one's class.
    ("teacher_a", "attendance.book", "view", "a2_1", True),
    ("teacher_a", "attendance.book", "edit", "a1_2", True),
    ("nurse_a", "attendance.book", "view", "a1_1", True),
    ("clerk_a", "attendance.book", "view", "a_support", True),
    ("teacher_a", "attendance.book", "lock", "a1_1", True),
    ("teacher_a", "attendance.book", "lock", "a1_2", False),
    ("grade_head_a", "attendance.book", "lock", "a1_2", False),
    ("principal_a", "attendance.book", "lock", "a1_2", True),
    ("teacher_a", "attendance.book", "excel_out", "a2_1", False),
    ("principal_a", "attendance.book", "excel_out", "a2_1", True),
    ("teacher_b", "attendance.book", "view", "a1_1", False),
    ("teacher_a", "attendance.print", "print", "a1_1", True),
    ("teacher_a", "attendance.print", "print", "a2_1", False),
    # 試験別素点Excel出力 is 学年担当 for others: across the two classes of the grade.
    ("grade_head_a", "grades_output.raw_by_test_excel", "excel_out", "a1_1", True),
    ("grade_head_a", "grades_output.raw_by_test_excel", "excel_out", "a1_2", True),
    ("grade_head_a", "grades_output.raw_by_test_excel", "excel_out", "a_support", True),
    ("grade_head_a", "grades_output.raw_by_test_excel", "excel_out", "a2_1", False),
    ("grade_head_a", "grades_output.raw_by_test_excel", "excel_out", "music", True),
    ("teacher_a", "grades_output.raw_by_test_excel", "excel_out", "a1_1", True),  # own class
    ("teacher_a", "grades_output.raw_by_test_excel", "excel_out", "a1_2", False),
    # Struck-through rows (=): only 校長・副校長・教頭.
    ("principal_a", "grades_entry.input_restrictions", "edit", "a1_1", True),
    ("teacher_a", "grades_entry.input_restrictions", "view", "a1_1", False),
    ("principal_a", "weekly_plan.list", "view", "a2_1", True),
    ("teacher_a", "weekly_plan.list", "view", "a1_1", False),
    ("principal_a", "portfolio.archive_approval", "approve", "a1_1", True),
    ("principal_a", "portfolio.archive_approval", "lock", "a1_1", True),
    ("system_staff_a", "portfolio.archive_approval", "approve", "a1_1", False),
    # いいとこみつけ: 閲覧 the whole school, 変更 one's class.
    ("teacher_a", "good_points.edit", "view", "a2_1", True),
    ("teacher_a", "good_points.edit", "change", "a1_1", True),
    ("teacher_a", "good_points.edit", "change", "a2_1", False),
    # 通知表 印刷 and 成績処理 素点.
    ("teacher_a", "grades_output.report_card", "print", "a1_1", True),
    ("teacher_a", "grades_output.report_card", "print", "a1_2", False),
    ("principal_a", "grades_output.report_card", "print", "a1_2", True),
    ("principal_a", "grades_output.report_card", "edit", "a1_1", False),
    ("subject_a", "grading.raw_scores", "edit", "music", True),
    ("subject_a", "grading.raw_scores", "edit", "a1_1", False),
    ("homeroom_a2", "grading.raw_scores", "excel_in", "a1_2", True),
]


def _target(sc: SchoolCast, key: str) -> Target:
    if key.startswith("pupil:"):
        return target_of_enrolment(sc.enrolments[key.removeprefix("pupil:")])
    if key in sc.lessons:
        lesson = sc.lessons[key]
        ref = ClassRef(lesson.school_id, lesson.grade, lesson.pk, lesson=True)
        return Target(lesson.school_id, lesson.fiscal_year, (ref,), lesson.name)
    klass = sc.classes[key]
    ref = ClassRef(klass.school_id, klass.grade, klass.pk)
    return Target(klass.school_id, klass.fiscal_year, (ref,), klass.label)


def test_the_table_of_cases(school_cast: SchoolCast) -> None:
    assert len(CASES) >= 60
    wrong = []
    for persona, function, action, target, expected in CASES:
        acting = acting_for(school_cast.account(persona))
        decision = can(acting, action, function, _target(school_cast, target))
        if decision.allowed is not expected:
            wrong.append(f"{persona} {function} {action} {target}: {decision.explanation}")
    assert wrong == []


def test_a_school_changes_a_default_and_the_decision_follows(school_cast: SchoolCast) -> None:
    school = school_cast.cast.orgs["school_a"]
    acting = acting_for(school_cast.account("grade_head_a"))
    target = _target(school_cast, "a1_2")
    assert not can(acting, "view", "roster.students", target).allowed
    FunctionPermission.objects.create(
        school=school,
        role_group="teacher",
        function="roster.students",
        action="view",
        scope=Scope.GRADE,
    )
    decision = can(acting, "view", "roster.students", target)
    assert decision.allowed
    assert "学校の設定" in decision.explanation and "1学年の担当" in decision.explanation
    # Another school's setting changes nothing here.
    assert not can(
        acting_for(school_cast.account("teacher_b")),
        "view",
        "roster.students",
        _target(school_cast, "a1_1"),
    ).allowed


def test_a_principal_acting_as_staff_is_a_teacher(school_cast: SchoolCast) -> None:
    account = school_cast.account("principal_a")
    staff_role = RoleAssignment.objects.get(account=account, role=Role.STAFF)
    acting = acting_for(account, assignment_id=staff_role.pk)
    decision = can(acting, "view", "roster.students", _target(school_cast, "a1_1"))
    assert not decision.allowed
    assert "教諭グループ" in decision.explanation


def test_explanations_say_why(school_cast: SchoolCast) -> None:
    acting = acting_for(school_cast.account("teacher_a"))
    yes = can(acting, "view", "roster.students", _target(school_cast, "a1_1"))
    no = can(acting, "view", "roster.students", _target(school_cast, "a1_2"))
    assert yes.explanation == (
        "教諭グループ の「児童生徒名簿 児童生徒」閲覧は学級担当 (別表1の初期設定) → 担任する学級"
    )
    assert "1年2組は担任・担当するクラスではありません" in no.explanation


@pytest.mark.parametrize(
    ("persona", "queries"),
    [("principal_a", 1), ("teacher_a", 2), ("grade_head_a", 2), ("board_officer", 0)],
)
def test_one_decision_costs_at_most_two_queries(
    school_cast: SchoolCast, persona: str, queries: int
) -> None:
    acting = acting_for(school_cast.account(persona))
    target = _target(school_cast, "a1_1")
    with CaptureQueriesContext(connection) as captured:
        can(acting, "view", "roster.students", target)
    assert len(captured) == queries


def test_every_function_of_the_seed_is_loaded() -> None:
    table = functions()
    assert (
        len(table) == 45 + 7
    )  # the seed's 別表1, 健康診断・体力テスト・保健室利用・保健日誌 (health.*) and 学校日誌 (issue #13)
    assert table["attendance.book"].default_scope("teacher", Action.LOCK) == Scope.CLASS
    assert table["attendance.book"].default_scope("principal", Action.LOCK) == Scope.WHOLE_SCHOOL
    assert table["weekly_plan.list"].managers_only
    assert table["roster.students"].default_scope("prefecture_board", "view") == Scope.NONE


def test_grade_scope_reaches_the_grade_and_ones_own_classes(school_cast: SchoolCast) -> None:
    """学年担当 for the teacher group (a school's setting): the 学年主任 reads the whole
    grade; a 学級担任 without a grade duty still reads their own class."""
    from manabi.students.permissions import roster_reach
    from manabi.students.selectors import enrolments_in_reach

    FunctionPermission.objects.create(
        school=school_cast.cast.orgs["school_a"],
        role_group="teacher",
        function="roster.students",
        action="view",
        scope=Scope.GRADE,
    )

    def pupils(persona: str) -> set[str]:
        reach = roster_reach(acting_for(school_cast.account(persona)))
        assert reach is not None
        return {e.student.given_name for e in enrolments_in_reach(reach)}

    assert pupils("grade_head_a") == {"A1-1", "A1-2", "A1-3", "A2-1", "A2-2", "S-1"}
    assert pupils("teacher_a") == {"A1-1", "A1-2", "A1-3"}
    assert pupils("subject_a") == {"A1-1", "A2-1"}
    assert pupils("principal_a") == {"A1-1", "A1-2", "A1-3", "A2-1", "A2-2", "B1-1", "B1-2", "S-1"}


def test_scoped_lists_cost_the_same_whatever_their_size(school_cast: SchoolCast) -> None:
    from manabi.students.permissions import roster_reach
    from manabi.students.selectors import enrolments_in_reach

    acting = acting_for(school_cast.account("teacher_a"))
    with CaptureQueriesContext(connection) as captured:
        reach = roster_reach(acting)
        assert reach is not None
        rows = list(enrolments_in_reach(reach))
    assert len(rows) == 3
    assert len(captured) == 3  # standing, duties, the list
