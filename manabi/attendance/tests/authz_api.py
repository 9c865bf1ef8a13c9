"""Authorisation-matrix entries of the attendance-book API (merged into ``authz.ENTRIES``).

By 別表1's defaults every member of school A's staff may see and enter every class's 出席簿,
so principal_a and teacher_a are allowed; school B's teacher, boards and system administrators
act for no class of school A (404); anonymous callers get 401. Reads of pupils' marks, totals
and notices are audited. An empty PUT body is a 400 for those allowed (nothing written).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from manabi.attendance.choices import AbsenceReason, NoticeKind
from manabi.attendance.models import AbsenceNotice
from tests.authz_harness import Entry, Kwargs
from tests.authz_harness import school_staff as staff
from tests.personas import Cast
from tests.school_personas import build_school_cast


def klass(key: str) -> Kwargs:
    return lambda cast: {"class_id": build_school_cast(cast).classes[key].pk}


def pending_notice(cast: Cast) -> dict[str, Any]:
    """A guardian's 欠席連絡 for A1-1 (teacher_a's 1年1組) on a June weekday, not yet handled."""
    sc = build_school_cast(cast)
    day = date(sc.year, 6, 1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    student = sc.students["A1-1"]
    made = AbsenceNotice.objects.create(
        student=student,
        school_id=sc.enrolments["A1-1"].school_id,
        guardian=student.guardians.get(),
        date=day,
        kind=NoticeKind.ABSENT,
        reason=AbsenceReason.ILLNESS,
    )
    return {"notice_id": made.pk}


ALLOWED_200 = staff(200, anonymous=401, teacher_b=404)

ENTRIES: dict[str, list[Entry]] = {
    "api:attendance_marks": [
        Entry("get", ALLOWED_200, klass("a1_1"), True, school=True),
        Entry("put", staff(400, anonymous=401, teacher_b=404), klass("a1_1"), school=True),
    ],
    "api:attendance_totals": [Entry("get", ALLOWED_200, klass("a1_1"), True, school=True)],
    "api:attendance_notices": [Entry("get", ALLOWED_200, klass("a1_1"), True, school=True)],
    # An empty body is refused (400) once the class is seen; school B's teacher does not see it.
    "api:attendance_month": [
        Entry("post", staff(400, anonymous=401, teacher_b=404), klass("a1_1"), school=True),
    ],
    "api:attendance_notice_accept": [
        Entry("post", ALLOWED_200, pending_notice, True, school=True),
    ],
    "api:attendance_notice_dismiss": [
        Entry("post", ALLOWED_200, pending_notice, True, school=True),
    ],
}
