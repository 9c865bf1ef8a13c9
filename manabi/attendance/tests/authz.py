"""Authorisation-matrix entries of the attendance book (see ``tests/authz_harness.py``).

The cast is ``tests.school_personas``. By 別表1's defaults every member of school A's staff
may see and enter every class's 出席簿 (管理者); the 学級担任 closes their own class's month
(ロック 学級担当) and the 校長 locks it (ロック 管理者). School B's teacher, boards and system
administrators act for no class of school A: 404.

The guardian pages, the reports and the 欠課簿 keep their entries in ``authz_guardian``,
``authz_reports`` and ``authz_lessons``; they are merged here so that the harness finds one block per app.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from manabi.attendance.choices import AbsenceReason, NoticeKind
from manabi.attendance.models import AbsenceNotice, AbsenceReasonOption
from manabi.attendance.tests.authz_api import ENTRIES as API_ENTRIES
from manabi.attendance.tests.authz_guardian import ENTRIES as GUARDIAN_ENTRIES
from manabi.attendance.tests.authz_lessons import ENTRIES as LESSON_ENTRIES
from manabi.attendance.tests.authz_reports import ENTRIES as REPORT_ENTRIES
from manabi.classes.selectors import current_fiscal_year
from tests.authz_harness import Entry, Kwargs, roles
from tests.authz_harness import school_managers as managers
from tests.authz_harness import school_staff as staff
from tests.personas import Cast
from tests.school_personas import build_school_cast


def klass(key: str) -> Kwargs:
    return lambda cast: {"class_id": build_school_cast(cast).classes[key].pk}


a1_1 = klass("a1_1")


def notice(cast: Cast) -> dict[str, Any]:
    """A guardian's 欠席 notice for A1-1 (teacher_a's class), not yet handled."""
    sc = build_school_cast(cast)
    student = sc.students["A1-1"]
    made = AbsenceNotice.objects.create(
        student=student,
        school=cast.orgs["school_a"],
        guardian=student.guardians.get(),
        date=date(current_fiscal_year(), 6, 1),
        kind=NoticeKind.ABSENT,
        reason=AbsenceReason.ILLNESS,
    )
    return {"notice_id": made.pk}


def reason_option(cast: Cast) -> dict[str, Any]:
    """A 欠席の理由 of the みなみ市 board's own list."""
    made = AbsenceReasonOption.objects.create(
        board=cast.orgs["board_m"], label="発熱", reason=AbsenceReason.ILLNESS
    )
    return {"option_id": made.pk}


# Everyone of school A may see and enter 1年1組's book (別表1: 管理者); school B's teacher
# does not see it.
BOOK = staff(200, teacher_b=404)

ENTRIES: dict[str, list[Entry]] = {
    "attendance:index": [Entry("get", staff(200), school=True)],
    # 学校暦: ロック over the whole school (校長・副校長・教頭).
    "attendance:calendar": [
        Entry("get", managers(200), school=True),
        Entry("post", managers(400), school=True),
    ],
    "attendance:holidays": [
        Entry("get", roles(405), school=True),
        Entry("post", managers(302), school=True, writes_when_allowed=True),
    ],
    # A board's own list of 欠席の理由: its officers (an empty form is refused: 400).
    "attendance:reasons": [
        Entry("get", roles(403, board_officer=200)),
        Entry("post", roles(403, board_officer=400)),
    ],
    "attendance:reason_toggle": [
        Entry("get", roles(405), reason_option),
        Entry("post", roles(403, board_officer=302), reason_option, True),
    ],
    "attendance:month": [Entry("get", BOOK, a1_1, True, school=True)],
    "attendance:day": [Entry("get", BOOK, a1_1, True, school=True)],
    # No pupil and day given: the form is refused (400), the cell is not found (404).
    "attendance:quick": [
        Entry("get", roles(405), a1_1, school=True),
        Entry("post", staff(400, teacher_b=404), a1_1, school=True),
    ],
    "attendance:cell": [
        Entry("get", staff(404), a1_1, school=True),
        Entry("post", staff(404), a1_1, school=True),
    ],
    "attendance:range": [
        Entry("get", BOOK, a1_1, school=True),
        Entry("post", staff(400, teacher_b=404), a1_1, school=True),
    ],
    "attendance:closure": [
        Entry("get", BOOK, a1_1, school=True),
        Entry("post", staff(400, teacher_b=404), a1_1, school=True),
    ],
    # An empty form: a message and back to the grid, nothing written.
    "attendance:roll_call": [
        Entry("get", roles(405), a1_1, school=True),
        Entry("post", staff(302, teacher_b=404), a1_1, school=True),
    ],
    # 締め: the ロック scope over the class (the 学級担任 and the 校長).
    "attendance:month_close": [
        Entry("get", roles(405), a1_1, school=True),
        Entry("post", staff(302, teacher_b=404), a1_1, school=True),
    ],
    "attendance:month_reopen": [
        Entry("get", roles(405), a1_1, school=True),
        Entry("post", staff(302, teacher_b=404), a1_1, school=True),
    ],
    # ロック and its 解除: the ロック scope over the whole school.
    "attendance:month_lock": [
        Entry("get", roles(405), a1_1, school=True),
        Entry("post", managers(302, teacher_b=404), a1_1, school=True),
    ],
    "attendance:month_unlock": [
        Entry("get", managers(200, teacher_b=404), a1_1, school=True),
        Entry("post", managers(400, teacher_b=404), a1_1, school=True),
    ],
    # 年度末の確定: no month is closed in the cast, so it is refused with a message.
    "attendance:year_lock": [
        Entry("get", roles(405), a1_1, school=True),
        Entry("post", managers(302, teacher_b=404), a1_1, school=True),
    ],
    "attendance:notice_accept": [
        Entry("get", roles(405), notice, school=True),
        Entry("post", staff(302, teacher_b=404), notice, True, school=True),
    ],
    "attendance:notice_dismiss": [
        Entry("get", roles(405), notice, school=True),
        Entry("post", staff(302, teacher_b=404), notice, True, school=True),
    ],
    **API_ENTRIES,
    **GUARDIAN_ENTRIES,
    **LESSON_ENTRIES,
    **REPORT_ENTRIES,
}
